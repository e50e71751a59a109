"""How a report's figures are typed and checked, the same on the web form and in an uploaded file."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from giamsat.core.text import fold
from giamsat.core.vntext import parse_number_unit, thousands_reading
from giamsat.plans.choices import IndicatorKind
from giamsat.plans.models import Indicator

MAX_DIGITS_BEFORE_POINT = 14  # IndicatorValue's DecimalField(max_digits=18, decimal_places=4)
FOUR_PLACES = Decimal("0.0001")


def is_percent(indicator: Indicator) -> bool:
    """A figure written as a percentage (not a rate, whose parts are counts)."""
    return indicator.measure.strip() == "%" and indicator.kind in (IndicatorKind.COUNT, IndicatorKind.AMOUNT)


# Amount measures (folded) and how many dong one unit of each is.
DONG_SCALES = {"": 1, "d": 1, "dong": 1, "vnd": 1, "nghin dong": 10**3, "ngan dong": 10**3, "nghin": 10**3}
DONG_SCALES |= {"trieu dong": 10**6, "trieu": 10**6, "ty dong": 10**9, "ty": 10**9}


def dong_scale(measure: str) -> int | None:
    """How many dong one unit of an amount indicator's measure is; None for a measure that is not dong."""
    return DONG_SCALES.get(" ".join(fold(measure or "").split()))


def typed_number(
    value, indicator: Indicator, *, part: bool = False, percent: bool = False, percent_format: bool = False
) -> Decimal:
    """A figure of a report as typed in a cell or on the web form: a number in Vietnamese or English notation, "%"
    only where the figure is a percentage (not in a rate's numerator or denominator, `part`), "đ" only for an
    amount (converted to the indicator's measure, e.g. millions of dong), small enough for the column.
    `percent_format`: the cell is formatted as a percentage. Raises ValueError with the message for the user."""
    code = indicator.code
    if isinstance(value, bool):
        raise ValueError(_("Chỉ tiêu %(code)s: “%(text)s” không phải là số.") % {"code": code, "text": value})
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise ValueError(
            _(
                "Chỉ tiêu %(code)s: ô chứa ngày tháng, không phải số (Excel có thể đã tự đổi số thành ngày; "
                "hãy định dạng ô là Số rồi nhập lại)."
            )
            % {"code": code}
        )
    try:
        number, unit = parse_number_unit(value if not isinstance(value, str) else value.strip())
    except (ValueError, TypeError):
        raise ValueError(
            _("Chỉ tiêu %(code)s: “%(text)s” không phải là số.") % {"code": code, "text": str(value)[:60]}
        ) from None
    # No fraction of a đồng: an amount in đồng, or typed in đồng ("1,250 đ") whatever the indicator's measure.
    in_dong = indicator.kind == IndicatorKind.AMOUNT and (unit == "đ" or dong_scale(indicator.measure) == 1)
    counted = part or indicator.kind == IndicatorKind.COUNT and not percent or in_dong
    if counted and isinstance(value, str) and (whole := thousands_reading(value)):
        # A count with three decimals is unlikely, a thousand and more likely: ask rather than store 1.234 people.
        raise ValueError(
            _(
                "Chỉ tiêu %(code)s: không rõ “%(text)s” là %(whole)s (dấu phẩy ngăn cách hàng nghìn) hay là số thập "
                "phân. Nếu là %(whole)s, hãy gõ %(whole)s, không có dấu phẩy."
            )
            % {"code": code, "text": value.strip(), "whole": whole}
        )
    if unit == "%" and part:
        raise ValueError(
            _("Chỉ tiêu %(code)s: tử số và mẫu số là số đếm, không có dấu %%; tỷ lệ được tính tự động.")
            % {"code": code}
        )
    if unit == "%" and not percent:
        raise ValueError(_("Chỉ tiêu %(code)s không tính bằng %%; hãy bỏ dấu %% và nhập số.") % {"code": code})
    if unit == "đ" and indicator.kind != IndicatorKind.AMOUNT:
        raise ValueError(_("Chỉ tiêu %(code)s không tính bằng tiền; hãy chỉ nhập số.") % {"code": code})
    if unit == "đ":
        # "35.000.000 đ" is dong: an indicator counted in millions of dong stored it as 35 million millions.
        scale = dong_scale(indicator.measure)
        if scale is None:
            raise ValueError(
                _("Chỉ tiêu %(code)s tính bằng %(measure)s; hãy nhập số theo đơn vị đó, không ghi “đ”.")
                % {"code": code, "measure": indicator.measure}
            )
        number /= scale
    if percent_format:
        number *= 100
    number = stored(number)
    if abs(number) >= 10**MAX_DIGITS_BEFORE_POINT:
        raise ValueError(_("Chỉ tiêu %(code)s: số quá lớn.") % {"code": code})
    return number


def fraction_for_percent(value, number: Decimal, percent_format: bool) -> bool:
    """Whether a percentage read from a cell looks like a fraction of one (0.95 for 95 %): a number, not text, in a
    cell not formatted as a percentage, between 0 and 1. It may be meant (0.5 % is a rate some targets ask for),
    so it is taken and the user told."""
    return not isinstance(value, str) and not percent_format and 0 < number < 1


def fraction_for_percent_warning(cell: str, indicator: Indicator, number: Decimal) -> str:
    return _(
        "Ô %(cell)s: %(number)s được hiểu là %(number)s%% (chỉ tiêu %(code)s tính bằng %%). Nếu ý bạn là "
        "%(percent)s%%, hãy nhập %(percent)s rồi tải lên lại."
    ) % {
        "cell": cell,
        "number": number_format(number.normalize()),
        "code": indicator.code,
        "percent": number_format((number * 100).normalize()),
    }


def stored(number: Decimal) -> Decimal:
    """A figure as its column keeps it (4 places, half up). Rounded before its size is checked: 99999999999999.99999
    passed the check and was stored as 10¹⁴, which no later read of the report could convert."""
    return number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
