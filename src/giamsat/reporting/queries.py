"""Reads for plans and reports: who met which target. The database sums the reported values per indicator,
display unit and period (one GROUP BY); the achievement engine judges the few resulting numbers."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Context, Decimal
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.db.models import CharField, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext, gettext_noop

from giamsat.core.periods import Period, PeriodKind
from giamsat.plans.choices import IndicatorKind, TimeAggregation, UnitAggregation
from giamsat.plans.models import Indicator, Plan, Target
from giamsat.units.choices import Level
from giamsat.units.models import REFORM_DATE, Unit, UnitSuccession

from . import achievement as engine
from . import judged, sources
from .choices import Frequency, ReportStatus
from .models import IndicatorValue, Report, ReportRequest, Schedule

TENTH = Decimal("0.1")
# Why a target cannot be judged (`Cell.problem`).
DECREASE_ABOVE_BASELINE = gettext_noop("Chỉ tiêu giảm cao hơn giá trị cơ sở: không đánh giá được.")
NOT_JUDGED = gettext_noop("Chỉ tiêu này không đánh giá được với thiết lập hiện có của nó.")


@dataclass
class Cell:
    indicator: Indicator
    target: "ShownTarget | None"  # a unit's own target, or one combined from the units it took over
    actual: Decimal | engine.Ratio | None = None
    achieved: Decimal | None = None
    expected: Decimal = Decimal(1)
    status: engine.Status = engine.Status.NO_DATA
    problem: str = ""  # why a contradictory target could not be judged: one of PROBLEMS, untranslated
    hidden: bool = False  # a small count of cases, hidden from this viewer (`dashboards.privacy`)
    # A total's units that have this target but no figure, where their absence flatters it (`dashboards.queries`).
    unreported_below: int = 0
    # What a hidden cell held, for concealment's sums alone (`dashboards.privacy`): never shown nor sent.
    withheld: Decimal | engine.Ratio | None = field(default=None, repr=False, compare=False)

    @property
    def nothing_to_count(self) -> bool:
        """A rate reported as 0/0: the report is there, with no case to count (no child abused, so none to
        support). Neither met nor without data: listed as without data, it sent leaders after units that had
        reported."""
        return not self.hidden and isinstance(self.actual, engine.Ratio) and self.actual.denominator == 0

    @property
    def actual_shown(self) -> Decimal | None:
        """The actual as officials read it: a ratio indicator in percent."""
        return self.actual.percent if isinstance(self.actual, engine.Ratio) else self.actual

    @property
    def baseline(self) -> Decimal | None:
        """The level a "decrease" target's achievement counts from (the target's baseline, else the indicator's):
        shown beside the target, without which "8 / 5, 60 %" cannot be read."""
        if self.target is None or self.indicator.direction != "decrease":
            return None
        if self.target.baseline_value is not None:
            return self.target.baseline_value
        return self.indicator.baseline_value

    @property
    def problem_text(self) -> str:
        """`problem` in the reader's language (a stored matrix keeps the untranslated text, read in any language)."""
        return gettext(self.problem) if self.problem else ""

    @property
    def percent(self) -> Decimal | None:
        """The achievement in percent to 0.1, rounded down as the engine truncates: rounded to nearest, 99.96%
        of a target not met read as 100%."""
        return None if self.achieved is None else (self.achieved * 100).quantize(TENTH, rounding=ROUND_FLOOR)


@dataclass
class UnitRow:
    unit: Unit
    cells: list[Cell] = field(default_factory=list)

    @property
    def share(self) -> engine.Share:
        # A contradictory target (`problem`) has its figures but cannot be judged: neither met nor without data;
        # nor a rate with nothing to count.
        judged = (
            c for c in self.cells if c.target is not None and not c.hidden and not c.problem and not c.nothing_to_count
        )
        return engine.share_met(c.status for c in judged)

    @property
    def nothing_to_count(self) -> int:
        """Targets of rates reported as 0/0 (`Cell.nothing_to_count`): counted neither way in `share`."""
        return sum(1 for c in self.cells if c.target is not None and c.nothing_to_count)

    @property
    def hidden_targets(self) -> int:
        """Targets whose figure is hidden from the viewer (`dashboards.privacy`): counted neither way in `share`."""
        return sum(1 for c in self.cells if c.target is not None and c.hidden)


def source_map(units: list[Unit]) -> dict[int, int]:
    """Map each unit whose reports count for a display unit to that display unit: the unit itself and, across
    the 2025 reform, the old units it took over wholly (a split old commune cannot be apportioned), and an old
    district all of whose communes it took over (Huyện Phú Quí became Đặc khu Phú Quý). Districts without communes
    (Côn Đảo, Lý Sơn…) are not in the official conversion table: they count for their special zone through the
    link the unit import infers (units.importer.island_district_links), else for their province only."""
    mapping = {u.pk: u.pk for u in units}
    frontier = dict(mapping)
    while frontier:
        links = UnitSuccession.objects.filter(successor_id__in=frontier, partly=False).values_list(
            "predecessor_id", "successor_id"
        )
        frontier = {old: frontier[new] for old, new in links if old not in mapping}
        mapping |= frontier
    return mapping | _whole_districts(mapping)


