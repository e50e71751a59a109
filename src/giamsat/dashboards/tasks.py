"""What is waiting for a user, on the home page: a few counts, each through the same scoped queryset and filter as
the list it links to, and each only for the roles that do that work."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from giamsat.cases.choices import OPEN_STATUSES
from giamsat.cases.models import Case
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.models import Report, ReportRequest
from giamsat.supervision.models import FINAL_STATUSES, Recommendation


@dataclass(frozen=True)
class Task:
    label: str
    count: int
    url: str
    late: bool = False  # things past their deadline: shown as such when there are any


def tasks_for(user, today: datetime.date, now: datetime.datetime) -> list[Task]:
    if user.sees_all:  # administrators may do everything but do none of this work: the counts would be the country's
        return []
    tasks = []
    if user.can("reporting.submit"):
        overdue = ReportRequest.objects.restrict(user, "view").overdue(today).count()
        tasks.append(
            Task(_("Yêu cầu báo cáo quá hạn chưa nộp"), overdue, reverse("reporting:inbox") + "?overdue=1", True)
        )
    if user.can("reporting.review"):
        waiting = Report.objects.restrict(user, "review").filter(status=ReportStatus.SUBMITTED).count()
        tasks.append(Task(_("Báo cáo chờ bạn duyệt"), waiting, reverse("reporting:inbox")))
    recommendations = reverse("supervision:recommendations")
    if user.can("supervision.respond"):
        addressed = Recommendation.objects.restrict(user, "respond")
        unanswered = addressed.exclude(status__in=FINAL_STATUSES).count()
        tasks.append(Task(_("Kiến nghị gửi đơn vị bạn chưa thực hiện xong"), unanswered, recommendations))
        late = addressed.overdue(today).count()
        tasks.append(Task(_("…trong đó quá hạn trả lời"), late, recommendations + "?overdue=1", True))
    elif user.can("supervision.change") or user.can("supervision.oversee"):
        overdue = Recommendation.objects.restrict(user, "view").overdue(today).count()
        tasks.append(Task(_("Kiến nghị quá hạn trả lời"), overdue, recommendations + "?overdue=1", True))
    if user.can("cases.view"):
        open_cases = Case.objects.restrict(user, "view").filter(status__in=OPEN_STATUSES)
        tasks.append(Task(_("Vụ việc đang xử lý"), open_cases.count(), reverse("cases:index")))
        tasks.append(
            Task(
                _("…trong đó quá hạn một bước"),
                open_cases.filter(next_due_at__lt=now).count(),
                reverse("cases:index") + "?overdue=1",
                True,
            )
        )
    return tasks
