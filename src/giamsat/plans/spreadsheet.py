"""Targets by spreadsheet: download the grid of one period (units down, indicator codes across), fill it offline,
upload it. Every cell is checked before anything is saved; errors name the cell.

The file carries its plan and period on a very hidden sheet, so that a grid downloaded for one period is never
written into another. A file without it (the grid copied into a workbook of one's own) is read by its headings.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from giamsat.core.periods import Period, PeriodKind
from giamsat.core.vntext import parse_number_unit
from giamsat.reporting.spreadsheet import (
    FOUR_PLACES,
    MAX_DIGITS_BEFORE_POINT,
    META_SHEET,
    CellError,
    SpreadsheetErrors,
    export_rows,
    open_upload,
)

from .choices import IndicatorKind

UNIT_CODE = "Mã đơn vị"
TEMPLATE_KIND = "giamsat-targets"


def targets_workbook(plan, period: Period, indicators, units, current: dict[tuple[int, int], Decimal]) -> bytes:
    headers = [UNIT_CODE, _("Đơn vị"), *[i.code for i in indicators]]
    rows = ([unit.code, unit.name, *[current.get((i.pk, unit.pk)) for i in indicators]] for unit in units)
    hidden = [
        ("template", TEMPLATE_KIND),
        ("plan_id", plan.pk),
        ("plan_reference", plan.reference),
        ("period_kind", str(period.kind)),
        ("period_start", period.start.isoformat()),
        ("period_end", period.end.isoformat()),
    ]
    return export_rows(headers, rows, title=_("Chỉ tiêu"), hidden=hidden)


def _in_percent(indicator) -> bool:
    """A target written as a percentage: a rate's, or one whose unit of measure is "%"."""
    return indicator.kind == IndicatorKind.RATIO or indicator.measure.strip() == "%"


def target_value(value, indicator, *, percent_format: bool = False) -> Decimal:
    """A target typed on the page or read from a cell, checked as a report's value is: a number (Vietnamese or
    English notation), not negative, "%" only for a percentage and "đ" only for an amount, small enough for the
    column (18 digits, 4 after the point). `percent_format`: the cell is formatted as a percentage, so it holds
    0.85 for 85 %. Raises ValueError with the message for the user."""
    code = indicator.code
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise ValueError(
            _(
                "Chỉ tiêu %(code)s: ô chứa ngày tháng, không phải số (Excel có thể đã tự đổi số thành ngày; "
                "hãy định dạng ô là Số rồi nhập lại)."
            )
            % {"code": code}
        )
    try:
        number, unit = parse_number_unit(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError):
        raise ValueError(
            _("Chỉ tiêu %(code)s: “%(text)s” không phải là số.") % {"code": code, "text": str(value)[:60]}
        ) from None
    percent = _in_percent(indicator)
    if unit == "%" and not percent:
        raise ValueError(_("Chỉ tiêu %(code)s không tính bằng %%; hãy bỏ dấu %% và nhập số.") % {"code": code})
    if unit == "đ" and indicator.kind != IndicatorKind.AMOUNT:
        raise ValueError(_("Chỉ tiêu %(code)s không tính bằng tiền; hãy chỉ nhập số.") % {"code": code})
    if percent_format and not isinstance(value, str):
        if not percent:
            raise ValueError(_("Chỉ tiêu %(code)s không tính bằng %%; hãy bỏ dấu %% và nhập số.") % {"code": code})
        number *= 100
    if number < 0:
        raise ValueError(_("Chỉ tiêu không được âm."))
    if number >= 10**MAX_DIGITS_BEFORE_POINT:
        raise ValueError(_("Chỉ tiêu %(code)s: số quá lớn.") % {"code": code})
    return number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def parse_targets(content, plan, period: Period, indicators, units) -> dict[tuple[int, int], Decimal | None]:
    """{(indicator id, unit id): value or None for an empty cell}; raises SpreadsheetErrors listing every bad cell.
    Indicator columns the file lacks and units it has no row for are left out (their targets stay as they are)."""
    book = open_upload(content, max_column=len(indicators) + 10)
    try:
        _check_origin(book, plan, period)
        sheet = _grid_sheet(book)
    finally:
        book.close()
    return _Grid(sheet, indicators, units).read()


