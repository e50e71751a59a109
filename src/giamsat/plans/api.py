import datetime
from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from giamsat.core.jsonapi import BodyId, Id, already_shaped
from giamsat.core.params import as_year
from giamsat.core.periods import Period
from giamsat.reporting import queries as achievement
from giamsat.units.models import Organisation

from . import queries, services
from .models import Indicator, Plan, Programme, Target, Task

router = Router(tags=["plans"])


class ProgrammeOut(Schema):
    id: int
    name: str
    description: str
    active: bool


class PlanOut(Schema):
    id: int
    reference: str = Field(..., examples=["4525/KH-UBND"])
    issuer_id: int
    issued_on: datetime.date
    title: str
    programme_id: int
    first_year: int
    last_year: int
    legal_basis: str
    status: str
    illustrative: bool


class PlanIn(Schema):
    reference: str = Field(..., examples=["4525/KH-UBND"])
    issuer_id: BodyId
    issued_on: datetime.date
    title: str
    programme_id: BodyId
    first_year: int
    last_year: int
    legal_basis: str = ""
    status: str = "draft"


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    measure: str
    kind: str
    direction: str
    time_aggregation: str
    unit_aggregation: str
    baseline_value: Decimal | None
    baseline_year: int | None
    tolerance: Decimal | None
    disaggregations: list[str]
    national_code: str
    source: str


class TargetOut(Schema):
    indicator_id: int
    unit_id: int
    period_kind: str
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal


class TargetIn(Schema):
    indicator_id: BodyId
    unit_id: BodyId
    value: Decimal | None = Field(
        None, ge=0, max_digits=18, decimal_places=4, description="null xóa chỉ tiêu / null removes the target"
    )


class IndicatorIn(Schema):
    code: str
    name: str
    measure: str = Field(..., examples=["%", "người", "lượt"])
    kind: str = Field("count", examples=["count", "amount", "ratio", "milestone"])
    direction: str = Field("increase", examples=["increase", "decrease", "maintain"])
    time_aggregation: str = "sum"
    unit_aggregation: str = "sum"
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    tolerance: Decimal | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    disaggregations: list[str] = []
    national_code: str = ""
    source: str = "reports"
    order: int = 0


class TaskIn(Schema):
    text: str
    lead_id: BodyId | None = None
    deadline: datetime.date | None = None
    status: str = "not_started"
    order: int = 0


class TaskOut(Schema):
    id: int
    text: str
    lead_id: int | None
    deadline: datetime.date | None
    status: str


class CellOut(Schema):
    indicator_id: int
    target: Decimal | None
    actual: Decimal | None
    achieved_percent: Decimal | None
    expected_progress: Decimal
    status: str
    nothing_to_count: bool = Field(
        False,
        description="tỷ lệ báo cáo 0/0 (không phát sinh): không tính vào targets_met hay targets_with_data / a rate "
        "reported as 0/0 (nothing to count): in neither targets_met nor targets_with_data",
    )


class UnitAchievementOut(Schema):
    unit_id: int
    unit_name: str
    targets_met: int
    targets_with_data: int
    cells: list[CellOut]


class PeriodQuery(Schema):
    period: str | None = Field(None, description="2023 (một năm / a year) hoặc 2021-2025 (giai đoạn / a span)")


def _plan(request, plan_id: int, action: str = "view") -> Plan:
    return get_object_or_404(Plan.objects.restrict(request.user, action), pk=plan_id)


def _period(text: str | None, plan: Plan) -> Period:
    if not text:
        return queries.default_period(plan, timezone.localdate())
    first, _dash, last = text.partition("-")
    start, end = as_year(first), as_year(last or first)
    if start is None or end is None or end < start:
        raise ValidationError({"period": _("Dạng 2023 hoặc 2021-2025.")})
    return Period.year(start) if not last else Period.span(start, end)


@router.get("/programmes", response=list[ProgrammeOut], summary="Lĩnh vực / programmes")
def list_programmes(request):
    return Programme.objects.filter(active=True)


@router.get("/plans", response=list[PlanOut], summary="Kế hoạch / plans")
@paginate
def list_plans(request, programme: Id | None = None):
    rows = Plan.objects.restrict(request.user, "view")
    return rows.filter(programme_id=programme) if programme else rows


@router.post("/plans", response={201: PlanOut}, summary="Thêm kế hoạch / create a plan")
def create_plan(request, payload: PlanIn):
    issuer = get_object_or_404(Organisation.objects.restrict(request.user, "view"), pk=payload.issuer_id)
    fields = payload.dict() | {"issuer": issuer}
    fields.pop("issuer_id")
    return Status(201, services.do_save_plan(Plan(), acting_user=request.user, fields=fields))


