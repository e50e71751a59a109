"""The cases API: intake (so a hotline system can create cases), cases, steps, services, referrals, consent,
closure. The same `restrict()` and services as the screens: a case outside the caller's need-to-know answers 404,
a step that is not possible now 409, malformed input 422 with one error per field. Reading a case (or its
services, consents, referrals) writes the access log; identifying fields are returned only to those who may
see them on screen."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import field_validator

from giamsat.core.jsonapi import BodyId, Day, Id, Year
from giamsat.core.text import fold
from giamsat.units.models import Organisation, Unit

from . import dashboard, queries, services
from .choices import (
    OPEN_STATUSES,
    AccessAction,
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
    ProtectionLevel,
    ReporterRelation,
    ReviewOutcome,
    RiskLevel,
    ServiceKind,
    ServiceOutcome,
    Setting,
    Sex,
    SpecialGroup,
)
from .models import Case, Consent, Referral

router = Router(tags=["cases"])


def _literal(choices):
    return Literal[tuple(choices.values)]


ChannelT = _literal(Channel)
SexT = _literal(Sex)
HarmT = _literal(Harm)
SpecialGroupT = _literal(SpecialGroup)
RiskT = _literal(RiskLevel)
ProtectionT = _literal(ProtectionLevel)


class IntakeIn(Schema):
    channel: ChannelT = Field(..., examples=["hotline_111"])  # type: ignore[valid-type]
    received_at: datetime.datetime = Field(..., examples=["2026-11-20T21:15:00+07:00"])
    commune_id: BodyId = Field(
        ..., description="Xã, phường nơi trẻ sinh sống, còn hiệu lực lúc tiếp nhận / commune valid then"
    )
    receiving_organisation: str = Field("", max_length=200)
    receiving_person: str = Field("", max_length=150)
    reporter_anonymous: bool = False
    reporter_name: str = Field("", max_length=150)
    reporter_phone: str = Field("", max_length=30)
    reporter_address: str = Field("", max_length=300)
    reporter_relation: _literal(ReporterRelation) | Literal[""] = ""  # type: ignore[valid-type]
    child_name: str = Field("", max_length=150, examples=["Nguyễn Văn Demo"])
    child_birth_date: datetime.date | None = None
    age_years: int | None = Field(None, ge=0, le=15, description="Tuổi ước tính khi chưa biết ngày sinh")
    sex: SexT = "unknown"  # type: ignore[valid-type]
    ethnicity: str = Field("", max_length=30)
    address_detail: str = Field("", max_length=300)
    school: str = Field("", max_length=200)
    disability: _literal(Disability) = "none"  # type: ignore[valid-type]
    special_groups: list[SpecialGroupT] = []  # type: ignore[valid-type]
    guardian_name: str = Field("", max_length=150)
    guardian_phone: str = Field("", max_length=30)
    harms: list[HarmT] = Field(..., min_length=1, examples=[["violence"]])  # type: ignore[valid-type]
    incident_on: datetime.date | None = None
    setting: _literal(Setting) = "unknown"  # type: ignore[valid-type]
    perpetrator_relation: _literal(PerpetratorRelation) = "unknown"  # type: ignore[valid-type]
    immediate_danger: bool = False
    narrative: str = Field(..., min_length=1)
    forward_now: bool = True


class CaseOut(Schema):
    id: int
    code: str
    status: str
    channel: str
    received_at: datetime.datetime
    commune_id: int
    commune_name: str
    age_group: str
    sex: str
    harms: list[str]
    risk_level: str
    protection_level: str
    cycle: int
    next_step: str
    next_due_at: datetime.datetime | None
    forwarded_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    possible_duplicate: bool
    offender_status: str
    first_intervention_at: datetime.datetime | None
    hours_to_first_intervention: float | None

    @staticmethod
    def resolve_commune_name(obj):
        return obj.commune.name

    @staticmethod
    def resolve_possible_duplicate(obj, context):
        return obj.possible_duplicate and services.identifies_as_commune(context["request"].user, obj)

    @staticmethod
    def resolve_harms(obj):
        return [h.kind for h in obj.harms.all()]

    @staticmethod
    def resolve_hours_to_first_intervention(obj):
        return round(obj.minutes_to_intervention / 60, 1) if obj.minutes_to_intervention is not None else None


class IdentityOut(Schema):
    child_name: str
    child_birth_date: datetime.date | None
    age_years: int | None
    ethnicity: str
    address_detail: str
    school: str
    guardian_name: str
    guardian_phone: str
    reporter_anonymous: bool
    reporter_name: str
    reporter_phone: str
    narrative: str


class CaseDetailOut(CaseOut):
    identity: IdentityOut | None = None


class StepOut(Schema):
    step: str
    label: str
    due: datetime.datetime | None
    done_at: datetime.datetime | None
    state: str


class AssessmentIn(Schema):
    kind: Literal["initial", "detailed"]
    assessed_at: datetime.datetime
    risk_level: RiskT | Literal[""] = ""  # type: ignore[valid-type]
    protection_level: ProtectionT | Literal[""] = ""  # type: ignore[valid-type]
    findings: str = ""
    needs: str = ""
    meeting: str = ""


class EmergencyIn(Schema):
    kind: _literal(EmergencyKind)  # type: ignore[valid-type]
    taken_at: datetime.datetime
    decided_by: str = Field("", max_length=150)
    description: str = ""


class PlanIn(Schema):
    objectives: str
    activities: str
    review_on: datetime.date | None = None
    submit: bool = Field(False, description="Trình phê duyệt ngay / submit for approval")


class PlanOut(Schema):
    cycle: int
    status: str
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    decision_number: str


class DecisionIn(Schema):
    approve: bool
    decision_number: str = Field("", max_length=40)
    comment: str = ""


class ServiceIn(Schema):
    kind: _literal(ServiceKind)  # type: ignore[valid-type]
    provider: str = Field(..., min_length=1, max_length=200)
    delivered_at: datetime.datetime
    outcome: _literal(ServiceOutcome)  # type: ignore[valid-type]
    note: str = ""


class ServiceOut(Schema):
    id: int
    cycle: int
    kind: str
    provider: str
    delivered_at: datetime.datetime
    outcome: str
    note: str | None = None


class ConsentIn(Schema):
    basis: _literal(ConsentBasis)  # type: ignore[valid-type]
    given_at: datetime.datetime
    child_consent: _literal(ChildConsent) | Literal[""] = ""  # type: ignore[valid-type]
    guardian_consented: bool = False
    guardian_name: str = Field("", max_length=150)
    scope: str = Field(..., min_length=1)


class ConsentOut(Schema):
    id: int
    basis: str
    given_at: datetime.datetime
    child_consent: str
    guardian_consented: bool
    withdrawn_at: datetime.datetime | None
    allows_referral: bool


class ReferralIn(Schema):
    consent_id: BodyId | None = None
    to_organisation_id: BodyId | None = None
    to_name: str = Field("", max_length=200)
    reason: str = Field(..., min_length=1)
    referred_at: datetime.datetime


class ReferralOut(Schema):
    id: int
    to_name: str = Field(description="nơi nhận; người nhận gõ tự do chỉ hiện với người được biết danh tính trẻ")
    to_organisation_id: int | None
    referred_at: datetime.datetime
    status: str
    responded_at: datetime.datetime | None

    @staticmethod
    def resolve_to_name(obj, context):
        return services.referral_receiver(obj, services.can_identify(context["request"].user, obj.case))


class RespondIn(Schema):
    accept: bool
    note: str = ""


class OffenderIn(Schema):
    status: _literal(OffenderStatus)  # type: ignore[valid-type]


class DelayIn(Schema):
    reason: _literal(DelayReason)  # type: ignore[valid-type]
    note: str = ""


class ReviewIn(Schema):
    assessed_at: datetime.datetime
    risk_level: RiskT  # type: ignore[valid-type]
    child_stable: bool
    outcome: _literal(ReviewOutcome)  # type: ignore[valid-type]
    findings: str = ""


class CloseIn(Schema):
    reason: _literal(ClosureReason)  # type: ignore[valid-type]
    note: str = ""
    duplicate_of_id: BodyId | None = None


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1)


class ShownCountOut(Schema):
    key: str = Field(
        description="mã của nhóm; với bảng theo đơn vị là id của đơn vị (tham số unit thu hẹp về đơn vị đó cùng các "
        "đơn vị cũ nó đã nhận) / the group's code; in the units' table the unit's id (the unit parameter narrows to "
        "it and to the old units it took over)",
        examples=["violence", "23191"],
    )
    label: str
    count: int | None = Field(
        description="null khi bị ẩn (ít hơn 3, hoặc để không suy ra được ô như vậy bằng phép trừ) / null when hidden "
        "(fewer than 3, or hidden so that such a cell cannot be found by subtraction)"
    )
    shown: str = Field(description="như trên trang: 12 hoặc ẩn / as the page shows it", examples=["ẩn"])


class StatisticsOut(Schema):
    total: ShownCountOut
    by_harm: list[ShownCountOut]
    by_channel: list[ShownCountOut]
    by_age_group: list[ShownCountOut]
    by_sex: list[ShownCountOut]


class CountTableOut(Schema):
    name: Literal["harm", "channel", "unit", "age", "sex"]
    title: str
    rows: list[ShownCountOut]


class StepShareOut(Schema):
    step: str = Field(examples=["emergency"])
    label: str
    on_time: int | None = Field(description="null khi bị ẩn / null when hidden")
    counted: int | None = Field(description="đã đến hạn hoặc đã làm; null khi bị ẩn / due or done; null when hidden")
    percent: Decimal | None


class PeriodFiguresOut(Schema):
    year: int
    quarter: int | None
    label: str
    received: int | None
    steps: list[StepShareOut]
    intervened: int | None
    median_hours_to_first_intervention: Decimal | None


class CaseDashboardOut(Schema):
    small_counts_hidden: bool
    unit_id: int | None
    units: Literal["today", "recorded"]
    date_from: datetime.date | None
    date_to: datetime.date | None
    total: int | None
    tables: list[CountTableOut]
    steps: list[StepShareOut]
    intervened: int | None
    median_hours_to_first_intervention: Decimal | None
    periods: list[PeriodFiguresOut]
    delay_reasons: list[ShownCountOut]


# --------------------------------------------------------------------------------------------- helpers


def _case(request, case_id: int, action: str = "view") -> Case:
    return services.get_case(request.user, case_id, action)


def _call(function, *, rename: dict | None = None):
    """Run a service: a domain error becomes 409, field errors 422 (renamed to the API's field names)."""
    try:
        return function()
    except services.CaseError as exc:
        raise HttpError(409, str(exc)) from exc
    except ValidationError as exc:
        if rename and hasattr(exc, "error_dict"):
            raise ValidationError({rename.get(k, k): v for k, v in exc.message_dict.items()}) from exc
        raise


def _detail(request, case: Case) -> Case:
    case.identity = case if services.can_identify(request.user, case) else None
    return case


# --------------------------------------------------------------------------------------------- cases


@router.post("/cases", response={201: CaseOut}, summary="Tiếp nhận vụ việc (Mẫu 01) / record an intake")
def intake(request, payload: IntakeIn):
    data = payload.dict()
    forward_now = data.pop("forward_now")
    data["commune"] = data.pop("commune_id")
    case = _call(
        lambda: services.do_intake(data, acting_user=request.user, forward_now=forward_now),
        rename={"commune": "commune_id"},
    )
    return Status(201, case)


Listed = Literal["open", "closed", "all"]


def _listed(user, status: str, overdue: bool, unit_id: int | None, commune: str):
    """The case list's rows as the page filters them: status, overdue, area (a unit's id or a commune's name)."""
    rows = Case.objects.restrict(user, "view").select_related("commune").prefetch_related("harms")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        rows = rows.exclude(status__in=OPEN_STATUSES)
    if overdue:
        rows = rows.filter(status__in=OPEN_STATUSES, next_due_at__lt=timezone.now())
    area = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    if unit_id is not None and area is None:
        return rows.none()
    rows = queries.in_area(rows, area, commune)
    return rows.order_by("next_due_at", "-received_at") if status == "open" else rows.order_by("-received_at")


@router.get("/cases", response=list[CaseOut], summary="Vụ việc (ẩn danh) / cases, pseudonymous")
@paginate
def list_cases(
    request,
    status: Listed = "open",
    overdue: bool = False,
    unit_id: Id | None = None,
    commune: Annotated[str, Query(max_length=120)] = "",
):
    """`unit_id`: a commune's cases, or a district's or province's (each case under its own commune, as the overdue
    counts count them); `commune`: the cases of communes whose names contain it, with or without accents.
    Searching by a child's name: POST /cases/search (a name has no place in an address, which servers and proxies
    log)."""
    return _listed(request.user, status, overdue, unit_id, commune)


class CaseSearchIn(Schema):
    name: str = Field(min_length=1, max_length=200, description="họ tên trẻ, đủ cả họ tên, có dấu hay không")
    status: Listed = "open"
    overdue: bool = False
    unit_id: BodyId | None = None
    commune: str = Field("", max_length=120)

    @field_validator("name")
    @classmethod
    def _a_name(cls, value: str) -> str:
        # Spaces alone are no name: the page takes them for no search, and nothing is logged.
        if not fold(value):
            raise ValueError(_("Hãy gõ họ tên trẻ."))
        return value.strip()


@router.post("/cases/search", response=list[CaseOut], summary="Tìm vụ việc theo họ tên trẻ / search by name")
@paginate
def search_cases(request, payload: CaseSearchIn):
    """As the list's search box: only among the cases whose names the user may see; the cases found are logged
    (never the name)."""
    rows = _listed(request.user, payload.status, payload.overdue, payload.unit_id, payload.commune)
    found = rows.identifiable(request.user).with_name(payload.name)
    cases = list(found)
    if request.user.can("cases.view"):  # a search is logged even when it finds nothing, as on the page
        services.log_access(request.user, cases or None, AccessAction.SEARCH, detail=f"API: {len(cases)}")
    return cases  # paged and counted as read and logged, with no second query


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="Một vụ việc / one case (logged)")
def get_case(request, case_id: int):
    case = _case(request, case_id)
    services.log_access(request.user, case, AccessAction.API, detail="GET case")
    return _detail(request, case)


