"""The dashboards (giamsat.dashboards): every aggregate checked against a plain computation written here on random
data — counts summed, ratios pooled across units (never averaged), decreases judged from each unit's baseline,
legacy communes re-expressed in today's units through the conversion table —, the unmet list, trend and reporting
compliance; and the same numbers in the JSON API and the XLSX / SVG downloads."""

import datetime
import html
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own SVG
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from urllib.parse import parse_qsl

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factories as f
from giamsat.core.periods import Period
from giamsat.dashboards import queries, views
from giamsat.dashboards.api import MatrixOut
from giamsat.dashboards.charts import HEIGHT, PHONE, Bar, Series, bar_chart, line_chart, nice_ceiling, number_label
from giamsat.plans.choices import IndicatorKind
from giamsat.plans.models import Indicator, Target
from giamsat.reporting.achievement import Status
from giamsat.reporting.choices import Frequency, ReportStatus
from giamsat.reporting.models import Report, ReportRequest, Schedule
from giamsat.reporting.queries import achievement_matrix
from giamsat.units.models import Unit
from plan_fixtures import (
    AMOUNT,
    COUNT,
    DECREASE,
    DECREASE_BASELINES,
    RATIO,
    TARGETS,
    accepted_report,
    add_schedule,
    set_target,
)

pytest_plugins = ["plan_fixtures"]

D = Decimal
AS_OF = datetime.date(2024, 6, 30)  # every target of 2022–2023 has run its course
LEGACY = queries.LAST_LEGACY_DAY
TODAY_UNITS = datetime.date(2026, 1, 1)
CHECKED = (COUNT, RATIO, DECREASE, AMOUNT)

# Legacy communes of Đức Linh (600) and where they went on 01/7/2025 (all wholly merged), and Xã Phong Phú of
# Tuy Phong (595), which was split between two new communes.
VO_XU, NAM_CHINH, VU_HOA, DUC_TAI, DUC_HANH = 23191, 23206, 23218, 23194, 23212
PHONG_PHU = 22978
NEW_COMMUNE = {
    VO_XU: "Xã Đức Linh",
    NAM_CHINH: "Xã Đức Linh",
    VU_HOA: "Xã Đức Linh",
    DUC_TAI: "Xã Hoài Đức",
    DUC_HANH: "Xã Hoài Đức",
}
COMMUNES = (*NEW_COMMUNE, PHONG_PHU)


# --------------------------------------------------------------------------------------- the reference


@dataclass
class Expected:
    actual: Fraction | None
    achieved: Fraction | None
    status: Status


def reference(kind: str, direction: str, target, baseline, values: list) -> Expected:
    """DESIGN.md "Key semantics" for periods that are over, written out plainly: counts and amounts summed, ratio
    pairs pooled (Σnum / Σden in percent), decrease = (baseline − actual) / (baseline − target) floored at 0."""
    if not values:
        return Expected(None, None, Status.NO_DATA)
    if kind == IndicatorKind.RATIO:
        denominator = sum(Fraction(d) for _n, d in values)
        if denominator == 0:
            return Expected(None, None, Status.NO_DATA)
        actual = 100 * sum(Fraction(n) for n, _d in values) / denominator
    else:
        actual = sum(Fraction(v) for v in values)
    target = Fraction(target)
    if direction == "decrease":
        achieved = max(Fraction(0), (Fraction(baseline) - actual) / (Fraction(baseline) - target))
    else:
        achieved = actual / target if target else Fraction(1)
    band = Status.MET if achieved >= 1 else Status.AT_RISK if achieved >= Fraction(6, 10) else Status.OFF_TRACK
    return Expected(actual, achieved, band)


def assert_cell(cell, expected: Expected):
    """The engine keeps six decimals, cut off, never rounded up."""
    if expected.actual is None:
        assert cell.actual_shown is None and cell.achieved is None
    else:
        shown = Fraction(cell.actual_shown)
        assert shown <= expected.actual < shown + Fraction(1, 10**6)
        assert Fraction(cell.achieved) <= expected.achieved < Fraction(cell.achieved) + Fraction(1, 10**6)
    assert cell.status == expected.status


def cells(row) -> dict:
    return {c.indicator.code: c for c in row.cells}


# ------------------------------------------------------------------------------------- random data

count = st.integers(min_value=0, max_value=10**6)
pair = st.integers(min_value=1, max_value=10**5).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))
small = st.integers(min_value=0, max_value=20)
unit_values = st.fixed_dictionaries({COUNT: count, RATIO: pair, DECREASE: small, AMOUNT: count})
# Each unit reports (a dict of values) or does not (None).
reports_of = st.lists(st.one_of(st.none(), unit_values), min_size=2, max_size=2)


def value_map(setup, data: dict) -> dict:
    return {setup.ind(code): value for code, value in data.items()}


def district_request(setup, unit, year):
    request, _created = ReportRequest.objects.get_or_create(
        schedule=setup.schedule,
        unit=unit,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        defaults={"period_kind": "year", "due_on": datetime.date(year + 1, 1, 15)},
    )
    return request


def legacy_tree(setup, user, unit=None):
    return queries.tree_for(setup.plan, user, LEGACY, unit.pk if unit else None)


# ------------------------------------------------------------------------------ the matrix, legacy units


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=reports_of, other_year=reports_of)
def test_every_cell_of_the_province_matrix_matches_the_reference(plan_setup, province_officer, data, other_year):
    setup = plan_setup
    with transaction.atomic():
        districts = [setup.duc_linh, setup.tanh_linh]
        for year, rows in ((2023, data), (2022, other_year)):
            for district, values in zip(districts, rows, strict=True):
                if values is not None:
                    accepted_report(
                        setup.request("dl" if district == setup.duc_linh else "tl", year), value_map(setup, values)
                    )
        tree = legacy_tree(setup, province_officer)
        assert tree.root == setup.province and not tree.reexpressed
        result = queries.plan_matrix(tree, Period.year(2023), AS_OF)
        by_unit = {row.unit.pk: row for row in result.rows}
        for key, district, values in (("dl", setup.duc_linh, data[0]), ("tl", setup.tanh_linh, data[1])):
            row = cells(by_unit[district.pk])
            for code in CHECKED:
                indicator = setup.ind(code)
                target = TARGETS[code][key][1]
                baseline = DECREASE_BASELINES[key]
                got = reference(indicator.kind, indicator.direction, target, baseline, [values[code]] if values else [])
                assert_cell(row[code], got)
        total = cells(result.total)
        present = [v for v in data if v is not None]
        for code in CHECKED:
            indicator = setup.ind(code)
            expected = reference(
                indicator.kind,
                indicator.direction,
                TARGETS[code]["bt"][1],
                DECREASE_BASELINES["bt"],
                [v[code] for v in present],
            )
            assert_cell(total[code], expected)
        met = sum(1 for c in result.total.cells if c.target is not None and c.status == Status.MET)
        assert result.total.share.met == met
        transaction.set_rollback(True)


def test_a_ratio_across_units_is_pooled_not_the_mean_of_percentages(plan_setup, province_officer):
    setup = plan_setup
    accepted_report(setup.request("dl", 2023), {setup.ind(RATIO): (1, 10)})  # 10%
    accepted_report(setup.request("tl", 2023), {setup.ind(RATIO): (900, 1000)})  # 90%
    result = queries.plan_matrix(legacy_tree(setup, province_officer), Period.year(2023), AS_OF)
    assert cells(result.total)[RATIO].actual_shown == Decimal("89.20792")  # 901 / 1010, not (10 + 90) / 2


def test_the_district_drills_down_to_its_communes_and_a_commune_report_counts_for_both(plan_setup, province_officer):
    setup = plan_setup
    commune = f.legacy_commune(VO_XU)
    schedule = Schedule.objects.create(
        plan=setup.plan, title="Xã", frequency=Frequency.YEARLY, first_year=2023, last_year=2023
    )
    request = ReportRequest.objects.create(
        schedule=schedule,
        unit=commune,
        period_kind="year",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        due_on=datetime.date(2024, 1, 15),
    )
    accepted_report(request, {setup.ind(COUNT): 7})
    tree = legacy_tree(setup, province_officer, setup.duc_linh)
    assert tree.root == setup.duc_linh and commune in tree.units
    assert [u.name for u in tree.trail] == [setup.province.name, setup.duc_linh.name]
    result = queries.plan_matrix(tree, Period.year(2023), AS_OF)
    assert cells(result.total)[COUNT].actual_shown == 7
    row = next(r for r in result.rows if r.unit == commune)
    assert cells(row)[COUNT].actual_shown == 7
    assert cells(row)[COUNT].target is None  # no target for the commune: shown, not judged


def test_a_unit_outside_the_plan_or_the_users_area_has_no_tree(plan_setup, district_officer, province_officer):
    setup = plan_setup
    assert legacy_tree(setup, district_officer, setup.tanh_linh) is None  # the neighbouring district
    outside = Unit.objects.exclude(province=setup.province).exclude(pk=setup.province.pk).filter(level=2).first()
    assert queries.tree_for(setup.plan, province_officer, LEGACY, outside.pk) is None


def test_a_district_officer_starts_at_their_district_with_its_communes_and_no_province_total(
    plan_setup, district_officer
):
    """The province's total counts the neighbouring districts: the district officer was shown it, and the
    province's row when asking for their own district's matrix."""
    setup = plan_setup
    own = legacy_tree(setup, district_officer)
    assert own.whole and own.root == setup.duc_linh and own.trail == [setup.duc_linh]
    assert len(own.units) > 1 and {u.parent_id for u in own.units} == {setup.duc_linh.pk}
    # Asking for the plan's own unit is asking for the default.
    assert legacy_tree(setup, district_officer, setup.province).root == setup.duc_linh


@pytest.fixture
def duc_linh_officer(db):
    """Commune officer of current Xã Đức Linh: in the old units, three communes of Huyện Đức Linh."""
    return f.CommuneOfficerFactory(username="xa_duclinh", unit=f.current_commune("Xã Đức Linh"))


def test_a_commune_officer_sees_the_old_communes_of_their_commune_and_no_total_above_them(
    reported, client_for, api_client_for, duc_linh_officer
):
    """A commune officer was shown the district's and the province's totals, and could drill into their old
    district, seeing figures of communes outside their commune."""
    setup, plan, user = reported, reported.plan, duc_linh_officer
    ours = {u.pk for u in Unit.objects.filter(code__in=(VO_XU, NAM_CHINH, VU_HOA), valid_to__isnull=False)}
    tree = legacy_tree(setup, user)
    assert not tree.whole and {u.pk for u in tree.units} == ours and tree.subject == tree.units[0]
    assert tree.trail == [setup.province]
    assert queries.plan_matrix(tree, Period.year(2023), AS_OF).total is None
    # The years note is about their rows, whose communes never reported (the districts did).
    assert queries.years_without_reports(tree, Period.span(2022, 2023), AS_OF) == [2022, 2023]
    span = {"period": "2022-2023", "on": LEGACY.isoformat()}
    page = client_for(user).get(reverse("dashboards:matrix", args=[plan.pk]), span).content.decode()
    assert "Chưa năm nào của kỳ này có báo cáo được duyệt: chưa có số liệu lấy từ báo cáo." in page
    drilled = legacy_tree(setup, user, tree.units[0])
    assert drilled.whole and drilled.trail == [setup.province, tree.units[0]]

    client, api = client_for(user), api_client_for(user)
    query = {"period": "2023", "on": LEGACY.isoformat()}
    page = client.get(reverse("dashboards:matrix", args=[plan.pk]), query).content.decode()
    assert 'data-testid="root-share"' not in page
    assert {int(pk) for pk in re.findall(r'data-unit="(\d+)"', page)} == ours
    matrix = api.get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    assert matrix["total"] is None and {r["unit"]["id"] for r in matrix["rows"]} == ours
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), query).content)
    )
    assert {line[1] for line in list(sheet.active.iter_rows(values_only=True))[1:]} == {u.name for u in tree.units}
    compliance = api.get(f"/api/dashboards/plans/{plan.pk}/compliance", {**query, "year": "2023"}).json()
    assert compliance["total"] is None
    assert api.get(f"/api/dashboards/plans/{plan.pk}/trend", query).json()["unit"]["id"] == tree.units[0].pk
    unmet = api.get(f"/api/dashboards/plans/{plan.pk}/unmet", query).json()
    assert {s["unit"]["id"] for s in unmet["behind"] + unmet["without_data"]} <= ours
    for above in (setup.duc_linh, setup.tanh_linh):
        wanted = {**query, "unit": above.pk}
        assert client.get(reverse("dashboards:matrix", args=[plan.pk]), wanted).status_code == 404
        assert api.get(f"/api/dashboards/plans/{plan.pk}/matrix", wanted).status_code == 404


def test_sorting_puts_the_best_share_first_and_units_without_data_last(plan_setup, province_officer):
    setup = plan_setup
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 0, RATIO: (0, 10), DECREASE: 8, AMOUNT: 0}))
    accepted_report(
        setup.request("tl", 2023), value_map(setup, {COUNT: 99, RATIO: (10, 10), DECREASE: 0, AMOUNT: 10**9})
    )
    result = queries.plan_matrix(legacy_tree(setup, province_officer), Period.year(2023), AS_OF)
    ordered = queries.sort_rows(result.rows, "-share", result.indicators)
    assert ordered[0].unit == setup.tanh_linh and ordered[1].unit == setup.duc_linh
    assert all(not r.share.with_data for r in ordered[2:])
    by_count = queries.sort_rows(result.rows, f"ind{setup.ind(COUNT).pk}", result.indicators)
    assert by_count[0].unit == setup.duc_linh and by_count[1].unit == setup.tanh_linh
    # By the name proper: "Thành phố Phan Thiết" between "Huyện Đức Linh" and "Huyện Tánh Linh", not after them.
    by_name = [r.unit.name for r in queries.sort_rows(result.rows, "name", [])]
    assert by_name.index("Huyện Đức Linh") < by_name.index("Thành phố Phan Thiết") < by_name.index("Huyện Tánh Linh")
    assert queries.without_type("thi xa la gi") == "la gi" and queries.without_type("xa nam chinh") == "nam chinh"


