"""Writes on cases. Each is one transaction that checks the permission (through `restrict`), changes the rows,
recomputes the case's clock and writes its audit entry (never with a name or a narrative in it: the audit trail
is not encrypted). Domain errors are `ValidationError`s keyed by field, so the forms and the API put each
message next to its field; a step that is not possible now is a `CaseError`."""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import astuple

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.core import audit
from giamsat.core.models import work_calendar
from giamsat.core.params import as_id
from giamsat.core.workdays import WorkCalendar
from giamsat.units.choices import Level
from giamsat.units.models import Unit, UnitSuccession

from . import clock, notify
from .choices import (
    OPEN_STATUSES,
    SEXUAL_SUBFORMS,
    AssessmentKind,
    CaseStatus,
    Channel,
    ChildConsent,
    ClosureReason,
    ConsentBasis,
    DelayReason,
    Disability,
    EmergencyKind,
    Harm,
    OffenderStatus,
    PerpetratorRelation,
    PlanStatus,
    ProtectionLevel,
    ReferralStatus,
    ReporterRelation,
    ReviewOutcome,
    RiskLevel,
    ServiceKind,
    ServiceOutcome,
    Setting,
    Sex,
    SpecialGroup,
    ethnicity_choices,
)
from .crypto import name_hash
from .models import (
    Assessment,
    Case,
    CaseAccess,
    CaseAssignment,
    CaseHarm,
    CaseSettings,
    Consent,
    EmergencyMeasure,
    Referral,
    Service,
    SupportPlan,
)
from .permissions import LOCAL_ROLES

CHILD_AGE_LIMIT = 16  # Law on Children: a child is a person under 16
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)

# Fields of the intake that identify someone: encrypted, never audited, erased after the retention period.
IDENTIFYING_FIELDS = [
    "reporter_name",
    "reporter_phone",
    "reporter_address",
    "child_name",
    "child_birth_date",
    "address_detail",
    "school",
    "guardian_name",
    "guardian_phone",
    "narrative",
    "delay_note",
    "closure_note",
]
TEXT_FIELDS = [f for f in IDENTIFYING_FIELDS if f not in ("child_birth_date", "delay_note", "closure_note")]


audit.LABELS.update(
    {
        "case.intake": gettext_lazy("Tiếp nhận vụ việc"),
        "case.forward": gettext_lazy("Chuyển UBND xã"),
        "case.assess_initial": gettext_lazy("Đánh giá nguy cơ ban đầu"),
        "case.assess_detailed": gettext_lazy("Đánh giá chi tiết"),
        "case.assess_review": gettext_lazy("Rà soát, đánh giá lại"),
        "case.emergency": gettext_lazy("Biện pháp khẩn cấp"),
        "case.plan_create": gettext_lazy("Lập kế hoạch hỗ trợ"),
        "case.plan_update": gettext_lazy("Sửa kế hoạch hỗ trợ"),
        "case.plan_submit": gettext_lazy("Trình phê duyệt kế hoạch"),
        "case.plan_approve": gettext_lazy("Phê duyệt kế hoạch"),
        "case.plan_return": gettext_lazy("Trả lại kế hoạch"),
        "case.service": gettext_lazy("Ghi dịch vụ"),
        "case.consent": gettext_lazy("Ghi sự đồng ý"),
        "case.consent_withdraw": gettext_lazy("Rút lại sự đồng ý"),
        "case.refer": gettext_lazy("Chuyển gửi"),
        "case.referral_accept": gettext_lazy("Nhận chuyển gửi"),
        "case.referral_decline": gettext_lazy("Từ chối chuyển gửi"),
        "case.review": gettext_lazy("Rà soát kế hoạch"),
        "case.new_cycle": gettext_lazy("Bắt đầu chu kỳ mới"),
        "case.close": gettext_lazy("Đóng vụ việc"),
        "case.reopen": gettext_lazy("Mở lại vụ việc"),
        "case.archive": gettext_lazy("Lưu trữ vụ việc"),
        "case.erase": gettext_lazy("Xóa thông tin nhận dạng"),
        "case.assign": gettext_lazy("Phân công"),
        "case.unassign": gettext_lazy("Thôi phân công"),
        "case.offender": gettext_lazy("Ghi người gây hại"),
        "case.delay_reason": gettext_lazy("Ghi lý do chậm"),
        "case.duplicate_dismiss": gettext_lazy("Bỏ đánh dấu có thể trùng"),
    }
)


class CaseError(Exception):
    """A step that is not possible now; the message is for the user."""


class AlreadyRecorded(Exception):
    """The intake form was sent before (its one-time token is on a case): `case` is the one it recorded."""

    def __init__(self, case):
        super().__init__(case.code)
        self.case = case


# --------------------------------------------------------------------------------------------- access


def get_case(user, pk, action: str = "view") -> Case:
    """The case if the user may do `action` on it, else 404 (missing and forbidden look the same)."""
    case = (
        Case.objects.restrict(user, action).filter(pk=pk).select_related("commune__parent", "commune__province").first()
    )
    if case is None:
        raise Http404
    return case


def _check(user, case: Case, action: str) -> None:
    if not Case.objects.restrict(user, action).filter(pk=case.pk).exists():
        raise Http404


def can(user, case: Case, action: str) -> bool:
    return Case.objects.restrict(user, action).filter(pk=case.pk).exists()


def can_identify(user, case: Case) -> bool:
    """Names, contacts and narratives are shown to the commune's workers and chair, those assigned, and the person
    who recorded the case until it is forwarded; not to the supervising chain."""
    if case.erased_at is not None:
        return False
    if case.recorded_by_id == user.pk and case.forwarded_at is None and user.can("cases.view"):
        return True
    if CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists():
        return True
    return identifies_as_commune(user, case)


def identifies_as_commune(user, case: Case) -> bool:
    """The commune's workers and chair who see the case: they identify its child by their role, and they alone are
    told that a case may be another case's child (they check it). An operator who recorded the name, and no longer
    sees the other case, learnt from the intake's confirmation that the child had one."""
    return user.role in LOCAL_ROLES and user.can("cases.identify") and can(user, case, "view")


def referral_receiver(referral: Referral, identify: bool) -> str:
    """Where a referral went, as shown: an organisation by its name; a receiver typed freely (often a relative)
    only to those who may identify the child."""
    if referral.to_organisation_id or identify:
        return referral.to_name or "—"
    return _("người nhận (ẩn)")


