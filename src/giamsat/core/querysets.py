"""Jurisdiction-scoped querysets: every read goes through `Model.objects.restrict(user, action)`.

The pattern is NetBox's RestrictedQuerySet: a model's queryset says which rows a user's jurisdiction covers
(`scope`); the role decides whether the action is allowed at all. Missing and forbidden rows both end up
outside the queryset, so views answer 404 for either.
"""

from django.db import models
from django.db.models import Q


class ScopedQuerySet(models.QuerySet):
    #: the permission prefix, e.g. "units" gives "units.view"
    permission_prefix = ""

    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.can(f"{self.permission_prefix}.{action}"):
            return self.none()
        if user.sees_all:
            return self
        return self.filter(self.scope(user, action))

    def scope(self, user, action: str) -> Q:
        """The rows within the user's jurisdiction; subclasses say how."""
        raise NotImplementedError


def within_units(jurisdiction, path: str = "", with_ancestors: bool = False) -> Q:
    """Rows whose unit (reached through `path`, e.g. "unit__") lies in a jurisdiction's unit subtrees.

    The tree is at most three levels deep and every unit stores its province, so a subtree is
    "the root, its children, or anything whose province is the root": three indexed conditions."""
    if jurisdiction.everywhere:
        return Q()
    own = jurisdiction.ids | jurisdiction.ancestor_ids if with_ancestors else jurisdiction.ids
    return (
        Q(**{f"{path}pk__in": own})
        | Q(**{f"{path}parent_id__in": jurisdiction.ids})
        | Q(**{f"{path}province_id__in": jurisdiction.ids})
    )
