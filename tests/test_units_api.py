"""The JSON API for units and organisations: shape, filters, errors, and the OpenAPI contract."""

import re

import pytest

from factories import (
    BINH_THUAN,
    DUC_LINH,
    LAM_DONG,
    VO_XU,
    current_commune,
    current_province,
    legacy_commune,
    legacy_district,
    legacy_province,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(admin_user, api_client_for):
    return api_client_for(admin_user)


def _ok(response):
    assert response.status_code == 200, response.content
    return response.json()


# --- lists: pagination and filters -------------------------------------------------------------------------


def test_it_paginates_with_items_and_count(api):
    first = _ok(api.get("/api/units", {"level": 1, "structure": "legacy"}))
    assert set(first) == {"items", "count"}
    assert first["count"] == 63
    assert len(first["items"]) == 50
    rest = _ok(api.get("/api/units", {"level": 1, "structure": "legacy", "offset": 50}))
    assert rest["count"] == 63
    assert len(rest["items"]) == 13
    codes = [item["code"] for item in first["items"] + rest["items"]]
    assert len(set(codes)) == 63
    small = _ok(api.get("/api/units", {"level": 1, "structure": "legacy", "limit": 5}))
    assert [item["code"] for item in small["items"]] == codes[:5]


def test_it_describes_a_unit(api):
    duc_linh = legacy_district(DUC_LINH)
    assert _ok(api.get(f"/api/units/{duc_linh.pk}")) == {
        "id": duc_linh.pk,
        "code": DUC_LINH,
        "name": "Huyện Đức Linh",
        "type": "huyen",
        "type_label": "Huyện",
        "level": 2,
        "structure": "legacy",
        "parent_id": legacy_province(BINH_THUAN).pk,
        "province_id": legacy_province(BINH_THUAN).pk,
        "valid_from": None,
        "valid_to": "2025-06-30",
    }


def test_it_filters_by_accent_insensitive_text(api):
    body = _ok(api.get("/api/units", {"q": "duc linh"}))
    names = {(item["structure"], item["name"]) for item in body["items"]}
    assert ("legacy", "Huyện Đức Linh") in names
    assert ("current", "Xã Đức Linh") in names
    assert body["count"] == len(body["items"]) == 3  # and Xã Đức Lĩnh, elsewhere


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"level": 1}, 63 + 34),
        ({"level": 2}, 696),
        ({"structure": "current"}, 34 + 3_321),
        ({"on": "2023-01-01", "level": 1}, 63),
        ({"on": "2026-01-01", "level": 1}, 34),
        ({"on": "2026-01-01", "level": 2}, 0),
        ({"q": "duc linh", "level": 3}, 2),
        ({"q": "duc linh", "structure": "current"}, 1),
    ],
)
def test_it_filters_by_level_structure_and_date(api, params, count):
    assert _ok(api.get("/api/units", params))["count"] == count


def test_it_filters_by_parent(api):
    binh_thuan = legacy_province(BINH_THUAN)
    body = _ok(api.get("/api/units", {"parent": binh_thuan.pk}))
    assert body["count"] == 10
    assert [item["code"] for item in body["items"]] == list(range(593, 603))
    assert {item["parent_id"] for item in body["items"]} == {binh_thuan.pk}


def test_it_lists_the_children_of_a_unit_on_a_date(api):
    binh_thuan = legacy_province(BINH_THUAN)
    assert len(_ok(api.get(f"/api/units/{binh_thuan.pk}/children"))) == 10
    assert len(_ok(api.get(f"/api/units/{binh_thuan.pk}/children", {"on": "2023-01-01"}))) == 10
    assert _ok(api.get(f"/api/units/{binh_thuan.pk}/children", {"on": "2026-01-01"})) == []
    lam_dong = current_province(LAM_DONG)
    assert len(_ok(api.get(f"/api/units/{lam_dong.pk}/children", {"on": "2026-01-01"}))) == 124


def test_it_lists_organisations_with_a_unit_filter(api):
    body = _ok(api.get("/api/organisations", {"unit": legacy_province(BINH_THUAN).pk}))
    assert body["count"] == 1
    assert body["items"][0]["name"] == "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"
    assert body["items"][0]["kind"] == "womens_union"
    assert set(body["items"][0]) == {"id", "name", "abbreviation", "kind", "unit_id", "parent_id"}


# --- history endpoints -------------------------------------------------------------------------------------


def test_it_gives_an_empty_history_for_a_unit_without_links(api):
    # A legacy district has no predecessors: the district level did not exist before either.
    assert _ok(api.get(f"/api/units/{legacy_district(DUC_LINH).pk}/predecessors")) == []


def test_it_gives_the_successors_of_a_district(api):
    body = _ok(api.get(f"/api/units/{legacy_district(DUC_LINH).pk}/successors"))
    assert [(link["unit"]["name"], link["partly"]) for link in body] == [
        ("Xã Đức Linh", False),
        ("Xã Hoài Đức", False),
        ("Xã Nam Thành", False),
        ("Xã Trà Tân", False),
    ]
    assert body[0]["unit"]["type_label"] == "Xã"


