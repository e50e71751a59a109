from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from giamsat.core.text import Vietnamese

register = template.Library()


# The tabs' own choices, by parameter, and the name under which a tab's view puts the value it read.
TAB_CHOICES = {"sort": "sort", "indicator": "indicator_id", "step": "step", "year": "year_param"}
# What a tab shows without the parameter: not carried, so that the links stay short.
TAB_DEFAULTS = {"sort": "code", "step": "year"}
# Each tab's own, which it carries only as it read them (a year it could not use is not asked for again).
TAB_OWN = {"matrix": {"sort"}, "trend": {"indicator", "step"}, "compliance": {"year"}}


def _tab_choices(context) -> dict[str, str]:
    """The matrix's sort, the trend's indicator and step, the compliance's year: this tab's as it read them, the
    other tabs' as the address carried them, so that leaving a tab and coming back keeps them. Each tab checks
    its own when it reads them, and shows its default, with a note where it is not obvious, for what it cannot
    use."""
    request = context.get("request")
    asked = request.GET if request is not None else {}
    own = TAB_OWN.get(context.get("tab"), set())
    values = {}
    for name, read_as in TAB_CHOICES.items():
        value = str(context.get(read_as) or (asked.get(name) if name not in own else "") or "")[:40]
        if value and value != TAB_DEFAULTS.get(name):
            values[name] = value
    return values


@register.simple_tag(takes_context=True)
def dash_query(context, **changes) -> str:
    """The page's query string (plan period, date of the units, unit and the tabs' own choices) with some values
    changed; a value of "" drops that parameter. Autoescaped where it is used, so `&` becomes `&amp;` in the
    attribute."""
    return context["choices"].query(**{**_tab_choices(context), **changes})


@register.simple_tag(takes_context=True)
def tab_inputs(context, *controls) -> str:
    """Hidden fields for the tabs' own choices that a form has no control of its own for (`controls`): changing the
    date of the units on the trend tab kept neither its indicator nor its step."""
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((name, value) for name, value in _tab_choices(context).items() if name not in controls),
    )


@register.simple_tag
def sheet_cell(value) -> str:
    """A cell of a panel's table as the page shows it: numbers in the language's format, "–" for nothing, texts
    (such as "< 3") as they are. Autoescaped by simple_tag."""
    if value is None:
        return "–"
    if isinstance(value, int | Decimal):
        return formats.number_format(value, force_grouping=True)
    return str(value)


@register.simple_tag
def marked_name(value) -> str:
    """A text that may be a name staying Vietnamese whatever the page's language (`core.text.Vietnamese`: a unit, an
    addressee, a category in a panel's table), marked as such."""
    if isinstance(value, Vietnamese):
        return format_html('<span lang="vi">{}</span>', value)
    return value


@register.simple_tag
def chart_of(charts: dict, name: str):
    """A panel's chart by name (SVG already built safe by charts.py)."""
    return charts.get(name, "")


@register.simple_tag
def tally(t) -> str:
    """A compliance cell (`queries.Tally`): ✓ on time, ! late, ✗ missing, … not yet due, with the counts in words
    as its title. Built here rather than by an included template: the whole plan's span is 40 periods × 167
    units, and the includes took 1.3 s of the page at national scale."""
    if not t.total:
        return mark_safe('<span class="muted">–</span>')  # noqa: S308 - a constant
    # Counts below 1,000 read the same in every language; the rest are grouped as the template did.
    on_time, late, missing, not_due = (
        str(n) if n < 1000 else formats.localize(n) for n in (t.on_time, t.late, t.missing, t.not_due)
    )
    title = _("%(a)s đúng hạn, %(b)s muộn, %(c)s chưa nộp, %(d)s chưa đến hạn") % {
        "a": on_time,
        "b": late,
        "c": missing,
        "d": not_due,
    }
    due = format_html(' <span class="muted">…{}</span>', not_due) if t.not_due else ""
    # A zero is grey: a red "✗0" on every row hid the rows with reports missing. A screen reader reads the counts
    # in words (the label), not "check mark 10 exclamation 0".
    ok, slow, miss = (kind if n else "zero" for kind, n in (("ok", t.on_time), ("late", t.late), ("miss", t.missing)))
    return format_html(
        '<span class="tally" role="img" aria-label="{}" title="{}"><span class="{}">✓{}</span> '
        '<span class="{}">!{}</span> <span class="{}">✗{}</span>{}</span>',
        title,
        title,
        ok,
        on_time,
        slow,
        late,
        miss,
        missing,
        due,
    )