@router.post("/cases/{case_id}/forward", response=CaseOut, summary="Chuyển UBND xã / forward to the commune")
def forward(request, case_id: int):
    case = _case(request, case_id)
    return _call(lambda: services.do_forward(case, acting_user=request.user))


@router.get("/cases/{case_id}/steps", response=list[StepOut], summary="Thời hạn các bước / the legal clock")
def steps(request, case_id: int):
    case = _case(request, case_id)
    services.log_access(request.user, case, AccessAction.API, detail="GET steps")
    return [
        {
            "step": s.step.value,
            "label": str(queries.STEP_LABELS[s.step]),
            "due": s.due,
            "done_at": s.done_at,
            "state": s.state.value,
        }
        for s in services.case_clock(case)
    ]


@router.post("/cases/{case_id}/assessments", response={201: dict}, summary="Đánh giá (Mẫu 02, 03)")
def assess(request, case_id: int, payload: AssessmentIn):
    case = _case(request, case_id, "manage")
    assessment = _call(lambda: services.do_assess(case, acting_user=request.user, **payload.dict()))
    return Status(201, {"id": assessment.pk, "kind": assessment.kind, "risk_level": assessment.risk_level})


@router.post("/cases/{case_id}/emergency-measures", response={201: dict}, summary="Biện pháp khẩn cấp")
def emergency(request, case_id: int, payload: EmergencyIn):
    if not (
        services.can(request.user, Case(pk=case_id), "manage")
        or services.can(request.user, Case(pk=case_id), "approve")
    ):
        raise Http404
    case = Case.objects.get(pk=case_id)
    measure = _call(lambda: services.do_emergency(case, acting_user=request.user, **payload.dict()))
    return Status(201, {"id": measure.pk, "kind": measure.kind, "taken_at": measure.taken_at})


