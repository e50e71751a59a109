"""The dashboards' numbers as JSON: the same queries as the pages, scoped the same way (a plan, unit or indicator
outside the caller's jurisdiction answers 404, exactly like one that does not exist)."""

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from giamsat.core.dates import parse_day
from giamsat.core.formatting import dmy
from giamsat.core.jsonapi import Id, already_shaped
from giamsat.core.params import MAX_ID, as_year
from giamsat.reporting.queries import Cell, UnitRow

from . import queries
from .views import (
    REPORTS_LIMIT,
    Choices,
    Fallback,
    above_one_s_area,
    chosen_period,
    fallback,
    parse_year,
    partial_span,
    resolve,
    trend_inputs,
)

router = Router(tags=["dashboards"])


class Choice(Schema):
    period: str | None = Field(
        None, description="2023, 2021-2025, hoặc khóa của trang (2023-2023-year) / a year, a span or the page's key"
    )
    on: str | None = Field(
        None,
        description="ngày của cây đơn vị (2025-06-30: tỉnh–huyện–xã; hôm nay: tỉnh–xã) / date whose units are shown",
        examples=["2025-06-30"],
    )
    unit: Id | None = Field(None, description="đơn vị gốc (mặc định: đơn vị của kế hoạch) / root unit")


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    kind: str
    label: str


class UnitOut(Schema):
    id: int
    name: str
    code: int
    level: int
    structure: str


class CellOut(Schema):
    indicator_id: int
    indicator_code: str
    target: Decimal | None
    baseline: Decimal | None = Field(
        None,
        description="chỉ tiêu giảm: giá trị cơ sở mà tỷ lệ đạt tính từ đó; null với chiều khác / a decrease "
        "target: the baseline its achievement counts from; null for other directions",
    )
    actual: Decimal | None = Field(description="tỷ lệ tính bằng % / rates in percent")
    achieved_percent: Decimal | None
    expected_progress_percent: Decimal | None = Field(
        description="null khi không giao chỉ tiêu / null without a target"
    )
    status: str
    problem: str = Field(
        "",
        description="chỉ tiêu mâu thuẫn (ví dụ chỉ tiêu giảm cao hơn giá trị cơ sở), không đánh giá được: lý do; "
        "rỗng nếu không / why a contradictory target was not judged, empty otherwise",
    )
    hidden: bool = Field(
        False,
        description="số vụ việc nhỏ (1–2) được ẩn: actual, achieved_percent là null / a small count of cases, "
        "hidden from this user: actual and achieved_percent are null",
    )
    nothing_to_count: bool = Field(
        False,
        description="tỷ lệ báo cáo 0/0 (không phát sinh trường hợp nào để tính): có báo cáo, không đạt cũng không "
        "thiếu số liệu / a rate reported as 0/0 (no case to count): reported, neither met nor without data",
    )


class RowOut(Schema):
    unit: UnitOut
    targets_met: int
    targets_with_data: int
    targets_without_data: int
    targets_hidden: int = Field(
        description="chỉ tiêu có số vụ việc bị ẩn với người gọi: không tính vào hai số trên / targets whose case "
        "figure is hidden from the caller, counted in neither of the above"
    )
    targets_nothing_to_count: int = Field(
        description="chỉ tiêu tỷ lệ báo cáo 0/0: không tính vào các số trên / targets of rates reported as 0/0, "
        "counted in none of the above"
    )
    cells: list[CellOut]