def test_the_matrix_download_keeps_the_order_the_page_was_sorted_in(plan_setup, province_officer, client_for):
    setup = plan_setup
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 0, RATIO: (0, 10), DECREASE: 8, AMOUNT: 0}))
    accepted_report(
        setup.request("tl", 2023), value_map(setup, {COUNT: 99, RATIO: (10, 10), DECREASE: 0, AMOUNT: 10**9})
    )
    client = client_for(province_officer)
    query = {"period": "2023", "on": LEGACY.isoformat(), "sort": "-share"}
    page = client.get(reverse("dashboards:matrix", args=[setup.plan.pk]), query).content.decode()
    [link] = re.findall(r'href="([^"]*matrix\.xlsx[^"]*)"', page)
    assert "sort=-share" in html.unescape(link)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(html.unescape(link)).content))
    names = [line[1] for line in list(sheet.active.iter_rows(values_only=True))[1:]]
    # The province's total first, then the units best first, as on the page.
    assert names[:3] == [setup.province.name, setup.tanh_linh.name, setup.duc_linh.name]
    by_code = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:matrix_xlsx", args=[setup.plan.pk]), {**query, "sort": ""}).content)
    )
    codes = [line[0] for line in list(by_code.active.iter_rows(values_only=True))[2:]]
    assert codes == sorted(codes)


def test_an_indicator_without_targets_sorts_by_its_figures(plan_setup, province_officer):
    """Sorting by a column of figures without targets (counted from case records, say) left the rows as they were."""
    setup = plan_setup
    Target.objects.filter(indicator=setup.ind(AMOUNT)).delete()
    accepted_report(setup.request("dl", 2023), value_map(setup, {AMOUNT: 500}))
    accepted_report(setup.request("tl", 2023), value_map(setup, {AMOUNT: 9000}))
    result = queries.plan_matrix(legacy_tree(setup, province_officer), Period.year(2023), AS_OF)
    key = f"ind{setup.ind(AMOUNT).pk}"
    assert [r.unit for r in queries.sort_rows(result.rows, key, result.indicators)[:2]] == [
        setup.duc_linh,
        setup.tanh_linh,
    ]
    assert [r.unit for r in queries.sort_rows(result.rows, f"-{key}", result.indicators)[:2]] == [
        setup.tanh_linh,
        setup.duc_linh,
    ]


def test_a_decrease_indicator_without_targets_sorts_its_lowest_figure_first_as_best(plan_setup, province_officer):
    """The first click on a column sorts best first; for hours to intervene, the most hours came first."""
    setup = plan_setup
    Target.objects.filter(indicator=setup.ind(DECREASE)).delete()
    accepted_report(setup.request("dl", 2023), value_map(setup, {DECREASE: 2}))
    accepted_report(setup.request("tl", 2023), value_map(setup, {DECREASE: 7}))
    result = queries.plan_matrix(legacy_tree(setup, province_officer), Period.year(2023), AS_OF)
    key = f"ind{setup.ind(DECREASE).pk}"
    best_first = queries.sort_rows(result.rows, f"-{key}", result.indicators)
    assert [r.unit for r in best_first[:2]] == [setup.duc_linh, setup.tanh_linh]
    assert [r.unit for r in queries.sort_rows(result.rows, key, result.indicators)[:2]] == [
        setup.tanh_linh,
        setup.duc_linh,
    ]


# ------------------------------------------------------------------------------ across the 2025 reform


@pytest.fixture
def commune_schedule(plan_setup):
    schedule = Schedule.objects.create(
        plan=plan_setup.plan, title="Báo cáo xã", frequency=Frequency.YEARLY, first_year=2023, last_year=2023
    )
    requests = {}
    for code in COMMUNES:
        requests[code] = ReportRequest.objects.create(
            schedule=schedule,
            unit=f.legacy_commune(code),
            period_kind="year",
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            due_on=datetime.date(2024, 1, 15),
        )
    return requests


commune_data = st.fixed_dictionaries(
    {code: st.one_of(st.none(), unit_values) for code in COMMUNES},
)
commune_targets = st.fixed_dictionaries(
    {code: st.tuples(st.integers(1, 500), st.integers(1, 100), st.integers(20, 30)) for code in NEW_COMMUNE}
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=commune_data, targets=commune_targets)
def test_legacy_communes_are_re_expressed_in_todays_communes(
    plan_setup, commune_schedule, province_officer, data, targets
):
    setup = plan_setup
    with transaction.atomic():
        for code, values in data.items():
            if values is not None:
                accepted_report(commune_schedule[code], value_map(setup, values))
        for code, (count_target, ratio_target, baseline) in targets.items():
            unit = f.legacy_commune(code)
            set_target(setup.ind(COUNT), unit, 2023, count_target)
            # Ratio targets of merged communes combine only when equal: all 90 but Đức Tài's.
            set_target(setup.ind(RATIO), unit, 2023, ratio_target if code == DUC_TAI else 90)
            set_target(setup.ind(DECREASE), unit, 2023, baseline // 2, baseline=D(baseline))
        tree = queries.tree_for(setup.plan, province_officer, TODAY_UNITS)
        assert tree.reexpressed and tree.root.code == f.LAM_DONG and tree.root.structure == "current"
        names = {u.name for u in tree.units}
        assert {"Xã Đức Linh", "Xã Hoài Đức", "Xã Tuy Phong"} <= names
        assert all(u.structure == "current" for u in tree.units)
        result = queries.plan_matrix(tree, Period.year(2023), AS_OF)
        rows = {r.unit.name: cells(r) for r in result.rows}
        for name in ("Xã Đức Linh", "Xã Hoài Đức"):
            old = [code for code, new in NEW_COMMUNE.items() if new == name]
            reported = [data[code] for code in old if data[code] is not None]
            count_target = sum(targets[code][0] for code in old)
            assert_cell(
                rows[name][COUNT], reference("count", "increase", count_target, None, [v[COUNT] for v in reported])
            )
            baseline = sum(targets[code][2] for code in old)
            decrease_target = sum(targets[code][2] // 2 for code in old)
            assert_cell(
                rows[name][DECREASE],
                reference("count", "decrease", decrease_target, baseline, [v[DECREASE] for v in reported]),
            )
            ratio_targets = {90 if code != DUC_TAI else targets[code][1] for code in old}
            ratio_cell = rows[name][RATIO]
            if len(ratio_targets) == 1:
                assert_cell(
                    ratio_cell, reference("ratio", "increase", ratio_targets.pop(), None, [v[RATIO] for v in reported])
                )
            else:
                assert ratio_cell.target is None  # different rates cannot be combined without weights
        # The split commune counts only for the province, never for either new commune.
        for name in ("Xã Tuy Phong", "Xã Phan Rí Cửa"):
            if name in rows:
                assert rows[name][COUNT].actual_shown is None
        everyone = [v for v in data.values() if v is not None]
        total = cells(result.total)
        assert (total[COUNT].actual_shown is None) == (not everyone)
        if everyone:
            assert total[COUNT].actual_shown == sum(v[COUNT] for v in everyone)
            assert_cell(
                total[COUNT],
                reference("count", "increase", TARGETS[COUNT]["bt"][1], None, [v[COUNT] for v in everyone]),
            )
        transaction.set_rollback(True)


def test_an_island_district_taken_over_whole_counts_for_its_special_zone(plan_setup, province_officer):
    """Huyện Phú Quí's communes all became Đặc khu Phú Quý. Its own reports and targets counted for nothing in
    today's units: only communes were followed through the conversion table."""
    setup = plan_setup
    district = Unit.objects.get(structure="legacy", level=2, name="Huyện Phú Quí", parent__code=f.BINH_THUAN)
    zone = f.current_commune("Đặc khu Phú Quý")
    accepted_report(district_request(setup, district, 2023), value_map(setup, {COUNT: 7}))
    set_target(setup.ind(COUNT), district, 2023, 10)
    tree = queries.tree_for(setup.plan, province_officer, TODAY_UNITS)
    rows = {r.unit.pk: cells(r) for r in queries.plan_matrix(tree, Period.year(2023), AS_OF).rows}
    assert rows[zone.pk][COUNT].actual_shown == 7
    assert rows[zone.pk][COUNT].target.value == 10
    # A district split among several new communes stays unapportioned.
    duc_linh = f.legacy_district(f.DUC_LINH)
    assert duc_linh.pk not in queries.source_map(tree.units)


def test_the_plan_shown_today_keeps_only_the_communes_of_its_area(plan_setup, province_officer):
    tree = queries.tree_for(plan_setup.plan, province_officer, TODAY_UNITS)
    assert tree.units, "the communes that took in Bình Thuận's"
    assert not any(u.name == "Phường Bảo Lộc 1" for u in tree.units)  # from old Lâm Đồng: not this plan's area
    assert all(u.parent_id == tree.root.pk for u in tree.units)


# ------------------------------------------------------------------------------------- unmet targets


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=reports_of)
def test_unmet_lists_every_target_below_its_expected_progress_by_gap(plan_setup, province_officer, data):
    setup = plan_setup
    with transaction.atomic():
        for key, values in zip(("dl", "tl"), data, strict=True):
            if values is not None:
                accepted_report(setup.request(key, 2023), value_map(setup, values))
        tree = legacy_tree(setup, province_officer)
        behind, missing, contradictory, _matrix = queries.unmet(tree, Period.year(2023), AS_OF, province_officer)
        expected_behind, expected_missing = set(), set()
        units = {"dl": setup.duc_linh, "tl": setup.tanh_linh}
        for key, values in zip(("dl", "tl"), data, strict=True):
            for code in TARGETS:
                if values is None or code not in CHECKED:
                    expected_missing.add((units[key].pk, code))
                    continue
                indicator = setup.ind(code)
                got = reference(
                    indicator.kind, indicator.direction, TARGETS[code][key][1], DECREASE_BASELINES[key], [values[code]]
                )
                if got.achieved is None:
                    expected_missing.add((units[key].pk, code))
                elif got.achieved < 1:
                    expected_behind.add((units[key].pk, code))
        lower = {(s.unit.pk, s.cell.indicator.code) for s in behind if s.unit.level == 2}
        assert lower == expected_behind
        assert {(s.unit.pk, s.cell.indicator.code) for s in missing if s.unit.level == 2} == expected_missing
        assert contradictory == []
        gaps = [s.gap for s in behind]
        assert gaps == sorted(gaps, reverse=True)
        assert all(s.cell.achieved < s.cell.expected for s in behind)
        transaction.set_rollback(True)


def test_a_contradictory_target_is_listed_as_such_not_as_without_data(
    plan_setup, client_for, api_client_for, province_officer
):
    """A decrease target above its baseline cannot be judged; Đức Linh reported a figure, yet the page, its
    download and the API listed the target among those without data, sending leaders after a filed report."""
    setup, plan = plan_setup, plan_setup.plan
    set_target(setup.ind(DECREASE), setup.duc_linh, 2023, 9, baseline=D(8))
    accepted_report(setup.request("dl", 2023), {setup.ind(DECREASE): 5})
    client, api = client_for(province_officer), api_client_for(province_officer)
    query = {"period": "2023", "on": LEGACY.isoformat()}
    ours = (setup.duc_linh.pk, DECREASE)

    result = queries.unmet(legacy_tree(setup, province_officer), Period.year(2023), AS_OF, province_officer)
    assert [(s.unit.pk, s.cell.indicator.code) for s in result.contradictory] == [ours]
    # Nor does the unit's share count it among its targets without data.
    matrix = queries.plan_matrix(legacy_tree(setup, province_officer), Period.year(2023), AS_OF)
    row = next(r for r in matrix.rows if r.unit == setup.duc_linh)
    targets = sum(1 for c in row.cells if c.target is not None)
    assert (row.share.with_data, row.share.no_data) == (0, targets - 1)
    assert ours not in {(s.unit.pk, s.cell.indicator.code) for s in [*result.missing, *result.behind]}

    html = client.get(reverse("dashboards:unmet", args=[plan.pk]), query).content.decode()
    missing = re.search(r'data-testid="dash-missing">(.*?)</table>', html, re.S).group(1)
    assert not re.search(rf"{setup.duc_linh.name}</a></th><td[^>]*><b>{DECREASE}</b>", missing)
    listed = re.search(r'data-testid="dash-contradictory">(.*?)</table>', html, re.S).group(1)
    assert setup.duc_linh.name in listed and DECREASE in listed and "⚠ chỉ tiêu mâu thuẫn" in listed
    assert "1 chỉ tiêu mâu thuẫn" in html

    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:unmet_xlsx", args=[plan.pk]), query).content)
    )
    [line] = [r for r in book.active.iter_rows(values_only=True) if r[:2] == (setup.duc_linh.name, DECREASE)]
    assert line[3] == 5 and line[4] == 9 and line[8] == "⚠ chỉ tiêu mâu thuẫn"
    assert line[9] == DECREASE_BASELINES["dl"]  # what the target contradicts
    assert f"cơ sở {DECREASE_BASELINES['dl']}" in listed

    data = api.get(f"/api/dashboards/plans/{plan.pk}/unmet", query).json()
    [listed] = [s for s in data["contradictory"] if (s["unit"]["id"], s["cell"]["indicator_code"]) == ours]
    assert listed["cell"]["problem"] == "Chỉ tiêu giảm cao hơn giá trị cơ sở: không đánh giá được."
    in_english = api.get(f"/api/dashboards/plans/{plan.pk}/unmet", query, headers={"accept-language": "en"}).json()
    assert "baseline" in in_english["contradictory"][0]["cell"]["problem"]
    assert ours not in {(s["unit"]["id"], s["cell"]["indicator_code"]) for s in data["without_data"]}
    # The matrix's download says it too, as its page does.
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), query).content)
    )
    [header, *lines] = list(book.active.iter_rows(values_only=True))
    line = next(r for r in lines if r[1] == setup.duc_linh.name)
    assert line[header.index(f"{DECREASE} đánh giá")] == "⚠ chỉ tiêu mâu thuẫn"


