"""Case figures feeding plan indicators (reporting/sources.py): children supported, emergency measures within 12
hours, plans within 5 working days, the median time to the first intervention, per display unit and period."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

import factories as f
from giamsat.cases import services
from giamsat.cases.choices import AssessmentKind, RiskLevel
from giamsat.cases.models import Case, SupportPlan
from giamsat.core.periods import Period
from giamsat.plans.choices import Direction, IndicatorKind, TimeAggregation, UnitAggregation
from giamsat.plans.models import Indicator, Plan, Programme
from giamsat.reporting import sources
from giamsat.reporting.achievement import Ratio
from giamsat.reporting.queries import achievement_matrix
from giamsat.units.choices import Level
from giamsat.units.models import Organisation, Unit, UnitSuccession
from plan_fixtures import bare_plan, set_target
from test_cases_fixtures import new_case

pytest_plugins = ["test_cases_fixtures"]

H = datetime.timedelta(hours=1)


def at(y, m, d, hh=8):
    return timezone.make_aware(datetime.datetime(y, m, d, hh, 0))


def _case(worker, commune, received, *, risk, emergency_after=None, plan_after=None, service_after=None, name="Demo"):
    case = new_case(
        worker, commune, received_at=received, channel="direct", child_name=f"Trẻ {name} Demo", harms=["violence"]
    )
    services.do_assess(
        case,
        acting_user=worker,
        kind=AssessmentKind.INITIAL,
        assessed_at=received + H,
        risk_level=risk,
        protection_level="support",
    )
    if emergency_after is not None:
        services.do_emergency(case, acting_user=worker, kind="separation", taken_at=received + emergency_after)
    if plan_after is not None:
        services.do_save_plan(case, acting_user=worker, objectives="a", activities="b")
        services.do_submit_plan(case, acting_user=worker)
        SupportPlan.objects.filter(case=case).update(submitted_at=received + plan_after)
    if service_after is not None:
        services.do_add_service(
            case,
            acting_user=worker,
            kind="counselling",
            provider="Demo",
            delivered_at=received + service_after,
            outcome="completed",
        )
    case.refresh_from_db()
    return services.refresh_clock(case)


@pytest.fixture
def cases_2023(commune_worker):
    """Four cases of legacy Huyện Đức Linh in 2023 (all its communes were taken over by the worker's commune or
    its neighbours: the worker of Xã Đức Linh covers Võ Xu) and one of Tánh Linh."""
    vo_xu = f.legacy_commune(f.VO_XU)
    tanh_worker = f.CommuneWorkerFactory(username="baove_tanhlinh", unit=f.legacy_district(f.TANH_LINH))
    tanh_commune = f.legacy_district(f.TANH_LINH).children.order_by("code").first()
    made = [
        _case(commune_worker, vo_xu, at(2023, 3, 1), risk=RiskLevel.HIGH, emergency_after=5 * H, name="A"),
        _case(commune_worker, vo_xu, at(2023, 3, 10), risk=RiskLevel.HIGH, emergency_after=20 * H, name="B"),
        # Monday 03/4/2023: 5 working days end on Monday 10/4.
        _case(
            commune_worker,
            vo_xu,
            at(2023, 4, 3, 9),
            risk=RiskLevel.MEDIUM,
            plan_after=48 * H,
            service_after=48 * H,
            name="C",
        ),
        _case(
            commune_worker,
            vo_xu,
            at(2023, 4, 3, 9),
            risk=RiskLevel.MEDIUM,
            plan_after=10 * 24 * H,
            service_after=100 * H,
            name="D",
        ),
        _case(tanh_worker, tanh_commune, at(2023, 5, 2), risk=RiskLevel.LOW, service_after=3 * H, name="E"),
    ]
    return made


def _values(name, units, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31)):
    mapping = {u.pk: u.pk for u in units}
    return sorted(sources.get(name)(None, mapping, start, end), key=lambda row: (row[0], row[1]))


def test_the_case_sources_are_registered_when_the_app_is_ready():
    names = sources.names()
    for name in (
        "cases.children_supported",
        "cases.children_supported.sexual_abuse",
        "cases.children_supported.accident",
        "cases.emergency_within_12h",
        "cases.plan_within_5_working_days",
        "cases.median_hours_to_first_intervention",
        "cases.received",
    ):
        assert name in names
    assert "cases.children_supported.sexual_rape" not in names  # sub-forms count under sexual abuse


def test_children_supported_count_per_district_and_month_of_first_intervention(cases_2023):
    duc_linh, tanh_linh = f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)
    rows = _values("cases.children_supported", [duc_linh, tanh_linh])
    assert rows == sorted(
        [
            (duc_linh.pk, datetime.date(2023, 3, 31), Decimal(2)),
            (duc_linh.pk, datetime.date(2023, 4, 30), Decimal(2)),
            (tanh_linh.pk, datetime.date(2023, 5, 31), Decimal(1)),
        ]
    )
    assert _values("cases.children_supported.sexual_abuse", [duc_linh]) == []
    # The province counts everything below it.
    province = f.legacy_province(f.BINH_THUAN)
    assert sum(v for _u, _d, v in _values("cases.children_supported", [province])) == 5


def test_a_case_counts_for_its_commune_else_its_district_else_its_province(cases_2023):
    """Display units of several levels at once (a matrix's province row with its districts' rows): the nearest
    one wins, as in reporting/sources.py. The fixture's Đức Linh cases are all in Võ Xu, Tánh Linh's elsewhere."""
    vo_xu, tanh_linh = f.legacy_commune(f.VO_XU), f.legacy_district(f.TANH_LINH)
    province = f.legacy_province(f.BINH_THUAN)

    def counted(units):
        rows = _values("cases.received", units)
        return {unit: sum(v for u, _d, v in rows if u == unit.pk) for unit in units}

    assert counted([vo_xu, tanh_linh, province]) == {vo_xu: 4, tanh_linh: 1, province: 0}
    assert counted([vo_xu, province]) == {vo_xu: 4, province: 1}
    assert counted([province]) == {province: 5}


def test_the_share_of_emergencies_within_12_hours_and_of_plans_within_5_working_days(cases_2023):
    duc_linh = f.legacy_district(f.DUC_LINH)
    assert _values("cases.emergency_within_12h", [duc_linh]) == [(duc_linh.pk, datetime.date(2023, 3, 31), Ratio(1, 2))]
    assert _values("cases.plan_within_5_working_days", [duc_linh]) == [
        (duc_linh.pk, datetime.date(2023, 4, 30), Ratio(1, 2))
    ]


def test_the_median_time_to_first_intervention_is_found_by_the_database(cases_2023, commune_worker):
    duc_linh, tanh_linh = f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)
    # Đức Linh: 5, 20, 48 and 100 hours -> (20 + 48) / 2. Tánh Linh's one case (3 hours) makes no median: it would
    # be that child's delay.
    assert _values("cases.median_hours_to_first_intervention", [duc_linh, tanh_linh]) == [
        (duc_linh.pk, datetime.date(2023, 12, 31), Decimal("34.0"))
    ]
    # An odd count takes the middle case; a period ending before the year does cuts the year short.
    _case(commune_worker, f.legacy_commune(f.VO_XU), at(2023, 3, 20), risk=RiskLevel.HIGH, emergency_after=9 * H)
    rows = _values("cases.median_hours_to_first_intervention", [duc_linh], end=datetime.date(2023, 3, 31))
    assert rows == [(duc_linh.pk, datetime.date(2023, 3, 31), Decimal("9.0"))]


def test_cases_outside_the_period_or_marked_duplicate_do_not_count(cases_2023, commune_worker):
    duc_linh = f.legacy_district(f.DUC_LINH)
    first, second = cases_2023[0], cases_2023[1]
    second.duplicate_of = first
    second.save(update_fields=["duplicate_of"])
    rows = _values(
        "cases.children_supported", [duc_linh], start=datetime.date(2023, 3, 1), end=datetime.date(2023, 3, 31)
    )
    assert rows == [(duc_linh.pk, datetime.date(2023, 3, 31), Decimal(1))]
    assert _values("cases.received", [duc_linh], start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)) == []


def test_a_period_runs_from_local_midnight_to_local_midnight(cases_2023):
    """Days are Vietnam's: a case received at 00:00 or 23:59 local time belongs to that day (UTC would put the
    first on the previous day)."""
    vo_xu = f.legacy_commune(f.VO_XU)
    first = cases_2023[0]

    def received_on(day):
        return sum(v for _u, _d, v in _values("cases.received", [vo_xu], start=day, end=day))

    march_1, march_2, february_28 = datetime.date(2023, 3, 1), datetime.date(2023, 3, 2), datetime.date(2023, 2, 28)
    before = received_on(march_1)
    for moment in (at(2023, 3, 1, 0), timezone.make_aware(datetime.datetime(2023, 3, 1, 23, 59, 59))):
        Case.objects.filter(pk=first.pk).update(received_at=moment)
        assert received_on(march_1) == before
        assert received_on(february_28) == received_on(march_2) == 0


def test_a_case_counts_in_its_local_month_across_a_year(cases_2023):
    """Months are Vietnam's too: 00:30 on 1 March local time is still 28 February in UTC, and a window across
    New Year keeps each month apart, the last one cut at the window's end."""
    vo_xu = f.legacy_commune(f.VO_XU)
    first, second = cases_2023[0], cases_2023[1]
    Case.objects.filter(pk=first.pk).update(received_at=timezone.make_aware(datetime.datetime(2023, 3, 1, 0, 30)))
    Case.objects.filter(pk=second.pk).update(received_at=timezone.make_aware(datetime.datetime(2022, 12, 31, 23, 59)))
    rows = _values("cases.received", [vo_xu], start=datetime.date(2022, 11, 15), end=datetime.date(2023, 4, 10))
    assert rows == [
        (vo_xu.pk, datetime.date(2022, 12, 31), Decimal(1)),
        (vo_xu.pk, datetime.date(2023, 3, 31), Decimal(1)),
        (vo_xu.pk, datetime.date(2023, 4, 10), Decimal(2)),
    ]


