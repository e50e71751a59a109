"""Reads for plans and reports: who met which target. The database sums the reported values per indicator,
display unit and period (one GROUP BY); the achievement engine judges the few resulting numbers."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, When

from giamsat.core.periods import Period
from giamsat.plans.choices import IndicatorKind
from giamsat.plans.models import Indicator, Plan, Target
from giamsat.units.models import Unit, UnitSuccession

from . import achievement as engine
from . import sources
from .choices import ReportStatus
from .models import IndicatorValue, ReportRequest


@dataclass
class Cell:
    indicator: Indicator
    target: Target | None
    actual: Decimal | engine.Ratio | None = None
    achieved: Decimal | None = None
    expected: Decimal = Decimal(1)
    status: engine.Status = engine.Status.NO_DATA

    @property
    def actual_shown(self) -> Decimal | None:
        """The actual as officials read it: a ratio indicator in percent."""
        return self.actual.percent if isinstance(self.actual, engine.Ratio) else self.actual

    @property
    def percent(self) -> Decimal | None:
        return None if self.achieved is None else (self.achieved * 100).quantize(Decimal("0.1"))


@dataclass
class UnitRow:
    unit: Unit
    cells: list[Cell] = field(default_factory=list)

    @property
    def share(self) -> engine.Share:
        return engine.share_met(c.status for c in self.cells if c.target is not None)


def source_map(units: list[Unit]) -> dict[int, int]:
    """Map each unit whose reports count for a display unit to that display unit: the unit itself and, across
    the 2025 reform, the old units it took over wholly (a split old commune cannot be apportioned)."""
    mapping = {u.pk: u.pk for u in units}
    frontier = dict(mapping)
    while frontier:
        links = UnitSuccession.objects.filter(successor_id__in=frontier, partly=False).values_list(
            "predecessor_id", "successor_id"
        )
        frontier = {old: frontier[new] for old, new in links if old not in mapping}
        mapping |= frontier
    return mapping


def _display_case(mapping: dict[int, int]) -> Case:
    """SQL that says, for a reported value, which display unit it counts for: its own unit, else its parent,
    else its province (a commune's report counts for its district and its province)."""
    by_target: dict[int, list[int]] = defaultdict(list)
    for source, shown in mapping.items():
        by_target[shown].append(source)
    whens = []
    for path in ("request__unit_id", "request__unit__parent_id", "request__unit__province_id"):
        whens += [When(**{f"report__{path}__in": sources}, then=shown) for shown, sources in by_target.items()]
    return Case(*whens, default=None, output_field=IntegerField())


def reported_totals(plan: Plan, units: list[Unit], start: datetime.date, end: datetime.date):
    """Accepted totals per (indicator, display unit, period end), summed over the reporting units below."""
    mapping = source_map(units)
    return (
        IndicatorValue.objects.filter(
            indicator__plan=plan,
            breakdown="",
            report__status=ReportStatus.ACCEPTED,
            report__request__period_start__gte=start,
            report__request__period_end__lte=end,
        )
        .filter(
            Q(report__request__unit_id__in=mapping)
            | Q(report__request__unit__parent_id__in=mapping)
            | Q(report__request__unit__province_id__in=mapping)
        )
        .annotate(display=_display_case(mapping))
        .values("indicator_id", "display", "report__request__period_end")
        .annotate(total=Sum("value"), numerator=Sum("numerator"), denominator=Sum("denominator"), reporters=Count("id"))
        .order_by()
    )


def choose_target(targets: list[Target], period: Period) -> Target | None:
    """The target for exactly this period, else the shortest one whose period contains it (a year judged
    against its phase's target). A longer period with only shorter targets (a phase with yearly targets) has
    no target to judge by: judging it on its last year alone would mislead."""
    exact = [t for t in targets if (t.period_start, t.period_end) == (period.start, period.end)]
    if exact:
        return exact[0]
    covering = [t for t in targets if t.period_start <= period.start and period.end <= t.period_end]
    return min(covering, key=lambda t: t.period_end - t.period_start, default=None)


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


def achievement_matrix(plan: Plan, units: list[Unit], period: Period, as_of: datetime.date) -> list[UnitRow]:
    """Each unit's cells for the plan's indicators in a period. A target set for a longer span (a phase) is
    judged on the values from its start to the end of the period, against the progress expected by then."""
    indicators = list(plan.indicators.all())
    targets: dict[tuple[int, int], list[Target]] = defaultdict(list)
    for target in Target.objects.filter(indicator__plan=plan, unit__in=units):
        targets[(target.indicator_id, target.unit_id)].append(target)
    earliest = min([t.period_start for ts in targets.values() for t in ts] + [period.start])
    series: dict[tuple[int, int], list[engine.Observation]] = defaultdict(list)
    by_id = {i.pk: i for i in indicators}
    for row in reported_totals(plan, units, earliest, period.end):
        indicator = by_id[row["indicator_id"]]
        if indicator.source != sources.REPORTS:
            continue
        observation = to_observation(indicator, row)
        if observation is not None:
            series[(row["indicator_id"], row["display"])].append(observation)
    for indicator in indicators:
        computed = sources.get(indicator.source) if indicator.source != sources.REPORTS else None
        if computed is not None:
            for display, end, value in computed(indicator, source_map(units), earliest, period.end):
                series[(indicator.pk, display)].append(engine.Observation(end, value))

    rows = []
    judged_on = min(as_of, period.end)
    for unit in units:
        row = UnitRow(unit)
        for indicator in indicators:
            target = choose_target(targets[(indicator.pk, unit.pk)], period)
            window = (target.period_start if target else period.start, period.end)
            observations = [o for o in series[(indicator.pk, unit.pk)] if window[0] <= o.period_end <= window[1]]
            cell = Cell(indicator, target)
            cell.actual = engine.combine_over_time(observations, indicator.time_aggregation, indicator.kind)
            if target is not None:
                cell.expected = (
                    Decimal(1)
                    if indicator.direction == "maintain"
                    else engine.expected_progress(target.period_start, target.period_end, judged_on)
                )
                baseline = target.baseline_value if target.baseline_value is not None else indicator.baseline_value
                cell.achieved = engine.achievement(
                    indicator.direction, target.value, cell.actual, baseline, indicator.tolerance
                )
                cell.status = engine.status(cell.achieved, cell.expected)
            row.cells.append(cell)
        rows.append(row)
    return rows


def breakdown_warnings(plan: Plan) -> list[tuple[Indicator, Period, Unit, Decimal, Decimal]]:
    """Additive indicators whose units' targets do not add up to the parent's target for the same period."""
    warnings = []
    sums = (
        Target.objects.filter(indicator__plan=plan, indicator__unit_aggregation="sum", unit__parent__isnull=False)
        .values("indicator_id", "unit__parent_id", "period_start", "period_end", "period_kind")
        .annotate(total=Sum("value"))
        .order_by()
    )
    parents = {
        (t.indicator_id, t.unit_id, t.period_start, t.period_end): t
        for t in Target.objects.filter(indicator__plan=plan).select_related("indicator", "unit")
    }
    for row in sums:
        parent = parents.get((row["indicator_id"], row["unit__parent_id"], row["period_start"], row["period_end"]))
        if parent is not None and parent.value != row["total"]:
            warnings.append((parent.indicator, parent.period, parent.unit, parent.value, row["total"]))
    return warnings


def requests_for(user, today: datetime.date):
    return ReportRequest.objects.restrict(user, "view").select_related("schedule__plan", "unit")


def plan_achievement(
    plan: Plan, units: list[Unit], period: Period, as_of: datetime.date
) -> tuple[UnitRow, list[UnitRow]]:
    """The issuer's own row (everything below it summed) and one row per unit. Two calls, because each
    reported value counts for exactly one display unit."""
    return achievement_matrix(plan, [plan.issuer.unit], period, as_of)[0], achievement_matrix(
        plan, units, period, as_of
    )