class MatrixOut(Schema):
    plan_id: int
    period: PeriodOut
    on: datetime.date
    reexpressed: bool
    years_without_reports: list[int] = Field(
        description="năm của kỳ (nhiều năm) đã qua hoặc đã đến hạn báo cáo mà chưa có báo cáo nào được duyệt / years "
        "of a period of several, ended or with a report due, without any accepted report"
    )
    units_without_figures: list[int] = Field(
        description="id các đơn vị (dòng) có chỉ tiêu mà chưa có số liệu nào từ báo cáo được duyệt trong kỳ, theo mã: "
        "dòng tổng chưa gồm số liệu của họ / ids of the rows whose targets have no figure from an accepted report in "
        "the period, by code: the total leaves them out"
    )
    units_only_in_total_without_figures: list[int] = Field(
        description="id các đơn vị không có dòng riêng (đơn vị cũ, số liệu chỉ tính ở dòng tổng) có chỉ tiêu mà chưa "
        "có số liệu nào từ báo cáo được duyệt trong kỳ, theo mã / ids of the units without a row of their own (old "
        "units, counted only in the total) whose targets have no figure from an accepted report in the period, by "
        "code"
    )
    flattered_totals: dict[int, int] = Field(
        description="chỉ tiêu giảm, cộng các đơn vị: id chỉ tiêu → số đơn vị có chỉ tiêu mà chưa có số liệu, nên dòng "
        "tổng có thể trông tốt hơn thực tế / summed decrease indicators: indicator id → units with a target and no "
        "figure, so that the total may look better than it is"
    )
    total: RowOut | None = Field(
        description="dòng tổng của đơn vị gốc; null khi người dùng không phụ trách cả đơn vị đó / the root's total; "
        "null when the user's jurisdiction does not cover all of it"
    )
    rows: list[RowOut]


class ShortfallOut(Schema):
    unit: UnitOut
    cell: CellOut
    gap_points: Decimal | None = Field(description="tiến độ cần đạt − tỷ lệ đạt (điểm %) / expected − achieved")


class UnmetOut(Schema):
    plan_id: int
    period: PeriodOut
    on: datetime.date
    years_without_reports: list[int] = Field(
        description="như ở bảng kết quả / as in the matrix: years of the period without any accepted report"
    )
    units_without_figures: list[int] = Field(description="như ở bảng kết quả / as in the matrix")
    units_only_in_total_without_figures: list[int] = Field(description="như ở bảng kết quả / as in the matrix")
    behind: list[ShortfallOut]
    without_data: list[ShortfallOut]
    contradictory: list[ShortfallOut] = Field(
        description="chỉ tiêu mâu thuẫn, có số liệu nhưng không đánh giá được / contradictory targets, not judged"
    )


class PointOut(Schema):
    period: PeriodOut
    cell: CellOut


class TrendOut(Schema):
    plan_id: int
    unit: UnitOut
    indicator_id: int
    step: str
    points: list[PointOut]


class TallyOut(Schema):
    on_time: int
    late: int
    missing: int
    not_due: int
    on_time_percent: Decimal | None


class ComplianceRowOut(Schema):
    unit: UnitOut
    periods: list[TallyOut]
    total: TallyOut


class ComplianceRestOut(Schema):
    periods: list[TallyOut]
    total: TallyOut


class ComplianceOut(Schema):
    plan_id: int
    year: int | None
    on: datetime.date
    periods: list[PeriodOut]
    total: ComplianceRowOut | None = Field(
        description="dòng tổng của đơn vị gốc; null khi người dùng không phụ trách cả đơn vị đó / the root's total; "
        "null when the user's jurisdiction does not cover all of it"
    )
    rows: list[ComplianceRowOut]
    outside_rows: ComplianceRestOut | None = Field(
        description="dòng tổng trừ các dòng (yêu cầu của chính đơn vị gốc, hoặc của đơn vị cũ bị chia cho nhiều đơn "
        "vị hiện nay); null khi các dòng cộng lại bằng tổng / the total less the rows (the root's own requests, or "
        "those of old units split among several current ones); null when the rows add up to the total"
    )
    years_without_requests: list[int] = Field(
        description="các năm được hỏi mà các đơn vị này không có yêu cầu báo cáo nào (bảng không có cột của các năm "
        "ấy) / the years asked for in which these units have no report request (no column of the table)"
    )


class ReportsQuery(Choice):
    offset: int = Field(0, ge=0, le=MAX_ID, description="bỏ qua bao nhiêu yêu cầu đầu / how many requests to skip")