@router.put("/cases/{case_id}/plan", response=PlanOut, summary="Kế hoạch hỗ trợ, can thiệp (Mẫu 04)")
def save_plan(request, case_id: int, payload: PlanIn):
    case = _case(request, case_id, "manage")
    data = payload.dict()
    submit = data.pop("submit")
    plan = _call(lambda: services.do_save_plan(case, acting_user=request.user, **data))
    if submit:
        plan = _call(lambda: services.do_submit_plan(case, acting_user=request.user))
    return plan


@router.post("/cases/{case_id}/plan/decision", response=PlanOut, summary="Phê duyệt, trả lại kế hoạch (Mẫu 05)")
def decide_plan(request, case_id: int, payload: DecisionIn):
    case = _case(request, case_id, "approve")
    return _call(lambda: services.do_decide_plan(case, acting_user=request.user, **payload.dict()))


@router.get("/cases/{case_id}/services", response=list[ServiceOut], summary="Dịch vụ đã cung cấp")
def list_services(request, case_id: int):
    case = _case(request, case_id)
    services.log_access(request.user, case, AccessAction.API, detail="GET services")
    identify = services.can_identify(request.user, case)
    rows = list(case.services.all())
    for row in rows:
        if not identify:
            row.note = None
    return rows


@router.post("/cases/{case_id}/services", response={201: ServiceOut}, summary="Ghi dịch vụ")
def add_service(request, case_id: int, payload: ServiceIn):
    case = _case(request, case_id, "manage")
    return Status(201, _call(lambda: services.do_add_service(case, acting_user=request.user, **payload.dict())))


