"""Fixtures and helpers of the child-protection case tests. Load them with
`pytest_plugins = ["test_cases_fixtures"]` (this module holds no tests).

Cases are created through the real services (`do_intake` etc.), so every test goes through encryption, the clock
and the audit trail. The child of every test case has an obviously invented name (CHILD).

PYTEST_DONT_REWRITE
"""

import datetime

import pytest
from django.utils import timezone

import factories as f
from giamsat.accounts.roles import Role
from giamsat.cases import services
from giamsat.cases.choices import AssessmentKind, RiskLevel

CHILD = "Trần Thị Bé Demo"
CHILD_FOLDED = "tran thi be demo"


def intake_data(commune, **overrides) -> dict:
    data = {
        "channel": "hotline_111",
        "received_at": timezone.now() - datetime.timedelta(hours=2),
        "commune": commune,
        "receiving_organisation": "Tổng đài 111",
        "receiving_person": "Tổng Đài Viên Demo",
        "reporter_name": "Người Báo Tin Demo",
        "reporter_phone": "0900000001",
        "reporter_relation": "neighbour",
        "child_name": CHILD,
        "child_birth_date": datetime.date(2016, 3, 4),
        "sex": "female",
        "ethnicity": "Kinh",
        "address_detail": "Thôn Demo 3",
        "school": "Trường Tiểu học Demo",
        "guardian_name": "Mẹ Của Bé Demo",
        "guardian_phone": "0900000002",
        "harms": ["violence"],
        "setting": "family",
        "perpetrator_relation": "step_parent",
        "narrative": "Hàng xóm nghe tiếng trẻ khóc nhiều đêm (nội dung minh họa).",
    }
    data.update(overrides)
    return data


def new_case(user, commune, *, forward_now=True, **overrides):
    return services.do_intake(intake_data(commune, **overrides), acting_user=user, forward_now=forward_now)


def assess(case, worker, risk=RiskLevel.MEDIUM, at=None, protection="support"):
    return services.do_assess(
        case,
        acting_user=worker,
        kind=AssessmentKind.INITIAL,
        assessed_at=at or timezone.now() - datetime.timedelta(minutes=30),
        risk_level=risk,
        protection_level=protection,
    )


def approved_plan(case, worker, chair):
    services.do_save_plan(case, acting_user=worker, objectives="Bảo đảm an toàn cho trẻ", activities="Tư vấn tâm lý")
    services.do_submit_plan(case, acting_user=worker)
    return services.do_decide_plan(case, acting_user=chair, approve=True, decision_number="01/QĐ-UBND")


@pytest.fixture
def duc_linh():
    return f.current_commune("Xã Đức Linh")


@pytest.fixture
def vo_xu():
    """A legacy township of Huyện Đức Linh, merged into Xã Đức Linh on 01/7/2025."""
    return f.legacy_commune(f.VO_XU)


@pytest.fixture
def chair(db):
    """The chair of the People's Committee of current Xã Đức Linh."""
    return f.UserFactory(username="chutich_duclinh", role=Role.COMMUNE_CHAIR, unit=f.current_commune("Xã Đức Linh"))


@pytest.fixture
def case(hotline_operator, commune_worker, duc_linh):
    """A hotline intake about a child of Xã Đức Linh, two hours ago, forwarded at once."""
    assert commune_worker.pk
    return new_case(hotline_operator, duc_linh)


@pytest.fixture
def legacy_case(commune_worker, vo_xu):
    """Recorded by the commune in 2023, in the legacy township of Võ Xu."""
    return new_case(
        commune_worker,
        vo_xu,
        channel="direct",
        received_at=timezone.make_aware(datetime.datetime(2023, 5, 10, 9, 0)),
        child_name="Lê Văn Cũ Demo",
        child_birth_date=datetime.date(2012, 1, 2),
        sex="male",
    )
