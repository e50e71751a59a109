from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from giamsat.reporting.achievement import Status

register = template.Library()

# Colour is never the only signal: each status has a symbol and a word.
STATUS_LABELS = {
    Status.MET: ("✓", _("Đạt")),
    Status.ON_TRACK: ("↗", _("Đúng tiến độ")),
    Status.AT_RISK: ("!", _("Có nguy cơ")),
    Status.OFF_TRACK: ("✗", _("Chậm")),
    Status.NO_DATA: ("–", _("Chưa có số liệu")),
}


@register.simple_tag
def status_badge(status):
    symbol, label = STATUS_LABELS[Status(status)]
    return format_html('<span class="status {}"><span aria-hidden="true">{}</span> {}</span>', status, symbol, label)


@register.filter
def status_label(status):
    return STATUS_LABELS[Status(status)][1]
