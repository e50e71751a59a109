"""Jurisdiction: every read goes through `restrict(user, "view")`; missing and forbidden both answer 404.

Across the 2025 reform a jurisdiction keeps its history: the new Lâm Đồng covers legacy Bình Thuận, and a new
commune covers the old communes it took in."""

import datetime

import pytest
from django.urls import reverse

from factories import (
    BA_DINH_WARD,
    BINH_THUAN,
    DAK_NONG,
    DUC_LINH,
    DUC_TAI,
    HANOI,
    LAM_DONG,
    PERSONAS,
    TANH_LINH,
    VO_XU,
    UserFactory,
    current_commune,
    current_province,
    legacy_commune,
    legacy_district,
    legacy_province,
    unit,
)
from giamsat.accounts.jurisdiction import EVERYWHERE, NOWHERE, jurisdiction_of
from giamsat.accounts.roles import Role
from giamsat.core.querysets import within_units
from giamsat.units.choices import Level, Structure
from giamsat.units.models import Organisation, Unit, UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    """The units the visibility matrix is about, by a short name."""
    tanh_linh = legacy_district(TANH_LINH)
    return {
        "binh_thuan": legacy_province(BINH_THUAN),
        "huyen_duc_linh": legacy_district(DUC_LINH),
        "huyen_tanh_linh": tanh_linh,
        "commune_of_tanh_linh": Unit.objects.filter(parent=tanh_linh).order_by("code").first(),
        "vo_xu": legacy_commune(VO_XU),
        "duc_tai": legacy_commune(DUC_TAI),
        "lam_dong": current_province(LAM_DONG),
        "xa_duc_linh": current_commune("Xã Đức Linh"),
        "xa_hoai_duc": current_commune("Xã Hoài Đức"),
        "legacy_dak_nong": legacy_province(DAK_NONG),
        "hanoi": current_province(HANOI),
        "ba_dinh": unit(Structure.CURRENT, Level.COMMUNE, BA_DINH_WARD),
    }


ALL_PLACES = {
    "binh_thuan",
    "huyen_duc_linh",
    "huyen_tanh_linh",
    "commune_of_tanh_linh",
    "vo_xu",
    "duc_tai",
    "lam_dong",
    "xa_duc_linh",
    "xa_hoai_duc",
    "legacy_dak_nong",
    "hanoi",
    "ba_dinh",
}

