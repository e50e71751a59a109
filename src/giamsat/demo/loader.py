"""The seed's province as a demo: Bình Thuận as of 2020–2023 (three levels) and Lâm Đồng, into which it merged
on 01/7/2025. Idempotent: loading twice leaves the same rows. Later capabilities add their part here."""

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.core import audit
from giamsat.demo.cases import load_cases
from giamsat.demo.plans import load_plans
from giamsat.demo.supervision import load_supervision
from giamsat.units.choices import Level, OrganisationKind, Structure
from giamsat.units.importer import LEGACY_END, import_units
from giamsat.units.models import REFORM_DATE, Organisation, Unit

BINH_THUAN = 60  # legacy province code
LAM_DONG = 68  # the province Bình Thuận merged into
HANOI = 1
K = OrganisationKind


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    position: str
    role: str
    unit: tuple | None  # (structure, level, code or name)
    organisation: str | None


# Names are plainly fictional ("Demo"); the units and bodies are real.
USERS = [
    DemoUser("quantri", "Quản Trị Demo", "Quản trị hệ thống", Role.ADMIN, None, None),
    DemoUser(
        "tinh",
        "Nguyễn Văn Tỉnh Demo",
        "Chuyên viên Sở",
        Role.PROVINCE_OFFICER,
        (Structure.CURRENT, Level.PROVINCE, LAM_DONG),
        "Ủy ban nhân dân tỉnh Lâm Đồng",
    ),
    DemoUser(
        "so.ldtbxh",
        "Đặng Thị Sở Demo",
        "Chuyên viên Phòng Bảo vệ, chăm sóc trẻ em",
        Role.PROVINCE_OFFICER,
        (Structure.LEGACY, Level.PROVINCE, BINH_THUAN),
        "Sở Lao động - Thương binh và Xã hội tỉnh Bình Thuận",
    ),
    DemoUser(
        "giamsat",
        "Trần Thị Giám Sát Demo",
        "Trưởng đoàn giám sát, Phó Chủ tịch Hội LHPN tỉnh",
        Role.SUPERVISOR,
        None,
        "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
    ),
    DemoUser(
        "huyen",
        "Lê Văn Huyện Demo",
        "Chuyên viên Phòng LĐTBXH",
        Role.DISTRICT_OFFICER,
        (Structure.LEGACY, Level.DISTRICT, 600),
        "Phòng Lao động - Thương binh và Xã hội huyện Đức Linh",
    ),
    DemoUser(
        "xa",
        "Phạm Thị Xã Demo",
        "Công chức Văn hóa - Xã hội",
        Role.COMMUNE_OFFICER,
        (Structure.CURRENT, Level.COMMUNE, "Xã Đức Linh"),
        "Ủy ban nhân dân xã Đức Linh",
    ),
    DemoUser(
        "chutich",
        "Ngô Văn Chủ Tịch Demo",
        "Chủ tịch UBND xã",
        Role.COMMUNE_CHAIR,
        (Structure.CURRENT, Level.COMMUNE, "Xã Đức Linh"),
        "Ủy ban nhân dân xã Đức Linh",
    ),
    DemoUser(
        "baove",
        "Hoàng Thị Bảo Vệ Demo",
        "Cán bộ bảo vệ trẻ em",
        Role.CHILD_PROTECTION_WORKER,
        (Structure.CURRENT, Level.COMMUNE, "Xã Đức Linh"),
        "Ủy ban nhân dân xã Đức Linh",
    ),
    DemoUser(
        "baove2",
        "Vũ Văn Bảo Vệ Demo",
        "Cán bộ bảo vệ trẻ em",
        Role.CHILD_PROTECTION_WORKER,
        (Structure.CURRENT, Level.COMMUNE, "Xã Hoài Đức"),
        "Ủy ban nhân dân xã Hoài Đức",
    ),
    DemoUser(
        "tongdai",
        "Đỗ Thị Tổng Đài Demo",
        "Tư vấn viên",
        Role.HOTLINE_OPERATOR,
        None,
        "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",
    ),
    DemoUser(
        "lanhdao",
        "Bùi Văn Lãnh Đạo Demo",
        "Phó Chủ tịch UBND tỉnh",
        Role.VIEWER,
        (Structure.CURRENT, Level.PROVINCE, LAM_DONG),
        "Ủy ban nhân dân tỉnh Lâm Đồng",
    ),
]


def _unit(structure, level, code_or_name) -> Unit:
    rows = Unit.objects.filter(structure=structure, level=level)
    if isinstance(code_or_name, int):
        return rows.get(code=code_or_name)
    return rows.get(name=code_or_name, province__code=LAM_DONG)


def _in_sentence(unit_name: str) -> str:
    """'Huyện Đức Linh' -> 'huyện Đức Linh', as the name reads after 'Ủy ban nhân dân'."""
    return unit_name[0].lower() + unit_name[1:]