# ------------------------------------------------------------------------------------------------ trend


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), pair), min_size=4, max_size=4))
def test_the_trend_pools_each_years_ratios_and_shows_that_years_target(plan_setup, province_officer, values):
    setup = plan_setup
    with transaction.atomic():
        plan_units = [("dl", 2022), ("tl", 2022), ("dl", 2023), ("tl", 2023)]
        for (key, year), value in zip(plan_units, values, strict=True):
            if value is not None:
                accepted_report(setup.request(key, year), {setup.ind(RATIO): value})
        points = queries.trend(setup.plan, setup.ind(RATIO), setup.province, "year", AS_OF, province_officer)
        assert [p.period.label for p in points] == [f"Năm {y}" for y in range(2021, 2026)]
        for point in points:
            year = point.period.start.year
            reported = [v for (k, y), v in zip(plan_units, values, strict=True) if y == year and v is not None]
            target = TARGETS[RATIO]["bt"][YEARS_INDEX[year]] if year in YEARS_INDEX else None
            if target is None:
                assert point.target is None
            else:
                assert point.target == target
                assert_cell(point.cell, reference("ratio", "increase", target, None, reported))
        transaction.set_rollback(True)


YEARS_INDEX = {2022: 0, 2023: 1}


def test_the_trend_by_quarter_has_forty_points_for_a_ten_year_plan(plan_setup, province_officer):
    plan = plan_setup.plan
    plan.last_year = 2030
    plan.first_year = 2021
    plan.save()
    points = queries.trend(plan, plan_setup.ind(COUNT), plan_setup.province, "quarter", AS_OF, province_officer)
    assert len(points) == 40 and points[0].period.label == "Quý 1/2021"


def test_the_trend_judges_a_year_by_its_quarters_targets_as_the_matrix_does(plan_setup, province_officer):
    setup = plan_setup
    for quarter, value in enumerate((2, 3, 4, 5), start=1):
        start = datetime.date(2024, 3 * quarter - 2, 1)
        end = datetime.date(2024 + quarter // 4, 3 * quarter % 12 + 1, 1) - datetime.timedelta(days=1)
        Target.objects.create(
            indicator=setup.ind(COUNT),
            unit=setup.duc_linh,
            period_kind="quarter",
            period_start=start,
            period_end=end,
            value=value,
        )
    points = queries.trend(setup.plan, setup.ind(COUNT), setup.duc_linh, "year", AS_OF, province_officer)
    [year] = [p for p in points if p.period == Period.year(2024)]
    [row] = achievement_matrix(setup.plan, [setup.duc_linh], Period.year(2024), AS_OF)
    assert year.target == row.cells[0].target.value == 14


def test_the_trend_in_todays_units_keeps_the_inherited_targets_once_the_new_unit_has_its_own(
    plan_setup, province_officer
):
    """Today's Lâm Đồng inherits old Bình Thuận's targets; its first target of its own (2026) hid them all."""
    plan = plan_setup.plan
    plan.last_year = 2030
    plan.save()
    province = f.current_province(f.LAM_DONG)
    set_target(plan_setup.ind(COUNT), province, 2026, 40)
    set_target(plan_setup.ind(COUNT), province, 2023, 25)  # its own wins over the inherited 22
    points = queries.trend(plan, plan_setup.ind(COUNT), province, "year", TODAY_UNITS, province_officer)
    targets = {p.period.start.year: p.target for p in points}
    assert (targets[2022], targets[2023], targets[2024], targets[2026]) == (18, 25, None, 40)


# ------------------------------------------------------------------------------------------- compliance

FATES = ["none", "draft", "on_time", "late", "returned", "accepted_on_time", "accepted_late", "corrected"]


def _make_fate(request, fate: str):
    due = request.due_on
    tz = timezone.get_current_timezone()
    on_time = timezone.make_aware(datetime.datetime.combine(due, datetime.time(23, 30)), tz)  # 23:30 Vietnam time
    late = timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(0, 30)), tz)
    match fate:
        case "none":
            return
        case "draft":
            Report.objects.create(request=request, status=ReportStatus.DRAFT)
        case "on_time" | "late":
            Report.objects.create(
                request=request, status=ReportStatus.SUBMITTED, submitted_at=on_time if fate == "on_time" else late
            )
        case "returned":
            Report.objects.create(request=request, status=ReportStatus.RETURNED, submitted_at=on_time)
        case "accepted_on_time" | "accepted_late":
            when = on_time if fate == "accepted_on_time" else late
            Report.objects.create(request=request, status=ReportStatus.ACCEPTED, submitted_at=when)
        case "corrected":  # sent on time, corrected much later: the first sending counts
            Report.objects.create(request=request, version=1, status=ReportStatus.SUPERSEDED, submitted_at=on_time)
            Report.objects.create(
                request=request,
                version=2,
                status=ReportStatus.SUBMITTED,
                submitted_at=late + datetime.timedelta(days=90),
            )


def _reference_fate(fate: str, due: datetime.date, today: datetime.date) -> str:
    if fate in ("on_time", "accepted_on_time", "corrected"):
        return "on_time"
    if fate in ("late", "accepted_late"):
        return "late"
    return "missing" if due < today else "not_due"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fates=st.lists(st.sampled_from(FATES), min_size=4, max_size=4), today_offset=st.integers(-400, 400))
def test_compliance_counts_each_request_on_time_late_missing_or_not_due(
    plan_setup, province_officer, fates, today_offset
):
    setup = plan_setup
    with transaction.atomic():
        today = datetime.date(2024, 1, 15) + datetime.timedelta(days=today_offset)
        keys = [("dl", 2022), ("tl", 2022), ("dl", 2023), ("tl", 2023)]
        expected = {}
        for (key, year), fate in zip(keys, fates, strict=True):
            request = setup.request(key, year)
            _make_fate(request, fate)
            expected[(key, year)] = _reference_fate(fate, request.due_on, today)
        result = queries.compliance(legacy_tree(setup, province_officer), None, today, province_officer)
        assert [p.start.year for p in result.periods] == [2022, 2023]
        rows = {r.unit.pk: r for r in result.rows}
        for key, unit in (("dl", setup.duc_linh), ("tl", setup.tanh_linh)):
            for index, year in enumerate((2022, 2023)):
                tally = rows[unit.pk].cells[index]
                kind = expected[(key, year)]
                assert (tally.on_time, tally.late, tally.missing, tally.not_due) == tuple(
                    int(kind == k) for k in ("on_time", "late", "missing", "not_due")
                )
        total = result.total.total
        for kind in ("on_time", "late", "missing", "not_due"):
            assert getattr(total, kind) == sum(1 for v in expected.values() if v == kind)
        transaction.set_rollback(True)


# -------------------------------------------------------------------------------- pages, API, exports


@pytest.fixture
def reported(plan_setup):
    setup = plan_setup
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 13, RATIO: (90, 100), DECREASE: 5, AMOUNT: 10}))
    accepted_report(setup.request("tl", 2023), value_map(setup, {COUNT: 4, RATIO: (1, 4), DECREASE: 1, AMOUNT: 7}))
    return setup


def _urls(plan, indicator) -> list[str]:
    query = "?period=2023"
    return [
        reverse("dashboards:matrix", args=[plan.pk]) + query,
        reverse("dashboards:matrix_xlsx", args=[plan.pk]) + query,
        reverse("dashboards:unmet", args=[plan.pk]) + query,
        reverse("dashboards:unmet_xlsx", args=[plan.pk]) + query,
        reverse("dashboards:trend", args=[plan.pk]) + f"?indicator={indicator.pk}",
        reverse("dashboards:trend_xlsx", args=[plan.pk]) + f"?indicator={indicator.pk}",
        reverse("dashboards:trend_svg", args=[plan.pk]) + f"?indicator={indicator.pk}",
        reverse("dashboards:compliance", args=[plan.pk]) + "?year=2023",
        reverse("dashboards:compliance_xlsx", args=[plan.pk]) + "?year=2023",
        reverse("dashboards:reports", args=[plan.pk]) + query,
        reverse("dashboards:reports_xlsx", args=[plan.pk]) + query,
        f"/api/dashboards/plans/{plan.pk}/matrix",
        f"/api/dashboards/plans/{plan.pk}/reports",
        f"/api/dashboards/plans/{plan.pk}/unmet",
        f"/api/dashboards/plans/{plan.pk}/trend",
        f"/api/dashboards/plans/{plan.pk}/compliance",
    ]


def test_every_dashboard_page_and_download_answers_the_province_officer(reported, client_for, province_officer):
    client = client_for(province_officer)
    for url in _urls(reported.plan, reported.ind(COUNT)):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("on", [LEGACY, TODAY_UNITS])
def test_a_plan_without_indicators_shows_an_empty_matrix_and_no_unmet_target(
    plan_setup, client_for, api_client_for, province_officer, on
):
    """A plan just registered has no indicator yet: its matrix and unmet pages, their downloads and the API
    answered 500 (the targets were read with `indicator_id IN ()`)."""
    plan = plan_setup.plan
    plan.indicators.all().delete()
    client, api = client_for(province_officer), api_client_for(province_officer)
    query = {"period": "2023", "on": on.isoformat()}
    for name in ("matrix", "unmet", "matrix_xlsx", "unmet_xlsx"):
        assert client.get(reverse(f"dashboards:{name}", args=[plan.pk]), query).status_code == 200, name
    matrix = api.get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    assert matrix["total"]["cells"] == [] and all(row["cells"] == [] for row in matrix["rows"])
    unmet = api.get(f"/api/dashboards/plans/{plan.pk}/unmet", query).json()
    assert unmet["behind"] == [] and unmet["without_data"] == []
    # No indicator to draw: the trend stays a 404, as it was.
    assert client.get(reverse("dashboards:trend", args=[plan.pk]), query).status_code == 404


def test_an_outsider_gets_404_on_every_dashboard_and_an_empty_index(reported, client_for, api_client_for, outsider):
    client = client_for(outsider)
    for url in _urls(reported.plan, reported.ind(COUNT)):
        assert client.get(url).status_code == 404, url
    api = api_client_for(outsider)
    for url in _urls(reported.plan, reported.ind(COUNT)):
        if url.startswith("/api/"):
            assert api.get(url).status_code == 404, url
    index = client.get(reverse("dashboards:index"))
    assert index.status_code == 200 and reported.plan.reference not in index.content.decode()


def test_a_district_officer_cannot_open_the_neighbouring_district(reported, client_for, district_officer):
    client = client_for(district_officer)
    url = reverse("dashboards:matrix", args=[reported.plan.pk])
    assert client.get(url + f"?period=2023&unit={reported.duc_linh.pk}").status_code == 200
    assert client.get(url + f"?period=2023&unit={reported.tanh_linh.pk}").status_code == 404
    assert (
        client.get(f"/api/dashboards/plans/{reported.plan.pk}/matrix?unit={reported.tanh_linh.pk}").status_code == 404
    )
    assert client.get(url + "?indicator=999999").status_code == 200
    # An indicator not in the plan (an old bookmark, carried from another tab): the first, with a note; its
    # download stays a 404.
    trend = client.get(reverse("dashboards:trend", args=[reported.plan.pk]) + "?indicator=999999")
    first = reported.plan.indicators.first()
    assert trend.status_code == 200
    assert f"Kế hoạch không có chỉ tiêu “999999”: đang xem {first.code}." in trend.content.decode()
    assert client.get(reverse("dashboards:trend_svg", args=[reported.plan.pk]) + "?indicator=999999").status_code == 404


def test_the_api_matrix_has_the_numbers_of_the_page(reported, api_client_for, province_officer):
    response = api_client_for(province_officer).get(f"/api/dashboards/plans/{reported.plan.pk}/matrix?period=2023")
    data = response.json()
    # Built without the schema's validation (for speed), so it must be exactly what the schema would give.
    assert response["Content-Type"].startswith("application/json")
    assert MatrixOut.model_validate(data).model_dump(mode="json") == data
    result = queries.plan_matrix(legacy_tree(reported, province_officer), Period.year(2023), timezone.localdate())
    assert data["total"]["unit"]["id"] == reported.province.pk and data["on"] == LEGACY.isoformat()
    for row_json, row in zip([data["total"], *data["rows"]], [result.total, *result.rows], strict=True):
        assert row_json["unit"]["id"] == row.unit.pk
        assert row_json["targets_met"] == row.share.met
        for cell_json, cell in zip(row_json["cells"], row.cells, strict=True):
            assert cell_json["status"] == cell.status.value
            assert (None if cell_json["actual"] is None else Decimal(str(cell_json["actual"]))) == cell.actual_shown
            assert (
                None if cell_json["achieved_percent"] is None else Decimal(str(cell_json["achieved_percent"]))
            ) == cell.percent
    decrease = [c for c in data["total"]["cells"] if c["indicator_code"] == DECREASE]
    assert [Decimal(str(c["baseline"])) for c in decrease] == [DECREASE_BASELINES["bt"]]
    assert all(c["baseline"] is None for c in data["total"]["cells"] if c["indicator_code"] != DECREASE)