def log_access(user, cases: Iterable[Case] | Case | None, action: str, *, detail: str = "", reason: str = "") -> int:
    """Write the access log (its own transaction, committed before the data is shown)."""
    if isinstance(cases, Case) or cases is None:
        cases = [cases]
    rows = [
        CaseAccess(
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "",
            case=case,
            case_code=case.code if case is not None else "",
            action=action,
            detail=detail[:200],
            reason=reason[:300],
        )
        for case in cases
    ]
    with transaction.atomic():
        CaseAccess.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# --------------------------------------------------------------------------------------------- the clock


def related_units(commune: Unit) -> set[int]:
    """The commune, the communes it became after 2025 and those it was made of (transitively)."""
    ids = {commune.pk}
    frontier = {commune.pk}
    while frontier:
        links = UnitSuccession.objects.filter(Q(predecessor_id__in=frontier) | Q(successor_id__in=frontier))
        found = {pk for pair in links.values_list("predecessor_id", "successor_id") for pk in pair} - ids
        ids |= found
        frontier = found
    return ids


def successor_units(commune: Unit) -> set[int]:
    ids, frontier = {commune.pk}, {commune.pk}
    while frontier:
        frontier = (
            set(UnitSuccession.objects.filter(predecessor_id__in=frontier).values_list("successor_id", flat=True)) - ids
        )
        ids |= frontier
    return ids


def commune_staff(commune: Unit, roles: Iterable[str]) -> list[User]:
    """Active users of the given roles working for the commune today (or the commune that took it over)."""
    units = successor_units(commune)
    return list(
        User.objects.filter(is_active=True, role__in=list(roles))
        .filter(Q(unit_id__in=units) | Q(unit__isnull=True, organisation__unit_id__in=units))
        .order_by("pk")
    )


def facts_for(case: Case) -> clock.Facts:
    cycle = case.cycle
    initials = list(case.assessments.filter(cycle=cycle, kind=AssessmentKind.INITIAL).order_by("assessed_at", "pk"))
    latest = initials[-1] if initials else None
    serious = None if latest is None else latest.risk_level == RiskLevel.HIGH
    if latest is None and case.immediate_danger and cycle == 1:
        serious = True
    escalated_at = None
    if serious:
        for earlier, later in zip(initials, initials[1:], strict=False):
            if earlier.risk_level != RiskLevel.HIGH and later.risk_level == RiskLevel.HIGH:
                escalated_at = later.assessed_at
    times = case.emergency_measures.filter(cycle=cycle).aggregate(first=Min("taken_at"))
    detailed = case.assessments.filter(cycle=cycle, kind=AssessmentKind.DETAILED).aggregate(first=Min("assessed_at"))
    plan = case.plans.filter(cycle=cycle).first()
    approved_at = plan.approved_at if plan is not None and plan.status == PlanStatus.APPROVED else None
    reviews = ()
    if approved_at is not None:
        # Times are typed to the minute: a review recorded in the minute of the approval follows it.
        reviews = tuple(
            case.assessments.filter(cycle=cycle, kind=AssessmentKind.REVIEW, assessed_at__gte=_minute(approved_at))
            .order_by("assessed_at", "pk")
            .values_list("assessed_at", flat=True)
        )
    return clock.Facts(
        started_at=case.cycle_started_at,
        cycle=cycle,
        needs_forwarding=not case.received_by_commune,
        forwarded_at=case.forwarded_at,
        initial_assessed_at=initials[0].assessed_at if initials else None,
        serious=serious,
        escalated_at=escalated_at,
        no_risk=latest is not None and latest.risk_level == RiskLevel.NONE,
        emergency_at=times["first"],
        detailed_assessed_at=detailed["first"],
        plan_at=plan.submitted_at if plan is not None else None,
        approved_at=approved_at,
        planned_review=plan.review_on if approved_at is not None else None,
        reviews=reviews,
        closed_at=case.closed_at if case.status not in OPEN_STATUSES else None,
    )


def case_clock(case: Case, now: datetime.datetime | None = None, *, calendar=None, rules=None) -> list[clock.StepClock]:
    return clock.clock(
        facts_for(case),
        rules or CaseSettings.current().rules(),
        calendar or work_calendar(),
        now or timezone.now(),
        timezone.get_default_timezone(),
    )


