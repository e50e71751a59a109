"""Matrices judged once and read back until their figures change.

At national scale the database sums a province's 10,000 cells in 0.3–0.7 s, and Python then spends about as long
again turning the rows into targets and observations and judging each cell (docs/performance.md). A matrix that
nothing has changed since is read back from `JudgedMatrix` instead: one row, decompressed and turned into cells.

Correct on every write, whoever writes: triggers in the database (migrations reporting 0004, 0006) add one to
the plan's `FiguresVersion` on any insert, update or delete of its indicators, targets, schedules or requests,
and of its reports and values where an accepted report is concerned (only those count: a draft saved or a file
uploaded leaves the stored matrices current), and to version 0 on any change of the units or the conversion
table. A stored matrix is read only under the versions it was computed with. The versions are read before the
figures, so a matrix computed while a write commits is stored under the versions before that write, which are no
longer current.

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
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from giamsat.plans.models import Indicator, Plan
from giamsat.units.models import Unit

from . import achievement as engine
from . import sources
from .models import FiguresVersion, JudgedMatrix

if TYPE_CHECKING:
    from giamsat.core.periods import Period

    from .queries import UnitRow

FORMAT = 1  # of the payload; a change of it makes earlier rows unreadable, so they are never read
KEPT_PER_PLAN = 40  # the most recent matrices of a plan; older ones go when a new one is stored
STATUSES = {status.value: status for status in engine.Status}

logger = logging.getLogger(__name__)


def kept(
    plan: Plan,
    indicators: list[Indicator],
    units: list[Unit],
    period: "Period",
    judged_on: datetime.date,
    compute: Callable[[], "list[UnitRow]"],
) -> "list[UnitRow]":
    """The rows `compute` returns for these units (one per unit, one cell per indicator, in order), read back
    when an unchanged matrix was stored before."""
    if len(units) < 2 or any(indicator.source != sources.REPORTS for indicator in indicators):
        return compute()
    versions = dict(FiguresVersion.objects.filter(key__in=(0, plan.pk)).values_list("key", "version"))
    if len(versions) < 2:
        return compute()
    asked = [
        FORMAT,
        [u.pk for u in units],
        [i.pk for i in indicators],
        [period.start.isoformat(), period.end.isoformat(), str(period.kind)],
        judged_on.isoformat(),
        [versions[plan.pk], versions[0]],
    ]
    key = hashlib.sha256(json.dumps(asked).encode()).hexdigest()
    stored = JudgedMatrix.objects.filter(plan=plan, key=key).values_list("payload", flat=True).first()
    if stored is not None:
        return _rows(json.loads(zlib.decompress(stored)), indicators, units)
    rows = compute()
    _store(plan, key, versions, rows)
    return rows


def _store(plan: Plan, key: str, versions: dict[int, int], rows: "list[UnitRow]") -> None:
    payload = zlib.compress(json.dumps([[_cell(c) for c in row.cells] for row in rows]).encode(), 6)
    try:
        with _not_waiting(), transaction.atomic():
            # Versions only grow; a request that read them before a write does not delete newer matrices.
            stale = Q(plan_version__lt=versions[plan.pk]) | Q(all_version__lt=versions[0])
            JudgedMatrix.objects.filter(stale, plan=plan).delete()
            JudgedMatrix.objects.bulk_create(
                [
                    JudgedMatrix(
                        plan=plan, key=key, plan_version=versions[plan.pk], all_version=versions[0], payload=payload
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


def _rows(payload: list, indicators: list[Indicator], units: list[Unit]) -> "list[UnitRow]":
    from .queries import Cell, ShownTarget, UnitRow

    # A matrix repeats its numbers and dates (one expected progress, a few periods); each is parsed once.
    parsed: dict[str | None, Decimal | None] = {None: None}
    days: dict[str, datetime.date] = {}

    def number(text: str | None) -> Decimal | None:
        found = parsed.get(text)
        if found is None and text is not None:
            found = parsed[text] = Decimal(text)
        return found

    def day(text: str) -> datetime.date:
        found = days.get(text)
        if found is None:
            found = days[text] = datetime.date.fromisoformat(text)
        return found

    def target(shown: list | None):
        if shown is None:
            return None
        return ShownTarget(number(shown[0]), number(shown[1]), shown[2], day(shown[3]), day(shown[4]))

    def actual(stored: str | list | None):
        return engine.Ratio(number(stored[0]), number(stored[1])) if isinstance(stored, list) else number(stored)

    return [
        UnitRow(
            unit,
            [
                Cell(indicator, target(t), actual(a), number(achieved), number(expected), STATUSES[status], problem)
                for indicator, (t, a, achieved, expected, status, problem) in zip(indicators, cells, strict=True)
            ],
        )
        for unit, cells in zip(units, payload, strict=True)
    ]