def test_a_target_not_met_never_reads_as_100_percent_nor_as_0_points_behind(
    plan_setup, client_for, api_client_for, province_officer
):
    """19,999 of 20,000 is 99.995%, not met: rounded to the nearest tenth it read 100% beside "not met", and
    0.0 points behind. The engine truncates; what is shown rounds the percent down and the gap up."""
    setup, plan = plan_setup, plan_setup.plan
    set_target(setup.ind(COUNT), setup.duc_linh, 2023, 20000)
    accepted_report(setup.request("dl", 2023), {setup.ind(COUNT): 19999})
    client, api = client_for(province_officer), api_client_for(province_officer)
    query = {"period": "2023", "on": LEGACY.isoformat()}

    def ours(cells: list[dict]) -> dict:
        return next(c for c in cells if c["indicator_code"] == COUNT)

    matrix = api.get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    cell = ours(next(r for r in matrix["rows"] if r["unit"]["id"] == setup.duc_linh.pk)["cells"])
    assert cell["status"] != Status.MET and Decimal(str(cell["achieved_percent"])) == D("99.9")
    html = client.get(reverse("dashboards:matrix", args=[plan.pk]), query).content.decode()
    row = re.search(rf'data-unit="{setup.duc_linh.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "99,9%" in row and "100%" not in row
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), query).content)
    )
    [header, *lines] = list(sheet.active.iter_rows(values_only=True))
    line = next(r for r in lines if r[1] == setup.duc_linh.name)
    assert Decimal(str(line[header.index(f"{COUNT} tỷ lệ đạt (%)")])) == D("99.9")

    unmet = api.get(f"/api/dashboards/plans/{plan.pk}/unmet", query).json()
    [shortfall] = [
        s for s in unmet["behind"] if s["unit"]["id"] == setup.duc_linh.pk and s["cell"]["indicator_code"] == COUNT
    ]
    assert Decimal(str(shortfall["gap_points"])) == D("0.1")
    assert Decimal(str(shortfall["cell"]["achieved_percent"])) == D("99.9")
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:unmet_xlsx", args=[plan.pk]), query).content)
    )
    line = next(r for r in sheet.active.iter_rows(values_only=True) if r[:2] == (setup.duc_linh.name, COUNT))
    assert (Decimal(str(line[5])), Decimal(str(line[7]))) == (D("99.9"), D("0.1"))

    trend = api.get(
        f"/api/dashboards/plans/{plan.pk}/trend", {**query, "unit": setup.duc_linh.pk, "indicator": setup.ind(COUNT).pk}
    ).json()
    [point] = [p for p in trend["points"] if p["period"]["label"] == "Năm 2023"]
    assert Decimal(str(point["cell"]["achieved_percent"])) == D("99.9")


def test_the_matrix_export_opens_in_openpyxl_with_the_same_numbers(reported, client_for, province_officer):
    response = client_for(province_officer).get(
        reverse("dashboards:matrix_xlsx", args=[reported.plan.pk]) + "?period=2023"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    result = queries.plan_matrix(legacy_tree(reported, province_officer), Period.year(2023), timezone.localdate())
    assert rows[0][:4] == ("Mã đơn vị", "Đơn vị", "Chỉ tiêu đạt", "Chỉ tiêu có số liệu")
    by_name = {r[1]: r for r in rows[1:]}

    def number(value) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    baselines = {}
    for row in [result.total, *result.rows]:
        line = by_name[row.unit.name]
        assert line[2] == row.share.met and line[3] == row.share.with_data
        for cell in row.cells:
            code = cell.indicator.code
            names = ("thực hiện", "chỉ tiêu", "tỷ lệ đạt (%)")
            column = {name: line[rows[0].index(f"{code} {name}")] for name in names}
            assert number(column["thực hiện"]) == cell.actual_shown
            assert number(column["tỷ lệ đạt (%)"]) == cell.percent
            assert number(column["chỉ tiêu"]) == (cell.target.value if cell.target is not None else None)
            if code == DECREASE:  # the level its achievement counts from has a column of its own
                baselines[row.unit.pk] = number(line[rows[0].index(f"{code} giá trị cơ sở")])
            else:
                assert f"{code} giá trị cơ sở" not in rows[0]
    for key, baseline in DECREASE_BASELINES.items():
        assert baselines[reported.unit(key).pk] == baseline


def test_an_export_says_what_it_is_on_its_own_sheet_and_on_every_printed_page(reported, client_for, province_officer):
    """A file forwarded or printed must still say which plan, unit and period its numbers are for."""
    response = client_for(province_officer).get(
        reverse("dashboards:matrix_xlsx", args=[reported.plan.pk]) + "?period=2023"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="ket-qua_1318-kh-ubnd_tinh-binh-thuan_nam-2023.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Kết quả đạt chỉ tiêu", "Thông tin"]
    about = dict(book["Thông tin"].iter_rows(values_only=True))
    assert about["Kế hoạch"] == f"1318/KH-UBND – {reported.plan.title}"
    assert (about["Đơn vị"], about["Kỳ"]) == (reported.province.name, "Năm 2023")
    # The name in full, as the user's account gives it (Django's first and last names are empty).
    assert province_officer.full_name and about["Người xuất"] == province_officer.full_name
    assert about["Địa chỉ"].startswith("http://testserver/") and "period=2023" in about["Địa chỉ"]
    table = book.worksheets[0]
    assert table.page_setup.orientation == "landscape" and table.print_title_rows == "$1:$1"
    assert "Kết quả đạt chỉ tiêu" in table.oddHeader.center.text and "1318/KH-UBND" in table.oddHeader.left.text
    # Printed, the sheet says which unit, period and list of units it is of (they were on the other sheet only).
    assert table.oddHeader.right.text == f"{reported.province.name} · Năm 2023 · {about['Đơn vị hành chính theo ngày']}"


def test_the_unmet_trend_and_compliance_exports_carry_the_page_numbers(reported, client_for, province_officer):
    client = client_for(province_officer)
    plan = reported.plan
    unmet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:unmet_xlsx", args=[plan.pk]) + "?period=2023").content)
    )
    behind, missing, _contradictory, _matrix = queries.unmet(
        legacy_tree(reported, province_officer), Period.year(2023), timezone.localdate(), province_officer
    )
    lines = list(unmet.active.iter_rows(values_only=True))[1:]
    assert len(lines) == len(behind) + len(missing)
    assert [Decimal(str(r[7])) for r in lines[: len(behind)]] == [s.gap for s in behind]
    # Fractions show one or two decimals, as on the page (98,3 not 98,30); whole numbers as they are.
    cells = [c for row in unmet.active.iter_rows(min_row=2) for c in row if isinstance(c.value, int | float)]
    fractions = [c for c in cells if not float(c.value).is_integer()]
    assert fractions and all(c.number_format == "#,##0.0#" for c in fractions)
    assert all(c.number_format == "General" for c in cells if float(c.value).is_integer())

    trend = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("dashboards:trend_xlsx", args=[plan.pk]) + f"?indicator={reported.ind(COUNT).pk}"
            ).content
        )
    )
    lines = list(trend.active.iter_rows(values_only=True))[1:]
    assert [r[0] for r in lines] == [f"Năm {y}" for y in range(2021, 2026)]
    assert lines[2][3] == 17 and lines[2][4] == TARGETS[COUNT]["bt"][1]  # 2023: 13 + 4 against 22

    compliance = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:compliance_xlsx", args=[plan.pk]) + "?year=2023").content)
    )
    lines = list(compliance.active.iter_rows(values_only=True))
    assert lines[0][:4] == ("Đơn vị", "Kỳ", "Đúng hạn", "Muộn")
    province_total = [r for r in lines if r[0] == reported.province.name and r[1] == "Năm 2023"][0]
    result = queries.compliance(legacy_tree(reported, province_officer), 2023, timezone.localdate(), province_officer)
    tally = result.total.cells[0]
    assert province_total[2:6] == (tally.on_time, tally.late, tally.missing, tally.not_due)


def test_the_trend_chart_is_an_svg_file_with_its_numbers(reported, client_for, province_officer):
    response = client_for(province_officer).get(
        reverse("dashboards:trend_svg", args=[reported.plan.pk]) + f"?indicator={reported.ind(COUNT).pk}"
    )
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "17" in texts and "22" in texts  # the 2023 actual (13 + 4) and target


def test_a_trend_chart_of_an_indicator_named_with_a_character_xml_forbids_is_still_an_image(
    reported, client_for, province_officer
):
    """A name pasted from Word keeps its vertical tab (a line break there): the SVG was ill-formed, no image."""
    indicator = reported.ind(COUNT)
    indicator.name = "Số cuộc truyền thông\x0bdòng 2"
    indicator.save()
    response = client_for(province_officer).get(
        reverse("dashboards:trend_svg", args=[reported.plan.pk]), {"indicator": indicator.pk}
    )
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith(f"{COUNT}. Số cuộc truyền thông dòng 2")


def test_figures_without_targets_say_no_target_was_set_not_no_data(reported, client_for, province_officer):
    """Rows with figures but no target said "chưa có số liệu" (no data), sending leaders after missing reports."""
    Target.objects.filter(indicator__plan=reported.plan, period_start__year=2023).delete()
    url = reverse("dashboards:matrix", args=[reported.plan.pk])
    response = client_for(province_officer).get(url, {"period": "2023", "on": LEGACY.isoformat()})
    html = response.content.decode()
    root_share = re.search(r'data-testid="root-share">(.*?)</p>', html, re.S).group(1)
    assert "chưa giao chỉ tiêu cho kỳ này" in root_share and "chưa có số liệu" not in root_share
    row = re.search(rf'data-unit="{reported.duc_linh.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "Chưa giao chỉ tiêu" in row and "13" in row


def test_the_trend_page_offers_no_period_it_would_not_use(reported, client_for, province_officer):
    """The trend covers the plan's whole span; its period picker changed nothing, and the trail named a year."""
    plan = reported.plan
    html = client_for(province_officer).get(reverse("dashboards:trend", args=[plan.pk]), {"period": "2022"}).content
    html = html.decode()
    assert 'id="d-period"' not in html
    assert f"cả thời kỳ kế hoạch {plan.first_year}–{plan.last_year}" in html
    matrix = client_for(province_officer).get(reverse("dashboards:matrix", args=[plan.pk])).content.decode()
    assert 'id="d-period"' in matrix


def test_the_compliance_tab_shows_the_year_chosen_on_the_other_tabs(reported, client_for, province_officer):
    """From the matrix of 2022, the compliance tab said "Năm 2022" above a table of its own default year."""
    client, plan = client_for(province_officer), reported.plan
    url = reverse("dashboards:compliance", args=[plan.pk])
    html = client.get(url, {"period": "2022-2022-year"}).content.decode()
    assert '<option value="2022" selected>' in html and "năm 2022; đơn vị hành chính" in html
    whole = client.get(url, {"period": f"{plan.first_year}-{plan.last_year}-span"}).content.decode()
    assert '<option value="all" selected>' in whole and "cả thời kỳ kế hoạch; đơn vị hành chính" in whole
    # A year chosen on the tab itself wins over the period kept from the others.
    assert '<option value="2023" selected>' in client.get(url, {"period": "2022", "year": "2023"}).content.decode()


def _tab_query(page: str, tab: str) -> dict[str, str]:
    """The query of the link to a tab, from the tabs' list of a page."""
    tabs = page[page.index('<ul class="tabs') :].split("</ul>")[0]
    path = "" if tab == "matrix" else f"{tab}/"
    href = re.search(rf'href="/dashboards/plans/\d+/{path}\?([^"]*)"', tabs).group(1)
    return dict(parse_qsl(html.unescape(href)))


def _form_fields(page: str, testid: str) -> dict[str, str]:
    """The hidden fields of a page's form."""
    form = page[page.index(f'data-testid="{testid}"') :].split("</form>")[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


def test_the_tabs_keep_each_others_choices(reported, client_for, province_officer):
    """Choosing a year on the compliance tab, then the matrix, showed 2023; changing the date of the units on the
    trend tab came back on the first indicator by year; the matrix's sort was lost on another tab."""
    client, plan = client_for(province_officer), reported.plan
    indicator = plan.indicators.order_by("code").last()

    def page(tab: str, **query) -> str:
        response = client.get(reverse(f"dashboards:{tab}", args=[plan.pk]), query)
        assert response.status_code == 200
        return response.content.decode()

    matrix = page("matrix", period="2022-2022-year", sort="-share")
    assert _form_fields(matrix, "dash-controls")["sort"] == "-share"
    to_trend = _tab_query(matrix, "trend")
    assert to_trend["period"] == "2022-2022-year" and to_trend["sort"] == "-share"

    trend = page("trend", **to_trend, indicator=str(indicator.pk), step="quarter")
    kept = _form_fields(trend, "dash-controls")
    assert kept["indicator"] == str(indicator.pk) and kept["step"] == "quarter" and kept["sort"] == "-share"
    assert _form_fields(trend, "trend-controls")["sort"] == "-share"
    back = _tab_query(trend, "matrix")
    assert back["sort"] == "-share" and back["indicator"] == str(indicator.pk) and back["step"] == "quarter"
    # The date of the units changed on the trend tab, as its form sends it.
    again = page("trend", **{**kept, "on": TODAY_UNITS.isoformat()})
    assert f'<option value="{indicator.pk}" selected>' in again and '<option value="quarter" selected>' in again

    compliance = page("compliance", period="2023-2023-year", year="2022", sort="-share")
    assert _form_fields(compliance, "dash-controls") == {
        "period": "2022-2022-year",
        "sort": "-share",
        "year": "2022",
    }
    to_matrix = _tab_query(compliance, "matrix")
    assert to_matrix["period"] == "2022-2022-year" and "year" not in to_matrix
    assert f"Kết quả đạt chỉ tiêu: {reported.province.name}, Năm 2022" in page("matrix", **to_matrix)
    everything = page("compliance", period="2023-2023-year", year="all")
    assert _tab_query(everything, "unmet")["period"] == f"{plan.first_year}-{plan.last_year}-span"
    # A year the tab could not use is not asked for again by its links.
    unusable = page("compliance", period="2023-2023-year", year="1900")
    assert "year" not in _form_fields(unusable, "dash-controls")
    assert all("year=1900" not in link for link in re.findall(r'href="\?([^"]*)"', unusable))
    # A year the compliance tab worked out for itself (from a phase) is not carried: it replaced the phase.
    phase = f"{plan.first_year}-{plan.first_year + 2}-span"
    plan.phases.create(name="Giai đoạn 1", first_year=plan.first_year, last_year=plan.first_year + 2)
    of_phase = page("compliance", period=phase)
    assert "year" not in _form_fields(of_phase, "dash-controls")
    drilled = re.search(r'href="\?([^"]*unit=[^"]*)"', of_phase).group(1)
    assert "year" not in dict(parse_qsl(html.unescape(drilled)))
    assert _tab_query(page("compliance", **dict(parse_qsl(html.unescape(drilled)))), "matrix")["period"] == phase


def test_the_compliance_tab_says_which_years_have_no_request(reported, client_for, province_officer):
    """Years without a request of the plan had no column and no word: the share on time read as the whole plan's."""
    client, plan = client_for(province_officer), reported.plan
    years = [y for y in range(plan.first_year, plan.last_year + 1) if y not in (2022, 2023)]
    assert years, "the plan spans more years than its schedule"
    url = reverse("dashboards:compliance", args=[plan.pk])
    every = client.get(url, {"period": "2022", "year": "all"}).content.decode()
    note = re.search(r'data-testid="years-without-requests">([^<]*)<', every).group(1)
    assert note.startswith(f"Các năm {views.year_runs(years)} chưa có yêu cầu báo cáo nào cho các đơn vị này")
    api = client.get(f"/api/dashboards/plans/{plan.pk}/compliance", {"year": "all"}).json()
    assert api["years_without_requests"] == years
    download = client.get(reverse("dashboards:compliance_xlsx", args=[plan.pk]), {"year": "all"})
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert dict(book["Thông tin"].iter_rows(values_only=True))["Lưu ý"] == html.unescape(note)
    empty = client.get(url, {"year": str(years[-1])}).content.decode()
    assert f"Chưa có yêu cầu báo cáo nào cho các đơn vị này trong năm {years[-1]}." in empty
    assert 'data-testid="years-without-requests"' not in client.get(url, {"year": "2022"}).content.decode()
    assert views.year_runs([2021, 2023, 2024, 2025, 2027]) == "2021, 2023–2025, 2027"


def test_a_page_says_which_choice_it_could_not_read_and_what_it_shows_instead(reported, client_for, province_officer):
    """A period, date or year typed wrong in the address showed the defaults without a word (the API refuses them)."""
    client, plan = client_for(province_officer), reported.plan
    matrix = client.get(reverse("dashboards:matrix", args=[plan.pk]), {"period": "abc", "on": "2025-02-30"})
    html = matrix.content.decode()
    assert matrix.status_code == 200
    assert "Không đọc được kỳ “abc”: đang xem Năm" in html
    assert "Không đọc được ngày “2025-02-30”: đang xem đơn vị hành chính ngày" in html
    # Readable, only outside the plan or the dates kept: said as such, not as unreadable.
    outside = client.get(reverse("dashboards:matrix", args=[plan.pk]), {"period": "2031", "on": "31/12/9999"})
    text = outside.content.decode()
    assert f"Kế hoạch không có kỳ “2031” ({plan.first_year}–{plan.last_year}): đang xem Năm" in text
    assert "Năm của ngày “31/12/9999” phải từ 1900 đến 9998: đang xem đơn vị hành chính ngày" in text
    compliance = client.get(reverse("dashboards:compliance", args=[plan.pk]), {"year": "1900"}).content.decode()
    assert f"Kế hoạch không có năm “1900” ({plan.first_year}–{plan.last_year}): đang xem" in compliance
    # A download says nothing, then or on the next page.
    client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), {"period": "abc"})
    assert "Không đọc được" not in client.get(reverse("dashboards:matrix", args=[plan.pk])).content.decode()


