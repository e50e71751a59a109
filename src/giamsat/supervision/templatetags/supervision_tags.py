from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from giamsat.supervision.choices import STATUS_SYMBOLS, RecommendationStatus

register = template.Library()

# The stylesheet's status colours; the symbol and the word always say it too (never colour alone).
CLASSES = {
    RecommendationStatus.OPEN: "no_data",
    RecommendationStatus.IN_PROGRESS: "on_track",
    RecommendationStatus.IMPLEMENTED: "met",
    RecommendationStatus.PARTLY: "at_risk",
    RecommendationStatus.NOT_ACCEPTED: "off_track",
}


@register.simple_tag
def rec_status(status):
    status = RecommendationStatus(status)
    return format_html(
        '<span class="status {}"><span aria-hidden="true">{}</span> {}</span>',
        CLASSES[status],
        STATUS_SYMBOLS[status],
        status.label,
    )


@register.simple_tag
def overdue_badge():
    return format_html('<span class="status off_track"><span aria-hidden="true">⏰</span> {}</span>', _("Quá hạn"))


@register.simple_tag
def verified_badge():
    return format_html('<span class="status met"><span aria-hidden="true">✔</span> {}</span>', _("Đã xác nhận"))


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def recommendation_statuses(codes) -> str:
    """["open", "implemented"] (an audit entry's change) -> "Chưa thực hiện → Đã thực hiện"."""
    labels = dict(RecommendationStatus.choices)
    return " → ".join(str(labels.get(code, code)) for code in codes)