def _consent_out(case: Case, consent: Consent) -> dict:
    return {
        "id": consent.pk,
        "basis": consent.basis,
        "given_at": consent.given_at,
        "child_consent": consent.child_consent,
        "guardian_consented": consent.guardian_consented,
        "withdrawn_at": consent.withdrawn_at,
        "allows_referral": consent.valid_for(case, timezone.localdate()),
    }


@router.get("/cases/{case_id}/consents", response=list[ConsentOut], summary="Sự đồng ý")
def list_consents(request, case_id: int):
    case = _case(request, case_id)
    services.log_access(request.user, case, AccessAction.API, detail="GET consents")
    return [_consent_out(case, c) for c in case.consents.all()]


@router.post("/cases/{case_id}/consents", response={201: ConsentOut}, summary="Ghi nhận sự đồng ý (Luật 91/2025)")
def add_consent(request, case_id: int, payload: ConsentIn):
    case = _case(request, case_id, "manage")
    consent = _call(lambda: services.do_record_consent(case, acting_user=request.user, **payload.dict()))
    return Status(201, _consent_out(case, consent))


@router.get("/cases/{case_id}/referrals", response=list[ReferralOut], summary="Chuyển gửi")
def list_referrals(request, case_id: int):
    case = _case(request, case_id)
    services.log_access(request.user, case, AccessAction.API, detail="GET referrals")
    return list(case.referrals.all())