def test_a_unit_drilled_into_stays_reachable_when_the_date_of_the_units_changes(
    reported, client_for, province_officer, district_officer
):
    """Choosing today's units below an old district kept the district in the address: a 404 saying the page was
    outside one's area. Now the plan's view on that date, saying why; another's district stays a 404."""
    plan, url = reported.plan, reverse("dashboards:unmet", args=[reported.plan.pk])
    today = {"period": "2022", "on": TODAY_UNITS.isoformat()}
    response = client_for(province_officer).get(url, {**today, "unit": reported.duc_linh.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{reported.duc_linh.name} không có trong danh mục đơn vị hành chính ngày 01/01/2026" in html
    heading = re.search(r"<h2>(.*?)</h2>", html, re.S).group(1)
    assert heading.startswith(f"Chỉ tiêu chưa đạt tiến độ: {f.current_province(f.LAM_DONG).name} ")
    neighbour = client_for(district_officer).get(url, {**today, "unit": reported.tanh_linh.pk})
    assert neighbour.status_code == 404
    # A district of old Đắk Nông is in the officer's area but not in Bình Thuận's plan, on either list.
    outside_plan = Unit.objects.filter(parent=f.legacy_province(f.DAK_NONG)).order_by("code").first()
    assert client_for(province_officer).get(url, {**today, "unit": outside_plan.pk}).status_code == 404
    # An API caller gets what it asked for or a 422 saying why, never other figures; an outsider a 404.
    api_url = f"/api/dashboards/plans/{plan.pk}/unmet"
    refused = client_for(province_officer).get(api_url, {**today, "unit": reported.duc_linh.pk})
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "unit"
    assert error["message"].startswith(
        f"{reported.duc_linh.name} không có trong danh mục đơn vị hành chính ngày 01/01/2026"
    )
    in_english = client_for(province_officer).get(
        api_url, {**today, "unit": reported.duc_linh.pk}, headers={"accept-language": "en"}
    )
    assert "is not on the list of administrative units of 01/01/2026" in in_english.json()["errors"][0]["message"]
    assert client_for(district_officer).get(api_url, {**today, "unit": reported.tanh_linh.pk}).status_code == 404


def test_a_charts_value_labels_of_one_period_never_overlap():
    """A target of 10 beside an actual of 4 printed "4" over "10"; four shares at 100% printed four times over."""
    svg = line_chart(
        "t",
        ["2022", "2023"],
        [
            Series("a", [D(100), D(4)], "#111"),
            Series("b", [D(100), D(10)], "#222", marker="square"),
            Series("c", [D(100), D(5)], "#333"),
        ],
        key="t",
    )
    texts = [t for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]  # noqa: S314
    for period_x in {t.get("x") for t in texts if t.get("font-size") == "11"}:
        ys = sorted(float(t.get("y")) for t in texts if t.get("font-size") == "11" and t.get("x") == period_x)
        assert all(b - a >= 12 for a, b in zip(ys, ys[1:], strict=False)), ys
    labels = [t.text for t in texts if t.get("font-size") == "11"]
    assert labels.count("100") == 2 and sorted(labels) == sorted(["100", "100", "4", "10", "5"])


def test_series_that_meet_show_every_marker_side_by_side():
    """Four steps all at 100% drew four markers at one place: the last one hid the others, and the reader could not
    tell that every step was on time."""
    shapes = ["circle", "square", "triangle", "diamond"]
    series = [Series(s, [D(100), D(20 * k)], f"#00000{k}", marker=s) for k, s in enumerate(shapes)]
    root = ET.fromstring(line_chart("t", ["2022", "2023"], series, key="t"))  # noqa: S314
    svg = "{http://www.w3.org/2000/svg}"

    def centre(element):
        if element.tag == f"{svg}circle":
            return float(element.get("cx")), float(element.get("cy"))
        if element.tag == f"{svg}rect":
            return float(element.get("x")) + 4, float(element.get("y")) + 4
        xs, ys = zip(*(map(float, p.split(",")) for p in element.get("points").split()), strict=True)
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2

    marks = [(e.get("fill"), centre(e)) for e in root if e.tag in (f"{svg}circle", f"{svg}polygon")]
    marks += [(e.get("fill"), centre(e)) for e in root.iter(f"{svg}rect") if e.get("width") == "8"]
    legend_y = HEIGHT - 30  # the legend's rows lie below the plot, from here down
    top = min(y for _, (_, y) in marks)  # 100%; a triangle's box centre is 1 px above its point
    at_100 = sorted(x for _, (x, y) in marks if y - top < 2)
    assert len(at_100) == 4
    assert all(b - a >= 8 for a, b in zip(at_100, at_100[1:], strict=False)), at_100
    assert {fill for fill, (_, y) in marks if y > legend_y} == {s.colour for s in series}  # each in the legend
    apart_2023 = sorted(x for _, (x, y) in marks if top + 2 <= y < legend_y - 2)
    assert len(apart_2023) == 4 and len(set(apart_2023)) == 1  # apart from one another: each at its point


def test_a_bar_chart_without_bars_says_so():
    """A supervision year without recommendations drew an empty box with a stray axis, as if it had failed."""
    root = ET.fromstring(bar_chart("Kiến nghị", [], key="empty"))  # noqa: S314
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Không có số liệu trong phạm vi đã chọn." in texts
    assert not list(root.iter("{http://www.w3.org/2000/svg}rect"))[1:]  # the background alone


def test_a_line_chart_without_a_value_says_why_instead_of_an_empty_frame():
    """Every share hidden drew an empty frame with an axis of 0 to 1%."""
    why = "Các số liệu của biểu đồ này đều bị ẩn vì tính trên quá ít vụ việc, chia nhỏ sẽ lộ các số dưới 3."
    root = ET.fromstring(line_chart("Tỷ lệ", ["2022", "2023"], [Series("a", [None, None], "#000")], key="t", empty=why))  # noqa: S314
    svg = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{svg}text")]
    assert " ".join(texts[1:]) == why and len(texts) > 2  # wrapped onto lines a phone can show
    assert not list(root.iter(f"{svg}line")) and int(root.get("width")) <= 400
    plain = ET.fromstring(line_chart("Tỷ lệ", [], [], key="t"))  # noqa: S314
    assert "Không có số liệu trong phạm vi đã chọn." in [t.text for t in plain.iter(f"{svg}text")]


def test_a_line_chart_s_title_and_legend_are_in_sight_on_a_phone_before_scrolling():
    """A phone scrolls a line chart sideways: its legend ran to 700 px, three of four steps out of sight."""
    names = ["Khẩn cấp 12 giờ", "Kế hoạch 5 ngày", "Kế hoạch sau khẩn cấp", "Phê duyệt"]
    series = [Series(name, [D(50), D(100)], "#000") for name in names]
    root = ET.fromstring(line_chart("Tỷ lệ đúng hạn từng bước theo thời gian (%)", ["2022", "2023"], series, key="t"))  # noqa: S314
    texts = {t.text: t for t in root.iter("{http://www.w3.org/2000/svg}text")}
    for name in names:
        assert float(texts[name].get("x")) + 7 * len(name) <= PHONE, name
    assert float(texts["Tỷ lệ đúng hạn từng bước theo thời gian (%)"].get("x")) < 20
    rows = sorted({float(texts[name].get("y")) for name in names})
    assert len(rows) == 2 and rows[-1] < float(root.get("height"))  # wrapped, the chart taller to hold it


def test_a_line_chart_thins_its_period_labels_until_they_do_not_run_together():
    """Sixteen quarters printed "Quý 2/2020Quý 3/2020…" as one line."""
    labels = [f"Quý {q}/{y}" for y in range(2020, 2024) for q in range(1, 5)]
    root = ET.fromstring(line_chart("t", labels, [Series("a", [D(i) for i in range(16)], "#000")], key="t"))  # noqa: S314
    shown = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text in labels]
    assert 1 < len(shown) < len(labels) and shown[0].text == "Quý 1/2020"
    xs = [float(t.get("x")) for t in shown]
    assert all(b - a >= 7 * len("Quý 1/2020") for a, b in zip(xs, xs[1:], strict=False)), xs
    years = [str(y) for y in range(2015, 2027)]
    yearly = ET.fromstring(line_chart("t", years, [Series("a", [D(1)] * 12, "#000")], key="t"))  # noqa: S314
    assert [t.text for t in yearly.iter("{http://www.w3.org/2000/svg}text") if t.text in years] == years


def test_a_bar_chart_writes_each_label_above_its_bar_and_fits_a_phone():
    """Labels in a column of their own beside the bars left a 360 px screen an empty frame, the bars out of sight."""
    bars = [Bar("Bạo lực", D(8), "8"), Bar("Bỏ mặc", D(4), "4"), Bar("Tai nạn, thương tích", None, "< 3")]
    root = ET.fromstring(bar_chart("Theo hình thức", bars, key="harm"))  # noqa: S314
    svg = "{http://www.w3.org/2000/svg}"
    assert root.get("class") == "bars" and int(root.get("width")) <= 400
    texts = {"".join(t.itertext()): t for t in root.iter(f"{svg}text")}
    rects = list(root.iter(f"{svg}rect"))[1:]  # after the background
    assert len(rects) == 2  # the hidden count is written, not drawn
    for bar, rect in zip(bars, rects, strict=False):
        label = texts[bar.label + bar.label]  # the label's <title> holds its whole text
        assert float(label.get("y")) < float(rect.get("y"))
        assert float(label.get("x")) == float(rect.get("x"))
        assert float(texts[bar.shown].get("x")) > float(rect.get("x")) + float(rect.get("width"))
    assert float(rects[0].get("width")) == 2 * float(rects[1].get("width"))
    assert "< 3" in texts


def test_a_chart_escapes_its_text_and_breaks_the_line_where_data_is_missing():
    svg = line_chart("<b>&", ["2021", "2022", "2023"], [Series("a<", [D(1), None, D(3)], "#000")], key="t")
    root = ET.fromstring(svg)  # noqa: S314
    assert root.find("{http://www.w3.org/2000/svg}title").text == "<b>&"
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    assert nice_ceiling(D(0)) == 1 and nice_ceiling(D(87)) == 100 and nice_ceiling(D(101)) == 200
    assert nice_ceiling(D("2.1")) == D("2.5") and number_label(D("1234567.5")) == "1.234.567,5"


def test_the_drill_down_reports_page_lists_the_requests_behind_a_row(reported, client_for, province_officer):
    page = client_for(province_officer).get(
        reverse("dashboards:reports", args=[reported.plan.pk]) + f"?period=2023&unit={reported.duc_linh.pk}"
    )
    html = page.content.decode()
    assert reverse("reporting:request", args=[reported.request("dl", 2023).pk]) in html
    assert reverse("reporting:request", args=[reported.request("tl", 2023).pk]) not in html


def test_the_reports_behind_a_row_download_and_come_through_the_api(
    reported, client_for, api_client_for, province_officer
):
    client, api = client_for(province_officer), api_client_for(province_officer)
    query = {"period": "2023", "on": LEGACY.isoformat()}
    page = client.get(reverse("dashboards:reports", args=[reported.plan.pk]), query).content.decode()
    [link] = re.findall(r'href="([^"]*reports\.xlsx[^"]*)"', page)
    book = openpyxl.load_workbook(io.BytesIO(client.get(html.unescape(link)).content))
    [header, *lines] = list(book.active.iter_rows(values_only=True))
    assert header == ("Mã đơn vị", "Đơn vị báo cáo", "Thuộc", "Kỳ", "Hạn nộp", "Tình trạng", "Gửi lúc")
    by_unit = {(line[1], line[3]): line for line in lines}
    dl = reported.request("dl", 2023)
    line = by_unit[(reported.duc_linh.name, "Năm 2023")]
    report = dl.reports.order_by("-version").first()
    assert line[2] == reported.province.name and line[4].date() == dl.due_on and line[5] == "Đã duyệt"
    assert line[6] == timezone.localtime(report.submitted_at).replace(tzinfo=None, second=0, microsecond=0)
    assert {(r.unit.name, r.period.label) for r in ReportRequest.objects.filter(schedule__plan=reported.plan)} >= set(
        by_unit
    )

    data = api.get(f"/api/dashboards/plans/{reported.plan.pk}/reports", query).json()
    assert data["unit"]["id"] == reported.province.pk and data["next_offset"] is None
    listed = {(r["unit"]["name"], r["period"]["label"]): r for r in data["requests"]}
    assert set(listed) == set(by_unit)
    assert listed[(reported.duc_linh.name, "Năm 2023")]["status"] == "accepted"
    assert listed[(reported.duc_linh.name, "Năm 2023")]["request_id"] == dl.pk
    beyond = api.get(f"/api/dashboards/plans/{reported.plan.pk}/reports", {**query, "offset": 10_000}).json()
    assert beyond["requests"] == [] and beyond["next_offset"] is None
    assert api.get(f"/api/dashboards/plans/{reported.plan.pk}/reports", {"offset": -1}).status_code == 422
    # A column fed by the case records has no report behind it: the page says so.
    Indicator.objects.filter(pk=reported.ind(AMOUNT).pk).update(source="cases.received")
    page = client.get(reverse("dashboards:reports", args=[reported.plan.pk]), query).content.decode()
    note = re.search(r'data-testid="computed-note">(.*?)</p>', page).group(1)
    assert note == f"Các chỉ tiêu {AMOUNT} lấy số liệu từ hồ sơ vụ việc, không từ báo cáo."


def test_a_phase_says_which_of_its_years_have_no_accepted_report(
    reported, client_for, api_client_for, province_officer
):
    """Its targets are for every year; its figures only for those reported: 2023 of 2021–2025, and 2022 for Tánh
    Linh alone."""
    plan = reported.plan
    accepted_report(reported.request("tl", 2022), value_map(reported, {COUNT: 5}))
    query = {"period": "2021-2025", "on": LEGACY.isoformat()}
    page = client_for(province_officer).get(reverse("dashboards:matrix", args=[plan.pk]), query).content.decode()
    note = re.search(r'data-testid="years-without-reports">(.*?)</p>', page).group(1)
    assert note == (
        "Các năm 2021, 2024–2025 chưa có báo cáo nào được duyệt: số liệu lấy từ báo cáo của kỳ này chỉ gồm các năm "
        "đã có, còn chỉ tiêu tính cả các năm ấy."
    )
    client = client_for(province_officer)
    assert note in client.get(reverse("dashboards:unmet", args=[plan.pk]), query).content.decode()
    for name in ("matrix_xlsx", "unmet_xlsx", "reports_xlsx"):
        download = client.get(reverse(f"dashboards:{name}", args=[plan.pk]), query)
        book = openpyxl.load_workbook(io.BytesIO(download.content))
        assert dict(book["Thông tin"].iter_rows(values_only=True))["Lưu ý"] == note, name
    api = api_client_for(province_officer)
    unmet = api.get(f"/api/dashboards/plans/{plan.pk}/unmet", query).json()
    assert unmet["years_without_reports"] == [2021, 2024, 2025]
    data = api.get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    assert data["years_without_reports"] == [2021, 2024, 2025]
    # A district officer's figures are their district's: Tánh Linh's 2022 does not count for Đức Linh.
    officer = f.DistrictOfficerFactory(username="huyen_duclinh_2")
    mine = api_client_for(officer).get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    assert mine["years_without_reports"] == [2021, 2022, 2024, 2025]
    one_year = client_for(province_officer).get(reverse("dashboards:matrix", args=[plan.pk]), {"period": "2023"})
    assert "years-without-reports" not in one_year.content.decode()
    # A plan whose figures all come from the cases has no such years.
    assert queries.years_without_reports(legacy_tree(reported, province_officer), Period.span(2021, 2025), AS_OF)
    plan.indicators.update(source="cases.received")
    assert queries.years_without_reports(legacy_tree(reported, province_officer), Period.span(2021, 2025), AS_OF) == []


def test_the_matrix_says_which_units_with_targets_have_no_report_in_the_total(
    reported, client_for, api_client_for, province_officer
):
    """The province's total adds up what was reported; its target is the whole province's: a "decrease" read as met
    when a district had not reported. The targets of 2022 are Đức Linh's and Tánh Linh's."""
    plan = reported.plan
    client, api = client_for(province_officer), api_client_for(province_officer)
    query = {"period": "2022", "on": LEGACY.isoformat()}

    def note() -> str | None:
        page = client.get(reverse("dashboards:matrix", args=[plan.pk]), query).content.decode()
        found = re.search(r'data-testid="units-without-figures">(.*?)</p>', page)
        return found and found.group(1)

    def listed() -> list[int]:
        return api.get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()["units_without_figures"]

    # Nothing reported: the total row shows it, and the note is short.
    assert note() == "Chưa có số liệu nào từ báo cáo được duyệt trong kỳ này."
    # A district without a target reports: the total has a figure, which is none of the targeted districts'.
    others = list(
        Unit.objects.filter(parent=reported.province)
        .exclude(pk__in=[reported.duc_linh.pk, reported.tanh_linh.pk])
        .order_by("code")
    )
    template = reported.request("dl", 2022)
    elsewhere = ReportRequest.objects.get(pk=template.pk)
    elsewhere.pk, elsewhere.unit = None, others[0]
    elsewhere.save()
    accepted_report(elsewhere, value_map(reported, {COUNT: 3}))
    both = sorted([reported.duc_linh, reported.tanh_linh], key=lambda unit: unit.code)
    assert note() == (
        f"2 trong 2 đơn vị có chỉ tiêu chưa có số liệu từ báo cáo được duyệt trong kỳ này ({both[0].name}, "
        f"{both[1].name}): dòng {reported.province.name} chưa gồm số liệu của các đơn vị ấy, còn chỉ tiêu của dòng ấy "
        "tính cho cả địa bàn."
    )
    assert listed() == [unit.pk for unit in both]
    accepted_report(reported.request("dl", 2022), value_map(reported, {COUNT: 5, DECREASE: 2}))
    one = note()
    assert one == (
        f"1 trong 2 đơn vị có chỉ tiêu chưa có số liệu từ báo cáo được duyệt trong kỳ này ({reported.tanh_linh.name}): "
        f"dòng {reported.province.name} chưa gồm số liệu của đơn vị ấy, còn chỉ tiêu của dòng ấy tính cho cả địa bàn."
    )
    download = client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), query)
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert dict(book["Thông tin"].iter_rows(values_only=True))["Lưu ý"] == one
    assert listed() == [reported.tanh_linh.pk]
    # Five more districts with a target and no report: five names are given, the rest is "…", the same on the page
    # and in the download whatever the page's sort.
    for unit in others[1:6]:
        set_target(reported.ind(COUNT), unit, 2022, 1)
    missing = sorted([reported.tanh_linh, *others[1:6]], key=lambda unit: unit.code)
    names = ", ".join(unit.name for unit in missing[:5])
    assert note().startswith(
        f"6 trong 7 đơn vị có chỉ tiêu chưa có số liệu từ báo cáo được duyệt trong kỳ này ({names}, …):"
    )
    download = client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), {**query, "sort": "-name"})
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert dict(book["Thông tin"].iter_rows(values_only=True))["Lưu ý"] == note()
    assert listed() == [unit.pk for unit in missing]
    # 2023: both reported. A plan fed by the case records alone has a figure for every unit.
    query["period"] = "2023"
    assert note() is None and listed() == []
    plan.indicators.update(source="cases.received")
    query["period"] = "2022"
    assert note() is None and listed() == []