@router.get("/plans/{plan_id}", response=PlanOut, summary="Một kế hoạch / one plan")
def get_plan(request, plan_id: int):
    return _plan(request, plan_id)


@router.get("/plans/{plan_id}/indicators", response=list[IndicatorOut], summary="Chỉ tiêu / indicators")
def plan_indicators(request, plan_id: int):
    return Indicator.objects.restrict(request.user, "view").filter(plan=_plan(request, plan_id))


@router.post("/plans/{plan_id}/indicators", response={201: IndicatorOut}, summary="Thêm chỉ tiêu / add an indicator")
def create_indicator(request, plan_id: int, payload: IndicatorIn):
    plan = _plan(request, plan_id, "change")
    made = services.do_save_indicator(Indicator(plan=plan), acting_user=request.user, fields=payload.dict())
    return Status(201, made)


@router.get("/plans/{plan_id}/targets", response=list[TargetOut], summary="Mục tiêu / targets")
def plan_targets(request, plan_id: int, params: Query[PeriodQuery]):
    plan = _plan(request, plan_id)
    rows = Target.objects.restrict(request.user, "view").filter(indicator__plan=plan)
    if params.period:
        period = _period(params.period, plan)
        rows = rows.filter(period_start=period.start, period_end=period.end)
    return rows.order_by("indicator__order", "unit__code")


@router.put(
    "/plans/{plan_id}/targets",
    response={200: dict},
    summary="Giao mục tiêu một kỳ / set a period's targets",
    description=(
        "Chỉ các kỳ của kế hoạch (một năm hoặc một giai đoạn trong đó); mỗi ô gửi lên được ghi như gửi, ghi đè "
        "giá trị đang có (không kiểm tra ai sửa trước). / Only the plan's periods (one of its years or phases); each "
        "cell sent is written as sent, over the stored value (last write wins: no check for a concurrent change)."
    ),
)
def set_targets(request, plan_id: int, period: str, payload: list[TargetIn]):
    plan = _plan(request, plan_id, "change")
    cells = Counter((t.indicator_id, t.unit_id) for t in payload)
    if twice := sorted(cell for cell, n in cells.items() if n > 1):
        # The last one won without a word: which the sender meant is theirs to say.
        raise HttpError(
            422,
            _("Một ô gửi hai lần (indicator_id, unit_id): %(cells)s.") % {"cells": ", ".join(map(str, twice))},
        )
    changed = services.do_save_targets(
        plan, _period(period, plan), {(t.indicator_id, t.unit_id): t.value for t in payload}, acting_user=request.user
    )
    return {"changed": changed}


@router.get("/plans/{plan_id}/tasks", response=list[TaskOut], summary="Nhiệm vụ / tasks")
def plan_tasks(request, plan_id: int):
    return Task.objects.restrict(request.user, "view").filter(plan=_plan(request, plan_id))


@router.post("/plans/{plan_id}/tasks", response={201: TaskOut}, summary="Thêm nhiệm vụ / add a task")
def create_task(request, plan_id: int, payload: TaskIn):
    plan = _plan(request, plan_id, "change")
    fields = payload.dict()
    if fields["lead_id"] is not None:
        fields["lead"] = get_object_or_404(Organisation.objects.restrict(request.user, "view"), pk=fields["lead_id"])
    fields.pop("lead_id")
    return Status(201, services.do_save_task(Task(plan=plan), acting_user=request.user, fields=fields))


@router.get(
    "/plans/{plan_id}/achievement",
    response=list[UnitAchievementOut],
    summary="Kết quả đạt chỉ tiêu theo đơn vị / achievement per unit",
)
def plan_achievement(request, plan_id: int, params: Query[PeriodQuery]):
    plan = _plan(request, plan_id)
    period = _period(params.period, plan)
    total, rows = achievement.plan_achievement(
        plan, list(queries.reporting_units(plan, request.user)), period, timezone.localdate()
    )
    return already_shaped([_achievement_row(row) for row in [total, *rows]])


def _achievement_row(row: achievement.UnitRow) -> dict:
    share = row.share
    return {
        "unit_id": row.unit.pk,
        "unit_name": row.unit.name,
        "targets_met": share.met,
        "targets_with_data": share.with_data,
        # The numbers as text here, as the encoder would write them: it calls back into Python for each Decimal
        # (dashboards.api._cell).
        "cells": [
            {
                "indicator_id": c.indicator.pk,
                "target": None if c.target is None else str(c.target.value),
                "actual": None if (actual := c.actual_shown) is None else str(actual),
                "achieved_percent": None if (percent := c.percent) is None else str(percent),
                "expected_progress": str(c.expected),
                "status": c.status.value,
                "nothing_to_count": c.nothing_to_count,
            }
            for c in row.cells
        ],
    }
