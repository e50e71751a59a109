"""Which roles may do what with plans and reports (added up in accounts/roles.py)."""

from giamsat.accounts.roles import Role

READ = {"plans.view", "reporting.view"}
# Units that answer report requests: fill, upload and submit their own reports.
REPORT = READ | {"reporting.submit"}

GRANTS = {
    Role.PROVINCE_OFFICER: REPORT | {"plans.change", "reporting.review", "reporting.manage"},
    Role.SUPERVISOR: READ,
    Role.DISTRICT_OFFICER: REPORT,
    Role.COMMUNE_OFFICER: REPORT,
    Role.COMMUNE_CHAIR: REPORT,
    Role.CHILD_PROTECTION_WORKER: READ,
    Role.VIEWER: READ,
}