def within_mapping(mapping: dict[int, int], prefix: str = "") -> Q:
    """Rows (requests, or anything with a `unit` through `prefix`) of the mapped units and of the units below them."""
    return (
        Q(**{f"{prefix}unit_id__in": mapping})
        | Q(**{f"{prefix}unit__parent_id__in": mapping})
        | Q(**{f"{prefix}unit__province_id__in": mapping})
    )


def _whole_districts(mapping: dict[int, int]) -> dict[int, int]:
    """{old district: display unit} for districts whose communes of the reform's eve all count for one display
    unit that is none of them (a district with one commune shown as itself is not taken over)."""
    taken_over = [old for old, shown in mapping.items() if old != shown]
    if not taken_over:
        return {}
    eve = REFORM_DATE - datetime.timedelta(days=1)
    districts = Unit.objects.filter(pk__in=taken_over, level=Level.COMMUNE, parent__level=Level.DISTRICT)
    communes: dict[int, set[int | None]] = defaultdict(set)
    for district, commune in (
        Unit.objects.filter(parent_id__in=districts.values("parent_id"), level=Level.COMMUNE)
        .valid_on(eve)
        .values_list("parent_id", "pk")
    ):
        communes[district].add(mapping.get(commune) if mapping.get(commune) != commune else None)
    return {district: shown.pop() for district, shown in communes.items() if len(shown) == 1 and None not in shown}


def choose_target(
    targets: "Sequence[ShownTarget]", period: Period, indicator: Indicator | None = None
) -> "ShownTarget | None":
    """The target for exactly this period, else the shortest one whose period contains it (a year judged
    against its phase's target), else, given the indicator, the shorter targets that cover the period day for day
    combined (`combined_target`: a phase judged by its yearly targets). A phase that some years have no target for
    has none: judging it by the others would mislead."""
    exact = [t for t in targets if (t.period_start, t.period_end) == (period.start, period.end)]
    if exact:
        return exact[0]
    covering = [t for t in targets if t.period_start <= period.start and period.end <= t.period_end]
    if covering or indicator is None:
        return min(covering, key=lambda t: t.period_end - t.period_start, default=None)
    return combined_target(indicator, [t for t in targets if period.start <= t.period_start], period)


# Period kinds from the longest: a phase's yearly targets are combined rather than its quarterly ones.
_KINDS_LONGEST_FIRST = (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH)


def combined_target(indicator: Indicator, inside: "Sequence[ShownTarget]", period: Period) -> "ShownTarget | None":
    """One target for `period` from targets of one kind that cover it day for day (each year of a phase), as its
    figures are combined over time (`Indicator.time_aggregation`):
    - "sum": their sum, but a rate's targets only when they are all the same (rates cannot be added up, nor
      pooled without the denominators the targets do not have), and only an increase's: a year not reported adds
      nothing to the figures, which a summed increase reads as behind but a summed decrease as achieved (and a
      "maintain" target's tolerance is per year);
    - a milestone's: the last one;
    - "average": their mean, and the baselines' mean;
    - "latest": the last one, with the first one's baseline (where the decrease started from).
    A target without a baseline takes the indicator's. None when no kind covers the period (a year without a
    target)."""
    for kind in _KINDS_LONGEST_FIRST:
        chosen = sorted((t for t in inside if t.period_kind == kind and t.period_end <= period.end), key=_start)
        if chosen and _covers(chosen, period):
            break
    else:
        return None
    values = [t.value for t in chosen]
    baselines = [t.baseline_value if t.baseline_value is not None else indicator.baseline_value for t in chosen]
    complete = all(b is not None for b in baselines)
    # A milestone is reached or not whatever its periods: its figure is never more than 1, so the last year's target.
    latest = indicator.time_aggregation == TimeAggregation.LATEST or indicator.kind == IndicatorKind.MILESTONE
    match indicator.time_aggregation:
        case _ if latest:
            value, baseline = values[-1], baselines[0]
        case TimeAggregation.AVERAGE:
            value = sum(values, Decimal(0)) / len(values)
            baseline = sum(baselines, Decimal(0)) / len(baselines) if complete else None
        case _ if indicator.kind == IndicatorKind.RATIO:
            if len(set(values)) != 1:
                return None
            value, baseline = values[0], baselines[0] if complete and len(set(baselines)) == 1 else None
        case _ if indicator.direction != "increase":
            return None
        case _:
            value, baseline = sum(values, Decimal(0)), None
    # Only a decrease counts from a baseline.
    baseline = None if baseline is None or indicator.direction != "decrease" else baseline.quantize(FOUR_PLACES)
    return ShownTarget(value.quantize(FOUR_PLACES), baseline, period.kind.value, period.start, period.end)