class ReportLineOut(Schema):
    request_id: int
    unit: UnitOut
    parent_name: str = Field(description="đơn vị cấp trên; rỗng nếu không có / the unit above; empty if none")
    period: PeriodOut
    due_on: datetime.date
    status: str = Field(
        description="tình trạng lần báo cáo gần nhất; rỗng nếu chưa có / the latest report's; empty before any"
    )
    status_label: str
    submitted_at: datetime.datetime | None


class ReportsOut(Schema):
    plan_id: int
    unit: UnitOut
    period: PeriodOut
    on: datetime.date
    requests: list[ReportLineOut]
    next_offset: int | None = Field(
        description="offset của trang sau; null nếu hết / the next page's offset; null at the end"
    )


class TrendQuery(Choice):
    indicator: Id | None = None
    step: Literal["year", "quarter"] = "year"


class ComplianceQuery(Choice):
    year: str | None = Field(None, description="2023, hoặc all / a year, or all")


def _choices(request, plan_id: int, params: Choice) -> Choices:
    """What the pages resolve, except that a period, date or unit the API cannot use is a 422 naming it, where
    the pages fall back to other choices (`views.fallback`), which an API caller would take for the figures asked
    for. What the caller may not see stays a 404."""
    if params.on and parse_day(params.on) is None:
        # Before the units are looked up: on the default date the unit asked for might not exist (a 404).
        raise ValidationError({"on": _("Không phải ngày hợp lệ: dạng 2025-06-30 hoặc 30/06/2025.")})
    try:
        choices = resolve(request.user, plan_id, params.period, params.on, params.unit)
    except Http404:
        instead = fallback(request.user, plan_id, params.period, params.on, params.unit)
        raise ValidationError({instead.field: _not_on_the_list(instead)}) from None
    if above_one_s_area(choices, params.unit):
        raise Http404  # the plan's unit, whose totals are not the caller's: as for any unit outside them
    plan = choices.plan
    if params.period and chosen_period(params.period, plan) is None:
        raise ValidationError(
            {
                "period": _(
                    "Không có kỳ này trong kế hoạch (%(first)s–%(last)s); dạng 2023, 2021-2025 hoặc 2023-2023-year."
                )
                % {"first": plan.first_year, "last": plan.last_year}
            }
        )
    return choices


def _not_on_the_list(instead: Fallback) -> str:
    day = dmy(instead.day)
    if instead.field == "unit":
        unit = instead.asked
        if unit.valid_from and unit.valid_to:
            return _(
                "%(unit)s không có trong danh mục đơn vị hành chính ngày %(day)s, chỉ có từ ngày %(first)s đến ngày "
                "%(last)s: bỏ chọn đơn vị, hoặc chọn một ngày trong khoảng ấy."
            ) % {"unit": unit.name, "day": day, "first": dmy(unit.valid_from), "last": dmy(unit.valid_to)}
        if unit.valid_to:
            return _(
                "%(unit)s không có trong danh mục đơn vị hành chính ngày %(day)s, chỉ có đến ngày %(last)s: bỏ chọn "
                "đơn vị, hoặc chọn ngày %(last)s hoặc trước đó."
            ) % {"unit": unit.name, "day": day, "last": dmy(unit.valid_to)}
        return _(
            "%(unit)s không có trong danh mục đơn vị hành chính ngày %(day)s, chỉ có từ ngày %(first)s: bỏ chọn "
            "đơn vị, hoặc chọn ngày %(first)s hoặc sau đó."
        ) % {"unit": unit.name, "day": day, "first": dmy(unit.valid_from)}
    return _(
        "Địa bàn của bạn không có đơn vị nào trong danh mục đơn vị hành chính ngày %(day)s: chọn ngày %(last)s hoặc "
        "trước đó."
    ) % {"day": day, "last": dmy(instead.choices.on)}


def _period(p) -> dict:
    return {"start": p.start, "end": p.end, "kind": str(p.kind), "label": p.label}