# Which of `places` each persona may open. Ancestors of one's own units are visible (where the commune sits).
VISIBLE = {
    "province_officer": ALL_PLACES - {"hanoi", "ba_dinh"},
    "supervisor": {"binh_thuan", "huyen_duc_linh", "huyen_tanh_linh", "commune_of_tanh_linh", "vo_xu", "duc_tai"},
    "district_officer": {"binh_thuan", "huyen_duc_linh", "vo_xu", "duc_tai"},
    "commune_worker": {"xa_duc_linh", "vo_xu", "huyen_duc_linh", "binh_thuan", "lam_dong"},
    "other_commune_worker": {"xa_hoai_duc", "duc_tai", "huyen_duc_linh", "binh_thuan", "lam_dong"},
    "outsider": {"ba_dinh", "hanoi"},
    "admin_user": ALL_PLACES,
    "hotline_operator": ALL_PLACES,
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_restrict_gives_each_persona_exactly_its_places(persona, places, request):
    name = request.node.callspec.params["persona"]
    visible = set(Unit.objects.restrict(persona, "view").filter(pk__in=[u.pk for u in places.values()]))
    assert {key for key, u in places.items() if u in visible} == VISIBLE[name]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_persona_opens_exactly_its_places_and_gets_404_elsewhere(persona, places, client_for, request):
    name = request.node.callspec.params["persona"]
    client = client_for(persona)
    for key, place in places.items():
        response = client.get(reverse("units:detail", args=[place.pk]))
        assert response.status_code == (200 if key in VISIBLE[name] else 404), (name, key)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_persona_gets_exactly_its_places_from_the_api(persona, places, api_client_for, request):
    name = request.node.callspec.params["persona"]
    client = api_client_for(persona)
    for key, place in places.items():
        response = client.get(f"/api/units/{place.pk}")
        assert response.status_code == (200 if key in VISIBLE[name] else 404), (name, key)


# --- whole jurisdictions -----------------------------------------------------------------------------------


def _subtrees(*units):
    ids = set()
    for u in units:
        ids |= set(Unit.objects.subtree_of(u).values_list("pk", flat=True))
    return ids


def test_the_new_province_covers_the_legacy_provinces_merged_into_it(province_officer):
    lam_dong = current_province(LAM_DONG)
    expected = _subtrees(lam_dong, legacy_province(BINH_THUAN), legacy_province(DAK_NONG), legacy_province(LAM_DONG))
    assert set(Unit.objects.restrict(province_officer, "view").values_list("pk", flat=True)) == expected
    assert len(expected) == 1 + 124 + 3 + sum(
        Unit.objects.filter(province__code=code, structure=Structure.LEGACY).count() for code in (60, 67, 68)
    )


def test_a_new_commune_covers_the_old_communes_it_took_in_and_sees_its_ancestors(commune_worker):
    visible = Unit.objects.restrict(commune_worker, "view")
    assert set(visible.filter(level=Level.COMMUNE).values_list("structure", "code")) == {
        (Structure.CURRENT, 23191),  # Xã Đức Linh
        (Structure.LEGACY, VO_XU),
        (Structure.LEGACY, 23206),  # Xã Nam Chính
        (Structure.LEGACY, 23218),  # Xã Vũ Hoà
    }
    assert set(visible.exclude(level=Level.COMMUNE).values_list("structure", "level", "code")) == {
        (Structure.CURRENT, Level.PROVINCE, LAM_DONG),
        (Structure.LEGACY, Level.PROVINCE, BINH_THUAN),
        (Structure.LEGACY, Level.DISTRICT, DUC_LINH),
    }


def test_a_jurisdiction_follows_chains_of_successions_in_one_query(db, django_assert_num_queries):
    """Every signed-in request computes it; it took a query per step of the conversion table, and one more."""
    xa_duc_linh, vo_xu, duc_tai = current_commune("Xã Đức Linh"), legacy_commune(VO_XU), legacy_commune(DUC_TAI)
    # An older merger before the reform (Đức Tài into Võ Xu), and a row that would loop back, which must not hang.
    UnitSuccession.objects.create(predecessor=duc_tai, successor=vo_xu, effective=datetime.date(2020, 1, 1))
    UnitSuccession.objects.create(predecessor=xa_duc_linh, successor=vo_xu, effective=datetime.date(2020, 1, 1))
    with django_assert_num_queries(1):
        jurisdiction = jurisdiction_of(xa_duc_linh)
    expected = {xa_duc_linh, vo_xu, duc_tai, legacy_commune(23206), legacy_commune(23218)}
    assert jurisdiction.ids == {u.pk for u in expected}
    parents = {current_province(LAM_DONG), legacy_province(BINH_THUAN), legacy_district(DUC_LINH)}
    assert jurisdiction.ancestor_ids == {u.pk for u in parents}
    assert jurisdiction_of(None) == NOWHERE


@pytest.mark.parametrize("unit", ["new province", "new commune", "legacy district"])
def test_a_jurisdictions_unit_ids_are_its_subtrees_read_once(db, unit, django_assert_num_queries):
    """The list that case and request lists filter on by index: what within_units() matches, one query per
    jurisdiction however often a request asks."""
    chosen = {
        "new province": current_province(LAM_DONG),
        "new commune": current_commune("Xã Đức Linh"),
        "legacy district": legacy_district(DUC_LINH),
    }[unit]
    jurisdiction = jurisdiction_of(chosen)
    with django_assert_num_queries(1):
        first, again = jurisdiction.unit_ids, jurisdiction.unit_ids
    assert first is again
    assert list(first) == sorted(Unit.objects.filter(within_units(jurisdiction)).values_list("pk", flat=True))
    assert set(first) >= jurisdiction.ids
    if unit != "new commune":  # the subtrees, not only their roots (a commune has nothing below it)
        assert len(first) > len(jurisdiction.ids)
    assert NOWHERE.unit_ids == ()
    with pytest.raises(ValueError):
        EVERYWHERE.unit_ids  # noqa: B018 (the attribute read is what is tested)


def test_a_legacy_district_covers_its_communes_only(district_officer):
    duc_linh = legacy_district(DUC_LINH)
    visible = Unit.objects.restrict(district_officer, "view")
    assert set(visible.filter(level=Level.COMMUNE)) == set(Unit.objects.filter(parent=duc_linh))
    assert not visible.filter(parent__code=TANH_LINH, structure=Structure.LEGACY).exists()


def test_a_user_without_unit_or_organisation_sees_nothing(db):
    viewer = UserFactory(role=Role.VIEWER)
    assert not Unit.objects.restrict(viewer, "view").exists()
    assert not Organisation.objects.restrict(viewer, "view").exists()


def test_an_inactive_or_anonymous_user_sees_nothing(province_officer):
    from django.contrib.auth.models import AnonymousUser

    assert Unit.objects.restrict(province_officer, "view").exists()
    province_officer.is_active = False
    assert not Unit.objects.restrict(province_officer, "view").exists()
    assert not Unit.objects.restrict(AnonymousUser(), "view").exists()
    assert not Unit.objects.restrict(None, "view").exists()


def test_an_action_the_role_does_not_grant_gives_nothing(province_officer, admin_user):
    assert not Unit.objects.restrict(province_officer, "delete").exists()
    assert Unit.objects.restrict(admin_user, "delete").count() == Unit.objects.count()


@pytest.mark.parametrize("persona", ["admin_user", "hotline_operator"], indirect=True)
def test_admin_and_hotline_see_every_unit_and_organisation(persona):
    assert Unit.objects.restrict(persona, "view").count() == Unit.objects.count()
    assert Organisation.objects.restrict(persona, "view").count() == Organisation.objects.count()


# --- organisations -----------------------------------------------------------------------------------------

ORGS = {
    "province_officer": {
        "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
        "Ủy ban nhân dân huyện Đức Linh",
        "Ủy ban nhân dân huyện Tánh Linh",
        "Ủy ban nhân dân thị trấn Võ Xu",
        "Ủy ban nhân dân tỉnh Lâm Đồng",
        "Ủy ban nhân dân xã Đức Linh",
        "Ủy ban nhân dân xã Hoài Đức",
    },
    "supervisor": {
        "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
        "Ủy ban nhân dân huyện Đức Linh",
        "Ủy ban nhân dân huyện Tánh Linh",
        "Ủy ban nhân dân thị trấn Võ Xu",
    },
    "district_officer": {
        "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
        "Ủy ban nhân dân huyện Đức Linh",
        "Ủy ban nhân dân thị trấn Võ Xu",
    },
    "commune_worker": {
        "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
        "Ủy ban nhân dân huyện Đức Linh",
        "Ủy ban nhân dân thị trấn Võ Xu",
        "Ủy ban nhân dân tỉnh Lâm Đồng",
        "Ủy ban nhân dân xã Đức Linh",
    },
    "other_commune_worker": {
        "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
        "Ủy ban nhân dân huyện Đức Linh",
        "Ủy ban nhân dân tỉnh Lâm Đồng",
        "Ủy ban nhân dân xã Hoài Đức",
    },
    "outsider": {"Ủy ban nhân dân phường Ba Đình"},
}


@pytest.mark.parametrize("persona", list(ORGS), indirect=True)
def test_each_persona_sees_the_organisations_of_its_jurisdiction(persona, request):
    name = request.node.callspec.params["persona"]
    assert set(Organisation.objects.restrict(persona, "view").values_list("name", flat=True)) == ORGS[name]


@pytest.mark.parametrize("persona", list(ORGS), indirect=True)
def test_the_organisation_list_api_excludes_out_of_scope_rows(persona, api_client_for, request):
    name = request.node.callspec.params["persona"]
    body = api_client_for(persona).get("/api/organisations").json()
    assert body["count"] == len(ORGS[name])
    assert {item["name"] for item in body["items"]} == ORGS[name]


def test_the_province_officer_sees_the_organisations_of_a_legacy_binh_thuan_unit(province_officer, api_client_for):
    duc_linh = legacy_district(DUC_LINH)
    body = api_client_for(province_officer).get(f"/api/organisations?unit={duc_linh.pk}").json()
    assert [(item["name"], item["unit_id"]) for item in body["items"]] == [
        ("Ủy ban nhân dân huyện Đức Linh", duc_linh.pk)
    ]


def test_the_outsider_gets_no_organisation_of_a_unit_outside_even_when_asking_for_it(outsider, api_client_for):
    body = api_client_for(outsider).get(f"/api/organisations?unit={legacy_district(DUC_LINH).pk}").json()
    assert body == {"items": [], "count": 0}


# --- every view and endpoint: outsider 404, anonymous refused ----------------------------------------------

VIEWS = ["units:detail", "units:children"]
ENDPOINTS = ["/api/units/{pk}", "/api/units/{pk}/children", "/api/units/{pk}/successors",
             "/api/units/{pk}/predecessors", "/api/units/{pk}/current"]  # fmt: skip
BINH_THUAN_UNITS = [
    (Structure.LEGACY, Level.PROVINCE, BINH_THUAN),
    (Structure.LEGACY, Level.DISTRICT, DUC_LINH),
    (Structure.LEGACY, Level.COMMUNE, VO_XU),
]


@pytest.mark.parametrize("key", BINH_THUAN_UNITS)
@pytest.mark.parametrize("view", VIEWS)
def test_outsider_gets_404_on_a_binh_thuan_unit_page(outsider, client_for, view, key):
    response = client_for(outsider).get(reverse(view, args=[unit(*key).pk]))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
    assert unit(*key).name not in response.content.decode()


@pytest.mark.parametrize("view", VIEWS)
def test_outsider_gets_the_same_404_for_a_missing_unit(outsider, client_for, view):
    response = client_for(outsider).get(reverse(view, args=[999_999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_is_sent_to_login_from_a_unit_page(client, view):
    url = reverse(view, args=[legacy_province(BINH_THUAN).pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("key", BINH_THUAN_UNITS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_outsider_gets_404_on_a_binh_thuan_unit_endpoint(outsider, api_client_for, endpoint, key):
    response = api_client_for(outsider).get(endpoint.format(pk=unit(*key).pk))
    assert response.status_code == 404
    assert response.json() == {"message": "Không tìm thấy.", "errors": []}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_outsider_gets_the_same_404_for_a_missing_unit_endpoint(outsider, api_client_for, endpoint):
    response = api_client_for(outsider).get(endpoint.format(pk=999_999_999))
    assert response.status_code == 404
    assert response.json() == {"message": "Không tìm thấy.", "errors": []}


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "/api/units", "/api/organisations", "/api/me"])
def test_anonymous_gets_401_json_from_the_api(client, endpoint):
    response = client.get(endpoint.format(pk=legacy_province(BINH_THUAN).pk))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]
    assert response.json()["errors"] == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_province_officer_reaches_every_endpoint_of_a_legacy_binh_thuan_unit(
    province_officer, api_client_for, endpoint
):
    response = api_client_for(province_officer).get(endpoint.format(pk=legacy_district(DUC_LINH).pk))
    assert response.status_code == 200


def test_the_session_login_also_scopes_the_api(outsider, province_officer, client_for):
    pk = legacy_district(DUC_LINH).pk
    assert client_for(outsider).get(f"/api/units/{pk}").status_code == 404
    assert client_for(province_officer).get(f"/api/units/{pk}").json()["name"] == "Huyện Đức Linh"


# --- lists exclude what is out of scope --------------------------------------------------------------------


def test_the_unit_list_api_excludes_out_of_scope_units(outsider, province_officer, api_client_for):
    for_outsider = api_client_for(outsider).get("/api/units", {"q": "duc linh"}).json()
    assert for_outsider == {"items": [], "count": 0}
    for_officer = api_client_for(province_officer).get("/api/units", {"q": "duc linh"}).json()
    assert {(i["structure"], i["name"]) for i in for_officer["items"]} == {
        ("legacy", "Huyện Đức Linh"),
        ("current", "Xã Đức Linh"),
    }  # not Xã Đức Lĩnh, which lies in another province


def test_the_unit_list_api_gives_the_outsider_only_hanoi_units(outsider, api_client_for):
    body = api_client_for(outsider).get("/api/units", {"level": 1}).json()
    assert {(i["structure"], i["code"]) for i in body["items"]} == {("current", HANOI), ("legacy", HANOI)}


def test_the_search_page_excludes_out_of_scope_units(outsider, province_officer, client_for):
    url = reverse("units:browse")
    for_outsider = client_for(outsider).get(url, {"q": "duc linh"})
    assert for_outsider.status_code == 200
    assert for_outsider.context["results"] == []
    assert "Huyện Đức Linh" not in for_outsider.content.decode()
    for_officer = client_for(province_officer).get(url, {"q": "duc linh"})
    assert {u.name for u in for_officer.context["results"]} == {"Huyện Đức Linh", "Xã Đức Linh"}


def test_the_children_of_a_visible_unit_are_restricted_too(commune_worker, api_client_for):
    lam_dong = current_province(LAM_DONG)
    body = api_client_for(commune_worker).get(f"/api/units/{lam_dong.pk}/children").json()
    assert [item["name"] for item in body] == ["Xã Đức Linh"]


def test_the_district_officer_cannot_open_tanh_linh_or_its_communes(district_officer, client_for, api_client_for):
    tanh_linh = legacy_district(TANH_LINH)
    targets = [tanh_linh, *Unit.objects.filter(parent=tanh_linh)[:3]]
    client, api = client_for(district_officer), api_client_for(district_officer)
    for target in targets:
        assert client.get(reverse("units:detail", args=[target.pk])).status_code == 404
        assert api.get(f"/api/units/{target.pk}").status_code == 404
    assert client.get(reverse("units:detail", args=[legacy_commune(VO_XU).pk])).status_code == 200