def test_it_marks_an_island_district_s_special_zone_as_inferred(api):
    con_dao = legacy_district(755)
    for path in (f"/api/units/{con_dao.pk}/successors", f"/api/units/{con_dao.pk}/current"):
        body = _ok(api.get(path))
        assert [(link["unit"]["name"], link["partly"], link["inferred"]) for link in body] == [
            ("Đặc khu Côn Đảo", False, True)
        ]
    zone = body[0]["unit"]["id"]
    assert [(link["unit"]["code"], link["inferred"]) for link in _ok(api.get(f"/api/units/{zone}/predecessors"))] == [
        (755, True)
    ]
    # The official table's links are not.
    assert not any(link["inferred"] for link in _ok(api.get(f"/api/units/{legacy_district(DUC_LINH).pk}/successors")))


def test_it_gives_the_predecessors_of_a_new_commune(api):
    body = _ok(api.get(f"/api/units/{current_commune('Xã Đức Linh').pk}/predecessors"))
    assert [link["unit"]["code"] for link in body] == [VO_XU, 23206, 23218]


def test_it_gives_the_current_units_of_a_legacy_commune(api):
    body = _ok(api.get(f"/api/units/{legacy_commune(VO_XU).pk}/current", {"on": "2026-01-01"}))
    assert [(link["unit"]["name"], link["partly"]) for link in body] == [("Xã Đức Linh", False)]


def test_it_gives_a_legacy_commune_itself_as_current_while_it_was_valid(api):
    vo_xu = legacy_commune(VO_XU)
    body = _ok(api.get(f"/api/units/{vo_xu.pk}/current", {"on": "2023-01-01"}))
    assert [(link["unit"]["id"], link["partly"]) for link in body] == [(vo_xu.pk, False)]


# --- bad input ---------------------------------------------------------------------------------------------


def test_it_answers_422_with_the_field_for_a_bad_date(api):
    response = api.get("/api/units", {"on": "notadate"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert [error["field"] for error in body["errors"]] == ["on"]
    assert body["errors"][0]["message"]


def test_it_answers_422_for_an_unknown_level(api):
    response = api.get("/api/units", {"level": 9})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["level"]


def test_it_reports_every_bad_field_at_once(api):
    response = api.get("/api/units", {"level": 9, "on": "notadate", "structure": "other"})
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"level", "on", "structure"}


def test_it_answers_422_for_a_bad_date_on_a_unit_endpoint(api):
    response = api.get(f"/api/units/{legacy_district(DUC_LINH).pk}/children", {"on": "31/31/2023"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["on"]


def test_it_answers_json_404_for_a_missing_unit(api):
    response = api.get("/api/units/999999999")
    assert response.status_code == 404
    assert response.json() == {"message": "Không tìm thấy.", "errors": []}


# --- who am I ----------------------------------------------------------------------------------------------


def test_me_describes_the_calling_user(province_officer, api_client_for):
    body = _ok(api_client_for(province_officer).get("/api/me"))
    assert body == {
        "username": "tinh_lamdong",
        "full_name": province_officer.full_name,
        "role": "province_officer",
        "role_label": "Cán bộ cấp tỉnh",
        "unit_id": current_province(LAM_DONG).pk,
        "organisation_id": None,
        "jurisdiction": "Tỉnh Lâm Đồng",
    }


def test_me_describes_a_supervisor_by_their_organisation(supervisor, api_client_for):
    body = _ok(api_client_for(supervisor).get("/api/me"))
    assert body["unit_id"] is None
    assert body["organisation_id"] == supervisor.organisation_id
    assert body["jurisdiction"] == "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"


def test_me_says_nationwide_for_the_hotline(hotline_operator, api_client_for):
    assert _ok(api_client_for(hotline_operator).get("/api/me"))["jurisdiction"] == "Toàn quốc"


# --- the contract ------------------------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_unit_endpoints(client):
    response = client.get("/api/openapi.json")
    schema = _ok(response)
    assert schema["info"]["title"] == "giamsat API"
    for path in [
        "/api/units",
        "/api/units/{unit_id}",
        "/api/units/{unit_id}/children",
        "/api/units/{unit_id}/successors",
        "/api/units/{unit_id}/predecessors",
        "/api/units/{unit_id}/current",
        "/api/organisations",
        "/api/me",
    ]:
        assert "get" in schema["paths"][path], path
    parameters = {p["name"] for p in schema["paths"]["/api/units"]["get"]["parameters"]}
    assert {"q", "level", "structure", "on", "parent", "limit", "offset"} <= parameters
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_the_api_docs_are_served_without_any_external_url(client):
    response = client.get("/api/docs")
    html = _html = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui" in html
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', _html)
    assert assets, "the page loads its scripts and styles"
    assert not [url for url in assets if re.match(r"(https?:)?//", url)]
    assert not re.search(r"https?://", html)
    for url in assets:
        assert client.get(url).status_code == 200, url
