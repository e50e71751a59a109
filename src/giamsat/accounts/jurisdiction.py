"""A user's jurisdiction: the unit subtrees whose rows they may see.

Across the 2025 reform a jurisdiction keeps its history: an officer of the new Lâm Đồng province also covers
the legacy provinces merged into it (Bình Thuận, Đắk Nông, old Lâm Đồng), and a new commune covers the old
communes it took in, through the official conversion table."""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.functional import cached_property

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

    @cached_property
    def unit_ids(self) -> tuple[int, ...]:
        """Every unit in the (not nationwide) subtrees, legacy units taken over in 2025 included: what
        `core.querysets.within_units(self, path)` matches, as a list of ids that an index on a row's own unit column
        can use (joined, the three conditions on the unit cannot be ORed with anything else through an index).

        Read once per jurisdiction (each request's user has its own) and in plain SQL: every case list and request
        list of a local user needs it, and the ORM took longer to build the query than the database to run it
        (docs/performance.md, the case list). Django's cached_property, not functools': that one holds a lock shared
        by every instance (Python 3.11), which the server's threads would queue on."""
        if self.everywhere:
            raise ValueError("a nationwide jurisdiction is not a list of units")
        if not self.ids:
            return ()
        marks = ", ".join(["%s"] * len(self.ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Unit._meta.db_table} "  # noqa: S608 (the table name from the model, ids parameters)
                f"WHERE id IN ({marks}) OR parent_id IN ({marks}) OR province_id IN ({marks}) ORDER BY id",
                [*self.ids] * 3,
            )
            return tuple(pk for (pk,) in cursor.fetchall())


EVERYWHERE = Jurisdiction(everywhere=True)
NOWHERE = Jurisdiction()


def jurisdiction_of(unit: Unit | None) -> Jurisdiction:
    if unit is None:
        return NOWHERE
    return jurisdiction_of_id(unit.pk)


def jurisdiction_of_id(unit_id: int | None) -> Jurisdiction:
    """The unit's jurisdiction in one query: every signed-in request computes it, and walking the conversion table
    a step at a time took four or five. UNION (not UNION ALL) ends the walk even if the table had a cycle.

    Each unit is read by its key inside the walk: joined to the units after it, PostgreSQL expected hundreds of roots
    and read the whole unit table for every request (3.4 ms of a signed-in request at national scale, 0.25 now)."""
    if unit_id is None:
        return NOWHERE
    units, successions = Unit._meta.db_table, UnitSuccession._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE roots(id, parent_id, province_id) AS (
                SELECT u.id, u.parent_id, u.province_id FROM {units} u WHERE u.id = CAST(%s AS BIGINT)
                UNION
                SELECT u.id, u.parent_id, u.province_id
                FROM {successions} s JOIN roots r ON s.successor_id = r.id JOIN {units} u ON u.id = s.predecessor_id
            )
            SELECT id, parent_id, province_id FROM roots
            """,  # noqa: S608 (table names from the models, the id a parameter)
            [unit_id],
        )
        rows = cursor.fetchall()
    roots = {pk for pk, _parent, _province in rows} or {unit_id}
    ancestor_ids = {pk for _pk, *above in rows for pk in above if pk is not None} - roots
    return Jurisdiction(ids=frozenset(roots), ancestor_ids=frozenset(ancestor_ids))
