"""Reminders about report requests: before the due date and after it (then weekly). Idempotent: each request
is claimed with an optimistic update on its reminder date, so two runs at once never send twice."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from giamsat.accounts.models import User
from giamsat.core import audit

from .choices import ReportStatus
from .models import ReportRequest

DONE = [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED]
REPEAT_AFTER_DAYS = 7


def recipients(request: ReportRequest) -> list[str]:
    """The people who write the unit's reports."""
    users = User.objects.filter(is_active=True, unit=request.unit).exclude(email="")
    return [u.email for u in users if u.can("reporting.submit")]


def _send(request: ReportRequest, kind: str, today: datetime.date) -> bool:
    to = recipients(request)
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "req": request,
            "kind": kind,
            "days": (request.due_on - today).days,
            "late": (today - request.due_on).days,
        }
        subject = render_to_string("reporting/email/reminder_subject.txt", context).strip()
        body = render_to_string("reporting/email/reminder.txt", context)
    send_mail(subject, body, None, to)
    return True


def send_reminders(today: datetime.date, days_before: int = 3) -> dict[str, int]:
    sent = {"before": 0, "after": 0}
    open_requests = ReportRequest.objects.exclude(reports__status__in=DONE).select_related("unit", "schedule__plan")
    due_soon = open_requests.filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days_before), reminded_before_on__isnull=True
    )
    overdue = open_requests.filter(due_on__lt=today).filter(
        Q(reminded_after_on__isnull=True) | Q(reminded_after_on__lte=today - datetime.timedelta(days=REPEAT_AFTER_DAYS))
    )
    for kind, rows, field in (("before", due_soon, "reminded_before_on"), ("after", overdue, "reminded_after_on")):
        for request in rows:
            with transaction.atomic():
                previous = getattr(request, field)
                claimed = ReportRequest.objects.filter(pk=request.pk, **{field: previous}).update(**{field: today})
                if not claimed:
                    continue
                if _send(request, kind, today):
                    audit.record(None, f"report.remind_{kind}", request)
                    sent[kind] += 1
                else:
                    # Nobody to write to yet: leave the request unclaimed so whoever joins later is reminded.
                    transaction.set_rollback(True)
    return sent
