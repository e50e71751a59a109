from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The capabilities in the order users meet them, with the permission that opens each.
CAPABILITIES = [
    ("home", _("Trang chủ"), "home", None),
    ("units", _("Đơn vị hành chính"), "units:browse", "units.view"),
    ("plans", _("Kế hoạch"), "plans:list", "plans.view"),
    ("reporting", _("Báo cáo"), "reporting:inbox", "reporting.view"),
    ("supervision", _("Giám sát"), "supervision:index", "supervision.view"),
    # Every role reaches some part of it (intake, the list, or counts); the index sends each to theirs.
    ("cases", _("Vụ việc trẻ em"), "cases:index", None),
    ("dashboards", _("Bảng điều khiển"), "dashboards:index", "plans.view"),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    section = match.namespace or match.url_name if match else ""
    items = [
        {"key": key, "label": label, "url": reverse(name), "active": key == section}
        for key, label, name, permission in CAPABILITIES
        if permission is None or request.user.can(permission)
    ]
    if request.user.can("audit.view"):
        items.append(
            {
                "key": "audit",
                "label": _("Nhật ký"),
                "url": reverse("audit_log"),
                "active": section == "audit_log",
            }
        )
    return {"nav_items": items}
