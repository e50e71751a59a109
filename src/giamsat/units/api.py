import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from giamsat.core.jsonapi import Id

from . import queries
from .choices import Level, Structure
from .models import Organisation, Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: int
    name: str
    type: str
    type_label: str = Field(..., alias="get_type_display")
    level: int
    structure: str
    parent_id: int | None
    province_id: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class LinkOut(Schema):
    unit: UnitOut
    partly: bool
    inferred: bool = Field(description="không có trong bảng chuyển đổi chính thức / not in the official table")


class OrganisationOut(Schema):
    id: int
    name: str
    abbreviation: str
    kind: str
    unit_id: int
    parent_id: int | None


class UnitFilter(Schema):
    q: str | None = Field(None, description="tìm không dấu / accent-insensitive search, e.g. 'duc linh'")
    level: Level | None = None
    structure: Structure | None = None
    on: datetime.date | None = Field(None, description="chỉ đơn vị hiệu lực tại ngày này / valid on this date")
    parent: Id | None = Field(None, description="id của đơn vị cấp trên / parent unit id")


class OnDate(Schema):
    on: datetime.date | None = None


def _unit(request, unit_id: int) -> Unit:
    return get_object_or_404(Unit.objects.restrict(request.user, "view"), pk=unit_id)


@router.get("/units", response=list[UnitOut], summary="Danh sách đơn vị / list units")
@paginate
def list_units(request, filters: Query[UnitFilter]):
    rows = Unit.objects.restrict(request.user, "view")
    if filters.q:
        rows = rows.search(filters.q)
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.structure:
        rows = rows.filter(structure=filters.structure)
    if filters.on:
        rows = rows.valid_on(filters.on)
    if filters.parent:
        rows = rows.filter(parent_id=filters.parent)
    return rows.order_by("structure", "level", "code")


@router.get("/units/{unit_id}", response=UnitOut, summary="Một đơn vị / one unit")
def get_unit(request, unit_id: int):
    return _unit(request, unit_id)


@router.get("/units/{unit_id}/children", response=list[UnitOut], summary="Đơn vị trực thuộc / children")
def unit_children(request, unit_id: int, params: Query[OnDate]):
    unit = _unit(request, unit_id)
    rows = Unit.objects.restrict(request.user, "view").filter(parent=unit)
    if params.on:
        rows = rows.valid_on(params.on)
    return rows.order_by("code")


@router.get("/units/{unit_id}/successors", response=list[LinkOut], summary="Đơn vị kế thừa / successors")
def unit_successors(request, unit_id: int):
    return queries.successors(_unit(request, unit_id))


@router.get("/units/{unit_id}/predecessors", response=list[LinkOut], summary="Đơn vị tiền thân / predecessors")
def unit_predecessors(request, unit_id: int):
    return queries.predecessors(_unit(request, unit_id))


@router.get(
    "/units/{unit_id}/current",
    response=list[LinkOut],
    summary="Đơn vị hiện nay nhận số liệu của đơn vị này / the current units this unit's data belongs to",
)
def unit_current(request, unit_id: int, params: Query[OnDate]):
    unit = _unit(request, unit_id)
    day = params.on or timezone.localdate()
    return queries.current_units_for(unit, day)


@router.get("/organisations", response=list[OrganisationOut], summary="Cơ quan, tổ chức / organisations")
@paginate
def list_organisations(request, unit: Id | None = None):
    rows = Organisation.objects.restrict(request.user, "view")
    if unit:
        rows = rows.filter(unit_id=unit)
    return rows.order_by("unit__code", "name")
