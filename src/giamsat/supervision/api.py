"""Supervision API: the same restrict() and services as the screens. Missing and forbidden are both 404;
refused steps are 409; invalid data 422 with the field (the project's handlers in giamsat/api.py)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from giamsat.core.jsonapi import BodyId, Id
from giamsat.core.uploads import UploadRejected, check_upload
from giamsat.plans.models import Indicator, Plan, Task
from giamsat.reporting.models import Report
from giamsat.units.models import Organisation

from . import dashboard, queries, services
from .choices import AddresseeKind, FindingKind, MemberRole, Priority, RecommendationStatus
from .forms import EVIDENCE_KINDS, MAX_EVIDENCE_FILES, member_candidates
from .models import (
    DelegationMember,
    Finding,
    FindingCategory,
    Recommendation,
    Supervision,
    WorkingSession,
)

router = Router(tags=["supervision"])


# --------------------------------------------------------------------------------------------- schemas


class ScheduleOut(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    scheduled_on: datetime.date | None
    place: str


class SupervisionOut(Schema):
    id: int
    organisation_id: int
    programme_id: int | None
    title: str
    reference: str
    issued_on: datetime.date | None
    plan_ids: list[int]
    subject_text: str
    purpose: str
    content: str
    forms: list[str]
    start_on: datetime.date | None
    end_on: datetime.date | None
    budget: Decimal | None
    budget_note: str
    coordination: str
    response_days: int
    status: str
    schedule: list[ScheduleOut]

    @staticmethod
    def resolve_plan_ids(obj):
        return [p.pk for p in obj.plans.all()]

    @staticmethod
    def resolve_schedule(obj):
        return list(obj.schedule.select_related("organisation"))


class SupervisionIn(Schema):
    organisation_id: BodyId
    title: str = Field(..., min_length=1, examples=["Giám sát việc thực hiện Kế hoạch số 4525/KH-UBND"])
    plan_ids: list[BodyId] = []
    subject_text: str = ""
    purpose: str = ""
    content: str = ""
    forms: list[str] = Field([], examples=[["sessions", "documents"]])
    supervised_ids: list[BodyId] = []
    start_on: datetime.date | None = None
    end_on: datetime.date | None = None
    budget: Decimal | None = Field(None, ge=0)
    budget_note: str = ""
    coordination: str = ""
    response_days: int = Field(30, ge=1, le=365)
    reference: str | None = Field(None, description="bỏ trống: giữ số đã có / omitted: the number stays")


class MemberOut(Schema):
    id: int
    role: str
    user_id: int | None
    name: str = Field(..., alias="display_name")
    position: str = Field(..., alias="display_position")
    organisation: str = Field(..., alias="display_organisation")


class MemberIn(Schema):
    role: MemberRole
    user_id: BodyId | None = None
    name: str = ""
    position: str = ""
    organisation_name: str = ""


class SessionOut(Schema):
    id: int
    supervision_id: int
    organisation_id: int
    held_at: datetime.datetime
    place: str
    attendees_delegation: str
    attendees_supervised: str
    report_ids: list[int]
    documents_received: str
    minutes: str

    @staticmethod
    def resolve_report_ids(obj):
        return [r.pk for r in obj.reports.all()]


class SessionIn(Schema):
    organisation_id: BodyId
    held_at: datetime.datetime
    place: str = ""
    attendees_delegation: str = ""
    attendees_supervised: str = ""
    report_ids: list[BodyId] = []
    documents_received: str = ""
    minutes: str = ""


class FigureOut(Schema):
    indicator_id: int
    code: str
    name: str
    measure: str
    target: Decimal | None
    actual: Decimal | None
    percent: Decimal | None
    status: str


class ReportFiguresOut(Schema):
    report_id: int
    plan_id: int
    unit_id: int
    period: str
    targets_met: int
    targets_with_data: int
    figures: list[FigureOut]


class FindingOut(Schema):
    id: int
    supervision_id: int
    session_id: int | None
    organisation_id: int | None
    kind: str
    text: str
    cause: str
    category_id: int | None
    indicator_ids: list[int]
    task_ids: list[int]
    report_ids: list[int]

    @staticmethod
    def resolve_indicator_ids(obj):
        return [i.pk for i in obj.indicators.all()]

    @staticmethod
    def resolve_task_ids(obj):
        return [t.pk for t in obj.tasks.all()]

    @staticmethod
    def resolve_report_ids(obj):
        return [r.pk for r in obj.reports.all()]


class FindingIn(Schema):
    kind: FindingKind
    text: str = Field(..., min_length=1)
    cause: str = ""
    category_id: BodyId | None = None
    session_id: BodyId | None = None
    organisation_id: BodyId | None = None
    indicator_ids: list[BodyId] = []
    task_ids: list[BodyId] = []
    report_ids: list[BodyId] = []


class CategoryOut(Schema):
    id: int
    name: str
    active: bool


class RecommendationOut(Schema):
    id: int
    supervision_id: int
    item: int
    addressee_id: int
    addressee: str = Field(..., alias="addressee.name")
    addressee_kind: str
    text: str
    priority: str
    made_on: datetime.date
    due_on: datetime.date
    status: str
    overdue: bool
    not_accepted_reason: str
    verified_at: datetime.datetime | None
    verification_note: str

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(timezone.localdate())


class RecommendationIn(Schema):
    text: str = Field(..., min_length=1)
    addressee_ids: list[BodyId] = Field(..., min_length=1)
    addressee_kind: AddresseeKind = AddresseeKind.SUPERVISED
    priority: Priority = Priority.NORMAL
    made_on: datetime.date
    finding_ids: list[BodyId] = []


class EvidenceOut(Schema):
    id: int
    name: str
    kind: str
    size: int


class ResponseOut(Schema):
    id: int
    recommendation_id: int
    text: str
    status: str
    reason: str
    responded_at: datetime.datetime
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class ResponseIn(Schema):
    text: str
    status: RecommendationStatus = Field(..., description="in_progress, implemented, partly_implemented, not_accepted")
    reason: str = ""


class VerifyIn(Schema):
    confirm: bool
    note: str = ""


class AddresseeSummaryOut(Schema):
    addressee_id: int
    addressee: str
    total: int
    overdue: int
    verified: int
    by_status: dict[str, int]


class CategorySummaryOut(Schema):
    category_id: int | None
    category: str | None
    findings: int
    supervisions: int
    organisations: int
    recommendations: int = Field(description="kiến nghị (mà người gọi xem được) trả lời các hạn chế này")


class StatusCountOut(Schema):
    status: str = Field(examples=["in_progress"])
    label: str
    count: int


class UnitColumnOut(Schema):
    unit_id: int | None = Field(description="null: nhận xét chung / general findings")
    unit: str


class CategoryAcrossOut(Schema):
    category_id: int | None
    category: str
    counts: list[int] = Field(description="theo thứ tự của `units` / in the order of `units`")
    total: int


class SupervisionDashboardOut(Schema):
    supervision_id: int | None
    year: int | None
    total: int
    overdue: int
    verified: int
    by_status: list[StatusCountOut]
    by_addressee: list[AddresseeSummaryOut]
    categories: list[CategorySummaryOut]
    units: list[UnitColumnOut]
    categories_by_unit: list[CategoryAcrossOut]


# --------------------------------------------------------------------------------------------- helpers


def _supervision(request, pk: int, action: str = "view") -> Supervision:
    return get_object_or_404(Supervision.objects.restrict(request.user, action), pk=pk)


def _rec(request, pk: int, action: str = "view") -> Recommendation:
    return get_object_or_404(Recommendation.objects.restrict(request.user, action).select_related("addressee"), pk=pk)


def _refused(call):
    try:
        return call()
    except services.FollowUpError as exc:
        raise HttpError(409, str(exc)) from exc


def _pick(model_qs, ids: list[int], field: str):
    rows = list(model_qs.filter(pk__in=ids))
    if missing := sorted(set(ids) - {row.pk for row in rows}):
        raise ValidationError({field: _("Không tìm thấy: %(ids)s.") % {"ids": ", ".join(map(str, missing))}})
    return rows


# --------------------------------------------------------------------------------------------- supervisions


@router.get("/supervisions", response=list[SupervisionOut], summary="Các cuộc giám sát / supervisions")
@paginate
def list_supervisions(request, status: str | None = None):
    rows = Supervision.objects.restrict(request.user, "view").prefetch_related("plans", "schedule__organisation")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-start_on", "-id")


@router.get("/supervisions/{supervision_id}", response=SupervisionOut, summary="Một cuộc giám sát / one supervision")
def get_supervision(request, supervision_id: int):
    return _supervision(request, supervision_id)


def _supervision_fields(request, payload: SupervisionIn) -> tuple[dict, list, list]:
    organisation = get_object_or_404(Organisation.objects.all(), pk=payload.organisation_id)
    plans = _pick(Plan.objects.restrict(request.user, "view"), payload.plan_ids, "plan_ids")
    supervised = _pick(Organisation.objects.restrict(request.user, "view"), payload.supervised_ids, "supervised_ids")
    fields = payload.dict(exclude={"organisation_id", "plan_ids", "supervised_ids"})
    if fields["reference"] is None:
        # A plan's number is given once, or set when its plan is issued here: a PUT that leaves it out keeps it.
        del fields["reference"]
    fields["organisation"] = organisation
    return fields, plans, supervised


@router.post("/supervisions", response={201: SupervisionOut}, summary="Lập kế hoạch giám sát / create")
def create_supervision(request, payload: SupervisionIn):
    fields, plans, supervised = _supervision_fields(request, payload)
    supervision = services.do_save_supervision(
        Supervision(), acting_user=request.user, fields=fields, plans=plans, supervised=supervised
    )
    return Status(201, supervision)


@router.put("/supervisions/{supervision_id}", response=SupervisionOut, summary="Sửa / update")
def update_supervision(request, supervision_id: int, payload: SupervisionIn):
    supervision = _supervision(request, supervision_id, "change")
    fields, plans, supervised = _supervision_fields(request, payload)
    return services.do_save_supervision(
        supervision, acting_user=request.user, fields=fields, plans=plans, supervised=supervised
    )


@router.get("/supervisions/{supervision_id}/delegation", response=list[MemberOut], summary="Đoàn giám sát / delegation")
def list_members(request, supervision_id: int):
    supervision = _supervision(request, supervision_id)
    return (
        DelegationMember.objects.restrict(request.user, "view")
        .filter(supervision=supervision)
        .select_related("user__organisation")
    )


@router.post(
    "/supervisions/{supervision_id}/delegation", response={201: MemberOut}, summary="Thêm thành viên / add member"
)
def add_member(request, supervision_id: int, payload: MemberIn):
    supervision = _supervision(request, supervision_id, "change")
    fields = payload.dict(exclude={"user_id"})
    if payload.user_id is not None:
        fields["user"] = get_object_or_404(member_candidates(request.user), pk=payload.user_id)
    return Status(201, services.do_add_member(supervision, acting_user=request.user, fields=fields))


# --------------------------------------------------------------------------------------------- sessions


@router.get("/supervisions/{supervision_id}/sessions", response=list[SessionOut], summary="Buổi làm việc / sessions")
def list_sessions(request, supervision_id: int):
    supervision = _supervision(request, supervision_id)
    return (
        WorkingSession.objects.restrict(request.user, "view")
        .filter(supervision=supervision)
        .prefetch_related("reports")
    )


@router.post("/supervisions/{supervision_id}/sessions", response={201: SessionOut}, summary="Ghi buổi làm việc")
def create_session(request, supervision_id: int, payload: SessionIn):
    supervision = _supervision(request, supervision_id, "change")
    organisation = get_object_or_404(Organisation.objects.all(), pk=payload.organisation_id)
    reports = _pick(
        queries.candidate_reports(supervision, organisation, request.user), payload.report_ids, "report_ids"
    )
    fields = payload.dict(exclude={"organisation_id", "report_ids"})
    fields["organisation"] = organisation
    session = services.do_save_session(
        WorkingSession(supervision=supervision), acting_user=request.user, fields=fields, reports=reports
    )
    return Status(201, session)


@router.get("/supervision-sessions/{session_id}", response=SessionOut, summary="Một buổi làm việc / one session")
def get_session(request, session_id: int):
    return get_object_or_404(WorkingSession.objects.restrict(request.user, "view"), pk=session_id)


@router.get(
    "/supervision-sessions/{session_id}/figures",
    response=list[ReportFiguresOut],
    summary="Kết quả chỉ tiêu của báo cáo đã nhận / achievement of the reports received",
)
def session_figures(request, session_id: int):
    session = get_object_or_404(WorkingSession.objects.restrict(request.user, "view"), pk=session_id)
    out = []
    for item in queries.report_figures(
        session.reports.select_related("request__schedule__plan", "request__unit"), timezone.localdate()
    ):
        request_obj = item.report.request
        out.append(
            {
                "report_id": item.report.pk,
                "plan_id": request_obj.schedule.plan_id,
                "unit_id": request_obj.unit_id,
                "period": request_obj.period.label,
                "targets_met": item.share.met,
                "targets_with_data": item.share.with_data,
                "figures": [
                    {
                        "indicator_id": c.indicator.pk,
                        "code": c.indicator.code,
                        "name": c.indicator.name,
                        "measure": c.indicator.measure,
                        "target": c.target.value if c.target else None,
                        "actual": c.actual_shown,
                        "percent": c.percent,
                        "status": str(c.status),
                    }
                    for c in item.row.cells
                ],
            }
        )
    return out


# --------------------------------------------------------------------------------------------- findings


@router.get("/finding-categories", response=list[CategoryOut], summary="Nhóm hạn chế / limitation categories")
def list_categories(request):
    if not request.user.can("supervision.view"):
        raise HttpError(404, _("Không tìm thấy."))
    return FindingCategory.objects.all()


@router.get("/supervisions/{supervision_id}/findings", response=list[FindingOut], summary="Kết quả, hạn chế")
def list_findings(request, supervision_id: int):
    supervision = _supervision(request, supervision_id)
    return (
        Finding.objects.restrict(request.user, "view")
        .filter(supervision=supervision)
        .prefetch_related("indicators", "tasks", "reports")
    )


@router.post("/supervisions/{supervision_id}/findings", response={201: FindingOut}, summary="Thêm kết quả, hạn chế")
def create_finding(request, supervision_id: int, payload: FindingIn):
    supervision = _supervision(request, supervision_id, "change")
    plans = supervision.plans.all()
    fields = {"kind": payload.kind, "text": payload.text, "cause": payload.cause}
    fields["category"] = get_object_or_404(FindingCategory, pk=payload.category_id) if payload.category_id else None
    fields["session"] = get_object_or_404(supervision.sessions, pk=payload.session_id) if payload.session_id else None
    fields["organisation"] = (
        get_object_or_404(supervision.supervised.all(), pk=payload.organisation_id) if payload.organisation_id else None
    )
    finding = services.do_save_finding(
        Finding(supervision=supervision),
        acting_user=request.user,
        fields=fields,
        indicators=_pick(Indicator.objects.filter(plan__in=plans), payload.indicator_ids, "indicator_ids"),
        tasks=_pick(Task.objects.filter(plan__in=plans), payload.task_ids, "task_ids"),
        reports=_pick(Report.objects.restrict(request.user, "view"), payload.report_ids, "report_ids"),
    )
    return Status(201, finding)


@router.get(
    "/limitation-categories/summary",
    response=list[CategorySummaryOut],
    summary="Hạn chế theo nhóm / limitations by category",
)
def category_summary(request):
    if not request.user.can("supervision.view"):
        raise HttpError(404, _("Không tìm thấy."))
    return [
        {
            "category_id": row["category_id"],
            "category": row["category__name"],
            "findings": row["findings"],
            "supervisions": row["supervisions"],
            "organisations": row["organisations"],
            "recommendations": row["recommendations"],
        }
        for row in queries.limitation_categories(
            Finding.objects.restrict(request.user, "view"), Recommendation.objects.restrict(request.user, "view")
        )
    ]


# --------------------------------------------------------------------------------------------- recommendations


@router.get("/recommendations", response=list[RecommendationOut], summary="Kiến nghị / recommendations")
@paginate
def list_recommendations(
    request,
    supervision: Id | None = None,
    addressee: Id | None = None,
    status: str | None = None,
    overdue: bool = False,
):
    rows = Recommendation.objects.restrict(request.user, "view").select_related("addressee")
    if supervision:
        rows = rows.filter(supervision_id=supervision)
    if addressee:
        rows = rows.filter(addressee_id=addressee)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.overdue(timezone.localdate())
    return rows.order_by("due_on", "id")


@router.get(
    "/recommendations/summary",
    response=list[AddresseeSummaryOut],
    summary="Kiến nghị theo nơi nhận / by addressee",
)
def recommendation_summary(request, supervision: Id | None = None):
    if not request.user.can("supervision.view"):
        raise HttpError(404, _("Không tìm thấy."))
    rows = Recommendation.objects.restrict(request.user, "view")
    if supervision:
        # A supervision one may not see is a 404, as on the page, not an empty summary.
        rows = rows.filter(supervision=_supervision(request, supervision))
    return [_addressee(row) for row in queries.recommendations_by_addressee(rows, timezone.localdate())]


def _addressee(row: dict) -> dict:
    return {
        "addressee_id": row["addressee_id"],
        "addressee": row["addressee__name"],
        "total": row["total"],
        "overdue": row["overdue"],
        "verified": row["verified"],
        "by_status": {s.value: row[f"n_{s.value}"] for s in RecommendationStatus},
    }


@router.get("/recommendations/{recommendation_id}", response=RecommendationOut, summary="Một kiến nghị")
def get_recommendation(request, recommendation_id: int):
    return _rec(request, recommendation_id)


class WithdrawIn(Schema):
    reason: str = Field(..., min_length=1, examples=["Ghi trùng kiến nghị 3"])


@router.post(
    "/recommendations/{recommendation_id}/withdraw",
    response={204: None},
    summary="Rút kiến nghị chưa được trả lời / withdraw an unanswered recommendation",
)
def withdraw_recommendation(request, recommendation_id: int, payload: WithdrawIn):
    rec = _rec(request, recommendation_id, "change")
    _refused(lambda: services.do_withdraw_recommendation(rec, acting_user=request.user, reason=payload.reason))
    return Status(204, None)


@router.post(
    "/supervisions/{supervision_id}/recommendations",
    response={201: list[RecommendationOut]},
    summary="Thêm kiến nghị (mỗi nơi nhận một dòng) / one per addressee",
)
def create_recommendations(request, supervision_id: int, payload: RecommendationIn):
    supervision = _supervision(request, supervision_id, "change")
    addressees = _pick(Organisation.objects.restrict(request.user, "view"), payload.addressee_ids, "addressee_ids")
    findings = _pick(supervision.findings.all(), payload.finding_ids, "finding_ids")
    made = _refused(
        lambda: services.do_create_recommendations(
            supervision,
            acting_user=request.user,
            text=payload.text,
            addressees=addressees,
            addressee_kind=payload.addressee_kind,
            priority=payload.priority,
            made_on=payload.made_on,
            findings=findings,
        )
    )
    return Status(201, made)


@router.get("/recommendations/{recommendation_id}/responses", response=list[ResponseOut], summary="Các trả lời")
def list_responses(request, recommendation_id: int):
    return _rec(request, recommendation_id).responses.prefetch_related("evidence")


@router.post(
    "/recommendations/{recommendation_id}/responses",
    response={201: ResponseOut},
    summary="Trả lời kiến nghị, kèm minh chứng (multipart) / answer with evidence",
)
def respond(request, recommendation_id: int, payload: Form[ResponseIn], files: File[list[UploadedFile]] = None):
    rec = _rec(request, recommendation_id)
    if not services.can_respond(request.user, rec):
        raise HttpError(404, _("Không tìm thấy."))
    files = files or []
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError({"files": _("Tối đa %(n)s tệp.") % {"n": MAX_EVIDENCE_FILES}})
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload, allowed=EVIDENCE_KINDS)))
        except UploadRejected as exc:
            raise ValidationError({"files": f"{upload.name}: {exc.message}"}) from exc
    response = _refused(
        lambda: services.do_respond(
            rec,
            acting_user=request.user,
            text=payload.text,
            status=payload.status,
            reason=payload.reason,
            files=checked,
        )
    )
    return Status(201, response)


@router.post(
    "/recommendations/{recommendation_id}/verify", response=RecommendationOut, summary="Xác nhận / verify or reopen"
)
def verify(request, recommendation_id: int, payload: VerifyIn):
    rec = _rec(request, recommendation_id, "verify")
    return _refused(
        lambda: services.do_verify(rec, acting_user=request.user, confirm=payload.confirm, note=payload.note)
    )


@router.get(
    "/supervision-dashboard",
    response=SupervisionDashboardOut,
    summary="Bảng điều khiển giám sát / supervision dashboard",
)
def supervision_dashboard(request, supervision: Id | None = None, year: int | None = None):
    """The numbers of /dashboards/supervision/: recommendations (one per addressee) by status, overdue and verified
    per addressee; limitation categories, and the same across the units of the organisations they concern. A
    supervision the caller may not see answers 404."""
    if not request.user.can("supervision.view"):
        raise HttpError(404, _("Không tìm thấy."))
    if year is not None and not dashboard.valid_year(year):
        span = {"first": dashboard.FIRST_YEAR, "last": dashboard.LAST_YEAR}
        raise ValidationError({"year": _("Phải là năm từ %(first)s đến %(last)s.") % span})
    chosen = _supervision(request, supervision) if supervision is not None else None
    recommendations, findings = dashboard.visible_rows(request.user, chosen, year)
    dash = dashboard.dashboard(recommendations, findings, timezone.localdate())
    return {
        "supervision_id": supervision,
        "year": year,
        "total": dash.totals["total"],
        "overdue": dash.totals["overdue"],
        "verified": dash.totals["verified"],
        "by_status": [{"status": key, "label": label, "count": n} for key, label, n in dash.statuses],
        "by_addressee": [_addressee(row) for row in dash.addressees],
        "categories": [
            {
                "category_id": row["category_id"],
                "category": row["category__name"],
                "findings": row["findings"],
                "supervisions": row["supervisions"],
                "organisations": row["organisations"],
                "recommendations": row["recommendations"],
            }
            for row in dash.categories
        ],
        "units": [{"unit_id": pk, "unit": name} for pk, name in dash.across.units],
        "categories_by_unit": [
            {"category_id": pk, "category": name, "counts": counts, "total": total}
            for pk, name, counts, total in dash.across.rows
        ],
    }