def _start(target: "ShownTarget") -> datetime.date:
    return target.period_start


def _covers(targets: "Sequence[ShownTarget]", period: Period) -> bool:
    """Whether the targets' periods, in order, run from the period's first day to its last without gap or overlap."""
    day = period.start
    for target in targets:
        if target.period_start != day:
            return False
        day = target.period_end + datetime.timedelta(days=1)
    return day == period.end + datetime.timedelta(days=1)


def to_observation(indicator: Indicator, row: dict) -> engine.Observation | None:
    end = row["report__request__period_end"]
    if indicator.kind == IndicatorKind.RATIO:
        if row["numerator"] is None or row["denominator"] is None:
            return None
        return engine.Observation(end, engine.Ratio(row["numerator"], row["denominator"]))
    if row["total"] is None:
        return None
    total = row["total"]
    if indicator.unit_aggregation == "average":
        total = total / row["reporters"]
    if indicator.kind == IndicatorKind.MILESTONE:
        total = Decimal(1) if total > 0 else Decimal(0)
    return engine.Observation(end, total)


class ShownTarget(NamedTuple):
    """A target as a display unit has it: its own, or combined from the old units it took over (never saved).
    A tuple: a national matrix makes tens of thousands of them."""

    value: Decimal
    baseline_value: Decimal | None
    period_kind: str
    period_start: datetime.date
    period_end: datetime.date

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, PeriodKind(self.period_kind))


# The display unit of a reported value: its unit's, else its unit's parent's, else its province's entry of the
# mapping {source unit: display unit} (a commune's report counts for its district and its province), joined
# instead of a CASE with three branches per display unit (9 s for a province of 166 communes). The plan's
# requests of the period are resolved first (a few thousand rows, through the request's schedule index), then
# their reports and values (CROSS JOIN keeps SQLite to that order), so the work grows with the plan's data in
# the period, not with the country's. The totals (breakdown "") are picked inside the sums rather than in
# WHERE: with that predicate SQLite 3.38+ builds a Bloom filter over the whole values table for every query
# (3.3 s at 15 million values, 0.06 s without). For the same reason `{accepted}` is, on SQLite, the status test
# wrapped in likelihood(): the planner overestimates the rows of `shown` (a union of joins over a VALUES list)
# by orders of magnitude and, with one indicator asked for (a trend), otherwise builds a Bloom filter over all
# the values (1.6 of 1.8 s for a province's ten-year trend at national scale, 0.12 s with the hint; the truth
# of the test is unchanged). PostgreSQL has neither the hint nor the filter.
SHOWN_SQL = """
WITH display(source_id, display_id) AS (VALUES {pairs}),
plan_requests AS (
    SELECT q.id, q.unit_id, q.period_end FROM {request} q
    WHERE q.schedule_id IN ({schedules}) AND q.period_start >= %s AND q.period_end <= %s {near}
),
shown(request_id, display_id, period_end) AS (
    SELECT p.id, d.display_id, p.period_end FROM plan_requests p JOIN display d ON d.source_id = p.unit_id
    UNION ALL
    SELECT p.id, d.display_id, p.period_end
    FROM plan_requests p JOIN {unit} u ON u.id = p.unit_id JOIN display d ON d.source_id = u.parent_id
    WHERE p.unit_id NOT IN (SELECT source_id FROM display)
    UNION ALL
    SELECT p.id, d.display_id, p.period_end
    FROM plan_requests p JOIN {unit} u ON u.id = p.unit_id JOIN display d ON d.source_id = u.province_id
    WHERE p.unit_id NOT IN (SELECT source_id FROM display)
      AND (u.parent_id IS NULL OR u.parent_id NOT IN (SELECT source_id FROM display))
)"""
SUMS_SQL = """
SELECT v.indicator_id, s.display_id, MAX(s.period_end),
       SUM(CASE WHEN v.breakdown = '' THEN v.value END), SUM(CASE WHEN v.breakdown = '' THEN v.numerator END),
       SUM(CASE WHEN v.breakdown = '' THEN v.denominator END), COUNT(CASE WHEN v.breakdown = '' THEN 1 END)
FROM shown s CROSS JOIN {report} r CROSS JOIN {value} v
WHERE r.request_id = s.request_id AND v.report_id = r.id AND {accepted} {only}
GROUP BY v.indicator_id, s.display_id, {period_group}
"""
VALUES_SQL = SHOWN_SQL + SUMS_SQL
# A few display units' totals (a matrix brought up to date, `judged`): their requests are found first, then
# summed from a VALUES list of them. In one query, SQLite builds a Bloom filter over all the reports for the
# join, however few the requests: 35 ms at national scale for one commune's four requests, 2 ms this way.
FEW_SHOWN_SQL = SHOWN_SQL + "\nSELECT request_id, display_id, period_end FROM shown WHERE display_id IN ({displays})"
FEW_SUMS_SQL = "WITH shown(request_id, display_id, period_end) AS (VALUES {requests})" + SUMS_SQL

