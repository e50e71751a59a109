from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cache

from django import template
from django.template.defaultfilters import floatformat
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giamsat.reporting.achievement import DEFAULT_BANDS, Status

register = template.Library()

# Colour is never the only signal: each status has a symbol and a word.
STATUS_LABELS = {
    Status.MET: ("✓", _("Đạt")),
    Status.ON_TRACK: ("↗", _("Đúng tiến độ")),
    Status.AT_RISK: ("!", _("Có nguy cơ")),
    Status.OFF_TRACK: ("✗", _("Chậm")),
    Status.NO_DATA: ("–", _("Chưa có số liệu")),
}
_CONTEXT = Context(prec=80)
_STEPS = {places: Decimal(1).scaleb(-places) for places in (1, 2)}


@register.simple_tag
def status_badge(status):
    symbol, label = STATUS_LABELS[Status(status)]
    return format_html('<span class="status {}"><span aria-hidden="true">{}</span> {}</span>', status, symbol, label)


@register.simple_tag
def nothing_to_count_badge():
    """A rate reported as 0/0 (`Cell.nothing_to_count`), in place of its status badge."""
    return format_html(
        '<span class="status no_data" title="{}"><span aria-hidden="true">○</span> {}</span>',
        _("Báo cáo có, nhưng không có trường hợp nào để tính tỷ lệ (0/0)"),
        _("Không phát sinh"),
    )


@register.simple_tag
def bands_note() -> str:
    """What each status means, with the thresholds the engine uses (DEFAULT_BANDS)."""
    bands = DEFAULT_BANDS
    return _(
        "Đạt: thực hiện từ %(met)s%% chỉ tiêu. Đúng tiến độ: từ %(on_track)s%% tiến độ cần đạt đến nay (chỉ khi kỳ "
        "chưa kết thúc). Có nguy cơ: từ %(at_risk)s%% tiến độ cần đạt (khi kỳ đã kết thúc: chưa đạt nhưng gần đạt). "
        "Chậm: dưới %(at_risk)s%%. Chỉ tiêu giảm: tỷ lệ đạt là mức đã giảm từ giá trị cơ sở chia cho mức phải "
        "giảm (giảm nhiều hơn yêu cầu thì trên 100%%); khi không có giá trị cơ sở, là chỉ tiêu chia cho thực hiện, "
        "tối đa 100%%."
    ) % {
        "met": _percent(bands.met),
        "on_track": _percent(bands.on_track),
        "at_risk": _percent(bands.at_risk),
    }


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}"


@register.filter
def status_label(status):
    return STATUS_LABELS[Status(status)][1]


def shown_number(value, places: int, notation: tuple | None = None) -> str:
    """What `value|floatformat:"-<places>g"` shows (integers without decimals, others rounded half up to `places`,
    grouped in the language's notation), for the engine's non-negative ints and Decimals, without the filter's
    look-ups: a province's matrix shows 30,000 numbers. Anything else goes to floatformat itself. `notation`: the
    language's `_notation`, looked up once by a caller that shows many numbers."""
    if value is None:
        return ""
    number = value if type(value) is Decimal else Decimal(value) if type(value) is int else None
    if number is None or not number.is_finite() or number < 0 or len(number.as_tuple().digits) > 40:
        return floatformat(value, f"-{places}g")
    if number == number.to_integral_value():
        text, decimals = str(int(number)), 0
    else:
        text, decimals = f"{number.quantize(_STEPS[places], ROUND_HALF_UP, _CONTEXT):f}", places
    separator, grouping, thousands = notation or _notation(get_language())
    if type(grouping) is not int or grouping <= 0:  # a grouping sequence (1,00,000) or none: Django's own
        return numberformat.format(text, separator, decimals, grouping, thousands, force_grouping=True, use_l10n=True)
    # Groups of `grouping` digits, as numberformat.format makes them, without its per-call setting look-ups
    # (about 10 µs a number, a third of a second per province matrix).
    whole, _point, fraction = text.partition(".")
    head = len(whole) % grouping or grouping
    groups = [whole[:head], *(whole[i : i + grouping] for i in range(head, len(whole), grouping))]
    return thousands.join(groups) + (separator + fraction if fraction else "")


@cache
def _notation(language: str | None) -> tuple:
    names = ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    return tuple(get_format(name, language, use_l10n=True) for name in names)


@cache
def _labels(language: str | None) -> dict:
    """The translated pieces of a cell, once per language."""
    return {
        "badges": {status: str(status_badge(status)) for status in Status},
        "contradictory": str(_("chỉ tiêu mâu thuẫn")),
        "no_target": conditional_escape(_("Không có chỉ tiêu cho kỳ này")),
        "baseline": format_html(
            '<div class="muted" title="{}">{}',
            _("Giá trị cơ sở: chỉ tiêu giảm tính tỷ lệ đạt từ mức này"),
            _("cơ sở"),
        ),
        # A total that looks better than it is: a decrease summed without the units that have not reported.
        "unreported": conditional_escape(_("thiếu số liệu %(n)s đơn vị: số thực tế có thể cao hơn")),
        "nothing_to_count": str(nothing_to_count_badge()),
        "hidden": format_html(
            '<span class="muted" title="{}">{}</span>',
            _("Dưới 3 vụ việc: ẩn để bảo vệ trẻ em"),
            _("ẩn"),
        ),
    }


@register.simple_tag
def matrix_cells(cells, dashboard: bool = False):
    """A matrix row's cells: actual / target (and the baseline a decrease counts from), % achieved and the status
    badge, or the actual alone where no target was set. Built here rather than in a template: through the template
    engine a province's 10,000 cells took 2–3 s (python -m bench, pages). The dashboard's cells carry number
    classes and a contradictory-target mark."""
    language = get_language()
    labels, notation = _labels(language), _notation(language)
    td = '<td class="cell-num">' if dashboard else "<td>"
    pct = '<div class="pct">' if dashboard else "<div>"
    # The "no target" hint on the cell, which can be hovered even when it holds no figure.
    untargeted = f'<td class="cell-num" title="{labels["no_target"]}">' if dashboard else "<td>"
    parts = []
    for cell in cells:
        if cell.hidden:
            actual = labels["hidden"]
        else:
            actual = "0/0" if cell.nothing_to_count else shown_number(cell.actual_shown, 2, notation)
        if not cell.target:
            parts.append(f'{untargeted}<span class="muted">{actual}</span></td>')
            continue
        parts.append(f"{td}<div>{actual or '–'} / {shown_number(cell.target.value, 2, notation)}</div>")
        if (baseline := cell.baseline) is not None:
            parts.append(f"{labels['baseline']} {shown_number(baseline, 2, notation)}</div>")
        if (percent := cell.percent) is not None:
            parts.append(f"{pct}{shown_number(percent, 1, notation)}%</div>")
        if cell.nothing_to_count:
            parts.append(labels["nothing_to_count"])
        elif not cell.hidden:
            parts.append(labels["badges"][cell.status])
        if dashboard and cell.unreported_below:
            unreported = labels["unreported"] % {"n": cell.unreported_below}
            parts.append(f'<div class="cell-msg" data-testid="unreported-below">⚠ {unreported}</div>')
        if dashboard and cell.problem:
            parts.append(f' <span title="{conditional_escape(cell.problem_text)}">⚠ {labels["contradictory"]}</span>')
        parts.append("</td>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers, escaped text and our own markup only