@router.post(
    "/cases/{case_id}/referrals",
    response={201: ReferralOut},
    summary="Chuyển gửi (cần sự đồng ý đã ghi nhận) / refer (needs a recorded consent)",
)
def refer(request, case_id: int, payload: ReferralIn):
    case = _case(request, case_id, "manage")
    data = payload.dict()
    consent = case.consents.filter(pk=data.pop("consent_id")).first() if data.get("consent_id") else None
    data.pop("consent_id", None)
    org_id = data.pop("to_organisation_id")
    organisation = None
    if org_id is not None:
        organisation = Organisation.objects.restrict(request.user, "view").filter(pk=org_id).first()
        if organisation is None:
            raise ValidationError({"to_organisation_id": [_("Không có cơ quan này.")]})
    referral = _call(
        lambda: services.do_refer(
            case, acting_user=request.user, consent=consent, to_organisation=organisation, **data
        ),
        rename={"consent": "consent_id"},
    )
    return Status(201, referral)


@router.post("/referrals/{referral_id}/response", response=ReferralOut, summary="Nơi nhận trả lời chuyển gửi")
def respond(request, referral_id: int, payload: RespondIn):
    referral = Referral.objects.filter(pk=referral_id).select_related("case").first()
    if referral is None:
        raise Http404
    return _call(lambda: services.do_respond_referral(referral, acting_user=request.user, **payload.dict()))


