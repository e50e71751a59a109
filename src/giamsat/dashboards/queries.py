"""Reads for the dashboards: which units are behind on which targets, how an indicator moved over time, and
which units report on time. Every number is summed in the database (a GROUP BY per table shown); Python only
judges the few resulting sums with the achievement engine (`reporting/achievement.py`).

The unit tree is the one valid on a chosen date: before the 2025 reform a province has districts, after it
communes. A plan of a legacy province viewed on a later date is re-expressed in today's units through the
official conversion table: reports of old units wholly merged into a new one count for the new one (the same
rule as `reporting.queries`), and so do their targets (summed for additive indicators; for rates and averages
only when the merged units had the same target, since a pooled target would need weights nobody set).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Context, Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import TruncDate

from giamsat.core.periods import Period, PeriodKind, periods_between
from giamsat.plans.choices import TimeAggregation, UnitAggregation
from giamsat.plans.models import Indicator, Plan, Target
from giamsat.reporting import achievement as engine
from giamsat.reporting import sources
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.models import IndicatorValue, Report, ReportRequest, Schedule
from giamsat.reporting.queries import Cell, UnitRow, choose_target, source_map, to_observation
from giamsat.units.models import REFORM_DATE, Unit, UnitSuccession
from giamsat.units.queries import current_units_for

LAST_LEGACY_DAY = REFORM_DATE - datetime.timedelta(days=1)
SENT = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED)


# ------------------------------------------------------------------------------------------------ the tree


@dataclass
class Tree:
    """The units a plan is shown in on a date: `root`'s row is the total, `units` are the rows below it."""

    plan: Plan
    on: datetime.date
    top: Unit  # the plan's own unit on that date (the issuer's, or the unit that took it over)
    root: Unit
    units: list[Unit]
    reexpressed: bool  # the plan's unit had ceased by `on`: figures go through the conversion table

    @property
    def trail(self) -> list[Unit]:
        """From the top down to the root, for the breadcrumbs."""
        if self.root.pk == self.top.pk:
            return [self.top]
        middle = [self.root.parent] if self.root.parent_id not in (None, self.top.pk) else []
        return [self.top, *middle, self.root]


def plan_top(plan: Plan, on: datetime.date) -> tuple[Unit, bool]:
    """The unit whose row totals the plan on `on`, and whether it was reached through the conversion table."""
    unit = plan.issuer.unit
    if unit.is_valid_on(on):
        return unit, False
    links = [link for link in current_units_for(unit, on) if not link.partly] if on >= REFORM_DATE else []
    return (links[0].unit, True) if links else (unit, False)


def default_on(period: Period, today: datetime.date) -> datetime.date:
    """The date whose units a period is shown in by default: the last day of the old three-level list for a
    period that ended before the reform, else today."""
    return LAST_LEGACY_DAY if period.end < REFORM_DATE else today


def tree_for(plan: Plan, user, on: datetime.date, unit_id: int | None = None) -> Tree | None:
    """The tree for a plan on a date, rooted at `unit_id` (default: the plan's unit). None when that unit is not
    the plan's unit or below it, not valid on the date, or not visible to the user (the view answers 404)."""
    top, reexpressed = plan_top(plan, on)
    visible = Unit.objects.restrict(user, "view")
    root = top
    if unit_id is not None and unit_id != top.pk:
        root = (
            visible.filter(pk=unit_id)
            .filter(Q(parent=top) | Q(province=top))
            .valid_on(on)
            .select_related("parent")
            .first()
        )
        if root is None:
            return None
    rows = visible.filter(parent=root).valid_on(on)
    if reexpressed:
        # Only the new units that took in part of the plan's area.
        area = plan.issuer.unit
        rows = rows.filter(
            Exists(
                UnitSuccession.objects.filter(successor=OuterRef("pk")).filter(
                    Q(predecessor=area) | Q(predecessor__parent=area) | Q(predecessor__province=area)
                )
            )
        )
    return Tree(plan, on, top, root, list(rows.order_by("code")), reexpressed)


def levels_below(tree: Tree, user) -> list[list[Unit]]:
    """The rows of every level below the root (children, then grandchildren), for lists over the whole area."""
    levels = [tree.units]
    grandchildren = list(
        Unit.objects.restrict(user, "view").filter(parent__in=tree.units).valid_on(tree.on).order_by("parent", "code")
    )
    if grandchildren:
        levels.append(grandchildren)
    return levels


# ------------------------------------------------------------------------------------------ the matrix


