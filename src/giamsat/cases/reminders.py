"""Reminders about the legal clock: before a step falls due and after (then every `reminder_repeat_days`, at most
MAX_AFTER times), to the commune's child-protection workers, its chair and the users assigned. Idempotent: each
reminder is claimed by inserting its key (unique) in the same transaction as the audit entry, so a second run, or
two runs at once, never send the same reminder twice. Only open cases whose stored next due time is near or past
are looked at; their clock is recomputed live, so a day off added since does count. When the limits, the calendar
or the holidays library changed since the open cases' due times were stored, they are all recomputed first."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from giamsat.accounts.roles import Role
from giamsat.core import audit
from giamsat.core.models import work_calendar

from . import clock, notify
from .choices import OPEN_STATUSES
from .models import Case, CaseAssignment, CaseSettings, ReminderSent
from .queries import STEP_LABELS
from .services import case_clock, clocks_stale, commune_staff, refresh_open_clocks

MAX_AFTER = 10


def recipients(case: Case) -> list:
    users = commune_staff(case.commune, [Role.CHILD_PROTECTION_WORKER, Role.COMMUNE_CHAIR])
    assigned = CaseAssignment.objects.filter(case=case, ended_at__isnull=True, user__is_active=True).select_related(
        "user"
    )
    seen = {u.pk for u in users}
    return users + [a.user for a in assigned if a.user_id not in seen]


def _key(case: Case, step: clock.StepClock, kind: str, now: datetime.datetime, repeat_days: int) -> str | None:
    # The due time is part of the key: a step whose deadline moved (a new review, a changed limit) is reminded
    # again before its new deadline.
    due = step.due.astimezone(datetime.UTC).strftime("%Y%m%d%H%M")
    base = f"{case.pk}:{case.cycle}:{step.step.value}:{due}:{kind}"
    if kind == "before":
        return base
    turn = int((now - step.due) / datetime.timedelta(days=max(1, repeat_days)))
    return f"{base}:{turn}" if turn < MAX_AFTER else None


def send_reminders(now: datetime.datetime | None = None, *, refresh: bool = False) -> dict[str, int]:
    now = now or timezone.now()
    settings_row = CaseSettings.current()
    rules, calendar = settings_row.rules(), work_calendar()
    horizon = now + datetime.timedelta(hours=max(rules.warn_hours_short, rules.warn_hours_long))
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).select_related("commune")
    if refresh or clocks_stale():
        refresh_open_clocks()
    sent = {"before": 0, "after": 0}
    for case in open_cases.filter(next_due_at__lte=horizon):
        for step in case_clock(case, now, calendar=calendar, rules=rules):
            kind = {clock.State.DUE_SOON: "before", clock.State.OVERDUE: "after"}.get(step.state)
            if kind is None:
                continue
            key = _key(case, step, kind, now, settings_row.reminder_repeat_days)
            if key is None:
                continue
            try:
                with transaction.atomic():
                    claim = ReminderSent.objects.create(key=key, case=case, step=step.step.value, kind=kind)
                    users = recipients(case)
                    claim.recipients = notify.reminder(case, users, str(STEP_LABELS[step.step]), kind, step.due)
                    claim.save(update_fields=["recipients"])
                    audit.record(None, f"case.remind_{kind}", case, {"step": step.step.value, "to": claim.recipients})
            except IntegrityError:
                continue  # already sent by an earlier or a parallel run
            sent[kind] += 1
    return sent