FOUR_PLACES = Decimal("0.0001")
_FLOAT_CONTEXT = Context(prec=15)


def _number(value) -> Decimal | None:
    """A sum as the ORM would give it: SQLite returns REAL for decimal columns (Django quantizes those to the
    field's places), PostgreSQL returns Decimal."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return _FLOAT_CONTEXT.create_decimal_from_float(value).quantize(FOUR_PLACES)
    return Decimal(value)


def _stored(value) -> Decimal | None:
    """A decimal column's value as the ORM gives it (four places) from either database."""
    return None if value is None else _number(value).quantize(FOUR_PLACES)


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else _iso_day(value)


@lru_cache(maxsize=1024)
def _iso_day(text: str) -> datetime.date:  # SQLite's dates are text; a matrix has a few distinct ones
    return datetime.date.fromisoformat(text[:10])


def _run(sql: str, mapping: dict[int, int], params: list, **names) -> list[tuple]:
    # The map's ids written into the SQL as integers, not passed as parameters: the driver's handling of a
    # province's 1,400 parameters took longer than PostgreSQL's planning and running of the query.
    pairs = ", ".join(f"({int(source)}, {int(shown)})" for source, shown in sorted(mapping.items()))
    return _fetched(sql, params, pairs=pairs, **names)


def _fetched(sql: str, params: list, **names) -> list[tuple]:
    tables = {
        "request": ReportRequest._meta.db_table,
        "report": Report._meta.db_table,
        "value": IndicatorValue._meta.db_table,
        "unit": Unit._meta.db_table,
        "schedule": Schedule._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables, **names), params)
        return cursor.fetchall()


def reported_totals(
    plan: Plan,
    mapping: dict[int, int],
    start,
    end,
    indicator: Indicator | None = None,
    whole: frozenset = frozenset(),
    displays: frozenset[int] | None = None,
) -> list[dict]:
    """Accepted totals per (indicator, display unit, period end), summed over the reporting units below; for the
    indicators in `whole`, one total over all the periods (dated by the last), see `summable`. With `displays`,
    only those display units' totals, the same as in the whole answer: only the requests of units that can count
    for them (their sources, and the units whose parent or province is one) are read."""
    if not mapping or displays == frozenset():
        return []
    only, params = ("AND v.indicator_id = %s", [indicator.pk]) if indicator is not None else ("", [])
    period_group = "s.period_end"
    if whole:
        ids = ", ".join(str(int(pk)) for pk in sorted(whole))
        period_group = f"CASE WHEN v.indicator_id IN ({ids}) THEN NULL ELSE s.period_end END"
    # The plan's schedules as literals: the planner then walks the (schedule, unit, period) index, not the
    # country's requests of the period.
    # Ad-hoc reports are read on their own: their period overlaps the regular ones, whose figures they would double.
    schedules = list(
        Schedule.objects.filter(plan=plan).exclude(frequency=Frequency.AD_HOC).values_list("pk", flat=True)
    )
    if not schedules:
        return []
    summing = {
        "only": only,
        "accepted": "likelihood(r.status = %s, 0.001)" if connection.vendor == "sqlite" else "r.status = %s",
        "period_group": period_group,
    }
    listed = {"schedules": ", ".join(["%s"] * len(schedules))}
    if displays is None:
        rows = _run(
            VALUES_SQL,
            mapping,
            [*schedules, start, end, ReportStatus.ACCEPTED.value, *params],
            near="",
            **listed,
            **summing,
        )
    else:
        rows = _few_totals(
            mapping, displays, [*schedules, start, end], [ReportStatus.ACCEPTED.value, *params], listed, summing
        )
    return [
        {
            "indicator_id": indicator_id,
            "display": shown,
            "report__request__period_end": _day(period_end),
            "total": _number(total),
            "numerator": _number(numerator),
            "denominator": _number(denominator),
            "reporters": reporters,
        }
        for indicator_id, shown, period_end, total, numerator, denominator, reporters in rows
    ]