@dataclass(frozen=True, slots=True)
class ShownTarget:
    """A target as a display unit has it: its own, or combined from the old units it took over (never saved)."""

    value: Decimal
    baseline_value: Decimal | None
    period_kind: str
    period_start: datetime.date
    period_end: datetime.date

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, PeriodKind(self.period_kind))


# The display unit of a reported value: its unit's, else its unit's parent's, else its province's entry of the
# mapping {source unit: display unit} (the rule of reporting.queries._display_case), joined instead of a CASE
# with one branch per unit. The plan's requests of the period are resolved first (a few thousand rows, through
# the request's schedule index), then their reports and values (CROSS JOIN keeps SQLite to that order), so the
# work grows with the plan's data in the period, not with the country's. The totals (breakdown "") are picked
# inside the sums rather than in WHERE: with that predicate SQLite 3.38+ builds a Bloom filter over the whole
# values table for every query (3.3 s at 15 million values, 0.06 s without).
VALUES_SQL = """
WITH display(source_id, display_id) AS (VALUES {pairs}),
plan_requests AS (
    SELECT q.id, q.unit_id, q.period_end FROM {request} q
    WHERE q.schedule_id IN ({schedules}) AND q.period_start >= %s AND q.period_end <= %s
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
)
SELECT v.indicator_id, s.display_id, MAX(s.period_end),
       SUM(CASE WHEN v.breakdown = '' THEN v.value END), SUM(CASE WHEN v.breakdown = '' THEN v.numerator END),
       SUM(CASE WHEN v.breakdown = '' THEN v.denominator END), COUNT(CASE WHEN v.breakdown = '' THEN 1 END)
FROM shown s CROSS JOIN {report} r CROSS JOIN {value} v
WHERE r.request_id = s.request_id AND v.report_id = r.id AND r.status = %s {only}
GROUP BY v.indicator_id, s.display_id, {period_group}
"""

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


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def _run(sql: str, mapping: dict[int, int], params: list, **names) -> list[tuple]:
    pairs = sorted(mapping.items())
    tables = {
        "request": ReportRequest._meta.db_table,
        "report": Report._meta.db_table,
        "value": IndicatorValue._meta.db_table,
        "unit": Unit._meta.db_table,
        "schedule": Schedule._meta.db_table,
    }
    text = sql.format(pairs=", ".join(["(%s, %s)"] * len(pairs)), **tables, **names)
    with connection.cursor() as cursor:
        cursor.execute(text, [n for pair in pairs for n in pair] + params)
        return cursor.fetchall()


