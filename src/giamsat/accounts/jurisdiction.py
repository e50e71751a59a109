"""A user's jurisdiction: the unit subtrees whose rows they may see.

Across the 2025 reform a jurisdiction keeps its history: an officer of the new Lâm Đồng province also covers
the legacy provinces merged into it (Bình Thuận, Đắk Nông, old Lâm Đồng), and a new commune covers the old
communes it took in, through the official conversion table."""

from dataclasses import dataclass, field

from giamsat.units.models import Unit, UnitSuccession


@dataclass(frozen=True)
class Jurisdiction:
    ids: frozenset[int] = field(default_factory=frozenset)
    ancestor_ids: frozenset[int] = field(default_factory=frozenset)
    everywhere: bool = False

    def covers(self, unit: Unit) -> bool:
        if self.everywhere:
            return True
        return bool({unit.pk, unit.parent_id, unit.province_id} & self.ids)


EVERYWHERE = Jurisdiction(everywhere=True)
NOWHERE = Jurisdiction()


def jurisdiction_of(unit: Unit | None) -> Jurisdiction:
    if unit is None:
        return NOWHERE
    roots = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        frontier = (
            set(UnitSuccession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True))
            - roots
        )
        roots |= frontier
    ancestors = set(Unit.objects.filter(pk__in=roots).exclude(parent=None).values_list("parent_id", "province_id"))
    ancestor_ids = {pk for pair in ancestors for pk in pair if pk is not None} - roots
    return Jurisdiction(ids=frozenset(roots), ancestor_ids=frozenset(ancestor_ids))