def _median_indicator(plan: Plan) -> Indicator:
    return Indicator.objects.create(
        plan=plan,
        code="CT16",
        name="Giờ đến can thiệp",
        measure="giờ",
        direction=Direction.DECREASE,
        time_aggregation=TimeAggregation.LATEST,
        unit_aggregation=UnitAggregation.AVERAGE,
        source="cases.median_hours_to_first_intervention",
    )


def test_a_plan_page_shows_the_case_figures_without_retyping(cases_2023):
    duc_linh, tanh_linh = f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)
    plan = bare_plan("99/KH-UBND")
    ratio = {
        "kind": IndicatorKind.RATIO,
        "unit_aggregation": UnitAggregation.RATIO,
        "time_aggregation": TimeAggregation.SUM,
    }
    Indicator.objects.create(
        plan=plan, code="CT13", name="Trẻ được hỗ trợ", measure="trẻ em", source="cases.children_supported"
    )
    Indicator.objects.create(
        plan=plan, code="CT14", name="Khẩn cấp trong 12 giờ", measure="%", source="cases.emergency_within_12h", **ratio
    )
    _median_indicator(plan)
    for indicator in plan.indicators.all():
        indicator.full_clean()  # the computed sources are accepted by the indicator's own validation
    [row_dl, row_tl] = achievement_matrix(plan, [duc_linh, tanh_linh], Period.year(2023), datetime.date(2024, 1, 10))
    assert [c.actual for c in row_dl.cells] == [Decimal(4), Ratio(1, 2), Decimal("34")]
    assert row_dl.cells[1].actual_shown == Decimal(50)
    assert [c.actual for c in row_tl.cells] == [Decimal(1), None, None]  # a median of one case is not made


