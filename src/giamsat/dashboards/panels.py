"""Panels of the other capabilities on the dashboards' first page. While the cases and supervision apps settle,
each panel links to that app's own statistics pages (shown only to roles granted them) rather than repeating
their numbers here; see docs/performance.md, "Not done"."""

import datetime

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

PANELS = [
    (
        _("Vụ việc trẻ em"),
        "cases.statistics",
        [
            (_("Thống kê vụ việc (hình thức, kênh, đơn vị, tuổi, giới tính; đúng hạn từng bước)"), "cases:statistics"),
            (_("Vụ việc quá hạn theo đơn vị"), "cases:overdue"),
        ],
    ),
    (
        _("Giám sát"),
        "supervision.view",
        [
            (_("Kiến nghị theo tình trạng, quá hạn theo nơi nhận"), "supervision:recommendations"),
            (_("Hạn chế theo nhóm, theo đơn vị"), "supervision:limitations"),
        ],
    ),
]


def for_user(user, today: datetime.date) -> list[dict]:
    panels = []
    for title, permission, links in PANELS:
        if not user.can(permission):
            continue
        shown = []
        for label, name in links:
            try:
                shown.append((label, reverse(name)))
            except NoReverseMatch:  # that app does not offer the page (yet)
                continue
        if shown:
            panels.append({"title": title, "links": shown, "template": "dashboards/_panel_links.html"})
    return panels
