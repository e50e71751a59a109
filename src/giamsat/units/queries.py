"""Reads over the unit tree and the 2025 conversion table."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from .choices import Level
from .models import Unit, UnitSuccession


@dataclass(frozen=True)
class Link:
    unit: Unit
    partly: bool
    # Not from the official table: an island district without communes and its special zone (units.importer).
    inferred: bool = False


def descendants(unit: Unit, on: datetime.date | None = None):
    """Units below `unit` (not itself), optionally only those valid on a date."""
    rows = Unit.objects.filter(Q(parent=unit) | Q(province=unit))
    return rows.valid_on(on) if on else rows


def successors(unit: Unit) -> list[Link]:
    """The units that took over `unit`. A district had no successor of its own in 2025 (the district level
    ended); its communes' successors are reported, each marked partly when the new commune also took in
    communes from elsewhere or the old commune was split. An island district without communes has its special
    zone (an inferred link, units.importer.island_district_links)."""
    if unit.level == Level.DISTRICT:
        own = Q(predecessor__parent=unit) | Q(predecessor=unit)
        rows = (
            UnitSuccession.objects.filter(own)
            .select_related("successor", "successor__parent")
            .order_by("successor__name_folded")
        )
        split: dict[Unit, bool] = {}
        inferred = set()
        for row in rows:
            split[row.successor] = split.get(row.successor, False) or row.partly
            if row.predecessor_id == unit.pk:
                inferred.add(row.successor)
        shared = set(
            UnitSuccession.objects.filter(successor__in=split).exclude(own).values_list("successor_id", flat=True)
        )
        return [Link(new, partly or new.pk in shared, new in inferred) for new, partly in split.items()]
    rows = UnitSuccession.objects.filter(predecessor=unit).select_related("successor", "successor__parent")
    return [Link(row.successor, row.partly) for row in rows.order_by("successor__name_folded")]


def predecessors(unit: Unit) -> list[Link]:
    rows = UnitSuccession.objects.filter(successor=unit).select_related("predecessor", "predecessor__parent")
    return [
        Link(row.predecessor, row.partly, row.predecessor.level == Level.DISTRICT)
        for row in rows.order_by("predecessor__code")
    ]


def current_units_for(unit: Unit, on: datetime.date) -> list[Link]:
    """Where a unit's data belongs on `on`: itself while valid; a legacy commune's data goes to its new
    commune(s) (partly when it was split); a legacy district's data, having no district to go to, to the new
    province(s) of its province, or to its special zone for an island district without communes; a legacy
    province's to its new province(s)."""
    if unit.is_valid_on(on):
        return [Link(unit, False)]
    if unit.level == Level.DISTRICT and not UnitSuccession.objects.filter(predecessor=unit).exists():
        return current_units_for(unit.parent, on)
    found: list[Link] = []
    for link in successors(unit):
        for later in current_units_for(link.unit, on):
            found.append(Link(later.unit, link.partly or later.partly, link.inferred or later.inferred))
    return found
