"""Reads over the unit tree across the 2025 reform (giamsat.units.queries and the Unit queryset)."""

import datetime
import unicodedata

import pytest

from factories import (
    BINH_THUAN,
    DA_KAI,
    DUC_LINH,
    DUC_TAI,
    LAM_DONG,
    TANH_LINH,
    VO_XU,
    current_commune,
    current_province,
    legacy_commune,
    legacy_district,
    legacy_province,
)
from giamsat.core.text import fold
from giamsat.reporting.queries import source_map as reporting_source_map
from giamsat.units import queries
from giamsat.units.choices import Level, Structure
from giamsat.units.models import Unit

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2023, 1, 1)
AFTER = datetime.date(2026, 1, 1)
LAST_LEGACY_DAY = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)


def _links(links):
    return {(link.unit.structure, link.unit.level, link.unit.name, link.partly) for link in links}


# --- valid_on / subtree_of / descendants -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "provinces", "communes"),
    [(BEFORE, 63, 10_051), (LAST_LEGACY_DAY, 63, 10_051), (REFORM, 34, 3_321), (AFTER, 34, 3_321)],
)
def test_it_gives_the_units_valid_on_a_date(day, provinces, communes):
    valid = Unit.objects.valid_on(day)
    assert valid.filter(level=Level.PROVINCE).count() == provinces
    assert valid.filter(level=Level.COMMUNE).count() == communes
    expected_structure = Structure.LEGACY if day < REFORM else Structure.CURRENT
    assert set(valid.values_list("structure", flat=True).distinct()) == {expected_structure}


def test_it_has_districts_only_before_the_reform():
    assert Unit.objects.valid_on(BEFORE).filter(level=Level.DISTRICT).count() == 696
    assert not Unit.objects.valid_on(AFTER).filter(level=Level.DISTRICT).exists()


def test_it_gives_a_province_subtree_including_the_province_itself():
    binh_thuan = legacy_province(BINH_THUAN)
    subtree = Unit.objects.subtree_of(binh_thuan)
    assert subtree.count() == 1 + 10 + 121
    assert subtree.filter(pk=binh_thuan.pk).exists()
    assert not subtree.exclude(pk=binh_thuan.pk).exclude(province=binh_thuan).exists()


def test_it_gives_a_district_subtree():
    duc_linh = legacy_district(DUC_LINH)
    subtree = Unit.objects.subtree_of(duc_linh)
    assert subtree.filter(level=Level.COMMUNE).count() == Unit.objects.filter(parent=duc_linh).count() > 0
    assert subtree.filter(pk=legacy_commune(VO_XU).pk).exists()
    assert not subtree.filter(parent=legacy_district(TANH_LINH)).exists()


def test_it_gives_the_descendants_of_binh_thuan_on_a_date():
    binh_thuan = legacy_province(BINH_THUAN)
    before = queries.descendants(binh_thuan, BEFORE)
    assert before.filter(level=Level.DISTRICT).count() == 10
    assert before.filter(level=Level.COMMUNE).count() == 121
    assert not before.filter(pk=binh_thuan.pk).exists()
    assert not queries.descendants(binh_thuan, AFTER).exists()
    assert queries.descendants(binh_thuan).count() == 131


def test_it_gives_the_descendants_of_the_new_lam_dong_after_the_reform_only():
    lam_dong = current_province(LAM_DONG)
    assert queries.descendants(lam_dong, AFTER).count() == 124
    assert not queries.descendants(lam_dong, BEFORE).exists()


# --- successors / predecessors -----------------------------------------------------------------------------


def test_it_gives_the_successor_of_a_commune():
    assert _links(queries.successors(legacy_commune(VO_XU))) == {
        (Structure.CURRENT, Level.COMMUNE, "Xã Đức Linh", False)
    }
    assert _links(queries.successors(legacy_commune(DA_KAI))) == {
        (Structure.CURRENT, Level.COMMUNE, "Xã Nam Thành", False)
    }


def test_it_gives_every_successor_of_a_split_commune_marked_partly():
    assert _links(queries.successors(legacy_commune(22978))) == {
        (Structure.CURRENT, Level.COMMUNE, "Xã Phan Rí Cửa", True),
        (Structure.CURRENT, Level.COMMUNE, "Xã Tuy Phong", True),
    }


