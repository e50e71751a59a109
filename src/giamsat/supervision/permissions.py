"""Which roles may do what with supervisions and official documents (added up in accounts/roles.py)."""

from giamsat.accounts.roles import Role

# Supervised bodies see the supervisions of themselves and answer the recommendations addressed to them.
SUPERVISED = {"supervision.view", "supervision.respond", "documents.view"}

GRANTS = {
    Role.SUPERVISOR: {
        "supervision.view",
        "supervision.change",
        "supervision.verify",
        "documents.view",
        "documents.issue",
    },
    Role.PROVINCE_OFFICER: SUPERVISED | {"documents.issue"},
    Role.DISTRICT_OFFICER: SUPERVISED,
    Role.COMMUNE_OFFICER: SUPERVISED,
    Role.COMMUNE_CHAIR: SUPERVISED,
    # Leaders read what was found and recommended to every body in their jurisdiction, down to the communes, to see
    # which recommendations are stuck; they answer none (scoping.organisations_of).
    Role.VIEWER: {"supervision.view", "supervision.oversee", "documents.view"},
}
