"""The JSON API of plans and reporting (giamsat.plans.api, giamsat.reporting.api): reads and writes per role,
the workflow's 409s, and a 404 for outsiders and a 401 for anonymous callers on every endpoint."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

import factories as f
from giamsat.core.periods import Period
from giamsat.plans.api import UnitAchievementOut
from giamsat.plans.models import Indicator, Target, Task
from giamsat.plans.queries import reporting_units
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.models import IndicatorValue, Report
from giamsat.reporting.queries import plan_achievement
from plan_fixtures import AMOUNT, BY_SEX, COUNT, DECREASE, MILESTONE, RATIO, accepted_report

pytest_plugins = ["plan_fixtures"]

D = Decimal
JSON = "application/json"


def dec(value) -> Decimal | None:
    return None if value is None else D(str(value))


@pytest.fixture
def api(api_client_for):
    return api_client_for


@pytest.fixture
def task(plan_setup):
    return Task.objects.create(plan=plan_setup.plan, order=1, text="Tuyên truyền nâng cao nhận thức")


def draft_payload(setup, revision=0, count=12) -> dict:
    ind = setup.ind
    return {
        "revision": revision,
        "results": "Tổ chức 12 cuộc truyền thông.",
        "values": [
            {"indicator_id": ind(COUNT).pk, "value": str(count), "source": "Phòng VH-TT"},
            {"indicator_id": ind(RATIO).pk, "numerator": "1800", "denominator": "2000"},
            {"indicator_id": ind(DECREASE).pk, "value": "5"},
            {"indicator_id": ind(MILESTONE).pk, "value": "1"},
            {"indicator_id": ind(AMOUNT).pk, "value": "48500000"},
            {"indicator_id": ind(BY_SEX).pk, "value": "95"},
            {"indicator_id": ind(BY_SEX).pk, "breakdown": "sex=nu", "value": "50"},
        ],
    }


def duc_linh_count_2022(setup) -> Decimal:
    return Target.objects.get(indicator=setup.ind(COUNT), unit=setup.duc_linh, period_start__year=2022).value


# --------------------------------------------------------------------------------------- plans


def test_the_plan_list_holds_what_the_user_sees(api, province_officer, outsider, plan_setup):
    body = api(province_officer).get("/api/plans").json()
    assert body["count"] == 1
    assert body["items"][0]["reference"] == "1318/KH-UBND"
    assert body["items"][0]["issuer_id"] == plan_setup.plan.issuer_id
    assert api(outsider).get("/api/plans").json() == {"items": [], "count": 0}


def test_a_plan_is_read_by_id(api, district_officer, plan_setup):
    body = api(district_officer).get(f"/api/plans/{plan_setup.plan.pk}").json()
    assert (body["id"], body["first_year"], body["last_year"], body["status"]) == (
        plan_setup.plan.pk,
        2021,
        2025,
        "in_force",
    )


def test_the_indicators_of_a_plan(api, province_officer, plan_setup):
    rows = api(province_officer).get(f"/api/plans/{plan_setup.plan.pk}/indicators").json()
    assert [(r["code"], r["kind"], r["unit_aggregation"]) for r in rows] == [
        (COUNT, "count", "sum"),
        (RATIO, "ratio", "ratio"),
        (DECREASE, "count", "sum"),
        (MILESTONE, "milestone", "average"),
        (AMOUNT, "amount", "sum"),
        (BY_SEX, "count", "sum"),
    ]
    assert rows[2]["direction"] == "decrease" and dec(rows[2]["baseline_value"]) == 10
    assert rows[5]["disaggregations"] == ["sex"]


def test_the_targets_of_a_period(api, province_officer, district_officer, plan_setup):
    url = f"/api/plans/{plan_setup.plan.pk}/targets?period=2022"
    rows = api(province_officer).get(url).json()
    assert len(rows) == 18  # 6 indicators × Đức Linh, Tánh Linh and the province
    assert {(r["period_start"], r["period_end"], r["period_kind"]) for r in rows} == {
        ("2022-01-01", "2022-12-31", "year")
    }
    mine = api(district_officer).get(url).json()
    assert {r["unit_id"] for r in mine} == {plan_setup.duc_linh.pk, plan_setup.province.pk}  # not Tánh Linh's
    count = next(
        r for r in mine if r["indicator_id"] == plan_setup.ind(COUNT).pk and r["unit_id"] == plan_setup.duc_linh.pk
    )
    assert dec(count["value"]) == 10
    assert len(api(province_officer).get(f"/api/plans/{plan_setup.plan.pk}/targets").json()) == 36


def test_a_bad_period_is_a_422(api, province_officer, plan_setup):
    response = api(province_officer).get(f"/api/plans/{plan_setup.plan.pk}/targets?period=năm-nay")
    assert response.status_code == 422


def test_the_province_officer_sets_a_periods_targets(api, province_officer, plan_setup):
    ind, dl, tl = plan_setup.ind, plan_setup.duc_linh, plan_setup.tanh_linh
    payload = [
        {"indicator_id": ind(COUNT).pk, "unit_id": dl.pk, "value": "11"},
        {"indicator_id": ind(COUNT).pk, "unit_id": tl.pk, "value": None},
        {"indicator_id": ind(AMOUNT).pk, "unit_id": dl.pk, "value": "50000000"},  # unchanged
    ]
    response = api(province_officer).put(
        f"/api/plans/{plan_setup.plan.pk}/targets?period=2024", payload, content_type=JSON
    )
    assert response.status_code == 200
    # 2024 had no targets: two new cells; the null removes nothing that was there.
    assert response.json() == {"changed": 2}
    response = api(province_officer).put(
        f"/api/plans/{plan_setup.plan.pk}/targets?period=2022", payload, content_type=JSON
    )
    assert response.json() == {"changed": 2}
    cells = Target.objects.filter(indicator__plan=plan_setup.plan, period_start=datetime.date(2022, 1, 1))
    assert cells.get(indicator=ind(COUNT), unit=dl).value == 11
    assert not cells.filter(indicator=ind(COUNT), unit=tl).exists()
    assert cells.get(indicator=ind(AMOUNT), unit=dl).value == 50_000_000


@pytest.mark.parametrize("persona", ["district_officer", "supervisor", "outsider"], indirect=True)
def test_only_the_plan_owners_set_targets(api, persona, plan_setup):
    payload = [{"indicator_id": plan_setup.ind(COUNT).pk, "unit_id": plan_setup.duc_linh.pk, "value": "99"}]
    response = api(persona).put(f"/api/plans/{plan_setup.plan.pk}/targets?period=2022", payload, content_type=JSON)
    assert response.status_code == 404
    assert duc_linh_count_2022(plan_setup) == 10


def test_the_api_refuses_a_negative_target(api, province_officer, plan_setup):
    payload = [{"indicator_id": plan_setup.ind(COUNT).pk, "unit_id": plan_setup.duc_linh.pk, "value": "-5"}]
    response = api(province_officer).put(
        f"/api/plans/{plan_setup.plan.pk}/targets?period=2022", payload, content_type=JSON
    )
    assert response.status_code == 422
    assert duc_linh_count_2022(plan_setup) == 10


def test_the_api_refuses_a_target_for_a_unit_outside_the_plan(api, province_officer, plan_setup):
    ba_dinh = f.current_commune("Phường Ba Đình", f.HANOI)
    payload = [{"indicator_id": plan_setup.ind(COUNT).pk, "unit_id": ba_dinh.pk, "value": "5"}]
    response = api(province_officer).put(
        f"/api/plans/{plan_setup.plan.pk}/targets?period=2022", payload, content_type=JSON
    )
    assert response.status_code in (404, 422)
    assert not Target.objects.filter(unit=ba_dinh).exists()


def test_the_tasks_of_a_plan(api, district_officer, plan_setup, task):
    rows = api(district_officer).get(f"/api/plans/{plan_setup.plan.pk}/tasks").json()
    assert [(r["id"], r["text"], r["status"]) for r in rows] == [(task.pk, task.text, "not_started")]


def test_the_achievement_matches_the_matrix(api, province_officer, plan_setup):
    ind = plan_setup.ind
    accepted_report(
        plan_setup.request("dl", 2023),
        {ind(COUNT): 12, ind(RATIO): (1800, 2000), ind(DECREASE): 5, ind(MILESTONE): 1, ind(AMOUNT): 30_000_000},
    )
    accepted_report(plan_setup.request("tl", 2023), {ind(COUNT): 6, ind(RATIO): (950, 1000), ind(DECREASE): 2})
    accepted_report(plan_setup.request("tl", 2022), {ind(COUNT): 100}, status=ReportStatus.SUBMITTED)
    rows = api(province_officer).get(f"/api/plans/{plan_setup.plan.pk}/achievement?period=2023").json()
    # Built without the schema's validation (for speed), so it must be exactly what the schema would give.
    assert [UnitAchievementOut.model_validate(row).model_dump(mode="json") for row in rows] == rows
    units = list(reporting_units(plan_setup.plan, province_officer))
    total, districts = plan_achievement(plan_setup.plan, units, Period.year(2023), timezone.localdate())
    # The province first, then each of its ten districts in code order.
    assert [r["unit_id"] for r in rows] == [plan_setup.province.pk, *[u.pk for u in units]]
    assert len(units) == 10 and {plan_setup.duc_linh, plan_setup.tanh_linh} <= set(units)
    for row, expected in zip(rows, [total, *districts], strict=True):
        assert (row["targets_met"], row["targets_with_data"]) == (expected.share.met, expected.share.with_data)
        assert [c["indicator_id"] for c in row["cells"]] == [c.indicator.pk for c in expected.cells]
        for got, cell in zip(row["cells"], expected.cells, strict=True):
            assert dec(got["target"]) == (cell.target.value if cell.target else None)
            assert dec(got["actual"]) == cell.actual_shown
            assert dec(got["achieved_percent"]) == cell.percent
            assert got["status"] == cell.status.value
    province = {c["indicator_id"]: c for c in rows[0]["cells"]}
    assert dec(province[ind(COUNT).pk]["actual"]) == 18  # 12 + 6, the submitted 2022 report does not count
    assert dec(province[ind(RATIO).pk]["actual"]) == D("91.666666")  # 2750 / 3000
    assert province[ind(BY_SEX).pk]["status"] == "no_data"
    assert rows[0]["targets_with_data"] == 5


# --------------------------------------------------------------------------------------- report requests


def test_the_requests_are_filtered_by_plan_unit_and_overdue(api, province_officer, district_officer, plan_setup):
    client = api(province_officer)
    everything = client.get("/api/report-requests").json()
    assert everything["count"] == 4
    by_unit = client.get(f"/api/report-requests?unit={plan_setup.tanh_linh.pk}").json()["items"]
    assert {r["unit_id"] for r in by_unit} == {plan_setup.tanh_linh.pk}
    assert client.get(f"/api/report-requests?plan={plan_setup.plan.pk}").json()["count"] == 4
    assert client.get(f"/api/report-requests?plan={plan_setup.plan.pk + 1000}").json()["count"] == 0
    accepted_report(plan_setup.request("dl", 2022), {plan_setup.ind(COUNT): 3}, status=ReportStatus.SUBMITTED)
    overdue = client.get("/api/report-requests?overdue=true").json()["items"]
    assert plan_setup.request("dl", 2022).pk not in {r["id"] for r in overdue}
    assert len(overdue) == 3
    mine = api(district_officer).get("/api/report-requests").json()["items"]
    assert {r["unit_id"] for r in mine} == {plan_setup.duc_linh.pk}
    assert {r["plan_id"] for r in mine} == {plan_setup.plan.pk}
    first = next(r for r in mine if r["period_start"] == "2023-01-01")
    assert (first["period_end"], first["due_on"], first["period_kind"]) == ("2023-12-31", "2024-01-15", "year")


def test_the_versions_of_a_request(api, district_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    accepted_report(req, {plan_setup.ind(COUNT): 5}, version=1, status=ReportStatus.SUPERSEDED)
    accepted_report(req, {plan_setup.ind(COUNT): 6}, version=2)
    rows = api(district_officer).get(f"/api/report-requests/{req.pk}/reports").json()
    assert [(r["version"], r["status"]) for r in rows] == [(2, "accepted"), (1, "superseded")]
    assert [dec(v["value"]) for v in rows[0]["values"]] == [6]


def test_the_district_saves_submits_and_the_province_returns_and_accepts(
    api, district_officer, province_officer, plan_setup
):
    req = plan_setup.request("dl", 2023)
    reporter, reviewer = api(district_officer), api(province_officer)
    response = reporter.put(f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup), content_type=JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["status"], body["revision"]) == (1, "draft", 1)
    assert body["results"] == "Tổ chức 12 cuộc truyền thông."
    ratio = next(v for v in body["values"] if v["indicator_id"] == plan_setup.ind(RATIO).pk)
    assert (dec(ratio["numerator"]), dec(ratio["denominator"])) == (1800, 2000)
    report_id = body["id"]

    assert reporter.post(f"/api/reports/{report_id}/submit").json()["status"] == "submitted"
    response = reviewer.post(f"/api/reports/{report_id}/return", {"comment": ""}, content_type=JSON)
    assert response.status_code == 409
    assert "Hãy ghi ý kiến" in response.json()["message"]
    response = reviewer.post(f"/api/reports/{report_id}/return", {"comment": "Bổ sung nguồn"}, content_type=JSON)
    assert response.json()["status"] == "returned" and response.json()["review_comment"] == "Bổ sung nguồn"
    response = reporter.put(
        f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup, revision=1, count=13), content_type=JSON
    )
    assert response.json()["revision"] == 2
    reporter.post(f"/api/reports/{report_id}/submit")
    response = reviewer.post(f"/api/reports/{report_id}/accept", {"comment": ""}, content_type=JSON)
    assert response.json()["status"] == "accepted"
    assert Report.objects.get(pk=report_id).values.get(indicator=plan_setup.ind(COUNT), breakdown="").value == 13


def test_a_stale_revision_is_a_409_and_changes_nothing(api, district_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    colleague = f.DistrictOfficerFactory(username="huyen_duclinh_2")
    api(colleague).put(f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup), content_type=JSON)
    client = api(district_officer)
    response = client.put(
        f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup, revision=0, count=99), content_type=JSON
    )
    assert response.status_code == 409
    assert "tải lại trang" in response.json()["message"]
    report = Report.objects.get(request=req)
    assert report.revision == 1
    assert report.values.get(indicator=plan_setup.ind(COUNT), breakdown="").value == 12


def test_an_indicator_of_another_plan_is_a_422(api, district_officer, plan_setup):
    from plan_fixtures import make_plan

    other = make_plan(reference="99/KH-UBND")
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"].append({"indicator_id": other.ind(COUNT).pk, "value": "1"})
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "values.indicator_id" and str(other.ind(COUNT).pk) in error["message"]
    assert not Report.objects.filter(request=req).exists()


def test_a_negative_value_is_a_422_with_its_field(api, district_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"][0]["value"] = "-1"
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["values.0.value"]
    assert not Report.objects.filter(request=req).exists()


def test_a_value_rounded_past_the_columns_size_is_a_422_and_the_report_stays_readable(
    api, district_officer, plan_setup
):
    """99999999999999.99999 passed the size check and was stored as 10¹⁴: every later read of the report failed."""
    req = plan_setup.request("dl", 2023)
    client = api(district_officer)
    payload = draft_payload(plan_setup)
    payload["values"][0]["value"] = "99999999999999.99999"
    response = client.put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    assert not Report.objects.filter(request=req).exists()
    payload["values"][0]["value"] = "12.34565"  # rounded half up to the column's 4 places, as a typed cell is
    assert client.put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON).status_code == 200
    assert Report.objects.get(request=req).values.get(indicator=plan_setup.ind(COUNT)).value == Decimal("12.3457")
    assert client.get(f"/api/report-requests/{req.pk}/reports").status_code == 200


@pytest.mark.parametrize("number", ["NaN", "Infinity"])
def test_a_number_that_is_not_finite_is_a_422_in_the_users_language(api, district_officer, plan_setup, number):
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"][0]["value"] = number
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "values.0.value", "message": "Phải là số."}]


def test_a_source_longer_than_its_column_is_a_422_on_its_field(api, district_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"][0]["source"] = "x" * 201
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["values.0.source"]


def test_wrong_workflow_steps_are_409s(api, district_officer, province_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    reporter, reviewer = api(district_officer), api(province_officer)
    report_id = reporter.put(
        f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup), content_type=JSON
    ).json()["id"]
    assert reviewer.post(f"/api/reports/{report_id}/accept", {}, content_type=JSON).status_code == 409
    assert reviewer.post(f"/api/reports/{report_id}/return", {"comment": "x"}, content_type=JSON).status_code == 409
    reporter.post(f"/api/reports/{report_id}/submit")
    assert reporter.post(f"/api/reports/{report_id}/submit").status_code == 409
    response = reporter.put(f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup, 1), content_type=JSON)
    assert response.status_code == 409
    reviewer.post(f"/api/reports/{report_id}/accept", {}, content_type=JSON)
    assert reviewer.post(f"/api/reports/{report_id}/accept", {}, content_type=JSON).status_code == 409
    assert Report.objects.get(pk=report_id).status == ReportStatus.ACCEPTED


def test_a_value_sent_twice_is_a_422_naming_it_and_nothing_is_saved(api, district_officer, plan_setup):
    """The same indicator and breakdown twice in one draft: the database refused the second row with a server
    error."""
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"].append(dict(payload["values"][-1], value="51"))  # Nữ again
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["message"] == f"{BY_SEX}: gửi hai lần cho cùng một phân tổ (sex=nu)."
    assert not IndicatorValue.objects.filter(report__request=req).exists()


def test_missing_values_are_a_409_naming_them(api, district_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"] = payload["values"][:2]
    client = api(district_officer)
    report_id = client.put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON).json()["id"]
    response = client.post(f"/api/reports/{report_id}/submit")
    assert response.status_code == 409
    assert response.json()["message"] == f"Còn thiếu số liệu: {DECREASE}, {MILESTONE}, {AMOUNT}, {BY_SEX}."


def test_the_district_cannot_accept_through_the_api(api, district_officer, plan_setup):
    req = plan_setup.request("dl", 2023)
    report = accepted_report(req, {plan_setup.ind(COUNT): 1}, status=ReportStatus.SUBMITTED)
    assert api(district_officer).post(f"/api/reports/{report.pk}/accept", {}, content_type=JSON).status_code == 404
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


# --------------------------------------------------------------------------------------- no access


@pytest.fixture
def endpoints(plan_setup, task):
    """Every plans/reporting endpoint about the plan and Đức Linh's 2023 request (a submitted report)."""
    plan, req = plan_setup.plan.pk, plan_setup.request("dl", 2023)
    report = accepted_report(req, {plan_setup.ind(COUNT): 1}, status=ReportStatus.SUBMITTED)
    target = [{"indicator_id": plan_setup.ind(COUNT).pk, "unit_id": plan_setup.duc_linh.pk, "value": "1"}]
    return [
        ("get", f"/api/plans/{plan}", None),
        ("get", f"/api/plans/{plan}/indicators", None),
        ("get", f"/api/plans/{plan}/targets", None),
        ("put", f"/api/plans/{plan}/targets?period=2022", target),
        ("get", f"/api/plans/{plan}/tasks", None),
        ("post", f"/api/plans/{plan}/tasks", {"text": "Nhiệm vụ thử"}),
        ("post", f"/api/plans/{plan}/indicators", {"code": "X01", "name": "Chỉ tiêu thử", "measure": "người"}),
        ("get", f"/api/plans/{plan}/achievement?period=2023", None),
        ("get", f"/api/report-requests/{req.pk}", None),
        ("get", f"/api/report-requests/{req.pk}/reports", None),
        ("put", f"/api/report-requests/{req.pk}/draft", draft_payload(plan_setup)),
        ("get", f"/api/reports/{report.pk}", None),
        ("post", f"/api/reports/{report.pk}/submit", None),
        ("post", f"/api/reports/{report.pk}/return", {"comment": "Trả lại"}),
        ("post", f"/api/reports/{report.pk}/accept", {"comment": ""}),
    ]