def _org(name, abbreviation, kind, unit, parent=None, valid_to=None, valid_from=None) -> Organisation:
    org, _created = Organisation.objects.update_or_create(
        unit=unit,
        name=name,
        defaults={
            "abbreviation": abbreviation,
            "kind": kind,
            "parent": parent,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return org


def _organisations() -> None:
    binh_thuan = _unit(Structure.LEGACY, Level.PROVINCE, BINH_THUAN)
    end = LEGACY_END
    ubnd = _org("Ủy ban nhân dân tỉnh Bình Thuận", "UBND", K.PEOPLES_COMMITTEE, binh_thuan, valid_to=end)
    _org("Hội đồng nhân dân tỉnh Bình Thuận", "HĐND", K.PEOPLES_COUNCIL, binh_thuan, valid_to=end)
    hlhpn = _org("Hội Liên hiệp Phụ nữ tỉnh Bình Thuận", "HLHPN", K.WOMENS_UNION, binh_thuan, valid_to=end)
    _org(
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bình Thuận",
        "MTTQ",
        K.FATHERLAND_FRONT,
        binh_thuan,
        valid_to=end,
    )
    _org("Tỉnh Đoàn Bình Thuận", "TĐTN", K.YOUTH_UNION, binh_thuan, valid_to=end)
    _org("Sở Lao động - Thương binh và Xã hội tỉnh Bình Thuận", "SLĐTBXH", K.DEPARTMENT, binh_thuan, ubnd, end)
    _org("Sở Giáo dục và Đào tạo tỉnh Bình Thuận", "SGDĐT", K.DEPARTMENT, binh_thuan, ubnd, end)
    _org("Công an tỉnh Bình Thuận", "CAT", K.POLICE, binh_thuan, valid_to=end)
    for district in Unit.objects.filter(parent=binh_thuan).order_by("code"):
        place = _in_sentence(district.name)
        people = _org(f"Ủy ban nhân dân {place}", "UBND", K.PEOPLES_COMMITTEE, district, valid_to=end)
        _org(f"Phòng Lao động - Thương binh và Xã hội {place}", "PLĐTBXH", K.DEPARTMENT, district, people, end)
        _org(f"Hội Liên hiệp Phụ nữ {place}", "HLHPN", K.WOMENS_UNION, district, hlhpn, end)
    lam_dong = _unit(Structure.CURRENT, Level.PROVINCE, LAM_DONG)
    _org("Ủy ban nhân dân tỉnh Lâm Đồng", "UBND", K.PEOPLES_COMMITTEE, lam_dong, valid_from=REFORM_DATE)
    _org("Hội Liên hiệp Phụ nữ tỉnh Lâm Đồng", "HLHPN", K.WOMENS_UNION, lam_dong, valid_from=REFORM_DATE)
    for name in ("Xã Đức Linh", "Xã Hoài Đức"):
        commune = _unit(Structure.CURRENT, Level.COMMUNE, name)
        _org(
            f"Ủy ban nhân dân {_in_sentence(name)}",
            "UBND",
            K.PEOPLES_COMMITTEE,
            commune,
            valid_from=REFORM_DATE,
        )
    hanoi = _unit(Structure.CURRENT, Level.PROVINCE, HANOI)
    _org("Tổng đài điện thoại quốc gia bảo vệ trẻ em 111", "TĐ111", K.HOTLINE, hanoi)


def _users(password: str) -> list[tuple[DemoUser, User, bool]]:
    made = []
    for spec in USERS:
        unit = _unit(*spec.unit) if spec.unit else None
        organisation = Organisation.objects.get(name=spec.organisation) if spec.organisation else None
        user, created = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "full_name": spec.full_name,
                "position": spec.position,
                "role": spec.role,
                "unit": unit,
                "organisation": organisation,
                "email": f"{spec.username}@demo.invalid",
                "is_staff": spec.role == Role.ADMIN,
                "is_superuser": spec.role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        made.append((spec, user, created))
    return made


def demo_password() -> str:
    """One password for all demo logins, generated per installation (never in the repository)."""
    path = settings.HOME / "demo-password.txt"
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            out.write(f"demo-{secrets.token_urlsafe(9)}")
    return path.read_text(encoding="utf-8").strip()


def load_demo(progress: Callable[[str], None] = lambda _m: None) -> list[tuple[DemoUser, User, bool]]:
    if not Unit.objects.filter(structure=Structure.CURRENT).exists():
        import_units(progress=progress)
    progress("Dữ liệu minh họa: cơ quan, tổ chức và người dùng / demo organisations and users")
    with transaction.atomic():
        _organisations()
        users = _users(demo_password())
        created = [user.username for _spec, user, new in users if new]
        if created:
            audit.record(None, "demo.load", changes={"users_created": created})
    progress("Dữ liệu minh họa: kế hoạch, chỉ tiêu và báo cáo 2021–2023 / plans, targets and reports")
    # The Sở LĐTBXH officer reviewed the districts' reports in 2021–2023.
    load_plans(_unit(Structure.LEGACY, Level.PROVINCE, BINH_THUAN), User.objects.get(username="so.ldtbxh"))
    progress("Dữ liệu minh họa: giám sát và văn bản / supervisions and documents")
    load_supervision()
    progress("Dữ liệu minh họa: vụ việc trẻ em / child-protection cases")
    load_cases()
    return users
