"""Need-to-know on cases, after the scope was rewritten for speed (ids resolved first, docs/performance.md "Case
list"): who sees which case on the list and the case page, per persona, and the same rows as the former query
shape (a correlated EXISTS OR-ed with joined unit conditions) for every persona and action."""

import datetime

import pytest
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

import factories as f
from giamsat.accounts.roles import Role
from giamsat.cases import services
from giamsat.cases.models import Case, CaseAssignment
from giamsat.cases.permissions import LOCAL_ROLES, SUPERVISING_ROLES
from giamsat.core.querysets import within_units
from test_cases_fixtures import new_case

pytest_plugins = ["test_cases_fixtures"]

IN_2024 = timezone.make_aware(datetime.datetime(2024, 9, 2, 8, 0))


@pytest.fixture
def hoai_duc_case(hotline_operator):
    """A case of current Xã Hoài Đức, the neighbouring commune of Xã Đức Linh."""
    return new_case(hotline_operator, f.current_commune("Xã Hoài Đức"), child_name="Đỗ Văn Bên Demo")


@pytest.fixture
def duc_tai_case(hotline_operator):
    """A 2024 case of legacy Đức Tài (Huyện Đức Linh, Bình Thuận), taken over by Xã Hoài Đức in 2025."""
    return new_case(hotline_operator, f.legacy_commune(f.DUC_TAI), received_at=IN_2024, child_name="Vũ Thị Cũ Demo")


@pytest.fixture
def hanoi_case(hotline_operator):
    """A case in another province (Hà Nội), which no one of Lâm Đồng sees."""
    return new_case(hotline_operator, f.current_commune("Phường Ba Đình", f.HANOI), child_name="Hà Văn Xa Demo")


@pytest.fixture
def all_cases(case, legacy_case, hoai_duc_case, duc_tai_case, hanoi_case):
    return {
        "duc_linh": case,
        "vo_xu": legacy_case,
        "hoai_duc": hoai_duc_case,
        "duc_tai": duc_tai_case,
        "hanoi": hanoi_case,
    }


def listed(client, **params) -> set[str]:
    """The case codes on the list page, every status unless asked (one page: these tests make few cases)."""
    params.setdefault("status", "all")
    response = client.get(reverse("cases:index"), params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 1
    return {c.code for c in page.object_list}


def assert_sees(client, cases: dict, expected: set[str]) -> None:
    """`client` lists exactly the cases named in `expected`, opens them, and gets 404 on the others."""
    assert listed(client) == {cases[name].code for name in expected}
    for name, target in cases.items():
        status = client.get(reverse("cases:detail", args=[target.pk])).status_code
        assert status == (200 if name in expected else 404), name


def test_a_commune_worker_sees_the_commune_s_cases_and_not_the_neighbour_s(
    all_cases, commune_worker, other_commune_worker, client_for
):
    # Each current commune also covers the legacy communes it took over (Võ Xu, Đức Tài).
    assert_sees(client_for(commune_worker), all_cases, {"duc_linh", "vo_xu"})
    assert_sees(client_for(other_commune_worker), all_cases, {"hoai_duc", "duc_tai"})


def test_an_assigned_user_sees_the_case_until_the_assignment_ends(
    all_cases, commune_worker, other_commune_worker, client_for
):
    case = all_cases["duc_linh"]
    assignment = services.do_assign(case, acting_user=commune_worker, user=other_commune_worker)
    client = client_for(other_commune_worker)
    assert_sees(client, all_cases, {"duc_linh", "hoai_duc", "duc_tai"})
    assert services.can(other_commune_worker, case, "manage")

    services.do_unassign(assignment, acting_user=commune_worker)
    assert_sees(client, all_cases, {"hoai_duc", "duc_tai"})
    assert not services.can(other_commune_worker, case, "manage")


def test_the_hotline_operator_sees_own_unforwarded_records_until_forwarded(
    all_cases, hotline_operator, commune_worker, duc_linh, client_for
):
    colleague = client_for(f.HotlineOperatorFactory(username="tongdai_2"))
    operator = client_for(hotline_operator)
    # Everything in all_cases was recorded by this operator and forwarded at once.
    assert_sees(operator, all_cases, set())
    call = new_case(hotline_operator, duc_linh, forward_now=False, child_name="Ngô Thị Gọi Demo")
    cases = {**all_cases, "call": call}
    assert_sees(operator, cases, {"call"})
    assert [c.code for c in operator.get(reverse("cases:index")).context["unforwarded"]] == [call.code]
    assert_sees(colleague, cases, set())

    services.do_forward(call, acting_user=hotline_operator)
    assert_sees(operator, cases, set())
    assert not operator.get(reverse("cases:index")).context["unforwarded"]
    assert call.code in listed(client_for(commune_worker))


def test_supervising_officers_see_their_subtree_with_the_legacy_units_carried_over(
    all_cases, district_officer, province_officer, client_for
):
    # Legacy Huyện Đức Linh: its legacy communes, not the current communes that took them over.
    assert_sees(client_for(district_officer), all_cases, {"vo_xu", "duc_tai"})
    # Current Lâm Đồng covers legacy Bình Thuận through the conversion table.
    assert_sees(client_for(province_officer), all_cases, {"duc_linh", "vo_xu", "hoai_duc", "duc_tai"})
    assert not Case.objects.restrict(province_officer, "manage").exists()


def test_an_outsider_finds_nothing(all_cases, outsider, client_for):
    worker_elsewhere = f.CommuneWorkerFactory(username="baove_tayho", unit=f.current_commune("Phường Tây Hồ", f.HANOI))
    assert_sees(client_for(worker_elsewhere), all_cases, set())
    response = client_for(worker_elsewhere).get(reverse("cases:index"), {"status": "open", "q": "do van ben demo"})
    assert not response.context["page_obj"].object_list and response.context["overdue_count"] == 0
    # Without cases.view the list sends the commune officer to the counts; a case's page is not found.
    client = client_for(outsider)
    assert client.get(reverse("cases:index")).url == reverse("dashboards:cases")
    for target in all_cases.values():
        assert client.get(reverse("cases:detail", args=[target.pk])).status_code == 404
    assert not Case.objects.restrict(outsider, "view").exists()


def test_nationwide_accounts_see_only_what_they_recorded_or_were_assigned(all_cases, admin_user, commune_worker):
    # Administrators see counts and the access log, not children; an administrator account with a commune role
    # is nationwide, which adds no case either.
    superuser = f.CommuneWorkerFactory(username="sieuquantri", is_superuser=True)
    for user in (admin_user, superuser):
        assert not Case.objects.restrict(user, "view").exists()
        assert Case.objects.for_statistics(user).count() == len(all_cases)
    services.do_assign(all_cases["duc_linh"], acting_user=commune_worker, user=superuser)
    assert list(Case.objects.restrict(superuser, "view")) == [all_cases["duc_linh"]]


def test_the_list_queries_use_no_subquery_and_no_join_for_the_scope(all_cases, province_officer, commune_worker):
    # What made every case query a full scan (docs/performance.md); the lists must stay plain ids.
    for user in (province_officer, commune_worker):
        sql = str(Case.objects.restrict(user, "view").filter(status="received").query).upper()
        assert "EXISTS" not in sql and "JOIN" not in sql and "SELECT" not in sql.split("FROM", 1)[1]
        sql = str(Case.objects.for_statistics(user).query).upper()
        assert "JOIN" not in sql and "SELECT" not in sql.split("FROM", 1)[1]


# --------------------------------------------------------------------------------------------- the same rows


def former_scope(user, action) -> Q:
    """The scope as it was written before the ids were resolved first: the reference for "who sees what"."""
    q = Q(Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), user=user, ended_at__isnull=True)))
    if action == "view":
        q |= Q(recorded_by=user, forwarded_at__isnull=True)
    if user.role in LOCAL_ROLES or (action == "view" and user.role in SUPERVISING_ROLES):
        q |= within_units(user.jurisdiction, "commune__")
    return q


