"""Importing the official unit lists and the 2025 conversion table (giamsat.units.importer).

The session already imported the shipped data once (conftest.django_db_setup); these tests check what it
wrote, that a second run changes nothing, and that a bad file is refused before anything is written."""

import datetime
import json
import re
import shutil

import pytest
from django.core.management import CommandError, call_command

from factories import (
    BINH_THUAN,
    DA_KAI,
    DUC_LINH,
    DUC_TAI,
    LAM_DONG,
    VO_XU,
    current_commune,
    current_province,
    legacy_commune,
    legacy_district,
    legacy_province,
)
from giamsat.core.models import AuditEntry
from giamsat.units.choices import Level, Structure, UnitType
from giamsat.units.importer import (
    CONVERSION_FILE,
    CURRENT_FILE,
    DATA_DIR,
    LEGACY_FILE,
    ImportProblem,
    import_units,
)
from giamsat.units.models import Unit, UnitSuccession

pytestmark = pytest.mark.django_db

LEGACY_END = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)


def _shipped(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _counts():
    return {
        "units": Unit.objects.count(),
        "links": UnitSuccession.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _level_count(structure, level):
    return Unit.objects.filter(structure=structure, level=level).count()


# --- what the shipped data gives ---------------------------------------------------------------------------


def test_it_imports_the_legacy_three_level_list():
    assert _level_count(Structure.LEGACY, Level.PROVINCE) == 63
    assert _level_count(Structure.LEGACY, Level.DISTRICT) == 696
    assert _level_count(Structure.LEGACY, Level.COMMUNE) == 10_051


def test_it_imports_the_current_two_level_list():
    assert _level_count(Structure.CURRENT, Level.PROVINCE) == 34
    assert _level_count(Structure.CURRENT, Level.DISTRICT) == 0
    assert _level_count(Structure.CURRENT, Level.COMMUNE) == 3_321


def test_it_reports_the_counts_in_the_summary(initial_import_summary):
    assert initial_import_summary.counts == {
        "legacy-1": 63,
        "legacy-2": 696,
        "legacy-3": 10_051,
        "current-1": 34,
        "current-2": 0,
        "current-3": 3_321,
    }
    assert initial_import_summary.created == 63 + 696 + 10_051 + 34 + 3_321


def test_it_dates_legacy_units_until_the_reform_and_current_ones_from_it():
    assert not Unit.objects.filter(structure=Structure.LEGACY).exclude(valid_to=LEGACY_END).exists()
    assert not Unit.objects.filter(structure=Structure.LEGACY, valid_from__isnull=False).exists()
    assert not Unit.objects.filter(structure=Structure.CURRENT).exclude(valid_from=REFORM).exists()
    assert not Unit.objects.filter(structure=Structure.CURRENT, valid_to__isnull=False).exists()


def test_it_gives_binh_thuan_its_ten_districts_and_121_communes():
    binh_thuan = legacy_province(BINH_THUAN)
    assert binh_thuan.name == "Tỉnh Bình Thuận"
    assert binh_thuan.type == UnitType.PROVINCE
    districts = Unit.objects.filter(parent=binh_thuan)
    assert sorted(districts.values_list("code", flat=True)) == list(range(593, 603))
    assert set(districts.values_list("level", flat=True)) == {Level.DISTRICT}
    communes = Unit.objects.filter(province=binh_thuan, level=Level.COMMUNE)
    assert communes.count() == 121
    assert not communes.exclude(parent__in=districts).exists()


def test_it_keeps_the_province_of_every_commune_for_subtree_queries():
    vo_xu = legacy_commune(VO_XU)
    assert vo_xu.parent == legacy_district(DUC_LINH)
    assert vo_xu.province == legacy_province(BINH_THUAN)
    duc_linh = current_commune("Xã Đức Linh")
    assert duc_linh.parent == duc_linh.province == current_province(LAM_DONG)
    assert not Unit.objects.filter(level=Level.COMMUNE, province__isnull=True).exists()
    assert not Unit.objects.filter(level=Level.PROVINCE, parent__isnull=False).exists()


def test_it_maps_binh_thuan_into_the_new_lam_dong():
    link = UnitSuccession.objects.get(predecessor=legacy_province(BINH_THUAN))
    assert link.successor == current_province(LAM_DONG)
    assert link.partly is False
    assert link.effective == REFORM
    merged = UnitSuccession.objects.filter(successor=current_province(LAM_DONG))
    assert sorted(merged.values_list("predecessor__code", flat=True)) == [BINH_THUAN, 67, LAM_DONG]


def test_it_gives_the_new_lam_dong_124_communes():
    lam_dong = current_province(LAM_DONG)
    assert lam_dong.name == "Tỉnh Lâm Đồng"
    assert Unit.objects.filter(parent=lam_dong, level=Level.COMMUNE).count() == 124


@pytest.mark.parametrize(
    ("old_code", "old_name", "new_name"),
    [
        (VO_XU, "Thị trấn Võ Xu", "Xã Đức Linh"),
        (DUC_TAI, "Thị trấn Đức Tài", "Xã Hoài Đức"),
        (DA_KAI, "Xã Đa Kai", "Xã Nam Thành"),
    ],
)
def test_it_maps_old_communes_to_their_new_commune(old_code, old_name, new_name):
    old = legacy_commune(old_code)
    assert old.name == old_name
    links = UnitSuccession.objects.filter(predecessor=old)
    assert [(link.successor.name, link.successor.province.code, link.partly) for link in links] == [
        (new_name, LAM_DONG, False)
    ]


def test_it_maps_a_split_commune_to_all_its_new_communes_as_partly():
    # Shipped row: {"old_code": 22978 (Xã Phong Phú, Tuy Phong), "partly_merged": true, "new_codes": [22972, 22978]}
    row = next(r for r in _shipped(CONVERSION_FILE)["wards_old_to_new"] if r["old_code"] == 22978)
    assert row["partly_merged"] is True
    old = legacy_commune(22978)
    assert old.name == "Xã Phong Phú"
    links = UnitSuccession.objects.filter(predecessor=old).select_related("successor")
    assert sorted(link.successor.code for link in links) == sorted(row["new_codes"]) == [22972, 22978]
    assert {link.successor.name for link in links} == {"Xã Phan Rí Cửa", "Xã Tuy Phong"}
    assert all(link.partly for link in links)


def test_it_stores_every_known_link_of_the_conversion_table_with_its_partly_flag():
    conversion = _shipped(CONVERSION_FILE)
    legacy_codes = {w["code"] for w in _shipped(LEGACY_FILE)["wards"]}
    expected = {
        (row["old_code"], new, bool(row["partly_merged"]))
        for row in conversion["wards_old_to_new"]
        if row["old_code"] in legacy_codes
        for new in row["new_codes"]
    }
    stored = set(
        UnitSuccession.objects.filter(predecessor__level=Level.COMMUNE).values_list(
            "predecessor__code", "successor__code", "partly"
        )
    )
    assert stored == expected
    provinces = {
        (int(old), new, len(news) > 1) for old, news in conversion["provinces_old_to_new"].items() for new in news
    }
    stored = set(
        UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE).values_list(
            "predecessor__code", "successor__code", "partly"
        )
    )
    assert stored == provinces
    assert len(stored) == 64  # 63 old provinces; Tiền Giang (82) went partly to 80 and partly to 82
    assert (82, 80, True) in stored


ISLAND_DISTRICTS = {
    (318, 11948, "Đặc khu Bạch Long Vĩ"),
    (471, 19742, "Đặc khu Cồn Cỏ"),
    (498, 20333, "Đặc khu Hoàng Sa"),
    (536, 21548, "Đặc khu Lý Sơn"),
    (755, 26732, "Đặc khu Côn Đảo"),
}


def _island_links():
    return set(
        UnitSuccession.objects.filter(predecessor__level=Level.DISTRICT).values_list(
            "predecessor__code", "successor__code", "successor__name"
        )
    )


def test_it_links_each_island_district_without_communes_to_its_special_zone(initial_import_summary):
    """The official table lists communes only; the five districts that had none get the special zone of their name
    in the province that took theirs over, whole, and the summary names each such inferred link."""
    assert _island_links() == ISLAND_DISTRICTS
    assert not UnitSuccession.objects.filter(predecessor__level=Level.DISTRICT, partly=True).exists()
    assert sorted(initial_import_summary.inferred) == [
        "Huyện Bạch Long Vĩ → Đặc khu Bạch Long Vĩ",
        "Huyện Côn Đảo → Đặc khu Côn Đảo",
        "Huyện Cồn Cỏ → Đặc khu Cồn Cỏ",
        "Huyện Hoàng Sa → Đặc khu Hoàng Sa",
        "Huyện Lý Sơn → Đặc khu Lý Sơn",
    ]


def test_the_inferred_island_links_can_be_turned_off_and_on_again(settings, capsys):
    settings.GIAMSAT_ISLAND_DISTRICT_LINKS = False
    call_command("import_units")
    assert _island_links() == set()
    out = capsys.readouterr().out
    assert "đã bỏ 5 liên kết suy ra" in out and "inferred link:" not in out
    assert UnitSuccession.objects.filter(predecessor__level=Level.COMMUNE).count() > 10_000  # the table's stay
    assert AuditEntry.objects.filter(action="units.import").latest("pk").changes["links_removed"] == 5
    summary = import_units()
    assert (summary.links_removed, summary.changed, summary.inferred) == (0, False, [])  # off, and nothing left
    settings.GIAMSAT_ISLAND_DISTRICT_LINKS = True
    summary = import_units()
    assert summary.links_created == 5
    assert _island_links() == ISLAND_DISTRICTS


def test_a_district_without_communes_and_no_zone_of_its_name_gets_no_link(data_dir):
    legacy = data_dir.read(LEGACY_FILE)
    legacy["districts"].append({"code": 999, "name": "Huyện Đảo Thử", "type": "huyện", "province_code": 77})
    data_dir.write(LEGACY_FILE, legacy)
    summary = import_units(data_dir.path)
    assert len(summary.inferred) == 5
    assert not UnitSuccession.objects.filter(predecessor__code=999, predecessor__level=Level.DISTRICT).exists()


def _unknown_old_codes():
    conversion = _shipped(CONVERSION_FILE)
    legacy_codes = {w["code"] for w in _shipped(LEGACY_FILE)["wards"]}
    return [r["old_code"] for r in conversion["wards_old_to_new"] if r["old_code"] not in legacy_codes]


def test_it_reports_the_conversion_rows_with_unknown_old_codes_as_skipped(initial_import_summary):
    unknown = _unknown_old_codes()
    assert len(unknown) == 10
    assert initial_import_summary.skipped  # reported, not fatal: the import went on
    for problem in initial_import_summary.skipped:
        assert problem.startswith(f"{CONVERSION_FILE}: ")
    reported = {
        int(re.search(r"old code (\d+) not in the legacy list", p).group(1)) for p in initial_import_summary.skipped
    }
    assert reported == set(unknown)


def test_it_reports_each_skipped_conversion_row_once(initial_import_summary):
    assert len(initial_import_summary.skipped) == len(set(initial_import_summary.skipped)) == 10


# --- idempotence -------------------------------------------------------------------------------------------


def test_it_changes_nothing_when_run_again(initial_import_summary):
    before = _counts()
    names = dict(Unit.objects.filter(province__code=BINH_THUAN).values_list("pk", "name"))
    summary = import_units()
    assert summary.changed is False
    assert (summary.created, summary.updated, summary.links_created, summary.links_updated) == (0, 0, 0, 0)
    assert summary.unchanged == 63 + 696 + 10_051 + 34 + 3_321
    assert summary.skipped == initial_import_summary.skipped  # reported again, the same way
    assert _counts() == before  # no new unit, link, or audit entry
    assert dict(Unit.objects.filter(province__code=BINH_THUAN).values_list("pk", "name")) == names


def test_it_records_the_first_import_in_the_audit_trail():
    entry = AuditEntry.objects.get(action="units.import")
    assert entry.actor is None
    assert entry.changes["created"] == 63 + 696 + 10_051 + 34 + 3_321
    assert entry.changes["links_created"] > 10_000


def test_it_updates_a_renamed_unit_in_place(data_dir):
    legacy = data_dir.read(LEGACY_FILE)
    legacy["provinces"][0]["name"] = "Thành phố Hà Nội (đổi tên thử)"
    data_dir.write(LEGACY_FILE, legacy)
    before = _counts()
    summary = import_units(data_dir.path)
    assert (summary.created, summary.updated, summary.links_created) == (0, 1, 0)
    renamed = legacy_province(1)
    assert renamed.name == "Thành phố Hà Nội (đổi tên thử)"
    assert renamed.name_folded == "thanh pho ha noi (doi ten thu)"
    assert _counts() == {**before, "audit": before["audit"] + 1}


# --- bad files are refused whole ---------------------------------------------------------------------------


class DataDir:
    """A writable copy of the shipped data folder."""

    def __init__(self, path):
        self.path = path

    def read(self, name):
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def write(self, name, data):
        (self.path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path):
    for name in (LEGACY_FILE, CURRENT_FILE, CONVERSION_FILE):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return DataDir(tmp_path)


def _with_pending_changes(data_dir):
    """Changes a correct import would write (a renamed province, a new commune), so a refused import that
    wrote anything shows."""
    legacy = data_dir.read(LEGACY_FILE)
    legacy["provinces"][0]["name"] = "Tên đã đổi"
    legacy["wards"].append({"code": 99_001, "name": "Xã Thử Nghiệm", "type": "xã", "district_code": DUC_LINH})
    data_dir.write(LEGACY_FILE, legacy)


def _assert_nothing_written(before):
    assert _counts() == before
    assert legacy_province(1).name == "Thành phố Hà Nội"
    assert not Unit.objects.filter(code=99_001).exists()


def test_it_refuses_a_file_that_is_not_json(data_dir):
    _with_pending_changes(data_dir)
    (data_dir.path / CONVERSION_FILE).write_text('{"provinces_old_to_new": {', encoding="utf-8")
    before = _counts()
    with pytest.raises(ImportProblem) as problem:
        import_units(data_dir.path)
    assert str(problem.value).startswith(f"{CONVERSION_FILE}: ")
    assert "not valid JSON" in str(problem.value)
    _assert_nothing_written(before)


def test_it_reads_a_file_saved_with_a_byte_order_mark(data_dir):
    """Notepad on Windows saves UTF-8 with a BOM; the file was refused as "not valid JSON"."""
    _with_pending_changes(data_dir)
    path = data_dir.path / LEGACY_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    import_units(data_dir.path)
    assert legacy_province(1).name == "Tên đã đổi"


def test_it_refuses_a_missing_file(data_dir):
    (data_dir.path / CURRENT_FILE).unlink()
    with pytest.raises(ImportProblem, match=f"^{CURRENT_FILE}: .*file not found"):
        import_units(data_dir.path)


def _json_list_instead_of_object(data_dir):
    data_dir.write(LEGACY_FILE, [])
    return f"^{LEGACY_FILE}: .*expected a JSON object"


def _missing_districts(data_dir):
    legacy = data_dir.read(LEGACY_FILE)
    del legacy["districts"]
    data_dir.write(LEGACY_FILE, legacy)
    return f"^{LEGACY_FILE}: .*missing list 'districts'"


def _ward_not_an_object(data_dir):
    current = data_dir.read(CURRENT_FILE)
    current["provinces"][3]["wards"][2] = "Xã Không Phải Đối Tượng"
    data_dir.write(CURRENT_FILE, current)
    return rf"^{CURRENT_FILE}: provinces\[3\]\.wards\[2\]: .*expected an object"


def _invalid_code(data_dir):
    legacy = data_dir.read(LEGACY_FILE)
    legacy["districts"][5]["code"] = "593"
    data_dir.write(LEGACY_FILE, legacy)
    return rf"^{LEGACY_FILE}: districts\[5\]: .*invalid code '593'"


def _missing_valid_from(data_dir):
    current = data_dir.read(CURRENT_FILE)
    del current["valid_from"]
    data_dir.write(CURRENT_FILE, current)
    return f"^{CURRENT_FILE}: .*missing 'valid_from'"


def _conversion_without_province_map(data_dir):
    conversion = data_dir.read(CONVERSION_FILE)
    conversion["provinces_old_to_new"] = []
    data_dir.write(CONVERSION_FILE, conversion)
    return f"^{CONVERSION_FILE}: .*missing 'provinces_old_to_new'"


def _conversion_row_without_old_code(data_dir):
    conversion = data_dir.read(CONVERSION_FILE)
    del conversion["wards_old_to_new"][7]["old_code"]
    data_dir.write(CONVERSION_FILE, conversion)
    return rf"^{CONVERSION_FILE}: wards_old_to_new\[7\]: .*missing 'old_code'"


def _valid_from_not_a_string(data_dir):
    current = data_dir.read(CURRENT_FILE)
    current["valid_from"] = 20250701
    data_dir.write(CURRENT_FILE, current)
    return f"^{CURRENT_FILE}: .*missing 'valid_from'"


def _unit_type_a_list(data_dir):
    legacy = data_dir.read(LEGACY_FILE)
    legacy["wards"][9]["type"] = ["xã"]
    data_dir.write(LEGACY_FILE, legacy)
    return rf"^{LEGACY_FILE}: wards\[9\]: .*unknown unit type"


@pytest.mark.parametrize(
    "break_it",
    [
        _json_list_instead_of_object,
        _missing_districts,
        _ward_not_an_object,
        _invalid_code,
        _missing_valid_from,
        _conversion_without_province_map,
        _conversion_row_without_old_code,
        _valid_from_not_a_string,  # once a TypeError (fixed in c579dd1)
        _unit_type_a_list,  # once a TypeError: an unhashable type (fixed in c579dd1)
    ],
)
def test_it_refuses_a_file_of_the_wrong_structure(data_dir, break_it):
    _with_pending_changes(data_dir)
    message = break_it(data_dir)
    before = _counts()
    with pytest.raises(ImportProblem, match=message):
        import_units(data_dir.path)
    _assert_nothing_written(before)


def test_it_refuses_an_unknown_unit_type_naming_file_and_place(data_dir):
    _with_pending_changes(data_dir)
    current = data_dir.read(CURRENT_FILE)
    current["provinces"][33]["wards"][10]["type"] = "làng"
    data_dir.write(CURRENT_FILE, current)
    before = _counts()
    with pytest.raises(ImportProblem) as problem:
        import_units(data_dir.path)
    assert str(problem.value).startswith(f"{CURRENT_FILE}: provinces[33].wards[10]: ")
    assert "unknown unit type 'làng'" in str(problem.value)
    _assert_nothing_written(before)


def test_it_refuses_a_unit_whose_parent_is_missing(data_dir):
    _with_pending_changes(data_dir)
    legacy = data_dir.read(LEGACY_FILE)
    legacy["wards"][-2]["district_code"] = 99_999
    data_dir.write(LEGACY_FILE, legacy)
    before = _counts()
    with pytest.raises(ImportProblem) as problem:
        import_units(data_dir.path)
    assert str(problem.value).startswith(
        f"{LEGACY_FILE}: {legacy['wards'][-2]['name']} ({legacy['wards'][-2]['code']}): "
    )
    assert "parent 99999 not found" in str(problem.value)
    _assert_nothing_written(before)


def test_it_refuses_a_duplicate_code(data_dir):
    _with_pending_changes(data_dir)
    legacy = data_dir.read(LEGACY_FILE)
    legacy["districts"].append({**legacy["districts"][0]})
    data_dir.write(LEGACY_FILE, legacy)
    before = _counts()
    with pytest.raises(ImportProblem, match=f"^{LEGACY_FILE}: .*duplicate code 1 "):
        import_units(data_dir.path)
    _assert_nothing_written(before)


def test_it_refuses_a_conversion_table_that_matches_nothing(data_dir):
    conversion = data_dir.read(CONVERSION_FILE)
    conversion["provinces_old_to_new"] = {"990": [991]}
    conversion["wards_old_to_new"] = [{"old_code": 999_990, "new_codes": [999_991], "partly_merged": False}]
    data_dir.write(CONVERSION_FILE, conversion)
    with pytest.raises(ImportProblem, match=f"^{CONVERSION_FILE}: .*no code matches"):
        import_units(data_dir.path)


def test_the_command_fails_with_a_command_error_on_a_bad_folder(tmp_path):
    before = _counts()
    with pytest.raises(CommandError, match=f"nothing imported: {LEGACY_FILE}: .*file not found"):
        call_command("import_units", "--dir", str(tmp_path / "BAD"))
    assert _counts() == before


def test_the_command_reports_skipped_rows_and_a_summary(capsys):
    call_command("import_units")
    out = capsys.readouterr().out
    skipped = [line for line in out.splitlines() if "skipped: " in line]
    assert {re.search(r"old code (\d+)", line).group(1) for line in skipped} == {str(c) for c in _unknown_old_codes()}
    assert "0 mới / created, 0 cập nhật / updated" in out
