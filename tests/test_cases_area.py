"""The case list by area: a commune typed by name (with or without accents, legacy communes included), or a unit's
area from the overdue counts' links; and the same through the API, with the search by a child's name in the body."""

import datetime
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from giamsat.cases.choices import AccessAction
from giamsat.cases.models import Case, CaseAccess
from giamsat.cases.queries import overdue_counts
from test_cases_fixtures import CHILD, CHILD_FOLDED

pytestmark = pytest.mark.django_db
pytest_plugins = ["test_cases_fixtures"]


def listed(client, **params) -> list[str]:
    page = client.get(reverse("cases:index"), params)
    assert page.status_code == 200
    return [c.code for c in page.context["page_obj"]]


def test_a_commune_typed_without_accents_lists_its_cases_legacy_ones_included(
    case, legacy_case, commune_worker, client_for
):
    client = client_for(commune_worker)
    assert sorted(listed(client, status="all")) == sorted([case.code, legacy_case.code])
    assert listed(client, status="all", commune="vo xu") == [legacy_case.code]
    assert listed(client, status="all", commune="Võ Xu") == [legacy_case.code]
    assert listed(client, status="all", commune="xa duc linh") == [case.code]
    assert listed(client, status="all", commune="khong co xa nay") == []


def test_a_units_area_is_the_units_own_communes_as_its_overdue_count(
    case, legacy_case, commune_worker, duc_linh, vo_xu, client_for
):
    """Xã Đức Linh took over the township of Võ Xu in 2025, but the overdue counts count each case under its own
    commune: the link from a count lists what it counted."""
    client = client_for(commune_worker)
    assert listed(client, status="all", unit=duc_linh.pk) == [case.code]
    assert listed(client, status="all", unit=duc_linh.province_id) == [case.code]  # Lâm Đồng, since 2025
    page = client.get(reverse("cases:index"), {"status": "all", "unit": vo_xu.pk})
    assert [c.code for c in page.context["page_obj"]] == [legacy_case.code]
    html = page.content.decode()
    assert f"Địa bàn: {vo_xu.name}" in html
    dropped = re.search(r'href="\?([^"]*)">Bỏ lọc địa bàn', html).group(1)
    assert "unit=" not in dropped and "status=all" in dropped


def test_the_filter_form_keeps_the_area(case, legacy_case, commune_worker, vo_xu, client_for):
    client = client_for(commune_worker)
    response = client.post(reverse("cases:index"), {"status": "all", "commune": "vo xu", "unit": vo_xu.pk})
    assert response.status_code == 302
    assert "commune=vo+xu" in response.url and f"unit={vo_xu.pk}" in response.url
    assert listed(client, **dict(parse_qsl(urlsplit(response.url).query))) == [legacy_case.code]


def test_each_overdue_count_links_to_a_list_of_that_many_cases(case, legacy_case, commune_worker, client_for):
    Case.objects.filter(pk=case.pk).update(next_due_at=timezone.now() - datetime.timedelta(hours=1))
    client = client_for(commune_worker)
    visible = Case.objects.restrict(commune_worker, "view")
    for level in ("commune", "district", "province"):
        counts = overdue_counts(visible, level)
        assert sum(n for _pk, _name, n in counts) == 2, level
        page = client.get(reverse("cases:overdue"), {"level": level}).content.decode()
        for pk, name, n in counts:
            link = re.search(rf'<a href="/cases/\?([^"]*unit={pk})">{re.escape(name)}</a>', page)
            assert link, (level, name)
            query = dict(parse_qsl(link.group(1).replace("&amp;", "&")))
            assert len(listed(client, **query)) == n


def test_the_api_lists_by_area(case, legacy_case, commune_worker, vo_xu, api_client_for):
    api = api_client_for(commune_worker)
    assert [r["code"] for r in api.get(f"/api/cases?status=all&unit_id={vo_xu.pk}").json()["items"]] == [
        legacy_case.code
    ]
    assert [r["code"] for r in api.get("/api/cases?status=all&commune=vo xu").json()["items"]] == [legacy_case.code]
    assert api.get("/api/cases?status=all&unit_id=999999999").json()["items"] == []
    assert api.get("/api/cases?status=all&commune=" + "x" * 121).status_code == 422


def test_the_api_searches_by_name_in_the_body_and_logs_what_it_found(case, legacy_case, commune_worker, api_client_for):
    api = api_client_for(commune_worker)
    found = api.post("/api/cases/search", {"name": CHILD_FOLDED, "status": "all"}, content_type="application/json")
    assert found.status_code == 200
    assert [r["code"] for r in found.json()["items"]] == [case.code]
    assert CHILD not in found.content.decode()  # pseudonymous, as the list
    logged = CaseAccess.objects.filter(action=AccessAction.SEARCH, user=commune_worker)
    assert list(logged.values_list("case_code", flat=True)) == [case.code]
    assert not any(CHILD_FOLDED in (e.detail + e.reason) for e in logged)
    legacy = {"name": "Le Van Cu Demo", "status": "all"}
    found = api.post("/api/cases/search", legacy, content_type="application/json")
    assert [r["code"] for r in found.json()["items"]] == [legacy_case.code]
    elsewhere = legacy | {"commune": "xa duc linh"}
    assert api.post("/api/cases/search", elsewhere, content_type="application/json").json()["items"] == []
    assert api.post("/api/cases/search", {"name": ""}, content_type="application/json").status_code == 422


def test_a_name_search_through_the_api_finds_nothing_the_caller_may_not_identify(
    legacy_case, district_officer, outsider, api_client_for
):
    """The district officer sees the legacy case pseudonymously: a search by name must not tell them it is the
    named child's (as on the page)."""
    for user in (district_officer, outsider):
        found = api_client_for(user).post(
            "/api/cases/search", {"name": CHILD, "status": "all"}, content_type="application/json"
        )
        assert found.status_code == 200
        assert found.json()["items"] == []
    assert not CaseAccess.objects.filter(user=outsider).exists()