def value_totals(
    plan: Plan, mapping: dict[int, int], start, end, indicator: Indicator | None = None, whole: frozenset = frozenset()
) -> list[dict]:
    """Accepted totals per (indicator, display unit, period end), in the shape of reporting.queries.reported_totals;
    for the indicators in `whole`, one total over all the periods (dated by the last), see `_summable`."""
    if not mapping:
        return []
    only, params = ("AND v.indicator_id = %s", [indicator.pk]) if indicator is not None else ("", [])
    period_group = "s.period_end"
    if whole:
        ids = ", ".join(str(int(pk)) for pk in sorted(whole))
        period_group = f"CASE WHEN v.indicator_id IN ({ids}) THEN NULL ELSE s.period_end END"
    # The plan's schedules as literals: the planner then walks the (schedule, unit, period) index, not the
    # country's requests of the period.
    schedules = list(Schedule.objects.filter(plan=plan).values_list("pk", flat=True))
    if not schedules:
        return []
    rows = _run(
        VALUES_SQL,
        mapping,
        [*schedules, start, end, ReportStatus.ACCEPTED.value, *params],
        only=only,
        period_group=period_group,
        schedules=", ".join(["%s"] * len(schedules)),
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


def display_targets(
    plan: Plan, units: list[Unit], period: Period | None, indicator: Indicator | None = None
) -> dict[tuple[int, int], list[ShownTarget]]:
    """Targets per (indicator, display unit) that can judge `period` (all of them when None): the unit's own,
    else those of the old units it took over wholly, combined (see `combine_targets`).

    One indexed read of the targets of the display units and their old units (at most units × indicators ×
    targets per period), combined here: joined to the mapping in SQL instead, SQLite 3.38+ first builds a
    Bloom filter over every target of the country (0.7 s at 4.2 million targets, and growing with them)."""
    mapping = source_map(units)
    indicators = {i.pk: i for i in plan.indicators.all()}
    rows = Target.objects.filter(unit_id__in=list(mapping), indicator_id__in=list(indicators))
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if period is not None:
        rows = rows.filter(period_start__lte=period.end, period_end__gte=period.end)
    own: dict[tuple[int, int], list[ShownTarget]] = defaultdict(list)
    inherited: dict[tuple, list[tuple]] = defaultdict(list)
    for indicator_id, unit_id, kind, start, end, value, baseline in rows.values_list(
        "indicator_id", "unit_id", "period_kind", "period_start", "period_end", "value", "baseline_value"
    ):
        shown = mapping[unit_id]
        if unit_id == shown:
            own[(indicator_id, shown)].append(ShownTarget(value, baseline, kind, start, end))
        else:
            inherited[(indicator_id, shown, kind, start, end)].append((value, baseline))
    combined: dict[tuple[int, int], list[ShownTarget]] = defaultdict(list)
    for (indicator_id, shown, kind, start, end), pairs in inherited.items():
        made = combine_targets(indicators[indicator_id], [v for v, _b in pairs], [b for _v, b in pairs])
        if made is not None:
            combined[(indicator_id, shown)].append(ShownTarget(made[0], made[1], kind, start, end))
    for key, targets in combined.items():
        own.setdefault(key, targets)
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


def _summable(indicator: Indicator) -> bool:
    """Indicators whose periods the database may add up before the engine sees them, because the engine would
    only add them too: summed over time (counts, amounts, pooled rates, milestones done in any period) and not
    averaged over units (an average per period divides by that period's reporters)."""
    return (
        indicator.source == sources.REPORTS
        and indicator.time_aggregation == TimeAggregation.SUM
        and indicator.unit_aggregation != UnitAggregation.AVERAGE
    )


def _series(plan: Plan, indicators: list[Indicator], units: list[Unit], start, end, indicator=None, whole=False):
    """Observations per (indicator id, display unit id): one GROUP BY over the accepted values, then the
    computed sources (cases…) for indicators that take their values from elsewhere. With `whole` (every cell's
    window is exactly start–end), summable indicators come as one total per cell instead of one per period."""
    series: dict[tuple[int, int], list[engine.Observation]] = defaultdict(list)
    by_id = {i.pk: i for i in indicators}
    mapping = source_map(units)
    summed = frozenset(i.pk for i in indicators if _summable(i)) if whole else frozenset()
    for row in value_totals(plan, mapping, start, end, indicator, summed):
        found = by_id.get(row["indicator_id"])
        if found is None or found.source != sources.REPORTS:
            continue
        observation = to_observation(found, row)
        if observation is not None:
            series[(found.pk, row["display"])].append(observation)
    for found in indicators:
        computed = sources.get(found.source) if found.source != sources.REPORTS else None
        if computed is not None:
            for display, period_end, value in computed(found, mapping, start, end):
                series[(found.pk, display)].append(engine.Observation(period_end, value))
    return series


@lru_cache(maxsize=4096)
def _expected(start: datetime.date, end: datetime.date, as_of: datetime.date) -> Decimal:
    return engine.expected_progress(start, end, as_of)


def judge(indicator: Indicator, target: ShownTarget | None, observations, window, as_of: datetime.date) -> Cell:
    """A cell: the observations in the window combined over time, judged against the target."""
    cell = Cell(indicator, target)
    inside = [o for o in observations if window[0] <= o.period_end <= window[1]]
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
        except ValueError as exc:  # a contradictory target (a decrease above its baseline): shown, not judged
            cell.problem = str(exc)
            return cell
        cell.status = engine.status(cell.achieved, cell.expected)
    return cell


def matrix(plan: Plan, units: list[Unit], period: Period, as_of: datetime.date) -> list[UnitRow]:
    """Each unit's cells for the plan's indicators in a period (as `reporting.queries.achievement_matrix`, with
    targets re-expressed across the reform). A target set for a longer span is judged on the values from its
    start to the end of the period, against the progress expected by then."""
    if not units:
        return []
    indicators = list(plan.indicators.all())
    targets = display_targets(plan, units, period)
    earliest = min([t.period_start for ts in targets.values() for t in ts] + [period.start])
    series = _series(plan, indicators, units, earliest, period.end, whole=earliest == period.start)
    judged_on = min(as_of, period.end)
    rows = []
    for unit in units:
        row = UnitRow(unit)
        for indicator in indicators:
            target = choose_target(targets.get((indicator.pk, unit.pk), []), period)
            window = (target.period_start if target else period.start, period.end)
            row.cells.append(judge(indicator, target, series.get((indicator.pk, unit.pk), []), window, judged_on))
        rows.append(row)
    return rows


@dataclass
class Matrix:
    tree: Tree
    period: Period
    indicators: list[Indicator]
    total: UnitRow
    rows: list[UnitRow]


def plan_matrix(tree: Tree, period: Period, as_of: datetime.date) -> Matrix:
    """The root's row (everything below it) and one row per unit: two GROUP BY queries, because each reported
    value counts for exactly one display unit."""
    total = matrix(tree.plan, [tree.root], period, as_of)[0]
    return Matrix(tree, period, list(tree.plan.indicators.all()), total, matrix(tree.plan, tree.units, period, as_of))


def sort_rows(rows: list[UnitRow], key: str, indicators: list[Indicator]) -> list[UnitRow]:
    """Rows by unit code, name, share of targets met, or one indicator's achievement ("ind<id>", "-ind<id>");
    units without a value go last either way."""
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name == "name":
        return sorted(rows, key=lambda r: r.unit.name_folded, reverse=descending)
    if name == "share":
        present = [r for r in rows if r.share.with_data]
        return sorted(present, key=lambda r: (r.share.value, r.share.met), reverse=descending) + [
            r for r in rows if not r.share.with_data
        ]
    if name.startswith("ind") and name[3:].isdigit():
        position = next((i for i, ind in enumerate(indicators) if ind.pk == int(name[3:])), None)
        if position is not None:
            present = [r for r in rows if r.cells[position].achieved is not None]
            absent = [r for r in rows if r.cells[position].achieved is None]
            return sorted(present, key=lambda r: r.cells[position].achieved, reverse=descending) + absent
    return sorted(rows, key=lambda r: r.unit.code, reverse=descending)


# ------------------------------------------------------------------------------------------ unmet targets


@dataclass(frozen=True)
class Shortfall:
    unit: Unit
    cell: Cell

    @property
    def gap(self) -> Decimal | None:
        """Percentage points between the progress expected by now and the achievement (None without data)."""
        if self.cell.achieved is None:
            return None
        return ((self.cell.expected - self.cell.achieved) * 100).quantize(Decimal("0.1"))

    @property
    def expected_percent(self) -> Decimal:
        return (self.cell.expected * 100).quantize(Decimal("0.1"))


def unmet(tree: Tree, period: Period, as_of: datetime.date, user) -> tuple[list[Shortfall], list[Shortfall]]:
    """Every target of the root and of every level below it that is below the progress expected by now,
    largest gap first; and, apart, the targets that have no data. One GROUP BY per level."""
    rows = matrix(tree.plan, [tree.root], period, as_of)
    for level in levels_below(tree, user):
        rows += matrix(tree.plan, level, period, as_of)
    behind, missing = [], []
    for row in rows:
        for cell in row.cells:
            if cell.target is None:
                continue
            if cell.achieved is None:
                missing.append(Shortfall(row.unit, cell))
            elif cell.achieved < cell.expected:
                behind.append(Shortfall(row.unit, cell))
    behind.sort(key=lambda s: (-s.gap, s.unit.level, s.unit.code, s.cell.indicator.order))
    missing.sort(key=lambda s: (s.unit.level, s.unit.code, s.cell.indicator.order))
    return behind, missing


# ------------------------------------------------------------------------------------------------ trend

STEPS = (PeriodKind.YEAR, PeriodKind.QUARTER)


@dataclass
class Point:
    period: Period
    cell: Cell

    @property
    def actual(self) -> Decimal | None:
        return self.cell.actual_shown

    @property
    def target(self) -> Decimal | None:
        return self.cell.target.value if self.cell.target is not None else None


def trend(plan: Plan, indicator: Indicator, unit: Unit, step: str, as_of: datetime.date) -> list[Point]:
    """An indicator's value for a unit in each year (or quarter) of the plan, with that period's target: one
    GROUP BY over the plan's whole span. A target for a longer span is drawn only for indicators that are not
    summed over time (a rate, a level), where it reads the same in every period."""
    periods = periods_between(PeriodKind(step), plan.first_year, plan.last_year)
    span = plan.period
    targets = display_targets(plan, [unit], None, indicator).get((indicator.pk, unit.pk), [])
    series = _series(plan, [indicator], [unit], span.start, span.end, indicator=indicator).get(
        (indicator.pk, unit.pk), []
    )
    points = []
    for period in periods:
        target = _period_target(indicator, targets, period)
        points.append(
            Point(period, judge(indicator, target, series, (period.start, period.end), min(as_of, period.end)))
        )
    return points


def _period_target(indicator: Indicator, targets: list[ShownTarget], period: Period) -> ShownTarget | None:
    exact = [t for t in targets if (t.period_start, t.period_end) == (period.start, period.end)]
    if exact:
        return exact[0]
    if indicator.time_aggregation == TimeAggregation.SUM:
        return None
    return choose_target([t for t in targets if t.period_end - t.period_start > period.end - period.start], period)


# ------------------------------------------------------------------------------------------- compliance


@dataclass
class Tally:
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def total(self) -> int:
        return self.due + self.not_due

    @property
    def on_time_percent(self) -> Decimal | None:
        return (Decimal(100 * self.on_time) / self.due).quantize(Decimal("0.1")) if self.due else None

    def add(self, other: "Tally") -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.missing += other.missing
        self.not_due += other.not_due


@dataclass
class ComplianceRow:
    unit: Unit
    cells: list[Tally] = field(default_factory=list)
    total: Tally = field(default_factory=Tally)


def display_case(mapping: dict[int, int], prefix: str = "") -> Case:
    """SQL naming the display unit a row counts for: its unit, else that unit's parent, else its province
    (mapped through `mapping`, {source unit id: display unit id})."""
    by_display: dict[int, list[int]] = defaultdict(list)
    for source, shown in mapping.items():
        by_display[shown].append(source)
    whens = []
    for path in ("unit_id", "unit__parent_id", "unit__province_id"):
        whens += [When(**{f"{prefix}{path}__in": ids}, then=shown) for shown, ids in by_display.items()]
    return Case(*whens, default=None, output_field=IntegerField())


def within_mapping(mapping: dict[int, int], prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}unit_id__in": mapping})
        | Q(**{f"{prefix}unit__parent_id__in": mapping})
        | Q(**{f"{prefix}unit__province_id__in": mapping})
    )


