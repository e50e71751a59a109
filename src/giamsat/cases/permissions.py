"""Which roles may do what with child-protection cases (added up in accounts/roles.py). Who sees which case is
narrower still: need-to-know, decided by the case queryset's scope."""

from giamsat.accounts.roles import Role

STATISTICS = {"cases.statistics"}

GRANTS = {
    Role.HOTLINE_OPERATOR: {"cases.intake", "cases.view"},
    Role.CHILD_PROTECTION_WORKER: STATISTICS | {"cases.intake", "cases.view", "cases.manage", "cases.identify"},
    Role.COMMUNE_CHAIR: STATISTICS | {"cases.intake", "cases.view", "cases.approve", "cases.identify"},
    Role.COMMUNE_OFFICER: STATISTICS | {"cases.intake"},
    Role.DISTRICT_OFFICER: STATISTICS | {"cases.intake", "cases.view"},
    Role.PROVINCE_OFFICER: STATISTICS | {"cases.view"},
    Role.SUPERVISOR: STATISTICS,
    Role.VIEWER: STATISTICS,
}