def test_an_area_that_ended_in_2025_is_shown_in_the_old_units_rather_than_not_at_all(
    reported, client_for, api_client_for, supervisor, district_officer, province_officer
):
    """The Women's Union of old Bình Thuận, and an officer of old Đức Linh, have no unit on today's list: a period
    after the reform, or today's units chosen, answered 404 "outside your area"."""
    plan = reported.plan
    url = reverse("dashboards:matrix", args=[plan.pk])
    page = client_for(supervisor).get(url, {"period": "2025"})
    assert page.status_code == 200 and reported.duc_linh.name in page.content.decode()
    # Today's units are not offered to whom they would only ever show the old list with a note.
    assert "Hiện nay (tỉnh – xã)" not in page.content.decode()
    assert "Hiện nay (tỉnh – xã)" in client_for(province_officer).get(url, {"period": "2025"}).content.decode()
    matrix = api_client_for(supervisor).get(f"/api/dashboards/plans/{plan.pk}/matrix", {"period": "2025"}).json()
    assert matrix["on"] == LEGACY.isoformat() and matrix["total"]["unit"]["id"] == reported.province.pk
    for user, query in (
        (supervisor, {"period": "2023", "on": TODAY_UNITS.isoformat()}),
        (district_officer, {"period": "2023", "on": TODAY_UNITS.isoformat(), "unit": reported.duc_linh.pk}),
    ):
        response = client_for(user).get(url, query)
        assert response.status_code == 200, user.username
        html = response.content.decode()
        assert "không có đơn vị nào trong danh mục ngày" in html and "30/06/2025" in html, user.username
    # The API says which choice it cannot use, and which dates it can.
    refused = api_client_for(supervisor).get(
        f"/api/dashboards/plans/{plan.pk}/matrix", {"period": "2023", "on": TODAY_UNITS.isoformat()}
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "on" and error["message"].endswith("chọn ngày 30/06/2025 hoặc trước đó.")
    # Still a 404 for a unit outside the area, on either list.
    other = {"period": "2023", "on": TODAY_UNITS.isoformat(), "unit": reported.tanh_linh.pk}
    assert client_for(district_officer).get(url, other).status_code == 404
    assert api_client_for(district_officer).get(f"/api/dashboards/plans/{plan.pk}/matrix", other).status_code == 404


DASHBOARD_ENDPOINTS = ["matrix", "unmet", "trend", "compliance", "reports"]


@pytest.mark.parametrize("endpoint", DASHBOARD_ENDPOINTS)
def test_every_dashboard_endpoint_names_the_unit_or_date_it_cannot_use(
    endpoint, reported, api_client_for, province_officer, supervisor, district_officer, outsider
):
    """Each endpoint resolves its choices the same way: a 422 naming `unit` or `on`, in the caller's language,
    where the pages fall back; a 404 for what the caller may not see."""
    url = f"/api/dashboards/plans/{reported.plan.pk}/{endpoint}"
    today = {"period": "2023", "on": TODAY_UNITS.isoformat()}

    def refused(user, query, language="vi") -> dict:
        response = api_client_for(user).get(url, query, headers={"accept-language": language})
        assert response.status_code == 422, response.content
        [error] = response.json()["errors"]
        return error

    drilled = {**today, "unit": reported.duc_linh.pk}
    error = refused(province_officer, drilled)
    assert error["field"] == "unit"
    assert error["message"] == (
        f"{reported.duc_linh.name} không có trong danh mục đơn vị hành chính ngày 01/01/2026, chỉ có đến ngày "
        "30/06/2025: bỏ chọn đơn vị, hoặc chọn ngày 30/06/2025 hoặc trước đó."
    )
    assert refused(province_officer, drilled, "en")["message"] == (
        f"{reported.duc_linh.name} is not on the list of administrative units of 01/01/2026, only until 30/06/2025: "
        "leave the unit out, or choose 30/06/2025 or an earlier date."
    )
    # A commune of today asked for on the old list.
    commune = f.current_commune("Xã Đức Linh")
    error = refused(province_officer, {"period": "2023", "on": LEGACY.isoformat(), "unit": commune.pk})
    assert error["field"] == "unit"
    assert error["message"] == (
        f"{commune.name} không có trong danh mục đơn vị hành chính ngày 30/06/2025, chỉ có từ ngày 01/07/2025: bỏ "
        "chọn đơn vị, hoặc chọn ngày 01/07/2025 hoặc sau đó."
    )
    # The Women's Union of old Bình Thuận, and the officer of old Đức Linh, have no unit on today's list.
    for user, query in ((supervisor, today), (district_officer, drilled)):
        error = refused(user, query)
        assert error["field"] == "on"
        assert error["message"] == (
            "Địa bàn của bạn không có đơn vị nào trong danh mục đơn vị hành chính ngày 01/01/2026: chọn ngày "
            "30/06/2025 hoặc trước đó."
        )
    assert refused(supervisor, today, "en")["message"] == (
        "Your area has no unit on the list of administrative units of 01/01/2026: choose 30/06/2025 or an earlier date."
    )
    assert api_client_for(supervisor).get(url, {"period": "2023"}).status_code == 200
    # A unit outside one's area, or outside the plan, is a 404 on any date; so is the whole plan to an outsider.
    gia_nghia = Unit.objects.filter(parent=f.legacy_province(f.DAK_NONG)).order_by("code").first()
    for user, query in (
        (district_officer, {**today, "unit": reported.tanh_linh.pk}),
        (district_officer, {"period": "2023", "unit": reported.tanh_linh.pk}),
        (province_officer, {**today, "unit": gia_nghia.pk}),
        (province_officer, {"period": "2023", "unit": gia_nghia.pk}),
        (outsider, {"period": "2023"}),
        (outsider, today),
    ):
        assert api_client_for(user).get(url, query).status_code == 404, (user.username, query)
    # A unit with both dates (set by hand in the admin) names the span.
    Unit.objects.filter(pk=reported.duc_linh.pk).update(valid_from=datetime.date(1991, 1, 1))
    assert refused(province_officer, drilled)["message"] == (
        f"{reported.duc_linh.name} không có trong danh mục đơn vị hành chính ngày 01/01/2026, chỉ có từ ngày "
        "01/01/1991 đến ngày 30/06/2025: bỏ chọn đơn vị, hoặc chọn một ngày trong khoảng ấy."
    )


def test_the_page_offers_the_legacy_and_current_trees(reported, client_for, province_officer):
    client = client_for(province_officer)
    url = reverse("dashboards:matrix", args=[reported.plan.pk])
    legacy = client.get(url + "?period=2023").content.decode()
    assert reported.duc_linh.name in legacy
    today = client.get(url + f"?period=2023&on={TODAY_UNITS.isoformat()}").content.decode()
    assert "Xã Đức Linh" in today and "Huyện Đức Linh" not in today
    assert "bảng chuyển đổi" in today
    assert Unit.objects.get(structure="current", level=1, code=f.LAM_DONG).name in today


def test_the_index_counts_each_plans_overdue_requests_and_a_sent_report_is_not_overdue(
    reported, client_for, province_officer, district_officer
):
    """Requests due before today with no report sent (a draft or a returned report does not count as sent)."""
    plan, today = reported.plan, timezone.localdate()
    requests = ReportRequest.objects.filter(schedule__plan=plan)
    sent = {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED}

    def expected(units) -> int:
        return sum(
            1
            for request in requests.filter(unit__in=units)
            if request.due_on < today and not any(r.status in sent for r in request.reports.all())
        )

    def shown(user) -> int:
        page = client_for(user).get(reverse("dashboards:index")).content.decode()
        row = page[page.index(plan.reference) :].split("</tr>")[0]
        found = re.search(r"(\d+) quá hạn", row)
        return int(found.group(1)) if found else 0

    province_units = Unit.objects.filter(pk__in=requests.values("unit"))
    in_province = shown(province_officer)
    assert in_province == expected(province_units) > 0
    district = district_officer.unit
    in_district = shown(district_officer)
    assert in_district == expected(province_units.filter(pk=district.pk) | province_units.filter(parent=district))
    assert 0 < in_district < in_province


def test_the_index_links_to_the_case_and_supervision_statistics_only_for_roles_granted_them(
    client_for, province_officer, hotline_operator
):
    page = client_for(province_officer).get(reverse("dashboards:index")).content.decode()
    assert reverse("dashboards:cases") in page and reverse("supervision:recommendations") in page
    page = client_for(hotline_operator).get(reverse("dashboards:index")).content.decode()
    assert reverse("dashboards:cases") not in page and reverse("supervision:recommendations") not in page


def test_the_matrix_page_travels_gzipped_to_a_browser_that_accepts_it(plan_setup, province_officer, client_for):
    import gzip

    client = client_for(province_officer)
    url = reverse("dashboards:matrix", args=[plan_setup.plan.pk]) + "?period=2023"
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.content).decode()
    assert page.count("<tr") == plain.content.decode().count("<tr") > 2  # the same matrix, rows and all
    assert len(packed.content) < len(plain.content) / 3


