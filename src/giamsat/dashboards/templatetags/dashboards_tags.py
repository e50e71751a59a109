from django import template

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