@router.put("/cases/{case_id}/offender", response=CaseOut, summary="Tình trạng xử lý đối tượng vi phạm")
def offender(request, case_id: int, payload: OffenderIn):
    case = _case(request, case_id, "manage")
    return _call(lambda: services.do_set_offender_status(case, acting_user=request.user, **payload.dict()))


@router.put("/cases/{case_id}/delay-reason", response=CaseOut, summary="Lý do chậm can thiệp")
def delay_reason(request, case_id: int, payload: DelayIn):
    case = _case(request, case_id, "manage")
    return _call(lambda: services.do_record_delay(case, acting_user=request.user, **payload.dict()))


@router.post("/cases/{case_id}/reviews", response={201: dict}, summary="Rà soát / review")
def review(request, case_id: int, payload: ReviewIn):
    case = _case(request, case_id, "manage")
    done = _call(lambda: services.do_review(case, acting_user=request.user, **payload.dict()))
    return Status(201, {"id": done.pk, "outcome": done.outcome})


@router.post("/cases/{case_id}/closure", response=CaseOut, summary="Đóng vụ việc / close")
def close(request, case_id: int, payload: CloseIn):
    case = _case(request, case_id, "manage")
    data = payload.dict()
    other_id = data.pop("duplicate_of_id")
    other = Case.objects.restrict(request.user, "view").filter(pk=other_id).first() if other_id else None
    return _call(
        lambda: services.do_close(case, acting_user=request.user, duplicate_of=other, **data),
        rename={"duplicate_of": "duplicate_of_id"},
    )


@router.post("/cases/{case_id}/reopen", response=CaseOut, summary="Mở lại / reopen")
def reopen(request, case_id: int, payload: ReopenIn):
    case = _case(request, case_id, "manage")
    return _call(lambda: services.do_reopen(case, acting_user=request.user, reason=payload.reason))


@router.get("/case-statistics", response=StatisticsOut, summary="Thống kê (chỉ số đếm) / counts only")
def statistics(request, year_from: Year | None = None, year_to: Year | None = None):
    if not request.user.can("cases.statistics"):
        raise Http404
    if year_from and year_to and year_from > year_to:
        raise ValidationError({"year_to": _("Phải từ year_from trở đi.")})
    if (year_from or year_to) and not dashboard.days_chosen(request.user):
        raise ValidationError({"year_from" if year_from else "year_to": str(dashboard.NO_DAYS)})
    cases = Case.objects.for_statistics(request.user).filter(duplicate_of__isnull=True)
    if year_from:
        cases = cases.filter(received_at__year__gte=year_from)
    if year_to:
        cases = cases.filter(received_at__year__lte=year_to)
    # Hidden as on the dashboard (one rule, `dashboard.shown`), for people who may not see the cases themselves.
    level = dashboard.unit_levels(request.user)[0]  # as the dashboard's page starts, so both hide the same cells
    view = dashboard.shown(dashboard.dashboard(cases, unit_level=level), dashboard.small_counts_hidden(request.user))
    tables = {table.name: table for table in view.tables}

    def counts(name):
        return [_shown(key, label, n) for key, label, n in tables[name].rows]

    return {
        "total": _shown("", str(_("Tổng")), view.total),
        "by_harm": counts("harm"),
        "by_channel": counts("channel"),
        "by_age_group": counts("age"),
        "by_sex": counts("sex"),
    }


def _shown(key: str, label: str, n: int | str) -> dict:
    return {"key": key, "label": label, "count": _number(n), "shown": str(n)}


def _number(n: int | str) -> int | None:
    """A count as the API sends it: null when hidden."""
    return n if isinstance(n, int) else None


def _steps(shares: dict) -> list[dict]:
    return [
        {
            "step": rule.key,
            "label": str(rule.label),
            "on_time": _number(shares[rule.key].on_time),
            "counted": _number(shares[rule.key].counted),
            "percent": shares[rule.key].percent,
        }
        for rule in dashboard.STEP_RULES
    ]