def test_a_charts_large_numbers_fit_beside_its_axis():
    """A trend in VND had its top tick cut to "000.000.000" and written over the axis title."""
    svg = line_chart(
        "Giá trị", ["2023", "2024"], [Series("Thực hiện", [Decimal(10**9), None], "#000")], key="t", y_label="VND"
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    ticks = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("text-anchor") == "end"]
    assert "1.000.000.000" in [t.text for t in ticks]
    for tick in ticks:
        assert float(tick.get("x")) - 7 * len(tick.text) >= 24, tick.text  # clear of the axis title at x = 14


def test_the_matrix_page_says_what_each_status_means(reported, client_for, province_officer):
    html = client_for(province_officer).get(reverse("dashboards:matrix", args=[reported.plan.pk])).content.decode()
    note = re.search(r'data-testid="bands-note">(.*?)</p>', html, re.S).group(1)
    assert "Đạt: thực hiện từ 100% chỉ tiêu" in note
    assert "từ 85% tiến độ cần đạt" in note and "Chậm: dưới 60%" in note


def test_an_officer_of_a_unit_that_ended_in_2025_sees_the_old_units_by_default(reported, client_for):
    """The Bình Thuận officer (their province merged into Lâm Đồng) got today's tree by default, where their
    jurisdiction holds no unit: an empty matrix saying no unit was in their area."""
    officer = f.ProvinceOfficerFactory(username="so_binhthuan", unit=f.legacy_province(f.BINH_THUAN))
    response = client_for(officer).get(reverse("dashboards:matrix", args=[reported.plan.pk]), {"period": "2021-2025"})
    assert response.context["on"] == queries.LAST_LEGACY_DAY
    assert reported.duc_linh.name in response.content.decode()


def test_a_row_s_share_says_how_many_targets_it_leaves_out(reported, client_for, api_client_for, province_officer):
    """ "8/11 chỉ tiêu đạt" of a unit with 12 targets read as 11 targets: the one without data was said only of
    the province."""
    query = {"period": "2023", "on": LEGACY.isoformat()}
    data = api_client_for(province_officer).get(f"/api/dashboards/plans/{reported.plan.pk}/matrix", query).json()
    partial = [r for r in data["rows"] if r["targets_with_data"] and r["targets_without_data"]]
    assert partial, "the fixture has a unit with some figures and some missing"
    html = client_for(province_officer).get(reverse("dashboards:matrix", args=[reported.plan.pk]), query)
    for r in data["rows"]:
        row = re.search(rf'data-unit="{r["unit"]["id"]}">(.*?)</tr>', html.content.decode(), re.S).group(1)
        said = f"+{r['targets_without_data']} chưa có số liệu"
        assert (said in row) == bool(r["targets_with_data"] and r["targets_without_data"]), (r["unit"]["name"], row)


def test_a_unit_or_sort_the_matrix_cannot_read_is_said_not_silently_dropped(reported, client_for, province_officer):
    """ "?unit=abc" showed the province and "sort=-ind999" the units in reverse, without a word."""
    url = reverse("dashboards:matrix", args=[reported.plan.pk])
    client = client_for(province_officer)
    query = {"period": "2023", "on": LEGACY.isoformat()}
    page = client.get(url, {**query, "unit": "abc", "sort": "-ind999"}).content.decode()
    assert "Không đọc được đơn vị “abc”: đang xem Tỉnh Bình Thuận." in page
    assert "Không sắp xếp được theo “-ind999”: đang xếp theo mã đơn vị." in page
    rows = re.findall(r'<tr[^>]* data-unit="(\d+)"', page)[1:]  # after the total
    codes = dict(Unit.objects.filter(pk__in=rows).values_list("pk", "code"))
    assert [codes[int(pk)] for pk in rows] == sorted(codes.values())
    fine = client.get(url, {**query, "sort": "-name"}).content.decode()
    assert "Không sắp xếp được" not in fine and "Không đọc được" not in fine


def test_a_decrease_total_missing_units_says_it_may_look_better_than_it_is(
    plan_setup, client_for, api_client_for, province_officer
):
    """Children abused, summed over the districts that reported: Tánh Linh's missing report made the province's
    count lower, and its green "Đạt" stood without a word."""
    setup = plan_setup
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 13, RATIO: (90, 100), DECREASE: 5, AMOUNT: 10}))
    query = {"period": "2023", "on": LEGACY.isoformat()}
    data = api_client_for(province_officer).get(f"/api/dashboards/plans/{setup.plan.pk}/matrix", query).json()
    assert data["flattered_totals"] == {str(setup.ind(DECREASE).pk): 1}  # only the decrease, not the counts
    html = client_for(province_officer).get(reverse("dashboards:matrix", args=[setup.plan.pk]), query).content.decode()
    total = re.search(r'<tr class="total"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert total.count('data-testid="unreported-below"') == 1 and "thiếu số liệu 1 đơn vị" in total
    accepted_report(setup.request("tl", 2023), value_map(setup, {COUNT: 4, RATIO: (1, 4), DECREASE: 1, AMOUNT: 7}))
    data = api_client_for(province_officer).get(f"/api/dashboards/plans/{setup.plan.pk}/matrix", query).json()
    assert data["flattered_totals"] == {}


def test_the_decrease_warning_baseline_and_missing_units_reach_every_tab_and_file(
    plan_setup, client_for, api_client_for, province_officer
):
    """Review of the exports (02/12/2026): the matrix file said "✓ Đạt" where the page warned that a unit had not
    reported; the unmet page and file did not say that the province's rows lacked a district; the trend of a
    "decrease" showed "17 / 20 → 130%" without the baseline it counts from."""
    setup, plan = plan_setup, plan_setup.plan
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 13, RATIO: (90, 100), DECREASE: 5, AMOUNT: 10}))
    client = client_for(province_officer)
    query = {"period": "2023", "on": LEGACY.isoformat()}
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), query).content)
    )
    headers, total = list(book.active.iter_rows(values_only=True))[:2]
    status = total[headers.index(f"{setup.ind(DECREASE).code} đánh giá")]
    assert status.endswith("⚠ thiếu số liệu 1 đơn vị: số thực tế có thể cao hơn"), status

    unmet = client.get(reverse("dashboards:unmet", args=[plan.pk]), query).content.decode()
    note = re.search(r'data-testid="units-without-figures">(.*?)</p>', unmet).group(1)
    assert note.startswith(
        f"1 trong 2 đơn vị có chỉ tiêu chưa có số liệu từ báo cáo được duyệt trong kỳ này ({setup.tanh_linh.name})"
    )
    download = client.get(reverse("dashboards:unmet_xlsx", args=[plan.pk]), query)
    about = dict(openpyxl.load_workbook(io.BytesIO(download.content))["Thông tin"].iter_rows(values_only=True))
    assert about["Lưu ý"] == note
    data = api_client_for(province_officer).get(f"/api/dashboards/plans/{plan.pk}/unmet", query).json()
    assert data["units_without_figures"] == [setup.tanh_linh.pk] and data["units_only_in_total_without_figures"] == []

    trend = {"indicator": setup.ind(DECREASE).pk, "unit": setup.duc_linh.pk, "on": LEGACY.isoformat()}
    page = client.get(reverse("dashboards:trend", args=[plan.pk]), trend).content.decode()
    assert '<th scope="col" class="num">Giá trị cơ sở</th>' in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("dashboards:trend_xlsx", args=[plan.pk]), trend).content)
    )
    lines = list(sheet.active.iter_rows(values_only=True))
    baselines = {line[0]: line[lines[0].index("Giá trị cơ sở")] for line in lines[1:]}
    cell = next(
        c
        for c in queries.plan_matrix(legacy_tree(setup, province_officer), Period.year(2023), AS_OF).rows
        if c.unit == setup.duc_linh
    ).cells
    decrease = next(c for c in cell if c.indicator == setup.ind(DECREASE))
    assert baselines["Năm 2023"] == decrease.baseline is not None
    # The trend shows the plan's whole span: a period it cannot read is not "shown instead".
    odd = client.get(reverse("dashboards:trend", args=[plan.pk]), {**trend, "period": "abc", "step": "month"})
    assert "Không đọc được kỳ" not in odd.content.decode()
    assert "Không đọc được bước “month”: đang xem theo năm." in odd.content.decode()