def _unit(u) -> dict:
    return {"id": u.pk, "name": u.name, "code": u.code, "level": u.level, "structure": u.structure}


def _cell(c: Cell) -> dict:
    # The numbers as text here, as the encoder would write them: it calls back into Python for each Decimal it
    # meets, 40,000 of them in a province's matrix (15 ms of the answer, docs/performance.md).
    target = c.target
    return {
        "indicator_id": c.indicator.pk,
        "indicator_code": c.indicator.code,
        "target": None if target is None else str(target.value),
        "baseline": None if (baseline := c.baseline) is None else str(baseline),
        "actual": None if (actual := c.actual_shown) is None else str(actual),
        "achieved_percent": None if (percent := c.percent) is None else str(percent),
        "expected_progress_percent": None if target is None else _expected_percent(c.expected),
        "status": c.status.value,
        "problem": c.problem_text,
        "hidden": c.hidden,
        "nothing_to_count": c.nothing_to_count,
    }


@lru_cache(maxsize=256)
def _expected_percent(expected: Decimal) -> str:  # a matrix's cells share a few expected progresses
    return str((expected * 100).quantize(Decimal("0.1")))


def _row(r: UnitRow) -> dict:
    share = r.share
    return {
        "unit": _unit(r.unit),
        "targets_met": share.met,
        "targets_with_data": share.with_data,
        "targets_without_data": share.no_data,
        "targets_hidden": r.hidden_targets,
        "targets_nothing_to_count": r.nothing_to_count,
        "cells": [_cell(c) for c in r.cells],
    }


def _tally(t: queries.Tally) -> dict:
    return {
        "on_time": t.on_time,
        "late": t.late,
        "missing": t.missing,
        "not_due": t.not_due,
        "on_time_percent": t.on_time_percent,
    }


def _compliance_row(r: queries.ComplianceRow) -> dict:
    return {"unit": _unit(r.unit), "periods": [_tally(t) for t in r.cells], "total": _tally(r.total)}


@router.get(
    "/dashboards/plans/{plan_id}/matrix",
    response=MatrixOut,
    summary="Kết quả đạt chỉ tiêu theo đơn vị / achievement matrix",
)
def matrix(request, plan_id: int, params: Query[Choice]):
    choices = _choices(request, plan_id, params)
    result = queries.plan_matrix(choices.tree, choices.period, choices.today)
    unreported = queries.units_without_figures(result)
    return already_shaped(
        {
            "plan_id": plan_id,
            "period": _period(choices.period),
            "on": choices.on,
            "reexpressed": choices.tree.reexpressed,
            "years_without_reports": queries.years_without_reports(choices.tree, choices.period, choices.today),
            "units_without_figures": [unit.pk for unit in unreported.units],
            "units_only_in_total_without_figures": [unit.pk for unit in unreported.outside],
            "flattered_totals": {
                c.indicator.pk: c.unreported_below
                for c in (result.total.cells if result.total else [])
                if c.unreported_below
            },
            "total": _row(result.total) if result.total else None,
            "rows": [_row(r) for r in result.rows],
        }
    )


@router.get(
    "/dashboards/plans/{plan_id}/unmet",
    response=UnmetOut,
    summary="Chỉ tiêu chưa đạt tiến độ, khoảng cách lớn nhất trước / unmet targets by gap",
)
def unmet(request, plan_id: int, params: Query[Choice]):
    choices = _choices(request, plan_id, params)
    result = queries.unmet(choices.tree, choices.period, choices.today, request.user)
    unreported = queries.units_without_figures(result.matrix)

    def shortfall(s: queries.Shortfall) -> dict:
        return {"unit": _unit(s.unit), "cell": _cell(s.cell), "gap_points": s.gap}

    return {
        "plan_id": plan_id,
        "period": _period(choices.period),
        "on": choices.on,
        "years_without_reports": queries.years_without_reports(choices.tree, choices.period, choices.today),
        "units_without_figures": [unit.pk for unit in unreported.units],
        "units_only_in_total_without_figures": [unit.pk for unit in unreported.outside],
        "behind": [shortfall(s) for s in result.behind],
        "without_data": [shortfall(s) for s in result.missing],
        "contradictory": [shortfall(s) for s in result.contradictory],
    }


