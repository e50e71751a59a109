"""Loads the official unit lists and the 2025 conversion table. Idempotent: a second run changes nothing.

Everything is read and checked before the first write, and written in one transaction, so a wrong file
imports nothing."""

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from giamsat.core import audit
from giamsat.core.text import fold

from .choices import SOURCE_TYPES, Level, Structure, UnitType
from .models import REFORM_DATE, Unit, UnitSuccession

DATA_DIR = Path(__file__).resolve().parent / "data"
LEGACY_FILE = "legacy-2025-06-30.json"
CURRENT_FILE = "current-2026-09-20.json"
CONVERSION_FILE = "conversion-2025-07-01.json"
LEGACY_END = REFORM_DATE - datetime.timedelta(days=1)


class ImportProblem(Exception):
    """A file that cannot be imported; the message names the file and the place."""


@dataclass
class Row:
    structure: str
    level: int
    code: int
    name: str
    type: str
    parent_code: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @property
    def key(self) -> tuple:
        return (self.structure, self.level, self.code)

    @property
    def parent_key(self) -> tuple | None:
        if self.parent_code is None:
            return None
        # Legacy communes hang under districts; in the two-level structure communes hang under provinces.
        parent_level = self.level - 1 if self.structure == Structure.LEGACY else Level.PROVINCE
        return (self.structure, parent_level, self.parent_code)


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_removed: int = 0
    counts: dict = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)  # "Huyện Côn Đảo → Đặc khu Côn Đảo", see island_district_links

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.links_created or self.links_updated or self.links_removed)


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # Notepad on Windows writes a BOM
    except FileNotFoundError as exc:
        raise ImportProblem(f"{path.name}: không tìm thấy tệp / file not found") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportProblem(f"{path.name}: không phải JSON hợp lệ / not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ImportProblem(f"{path.name}: cần một đối tượng JSON / expected a JSON object")
    return data


def _items(data: dict, key: str, file: str) -> list:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ImportProblem(f"{file}: thiếu danh sách '{key}' / missing list '{key}'")
    return items


def _row(item, where: str, structure: str, level: int, parent_key: str | None, valid_from, valid_to) -> Row:
    if not isinstance(item, dict):
        raise ImportProblem(f"{where}: cần một đối tượng / expected an object")
    code, name, kind = item.get("code"), item.get("name"), item.get("type")
    if not isinstance(code, int) or code <= 0:
        raise ImportProblem(f"{where}: mã không hợp lệ / invalid code {code!r}")
    if not isinstance(name, str) or not name.strip():
        raise ImportProblem(f"{where}: thiếu tên / missing name")
    if not isinstance(kind, str) or kind not in SOURCE_TYPES[level]:
        raise ImportProblem(f"{where}: loại đơn vị không hợp lệ / unknown unit type {kind!r}")
    parent_code = item.get(parent_key) if parent_key else None
    if parent_key and not isinstance(parent_code, int):
        raise ImportProblem(f"{where}: thiếu '{parent_key}' / missing '{parent_key}'")
    return Row(structure, level, code, name.strip(), SOURCE_TYPES[level][kind], parent_code, valid_from, valid_to)


def read_sources(data_dir: Path = DATA_DIR) -> tuple[list[Row], list[tuple], list[str]]:
    """Check the three files; return unit rows (parents before children), succession links, and the
    conversion rows skipped because they name a code that is in neither list."""
    legacy, current, conversion = (_load(data_dir / f) for f in (LEGACY_FILE, CURRENT_FILE, CONVERSION_FILE))
    try:
        current_from = datetime.date.fromisoformat(current.get("valid_from", ""))
    except (TypeError, ValueError) as exc:
        raise ImportProblem(f"{CURRENT_FILE}: thiếu 'valid_from' / missing 'valid_from'") from exc

    rows: list[Row] = []
    for i, item in enumerate(_items(legacy, "provinces", LEGACY_FILE)):
        rows.append(
            _row(
                item,
                f"{LEGACY_FILE}: provinces[{i}]",
                Structure.LEGACY,
                Level.PROVINCE,
                None,
                None,
                LEGACY_END,
            )
        )
    for i, item in enumerate(_items(legacy, "districts", LEGACY_FILE)):
        rows.append(
            _row(
                item,
                f"{LEGACY_FILE}: districts[{i}]",
                Structure.LEGACY,
                Level.DISTRICT,
                "province_code",
                None,
                LEGACY_END,
            )
        )
    for i, item in enumerate(_items(legacy, "wards", LEGACY_FILE)):
        rows.append(
            _row(
                item,
                f"{LEGACY_FILE}: wards[{i}]",
                Structure.LEGACY,
                Level.COMMUNE,
                "district_code",
                None,
                LEGACY_END,
            )
        )
    provinces = _items(current, "provinces", CURRENT_FILE)
    for i, item in enumerate(provinces):
        rows.append(
            _row(
                item,
                f"{CURRENT_FILE}: provinces[{i}]",
                Structure.CURRENT,
                Level.PROVINCE,
                None,
                current_from,
                None,
            )
        )
    for i, item in enumerate(provinces):
        for j, ward in enumerate(item.get("wards") or []):
            if isinstance(ward, dict):
                ward = {**ward, "province_code": item["code"]}
            rows.append(
                _row(
                    ward,
                    f"{CURRENT_FILE}: provinces[{i}].wards[{j}]",
                    Structure.CURRENT,
                    Level.COMMUNE,
                    "province_code",
                    current_from,
                    None,
                )
            )
    _check_unique_and_parents(rows)

    links: list[tuple] = []
    province_map = conversion.get("provinces_old_to_new")
    if not isinstance(province_map, dict) or not province_map:
        raise ImportProblem(f"{CONVERSION_FILE}: thiếu 'provinces_old_to_new' / missing 'provinces_old_to_new'")
    for old, news in province_map.items():
        if not str(old).isdigit() or not isinstance(news, list):
            raise ImportProblem(f"{CONVERSION_FILE}: provinces_old_to_new[{old!r}] không hợp lệ / invalid")
        for new in news:
            links.append((Level.PROVINCE, int(old), Level.PROVINCE, new, len(news) > 1))
    for i, item in enumerate(_items(conversion, "wards_old_to_new", CONVERSION_FILE)):
        where = f"{CONVERSION_FILE}: wards_old_to_new[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("old_code"), int):
            raise ImportProblem(f"{where}: thiếu 'old_code' / missing 'old_code'")
        news = item.get("new_codes")
        if not isinstance(news, list) or not all(isinstance(c, int) for c in news):
            raise ImportProblem(f"{where}: 'new_codes' không hợp lệ / invalid 'new_codes'")
        for new in news:
            links.append((Level.COMMUNE, item["old_code"], Level.COMMUNE, new, bool(item.get("partly_merged"))))
    links, skipped = _known_links(rows, links)
    return rows, links, skipped


def island_district_links(rows: list[Row], links: list[tuple]) -> list[tuple[Row, Row]]:
    """(old district, special zone) for the island districts that had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa,
    Lý Sơn, Côn Đảo): the special zone of the same name among the communes of the provinces that took over the
    district's province, when there is exactly one.

    The official table lists communes only, so it has no row for a district without communes, and such a
    district's reports and targets would count for its new province alone. Each of the five became the special
    zone of its name, whole (as the 2025 resolutions on the communes of each province read, unconfirmed here): a
    link inferred from the names, which GIAMSAT_ISLAND_DISTRICT_LINKS=0 turns off."""
    legacy = [r for r in rows if r.structure == Structure.LEGACY]
    with_communes = {r.parent_code for r in legacy if r.level == Level.COMMUNE}
    new_provinces: dict[int, set[int]] = defaultdict(set)
    for old_level, old, _new_level, new, _partly in links:
        if old_level == Level.PROVINCE:
            new_provinces[old].add(new)
    zones: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row.structure == Structure.CURRENT and row.type == UnitType.SPECIAL_ZONE:
            zones[(row.parent_code, _bare_name(row.name))].append(row)
    found = []
    for district in legacy:
        if district.level != Level.DISTRICT or district.code in with_communes:
            continue
        matches = [
            zone
            for province in sorted(new_provinces[district.parent_code])
            for zone in zones[(province, _bare_name(district.name))]
        ]
        if len(matches) == 1:
            found.append((district, matches[0]))
    return found


def _bare_name(name: str) -> str:
    """The name without its unit's kind, folded: "Huyện Côn Đảo" and "Đặc khu Côn Đảo" are both "con dao"."""
    return re.sub(r"^(huyen|dac khu) ", "", fold(name))


def _check_unique_and_parents(rows: list[Row]) -> None:
    def source(row: Row) -> str:
        return LEGACY_FILE if row.structure == Structure.LEGACY else CURRENT_FILE

    seen = set()
    for row in rows:
        if row.key in seen:
            raise ImportProblem(f"{source(row)}: mã trùng / duplicate code {row.code} (level {row.level})")
        seen.add(row.key)
    for row in rows:
        if row.parent_key is not None and row.parent_key not in seen:
            raise ImportProblem(
                f"{source(row)}: {row.name} ({row.code}): không có đơn vị cấp trên / parent {row.parent_code} not found"
            )


def _known_links(rows: list[Row], links: list[tuple]) -> tuple[list[tuple], list[str]]:
    """Links whose both ends are in the lists. The official table names a few old communes that had already
    been merged before the legacy list was taken (10 in the shipped data); those are reported, not fatal."""
    legacy = {(r.level, r.code) for r in rows if r.structure == Structure.LEGACY}
    current = {(r.level, r.code) for r in rows if r.structure == Structure.CURRENT}
    kept, skipped = [], []
    for link in links:
        old_level, old, new_level, new, _partly = link
        if (old_level, old) not in legacy:
            problem = (
                f"{CONVERSION_FILE}: mã cũ {old} không có trong danh mục cũ / old code {old} not in the legacy list"
            )
        elif (new_level, new) not in current:
            problem = (
                f"{CONVERSION_FILE}: mã mới {new} không có trong danh mục mới / new code {new} not in the current list"
            )
        else:
            kept.append(link)
            continue
        # An old commune split in two is one row of the table but two links: report it once.
        if problem not in skipped:
            skipped.append(problem)
    if links and not kept:
        raise ImportProblem(f"{CONVERSION_FILE}: không mã nào khớp danh mục / no code matches the lists")
    return kept, skipped


def import_units(data_dir: Path = DATA_DIR, progress: Callable[[str], None] = lambda _m: None) -> Summary:
    progress("Đang kiểm tra tệp dữ liệu / checking the data files")
    rows, links, skipped = read_sources(data_dir)
    summary = Summary(skipped=skipped)
    if settings.GIAMSAT_ISLAND_DISTRICT_LINKS:
        islands = island_district_links(rows, links)
        links += [(Level.DISTRICT, district.code, Level.COMMUNE, zone.code, False) for district, zone in islands]
        summary.inferred = [f"{district.name} → {zone.name}" for district, zone in islands]
    with transaction.atomic():
        existing = {(u.structure, u.level, u.code): u for u in Unit.objects.all()}
        for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
            batch = [r for r in rows if r.level == level]
            progress(f"Đơn vị cấp {int(level)}: {len(batch):,} / level {int(level)} units".replace(",", "."))
            _upsert_level(batch, existing, summary)
        progress(f"Bảng chuyển đổi: {len(links):,} liên kết / conversion links".replace(",", "."))
        _upsert_links(links, existing, summary)
        if not settings.GIAMSAT_ISLAND_DISTRICT_LINKS:
            # The official table links communes and provinces only: a district's link is an inferred one.
            summary.links_removed, _by_model = UnitSuccession.objects.filter(predecessor__level=Level.DISTRICT).delete()
        summary.counts = {
            f"{s}-{int(lv)}": sum(1 for r in rows if r.structure == s and r.level == lv)
            for s in Structure
            for lv in Level
        }
        if summary.changed:
            audit.record(
                None,
                "units.import",
                changes={
                    "created": summary.created,
                    "updated": summary.updated,
                    "links_created": summary.links_created,
                    "links_updated": summary.links_updated,
                    "links_removed": summary.links_removed,
                },
            )
    return summary


def _upsert_level(batch: list[Row], existing: dict, summary: Summary) -> None:
    to_create, to_update = [], []
    for row in batch:
        parent = existing[row.parent_key] if row.parent_key else None
        province_id = None if parent is None else (parent.pk if parent.level == Level.PROVINCE else parent.province_id)
        # Ids, not instances: comparing instances would fetch every existing unit's parent.
        values = {
            "name": row.name,
            "name_folded": fold(row.name),
            "type": row.type,
            "parent_id": parent.pk if parent else None,
            "province_id": province_id,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
        }
        unit = existing.get(row.key)
        if unit is None:
            unit = Unit(structure=row.structure, level=row.level, code=row.code, **values)
            to_create.append(unit)
            existing[row.key] = unit
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            to_update.append(unit)
        else:
            summary.unchanged += 1
    Unit.objects.bulk_create(to_create, batch_size=1000)
    Unit.objects.bulk_update(
        to_update,
        ["name", "name_folded", "type", "parent", "province", "valid_from", "valid_to"],
        batch_size=1000,
    )
    summary.created += len(to_create)
    summary.updated += len(to_update)


def _upsert_links(links: list[tuple], units: dict, summary: Summary) -> None:
    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    to_create, to_update = [], []
    for old_level, old, new_level, new, partly in links:
        before = units[(Structure.LEGACY, old_level, old)]
        after = units[(Structure.CURRENT, new_level, new)]
        link = existing.get((before.pk, after.pk))
        if link is None:
            to_create.append(UnitSuccession(predecessor=before, successor=after, partly=partly, effective=REFORM_DATE))
            existing[(before.pk, after.pk)] = to_create[-1]
        elif link.partly != partly:
            link.partly = partly
            to_update.append(link)
    UnitSuccession.objects.bulk_create(to_create, batch_size=1000)
    UnitSuccession.objects.bulk_update(to_update, ["partly"], batch_size=1000)
    summary.links_created += len(to_create)
    summary.links_updated += len(to_update)
