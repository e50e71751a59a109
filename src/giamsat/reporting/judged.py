"""Matrices judged once and read back until their figures change.

At national scale the database sums a province's 10,000 cells in 0.3–0.7 s, and Python then spends about as long
again turning the rows into targets and observations and judging each cell (docs/performance.md). A matrix that
nothing has changed since is read back from `JudgedMatrix` instead: one row, decompressed and turned into cells.

Correct on every write, whoever writes: triggers in the database (migrations reporting 0004, 0006, 0008) add one
to the plan's `FiguresVersion` on any insert, update or delete of its indicators, targets, schedules or requests,
and of its reports and values where an accepted report is concerned (only those count: a draft saved or a file
uploaded leaves the stored matrices current), and to version 0 on any change of the units or the conversion
table. A stored matrix is read back only under the versions it was computed with. The versions are read before
the figures, so a matrix computed while a write commits is stored under the versions before that write, which are
no longer current.

Brought up to date, not judged whole again, after a report is accepted: the changes to accepted reports and
their values also count as "scoped" and record the units whose reports changed (`UnitFiguresVersion`, the plan's
version after the change). When every change since a matrix was stored is scoped (as many scoped as all
changes, version 0 unchanged), the matrix keeps the database's totals it was judged from (`queries.Sums`), and
only the rows those units count for, and the total row, are summed and judged again (`queries._refreshed`). Any
other change (a target, a request, the units) judges the whole matrix again.

Not stored:
- a matrix of one unit (a report's figures in supervision): judged in milliseconds, not worth a write;
- plans with an indicator from a computed source (cases): their figures change with the clock, e.g. when a
  case's 12 hours run out;
- anything when a version row is missing (a database emptied by `flush`).

The key holds the units shown and their order, the indicators, the period, and the day the cells are judged on
(a past period is judged on its last day whatever today is, so its matrix is the same every day). Migrating
empties the table, since new code may judge differently. The store is a cache: a failed write of it loses
nothing and is retried on the next request."""

import datetime
import hashlib
import json
import logging
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q

from giamsat.plans.models import Indicator, Plan
from giamsat.units.models import Unit

from . import achievement as engine
from . import sources
from .models import FiguresVersion, JudgedMatrix, UnitFiguresVersion

if TYPE_CHECKING:
    from giamsat.core.periods import Period

    from .queries import Sums, UnitRow

Computed = "tuple[list[UnitRow], Sums | None]"

FORMAT = 3  # of the payload; a change of it makes earlier rows unreadable, so they are never read
KEPT_PER_PLAN = 40  # the most recent matrices of a plan; older ones go when a new one is stored
STATUSES = {status.value: status for status in engine.Status}

logger = logging.getLogger(__name__)


def kept(
    plan: Plan,
    indicators: list[Indicator],
    units: list[Unit],
    period: "Period",
    judged_on: datetime.date,
    compute: Callable[[], Computed],
    refresh: "Callable[[Sums, set[int]], tuple[dict[int, UnitRow], Sums]]",
) -> "list[UnitRow]":
    """The rows `compute` returns for these units (one per unit, one cell per indicator, in order), with the sums
    they were judged from (None when they cannot be refreshed); read back when an unchanged matrix was stored
    before, and brought up to date by `refresh` (the changed units' rows) when only accepted reports changed."""
    if len(units) < 2 or any(indicator.source != sources.REPORTS for indicator in indicators):
        return compute()[0]
    versions = {key: (version, scoped) for key, version, scoped in _versions(plan)}
    if len(versions) < 2:
        return compute()[0]
    current = Versions(versions[plan.pk][0], versions[plan.pk][1], versions[0][0])
    asked = [
        FORMAT,
        [u.pk for u in units],
        [i.pk for i in indicators],
        [period.start.isoformat(), period.end.isoformat(), str(period.kind)],
        judged_on.isoformat(),
    ]
    key = hashlib.sha256(json.dumps(asked).encode()).hexdigest()
    stored = (
        JudgedMatrix.objects.filter(plan=plan, key=key)
        .values_list("plan_version", "plan_scoped", "all_version", "payload")
        .first()
    )
    if stored is not None:
        was = Versions(*stored[:3])
        if was == current or current.refreshes(was):
            sums, lines = _parts(stored[3])
            if was == current:
                return _rows(json.loads(lines), indicators, units)
            content = json.loads(sums)
            if content is not None:
                return _refreshed(plan, key, current, was, content, lines, indicators, units, refresh)
    rows, sums = compute()
    _store(plan, key, current, [json.dumps([_cell(c) for c in row.cells]) for row in rows], _sums(sums))
    return rows


