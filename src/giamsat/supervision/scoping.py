"""Who sees and changes which supervision (docs/supervision.md, "Scoping rule").

Two sides:

- The **supervising side** of a supervision: members of the supervising organisation (user.organisation is it),
  members of the organisation above it (the provincial Women's Union over a district one), the users named in
  its delegation, and holders of `supervision.change` whose jurisdiction covers the supervising organisation's
  unit. They see everything of the supervision and, with the role's permission, change and verify.
- The **supervised side**: the organisations a user speaks for are their own organisation, its parent body (a
  district's labour office answers for the district People's Committee) and — for users who are not
  supervisors themselves — the bodies seated at their own unit (their unit and the units it took over in the
  2025 reform, not the units below it). Such a user sees a supervision once its plan is no longer a draft, if one
  of their organisations is supervised in it or is the addressee of one of its recommendations; within it, the
  sessions and findings about their organisations, the general findings, and only the recommendations
  addressed to them, which they can answer. They never change findings.
- **Leaders** (`supervision.oversee`) see, read-only, as the supervised side does, for every body seated in their
  jurisdiction or below it: a province's leader follows the recommendations made to its districts and communes.
  They answer none (no `supervision.respond`).

Everyone else gets nothing, so views answer 404.
"""

from django.db.models import Q

from giamsat.core.querysets import within_units

ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__in=[])


def organisations_of(user) -> Q:
    """A Q on units.Organisation: the bodies this user speaks for when they are supervised."""
    jurisdiction = user.jurisdiction
    if jurisdiction.everywhere:
        return ALWAYS
    q = NEVER
    if user.can("supervision.oversee"):
        q = within_units(jurisdiction, "unit__")
    elif not user.can("supervision.change"):
        q = Q(unit_id__in=jurisdiction.ids)
    if user.organisation_id:
        q |= Q(pk=user.organisation_id)
        if user.organisation.parent_id:
            q |= Q(pk=user.organisation.parent_id)
    return q


def _mine(user):
    from giamsat.units.models import Organisation

    return Organisation.objects.filter(organisations_of(user)).values("pk")


def supervising(user, prefix: str = "") -> Q:
    """A Q on Supervision (prefix "") or a row under it (prefix "supervision__"): the supervising side."""
    from .models import DelegationMember

    if user.jurisdiction.everywhere:
        return ALWAYS
    q = Q(**{f"{prefix}pk__in": DelegationMember.objects.filter(user=user).values("supervision_id")})
    if user.organisation_id:
        q |= Q(**{f"{prefix}organisation_id": user.organisation_id})
        q |= Q(**{f"{prefix}organisation__parent_id": user.organisation_id})
    if user.can("supervision.change") and user.jurisdiction.ids:
        unit = f"{prefix}organisation__unit__"
        ids = user.jurisdiction.ids
        q |= Q(**{f"{unit}pk__in": ids}) | Q(**{f"{unit}parent_id__in": ids}) | Q(**{f"{unit}province_id__in": ids})
    return q


def issuing(user, prefix: str = "") -> Q:
    """A Q on Supervision (or below it): whose documents this user may draft and issue, in the supervising body's
    name and from its register. Whoever may change the supervision; otherwise only the supervising body's own
    users. A province officer of the Department of Labour named in the Women's Union's delegation issued the
    Union's plan: he is of the supervising side, and his role has documents.issue for his own Department's papers."""
    if user.can("supervision.change"):
        return supervising(user, prefix)
    if user.organisation_id:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return NEVER


def supervised(user, prefix: str = "") -> Q:
    """A Q on Supervision (or below it): supervisions, past their draft, that concern the user's organisations."""
    from .choices import SupervisionStatus
    from .models import Recommendation, SupervisedOrganisation

    mine = _mine(user)
    return ~Q(**{f"{prefix}status": SupervisionStatus.DRAFT}) & (
        Q(**{f"{prefix}pk__in": SupervisedOrganisation.objects.filter(organisation__in=mine).values("supervision_id")})
        | Q(**{f"{prefix}pk__in": Recommendation.objects.filter(addressee__in=mine).values("supervision_id")})
    )


def supervision_scope(user, action: str) -> Q:
    if action == "view":
        return supervising(user) | supervised(user)
    if action == "respond":
        return supervised(user)
    return supervising(user)


def supervision_in(user, prefix: str) -> Q:
    """Rows under a supervision the user sees (delegation members: both sides see who supervises)."""
    return supervising(user, prefix) | supervised(user, prefix)


def _not_draft(prefix: str) -> Q:
    from .choices import SupervisionStatus

    return ~Q(**{f"{prefix}status": SupervisionStatus.DRAFT})


def session_scope(user) -> Q:
    return supervising(user, "supervision__") | (_not_draft("supervision__") & Q(organisation__in=_mine(user)))


def finding_scope(user) -> Q:
    mine = _mine(user)
    general = Q(organisation__isnull=True, session__isnull=True) & supervised(user, "supervision__")
    about_mine = _not_draft("supervision__") & (Q(organisation__in=mine) | Q(session__organisation__in=mine))
    return supervising(user, "supervision__") | about_mine | general


def recommendation_scope(user, action: str) -> Q:
    addressed = _not_draft("supervision__") & Q(addressee__in=_mine(user))
    if action == "view":
        return supervising(user, "supervision__") | addressed
    if action == "respond":
        return addressed
    return supervising(user, "supervision__")


def document_scope(user, action: str) -> Q:
    """A Q on documents.Document. The supervising side sees its supervision's documents, and those of it who may
    (`issuing`) draft and issue them; the supervised side sees, once issued, the general ones and those addressed
    to it or about its working session."""
    from giamsat.documents.choices import DocumentStatus

    own = (supervising if action == "view" else issuing)(user, "supervision__")
    if user.organisation_id:
        own |= Q(supervision__isnull=True, organisation_id=user.organisation_id)
    if action != "view":
        return own
    mine = _mine(user)
    concerned = (
        Q(addressee__in=mine)
        | Q(session__organisation__in=mine)
        | (Q(addressee__isnull=True, session__isnull=True) & supervised(user, "supervision__"))
    )
    return own | (Q(status=DocumentStatus.ISSUED) & supervised(user, "supervision__") & concerned)


def programme_scope(user) -> Q:
    """A Q on SupervisionProgramme: the programmes of the user's organisation and those below it."""
    if user.jurisdiction.everywhere:
        return ALWAYS
    q = NEVER
    if user.organisation_id:
        q = Q(organisation_id=user.organisation_id) | Q(organisation__parent_id=user.organisation_id)
    if user.can("supervision.change") and user.jurisdiction.ids:
        ids = user.jurisdiction.ids
        q |= Q(organisation__unit_id__in=ids) | Q(organisation__unit__parent_id__in=ids)
        q |= Q(organisation__unit__province_id__in=ids)
    return q