def refresh_clock(case: Case, *, calendar=None, rules=None) -> Case:
    """Recompute and store the clock's summary (next due step) and the first cycle's facts."""
    calendar = calendar or work_calendar()
    rules = rules or CaseSettings.current().rules()
    tz = timezone.get_default_timezone()
    facts = facts_for(case)
    steps = clock.clock(facts, rules, calendar, timezone.now(), tz)
    upcoming = clock.next_due(steps) if case.status in OPEN_STATUSES else None
    case.next_step = upcoming.step.value if upcoming else ""
    case.next_due_at = upcoming.due if upcoming else None
    fields = ["next_step", "next_due_at", "first_intervention_at", "minutes_to_intervention"]
    if case.cycle == 1:
        due = clock.deadlines(facts, rules, calendar, tz)
        # A step the closure made unnecessary keeps no due time: a reopening (a new cycle, with no closure date)
        # would otherwise count it as fallen due in the first cycle's statistics.
        for step in steps:
            if step.state == clock.State.NOT_NEEDED:
                due.pop(step.step, None)
        case.emergency_required = facts.serious
        case.emergency_due_at = due.get(clock.Step.EMERGENCY)
        case.emergency_at = facts.emergency_at
        case.plan_due_at = due.get(clock.Step.PLAN)
        case.plan_at = facts.plan_at
        case.approval_due_at = due.get(clock.Step.APPROVAL)
        case.approved_at = facts.approved_at
        fields += ["emergency_required", "emergency_due_at", "emergency_at", "plan_due_at", "plan_at"]
        fields += ["approval_due_at", "approved_at"]
    interventions = [case.emergency_measures.aggregate(t=Min("taken_at"))["t"]]
    interventions.append(
        case.services.exclude(outcome__in=[ServiceOutcome.REFUSED, ServiceOutcome.NOT_DELIVERED]).aggregate(
            t=Min("delivered_at")
        )["t"]
    )
    interventions = [t for t in interventions if t is not None]
    case.first_intervention_at = min(interventions) if interventions else None
    case.minutes_to_intervention = (
        max(0, int((case.first_intervention_at - case.received_at).total_seconds() // 60))
        if case.first_intervention_at
        else None
    )
    if case.pk:
        case.save(update_fields=fields)
    return case


# A change of limits or calendar is applied in the administrator's save to at most this many open cases (a
# province's); more are left to the next reminders run (remind_cases, every 15 minutes in production).
IMMEDIATE_REFRESH_LIMIT = 500


def clock_basis(rules: clock.Rules, calendar: WorkCalendar) -> str:
    """A fingerprint of what the stored due times depend on besides each case's facts: the limits, the days an
    administrator entered, and the holidays library (a new release may add a day off)."""
    days = (sorted(calendar.extra_days_off), sorted(calendar.make_up_days))
    return hashlib.sha256(repr((astuple(rules), days, holidays.__version__)).encode()).hexdigest()


def clocks_stale() -> bool:
    row = CaseSettings.current()
    return row.clock_basis != clock_basis(row.rules(), work_calendar())


def refresh_open_clocks() -> int:
    """Recompute the stored clock of every open case, each in its own transaction (a step recorded meanwhile waits
    for its row), then record the basis they were computed with. Returns the number of cases."""
    row = CaseSettings.current()
    rules, calendar = row.rules(), work_calendar()
    open_ids = list(Case.objects.filter(status__in=OPEN_STATUSES).order_by("pk").values_list("pk", flat=True))
    for pk in open_ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=pk, status__in=OPEN_STATUSES).first()
            if case is not None:
                refresh_clock(case, calendar=calendar, rules=rules)
    if row.pk is None:
        row.save()
    CaseSettings.objects.filter(pk=row.pk).update(clock_basis=clock_basis(rules, calendar))
    return len(open_ids)


def after_clock_change() -> str:
    """In an administrator's save of the limits or the calendar: recompute the open cases' due times now, or leave
    them to the next reminders run when there are many. Returns what to tell the administrator."""
    count = Case.objects.filter(status__in=OPEN_STATUSES).count()
    if count > IMMEDIATE_REFRESH_LIMIT:
        return _(
            "Thời hạn của %(count)s vụ việc đang xử lý sẽ được tính lại ở lần chạy nhắc hạn tiếp theo (remind_cases)."
        ) % {"count": count}
    refresh_open_clocks()
    return _("Đã tính lại thời hạn của %(count)s vụ việc đang xử lý.") % {"count": count}


def on_calendar_changed(sender, **kwargs) -> str:
    return after_clock_change()


# --------------------------------------------------------------------------------------------- intake


def _choice(errors: dict, data: dict, name: str, choices, *, required: bool = True, default=""):
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors.setdefault(name, []).append(_("Hãy chọn một giá trị."))
        return default
    allowed = {c[0] for c in choices} if not hasattr(choices, "values") else set(choices.values)
    if value not in allowed:
        errors.setdefault(name, []).append(_("Giá trị không hợp lệ: %(value)s.") % {"value": value})
        return default
    return value


def clean_intake(data: dict) -> dict:
    """Check an intake as a whole; every problem is reported at once, keyed by field. Returns the cleaned values."""
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    out: dict = {}
    out["channel"] = _choice(errors, data, "channel", Channel)
    received_at = data.get("received_at")
    if not isinstance(received_at, datetime.datetime):
        errors.setdefault("received_at", []).append(_("Hãy nhập ngày và giờ tiếp nhận."))
    else:
        if timezone.is_naive(received_at):
            received_at = timezone.make_aware(received_at)
        if received_at > now + FUTURE_TOLERANCE:
            errors.setdefault("received_at", []).append(_("Thời điểm tiếp nhận không thể ở tương lai."))
        out["received_at"] = received_at
    received_on = timezone.localtime(received_at).date() if isinstance(received_at, datetime.datetime) else None

    commune = data.get("commune")
    if not isinstance(commune, Unit):
        commune = Unit.objects.filter(pk=commune_id).first() if (commune_id := as_id(commune)) else None
    if commune is None or commune.level != Level.COMMUNE:
        errors.setdefault("commune", []).append(_("Hãy chọn xã, phường nơi trẻ sinh sống."))
    elif received_on and not commune.is_valid_on(received_on):
        errors.setdefault("commune", []).append(
            _("%(unit)s không còn (hoặc chưa có) vào ngày %(day)s; hãy chọn đơn vị hành chính của thời điểm đó.")
            % {"unit": commune.name, "day": received_on.strftime("%d/%m/%Y")}
        )
    out["commune"] = commune

    for name in ("receiving_organisation", "receiving_person"):
        out[name] = (data.get(name) or "").strip()[:200]
    out["reporter_anonymous"] = bool(data.get("reporter_anonymous"))
    for name in ("reporter_name", "reporter_phone", "reporter_address"):
        out[name] = "" if out["reporter_anonymous"] else (data.get(name) or "").strip()
    out["reporter_relation"] = _choice(errors, data, "reporter_relation", ReporterRelation, required=False)

    out["child_name"] = " ".join((data.get("child_name") or "").split())
    birth = data.get("child_birth_date")
    age = data.get("age_years")
    out["child_birth_date"] = None
    out["age_estimated"] = False
    out["age_years"] = None
    out["birth_year"] = None
    if birth:
        if not isinstance(birth, datetime.date):
            errors.setdefault("child_birth_date", []).append(_("Ngày sinh không hợp lệ (dd/mm/yyyy)."))
        elif received_on and birth > received_on:
            errors.setdefault("child_birth_date", []).append(_("Ngày sinh sau ngày tiếp nhận."))
        else:
            out["child_birth_date"] = birth
            out["birth_year"] = birth.year
            if received_on:
                years = (
                    received_on.year - birth.year - ((received_on.month, received_on.day) < (birth.month, birth.day))
                )
                if years >= CHILD_AGE_LIMIT:
                    errors.setdefault("child_birth_date", []).append(
                        _("Trẻ em là người dưới 16 tuổi (Luật Trẻ em); trẻ này đã %(age)s tuổi.") % {"age": years}
                    )
                if age not in (None, "") and str(age).strip() != str(years):
                    # Both typed and not agreeing: the estimate was silently dropped for the birth date.
                    errors.setdefault("age_years", []).append(
                        _(
                            "Tuổi ước tính (%(age)s) không khớp ngày sinh (%(years)s tuổi khi tiếp nhận); hãy bỏ một "
                            "trong hai."
                        )
                        % {"age": age, "years": years}
                    )
                out["age_years"] = years
    elif age not in (None, ""):
        try:
            age = int(age)
        except (TypeError, ValueError):
            errors.setdefault("age_years", []).append(_("Tuổi phải là một số nguyên."))
        else:
            if not 0 <= age < CHILD_AGE_LIMIT:
                errors.setdefault("age_years", []).append(_("Tuổi ước tính phải từ 0 đến 15."))
            else:
                out["age_years"] = age
                out["age_estimated"] = True
                if received_on:
                    out["birth_year"] = received_on.year - age
    out["sex"] = _choice(errors, data, "sex", Sex)
    out["ethnicity"] = _choice(errors, data, "ethnicity", ethnicity_choices(), required=False)
    for name in ("address_detail", "school", "guardian_name", "guardian_phone"):
        out[name] = (data.get(name) or "").strip()
    out["disability"] = _choice(errors, data, "disability", Disability, required=False, default=Disability.NONE)
    groups = list(dict.fromkeys(data.get("special_groups") or []))
    unknown = [g for g in groups if g not in SpecialGroup.values]
    if unknown:
        errors.setdefault("special_groups", []).append(_("Nhóm không hợp lệ: %(v)s.") % {"v": ", ".join(unknown)})
    out["special_groups"] = [g for g in SpecialGroup.values if g in groups]

    harms = list(dict.fromkeys(data.get("harms") or []))
    unknown = [h for h in harms if h not in Harm.values]
    if unknown:
        errors.setdefault("harms", []).append(_("Hình thức không hợp lệ: %(v)s.") % {"v": ", ".join(unknown)})
    elif not harms:
        errors.setdefault("harms", []).append(_("Hãy chọn ít nhất một hình thức xâm hại hoặc tai nạn, thương tích."))
    if any(h in SEXUAL_SUBFORMS for h in harms) and Harm.SEXUAL_ABUSE not in harms:
        harms.append(Harm.SEXUAL_ABUSE)
    out["harms"] = [h for h in Harm.values if h in harms]

    incident = data.get("incident_on")
    out["incident_on"] = None
    if incident:
        if not isinstance(incident, datetime.date):
            errors.setdefault("incident_on", []).append(_("Ngày không hợp lệ (dd/mm/yyyy)."))
        elif received_on and incident > received_on:
            errors.setdefault("incident_on", []).append(_("Ngày xảy ra sự việc sau ngày tiếp nhận."))
        else:
            out["incident_on"] = incident
    out["setting"] = _choice(errors, data, "setting", Setting, required=False, default=Setting.UNKNOWN)
    out["perpetrator_relation"] = _choice(
        errors, data, "perpetrator_relation", PerpetratorRelation, required=False, default=PerpetratorRelation.UNKNOWN
    )
    out["immediate_danger"] = bool(data.get("immediate_danger"))
    out["narrative"] = (data.get("narrative") or "").strip()
    if not out["narrative"]:
        errors.setdefault("narrative", []).append(_("Hãy ghi tóm tắt sự việc."))
    if errors:
        raise ValidationError(errors)
    return out


def _next_number(year: int) -> int:
    return (Case.objects.filter(year=year).aggregate(n=Max("number"))["n"] or 0) + 1


def possible_duplicates(case: Case) -> list[int]:
    """Earlier or later cases of the same child: the same accent-folded name (keyed hash, under any key), the same
    birth year, and the same commune or one that became it (or was made of it) in 2025."""
    if not case.child_name or case.birth_year is None:
        return []
    return list(
        Case.objects.with_name(case.child_name)
        .filter(birth_year=case.birth_year, commune_id__in=related_units(case.commune))
        .exclude(pk=case.pk)
        .values_list("pk", flat=True)
    )


def _received_by_commune(user, commune: Unit) -> bool:
    return user.role in (*LOCAL_ROLES, Role.COMMUNE_OFFICER) and user.jurisdiction.covers(commune)


def do_intake(data: dict, *, acting_user, forward_now: bool = True, once: str | None = None) -> Case:
    """Record an intake (Mẫu 01). A commune that receives the report itself needs no forwarding; anyone else
    forwards at once unless `forward_now` is False (e.g. a hotline call still going on). `once`, the form's
    one-time token: a form already recorded by this user raises AlreadyRecorded instead of a second case."""
    if not acting_user.can("cases.intake"):
        raise Http404
    cleaned = clean_intake(data)
    harms = cleaned.pop("harms")
    received_at = cleaned["received_at"]
    by_commune = _received_by_commune(acting_user, cleaned["commune"])
    for _attempt in range(5):
        earlier = Case.objects.filter(intake_token=once, recorded_by=acting_user).first() if once else None
        if earlier is not None:
            raise AlreadyRecorded(earlier)
        try:
            with transaction.atomic():
                case = Case(
                    **cleaned,
                    year=timezone.localtime(received_at).year,
                    recorded_by=acting_user,
                    received_by_commune=by_commune,
                    cycle_started_at=received_at,
                    intake_token=once or None,
                )
                case.number = _next_number(case.year)
                case.child_name_hash = name_hash(case.child_name)
                if by_commune:
                    case.forwarded_at = received_at
                    case.status = CaseStatus.ASSESSING
                case.save()
                CaseHarm.objects.bulk_create([CaseHarm(case=case, kind=h) for h in harms])
                duplicates = possible_duplicates(case)
                if duplicates:
                    case.possible_duplicate = True
                    case.save(update_fields=["possible_duplicate"])
                audit.record(
                    acting_user,
                    "case.intake",
                    case,
                    {
                        "channel": case.channel,
                        "commune": case.commune_id,
                        "harms": harms,
                        "possible_duplicate": bool(duplicates),
                    },
                )
                refresh_clock(case)
                if by_commune:
                    transaction.on_commit(lambda case=case: notify.new_case(case))
                elif forward_now:
                    _forward(case, acting_user)
            return case
        except IntegrityError:
            continue  # another intake took the same number (take the next one), or sent the same form (see above)
    raise CaseError(_("Không cấp được số vụ việc, hãy thử lại."))


def _forward(case: Case, acting_user) -> None:
    case.forwarded_at = timezone.now()
    case.status = CaseStatus.ASSESSING
    case.save(update_fields=["forwarded_at", "status"])
    workers = commune_staff(case.commune, [Role.CHILD_PROTECTION_WORKER])
    audit.record(acting_user, "case.forward", case, {"commune": case.commune_id, "workers": [u.pk for u in workers]})
    refresh_clock(case)
    transaction.on_commit(lambda: notify.new_case(case))


def do_forward(case: Case, *, acting_user) -> Case:
    """Forward to the commune People's Committee, which notifies its child-protection worker(s)."""
    with transaction.atomic():
        _check(acting_user, case, "view")
        # Who may forward before the case's state: a role that may not, told "already forwarded", got a 409.
        if not (case.recorded_by_id == acting_user.pk or acting_user.role in LOCAL_ROLES):
            raise Http404
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.forwarded_at is not None:
            raise CaseError(_("Vụ việc đã được chuyển UBND xã."))
        _forward(case, acting_user)
    return case


# --------------------------------------------------------------------------------------------- steps


def _locked(case: Case, user, action: str = "manage") -> Case:
    _check(user, case, action)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in OPEN_STATUSES:
        raise CaseError(_("Vụ việc đã đóng; hãy mở lại trước khi ghi thêm."))
    if case.forwarded_at is None:
        raise CaseError(_("Vụ việc chưa được chuyển UBND xã."))
    return case


def _minute(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def _when(errors: dict, name: str, value, case: Case, *, in_cycle: bool = False) -> datetime.datetime | None:
    """A typed time: not in the future, not before the receipt, and for a step of the current cycle (`in_cycle`)
    not before the cycle began (to the minute, as times are typed): dated earlier, a step of a reopened case
    counted as done on time."""
    if not isinstance(value, datetime.datetime):
        errors.setdefault(name, []).append(_("Hãy nhập ngày và giờ."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + FUTURE_TOLERANCE:
        errors.setdefault(name, []).append(_("Thời điểm không thể ở tương lai."))
    elif value < case.received_at:
        errors.setdefault(name, []).append(
            _("Thời điểm trước khi tiếp nhận thông tin (%(at)s).")
            % {"at": timezone.localtime(case.received_at).strftime("%d/%m/%Y %H:%M")}
        )
    elif in_cycle and case.cycle > 1 and value < _minute(case.cycle_started_at):
        errors.setdefault(name, []).append(
            _("Thời điểm trước khi bắt đầu chu kỳ %(cycle)s của vụ việc (%(at)s).")
            % {"cycle": case.cycle, "at": timezone.localtime(case.cycle_started_at).strftime("%d/%m/%Y %H:%M")}
        )
    return value


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def do_assess(
    case: Case,
    *,
    acting_user,
    kind: str,
    assessed_at: datetime.datetime,
    risk_level: str = "",
    protection_level: str = "",
    findings: str = "",
    needs: str = "",
    meeting: str = "",
) -> Assessment:
    """An initial risk assessment (Mẫu 02) or a detailed assessment with its meeting record (Mẫu 03)."""
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        if kind not in (AssessmentKind.INITIAL, AssessmentKind.DETAILED):
            errors["kind"] = [_("Loại đánh giá không hợp lệ.")]
        assessed_at = _when(errors, "assessed_at", assessed_at, case, in_cycle=True)
        if kind == AssessmentKind.INITIAL:
            _choice(errors, {"risk_level": risk_level}, "risk_level", RiskLevel)
            _choice(errors, {"protection_level": protection_level}, "protection_level", ProtectionLevel)
        else:
            if risk_level:
                _choice(errors, {"risk_level": risk_level}, "risk_level", RiskLevel)
            if protection_level:
                _choice(errors, {"protection_level": protection_level}, "protection_level", ProtectionLevel)
            if not (findings or "").strip():
                errors["findings"] = [_("Hãy ghi tình trạng của trẻ.")]
            if not (needs or "").strip():
                errors["needs"] = [_("Hãy ghi nhu cầu của trẻ.")]
        _raise(errors)
        assessment = Assessment.objects.create(
            case=case,
            cycle=case.cycle,
            kind=kind,
            assessed_at=assessed_at,
            assessed_by=acting_user,
            risk_level=risk_level,
            protection_level=protection_level,
            findings=findings.strip(),
            needs=needs.strip(),
            meeting=meeting.strip(),
        )
        if risk_level:
            case.risk_level = risk_level
        if protection_level:
            case.protection_level = protection_level
        if kind == AssessmentKind.INITIAL:
            # A new assessment does not undo the plan: one waiting for approval still waits, one approved runs.
            plan = case.plans.filter(cycle=case.cycle).first()
            if plan is not None and plan.status == PlanStatus.APPROVED:
                case.status = CaseStatus.IMPLEMENTING
            elif plan is not None and plan.status == PlanStatus.SUBMITTED:
                case.status = CaseStatus.AWAITING_APPROVAL
            else:
                case.status = CaseStatus.ASSESSING if risk_level == RiskLevel.NONE else CaseStatus.PLANNING
        case.save(update_fields=["risk_level", "protection_level", "status"])
        audit.record(acting_user, f"case.assess_{kind}", case, {"risk_level": risk_level, "cycle": case.cycle})
        refresh_clock(case)
    return assessment


def do_emergency(
    case: Case, *, acting_user, kind: str, taken_at: datetime.datetime, decided_by: str = "", description: str = ""
) -> EmergencyMeasure:
    """An emergency measure (emergency intervention, temporary separation, placement), decided by the commune
    chair; recorded by the worker or the chair."""
    with transaction.atomic():
        try:
            case = _locked(case, acting_user, "manage")
        except Http404:
            case = _locked(case, acting_user, "approve")
        errors: dict = {}
        _choice(errors, {"kind": kind}, "kind", EmergencyKind)
        taken_at = _when(errors, "taken_at", taken_at, case, in_cycle=True)
        _raise(errors)
        measure = EmergencyMeasure.objects.create(
            case=case,
            cycle=case.cycle,
            kind=kind,
            taken_at=taken_at,
            decided_by=(decided_by or "").strip()[:150],
            description=(description or "").strip(),
            recorded_by=acting_user,
        )
        audit.record(acting_user, "case.emergency", case, {"kind": kind, "cycle": case.cycle})
        refresh_clock(case)
    return measure


def do_save_plan(
    case: Case, *, acting_user, objectives: str, activities: str, review_on: datetime.date | None = None
) -> SupportPlan:
    """Write the support/intervention plan of the current cycle (Mẫu 04), while it is a draft or returned."""
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        if not (objectives or "").strip():
            errors["objectives"] = [_("Hãy ghi mục tiêu của kế hoạch.")]
        if not (activities or "").strip():
            errors["activities"] = [_("Hãy ghi các hoạt động, dịch vụ, người thực hiện và thời gian.")]
        if review_on and review_on < timezone.localtime(case.received_at).date():
            errors["review_on"] = [_("Ngày rà soát trước ngày tiếp nhận.")]
        _raise(errors)
        plan, created = SupportPlan.objects.get_or_create(
            case=case, cycle=case.cycle, defaults={"drafted_by": acting_user}
        )
        if plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
            raise CaseError(_("Kế hoạch đã trình hoặc đã phê duyệt, không sửa được nữa."))
        plan.objectives = objectives.strip()
        plan.activities = activities.strip()
        plan.review_on = review_on
        plan.save()
        if case.status == CaseStatus.ASSESSING:
            case.status = CaseStatus.PLANNING
            case.save(update_fields=["status"])
        audit.record(acting_user, "case.plan_create" if created else "case.plan_update", case, {"cycle": case.cycle})
    return plan


def do_submit_plan(case: Case, *, acting_user) -> SupportPlan:
    with transaction.atomic():
        case = _locked(case, acting_user)
        plan = SupportPlan.objects.select_for_update().filter(case=case, cycle=case.cycle).first()
        if plan is None or plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            raise CaseError(_("Chưa có kế hoạch đang soạn để trình."))
        plan.status = PlanStatus.SUBMITTED
        if plan.submitted_at is None:  # the plan was made when first submitted; a resubmission keeps that time
            plan.submitted_at = timezone.now()
        plan.save(update_fields=["status", "submitted_at"])
        case.status = CaseStatus.AWAITING_APPROVAL
        case.save(update_fields=["status"])
        audit.record(acting_user, "case.plan_submit", case, {"cycle": case.cycle})
        refresh_clock(case)
        transaction.on_commit(lambda: notify.plan_submitted(case))
    return plan


def do_decide_plan(
    case: Case, *, acting_user, approve: bool, decision_number: str = "", comment: str = ""
) -> SupportPlan:
    """The commune chair approves the plan (Mẫu 05) or returns it with a comment."""
    with transaction.atomic():
        case = _locked(case, acting_user, "approve")
        plan = SupportPlan.objects.select_for_update().filter(case=case, cycle=case.cycle).first()
        if plan is None or plan.status != PlanStatus.SUBMITTED:
            raise CaseError(_("Không có kế hoạch nào đang chờ phê duyệt."))
        if not approve and not (comment or "").strip():
            raise ValidationError({"comment": [_("Hãy ghi ý kiến để cán bộ biết cần sửa gì.")]})
        plan.chair_comment = (comment or "").strip()
        if approve:
            plan.status = PlanStatus.APPROVED
            plan.approved_at = timezone.now()
            plan.approved_by = acting_user
            plan.decision_number = (decision_number or "").strip()[:40]
            case.status = CaseStatus.IMPLEMENTING
        else:
            plan.status = PlanStatus.RETURNED
            case.status = CaseStatus.PLANNING
        plan.save()
        case.save(update_fields=["status"])
        audit.record(acting_user, "case.plan_approve" if approve else "case.plan_return", case, {"cycle": case.cycle})
        refresh_clock(case)
    return plan


def do_add_service(
    case: Case,
    *,
    acting_user,
    kind: str,
    provider: str,
    delivered_at: datetime.datetime,
    outcome: str,
    note: str = "",
) -> Service:
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        _choice(errors, {"kind": kind}, "kind", ServiceKind)
        _choice(errors, {"outcome": outcome}, "outcome", ServiceOutcome)
        if not (provider or "").strip():
            errors["provider"] = [_("Hãy ghi đơn vị, người cung cấp dịch vụ.")]
        delivered_at = _when(errors, "delivered_at", delivered_at, case, in_cycle=True)
        _raise(errors)
        service = Service.objects.create(
            case=case,
            cycle=case.cycle,
            kind=kind,
            provider=provider.strip()[:200],
            delivered_at=delivered_at,
            outcome=outcome,
            note=(note or "").strip(),
            recorded_by=acting_user,
        )
        audit.record(acting_user, "case.service", case, {"kind": kind, "outcome": outcome})
        refresh_clock(case)
    return service


def do_record_consent(
    case: Case,
    *,
    acting_user,
    basis: str,
    given_at: datetime.datetime,
    child_consent: str = "",
    guardian_consented: bool = False,
    guardian_name: str = "",
    scope: str = "",
) -> Consent:
    """Record consent to refer or share (Law 91/2025): the child's (7 or more) and the parent's or guardian's,
    or the legal basis that exempts it. A refusal is recorded too; it simply does not allow a referral."""
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        _choice(errors, {"basis": basis}, "basis", ConsentBasis)
        given_at = _when(errors, "given_at", given_at, case)
        if not (scope or "").strip():
            errors["scope"] = [_("Hãy ghi chia sẻ thông tin gì, với ai, để làm gì.")]
        if basis == ConsentBasis.CONSENT:
            if given_at is not None:
                age = case.age_on(timezone.localtime(given_at).date())
                if child_consent == ChildConsent.UNDER_SEVEN and (age is None or age >= 7):
                    errors["child_consent"] = [
                        _("Trẻ từ đủ 7 tuổi (hoặc chưa rõ tuổi): cần ghi ý kiến đồng ý hay không của trẻ.")
                    ]
                elif child_consent not in ChildConsent.values:
                    errors["child_consent"] = [_("Hãy ghi ý kiến của trẻ.")]
            if not (guardian_name or "").strip():
                errors["guardian_name"] = [_("Hãy ghi họ tên cha, mẹ hoặc người giám hộ.")]
        _raise(errors)
        consent = Consent.objects.create(
            case=case,
            basis=basis,
            given_at=given_at,
            child_consent=child_consent if basis == ConsentBasis.CONSENT else "",
            guardian_consented=bool(guardian_consented) if basis == ConsentBasis.CONSENT else False,
            guardian_name=(guardian_name or "").strip(),
            scope=scope.strip(),
            recorded_by=acting_user,
        )
        audit.record(
            acting_user,
            "case.consent",
            case,
            {"basis": basis, "valid": consent.valid_for(case, timezone.localtime(given_at).date())},
        )
    return consent


def do_withdraw_consent(consent: Consent, *, acting_user) -> Consent:
    with transaction.atomic():
        _locked(consent.case, acting_user)
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is None:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
            audit.record(acting_user, "case.consent_withdraw", consent.case, {"consent": consent.pk})
    return consent


def do_refer(
    case: Case,
    *,
    acting_user,
    consent: Consent | None,
    to_name: str,
    reason: str,
    referred_at: datetime.datetime,
    to_organisation=None,
) -> Referral:
    """Refer the child to another organisation. Refused without a recorded consent (or its exempting basis) that
    is valid for the child's age on the day: Law 91/2025."""
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        referred_at = _when(errors, "referred_at", referred_at, case)
        if to_organisation is not None and not to_name:
            to_name = to_organisation.name
        if not (to_name or "").strip():
            errors["to_name"] = [_("Hãy ghi nơi nhận chuyển gửi.")]
        if not (reason or "").strip():
            errors["reason"] = [_("Hãy ghi lý do, nhu cầu chuyển gửi.")]
        if consent is not None:  # read again: the caller's copy may be stale (withdrawn since)
            consent = Consent.objects.filter(pk=consent.pk, case=case).first()
        if consent is None:
            errors["consent"] = [
                _(
                    "Chưa có sự đồng ý: hãy ghi nhận sự đồng ý của trẻ và cha, mẹ (hoặc căn cứ miễn) "
                    "trước khi chuyển gửi."
                )
            ]
        elif referred_at is not None and not consent.valid_for(case, timezone.localtime(referred_at).date()):
            errors["consent"] = [
                _(
                    "Sự đồng ý này không cho phép chuyển gửi (đã rút lại, thiếu đồng ý của cha, mẹ, "
                    "hoặc trẻ từ đủ 7 tuổi chưa đồng ý)."
                )
            ]
        elif referred_at is not None and consent.given_at > referred_at:
            errors["consent"] = [_("Sự đồng ý phải có trước khi chuyển gửi.")]
        _raise(errors)
        referral = Referral.objects.create(
            case=case,
            consent=consent,
            to_organisation=to_organisation,
            to_name=to_name.strip()[:200],
            reason=reason.strip(),
            referred_at=referred_at,
            referred_by=acting_user,
        )
        audit.record(
            acting_user,
            "case.refer",
            case,
            # Not the receiver's name: typed freely it may be a relative's, and the trail is neither encrypted
            # nor erased.
            {"organisation": to_organisation.pk if to_organisation else None},
        )
        if to_organisation is not None:
            transaction.on_commit(lambda: notify.referral(referral))
    return referral


def incoming_referrals(user):
    """Referrals addressed to the user's organisation, for its staff who may work on cases."""
    if not user.is_authenticated or not user.organisation_id or not user.can("cases.view"):
        return Referral.objects.none()
    return Referral.objects.filter(to_organisation_id=user.organisation_id)


def do_respond_referral(referral: Referral, *, acting_user, accept: bool, note: str = "") -> Referral:
    """The receiver accepts (and is assigned to the case) or declines; the commune worker may record the
    receiver's answer on its behalf (e.g. given by phone)."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        receiver = incoming_referrals(acting_user).filter(pk=referral.pk).exists()
        if not receiver and not can(acting_user, referral.case, "manage"):
            raise Http404
        if referral.status != ReferralStatus.PENDING:
            raise CaseError(_("Yêu cầu chuyển gửi này đã được trả lời."))
        referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
        referral.responded_at = timezone.now()
        referral.responded_by = acting_user
        referral.response_note = (note or "").strip()
        referral.save()
        if accept and receiver:
            CaseAssignment.objects.create(case=referral.case, user=acting_user, assigned_by=acting_user)
        audit.record(
            acting_user,
            "case.referral_accept" if accept else "case.referral_decline",
            referral.case,
            {"referral": referral.pk, "by_receiver": receiver},
        )
    return referral


def do_set_offender_status(case: Case, *, acting_user, status: str) -> Case:
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        _choice(errors, {"status": status}, "status", OffenderStatus)
        _raise(errors)
        before = case.offender_status
        case.offender_status = status
        case.save(update_fields=["offender_status"])
        audit.record(acting_user, "case.offender", case, {"offender_status": [before, status]})
    return case


def do_record_delay(case: Case, *, acting_user, reason: str, note: str = "") -> Case:
    """Why the first intervention came late, e.g. the family reported late (the seed's complaint)."""
    with transaction.atomic():
        _check(acting_user, case, "manage")
        case = Case.objects.select_for_update().get(pk=case.pk)
        errors: dict = {}
        _choice(errors, {"reason": reason}, "reason", DelayReason)
        _raise(errors)
        case.delay_reason = reason
        case.delay_note = (note or "").strip()
        case.save(update_fields=["delay_reason", "delay_note"])
        audit.record(acting_user, "case.delay_reason", case, {"reason": reason})
    return case


def do_review(
    case: Case,
    *,
    acting_user,
    assessed_at: datetime.datetime,
    risk_level: str,
    child_stable: bool,
    outcome: str,
    findings: str = "",
) -> Assessment:
    """Review the approved plan: go on, start a new plan cycle, or close (only when there is no risk and the child
    is stable)."""
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        assessed_at = _when(errors, "assessed_at", assessed_at, case, in_cycle=True)
        _choice(errors, {"risk_level": risk_level}, "risk_level", RiskLevel)
        _choice(errors, {"outcome": outcome}, "outcome", ReviewOutcome)
        plan = case.plans.filter(cycle=case.cycle, status=PlanStatus.APPROVED).first()
        if plan is None:
            raise CaseError(_("Chỉ rà soát được khi kế hoạch của chu kỳ này đã được phê duyệt."))
        if assessed_at and plan.approved_at and assessed_at < _minute(plan.approved_at):
            # Accepted, it was never counted: the review step stayed open and fell overdue.
            errors.setdefault("assessed_at", []).append(
                _("Rà soát phải từ lúc kế hoạch được phê duyệt (%(at)s) trở đi.")
                % {"at": timezone.localtime(plan.approved_at).strftime("%d/%m/%Y %H:%M")}
            )
        if outcome == ReviewOutcome.CLOSE and not (risk_level == RiskLevel.NONE and child_stable):
            errors["outcome"] = [_("Chỉ đóng vụ việc khi trẻ không còn nguy cơ và đã ổn định.")]
        _raise(errors)
        review = Assessment.objects.create(
            case=case,
            cycle=case.cycle,
            kind=AssessmentKind.REVIEW,
            assessed_at=assessed_at,
            assessed_by=acting_user,
            risk_level=risk_level,
            child_stable=bool(child_stable),
            outcome=outcome,
            findings=(findings or "").strip(),
        )
        case.risk_level = risk_level
        case.save(update_fields=["risk_level"])
        audit.record(acting_user, "case.review", case, {"outcome": outcome, "risk_level": risk_level})
        if outcome == ReviewOutcome.NEW_CYCLE:
            _new_cycle(case, assessed_at, acting_user, risk_level)
        elif outcome == ReviewOutcome.CLOSE:
            _close(case, acting_user, ClosureReason.RESOLVED, "", assessed_at)
        refresh_clock(case)
    return review


def _new_cycle(case: Case, start: datetime.datetime, acting_user, risk_level: str = "") -> None:
    case.cycle += 1
    case.cycle_started_at = start
    case.status = CaseStatus.PLANNING if risk_level else CaseStatus.ASSESSING
    case.save(update_fields=["cycle", "cycle_started_at", "status"])
    if risk_level:
        # The review that opened the cycle is its initial assessment.
        Assessment.objects.create(
            case=case,
            cycle=case.cycle,
            kind=AssessmentKind.INITIAL,
            assessed_at=start,
            assessed_by=acting_user,
            risk_level=risk_level,
            protection_level=case.protection_level,
        )
    audit.record(acting_user, "case.new_cycle", case, {"cycle": case.cycle})


def _close(case: Case, acting_user, reason: str, note: str, at: datetime.datetime) -> None:
    case.status = CaseStatus.CLOSED
    case.closed_at = at
    case.closure_reason = reason
    case.closure_note = note
    case.save(update_fields=["status", "closed_at", "closure_reason", "closure_note"])
    audit.record(acting_user, "case.close", case, {"reason": reason})


def do_close(case: Case, *, acting_user, reason: str, note: str = "", duplicate_of: Case | None = None) -> Case:
    with transaction.atomic():
        case = _locked(case, acting_user)
        errors: dict = {}
        _choice(errors, {"reason": reason}, "reason", ClosureReason)
        latest = case.assessments.exclude(risk_level="").order_by("-assessed_at", "-pk").first()
        if reason == ClosureReason.RESOLVED and not (
            latest is not None and latest.risk_level == RiskLevel.NONE and latest.child_stable
        ):
            errors["reason"] = [
                _("Đóng vì trẻ an toàn, ổn định cần một lần rà soát kết luận không còn nguy cơ và trẻ ổn định.")
            ]
        if reason == ClosureReason.UNFOUNDED and not (latest is not None and latest.risk_level == RiskLevel.NONE):
            errors["reason"] = [_("Cần đánh giá nguy cơ kết luận không có nguy cơ trước khi đóng vì không có cơ sở.")]
        if reason == ClosureReason.DUPLICATE and (
            duplicate_of is None or duplicate_of.pk == case.pk or not can(acting_user, duplicate_of, "view")
        ):
            errors["duplicate_of"] = [_("Hãy chọn vụ việc bị trùng.")]
        if reason == ClosureReason.OTHER and not (note or "").strip():
            errors["note"] = [_("Hãy ghi lý do.")]
        _raise(errors)
        if reason == ClosureReason.DUPLICATE:
            case.duplicate_of = duplicate_of
            case.save(update_fields=["duplicate_of"])
        _close(case, acting_user, reason, (note or "").strip(), timezone.now())
        refresh_clock(case)
    return case


def do_reopen(case: Case, *, acting_user, reason: str) -> Case:
    """New information about a closed case: a new cycle, starting with a new risk assessment."""
    with transaction.atomic():
        _check(acting_user, case, "manage")
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.CLOSED:
            raise CaseError(_("Chỉ mở lại được vụ việc đã đóng (chưa lưu trữ)."))
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Hãy ghi lý do mở lại.")]})
        case.closed_at = None
        case.closure_reason = ""
        case.save(update_fields=["closed_at", "closure_reason"])
        _new_cycle(case, timezone.now(), acting_user)
        audit.record(acting_user, "case.reopen", case, {"cycle": case.cycle})
        refresh_clock(case)
    return case


def do_archive(case: Case, *, acting_user) -> Case:
    with transaction.atomic():
        _check(acting_user, case, "manage")
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.CLOSED:
            raise CaseError(_("Chỉ lưu trữ được vụ việc đã đóng."))
        case.status = CaseStatus.ARCHIVED
        case.archived_at = timezone.now()
        case.save(update_fields=["status", "archived_at"])
        audit.record(acting_user, "case.archive", case)
    return case


def do_assign(case: Case, *, acting_user, user: User) -> CaseAssignment:
    with transaction.atomic():
        _check(acting_user, case, "manage")
        if not user.is_active or not user.can("cases.view"):
            raise ValidationError({"user": [_("Người này không có quyền làm việc với vụ việc.")]})
        assignment = CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).first()
        if assignment is None:
            assignment = CaseAssignment.objects.create(case=case, user=user, assigned_by=acting_user)
            audit.record(acting_user, "case.assign", case, {"user": user.pk})
            transaction.on_commit(lambda: notify.assigned(case, user))
    return assignment


def do_unassign(assignment: CaseAssignment, *, acting_user) -> None:
    with transaction.atomic():
        _check(acting_user, assignment.case, "manage")
        CaseAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(ended_at=timezone.now())
        audit.record(acting_user, "case.unassign", assignment.case, {"user": assignment.user_id})


def do_dismiss_duplicate(case: Case, *, acting_user) -> Case:
    with transaction.atomic():
        _check(acting_user, case, "manage")
        Case.objects.filter(pk=case.pk).update(possible_duplicate=False)
        case.possible_duplicate = False
        audit.record(acting_user, "case.duplicate_dismiss", case)
    return case


# --------------------------------------------------------------------------------------------- retention


def erase_identities(case: Case, *, acting_user=None) -> Case:
    """Erase everything that identifies the child or the reporter, keeping the categories, dates and commune that
    statistics count. Not reversible."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        for name in IDENTIFYING_FIELDS:
            setattr(case, name, None if name == "child_birth_date" else "")
        case.child_name_hash = ""
        case.birth_year = None
        case.erased_at = timezone.now()
        case.save()
        case.assessments.update(findings="", needs="", meeting="")
        case.emergency_measures.update(description="")
        case.plans.update(objectives="", activities="", chair_comment="")
        case.services.update(note="")
        case.consents.update(guardian_name="", scope="")
        case.referrals.update(reason="", response_note="")
        case.referrals.filter(to_organisation__isnull=True).update(to_name="")  # a person's name, typed freely
        audit.record(acting_user, "case.erase", case)
    return case