def test_every_persona_sees_the_same_cases_as_with_the_former_query(
    all_cases, chair, commune_worker, other_commune_worker, district_officer, hotline_operator
):
    by_role = [f.UserFactory(username=f"p_{r}", role=r, unit=f.legacy_province(f.BINH_THUAN)) for r in Role]
    unitless = f.CommuneWorkerFactory(username="baove_khongdiaban", unit=None)
    ended = f.UserFactory(username="chutich_daknong", role=Role.COMMUNE_CHAIR, unit=f.legacy_province(f.DAK_NONG))
    superuser = f.CommuneWorkerFactory(username="sieu", is_superuser=True)
    services.do_assign(all_cases["hoai_duc"], acting_user=other_commune_worker, user=unitless)
    services.do_assign(all_cases["duc_linh"], acting_user=commune_worker, user=superuser)
    gone = services.do_assign(all_cases["vo_xu"], acting_user=commune_worker, user=ended)
    services.do_unassign(gone, acting_user=commune_worker)
    # Recorded and not forwarded, outside the recorder's own communes.
    new_case(hotline_operator, f.legacy_commune(f.DA_KAI), forward_now=False, received_at=IN_2024)
    new_case(commune_worker, f.current_commune("Xã Hoài Đức"), forward_now=False, child_name="Mai Thị Xã Demo")
    new_case(district_officer, f.current_commune("Xã Nam Thành"), forward_now=False, child_name="Lý Văn Chờ Demo")
    users = [*by_role, unitless, ended, superuser, chair, commune_worker, other_commune_worker, district_officer]
    users.append(hotline_operator)
    for user in users:
        for action in ("view", "manage", "approve", "identify", "intake"):
            expected = Case.objects.filter(former_scope(user, action)) if user.can(f"cases.{action}") else []
            assert set(Case.objects.restrict(user, action)) == set(expected), (user.username, action)
        if user.can("cases.statistics"):
            expected = Case.objects.filter(within_units(user.jurisdiction, "commune__"))
            assert set(Case.objects.for_statistics(user)) == set(expected), user.username
