"""Roles grant actions; the jurisdiction bounds the rows (DESIGN.md, security model).

Permissions are "<area>.<action>" strings. Later capabilities add their own areas here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    SUPERVISOR = "supervisor", _("Thành viên đoàn giám sát")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    CHILD_PROTECTION_WORKER = "child_protection_worker", _("Cán bộ bảo vệ trẻ em cấp xã")
    HOTLINE_OPERATOR = "hotline_operator", _("Tổng đài viên 111")
    VIEWER = "viewer", _("Lãnh đạo, người xem")


EVERY_ROLE = {"units.view", "tokens.manage_own"}
READ_PLANS = {"plans.view", "reporting.view"}
# Units that answer report requests: fill, upload and submit their own reports.
REPORTERS = READ_PLANS | {"reporting.submit"}

PERMISSIONS: dict[str, set[str]] = {
    Role.ADMIN: {"*"},
    Role.PROVINCE_OFFICER: EVERY_ROLE
    | READ_PLANS
    | {"plans.change", "reporting.submit", "reporting.review", "reporting.manage"},
    Role.SUPERVISOR: EVERY_ROLE | READ_PLANS,
    Role.DISTRICT_OFFICER: EVERY_ROLE | REPORTERS,
    Role.COMMUNE_OFFICER: EVERY_ROLE | REPORTERS,
    Role.CHILD_PROTECTION_WORKER: EVERY_ROLE | READ_PLANS,
    Role.HOTLINE_OPERATOR: EVERY_ROLE,
    Role.VIEWER: EVERY_ROLE | READ_PLANS,
}

# Roles whose work spans the country when no unit or organisation narrows them (the 111 centre).
NATIONWIDE_WITHOUT_UNIT = {Role.HOTLINE_OPERATOR}


def role_can(role: str, permission: str) -> bool:
    granted = PERMISSIONS.get(role, set())
    return "*" in granted or permission in granted
