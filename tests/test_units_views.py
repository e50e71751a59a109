"""The unit pages: the tree on a date, search (with its htmx fragment), a unit's page with its history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import (
    BINH_THUAN,
    DAK_NONG,
    DUC_LINH,
    LAM_DONG,
    VO_XU,
    current_commune,
    current_province,
    legacy_commune,
    legacy_district,
    legacy_province,
)
from giamsat.units.models import Unit

pytestmark = pytest.mark.django_db

BROWSE = reverse("units:browse")
HTMX = {"HX-Request": "true", "HX-Target": "search-results"}


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def _detail(client, unit):
    return _html(client.get(reverse("units:detail", args=[unit.pk])))


# --- the tree on a date ------------------------------------------------------------------------------------


@pytest.mark.parametrize("on", ["2023-01-01", "01/01/2023"])
def test_it_shows_the_legacy_provinces_as_roots_before_the_reform(province_officer, client_for, on):
    response = client_for(province_officer).get(BROWSE, {"on": on})
    html = _html(response)
    assert [(u.structure, u.code) for u in response.context["roots"]] == [
        ("legacy", BINH_THUAN),
        ("legacy", DAK_NONG),
        ("legacy", LAM_DONG),
    ]
    assert "Tỉnh Bình Thuận" in html
    assert "01/01/2023" in html  # the chosen day, as dd/mm/yyyy


def test_it_shows_the_new_lam_dong_as_the_only_root_after_the_reform(province_officer, client_for):
    response = client_for(province_officer).get(BROWSE, {"on": "2026-01-01"})
    html = _html(response)
    assert [(u.structure, u.code) for u in response.context["roots"]] == [("current", LAM_DONG)]
    assert "Tỉnh Lâm Đồng" in html
    assert "Tỉnh Bình Thuận" not in html


def test_it_shows_an_invalid_date_error_in_vietnamese_and_still_renders(province_officer, client_for):
    response = client_for(province_officer).get(BROWSE, {"on": "31/02/2023"})
    html = _html(response)
    assert response.context["form"].errors["on"] == ["Nhập một ngày hợp lệ."]
    assert "Nhập một ngày hợp lệ." in html
    # Today's tree instead (after the reform: the new Lâm Đồng).
    today = Unit.objects.restrict(province_officer).valid_on(timezone.localdate()).filter(level=1)
    assert list(response.context["roots"]) == list(today.order_by("code"))
    assert response.context["day"] == timezone.localdate()


def test_it_shows_the_children_of_a_unit_on_a_date(province_officer, client_for):
    client = client_for(province_officer)
    url = reverse("units:children", args=[legacy_province(BINH_THUAN).pk])
    before = _html(client.get(url, {"on": "2023-01-01"}))
    assert before.count("<li>") == 10
    assert "Huyện Đức Linh" in before and "Thành phố Phan Thiết" in before
    assert "<html" not in before  # a fragment for htmx
    after = _html(client.get(url, {"on": "2026-01-01"}))
    assert "Huyện Đức Linh" not in after
    assert "Không có đơn vị cấp dưới tại ngày này." in after


def test_it_shows_a_commune_worker_only_their_commune_under_the_province(commune_worker, client_for):
    url = reverse("units:children", args=[current_province(LAM_DONG).pk])
    html = _html(client_for(commune_worker).get(url, {"on": "2026-01-01"}))
    assert "Xã Đức Linh" in html
    assert "Xã Hoài Đức" not in html
    assert html.count("<li>") == 1


# --- search ------------------------------------------------------------------------------------------------


def test_it_finds_units_without_accents(province_officer, client_for):
    response = client_for(province_officer).get(BROWSE, {"q": "ham thuan bac"})
    html = _html(response)
    assert {u.name for u in response.context["results"]} == {"Huyện Hàm Thuận Bắc", "Xã Hàm Thuận Bắc"}
    assert 'data-testid="search-results"' in html
    assert "<html" in html  # the whole page without htmx


def test_it_answers_htmx_with_the_results_fragment_only(province_officer, client_for):
    response = client_for(province_officer).get(BROWSE, {"q": "duc linh"}, headers=HTMX)
    html = _html(response)
    assert html.lstrip().startswith('<section class="card" data-testid="search-results">')
    assert "<html" not in html and "<nav" not in html
    assert "Huyện Đức Linh" in html and "Xã Đức Linh" in html
    assert "đến 30/06/2025" in html  # legacy district, valid until the day before the reform
    assert "từ 01/07/2025" in html  # the new commune


def test_it_says_when_nothing_is_found(province_officer, client_for):
    html = _html(client_for(province_officer).get(BROWSE, {"q": "khong co dau ca"}, headers=HTMX))
    assert "Không tìm thấy đơn vị nào trong địa bàn của bạn" in html


def test_it_shows_at_most_fifty_results_and_says_so(admin_user, client_for):
    response = client_for(admin_user).get(BROWSE, {"q": "xa"})
    html = _html(response)
    assert len(response.context["results"]) == 50
    assert response.context["more_results"] is True
    assert "Chỉ hiện 50 kết quả đầu" in html


def test_it_keeps_searching_when_the_date_is_invalid(province_officer, client_for):
    response = client_for(province_officer).get(BROWSE, {"q": "duc linh", "on": "31/02/2023"}, headers=HTMX)
    assert {u.name for u in response.context["results"]} == {"Huyện Đức Linh", "Xã Đức Linh"}


def test_it_searches_by_code(province_officer, client_for):
    response = client_for(province_officer).get(BROWSE, {"q": str(DUC_LINH)})
    assert [u.name for u in response.context["results"]] == ["Huyện Đức Linh"]


# --- a unit's page -----------------------------------------------------------------------------------------


def test_a_district_page_lists_the_new_communes_that_took_it_over(province_officer, client_for):
    html = _detail(client_for(province_officer), legacy_district(DUC_LINH))
    history = html[html.index('data-testid="history"') :]
    for name in ("Xã Đức Linh", "Xã Hoài Đức", "Xã Nam Thành", "Xã Trà Tân"):
        assert name in history
    xa_duc_linh = current_commune("Xã Đức Linh")
    assert f'href="{reverse("units:detail", args=[xa_duc_linh.pk])}"' in history
    assert "đến 30/06/2025" in html
    assert "Ủy ban nhân dân huyện Đức Linh" in html  # its organisation
    assert "Thị trấn Võ Xu" in html  # its communes


def test_a_district_page_names_but_does_not_link_successors_outside_the_jurisdiction(district_officer, client_for):
    html = _detail(client_for(district_officer), legacy_district(DUC_LINH))
    history = html[html.index('data-testid="history"') :]
    assert "Xã Đức Linh" in history
    xa_duc_linh = current_commune("Xã Đức Linh")
    assert f'href="{reverse("units:detail", args=[xa_duc_linh.pk])}"' not in html


def test_a_new_commune_page_lists_the_old_communes_it_took_in(commune_worker, client_for):
    html = _detail(client_for(commune_worker), current_commune("Xã Đức Linh"))
    history = html[html.index('data-testid="history"') :]
    for name in ("Thị trấn Võ Xu", "Xã Nam Chính", "Xã Vũ Hoà"):
        assert name in history
    assert "từ 01/07/2025" in html
    assert "Ủy ban nhân dân xã Đức Linh" in html


def test_a_legacy_commune_page_says_where_its_data_belongs_today(commune_worker, client_for):
    client = client_for(commune_worker)
    response = client.get(reverse("units:detail", args=[legacy_commune(VO_XU).pk]))
    html = _html(response)
    assert [(link.unit.name, link.partly) for link in response.context["homes"]] == [("Xã Đức Linh", False)]
    assert "Tỉnh Bình Thuận" in html and "Huyện Đức Linh" in html  # breadcrumbs
    assert "30/06/2025" in html


def test_a_split_commune_page_marks_its_successors_partly(admin_user, client_for):
    response = client_for(admin_user).get(reverse("units:detail", args=[legacy_commune(22978).pk]))
    html = _html(response)
    assert {(link.unit.name, link.partly) for link in response.context["successors"]} == {
        ("Xã Phan Rí Cửa", True),
        ("Xã Tuy Phong", True),
    }
    assert html.count(">một phần<") >= 2


def test_an_island_district_page_names_its_special_zone_as_an_inferred_link(admin_user, client_for):
    html = _detail(client_for(admin_user), legacy_district(755))
    history = html[html.index('data-testid="history"') :]
    assert "Sau 01/7/2025 thuộc về" in history and "các xã, thị trấn của huyện" not in history  # it had none
    assert "Đặc khu Côn Đảo" in history and ">suy ra theo tên<" in history


def test_a_current_unit_page_has_no_home_elsewhere(province_officer, client_for):
    response = client_for(province_officer).get(reverse("units:detail", args=[current_province(LAM_DONG).pk]))
    _html(response)
    assert response.context["homes"] == []
    assert [link.unit.code for link in response.context["predecessors"]] == [BINH_THUAN, DAK_NONG, LAM_DONG]