def test_the_plan_dashboards_hide_small_case_counts_as_the_cases_dashboard_does(
    cases_2023, client_for, api_client_for, admin_user, province_officer
):
    """Leaders, viewers and administrators see no case count of 1 or 2 on the cases dashboard; the plan tables
    showed them (one child of a district, with that child's delay), in the matrix, its download and the API."""
    from giamsat.dashboards import queries as dash_queries

    province = f.legacy_province(f.BINH_THUAN)
    duc_linh, tanh_linh = f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)
    plan = bare_plan("98/KH-UBND")
    received = Indicator.objects.create(plan=plan, code="CT13", name="Vụ việc", measure="vụ", source="cases.received")
    _median_indicator(plan)
    query = {"period": "2023", "on": dash_queries.LAST_LEGACY_DAY.isoformat()}

    def figures(user, column=0) -> dict:
        data = api_client_for(user).get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
        rows = {row["unit"]["id"]: row["cells"][column] for row in [data["total"], *data["rows"]]}
        return {
            unit: None if cell["hidden"] else cell["actual"] and Decimal(cell["actual"])
            for unit, cell in rows.items()
            if unit in wanted
        }

    wanted = {province.pk, duc_linh.pk, tanh_linh.pk}
    # Tánh Linh's one case is hidden, and Đức Linh's four with it: else 5 - 4 would give it away.
    assert figures(admin_user) == {province.pk: 5, duc_linh.pk: None, tanh_linh.pk: None}
    assert figures(province_officer) == {province.pk: 5, duc_linh.pk: 4, tanh_linh.pk: 1}
    # Đức Linh's median (of at least 3 cases) would say its hidden count is not 1 or 2, and so Tánh Linh's at most 2.
    assert figures(admin_user, 1)[duc_linh.pk] is None and figures(admin_user, 1)[province.pk] is not None
    assert figures(province_officer, 1)[duc_linh.pk] == Decimal("34")

    # Opened, Đức Linh's own matrix and trend gave its 4 back (and with it Tánh Linh's 1): hidden there too, and
    # its communes' figures with it, which would add up to it.
    def opened(user) -> tuple:
        api = api_client_for(user)
        data = api.get(f"/api/dashboards/plans/{plan.pk}/matrix", {**query, "unit": duc_linh.pk}).json()
        shown = [None if r["cells"][0]["hidden"] else r["cells"][0]["actual"] for r in [data["total"], *data["rows"]]]
        trend = api.get(
            f"/api/dashboards/plans/{plan.pk}/trend", {**query, "unit": duc_linh.pk, "indicator": received.pk}
        ).json()
        [point] = [p["cell"] for p in trend["points"] if p["period"]["label"] == "Năm 2023"]
        return shown[0], [n for n in shown[1:] if n not in (None, "0")], point["hidden"], point["actual"]

    assert opened(admin_user) == (None, [], True, None)
    assert opened(province_officer) == ("4", ["4"], False, "4")

    # A hidden figure's target is counted apart, and said to be: not silently dropped from "x/y chỉ tiêu đạt".
    set_target(received, duc_linh, 2023, 10)
    rows = {
        r["unit"]["id"]: r
        for r in api_client_for(admin_user).get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()["rows"]
    }
    assert (rows[duc_linh.pk]["targets_hidden"], rows[duc_linh.pk]["targets_with_data"]) == (1, 0)
    page = client_for(admin_user).get(f"/dashboards/plans/{plan.pk}/", query).content.decode()
    assert "+1 ẩn" in page and 'data-testid="matrix-hidden-note"' in page
    officer = client_for(province_officer).get(f"/dashboards/plans/{plan.pk}/", query).content.decode()
    assert "+1 ẩn" not in officer and 'data-testid="matrix-hidden-note"' not in officer

    client = client_for(admin_user)
    page = client.get(f"/dashboards/plans/{plan.pk}/", query).content.decode()
    assert "Dưới 3 vụ việc: ẩn để bảo vệ trẻ em" in page
    # The legend said "trung bình các đơn vị" of a median the province works out from all its own cases.
    assert "(giờ; giảm; kỳ gần nhất; mỗi đơn vị tính thẳng từ hồ sơ của mình)" in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/dashboards/plans/{plan.pk}/matrix.xlsx", query).content))
    by_name = {line[1]: line[4] for line in list(sheet.active.iter_rows(values_only=True))[1:]}
    assert (by_name[tanh_linh.name], by_name[duc_linh.name], by_name[province.name]) == ("ẩn", "ẩn", 5)
    trend = api_client_for(admin_user).get(
        f"/api/dashboards/plans/{plan.pk}/trend", {**query, "unit": tanh_linh.pk, "indicator": received.pk}
    )
    [point] = [p for p in trend.json()["points"] if p["period"]["label"] == "Năm 2023"]
    assert point["cell"]["hidden"] and point["cell"]["actual"] is None


