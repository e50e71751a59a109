from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from giamsat.core.audit import KEY_LABELS, label

register = template.Library()


@register.filter
def audit_label(action: str) -> str:
    return label(action)


@register.simple_tag
def audit_field(entry, key: str) -> str:
    """A changed field's name as the forms say it ("Mức độ nguy cơ"), not its code ("risk_level"); the other keys
    of a change (a comment, the cells of a grid) by their KEY_LABELS, else as they are."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    try:
        return capfirst(model._meta.get_field(key).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return str(KEY_LABELS.get(key, key))