def _call(client, method, url, payload):
    if payload is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, payload, content_type=JSON)


def test_an_outsider_gets_404_on_every_endpoint(api, outsider, endpoints):
    client = api(outsider)
    before = list(Report.objects.values_list("pk", "status", "revision"))
    tasks, indicators = Task.objects.count(), Indicator.objects.count()
    for method, url, payload in endpoints:
        response = _call(client, method, url, payload)
        assert response.status_code == 404, (method, url, response.status_code)
    assert list(Report.objects.values_list("pk", "status", "revision")) == before
    assert (Task.objects.count(), Indicator.objects.count()) == (tasks, indicators)
    assert client.get("/api/report-requests").json()["count"] == 0


def test_another_district_gets_404_on_the_districts_report(api, tanh_linh_officer, endpoints):
    client = api(tanh_linh_officer)
    for method, url, payload in endpoints:
        if "/report" in url:
            assert _call(client, method, url, payload).status_code == 404, (method, url)
    assert Report.objects.get().status == ReportStatus.SUBMITTED


def test_anonymous_callers_get_401_on_every_endpoint(endpoints):
    client = Client()
    for method, url, payload in [*endpoints, ("get", "/api/plans", None), ("get", "/api/report-requests", None)]:
        assert _call(client, method, url, payload).status_code == 401, (method, url)


