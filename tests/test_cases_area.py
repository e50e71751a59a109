"""The case list by area: a commune typed by name (with or without accents, legacy communes included), or a unit's
area from the overdue counts' links; and the same through the API, with the search by a child's name in the body."""

import datetime
import json
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
    typed = client.get(reverse("cases:index"), {"status": "all", "commune": "vo xu"}).content.decode()
    assert "Xã, phường có tên chứa “vo xu”" in typed
    assert "commune=" not in re.search(r'href="\?([^"]*)">Bỏ lọc địa bàn', typed).group(1)


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
    assert found.json()["count"] == 1
    assert CHILD not in json.dumps(found.json(), ensure_ascii=False)  # pseudonymous, as the list
    logged = CaseAccess.objects.filter(action=AccessAction.SEARCH, user=commune_worker)
    assert list(logged.values_list("case_code", flat=True)) == [case.code]
    assert not any(CHILD_FOLDED in (e.detail + e.reason) for e in logged)
    # Paged as a list of the cases read and logged: the count stays the whole, a page past it is empty.
    beyond = api.post(
        "/api/cases/search?offset=1", {"name": CHILD_FOLDED, "status": "all"}, content_type="application/json"
    )
    assert beyond.json() == {"items": [], "count": 1}
    legacy = {"name": "Le Van Cu Demo", "status": "all"}
    found = api.post("/api/cases/search", legacy, content_type="application/json")
    assert [r["code"] for r in found.json()["items"]] == [legacy_case.code]
    elsewhere = legacy | {"commune": "xa duc linh"}
    assert api.post("/api/cases/search", elsewhere, content_type="application/json").json()["items"] == []
    for blank in ("", "   "):
        refused = api.post("/api/cases/search", {"name": blank}, content_type="application/json")
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "name"
    assert refused.json()["errors"][0]["message"] == "Hãy gõ họ tên trẻ."
    # The three searches above, and the one that found nothing in the commune; not the blank ones.
    assert logged.all().count() == 4  # all(): the loop above filled the queryset's cache


def test_a_read_only_token_may_search_by_name_but_still_not_write(case, commune_worker):
    """The search is a read sent as POST (a name has no place in an address): a read-only token may send it."""
    from django.test import Client

    from giamsat.accounts.services import do_create_token

    _token, secret = do_create_token(acting_user=commune_worker, name="đọc", days=30, read_only=True)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    found = api.post("/api/cases/search", {"name": CHILD}, content_type="application/json")
    assert [r["code"] for r in found.json()["items"]] == [case.code]
    assert api.post(f"/api/cases/{case.pk}/forward", {}, content_type="application/json").status_code == 403


def test_a_unit_that_is_not_there_lists_no_case_on_the_page_as_in_the_api(case, commune_worker, client_for):
    """A stale link (a unit merged away) showed every case, as if it were the unit's."""
    page = client_for(commune_worker).get(reverse("cases:index"), {"status": "all", "unit": 999999999})
    assert list(page.context["page_obj"]) == []
    assert "Không tìm thấy địa bàn này." in page.content.decode()


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
    # The district officer's search is logged, found nothing or not, as on the page.
    assert list(CaseAccess.objects.filter(user=district_officer).values_list("action", "detail")) == [
        (AccessAction.SEARCH, "API: 0")
    ]