def _check_origin(book, plan, period: Period) -> None:
    """One clear error for a file downloaded for another plan or period, or another kind of file of ours."""
    if META_SHEET not in book.sheetnames:
        return
    meta = book[META_SHEET]
    pairs = {str(meta.cell(row, 1).value): meta.cell(row, 2).value for row in sorted(meta.rows) if row <= 100}
    if pairs.get("template") != TEMPLATE_KIND:
        raise _refused(_("Tệp này không phải bảng chỉ tiêu tải từ trang này; hãy tải bảng chỉ tiêu ở trên."))
    try:
        plan_id = int(pairs["plan_id"])
        kind = PeriodKind(str(pairs["period_kind"]))
        start = datetime.date.fromisoformat(str(pairs["period_start"])[:10])
        end = datetime.date.fromisoformat(str(pairs["period_end"])[:10])
        of_file = Period(start, end, kind)
    except (KeyError, TypeError, ValueError):
        raise _refused(
            _("Phần thông tin ẩn của tệp bị hỏng hoặc đã bị sửa. Hãy tải bảng chỉ tiêu mới và nhập lại.")
        ) from None
    if plan_id != plan.pk:
        raise _refused(
            _("Tệp này là bảng chỉ tiêu của kế hoạch khác (%(reference)s); hãy tải bảng chỉ tiêu của kế hoạch này.")
            % {"reference": pairs.get("plan_reference") or "?"}
        )
    if (of_file.start, of_file.end) != (period.start, period.end):
        raise _refused(
            _(
                "Tệp này là bảng chỉ tiêu %(file)s, trang đang mở %(page)s; chưa có gì được lưu. Hãy chọn kỳ "
                "%(file)s ở trên rồi tải tệp lên lần nữa."
            )
            % {"file": of_file.label, "page": period.label}
        )


def _refused(message: str) -> SpreadsheetErrors:
    return SpreadsheetErrors([CellError("", "", message)])


def _grid_sheet(book):
    """The first visible sheet whose A1 is the unit-code heading: extra sheets put before it are passed over."""
    sheets = book.visible_sheets()
    for sheet in sheets:
        if str(sheet.cell(1, 1).value or "").strip() == UNIT_CODE:
            return sheet
    title = sheets[0].title if sheets else ""
    raise SpreadsheetErrors(
        [CellError(title, "A1", _("Dòng đầu phải là tiêu đề, ô A1 là “%(h)s”.") % {"h": UNIT_CODE})]
    )


def _unit_code(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class _Grid:
    def __init__(self, sheet, indicators, units):
        self.sheet = sheet
        self.title = sheet.title
        self.indicators = {i.code: i for i in indicators}
        self.units = {u.code: u for u in units}
        self.errors: list[CellError] = []

    def error(self, cell: str, message: str) -> None:
        self.errors.append(CellError(self.title, cell, message))

    def read(self) -> dict[tuple[int, int], Decimal | None]:
        columns = self._columns()
        self._merged(columns)
        values: dict[tuple[int, int], Decimal | None] = {}
        first_row_of: dict[int, int] = {}
        for number in sorted(r for r in self.sheet.rows if r > 1):
            code = self.sheet.cell(number, 1).value
            if code is None or str(code).strip() == "":
                if any(self.sheet.cell(number, column).value is not None for column in columns):
                    self.error(f"A{number}", _("Dòng %(row)s có chỉ tiêu nhưng thiếu mã đơn vị.") % {"row": number})
                continue
            unit = self.units.get(_unit_code(code))
            if unit is None:
                self.error(f"A{number}", _("Mã đơn vị %(c)s không thuộc kế hoạch này.") % {"c": code})
                continue
            if unit.pk in first_row_of:
                self.error(
                    f"A{number}",
                    _("Đơn vị %(unit)s đã có ở dòng %(row)s; mỗi đơn vị chỉ được một dòng.")
                    % {"unit": unit.name, "row": first_row_of[unit.pk]},
                )
                continue
            first_row_of[unit.pk] = number
            for column, indicator in columns.items():
                values[(indicator.pk, unit.pk)] = self._value(number, column, indicator)
        if self.errors:
            raise SpreadsheetErrors(self.errors)
        return values

    def _columns(self) -> dict:
        columns = {}
        for column, cell in sorted(self.sheet.rows.get(1, {}).items()):
            code = str(cell.value).strip()
            if column <= 2 or not code:
                continue
            if code not in self.indicators:
                self.error(
                    f"{get_column_letter(column)}1", _("Không có chỉ tiêu mã %(c)s trong kế hoạch.") % {"c": code}
                )
            elif self.indicators[code] in columns.values():
                self.error(f"{get_column_letter(column)}1", _("Cột chỉ tiêu %(c)s có hai lần.") % {"c": code})
            else:
                columns[column] = self.indicators[code]
        return columns

    def _merged(self, columns: dict) -> None:
        """Only a merged range's first cell keeps its value: the others would be read as empty targets."""
        for merged in self.sheet.merged:
            if merged.max_row >= 2 and any(merged.min_col <= column <= merged.max_col for column in columns):
                self.error(
                    merged.coord.split(":")[0],
                    _("Vùng gộp ô %(range)s: hãy bỏ gộp ô và nhập chỉ tiêu cho từng đơn vị.") % {"range": merged.coord},
                )

    def _value(self, row: int, column: int, indicator) -> Decimal | None:
        cell = self.sheet.cell(row, column)
        where = f"{get_column_letter(column)}{row}"
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if cell.data_type == "f":
            message = _("Ô %(cell)s chứa công thức; hãy dán giá trị (Paste Special → Values).") % {"cell": where}
            self.error(where, message)
            return None
        try:
            return target_value(value, indicator, percent_format="%" in (cell.number_format or ""))
        except ValueError as exc:
            self.error(where, str(exc))
            return None
