from django import template

from giamsat.core.audit import label

register = template.Library()


@register.filter
def audit_label(action: str) -> str:
    return label(action)