def _few_totals(mapping: dict[int, int], displays: frozenset[int], find: list, sum_params: list, listed, summing):
    """`reported_totals` of a few display units: only the requests of the units that can count for them (their
    sources, and the units whose parent or province is one) are looked up, then summed (see FEW_SUMS_SQL)."""
    sources = ", ".join(str(int(s)) for s, d in sorted(mapping.items()) if d in displays) or "NULL"
    near = (
        f"AND q.unit_id IN (SELECT u.id FROM {Unit._meta.db_table} u WHERE u.id IN ({sources}) "  # noqa: S608 - ids as integers
        f"OR u.parent_id IN ({sources}) OR u.province_id IN ({sources}))"
    )
    wanted = ", ".join(str(int(d)) for d in sorted(displays))
    requests = _run(FEW_SHOWN_SQL, mapping, find, near=near, displays=wanted, **listed)
    if not requests:
        return []
    return _fetched(
        FEW_SUMS_SQL,
        [n for request in requests for n in request] + sum_params,
        requests=", ".join(["(%s, %s, %s)"] * len(requests)),
        **summing,
    )


def display_targets(
    plan: Plan,
    units: list[Unit],
    period: Period | None,
    indicator: Indicator | None = None,
    mapping: dict[int, int] | None = None,
) -> dict[tuple[int, int], list[ShownTarget]]:
    """Targets per (indicator, display unit) that can judge `period` (all of them when None): the unit's own,
    and for the periods it has none of its own, those of the old units it took over wholly, combined (see
    `combine_targets`). `mapping`, when the caller has it: the map the units' figures are summed by, which then
    decides whose targets are read (`units` is not read again to make one).

    One indexed read of the targets of the display units and their old units (at most units × indicators ×
    targets per period), combined here: joined to the mapping in SQL instead, SQLite 3.38+ first builds a
    Bloom filter over every target of the country (0.7 s at 4.2 million targets, and growing with them)."""
    indicators = {i.pk: i for i in plan.indicators.all()}
    if not indicators:  # a plan just registered: `indicator_id IN ()` cannot be written as SQL (EmptyResultSet)
        return {}
    if mapping is None:
        mapping = source_map(units)
    rows = Target.objects.filter(unit_id__in=list(mapping), indicator_id__in=list(indicators))
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if period is not None:
        # Those that overlap the period; of them, those that contain its end or lie inside it (its years, combined
        # if need be) are kept below. Both as one OR in SQL took SQLite 4 to 6 times as long (a province's
        # 10,000 targets among 4.2 million: 80–190 ms against 20–30).
        rows = rows.filter(period_start__lte=period.end, period_end__gte=period.start)
    own: dict[tuple[int, int], list[ShownTarget]] = defaultdict(list)
    inherited: dict[tuple, list[tuple]] = defaultdict(list)
    # The ORM's SQL without its per-row converters: they took a third of the time for a province's 10,000. The
    # dates as text for the same reason (SQLite's driver parses every date column of every row, while a plan's
    # targets share a few periods), and each distinct number converted once (a plan's targets repeat a few).
    sql, params = rows.values_list(
        "indicator_id",
        "unit_id",
        "period_kind",
        Cast("period_start", CharField()),
        Cast("period_end", CharField()),
        "value",
        "baseline_value",
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if period is not None:
        first, last = period.start.isoformat(), period.end.isoformat()  # the dates come as ISO text
        found = [row for row in found if row[4][:10] >= last or row[3][:10] >= first]
    numbers: dict = {}

    def number(raw) -> Decimal | None:
        if raw not in numbers:
            numbers[raw] = _stored(raw)
        return numbers[raw]

    for indicator_id, unit_id, kind, start, end, value, baseline in found:
        shown = mapping[unit_id]
        if unit_id == shown:
            own[(indicator_id, shown)].append(
                ShownTarget(number(value), number(baseline), kind, _day(start), _day(end))
            )
        else:
            inherited[(indicator_id, shown, kind, start, end)].append((number(value), number(baseline)))
    combined: dict[tuple[int, int], list[ShownTarget]] = defaultdict(list)
    for (indicator_id, shown, kind, start, end), pairs in inherited.items():
        made = combine_targets(indicators[indicator_id], [v for v, _b in pairs], [b for _v, b in pairs])
        if made is not None:
            combined[(indicator_id, shown)].append(ShownTarget(made[0], made[1], kind, _day(start), _day(end)))
    # Period by period, the unit's own target wins: a new unit's first target of its own (2026) must not hide
    # the ones it inherited for the years before the reform.
    for key, targets in combined.items():
        mine = own[key]
        periods = {(t.period_start, t.period_end) for t in mine}
        mine.extend(t for t in targets if (t.period_start, t.period_end) not in periods)
    return own


def combine_targets(
    indicator: Indicator, values: list[Decimal], baselines: list[Decimal | None]
) -> tuple[Decimal, Decimal | None] | None:
    """One target (and baseline) for a new unit from those of the old units it took over: their sum for
    additive indicators; otherwise their common value, or None when they differ (a rate cannot be pooled
    without weights). A baseline is kept only when every old unit had one (and, for rates, the same)."""
    complete = all(b is not None for b in baselines)
    if indicator.unit_aggregation == UnitAggregation.SUM:
        return sum(values, Decimal(0)), sum(baselines, Decimal(0)) if complete else None
    if len(set(values)) != 1:
        return None
    return values[0], baselines[0] if complete and len(set(baselines)) == 1 else None


def summable(indicator: Indicator) -> bool:
    """Indicators whose periods the database may add up before the engine sees them, because the engine would
    only add them too: summed over time (counts, amounts, pooled rates, milestones done in any period) and not
    averaged over units (an average per period divides by that period's reporters)."""
    return (
        indicator.source == sources.REPORTS
        and indicator.time_aggregation == TimeAggregation.SUM
        and indicator.unit_aggregation != UnitAggregation.AVERAGE
    )


def observations(
    plan: Plan,
    indicators: list[Indicator],
    mapping: dict[int, int],
    start,
    end,
    indicator=None,
    whole=False,
    total: tuple[int, dict[int, int]] | None = None,
) -> dict[tuple[int, int], list[engine.Observation]]:
    """Observations per (indicator id, display unit id): one GROUP BY over the accepted values, then the
    computed sources (cases…) for indicators that take their values from elsewhere. With `whole` (every cell's
    window is exactly start–end), summable indicators come as one total per cell instead of one per period.
    With `total` (a root's id and its source map, see `matrix_with_total`), the root's observations too, from
    the same GROUP BY."""
    return _observed(plan, indicators, mapping, start, end, indicator, whole, total)[0]


def _observed(
    plan: Plan,
    indicators: list[Indicator],
    mapping: dict[int, int],
    start,
    end,
    indicator=None,
    whole=False,
    total: tuple[int, dict[int, int]] | None = None,
) -> tuple[dict[tuple[int, int], list[engine.Observation]], list[dict]]:
    """`observations`, and the database's totals they were made from (before the root's are added up)."""
    summed = frozenset(i.pk for i in indicators if summable(i)) if whole else frozenset()
    reported = reported_totals(plan, (total[1] | mapping) if total else mapping, start, end, indicator, summed)
    rows = _rolled_up(reported, total[0], summed) if total else reported
    series = _series(indicators, rows)
    for found in indicators:
        computed = sources.get(found.source) if found.source != sources.REPORTS else None
        if computed is None:
            continue
        for source_mapping in (mapping, total[1]) if total else (mapping,):
            for display, period_end, value in computed(found, source_mapping, start, end):
                series[(found.pk, display)].append(engine.Observation(period_end, value))
    return series, reported


def _series(indicators: list[Indicator], rows: list[dict]) -> dict[tuple[int, int], list[engine.Observation]]:
    series: dict[tuple[int, int], list[engine.Observation]] = defaultdict(list)
    by_id = {i.pk: i for i in indicators}
    for row in rows:
        found = by_id.get(row["indicator_id"])
        if found is None or found.source != sources.REPORTS:
            continue
        observation = to_observation(found, row)
        if observation is not None:
            series[(found.pk, row["display"])].append(observation)
    return series


def _rolled_up(rows: list[dict], root: int, summed: frozenset) -> list[dict]:
    """The rows of the shown units, and the root's: per indicator and period (per indicator for the `summed`
    ones), the sums of every row, as SUM and COUNT would give them over the same values."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        period_end = row["report__request__period_end"]
        key = (row["indicator_id"], None if row["indicator_id"] in summed else period_end)
        rolled = totals.get(key)
        if rolled is None:
            totals[key] = dict(row, display=root)
            continue
        rolled["report__request__period_end"] = max(rolled["report__request__period_end"], period_end)
        for name in ("total", "numerator", "denominator"):
            if row[name] is not None:
                rolled[name] = row[name] if rolled[name] is None else rolled[name] + row[name]
        rolled["reporters"] += row["reporters"]
    return [row for row in rows if row["display"] != root] + list(totals.values())


@lru_cache(maxsize=4096)
def _expected(start: datetime.date, end: datetime.date, as_of: datetime.date) -> Decimal:
    return engine.expected_progress(start, end, as_of)


def judge(indicator: Indicator, target: ShownTarget | None, found, window, as_of: datetime.date) -> Cell:
    """A cell: the observations found in the window combined over time, judged against the target."""
    cell = Cell(indicator, target)
    inside = [o for o in found if window[0] <= o.period_end <= window[1]]
    cell.actual = engine.combine_over_time(inside, indicator.time_aggregation, indicator.kind)
    if target is not None:
        cell.expected = (
            Decimal(1)
            if indicator.direction == "maintain"
            else _expected(target.period_start, target.period_end, as_of)
        )
        baseline = target.baseline_value if target.baseline_value is not None else indicator.baseline_value
        try:
            cell.achieved = engine.achievement(
                indicator.direction, target.value, cell.actual, baseline, indicator.tolerance
            )
        except ValueError:  # a contradictory target (a decrease above its baseline): shown, not judged
            cell.problem = DECREASE_ABOVE_BASELINE if indicator.direction == "decrease" else NOT_JUDGED
            return cell
        cell.status = engine.status(cell.achieved, cell.expected)
    return cell


def achievement_matrix(plan: Plan, units: list[Unit], period: Period, as_of: datetime.date) -> list[UnitRow]:
    """Each unit's cells for the plan's indicators in a period, with targets re-expressed across the reform. A
    target set for a longer span (a phase) is judged on the values from its start to the end of the period,
    against the progress expected by then."""
    if not units:
        return []
    indicators = list(plan.indicators.all())
    judged_on = min(as_of, period.end)
    return judged.kept(
        plan,
        indicators,
        units,
        period,
        judged_on,
        lambda: _matrix(plan, indicators, units, period, as_of),
        lambda sums, changed: _refreshed(plan, indicators, units, period, as_of, sums, changed),
    )


@dataclass
class Sums:
    """What a stored matrix was judged from (`judged`): the database's totals per indicator, display unit and
    period, the root's own among them when `root` (the first unit's row is their sum, see `matrix_with_total`),
    the earliest day its windows start (set by the targets), and the source map they were summed by. The map is
    kept because a matrix is refreshed only while the units and the conversion table are unchanged: read again, it
    took a province's refresh 16 ms."""

    root: bool
    earliest: datetime.date
    reported: list[dict]
    mapping: dict[int, int]


