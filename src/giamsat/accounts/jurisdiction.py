"""A user's jurisdiction: the unit subtrees whose rows they may see.

Across the 2025 reform a jurisdiction keeps its history: an officer of the new Lâm Đồng province also covers
the legacy provinces merged into it (Bình Thuận, Đắk Nông, old Lâm Đồng), and a new commune covers the old
communes it took in, through the official conversion table."""

from dataclasses import dataclass, field

from django.db import connection

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
    return jurisdiction_of_id(unit.pk)


def jurisdiction_of_id(unit_id: int | None) -> Jurisdiction:
    """The unit's jurisdiction in one query: every signed-in request computes it, and walking the conversion table
    a step at a time took four or five. UNION (not UNION ALL) ends the walk even if the table had a cycle."""
    if unit_id is None:
        return NOWHERE
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE roots(id) AS (
                SELECT CAST(%s AS BIGINT)
                UNION
                SELECT s.predecessor_id FROM {UnitSuccession._meta.db_table} s JOIN roots r ON s.successor_id = r.id
            )
            SELECT u.id, u.parent_id, u.province_id FROM roots r JOIN {Unit._meta.db_table} u ON u.id = r.id
            """,  # noqa: S608 (table names from the models, the id a parameter)
            [unit_id],
        )
        rows = cursor.fetchall()
    roots = {pk for pk, _parent, _province in rows} or {unit_id}
    ancestor_ids = {pk for _pk, *above in rows for pk in above if pk is not None} - roots
    return Jurisdiction(ids=frozenset(roots), ancestor_ids=frozenset(ancestor_ids))