def test_todays_units_say_which_old_districts_counted_only_in_the_total_have_no_figures(
    plan_setup, client_for, api_client_for, province_officer
):
    """Đức Linh and Tánh Linh were divided among several new communes: in today's units their reports count only
    in the province's total. Tánh Linh's missing report was said in the old units ("thiếu số liệu 1 đơn vị") and not
    in today's, where its target was still in the total's."""
    setup = plan_setup
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 13, RATIO: (90, 100), DECREASE: 5, AMOUNT: 10}))
    url = reverse("dashboards:matrix", args=[setup.plan.pk])
    api = api_client_for(province_officer)
    legacy = api.get(f"/api/dashboards/plans/{setup.plan.pk}/matrix", {"period": "2023", "on": LEGACY.isoformat()})
    query = {"period": "2023", "on": TODAY_UNITS.isoformat()}
    data = api.get(f"/api/dashboards/plans/{setup.plan.pk}/matrix", query).json()
    assert data["reexpressed"] and not {setup.duc_linh.pk, setup.tanh_linh.pk} & {r["unit"]["id"] for r in data["rows"]}
    assert data["flattered_totals"] == legacy.json()["flattered_totals"] == {str(setup.ind(DECREASE).pk): 1}
    assert data["units_only_in_total_without_figures"] == [setup.tanh_linh.pk]
    assert data["units_without_figures"] == []
    page = client_for(province_officer).get(url, query).content.decode()
    total = re.search(r'<tr class="total"[^>]*>(.*?)</tr>', page, re.S).group(1)
    assert "thiếu số liệu 1 đơn vị" in total
    note = re.search(r'data-testid="units-without-figures">(.*?)</p>', page).group(1)
    assert note == (
        "1 trong 2 đơn vị không có dòng riêng trong bảng (đơn vị cũ, số liệu chỉ tính ở dòng Tỉnh Lâm Đồng) có chỉ "
        f"tiêu mà chưa có số liệu từ báo cáo được duyệt trong kỳ này: {setup.tanh_linh.name}."
    )
    accepted_report(setup.request("tl", 2023), value_map(setup, {COUNT: 4, RATIO: (1, 4), DECREASE: 1, AMOUNT: 7}))
    data = api.get(f"/api/dashboards/plans/{setup.plan.pk}/matrix", query).json()
    assert data["flattered_totals"] == {} and data["units_only_in_total_without_figures"] == []
    assert 'data-testid="units-without-figures"' not in client_for(province_officer).get(url, query).content.decode()


# ------------------------------------------------------------------------------ what the review of 02/12 found


@pytest.fixture
def province_reports_too(child_plan, province_officer):
    """The yearly schedule for both districts and for the province itself."""
    return add_schedule(child_plan, province_officer, [child_plan.duc_linh, child_plan.tanh_linh, child_plan.province])


def test_the_compliance_table_says_where_the_requests_counted_only_in_its_total_are(
    province_reports_too, client_for, api_client_for, province_officer
):
    """The province's own requests counted in its total and in no row: the rows did not add up to the total and
    nothing said where the rest was. A row of its own now holds them, on the page, in the download and the API."""
    setup, plan = province_reports_too, province_reports_too.plan
    result = queries.compliance(legacy_tree(setup, province_officer), None, timezone.localdate(), province_officer)
    rest = result.rest
    assert (rest.total.missing, rest.total.on_time, [t.missing for t in rest.cells]) == (2, 0, [1, 1])
    for kind in ("on_time", "late", "missing", "not_due"):
        rows = sum(getattr(row.total, kind) for row in result.rows)
        assert rows + getattr(rest.total, kind) == getattr(result.total.total, kind), kind
    page = client_for(province_officer).get(
        reverse("dashboards:compliance", args=[plan.pk]), {"year": "all", "on": LEGACY.isoformat()}
    )
    text = page.content.decode()
    assert "Chỉ tính ở dòng tổng" in text and f"yêu cầu báo cáo của chính {setup.province.name}" in text
    book = openpyxl.load_workbook(
        io.BytesIO(
            client_for(province_officer)
            .get(reverse("dashboards:compliance_xlsx", args=[plan.pk]), {"year": "all", "on": LEGACY.isoformat()})
            .content
        )
    )
    lines = list(book.active.iter_rows(values_only=True))
    assert ("Chỉ tính ở dòng tổng", "Cả thời kỳ kế hoạch", 0, 0, 2, 0) in [line[:6] for line in lines]
    assert ("Chỉ tính ở dòng tổng", "Năm 2022", 0, 0, 1, 0) in [line[:6] for line in lines]
    # Every row of the page, those without a request too (the districts the schedule leaves out), zeros and all.
    shown = re.findall(r'<tr[^>]*>\s*<th scope="row">(?:<a [^>]*>)?([^<]+)', text)
    whole = {line[0]: line[1:6] for line in lines[1:] if line[1] == "Cả thời kỳ kế hoạch"}
    assert set(shown) <= set(whole) and len(shown) > 4, (shown, whole)
    assert any(figures == ("Cả thời kỳ kế hoạch", 0, 0, 0, 0) for figures in whole.values())
    data = (
        api_client_for(province_officer)
        .get(f"/api/dashboards/plans/{plan.pk}/compliance", {"year": "all", "on": LEGACY.isoformat()})
        .json()
    )
    assert data["outside_rows"]["total"]["missing"] == 2
    # Opened at a district, the district's own requests are that rest: its communes have none.
    district = queries.compliance(
        legacy_tree(setup, province_officer, setup.duc_linh), None, timezone.localdate(), province_officer
    )
    assert district.rest.total.missing == 2 and all(row.total.total == 0 for row in district.rows)


def test_the_overdue_reports_of_the_dashboards_index_lead_to_every_year(reported, client_for, province_officer):
    """The index counted the overdue reports of every year and linked to the compliance tab, which opens on one
    year: it showed fewer than the count."""
    client = client_for(province_officer)
    index = client.get(reverse("dashboards:index")).content.decode()
    link = html.unescape(
        re.search(r'<a href="([^"]*/compliance/[^"]*)"><span class="status off_track">', index).group(1)
    )
    assert link.endswith("?year=all")
    page = client.get(link)
    assert page.context["year"] is None  # the whole plan


def test_a_plan_unit_above_ones_area_is_said_on_the_page_and_refused_by_the_api(
    reported, client_for, api_client_for, district_officer
):
    """A district officer asking for the province was shown their district without a word, and the API answered
    200 with the district's figures for the province asked for."""
    plan = reported.plan
    page = client_for(district_officer).get(
        reverse("dashboards:matrix", args=[plan.pk]), {"period": "2023", "unit": reported.province.pk}
    )
    assert page.status_code == 200 and page.context["tree"].root == reported.duc_linh
    assert (
        f"Bạn không phụ trách toàn bộ {reported.province.name}: đang xem {reported.duc_linh.name}."
        in page.content.decode()
    )
    for endpoint in ("matrix", "unmet", "compliance"):
        api = api_client_for(district_officer).get(
            f"/api/dashboards/plans/{plan.pk}/{endpoint}", {"period": "2023", "unit": reported.province.pk}
        )
        assert api.status_code == 404, endpoint
        own = api_client_for(district_officer).get(
            f"/api/dashboards/plans/{plan.pk}/{endpoint}", {"period": "2023", "unit": reported.duc_linh.pk}
        )
        assert own.status_code == 200, endpoint


def test_a_rate_reported_as_nothing_to_count_is_neither_met_nor_without_data(
    plan_setup, client_for, api_client_for, province_officer
):
    """Districts that found no abused child reported the share supported as 0/0: the matrix showed "– Chưa có số
    liệu", counted it among the targets without data and the unmet page listed it beside units that had not
    reported, so leaders chased units that had."""
    setup, plan = plan_setup, plan_setup.plan
    accepted_report(setup.request("dl", 2023), value_map(setup, {COUNT: 13, RATIO: (0, 0)}))
    tree = legacy_tree(setup, province_officer)
    matrix = queries.plan_matrix(tree, Period.year(2023), timezone.localdate())
    position = [i.pk for i in matrix.indicators].index(setup.ind(RATIO).pk)
    duc_linh = next(r for r in matrix.rows if r.unit == setup.duc_linh)
    cell = duc_linh.cells[position]
    assert cell.nothing_to_count and cell.target is not None
    assert duc_linh.nothing_to_count == 1
    judged = [c for c in duc_linh.cells if c.target is not None and not c.nothing_to_count]
    assert duc_linh.share.with_data + duc_linh.share.no_data == len(judged)
    behind, missing, _contradictory, _matrix = queries.unmet(
        tree, Period.year(2023), timezone.localdate(), province_officer
    )
    listed = [(s.unit, s.cell.indicator) for s in [*behind, *missing]]
    assert (setup.duc_linh, setup.ind(RATIO)) not in listed
    assert (setup.tanh_linh, setup.ind(RATIO)) in listed  # no report at all: without data

    query = {"period": "2023", "on": LEGACY.isoformat()}
    page = client_for(province_officer).get(reverse("dashboards:matrix", args=[plan.pk]), query).content.decode()
    row = re.search(rf"<tr[^>]*>\s*<th[^>]*>.*?{setup.duc_linh.name}.*?</tr>", page, re.S).group(0)
    assert "0/0 / " in row and "Không phát sinh" in row and "+1 không phát sinh" in row
    data = api_client_for(province_officer).get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    [api_row] = [r for r in data["rows"] if r["unit"]["id"] == setup.duc_linh.pk]
    assert api_row["targets_nothing_to_count"] == 1 and api_row["cells"][position]["nothing_to_count"] is True
    book = openpyxl.load_workbook(
        io.BytesIO(client_for(province_officer).get(reverse("dashboards:matrix_xlsx", args=[plan.pk]), query).content)
    )
    [line] = [r for r in book.active.iter_rows(values_only=True) if r[1] == setup.duc_linh.name]
    assert "0/0" in line and "○ Không phát sinh" in line
    # The trend said "– / – Chưa có số liệu" where its file said "0/0 ○ Không phát sinh".
    trend = {"indicator": setup.ind(RATIO).pk, "unit": setup.duc_linh.pk, "on": LEGACY.isoformat()}
    page = client_for(province_officer).get(reverse("dashboards:trend", args=[plan.pk]), trend).content.decode()
    year = re.search(r'<th scope="row">Năm 2023</th>(.*?)</tr>', page, re.S).group(1)
    assert "0/0" in year and "Không phát sinh" in year and "Chưa có số liệu" not in year


def test_a_long_chart_title_wraps_instead_of_running_off_the_chart():
    """A trend's title (the indicator's name and the unit's) was cut at the chart's edge: the unit was lost."""
    title = (
        "CT13. Số trẻ em bị bạo lực, xâm hại, tai nạn thương tích được hỗ trợ, can thiệp (từ hồ sơ vụ việc) — "
        "Tỉnh Bình Thuận"
    )
    svg = "{http://www.w3.org/2000/svg}"
    for drawn in (
        line_chart(title, ["2022", "2023"], [Series("a", [D(1), D(6)], "#000")], key="t"),
        line_chart(title, ["2022", "2023"], [Series("a", [None, None], "#000")], key="t", empty="ẩn"),
    ):
        root = ET.fromstring(drawn)  # noqa: S314
        heading = [t.text for t in root.iter(f"{svg}text") if t.get("font-weight") == "600"]
        assert len(heading) > 1 and " ".join(heading) == title
        assert all(len(line) <= 90 for line in heading)
        ys = [float(t.get("y")) for t in root.iter(f"{svg}text")]
        assert max(ys) < float(root.get("height"))  # the legend moved down with the plot, still inside


def test_the_compliance_tab_says_it_has_no_view_of_a_span_of_some_years(
    reported, client_for, api_client_for, province_officer
):
    """A span chosen on another tab (2022–2023) was silently replaced by the last year with a report due."""
    plan = reported.plan
    page = client_for(province_officer).get(reverse("dashboards:compliance", args=[plan.pk]), {"period": "2022-2023"})
    assert "Thẻ này xem từng năm hoặc cả kế hoạch, không xem Giai đoạn 2022–2023: đang xem" in page.content.decode()
    refused = api_client_for(province_officer).get(
        f"/api/dashboards/plans/{plan.pk}/compliance", {"period": "2022-2023"}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "period"
    whole = api_client_for(province_officer).get(
        f"/api/dashboards/plans/{plan.pk}/compliance", {"period": f"{plan.first_year}-{plan.last_year}"}
    )
    assert whole.status_code == 200 and whole.json()["year"] is None
    chosen = api_client_for(province_officer).get(
        f"/api/dashboards/plans/{plan.pk}/compliance", {"period": "2022-2023", "year": "2023"}
    )
    assert chosen.status_code == 200 and chosen.json()["year"] == 2023


def test_vietnamese_names_on_an_english_page_are_marked_as_vietnamese(reported, client_for, province_officer):
    """A screen reader read the plan's, units' and indicators' names with an English voice (WCAG 3.1.2)."""
    client = client_for(province_officer)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    query = {"period": "2023", "on": LEGACY.isoformat()}
    page = client.get(reverse("dashboards:matrix", args=[reported.plan.pk]), query).content.decode()
    assert '<html lang="en">' in page
    assert f'<h1 lang="vi">{reported.plan.title}</h1>' in page
    assert re.search(rf'<span lang="vi"><a href="[^"]*">{reported.duc_linh.name}</a></span>', page)
    assert f'<span lang="vi">{reported.ind(COUNT).name}</span>' in page