def _matrix(plan: Plan, indicators: list[Indicator], units: list[Unit], period: Period, as_of):
    mapping = source_map(units)
    targets = display_targets(plan, units, period, mapping=mapping)
    earliest = min([t.period_start for ts in targets.values() for t in ts] + [period.start])
    series, reported = _observed(plan, indicators, mapping, earliest, period.end, whole=earliest == period.start)
    return _judged(indicators, units, targets, series, period, as_of), Sums(False, earliest, reported, mapping)


def matrix_with_total(
    plan: Plan, root: Unit, units: list[Unit], period: Period, as_of: datetime.date
) -> tuple[UnitRow, list[UnitRow]]:
    """The root's row (everything reported below it) and one row per unit. One GROUP BY when every unit lies
    below the root, as in any tree the pages show: the values counted for the units are then part of the
    root's, whose totals are their sums plus what counts for the root alone (its own reports, units not shown).
    Otherwise two, since each reported value counts for exactly one display unit of a query."""
    indicators = list(plan.indicators.all())
    judged_on = min(as_of, period.end)
    [total, *rows] = judged.kept(
        plan,
        indicators,
        [root, *units],
        period,
        judged_on,
        lambda: _with_total(plan, indicators, root, units, period, as_of),
        lambda sums, changed: _refreshed(plan, indicators, [root, *units], period, as_of, sums, changed),
    )
    return total, rows


