"""The demo's child-protection cases (giamsat.demo.cases.load_cases): about twenty invented children of Bình
Thuận 2020–2023, open cases of today's Xã Đức Linh for "baove", and the plan 1318/KH-UBND showing indicators
computed from them."""

import datetime
import re

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.cases import services
from giamsat.cases.choices import OPEN_STATUSES, CaseStatus
from giamsat.cases.models import Case
from giamsat.core.periods import Period
from giamsat.demo.cases import load_cases
from giamsat.demo.loader import load_demo
from giamsat.plans.models import Plan
from giamsat.reporting.achievement import Ratio
from giamsat.reporting.queries import plan_achievement

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo and its cases, loaded once for the module and rolled back after its last test."""
    home = tmp_path_factory.mktemp("cases-demo-home")
    with (
        django_db_blocker.unblock(),
        override_settings(HOME=home, PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        load_demo()  # builds the cases too
        made = Case.objects.count()
        yield made
        transaction.set_rollback(True)


def test_about_twenty_invented_children_and_loading_again_adds_nothing(demo):
    assert 20 <= demo <= 25
    assert Case.objects.count() == demo
    assert all(c.child_name.endswith("Demo") for c in Case.objects.all())
    assert load_cases() == 0
    assert Case.objects.count() == demo


def test_the_history_lives_in_bình_thuận_s_legacy_communes_2020_2023(demo):
    old = Case.objects.filter(received_at__year__lte=2023).select_related("commune__province")
    assert old.count() >= 18
    assert {c.commune.province.code for c in old} == {60}
    assert all(c.commune.is_valid_on(timezone.localtime(c.received_at).date()) for c in old)
    assert {timezone.localtime(c.received_at).year for c in old} == {2020, 2021, 2022, 2023}


def test_the_mix_the_seed_describes(demo):
    cases = list(Case.objects.prefetch_related("harms"))
    harms = {h for c in cases for h in c.harm_codes()}
    assert {"violence", "sexual_abuse", "exploitation", "trafficking", "neglect", "abandonment", "accident"} <= harms
    assert sum(c.channel == "hotline_111" for c in cases) >= 5
    assert sum(bool(c.emergency_at) for c in cases) >= 4
    late_family = [c for c in cases if c.delay_reason == "family_late"]
    assert len(late_family) >= 3 and any(c.plan_at and c.plan_at > c.plan_due_at for c in late_family)
    closed = [c for c in cases if c.status == CaseStatus.CLOSED]
    assert len(closed) > len(cases) / 2 and any(c.status in OPEN_STATUSES for c in cases)
    assert sum(c.possible_duplicate for c in cases) == 1


def test_the_demo_worker_has_open_cases_today_and_the_chair_exists(demo):
    baove = User.objects.get(username="baove")
    chair = User.objects.get(username="chutich")
    assert chair.role == Role.COMMUNE_CHAIR and "Demo" in chair.full_name and chair.unit == baove.unit
    recent = timezone.now() - datetime.timedelta(days=30)
    mine = Case.objects.restrict(baove, "view").filter(status__in=OPEN_STATUSES, received_at__gte=recent)
    assert mine.filter(commune=baove.unit).count() >= 2
    case = mine.filter(emergency_at__isnull=False).first()
    assert services.can_identify(baove, case) and services.can(chair, case, "approve")


def test_the_plan_shows_indicators_computed_from_the_cases(demo):
    plan = Plan.objects.get(reference="1318/KH-UBND")
    codes = list(plan.indicators.values_list("code", "source"))
    assert ("CT13", "cases.children_supported") in codes
    assert ("CT16", "cases.median_hours_to_first_intervention") in codes
    districts = list(plan.issuer.unit.children.order_by("code"))
    total, rows = plan_achievement(plan, districts, Period.span(2021, 2023), datetime.date(2024, 3, 1))
    by_code = {c.indicator.code: c for c in total.cells}
    supported = Case.objects.filter(first_intervention_at__year__in=[2021, 2022, 2023], duplicate_of=None).count()
    assert by_code["CT13"].actual == supported
    assert isinstance(by_code["CT14"].actual, Ratio) and by_code["CT14"].actual.denominator >= 3
    assert by_code["CT15"].actual.numerator < by_code["CT15"].actual.denominator  # some plans came late
    assert by_code["CT16"].actual is not None and by_code["CT16"].target is not None


def test_the_plan_page_shows_them(demo, client):
    client.force_login(User.objects.get(username="tinh"))
    plan = Plan.objects.get(reference="1318/KH-UBND")
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "CT14" in html and "CT16" in html
    assert re.search(r"Tỷ lệ vụ việc nguy cơ cao được áp dụng biện pháp khẩn cấp trong 12 giờ", html)