def test_it_gives_a_district_the_successors_of_its_communes():
    links = queries.successors(legacy_district(DUC_LINH))
    assert {link.unit.name for link in links} == {"Xã Đức Linh", "Xã Hoài Đức", "Xã Nam Thành", "Xã Trà Tân"}
    assert all(link.unit.structure == Structure.CURRENT and link.unit.province.code == LAM_DONG for link in links)
    # Each of the four took in communes of Đức Linh only, whole.
    assert not any(link.partly for link in links)
    assert len(links) == 4  # one link per new commune, although each took in several old ones


def test_it_marks_a_district_successor_partly_when_it_also_took_communes_from_elsewhere():
    # Xã Phong Phú of Tuy Phong was split between the new Xã Phan Rí Cửa and Xã Tuy Phong.
    tuy_phong = Unit.objects.get(structure=Structure.LEGACY, level=Level.DISTRICT, code=595)
    links = {link.unit.name: link.partly for link in queries.successors(tuy_phong)}
    assert links["Xã Tuy Phong"] is True
    assert links["Xã Phan Rí Cửa"] is True
    assert not all(links.values())


def test_it_gives_the_successor_of_a_province():
    assert _links(queries.successors(legacy_province(BINH_THUAN))) == {
        (Structure.CURRENT, Level.PROVINCE, "Tỉnh Lâm Đồng", False)
    }


def test_it_gives_a_current_unit_no_successor():
    assert queries.successors(current_commune("Xã Đức Linh")) == []


def test_it_gives_the_predecessors_of_a_new_commune_in_code_order():
    links = queries.predecessors(current_commune("Xã Đức Linh"))
    assert [(link.unit.code, link.unit.name, link.partly) for link in links] == [
        (VO_XU, "Thị trấn Võ Xu", False),
        (23206, "Xã Nam Chính", False),
        (23218, "Xã Vũ Hoà", False),
    ]
    assert all(link.unit.parent.code == DUC_LINH for link in links)


def test_it_gives_the_predecessors_of_the_new_lam_dong():
    links = queries.predecessors(current_province(LAM_DONG))
    assert [link.unit.code for link in links] == [BINH_THUAN, 67, LAM_DONG]
    assert {link.unit.structure for link in links} == {Structure.LEGACY}


# --- current_units_for -------------------------------------------------------------------------------------


def test_it_sends_a_legacy_commune_data_to_its_new_commune():
    assert _links(queries.current_units_for(legacy_commune(DUC_TAI), AFTER)) == {
        (Structure.CURRENT, Level.COMMUNE, "Xã Hoài Đức", False)
    }


def test_it_keeps_a_legacy_commune_as_itself_while_it_was_valid():
    vo_xu = legacy_commune(VO_XU)
    links = queries.current_units_for(vo_xu, BEFORE)
    assert [(link.unit, link.partly) for link in links] == [(vo_xu, False)]


def test_it_sends_a_legacy_district_data_to_the_new_province():
    links = queries.current_units_for(legacy_district(DUC_LINH), AFTER)
    assert [(link.unit, link.partly) for link in links] == [(current_province(LAM_DONG), False)]


def test_it_sends_an_island_district_without_communes_to_its_special_zone():
    """Huyện Côn Đảo (Bà Rịa – Vũng Tàu, 77) had no communes: the official table has no row for it, and its data
    went to the whole new Hồ Chí Minh City. The import's inferred link sends it to Đặc khu Côn Đảo."""
    con_dao = legacy_district(755)
    zone = Unit.objects.get(structure=Structure.CURRENT, name="Đặc khu Côn Đảo")
    assert [(link.unit, link.partly) for link in queries.current_units_for(con_dao, AFTER)] == [(zone, False)]
    assert [(link.unit, link.partly) for link in queries.successors(con_dao)] == [(zone, False)]
    assert [link.unit for link in queries.predecessors(zone)] == [con_dao]
    assert reporting_source_map([zone]) == {zone.pk: zone.pk, con_dao.pk: zone.pk}