@router.get(
    "/case-dashboard",
    response=CaseDashboardOut,
    summary="Bảng điều khiển vụ việc (chỉ số đếm) / cases dashboard, counts only",
)
def case_dashboard(
    request,
    date_from: Day | None = None,
    date_to: Day | None = None,
    unit: Id | None = None,
    level: Literal["commune", "district", "province"] | None = Query(
        None,
        description="cấp của bảng theo đơn vị; mặc định xã; người không xem được hồ sơ chỉ có cấp huyện / the units "
        "table's level: communes by default; districts only for those who may not see the cases",
    ),
    units: Literal["today", "recorded"] | None = Query(
        None,
        description="bảng theo đơn vị: đơn vị hiện nay (mặc định, trừ khi date_to trước 01/7/2025) hay xã ghi trong "
        "hồ sơ; người không xem được hồ sơ chỉ có recorded / the units' table in today's units (the default unless "
        "date_to is before 01/7/2025) or each case's commune as recorded; recorded only for those who may not see "
        "the cases",
    ),
    step: Literal["year", "quarter"] = "year",
):
    """The numbers of /dashboards/cases/: counts by form, channel, unit, age group and sex; each step's on-time
    share; the median hours to the first intervention; per year or quarter of receipt. `unit` narrows to a unit of
    the caller's jurisdiction (and the legacy units it took over); another answers 404, as does any unit for those
    who may not see the cases. For them, counts below 3, and the cells that would give them away by subtraction,
    are null (shown "ẩn"), the units' rows come by name, and the days cannot be chosen (422)."""
    user = request.user
    if not user.can("cases.statistics"):
        raise Http404
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": _("Phải từ date_from trở đi.")})
    if (date_from or date_to) and not dashboard.days_chosen(user):
        raise ValidationError({"date_from" if date_from else "date_to": str(dashboard.NO_DAYS)})
    chosen = dashboard.unit_for(user, unit)
    cases = dashboard.counted_cases(user, unit=chosen, start=date_from, end=date_to)
    small = dashboard.small_counts_hidden(user)
    levels = dashboard.unit_levels(user)
    if level is not None and level not in levels:
        raise ValidationError(
            {
                "level": _(
                    "Người không xem được hồ sơ vụ việc chỉ có bảng theo huyện: bảng theo xã (số thường chỉ 1–2) hay "
                    "theo tỉnh (tổng của các huyện) sẽ để lộ số nhỏ đã ẩn."
                )
            }
        )
    level = level or levels[0]
    today = dashboard.units_today(user, units, date_to)
    if units == "today" and not today:
        raise ValidationError(
            {
                "units": _(
                    "Chỉ người xem được hồ sơ vụ việc mới chọn được đơn vị hiện nay: hai cách chia đơn vị cho cùng các "
                    "vụ việc sẽ để lộ số nhỏ đã ẩn."
                )
            }
        )
    dash = dashboard.dashboard(
        cases, unit_level=level, units_today=today, step=step, span=(date_from, date_to), area=user.jurisdiction
    )
    view = dashboard.shown(dash, small)
    return {
        "small_counts_hidden": small,
        "unit_id": chosen.pk if chosen else None,
        "units": "today" if today else "recorded",
        "date_from": date_from,
        "date_to": date_to,
        "total": _number(view.total),
        "tables": [
            {"name": table.name, "title": table.title, "rows": [_shown(*row) for row in table.rows]}
            for table in view.tables
        ],
        "steps": _steps(view.steps),
        "intervened": _number(view.intervened),
        "median_hours_to_first_intervention": view.median_hours,
        "periods": [
            {
                "year": period.key[0],
                "quarter": period.key[1] or None,
                "label": period.label,
                "received": _number(period.received),
                "steps": _steps(period.steps),
                "intervened": _number(period.intervened),
                "median_hours_to_first_intervention": period.median_hours,
            }
            for period in view.periods
        ],
        "delay_reasons": [_shown(k, str(DelayReason(k).label), n) for k, n in view.delays],
    }
