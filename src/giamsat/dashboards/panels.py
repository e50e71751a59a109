"""Panels of the other capabilities on the dashboards' first page: a few headline numbers (the same queries as
their dashboards) and links, each shown only to the roles granted it."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from giamsat.cases import dashboard as case_dashboard
from giamsat.supervision import queries as supervision_queries
from giamsat.supervision.choices import FindingKind
from giamsat.supervision.models import Finding, Recommendation

from . import exports


def cases_panel(user) -> dict:
    """The dashboard's own figures, hidden for this viewer exactly as on the dashboard (`shown`)."""
    small = case_dashboard.small_counts_hidden(user)
    # The units table at the level the dashboard's page starts at, so that both hide the same cells.
    level = case_dashboard.unit_levels(user)[0]
    dash = case_dashboard.dashboard(case_dashboard.counted_cases(user), unit_level=level, harms=False)
    view = case_dashboard.shown(dash, small)
    # A hidden share or median says so ("ẩn"), as on the dashboard: "–" is kept for none to count.
    mark = str(case_dashboard.HIDDEN)
    headline = [(_("Số vụ việc"), view.total, "")]
    for rule in case_dashboard.STEP_RULES:
        share = view.steps[rule.key]
        percent = mark if share.counted == mark else share.percent
        suffix = "%" if percent not in (None, mark) else ""
        headline.append((_("%(step)s: đúng hạn") % {"step": rule.short}, percent, suffix))
    median = mark if view.median_hours is None and small and view.intervened != 0 else view.median_hours
    headline.append((_("Trung vị số giờ đến can thiệp đầu tiên"), median, ""))
    links = [(_("Số liệu và thời hạn: biểu đồ, bảng, tải Excel"), reverse("dashboards:cases"))]
    if user.can("cases.view"):
        links.append((_("Vụ việc quá hạn theo đơn vị"), reverse("cases:overdue")))
    notes = [_("Mọi vụ việc đã tiếp nhận trong địa bàn của bạn, trừ vụ việc trùng.")]
    if small:
        notes.append(exports.hidden_note())
    return {
        "title": _("Vụ việc trẻ em"),
        "headline": headline,
        "links": links,
        "testid": "panel-cases",
        "note": " ".join(notes),
    }


def supervision_panel(user, today: datetime.date) -> dict:
    totals = supervision_queries.status_totals(Recommendation.objects.restrict(user, "view"), today)
    categories = (
        Finding.objects.restrict(user, "view")
        .filter(kind=FindingKind.LIMITATION, category__isnull=False)
        .values("category")
        .distinct()
        .count()
    )
    headline = [
        (_("Kiến nghị (theo nơi nhận)"), totals["total"], ""),
        (_("Quá hạn"), totals["overdue"], ""),
        (_("Đã xác nhận"), totals["verified"], ""),
        (_("Nhóm hạn chế đã gặp"), categories, ""),
    ]
    links = [
        (_("Kiến nghị, hạn chế: biểu đồ, bảng, tải Excel"), reverse("dashboards:supervision")),
        (_("Theo dõi kiến nghị"), reverse("supervision:recommendations")),
        (_("Hạn chế theo nhóm"), reverse("supervision:limitations")),
    ]
    return {"title": _("Giám sát"), "headline": headline, "links": links, "testid": "panel-supervision"}


def for_user(user, today: datetime.date) -> list[dict]:
    panels = []
    if user.can("cases.statistics"):
        panels.append(cases_panel(user))
    if user.can("supervision.view"):
        panels.append(supervision_panel(user, today))
    for panel in panels:
        panel["template"] = "dashboards/_panel_links.html"
    return panels
