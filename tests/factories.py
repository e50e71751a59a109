"""Factories and unit look-ups shared by the whole suite.

The official units are imported once per test session (conftest.django_db_setup), so tests look units up
by their official key instead of inventing them."""

import factory
from factory.django import DjangoModelFactory

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.units.choices import Level, OrganisationKind, Structure
from giamsat.units.models import Organisation, Unit

PASSWORD = "Mật-khẩu-thử-2025!"

# Official codes used throughout the suite (DOMAIN.md section 8).
HANOI = 1
BINH_THUAN = 60  # legacy province, merged into Lâm Đồng on 01/7/2025
DAK_NONG = 67
LAM_DONG = 68
TANH_LINH = 599  # legacy district of Bình Thuận
DUC_LINH = 600  # legacy district of Bình Thuận
BA_DINH_WARD = 4  # current ward of Hà Nội
VO_XU = 23191  # legacy township in Đức Linh, now part of Xã Đức Linh
DUC_TAI = 23194  # legacy township in Đức Linh, now part of Xã Hoài Đức
DA_KAI = 23197  # legacy commune in Đức Linh, now part of Xã Nam Thành


# The persona fixtures of conftest.py, by name (for indirect parametrisation).
PERSONAS = [
    "province_officer",
    "supervisor",
    "district_officer",
    "commune_worker",
    "other_commune_worker",
    "outsider",
    "admin_user",
    "hotline_operator",
]


def unit(structure: str, level: int, code: int) -> Unit:
    return Unit.objects.get(structure=structure, level=level, code=code)


def legacy_province(code: int) -> Unit:
    return unit(Structure.LEGACY, Level.PROVINCE, code)


def legacy_district(code: int) -> Unit:
    return unit(Structure.LEGACY, Level.DISTRICT, code)


def legacy_commune(code: int) -> Unit:
    return unit(Structure.LEGACY, Level.COMMUNE, code)


def current_province(code: int) -> Unit:
    return unit(Structure.CURRENT, Level.PROVINCE, code)


def current_commune(name: str, province_code: int = LAM_DONG) -> Unit:
    return Unit.objects.get(structure=Structure.CURRENT, level=Level.COMMUNE, name=name, province__code=province_code)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    abbreviation = "CQ"
    kind = OrganisationKind.OTHER
    unit = factory.LazyFunction(lambda: legacy_province(BINH_THUAN))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.VIEWER
    unit = None
    organisation = None
    password = factory.django.Password(PASSWORD)


class ProvinceOfficerFactory(UserFactory):
    role = Role.PROVINCE_OFFICER
    unit = factory.LazyFunction(lambda: current_province(LAM_DONG))


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR
    organisation = factory.LazyFunction(
        lambda: Organisation.objects.get(kind=OrganisationKind.WOMENS_UNION, unit=legacy_province(BINH_THUAN))
    )


class DistrictOfficerFactory(UserFactory):
    role = Role.DISTRICT_OFFICER
    unit = factory.LazyFunction(lambda: legacy_district(DUC_LINH))


class CommuneWorkerFactory(UserFactory):
    role = Role.CHILD_PROTECTION_WORKER
    unit = factory.LazyFunction(lambda: current_commune("Xã Đức Linh"))


class CommuneOfficerFactory(UserFactory):
    role = Role.COMMUNE_OFFICER
    unit = factory.LazyFunction(lambda: current_commune("Phường Ba Đình", HANOI))


class HotlineOperatorFactory(UserFactory):
    role = Role.HOTLINE_OPERATOR


class AdminFactory(UserFactory):
    role = Role.ADMIN