def test_a_plan_shown_in_todays_units_counts_only_the_cases_of_its_own_area(
    cases_2023, api_client_for, province_officer
):
    """A Bình Thuận plan shown in today's units totals under today's Lâm Đồng, which also took over Đắk Nông and
    the old Lâm Đồng: their cases are not the plan's and must not count in its total or its trend."""
    plan = bare_plan("97/KH-UBND")
    received = Indicator.objects.create(plan=plan, code="CT13", name="Vụ việc", measure="vụ", source="cases.received")
    dak_nong = f.legacy_province(f.DAK_NONG)
    elsewhere = Unit.objects.filter(province=dak_nong, level=Level.COMMUNE).order_by("code").first()
    worker = f.CommuneWorkerFactory(username="baove_daknong", unit=elsewhere)
    for name in ("F", "G", "H"):
        _case(worker, elsewhere, at(2023, 6, 1), risk=RiskLevel.LOW, service_after=3 * H, name=name)
    lam_dong = f.current_province(f.LAM_DONG)
    query = {"period": "2023", "on": "2026-06-30"}
    client = api_client_for(province_officer)

    matrix = client.get(f"/api/dashboards/plans/{plan.pk}/matrix", query).json()
    assert matrix["total"]["unit"]["id"] == lam_dong.pk
    assert Decimal(matrix["total"]["cells"][0]["actual"]) == 5
    rows = {row["unit"]["id"]: row["cells"][0]["actual"] for row in matrix["rows"] if row["cells"][0]["actual"]}
    # Võ Xu's four went wholly into Xã Đức Linh; Tánh Linh's one counts for a row only if its commune did too.
    tanh_commune = f.legacy_district(f.TANH_LINH).children.order_by("code").first()
    whole = UnitSuccession.objects.filter(predecessor=tanh_commune, partly=False).values_list("successor_id", flat=True)
    assert rows == {f.current_commune("Xã Đức Linh").pk: "4", **{pk: "1" for pk in whole}}
    trend = client.get(
        f"/api/dashboards/plans/{plan.pk}/trend", {**query, "unit": lam_dong.pk, "indicator": received.pk}
    ).json()
    [point] = [p for p in trend["points"] if p["period"]["label"] == "Năm 2023"]
    assert Decimal(point["cell"]["actual"]) == 5


