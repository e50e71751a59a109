from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.simple_tag(takes_context=True)
def dash_query(context, **changes) -> str:
    """The page's query string (plan period, date of the units, unit) with some values changed; a value of ""
    drops that parameter. Autoescaped where it is used, so `&` becomes `&amp;` in the attribute."""
    choices = context["choices"]
    keep = {key: context.get(key) for key in ("sort", "indicator_id", "step", "year_param") if context.get(key)}
    params = {
        "sort": keep.get("sort"),
        "indicator": keep.get("indicator_id"),
        "step": keep.get("step"),
        "year": keep.get("year_param"),
    }
    params.update(changes)
    return choices.query(**params)


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
def chart_of(charts: dict, name: str):
    """A panel's chart by name (SVG already built safe by charts.py)."""
    return charts.get(name, "")