@router.get(
    "/dashboards/plans/{plan_id}/trend",
    response=TrendOut,
    summary="Xu hướng một chỉ tiêu theo năm hoặc quý / an indicator over time",
)
def trend(request, plan_id: int, params: Query[TrendQuery]):
    choices = _choices(request, plan_id, params)
    _indicators, indicator, step, points = trend_inputs(request.user, choices, params.indicator, params.step)
    return {
        "plan_id": plan_id,
        "unit": _unit(choices.tree.subject),
        "indicator_id": indicator.pk,
        "step": str(step),
        "points": [{"period": _period(p.period), "cell": _cell(p.cell)} for p in points],
    }


@router.get(
    "/dashboards/plans/{plan_id}/compliance",
    response=ComplianceOut,
    summary="Báo cáo đúng hạn, muộn, chưa nộp theo đơn vị và kỳ / reporting compliance",
)
def compliance(request, plan_id: int, params: Query[ComplianceQuery]):
    choices = _choices(request, plan_id, params)
    plan, wanted = choices.plan, as_year(params.year)
    if params.year not in (None, "", "all") and not (wanted and plan.first_year <= wanted <= plan.last_year):
        raise ValidationError(
            {
                "year": _("Một năm của kế hoạch (%(first)s–%(last)s) hoặc all.")
                % {"first": plan.first_year, "last": plan.last_year}
            }
        )
    if params.year in (None, "") and partial_span(params.period, choices):
        message = _(
            "Tình hình báo cáo xem theo một năm (year=2023) hoặc cả kế hoạch (year=all), không theo %(period)s."
        )
        raise ValidationError({"period": message % {"period": choices.period.label}})
    year = parse_year(params.year, choices, period_asked=bool(params.period))
    result = queries.compliance(choices.tree, year, choices.today, request.user)
    return {
        "plan_id": plan_id,
        "year": year,
        "on": choices.on,
        "periods": [_period(p) for p in result.periods],
        "total": _compliance_row(result.total) if result.total else None,
        "rows": [_compliance_row(r) for r in result.rows],
        "outside_rows": {"periods": [_tally(t) for t in result.rest.cells], "total": _tally(result.rest.total)}
        if result.rest
        else None,
        "years_without_requests": result.years_without_requests,
    }


@router.get(
    "/dashboards/plans/{plan_id}/reports",
    response=ReportsOut,
    summary="Các yêu cầu và báo cáo tạo nên số liệu của một đơn vị / the reports behind a unit's figures",
)
def reports(request, plan_id: int, params: Query[ReportsQuery]):
    """The requests of the plan in the period whose reports count for the unit's row (its own, those of the units
    below it and of the old units it took over wholly), 500 at a time, by district, unit and period; as the
    page /dashboards/plans/{id}/reports/ lists them."""
    if not request.user.can("reporting.view"):
        raise Http404
    choices = _choices(request, plan_id, params)
    found = queries.reports_behind(choices.tree, choices.period, request.user, REPORTS_LIMIT, params.offset)
    return {
        "plan_id": plan_id,
        "unit": _unit(choices.tree.root),
        "period": _period(choices.period),
        "on": choices.on,
        "requests": [
            {
                "request_id": req.pk,
                "unit": _unit(req.unit),
                "parent_name": req.unit.parent.name if req.unit.parent else "",
                "period": _period(req.period),
                "due_on": req.due_on,
                "status": req.latest_status,
                "status_label": queries.latest_status_label(req.latest_status),
                "submitted_at": req.latest_submitted_at,
            }
            for req in found.requests
        ],
        "next_offset": params.offset + REPORTS_LIMIT if found.more else None,
    }