def test_it_sends_a_split_commune_data_partly_to_each_new_commune():
    assert {(link.unit.code, link.partly) for link in queries.current_units_for(legacy_commune(22978), AFTER)} == {
        (22972, True),
        (22978, True),
    }


def test_it_sends_a_split_province_data_partly_to_each_new_province():
    tien_giang = legacy_province(82)
    assert {(link.unit.code, link.partly) for link in queries.current_units_for(tien_giang, AFTER)} == {
        (80, True),
        (82, True),
    }


def test_it_keeps_a_current_unit_as_itself():
    xa_duc_linh = current_commune("Xã Đức Linh")
    assert [(link.unit, link.partly) for link in queries.current_units_for(xa_duc_linh, AFTER)] == [
        (xa_duc_linh, False)
    ]
    lam_dong = current_province(LAM_DONG)
    assert [(link.unit, link.partly) for link in queries.current_units_for(lam_dong, AFTER)] == [(lam_dong, False)]


# --- search ------------------------------------------------------------------------------------------------


def _found(text):
    return set(Unit.objects.search(text).values_list("structure", "level", "name"))


def test_it_finds_a_district_without_accents():
    assert (Structure.LEGACY, Level.DISTRICT, "Huyện Hàm Thuận Bắc") in _found("ham thuan bac")


def test_it_finds_old_and_new_units_of_the_same_name():
    found = _found("duc linh")
    assert (Structure.LEGACY, Level.DISTRICT, "Huyện Đức Linh") in found
    assert (Structure.CURRENT, Level.COMMUNE, "Xã Đức Linh") in found
    assert all("duc linh" in fold(name) for *_, name in found)


@pytest.mark.parametrize("text", ["Đức Linh", "ĐỨC LINH", "  duc   LINH ", unicodedata.normalize("NFD", "Đức Linh")])
def test_it_finds_the_same_units_whatever_the_accents_case_and_normal_form(text):
    assert _found(text) == _found("duc linh")


def test_it_searches_by_code_when_given_digits():
    found = set(Unit.objects.search("600").values_list("structure", "level", "code", "name"))
    assert (Structure.LEGACY, Level.DISTRICT, DUC_LINH, "Huyện Đức Linh") in found
    assert {code for _s, _l, code, _n in found} == {600}


def test_it_finds_nothing_for_blank_text():
    assert not Unit.objects.search("   ").exists()
    assert not Unit.objects.search("").exists()


def test_it_does_not_match_a_different_name():
    found = _found("ham thuan")
    assert (Structure.LEGACY, Level.DISTRICT, "Huyện Hàm Thuận Nam") in found
    assert (Structure.LEGACY, Level.DISTRICT, "Huyện Đức Linh") not in found


# --- the model ---------------------------------------------------------------------------------------------


def test_it_knows_a_legacy_unit_and_its_validity():
    vo_xu = legacy_commune(VO_XU)
    assert vo_xu.is_legacy
    assert vo_xu.is_valid_on(LAST_LEGACY_DAY) and not vo_xu.is_valid_on(REFORM)
    xa_duc_linh = current_commune("Xã Đức Linh")
    assert not xa_duc_linh.is_legacy
    assert xa_duc_linh.is_valid_on(REFORM) and not xa_duc_linh.is_valid_on(LAST_LEGACY_DAY)


def test_it_lists_ancestors_from_the_top():
    assert [u.name for u in legacy_commune(VO_XU).ancestors()] == ["Tỉnh Bình Thuận", "Huyện Đức Linh"]
    assert [u.name for u in current_commune("Xã Đức Linh").ancestors()] == ["Tỉnh Lâm Đồng"]
    assert legacy_province(BINH_THUAN).ancestors() == []


def test_it_folds_the_name_and_derives_the_province_on_save():
    unit = Unit.objects.create(
        structure=Structure.LEGACY,
        level=Level.COMMUNE,
        code=99_002,
        name="Xã Đông Hà Thử",
        type="xa",
        parent=legacy_district(DUC_LINH),
    )
    unit.refresh_from_db()
    assert unit.name_folded == "xa dong ha thu"
    assert unit.province == legacy_province(BINH_THUAN)
    assert Unit.objects.search("dong ha thu").get() == unit
