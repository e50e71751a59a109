"""E-mails about cases. They carry the case code, the commune, the step and a link, never a name or what happened:
e-mail leaves the system unencrypted."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from giamsat.accounts.roles import Role

logger = logging.getLogger(__name__)
_silent: ContextVar[bool] = ContextVar("cases_notify_silent", default=False)


@contextmanager
def silenced():
    """No e-mail while loading historical data (the demo): nobody is waiting for 2021's reminders."""
    token = _silent.set(True)
    try:
        yield
    finally:
        _silent.reset(token)


def _send(users, template: str, context: dict) -> int:
    if _silent.get():
        return 0
    to = sorted({u.email for u in users if u.email})
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"cases/email/{template}_subject.txt", context).split())
        body = render_to_string(f"cases/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, to)
    except OSError:  # a mail server down must not undo the case's step; the reminder command tries again
        logger.exception("case e-mail not sent")
        return 0
    return len(to)


def _context(case, **extra) -> dict:
    return {"case": case, "path": settings.GIAMSAT_BASE_URL + reverse("cases:detail", args=[case.pk]), **extra}


def new_case(case) -> int:
    """Forwarded to (or received by) the commune: its workers and its chair are told."""
    from .services import commune_staff

    users = commune_staff(case.commune, [Role.CHILD_PROTECTION_WORKER, Role.COMMUNE_CHAIR])
    return _send(users, "new_case", _context(case))


def plan_submitted(case) -> int:
    """The chair is told, with the time by which the plan is to be approved (the case page's clock)."""
    from .clock import Step
    from .services import case_clock, commune_staff

    due = next((step.due for step in case_clock(case) if step.step == Step.APPROVAL), None)
    return _send(commune_staff(case.commune, [Role.COMMUNE_CHAIR]), "plan_submitted", _context(case, due=due))


def assigned(case, user) -> int:
    return _send([user], "assigned", _context(case))


def referral(referral) -> int:
    from giamsat.accounts.models import User

    users = [
        u
        for u in User.objects.filter(is_active=True, organisation_id=referral.to_organisation_id)
        if u.can("cases.view")
    ]
    return _send(users, "referral", _context(referral.case, referral=referral))


def reminder(case, users, step_label: str, kind: str, due) -> int:
    return _send(users, "reminder", _context(case, step=step_label, kind=kind, due=due))
