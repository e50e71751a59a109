"""Small counts of child-protection cases in the plan tables.

An indicator fed from the case records (a `cases.*` source) shows per unit how many children were received or
helped and how many were helped in time. From those the cases dashboard hides counts below 3
(`cases.dashboard.small_counts_hidden`: leaders, viewers, administrators), the plan tables hide the same: a count of
1 or 2; an on-time share whose cases, or whose on-time or late number, are 1 or 2; and, where rows add up to a
row shown above them (the units and their total, communes and their district), as many further cells, or that
total, as keep a hidden cell from being found by subtraction (`cases.dashboard.complement`). A median delay is
never computed from fewer than 3 cases (`cases.sources`), so beside a hidden count it would tell that the count is
not 1 or 2 (a unit of 3 hidden to protect a neighbour's 1 would give the 1 back): a row with such a count hidden
shows no median (`MEDIAN_WITHIN`).

What a matrix hides of a unit stays hidden where that unit is a total: the groups
run top down, through the matrices above the one shown (`queries._groups_above`).

A hidden cell keeps its target and loses its figure, achievement and status: it counts neither as met nor as
without data in a unit's share, and the unmet-targets list leaves it out."""

import dataclasses
from decimal import Decimal

from giamsat.cases import dashboard as case_dashboard
from giamsat.cases import sources as case_sources
from giamsat.cases.queries import SMALL_CELL
from giamsat.reporting import achievement as engine
from giamsat.reporting import sources
from giamsat.reporting.queries import Cell, UnitRow

# The counts whose cases include those a median is taken over (all received; every child supported): beside one of
# them hidden, a median says it is at least 3. A share's or one form of harm's count says nothing of the kind.
MEDIAN_WITHIN = ("cases.received", "cases.children_supported")


def conceal(user, groups: list[tuple[UnitRow | None, list[UnitRow]]]) -> None:
    """Hide small case counts from `user` in place. `groups` are (row, rows adding up to it), top down: the
    total and the units, then each unit and the units below it; the row is None where no total is shown. A row
    of one group that is the total of a later one must be the same object, so that what is hidden of it as a
    unit stays hidden as a total."""
    if not case_dashboard.small_counts_hidden(user):
        return
    some = next((row for parent, rows in groups for row in (parent, *rows) if row is not None), None)
    if some is None:
        return
    medians = []
    for position, cell in enumerate(some.cells):
        if cell.indicator.source == case_sources.MEDIAN:
            medians.append(position)
        elif cell.indicator.source != sources.REPORTS:
            # Until nothing more is hidden: a later group may hide a row that an earlier group left its siblings
            # shown beside (a district hidden for its communes' sake, pinned by the province less the others).
            while True:
                before = _hidden_in(position, groups)
                for parent, rows in groups:
                    _conceal_column(position, parent, rows)
                if _hidden_in(position, groups) == before:
                    break
    for row in _distinct_rows(groups):
        if any(cell.hidden and cell.indicator.source in MEDIAN_WITHIN for cell in row.cells):
            for position in medians:
                row.cells[position] = hidden(row.cells[position])


def _distinct_rows(groups) -> list[UnitRow]:
    """The groups' rows, each once (a unit's row is the total of the group below it)."""
    return list({id(row): row for parent, rows in groups for row in (parent, *rows) if row is not None}.values())


def _hidden_in(position: int, groups) -> int:
    return sum(1 for row in _distinct_rows(groups) if row.cells[position].hidden)


def _conceal_column(position: int, parent: UnitRow | None, rows: list[UnitRow]) -> None:
    if parent is not None and _small(parent.cells[position]):
        parent.cells[position] = hidden(parent.cells[position])
    cells = [row.cells[position] for row in rows]
    small = {i for i, cell in enumerate(cells) if cell.hidden or _small(cell)}
    shown_above = parent is not None and not parent.cells[position].hidden
    if shown_above and small and case_dashboard.complement(_columns(cells), small):
        parent.cells[position] = hidden(parent.cells[position])
    if parent is not None and parent.cells[position].hidden and not small:
        # A total hidden above (to protect a unit beside it) must not come back as the sum of its rows.
        counted = _columns(cells)[0][0]
        if any(counted):
            small.add(min((i for i, n in enumerate(counted) if n), key=lambda i: (counted[i], i)))
    for i in small:
        rows[i].cells[position] = hidden(cells[i])


def applies(user, plan) -> bool:
    """Whether `conceal` may hide anything of this plan from this user: a plan without case figures has nothing."""
    if not case_dashboard.small_counts_hidden(user):
        return False
    return any(i.source.startswith(case_sources.PREFIX) for i in plan.indicators.all())


def hidden(cell: Cell) -> Cell:
    withheld = cell.withheld if cell.hidden else cell.actual
    return dataclasses.replace(
        cell, actual=None, achieved=None, status=engine.Status.NO_DATA, problem="", hidden=True, withheld=withheld
    )


def _small(cell: Cell) -> bool:
    actual = cell.actual
    if cell.hidden or actual is None:
        return False
    if isinstance(actual, engine.Ratio):
        counted = int(actual.denominator)
        return counted > 0 and case_dashboard.hidden_share(int(actual.numerator), counted, small=True)
    return 0 < actual < SMALL_CELL


def _columns(cells: list[Cell]) -> list[tuple[list[int], int]]:
    """The columns that add up to the total's: the counts; or a share's cases, on-time and late numbers. A cell
    hidden already counts with what it held: read as 0, two hidden years of 3 cases beside a span's 9 and a shown 6
    looked pinned, and the 6 was hidden too, though the year's own matrix shows it."""
    values = [c.withheld if c.hidden else c.actual for c in cells]
    if any(isinstance(v, engine.Ratio) for v in values):
        counted = [_whole(v.denominator) if isinstance(v, engine.Ratio) else 0 for v in values]
        on_time = [_whole(v.numerator) if isinstance(v, engine.Ratio) else 0 for v in values]
        return [(counted, 1), (on_time, 0), ([n - k for n, k in zip(counted, on_time, strict=True)], 0)]
    return [([_whole(v) for v in values], 1)]


def _whole(value: Decimal | None) -> int:
    return 0 if value is None else int(value)