def compliance_counts(plan: Plan, units: list[Unit], start, end, today: datetime.date, user):
    """Requests per (display unit, period) on time, late, missing, not yet due: one GROUP BY.

    A request is on time when its report was sent (a version now submitted, accepted or superseded by a
    correction) on or before its due date (Vietnam time), late when sent after it; missing when nothing is sent
    and the due date has passed (a report returned for correction and not sent again is missing); otherwise
    not yet due."""
    mapping = source_map(units)
    sent = (
        Report.objects.filter(request=OuterRef("pk"), status__in=SENT, submitted_at__isnull=False)
        .order_by()
        .values("request")
        .annotate(first=Min(TruncDate("submitted_at")))
        .values("first")
    )
    return (
        ReportRequest.objects.restrict(user, "view")
        .filter(schedule__plan=plan, period_end__gte=start, period_end__lte=end)
        .filter(within_mapping(mapping))
        .annotate(display=display_case(mapping), sent_on=Subquery(sent))
        .values("display", "period_start", "period_end", "period_kind")
        .annotate(
            on_time=Count("pk", filter=Q(sent_on__isnull=False, sent_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(sent_on__isnull=False, sent_on__gt=F("due_on"))),
            missing=Count("pk", filter=Q(sent_on__isnull=True, due_on__lt=today)),
            not_due=Count("pk", filter=Q(sent_on__isnull=True, due_on__gte=today)),
        )
        .order_by()
    )


@dataclass
class Compliance:
    periods: list[Period]
    total: ComplianceRow
    rows: list[ComplianceRow]


def compliance(tree: Tree, year: int | None, today: datetime.date, user) -> Compliance:
    """Per unit (rows) and reporting period of the year (columns; the plan's whole span when None): the tally
    of requests. Two GROUP BY queries: the root's (everything below it) and the units'."""
    start = datetime.date(year or tree.plan.first_year, 1, 1)
    end = datetime.date(year or tree.plan.last_year, 12, 31)
    root_counts = list(compliance_counts(tree.plan, [tree.root], start, end, today, user))
    unit_counts = list(compliance_counts(tree.plan, tree.units, start, end, today, user)) if tree.units else []
    periods = sorted(
        {Period(r["period_start"], r["period_end"], PeriodKind(r["period_kind"])) for r in root_counts + unit_counts},
        key=lambda p: (p.end, p.start),
    )
    position = {(p.start, p.end): i for i, p in enumerate(periods)}
    total = ComplianceRow(tree.root, [Tally() for _ in periods])
    rows = {u.pk: ComplianceRow(u, [Tally() for _ in periods]) for u in tree.units}
    for counts, pick in ((root_counts, lambda _display: total), (unit_counts, rows.get)):
        for row in counts:
            target = pick(row["display"])
            if target is None:
                continue
            tally = Tally(row["on_time"], row["late"], row["missing"], row["not_due"])
            target.cells[position[(row["period_start"], row["period_end"])]].add(tally)
            target.total.add(tally)
    return Compliance(periods, total, list(rows.values()))
