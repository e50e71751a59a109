from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(delta):
    """A time span as officials say it: "2 ngày 3 giờ", "5 giờ 20 phút", "40 phút"."""
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s ngày %(h)s giờ") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s giờ %(m)s phút") % {"h": hours, "m": minutes}
    return _("%(m)s phút") % {"m": minutes}