class Versions(NamedTuple):
    plan: int
    scoped: int  # of the plan's changes, those to accepted reports (see the module's description)
    all: int

    def refreshes(self, stored: "Versions") -> bool:
        """Whether a matrix stored under `stored` can be brought up to these versions by refreshing rows: every
        change since was scoped."""
        unscoped = self.plan - self.scoped
        return self.all == stored.all and self.plan > stored.plan and unscoped == stored.plan - stored.scoped


def _versions(plan: Plan):
    return FiguresVersion.objects.filter(key__in=(0, plan.pk)).values_list("key", "version", "scoped")


def _refreshed(plan, key, current: Versions, was: Versions, sums: dict, lines: str, indicators, units, refresh):
    from .queries import Sums

    changed = set(
        UnitFiguresVersion.objects.filter(plan_key=plan.pk, version__gt=was.plan).values_list("unit_id", flat=True)
    )
    number, day = _Numbers(), _Days()
    reported = [
        {
            "indicator_id": indicator_id,
            "display": display,
            "report__request__period_end": day[end],
            "total": number[total],
            "numerator": number[numerator],
            "denominator": number[denominator],
            "reporters": reporters,
        }
        for indicator_id, display, end, total, numerator, denominator, reporters in sums["reported"]
    ]
    mapping = dict(sums["mapping"])
    rows, fresh = refresh(Sums(sums["root"], datetime.date.fromisoformat(sums["earliest"]), reported, mapping), changed)
    texts = [line.rstrip(",") for line in lines.split("\n")[1:-1]]  # see `_payload`
    cells = [json.loads(text) for text in texts]
    for position, unit in enumerate(units):
        row = rows.get(unit.pk)
        if row is not None:
            cells[position] = [_cell(c) for c in row.cells]
            texts[position] = json.dumps(cells[position])
    logger.debug("Judged matrix of plan %s: %d of %d rows judged again", plan.pk, len(rows), len(units))
    # Only the sums of the rows judged again can have changed: the others are stored as they were read.
    sums["reported"] = [row for row in sums["reported"] if row[1] not in rows] + [
        _sum(row) for row in fresh.reported if row["display"] in rows
    ]
    _store(plan, key, current, texts, sums)
    return _rows(cells, indicators, units)


def _sums(sums: "Sums | None") -> dict | None:
    if sums is None:
        return None
    return {
        "root": sums.root,
        "earliest": sums.earliest.isoformat(),
        "reported": [_sum(row) for row in sums.reported],
        "mapping": list(sums.mapping.items()),
    }


def _sum(row: dict) -> list:
    return [
        row["indicator_id"],
        row["display"],
        row["report__request__period_end"].isoformat(),
        _text(row["total"]),
        _text(row["numerator"]),
        _text(row["denominator"]),
        row["reporters"],
    ]


def _payload(sums: dict | None, rows: list[str]) -> bytes:
    """The stored text: the JSON array [sums, [row, row…]], with the sums on the first line and each row's cells
    on a line of its own. A read back then parses the rows alone; a refresh writes again only the rows it judged
    again (encoding a province's matrix whole took 13–19 ms)."""
    return zlib.compress(("[" + json.dumps(sums) + ",\n[\n" + ",\n".join(rows) + "\n]]").encode(), 1)


