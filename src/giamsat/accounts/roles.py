"""Roles grant actions; the jurisdiction bounds the rows (DESIGN.md, security model).

Permissions are "<area>.<action>" strings. Each capability says in its own `permissions.py` which roles get
its actions; this module only adds them up, so a new capability never edits another's grants."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    SUPERVISOR = "supervisor", _("Thành viên đoàn giám sát")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    COMMUNE_CHAIR = "commune_chair", _("Chủ tịch UBND cấp xã")
    CHILD_PROTECTION_WORKER = "child_protection_worker", _("Cán bộ bảo vệ trẻ em cấp xã")
    HOTLINE_OPERATOR = "hotline_operator", _("Tổng đài viên 111")
    VIEWER = "viewer", _("Lãnh đạo, người xem")


# What every signed-in person may do, whatever the role.
BASE_GRANTS = {role: {"units.view", "tokens.manage_own"} for role in Role}

# Roles whose work spans the country when no unit or organisation narrows them (the 111 centre).
NATIONWIDE_WITHOUT_UNIT = {Role.HOTLINE_OPERATOR}


def _all_grants() -> dict[str, set[str]]:
    from giamsat.cases.permissions import GRANTS as CASES
    from giamsat.plans.permissions import GRANTS as PLANS
    from giamsat.supervision.permissions import GRANTS as SUPERVISION

    combined = {role: set(granted) for role, granted in BASE_GRANTS.items()}
    for area in (PLANS, SUPERVISION, CASES):
        for role, granted in area.items():
            combined[role] |= granted
    combined[Role.ADMIN] = {"*"}
    return combined


PERMISSIONS: dict[str, set[str]] = _all_grants()


def role_can(role: str, permission: str) -> bool:
    granted = PERMISSIONS.get(role, set())
    return "*" in granted or permission in granted
