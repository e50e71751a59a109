import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from giamsat.core.jsonapi import BodyId, Id
from giamsat.plans.models import Indicator

from . import services
from .figures import stored
from .models import Report, ReportRequest

router = Router(tags=["reporting"])


class RequestOut(Schema):
    id: int
    plan_id: int = Field(..., alias="schedule.plan_id")
    unit_id: int
    period_kind: str
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date


class ValueOut(Schema):
    indicator_id: int
    breakdown: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    source: str
    comment: str


class ReportOut(Schema):
    id: int
    request_id: int
    version: int
    status: str
    revision: int
    results: str
    limitations: str
    causes: str
    proposals: str
    review_comment: str
    submitted_at: datetime.datetime | None
    values: list[ValueOut]

    @staticmethod
    def resolve_values(obj):
        # In the plan's indicator order: a draft save keeps unchanged rows, so row ids are not that order.
        return list(obj.values.order_by("indicator__order", "indicator_id", "breakdown"))


class ValueIn(Schema):
    indicator_id: BodyId
    breakdown: str = ""
    value: Decimal | None = Field(None, ge=0)
    numerator: Decimal | None = Field(None, ge=0)
    denominator: Decimal | None = Field(None, ge=0)
    source: str = Field("", max_length=200)
    comment: str = ""


class DraftIn(Schema):
    revision: int = Field(..., description="revision của bản đang sửa; lệch thì 409 / the revision you edited")
    results: str = ""
    limitations: str = ""
    causes: str = ""
    proposals: str = ""
    values: list[ValueIn] = []


class CommentIn(Schema):
    comment: str = ""
    revision: int | None = Field(
        None, description="revision của báo cáo bạn đã đọc; lệch thì 409 / the revision you read: 409 if it changed"
    )


def _request(request, pk: int) -> ReportRequest:
    return get_object_or_404(ReportRequest.objects.restrict(request.user, "view"), pk=pk)


def _report(request, pk: int) -> Report:
    return get_object_or_404(Report.objects.restrict(request.user, "view"), pk=pk)


def _workflow(call):
    try:
        return call()
    except services.InvalidValues as exc:
        raise HttpError(422, str(exc)) from exc
    except services.WorkflowError as exc:
        raise HttpError(409, str(exc)) from exc


@router.get("/report-requests", response=list[RequestOut], summary="Yêu cầu báo cáo / report requests")
@paginate
def list_requests(request, plan: Id | None = None, unit: Id | None = None, overdue: bool = False):
    rows = ReportRequest.objects.restrict(request.user, "view").select_related("schedule")
    if plan:
        rows = rows.filter(schedule__plan_id=plan)
    if unit:
        rows = rows.filter(unit_id=unit)
    if overdue:
        rows = rows.overdue(timezone.localdate())
    return rows.order_by("-period_end", "unit__code")


@router.get("/report-requests/{request_id}", response=RequestOut, summary="Một yêu cầu / one request")
def get_request(request, request_id: int):
    return _request(request, request_id)


@router.get("/report-requests/{request_id}/reports", response=list[ReportOut], summary="Các lần báo cáo / versions")
def request_reports(request, request_id: int):
    return Report.objects.restrict(request.user, "view").filter(request=_request(request, request_id))


@router.put("/report-requests/{request_id}/draft", response=ReportOut, summary="Lưu bản nháp / save the draft")
def save_draft(request, request_id: int, payload: DraftIn):
    req = _request(request, request_id)
    indicators = {i.pk: i for i in Indicator.objects.filter(plan=req.schedule.plan)}
    unknown = [v.indicator_id for v in payload.values if v.indicator_id not in indicators]
    if unknown:
        ids = ", ".join(map(str, unknown))
        raise ValidationError({"values.indicator_id": _("Không thuộc kế hoạch này: %(ids)s.") % {"ids": ids}})
    values = [
        services.ValueInput(
            indicator=indicators[v.indicator_id],
            breakdown=v.breakdown,
            value=None if v.value is None else stored(v.value),
            numerator=None if v.numerator is None else stored(v.numerator),
            denominator=None if v.denominator is None else stored(v.denominator),
            source=v.source,
            comment=v.comment,
        )
        for v in payload.values
    ]
    narrative = payload.dict(include={"results", "limitations", "causes", "proposals"})
    return _workflow(
        lambda: services.do_save_request_draft(
            req, acting_user=request.user, revision=payload.revision, narrative=narrative, values=values
        )
    )


@router.get("/reports/{report_id}", response=ReportOut, summary="Một báo cáo / one report")
def get_report(request, report_id: int):
    return _report(request, report_id)


@router.post("/reports/{report_id}/submit", response=ReportOut, summary="Gửi / submit")
def submit(request, report_id: int):
    report = _report(request, report_id)
    return _workflow(lambda: services.do_submit(report, acting_user=request.user))


@router.post("/reports/{report_id}/return", response=ReportOut, summary="Trả lại / return with a comment")
def return_report(request, report_id: int, payload: CommentIn):
    report = _report(request, report_id)
    return _workflow(
        lambda: services.do_return(report, acting_user=request.user, comment=payload.comment, revision=payload.revision)
    )


@router.post("/reports/{report_id}/accept", response=ReportOut, summary="Duyệt / accept")
def accept(request, report_id: int, payload: CommentIn):
    report = _report(request, report_id)
    return _workflow(
        lambda: services.do_accept(report, acting_user=request.user, comment=payload.comment, revision=payload.revision)
    )
