"""Which roles may do what with child-protection cases (added up in accounts/roles.py). Who sees which case is
narrower still: need-to-know, decided by the case queryset's scope (cases/models.py CaseQuerySet):

- LOCAL_ROLES see and work on the cases of the communes in their jurisdiction (a current commune also covers the
  legacy communes merged into it);
- SUPERVISING_ROLES see the cases of their district or province, pseudonymised (no names without cases.identify);
- everyone else sees a case only when assigned to it, or (having recorded it) until it is forwarded to the commune.

"cases.audit" (the access log) is not granted to any role here: administrators have every permission."""

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

LOCAL_ROLES = {Role.CHILD_PROTECTION_WORKER, Role.COMMUNE_CHAIR}
SUPERVISING_ROLES = {Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICER}
