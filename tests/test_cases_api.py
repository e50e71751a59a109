"""The cases API with real bearer tokens: a hotline system records an intake; malformed input answers 422 with
field-level errors and saves nothing; reads are scoped and logged; every endpoint answers 404 to outsiders."""

import datetime

import pytest
from django.utils import timezone

from giamsat.cases.choices import AccessAction
from giamsat.cases.models import Case, CaseAccess
from test_cases_fixtures import CHILD, assess

pytest_plugins = ["test_cases_fixtures"]


def _intake(commune, **overrides):
    body = {
        "channel": "hotline_111",
        "received_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "commune_id": commune.pk,
        "child_name": CHILD,
        "child_birth_date": "2015-06-01",
        "sex": "female",
        "harms": ["sexual_rape"],
        "setting": "community",
        "perpetrator_relation": "acquaintance",
        "narrative": "Nội dung minh họa.",
        "immediate_danger": True,
    }
    body.update(overrides)
    return body


def test_a_hotline_system_records_an_intake(hotline_operator, commune_worker, duc_linh, api_client_for):
    response = api_client_for(hotline_operator).post("/api/cases", _intake(duc_linh), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("VV-") and body["forwarded_at"]
    assert body["harms"] == ["sexual_abuse", "sexual_rape"]
    assert body["age_group"] == "11-15" and "child_name" not in body
    case = Case.objects.get(pk=body["id"])
    assert case.child_name == CHILD and case.recorded_by == hotline_operator
    assert case.emergency_required  # reported as in immediate danger: the 12-hour clock runs at once


def test_malformed_intake_gives_field_errors_and_saves_nothing(hotline_operator, duc_linh, vo_xu, api_client_for):
    client = api_client_for(hotline_operator)
    before = Case.objects.count()
    response = client.post(
        "/api/cases",
        _intake(duc_linh, channel="fax", harms=[], received_at="hôm qua", age_years=20),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"channel", "harms", "received_at", "age_years"} <= {f.split(".")[-1] for f in fields if f}
    legacy = client.post("/api/cases", _intake(vo_xu), content_type="application/json")
    assert legacy.status_code == 422
    [error] = legacy.json()["errors"]
    assert error["field"] == "commune_id" and "Võ Xu" in error["message"]
    assert Case.objects.count() == before


def test_reading_a_case_is_scoped_and_logged(case, commune_worker, province_officer, api_client_for):
    body = api_client_for(commune_worker).get(f"/api/cases/{case.pk}").json()
    assert body["identity"]["child_name"] == CHILD
    assert CaseAccess.objects.filter(user=commune_worker, case=case, action=AccessAction.API).count() == 1
    officer = api_client_for(province_officer).get(f"/api/cases/{case.pk}").json()
    assert officer["identity"] is None and officer["code"] == case.code


def test_the_clock_steps_services_consent_referral_and_closure(case, commune_worker, chair, api_client_for):
    worker = api_client_for(commune_worker)
    now = timezone.now().isoformat()
    assert (
        worker.post(
            f"/api/cases/{case.pk}/assessments",
            {"kind": "initial", "assessed_at": now, "risk_level": "high", "protection_level": "intervention"},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        worker.post(
            f"/api/cases/{case.pk}/emergency-measures",
            {"kind": "separation", "taken_at": now},
            content_type="application/json",
        ).status_code
        == 201
    )
    steps = {s["step"]: s["state"] for s in worker.get(f"/api/cases/{case.pk}/steps").json()}
    assert steps["emergency"] == "done" and steps["initial_assessment"] == "done"
    plan = worker.put(
        f"/api/cases/{case.pk}/plan",
        {"objectives": "An toàn", "activities": "Tạm lánh", "submit": True},
        content_type="application/json",
    )
    assert plan.json()["status"] == "submitted"
    assert (
        worker.post(
            f"/api/cases/{case.pk}/plan/decision", {"approve": True}, content_type="application/json"
        ).status_code
        == 404
    )
    decided = api_client_for(chair).post(
        f"/api/cases/{case.pk}/plan/decision",
        {"approve": True, "decision_number": "7/QĐ-UBND"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "approved"
    service = worker.post(
        f"/api/cases/{case.pk}/services",
        {"kind": "shelter", "provider": "Nhà tạm lánh Demo", "delivered_at": now, "outcome": "ongoing"},
        content_type="application/json",
    )
    assert service.status_code == 201
    refused = worker.post(
        f"/api/cases/{case.pk}/referrals",
        {"to_name": "Bệnh viện Demo", "reason": "Khám", "referred_at": now},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "consent_id"
    consent = worker.post(
        f"/api/cases/{case.pk}/consents",
        {"basis": "vital_interest", "given_at": now, "scope": "Chuyển bệnh viện"},
        content_type="application/json",
    ).json()
    assert consent["allows_referral"]
    referral = worker.post(
        f"/api/cases/{case.pk}/referrals",
        {"consent_id": consent["id"], "to_name": "Bệnh viện Demo", "reason": "Khám", "referred_at": now},
        content_type="application/json",
    )
    assert referral.status_code == 201
    response = worker.post(
        f"/api/referrals/{referral.json()['id']}/response",
        {"accept": False, "note": "Quá tải"},
        content_type="application/json",
    )
    assert response.json()["status"] == "declined"
    assert (
        worker.put(f"/api/cases/{case.pk}/offender", {"status": "reported"}, content_type="application/json").json()[
            "offender_status"
        ]
        == "reported"
    )
    # Reviewed after the plan's approval, which a minute turning since `now` would put after `now`.
    review = worker.post(
        f"/api/cases/{case.pk}/reviews",
        {"assessed_at": timezone.now().isoformat(), "risk_level": "none", "child_stable": True, "outcome": "close"},
        content_type="application/json",
    )
    assert review.status_code == 201
    assert worker.get(f"/api/cases/{case.pk}").json()["status"] == "closed"
    assert (
        worker.post(
            f"/api/cases/{case.pk}/closure", {"reason": "other", "note": "x"}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        worker.post(f"/api/cases/{case.pk}/reopen", {"reason": "Tin mới"}, content_type="application/json").json()[
            "cycle"
        ]
        == 2
    )


def test_the_list_holds_only_the_cases_the_caller_may_see(case, legacy_case, district_officer, api_client_for):
    rows = api_client_for(district_officer).get("/api/cases?status=all").json()["items"]
    assert [r["code"] for r in rows] == [legacy_case.code]


ENDPOINTS = [
    ("get", "/api/cases/{id}", None),
    ("get", "/api/cases/{id}/steps", None),
    ("get", "/api/cases/{id}/services", None),
    ("get", "/api/cases/{id}/consents", None),
    ("get", "/api/cases/{id}/referrals", None),
    ("post", "/api/cases/{id}/forward", {}),
    (
        "post",
        "/api/cases/{id}/assessments",
        {
            "kind": "initial",
            "assessed_at": "2026-01-01T08:00:00+07:00",
            "risk_level": "low",
            "protection_level": "support",
        },
    ),
    ("post", "/api/cases/{id}/emergency-measures", {"kind": "separation", "taken_at": "2026-01-01T08:00:00+07:00"}),
    ("put", "/api/cases/{id}/plan", {"objectives": "x", "activities": "y"}),
    ("post", "/api/cases/{id}/plan/decision", {"approve": True}),
    (
        "post",
        "/api/cases/{id}/services",
        {"kind": "health", "provider": "x", "delivered_at": "2026-01-01T08:00:00+07:00", "outcome": "completed"},
    ),
    (
        "post",
        "/api/cases/{id}/consents",
        {"basis": "vital_interest", "given_at": "2026-01-01T08:00:00+07:00", "scope": "x"},
    ),
    ("post", "/api/cases/{id}/referrals", {"to_name": "x", "reason": "y", "referred_at": "2026-01-01T08:00:00+07:00"}),
    ("post", "/api/referrals/{referral}/response", {"accept": True}),
    ("put", "/api/cases/{id}/offender", {"status": "reported"}),
    ("put", "/api/cases/{id}/delay-reason", {"reason": "family_late"}),
    (
        "post",
        "/api/cases/{id}/reviews",
        {"assessed_at": "2026-01-01T08:00:00+07:00", "risk_level": "none", "child_stable": True, "outcome": "close"},
    ),
    ("post", "/api/cases/{id}/closure", {"reason": "other", "note": "x"}),
    ("post", "/api/cases/{id}/reopen", {"reason": "x"}),
]


@pytest.mark.parametrize(
    "persona", ["outsider", "other_commune_worker", "supervisor", "admin_user", "hotline_operator"], indirect=True
)
def test_every_case_endpoint_answers_404_to_outsiders(persona, case, commune_worker, api_client_for):
    from giamsat.cases import services

    consent = services.do_record_consent(
        case, acting_user=commune_worker, basis="vital_interest", given_at=timezone.now(), scope="x"
    )
    referral = services.do_refer(
        case, acting_user=commune_worker, consent=consent, to_name="x", reason="y", referred_at=timezone.now()
    )
    client = api_client_for(persona)
    for method, path, body in ENDPOINTS:
        url = path.format(id=case.pk, referral=referral.pk)
        response = (
            getattr(client, method)(url, body, content_type="application/json")
            if body is not None
            else getattr(client, method)(url)
        )
        assert response.status_code == 404, (method, url, response.content)
    assert not CaseAccess.objects.filter(user=persona).exists()
    listed = client.get("/api/cases?status=all")
    assert listed.status_code == 200 and listed.json()["items"] == []


def test_statistics_are_counts_only(case, legacy_case, commune_worker, supervisor, api_client_for):
    assess(case, commune_worker)
    body = api_client_for(supervisor).get("/api/case-statistics").json()
    # Women's Union of legacy Bình Thuận: the 2023 case of Võ Xu. The supervisor may not see cases, so a count
    # below 3 is hidden, as on the dashboard; with one case in all, even which forms occur would describe it.
    assert body["total"] == {"key": "", "label": "Tổng", "count": None, "shown": "ẩn"}
    assert body["by_harm"] == [] and body["by_sex"] == []
    assert CHILD not in str(body)
    # The Đức Linh worker sees both cases (Đức Linh's and legacy Võ Xu's), so the exact counts.
    own = api_client_for(commune_worker).get("/api/case-statistics").json()
    assert own["total"] == {"key": "", "label": "Tổng", "count": 2, "shown": "2"}
    assert {"key": "violence", "label": "Bạo lực", "count": 2, "shown": "2"} in own["by_harm"]