@pytest.mark.parametrize(("numerator", "denominator"), [("5", "0"), ("2100", "2000")])
def test_the_api_refuses_an_impossible_ratio(api, district_officer, plan_setup, numerator, denominator):
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup)
    payload["values"][1] = {
        "indicator_id": plan_setup.ind(RATIO).pk,
        "numerator": numerator,
        "denominator": denominator,
    }
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422
    assert not IndicatorValue.objects.filter(report__request=req).exists()


def test_a_figure_too_large_for_its_column_is_a_422_and_starts_no_draft(api, district_officer, plan_setup):
    """485.000.000.000.000 (a zero group too many) was saved; every later read of the report was then a 500."""
    req = plan_setup.request("dl", 2023)
    payload = draft_payload(plan_setup, count=485_000_000_000_000)
    response = api(district_officer).put(f"/api/report-requests/{req.pk}/draft", payload, content_type=JSON)
    assert response.status_code == 422 and "Số quá lớn" in response.json()["message"]
    # Refused before anything was written: no empty draft, no "started" entry in the history.
    assert not Report.objects.filter(request=req).exists()


def test_a_value_in_the_other_kinds_fields_or_an_unknown_breakdown_is_a_422(api, district_officer, plan_setup):
    """A rate sent as one value counted as filled in, so the report could be sent with a figure no total used."""
    req = plan_setup.request("dl", 2023)
    client = api(district_officer)
    url = f"/api/report-requests/{req.pk}/draft"
    for wrong in (
        {"indicator_id": plan_setup.ind(RATIO).pk, "value": "90"},
        {"indicator_id": plan_setup.ind(COUNT).pk, "numerator": "1", "denominator": "2"},
        {"indicator_id": plan_setup.ind(BY_SEX).pk, "breakdown": "sex=khac", "value": "3"},
    ):
        payload = draft_payload(plan_setup)
        payload["values"] = [v for v in payload["values"] if v["indicator_id"] != wrong["indicator_id"]] + [wrong]
        response = client.put(url, payload, content_type=JSON)
        assert response.status_code == 422, (wrong, response.content)
    assert not Report.objects.filter(request=req).exists()