def _with_total(plan: Plan, indicators: list[Indicator], root: Unit, units: list[Unit], period: Period, as_of):
    """The rows, and what they were judged from when one GROUP BY gave them all (else None: not refreshable)."""
    root_map, unit_map = source_map([root]), source_map(units)
    if not units or not _below(root_map, unit_map):
        rows = _matrix(plan, indicators, [root], period, as_of)[0]
        return rows + (_matrix(plan, indicators, units, period, as_of)[0] if units else []), None
    mapping = root_map | unit_map  # as the sums map the reports (`_observed`), and a refresh later (`_refreshed`)
    targets = display_targets(plan, [root, *units], period, mapping=mapping)
    earliest = min([t.period_start for ts in targets.values() for t in ts] + [period.start])
    series, reported = _observed(
        plan, indicators, unit_map, earliest, period.end, whole=earliest == period.start, total=(root.pk, root_map)
    )
    sums = Sums(True, earliest, reported, mapping)
    return _judged(indicators, [root, *units], targets, series, period, as_of), sums


def _refreshed(
    plan: Plan, indicators: list[Indicator], units: list[Unit], period: Period, as_of, sums: Sums, changed: set[int]
) -> tuple[dict[int, UnitRow], Sums]:
    """The rows that changed when only the accepted reports of the `changed` units did (nothing else: no target,
    unit or request), judged again from `sums`: those units' display units' totals read again, the root's (when
    the first row is the total) added up again, the rest as they were. Same rows, row for row, as judging the
    whole matrix again (tests/test_judged.py)."""
    root = units[0] if sums.root else None
    mapping = sums.mapping
    displays = _displays_of(changed, mapping)
    if not displays:
        return {}, sums
    whole = sums.earliest == period.start
    summed = frozenset(i.pk for i in indicators if summable(i)) if whole else frozenset()
    fresh = reported_totals(plan, mapping, sums.earliest, period.end, None, summed, frozenset(displays))
    reported = [row for row in sums.reported if row["display"] not in displays] + fresh
    again = displays | ({root.pk} if root is not None else set())
    rows = _rolled_up(reported, root.pk, summed) if root is not None else reported
    series = _series(indicators, [row for row in rows if row["display"] in again])
    chosen = [unit for unit in units if unit.pk in again]
    # Their targets by the matrix's own map: one made from these few units alone would let a unit inherit the
    # targets of an old unit that the matrix shows as a row of its own.
    targets = display_targets(plan, chosen, period, mapping={s: d for s, d in mapping.items() if d in again})
    judged_rows = _judged(indicators, chosen, targets, series, period, as_of)
    return {row.unit.pk: row for row in judged_rows}, Sums(sums.root, sums.earliest, reported, mapping)


