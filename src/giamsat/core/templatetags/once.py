from django import template
from django.utils.html import format_html

from giamsat.core.once import FIELD, token_for

register = template.Library()


@register.simple_tag(takes_context=True)
def once_field(context) -> str:
    """The form's one-time token (core.once), as a hidden input."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token_for(context["request"]))
