"""Reminders about recommendations: before the answer deadline and after it (then weekly), to the people who
answer for the addressee; overdue ones also to the supervising organisation. Idempotent: each recommendation is
claimed with an optimistic update of its reminder date before anything is sent, so two runs at once never send
the same reminder twice."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from giamsat.accounts.models import User
from giamsat.core import audit

from .choices import FINAL_STATUSES
from .models import Recommendation

REPEAT_AFTER_DAYS = 7


def addressee_recipients(rec: Recommendation) -> list[str]:
    """Users who answer for the addressee: its members, its departments' members, officers seated at its unit."""
    organisation = rec.addressee
    users = User.objects.filter(is_active=True).exclude(email="")
    users = users.filter(
        Q(organisation=organisation) | Q(organisation__parent=organisation) | Q(unit=organisation.unit_id)
    )
    return sorted({u.email for u in users if u.can("supervision.respond")})


def supervisor_recipients(rec: Recommendation) -> list[str]:
    users = User.objects.filter(is_active=True, organisation=rec.supervision.organisation_id).exclude(email="")
    return sorted({u.email for u in users if u.can("supervision.change")})


def _send(rec: Recommendation, kind: str, today: datetime.date) -> bool:
    to = addressee_recipients(rec)
    cc = supervisor_recipients(rec) if kind == "after" else []
    if not to and not cc:
        return False
    base = settings.GIAMSAT_BASE_URL
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "rec": rec,
            "kind": kind,
            "days": (rec.due_on - today).days,
            "late": (today - rec.due_on).days,
            "link": base + reverse("supervision:recommendation", args=[rec.pk]),
        }
        subject = render_to_string("supervision/email/reminder_subject.txt", context).strip()
        body = render_to_string("supervision/email/reminder.txt", context)
    send_mail(subject, body, None, sorted(set(to + cc)))
    return True


def send_reminders(today: datetime.date, days_before: int = 5) -> dict[str, int]:
    sent = {"before": 0, "after": 0}
    open_recs = (
        Recommendation.objects.exclude(status__in=FINAL_STATUSES)
        .exclude(supervision__status="draft")
        .select_related("addressee", "supervision__organisation")
    )
    due_soon = open_recs.filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days_before), reminded_before_on__isnull=True
    )
    overdue = open_recs.filter(due_on__lt=today).filter(
        Q(reminded_after_on__isnull=True) | Q(reminded_after_on__lte=today - datetime.timedelta(days=REPEAT_AFTER_DAYS))
    )
    for kind, rows, field in (("before", due_soon, "reminded_before_on"), ("after", overdue, "reminded_after_on")):
        for rec in rows:
            with transaction.atomic():
                previous = getattr(rec, field)
                claimed = Recommendation.objects.filter(pk=rec.pk, **{field: previous}).update(**{field: today})
                if claimed and _send(rec, kind, today):
                    audit.record(None, f"recommendation.remind_{kind}", rec)
                    sent[kind] += 1
    return sent