def _displays_of(changed: set[int], mapping: dict[int, int]) -> set[int]:
    """The display units the reports of the `changed` units count for, by the rule of `VALUES_SQL`: the unit's
    own entry of the mapping, else its parent's, else its province's."""
    found = set()
    for unit_id, parent_id, province_id in Unit.objects.filter(pk__in=changed).values_list(
        "pk", "parent_id", "province_id"
    ):
        for source in (unit_id, parent_id, province_id):
            if source in mapping:
                found.add(mapping[source])
                break
    return found


def _below(root_map: dict[int, int], unit_map: dict[int, int]) -> bool:
    """Whether every unit whose reports count for a shown unit has the root (or a unit the root took over) as
    its parent or province, so that the reports below it count for the root too."""
    if root_map.keys() & unit_map.keys():
        return False
    links = Unit.objects.filter(pk__in=list(unit_map)).values_list("parent_id", "province_id")
    return all(parent in root_map or province in root_map for parent, province in links)


def _judged(indicators, units, targets, series, period: Period, as_of: datetime.date) -> list[UnitRow]:
    judged_on = min(as_of, period.end)
    keyed = [(indicator, indicator.pk) for indicator in indicators]
    rows = []
    for unit in units:
        row = UnitRow(unit)
        unit_id = unit.pk
        for indicator, indicator_id in keyed:
            target = choose_target(targets.get((indicator_id, unit_id), ()), period, indicator)
            window = (target.period_start if target else period.start, period.end)
            row.cells.append(judge(indicator, target, series.get((indicator_id, unit_id), ()), window, judged_on))
        rows.append(row)
    return rows


def breakdown_warnings(plan: Plan) -> list[tuple[Indicator, Period, Unit, Decimal, Decimal]]:
    """Additive indicators whose units' targets do not add up to the parent's target for the same period.

    Only targets of units that have a target below them can be off, so the sums run over the children of those
    alone (a province's communes), not over every target of the plan: a national plan has millions."""
    targets = Target.objects.filter(indicator__plan=plan, indicator__unit_aggregation=UnitAggregation.SUM)
    owners = targets.filter(unit_id__in=Unit.objects.filter(pk__in=targets.values("unit_id")).values("parent_id"))
    parents = {
        (indicator, unit, start, end): (pk, value)
        for pk, indicator, unit, start, end, value in owners.values_list(
            "pk", "indicator_id", "unit_id", "period_start", "period_end", "value"
        )
    }
    # The children as a list of ids, for the targets' index: joined through their parent, PostgreSQL read all the
    # country's targets (0.27 s of a province's plan page at national scale; 0.07 s with the list).
    children = Unit.objects.filter(parent_id__in={unit for _i, unit, _s, _e in parents}).values_list("pk", flat=True)
    sums = (
        targets.filter(unit_id__in=list(children))
        .values("indicator_id", "unit__parent_id", "period_start", "period_end")
        .annotate(total=Sum("value"))
        .order_by()
    )
    off = {}
    for row in sums:
        parent = parents.get((row["indicator_id"], row["unit__parent_id"], row["period_start"], row["period_end"]))
        if parent is not None and parent[1] != row["total"]:
            off[parent[0]] = row["total"]
    shown = (
        Target.objects.filter(pk__in=off)
        .select_related("indicator", "unit")
        .order_by("indicator__order", "period_start", "unit__code")
    )
    return [(t.indicator, t.period, t.unit, t.value, off[t.pk]) for t in shown]


def plan_achievement(
    plan: Plan, units: list[Unit], period: Period, as_of: datetime.date
) -> tuple[UnitRow, list[UnitRow]]:
    """The issuer's own row (everything below it summed) and one row per unit."""
    return matrix_with_total(plan, plan.issuer.unit, units, period, as_of)
