from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class UnitType(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    RURAL_DISTRICT = "huyen", _("Huyện")
    URBAN_DISTRICT = "quan", _("Quận")
    TOWN = "thi_xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")


# The official list's type names, per level, as they appear in the shipped data files.
SOURCE_TYPES = {
    Level.PROVINCE: {"tỉnh": UnitType.PROVINCE, "thành phố trung ương": UnitType.CENTRAL_CITY},
    Level.DISTRICT: {
        "huyện": UnitType.RURAL_DISTRICT,
        "quận": UnitType.URBAN_DISTRICT,
        "thị xã": UnitType.TOWN,
        "thành phố": UnitType.PROVINCIAL_CITY,
    },
    Level.COMMUNE: {
        "xã": UnitType.COMMUNE,
        "phường": UnitType.WARD,
        "thị trấn": UnitType.TOWNSHIP,
        "đặc khu": UnitType.SPECIAL_ZONE,
    },
}


class Structure(models.TextChoices):
    """Which official list a unit comes from; codes repeat between lists, so this is part of its key."""

    LEGACY = "legacy", _("Ba cấp (đến 30/6/2025)")
    CURRENT = "current", _("Hai cấp (từ 01/7/2025)")


class OrganisationKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", _("Ủy ban nhân dân")
    PEOPLES_COUNCIL = "hdnd", _("Hội đồng nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành / phòng chuyên môn")
    POLICE = "police", _("Công an")
    WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc")
    SCHOOL = "school", _("Trường học")
    HOTLINE = "hotline", _("Tổng đài bảo vệ trẻ em")
    OTHER = "other", _("Khác")