def test_a_plan_of_todays_province_counts_the_cases_of_every_old_unit_it_took_over(
    cases_2023, api_client_for, province_officer
):
    """Today's Lâm Đồng took over Bình Thuận, Đắk Nông and the old Lâm Đồng wholly: its plan counts their cases of
    before the reform, in its total and in the rows of today's communes that took over the old ones."""
    lam_dong = f.current_province(f.LAM_DONG)
    plan = Plan.objects.create(
        reference="96/KH-UBND",
        issuer=Organisation.objects.get(name="Ủy ban nhân dân tỉnh Lâm Đồng"),
        issued_on=datetime.date(2026, 1, 5),
        title="Kế hoạch thử của tỉnh mới",
        programme=Programme.objects.create(name="Bảo vệ trẻ em (thử)"),
        first_year=2021,
        last_year=2030,
    )
    Indicator.objects.create(plan=plan, code="CT13", name="Vụ việc", measure="vụ", source="cases.received")
    elsewhere = Unit.objects.filter(province=f.legacy_province(f.DAK_NONG), level=Level.COMMUNE).order_by("code")[0]
    worker = f.CommuneWorkerFactory(username="baove_daknong", unit=elsewhere)
    _case(worker, elsewhere, at(2023, 6, 1), risk=RiskLevel.LOW, service_after=3 * H, name="F")
    matrix = (
        api_client_for(province_officer)
        .get(f"/api/dashboards/plans/{plan.pk}/matrix", {"period": "2023", "on": "2026-06-30"})
        .json()
    )
    assert matrix["total"]["unit"]["id"] == lam_dong.pk and matrix["total"]["cells"][0]["actual"] == "6"
    rows = {row["unit"]["id"]: row["cells"][0]["actual"] for row in matrix["rows"]}
    assert rows[f.current_commune("Xã Đức Linh").pk] == "4"