def _parts(payload: bytes) -> tuple[str, str]:
    """The sums' JSON, and the rows' (a JSON array, a row per line) of a payload made by `_payload`."""
    sums, _newline, rows = zlib.decompress(payload).decode().partition("\n")
    return sums[1:-1], rows[:-1]


def _store(plan: Plan, key: str, versions: Versions, rows: list[str], sums: dict | None) -> None:
    """Stores the matrix: each row's cells as JSON text (`_cell`), and the sums as `_sums` gives them."""
    payload = _payload(sums, rows)
    try:
        with _not_waiting(), transaction.atomic():
            # This matrix as stored before, and the plan's matrices that cannot be refreshed any more (a change
            # other than to accepted reports since). Versions only grow; a request that read them before a write
            # does not delete newer matrices.
            unscoped = versions.plan - versions.scoped
            JudgedMatrix.objects.alias(unscoped=F("plan_version") - F("plan_scoped")).filter(
                Q(key=key, plan_version__lt=versions.plan) | Q(unscoped__lt=unscoped) | Q(all_version__lt=versions.all),
                plan=plan,
            ).delete()
            JudgedMatrix.objects.bulk_create(
                [
                    JudgedMatrix(
                        plan=plan,
                        key=key,
                        plan_version=versions.plan,
                        plan_scoped=versions.scoped,
                        all_version=versions.all,
                        payload=payload,
                    )
                ],
                ignore_conflicts=True,  # the same matrix stored by another request meanwhile
            )
            newest = JudgedMatrix.objects.filter(plan=plan).order_by("-created_at", "-pk")
            older = list(newest.values_list("pk", flat=True)[KEPT_PER_PLAN:])
            if older:
                JudgedMatrix.objects.filter(pk__in=older).delete()
    except DatabaseError as exc:  # e.g. SQLite busy with a long import: the page is served all the same
        logger.warning("Judged matrix of plan %s not stored: %s", plan.pk, exc)


@contextmanager
def _not_waiting():
    """On SQLite, give up the store at once when another connection is writing (a long import), rather than
    keep the page waiting for the lock (settings: up to 20 s)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        [waited] = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


def _text(number) -> str | None:
    return None if number is None else str(number)


def _cell(cell) -> list:
    target = cell.target
    actual = cell.actual
    return [
        None
        if target is None
        else [
            str(target.value),
            _text(target.baseline_value),
            target.period_kind,
            target.period_start.isoformat(),
            target.period_end.isoformat(),
        ],
        [str(actual.numerator), str(actual.denominator)] if isinstance(actual, engine.Ratio) else _text(actual),
        _text(cell.achieved),
        str(cell.expected),
        cell.status.value,
        cell.problem,
    ]


class _Numbers(dict):
    """Text to Decimal, each distinct text parsed once: a matrix repeats its numbers (one expected progress, the
    same few targets) and its sums their "3.0000"s. Looked up by subscript, which stays in C but for new texts."""

    def __init__(self):
        super().__init__({None: None})

    def __missing__(self, text: str) -> Decimal:
        number = self[text] = Decimal(text)
        return number


class _Days(dict):
    """ISO text to date, each distinct text parsed once (a matrix has a few periods)."""

    def __missing__(self, text: str) -> datetime.date:
        day = self[text] = datetime.date.fromisoformat(text)
        return day


def _rows(payload: list, indicators: list[Indicator], units: list[Unit]) -> "list[UnitRow]":
    from .queries import Cell, ShownTarget, UnitRow

    number, day, ratio = _Numbers(), _Days(), engine.Ratio
    rows = []
    for unit, stored in zip(units, payload, strict=True):
        cells = []
        for indicator, (t, a, achieved, expected, status, problem) in zip(indicators, stored, strict=True):
            target = None if t is None else ShownTarget(number[t[0]], number[t[1]], t[2], day[t[3]], day[t[4]])
            actual = ratio(number[a[0]], number[a[1]]) if type(a) is list else number[a]
            cells.append(Cell(indicator, target, actual, number[achieved], number[expected], STATUSES[status], problem))
        rows.append(UnitRow(unit, cells))
    return rows
