"""Reads for the dashboards: which units are behind on which targets, how an indicator moved over time, and
which units report on time. Every number is summed in the database (a GROUP BY per table shown); Python only
judges the few resulting sums with the achievement engine (`reporting/achievement.py`).

The unit tree is the one valid on a chosen date: before the 2025 reform a province has districts, after it
communes. A plan of a legacy province viewed on a later date is re-expressed in today's units through the
official conversion table: reports of old units wholly merged into a new one count for the new one (the same
rule as `reporting.queries`), and so do their targets (summed for additive indicators; for rates and averages
only when the merged units had the same target, since a pooled target would need weights nobody set).
"""

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from giamsat.cases import sources as case_sources
from giamsat.core.formatting import share_percent
from giamsat.core.params import as_id
from giamsat.core.periods import Period, PeriodKind, periods_between
from giamsat.core.querysets import within_units
from giamsat.plans.choices import Direction, TimeAggregation
from giamsat.plans.models import Indicator, Plan, Target
from giamsat.reporting import achievement as engine
from giamsat.reporting import sources
from giamsat.reporting.choices import Frequency, ReportStatus
from giamsat.reporting.models import Report, ReportRequest, Schedule
from giamsat.reporting.queries import (
    TENTH,
    Cell,
    ShownTarget,
    UnitRow,
    achievement_matrix,
    choose_target,
    combined_target,
    display_targets,
    judge,
    matrix_with_total,
    observations,
    source_map,
    within_mapping,
)
from giamsat.units.models import REFORM_DATE, Unit, UnitSuccession
from giamsat.units.queries import current_units_for

from . import privacy

LAST_LEGACY_DAY = REFORM_DATE - datetime.timedelta(days=1)
SENT = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED)


# ------------------------------------------------------------------------------------------------ the tree


@dataclass
class Tree:
    """The units a plan is shown in on a date: `root`'s row is the total, `units` are the rows below it.

    A user who does not cover the root sees no total: a commune officer shown a legacy plan in the old units
    covers several old communes but not their district. Then `whole` is false and `units` are the highest units
    the user covers."""

    plan: Plan
    on: datetime.date
    top: Unit  # the plan's own unit on that date (the issuer's, or the unit that took it over)
    root: Unit
    units: list[Unit]
    reexpressed: bool  # the plan's unit had ceased by `on`: figures go through the conversion table
    whole: bool = True  # the user covers the root, so its total is shown
    # From the top down to the root, for the breadcrumbs: units the user covers, and the top where it leads back to
    # several of them.
    trail: list[Unit] = field(default_factory=list)
    viewer: object = None  # the user it was made for: small case counts are hidden from some (`privacy`)

    @property
    def name(self) -> str:
        """What the figures are about, for headings and file names."""
        if self.whole:
            return self.root.name
        return _("%(unit)s: các đơn vị thuộc địa bàn của bạn") % {"unit": self.root.name}

    @property
    def subject(self) -> Unit:
        """The unit an indicator's trend follows by default: the root, or the first row when its total is not
        shown."""
        return self.root if self.whole or not self.units else self.units[0]


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
    """The tree for a plan on a date, rooted at `unit_id` (default: the plan's unit, or the highest unit below it
    that the user covers). None when that unit is not the plan's unit or below it, not valid on the date, or not
    covered by the user's jurisdiction (the view answers 404): the units above one's own are visible, to place
    it, but their totals count units outside the jurisdiction."""
    top, reexpressed = plan_top(plan, on)
    jurisdiction = user.jurisdiction
    covered = Unit.objects.restrict(user, "view").filter(within_units(jurisdiction)).valid_on(on)
    if reexpressed:
        # Only the new units that took in part of the plan's area.
        area = plan.issuer.unit
        covered = covered.filter(
            Exists(
                UnitSuccession.objects.filter(successor=OuterRef("pk")).filter(
                    Q(predecessor=area) | Q(predecessor__parent=area) | Q(predecessor__province=area)
                )
            )
        )
    whole_top = jurisdiction.covers(top)
    highest = [] if whole_top else _highest(covered, top, jurisdiction)
    if unit_id is not None and unit_id != top.pk:
        root = covered.filter(pk=unit_id).filter(Q(parent=top) | Q(province=top)).select_related("parent").first()
        if root is None:
            return None
    elif whole_top:
        root = top
    elif len(highest) > 1:
        return Tree(plan, on, top, top, highest, reexpressed, whole=False, trail=[top], viewer=user)
    elif highest:
        root = highest[0]
    else:
        return None
    # The top stays in the trail for one who covers several units below it: it leads back to them all.
    above = [top] if root.pk != top.pk and (whole_top or len(highest) > 1) else []
    if root.parent_id not in (None, top.pk) and jurisdiction.covers(root.parent):
        above.append(root.parent)
    trail = [*above, root]
    rows = covered.filter(parent=root).order_by("code")
    return Tree(plan, on, top, root, list(rows), reexpressed, trail=trail, viewer=user)


def _highest(covered, top: Unit, jurisdiction) -> list[Unit]:
    """The units below `top` that the user covers and whose parent they do not."""
    below = covered.filter(Q(parent=top) | Q(province=top)).exclude(parent_id__in=jurisdiction.ids)
    return list(below.exclude(province_id__in=jurisdiction.ids).select_related("parent").order_by("code"))


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


@dataclass
class Matrix:
    tree: Tree
    period: Period
    indicators: list[Indicator]
    total: UnitRow | None  # None when the user does not cover the root (`Tree.whole`)
    rows: list[UnitRow]
    # Units with a target whose reports count in the total and in no row (`only_in_total`); never shown as rows.
    outside: list[UnitRow] = field(default_factory=list)


def plan_matrix(tree: Tree, period: Period, as_of: datetime.date, *, outside: bool = True) -> Matrix:
    """The root's row (everything below it) and one row per unit, from one GROUP BY. With `outside`, the units
    counted only in the total are judged too, for what the total lacks (`units_without_figures`)."""
    if tree.whole:
        total, rows = matrix_with_total(tree.plan, tree.root, tree.units, period, as_of)
    else:
        total, rows = None, achievement_matrix(tree.plan, tree.units, period, as_of)
    _hide_as_in_its_years(tree, period, as_of, [total, *rows] if total is not None else rows)
    privacy.conceal(tree.viewer, [*_groups_above(tree, total, period, as_of), (total, rows)])
    indicators = list(tree.plan.indicators.all())
    beside = only_in_total(tree, period, as_of, indicators) if total is not None and outside else []
    if total is not None:
        _mark_flattered(total, rows + beside)
    return Matrix(tree, period, indicators, total, rows, beside)


def _hide_as_in_its_years(tree: Tree, period: Period, as_of: datetime.date, rows: list[UnitRow]) -> None:
    """For whom small case counts are hidden, a period of several years shows no case figure that one of its
    years' matrices hides: a span less the years shown, or two spans' difference, gave a hidden year's count back
    (review of 02/12/2026: Đức Linh's children supported, 5 in 2021–2023 and 4 in 2022–2023, made its hidden 2021
    a 1). One matrix per year of the span (each stored once judged), only for them and only on plans with case
    figures; `privacy.conceal` then hides around these as around any other."""
    if period.start.year == period.end.year or not privacy.applies(tree.viewer, tree.plan):
        return
    for year in range(period.start.year, period.end.year + 1):
        matrix = plan_matrix(tree, Period.year(year), as_of, outside=False)
        _hide_as_in(rows, [matrix.total, *matrix.rows] if matrix.total is not None else matrix.rows)


def _hide_as_in(rows: list[UnitRow], hiding: list[UnitRow]) -> None:
    """Hide in `rows` each cell hidden in the same unit's row of `hiding`."""
    by_unit = {row.unit.pk: row for row in rows}
    for other in hiding:
        row = by_unit.get(other.unit.pk)
        for position, cell in enumerate(other.cells if row is not None else []):
            if cell.hidden and not row.cells[position].hidden:
                row.cells[position] = privacy.hidden(row.cells[position])


def only_in_total(tree: Tree, period: Period, as_of: datetime.date, indicators: list[Indicator]) -> list[UnitRow]:
    """The units just below the root (or below an old unit it took over wholly) whose reports count for the total
    and for no row, judged where they have a target fed by reports that overlaps the period: shown in today's units,
    the old districts divided among several new communes; else units that ceased before the date shown. Their
    missing figures are missing from the total, as those of a row would be. The root's map, its children and their
    targets (a few indexed reads, 13–27 ms at national scale) when none has a target, as for any plan in its own
    units; else the rows' map, and a matrix of those units, stored as any other."""
    root_map = source_map([tree.root])
    shown = {unit.pk for unit in tree.units} | root_map.keys()
    children = Unit.objects.filter(parent_id__in=list(root_map)).order_by().values_list("pk", flat=True)
    candidates = [pk for pk in children if pk not in shown]
    fed = [i.pk for i in indicators if i.source == sources.REPORTS]
    if not candidates or not fed:
        return []
    targeted = set(
        Target.objects.filter(unit_id__in=candidates, indicator_id__in=fed)
        .filter(period_start__lte=period.end, period_end__gte=period.start)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    if not targeted:
        return []
    # Not those a row took over wholly (Huyện Phú Quí, now Đặc khu Phú Quý): the row shows what they lack.
    counted = source_map(tree.units)
    units = list(Unit.objects.filter(pk__in=[pk for pk in targeted if pk not in counted]).order_by("code"))
    judged_rows = achievement_matrix(tree.plan, units, period, as_of)
    return [row for row in judged_rows if _fed_targets(row)]


def _fed_targets(row: UnitRow) -> list[Cell]:
    """A row's cells that have a target and take their figures from reports."""
    return [c for c in row.cells if c.target is not None and c.indicator.source == sources.REPORTS]


def _mark_flattered(total: UnitRow, rows: list[UnitRow]) -> None:
    """On the total of a summed indicator the province wants to bring down (children abused, dropouts), count the
    units below with a target and no figure: their cases are missing from the sum, which looks better for it, so
    a "Đạt" there may only mean that units have not reported."""
    for position, cell in enumerate(total.cells):
        indicator = cell.indicator
        if indicator.direction != Direction.DECREASE or not indicator.is_additive or cell.target is None:
            continue
        missing = sum(1 for r in rows if r.cells[position].target is not None and r.cells[position].actual is None)
        if missing and not cell.hidden:
            total.cells[position] = dataclasses.replace(cell, unreported_below=missing)


def _groups_above(tree: Tree, total: UnitRow | None, period: Period, as_of: datetime.date) -> list:
    """For `privacy.conceal`: the matrices above the tree's root that its viewer may open, top down, the root's
    row in the nearest being `total` itself. A case count hidden there, to protect a unit beside the root, would
    come back as this matrix's total (a district's 4 hidden beside a neighbour's 1 was shown once opened). One
    GROUP BY per level above; none for those who see every count or for a plan without case figures."""
    if total is None or not privacy.applies(tree.viewer, tree.plan):
        return []
    groups, below = [], total
    for above in reversed(_trees_above(tree)):
        up_total, up_rows = matrix_with_total(tree.plan, above.root, above.units, period, as_of)
        groups.insert(0, (up_total, [below if row.unit.pk == below.unit.pk else row for row in up_rows]))
        below = up_total
    return groups


def _trees_above(tree: Tree) -> list[Tree]:
    """The trees of the root's parent, grandparent… up to the plan's unit, top down, while the viewer may open
    them with a total (a viewer who does not cover a unit never sees what it shows)."""
    trees, unit = [], tree.root
    while unit.pk != tree.top.pk and unit.parent_id is not None:
        above = tree_for(tree.plan, tree.viewer, tree.on, unit.parent_id)
        if above is None or not above.whole or above.root.pk != unit.parent_id:
            break
        trees.insert(0, above)
        unit = above.root
    return trees


def years_without_reports(tree: Tree, period: Period, today: datetime.date) -> list[int]:
    """The years of a period of several in which no report counting for the root (or for the rows, when the user
    does not cover the root) was accepted, though the year has ended or a report of it has fallen due: the figures
    taken from reports then cover only some of the period's years, while its targets are for all of them, which a
    page must say. Not for a plan whose figures all come from elsewhere (the cases). Ad-hoc reports do not count,
    as in the figures (`reported_totals`). From the plan's requests (its schedules' index), not from the country's
    accepted reports."""
    if period.start.year == period.end.year:
        return []
    if not tree.plan.indicators.filter(source=sources.REPORTS).exists():
        return []
    schedules = Schedule.objects.filter(plan=tree.plan).exclude(frequency=Frequency.AD_HOC).values_list("pk", flat=True)
    # The units as a list of ids, so that the requests are found through their (schedule, unit, period) index: as
    # joined conditions on the units (`within_mapping`), SQLite went through every request of the plan in the
    # period, the country's (0.55 s for a province's ten years at national scale).
    mapping = list(source_map([tree.root] if tree.whole else tree.units))  # the rows shown, when there is no total
    units = Unit.objects.filter(Q(pk__in=mapping) | Q(parent_id__in=mapping) | Q(province_id__in=mapping))
    requests = ReportRequest.objects.filter(
        schedule_id__in=list(schedules), unit_id__in=list(units.values_list("pk", flat=True))
    )
    accepted = Exists(Report.objects.filter(request=OuterRef("pk"), status=ReportStatus.ACCEPTED))
    missing = []
    # Year by year, each an EXISTS that stops at the first report found: one DISTINCT over the years of a province's
    # ten years of requests took 0.3 s.
    for year in range(period.start.year, period.end.year + 1):
        in_year = requests.filter(
            period_end__gte=max(period.start, datetime.date(year, 1, 1)),
            period_end__lte=min(period.end, datetime.date(year, 12, 31)),
        )
        if year >= today.year and not in_year.filter(due_on__lte=today).exists():
            continue  # not over, and nothing of it due yet
        if not in_year.filter(accepted).exists():
            missing.append(year)
    return missing


class Unreported(NamedTuple):
    units: list[Unit]  # rows with report-fed targets, none of which has a figure; by code
    targeted: int  # rows with a report-fed target
    total_has_figures: bool
    outside: list[Unit]  # the same among the units counted only in the total (`only_in_total`)
    outside_targeted: int


def units_without_figures(matrix: Matrix | None) -> Unreported:
    """The rows under a total whose report-fed targets for the period all lack a figure, and the units counted only
    in the total (`Matrix.outside`) of whom the same is true: the total leaves them out while its target is for the
    whole area, which a page must say (a "decrease" total then reads as met). The case-fed indicators have a
    figure for every unit and do not count. The total may have figures of its own (the root's own reports, units
    without targets)."""
    if matrix is None or matrix.total is None:
        return Unreported([], 0, False, [], 0)
    fed = [i for i, indicator in enumerate(matrix.indicators) if indicator.source == sources.REPORTS]
    missing, targeted = _without_figures(matrix.rows)
    outside, outside_targeted = _without_figures(matrix.outside)
    total_has_figures = any(matrix.total.cells[i].actual is not None for i in fed)
    return Unreported(missing, targeted, total_has_figures, outside, outside_targeted)


def _without_figures(rows: list[UnitRow]) -> tuple[list[Unit], int]:
    """The units of the rows with report-fed targets none of which has a figure (by code), and how many rows have
    such targets."""
    missing, targeted = [], 0
    for row in rows:
        with_target = _fed_targets(row)
        if with_target:
            targeted += 1
            if all(cell.actual is None for cell in with_target):
                missing.append(row.unit)
    return sorted(missing, key=lambda unit: unit.code), targeted


# The words a unit's name starts with, folded, longest first: "Thành phố Phan Thiết" sorts under P, not T.
TYPE_WORDS = ("thanh pho ", "thi tran ", "dac khu ", "thi xa ", "phuong ", "huyen ", "quan ", "tinh ", "xa ")


def without_type(folded: str) -> str:
    return next((folded[len(word) :] for word in TYPE_WORDS if folded.startswith(word)), folded)


def sort_rows(rows: list[UnitRow], key: str, indicators: list[Indicator]) -> list[UnitRow]:
    """Rows by unit code, name, share of targets met, or one indicator's achievement ("ind<id>", "-ind<id>"), or
    its reported figure when no unit has a target for it; units without a value go last either way."""
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name == "name":
        return sorted(rows, key=lambda r: (without_type(r.unit.name_folded), r.unit.name_folded), reverse=descending)
    if name == "share":
        present = [r for r in rows if r.share.with_data]
        return sorted(present, key=lambda r: (r.share.value, r.share.met), reverse=descending) + [
            r for r in rows if not r.share.with_data
        ]
    if name.startswith("ind") and (indicator_id := as_id(name[3:])) is not None:
        position = next((i for i, ind in enumerate(indicators) if ind.pk == indicator_id), None)
        if position is not None:
            judged = any(r.cells[position].achieved is not None for r in rows)

            def value(row):
                return row.cells[position].achieved if judged else row.cells[position].actual_shown

            present = [r for r in rows if value(r) is not None]
            absent = [r for r in rows if value(r) is None]
            # Best first either way: a figure of a "decrease" indicator (hours to intervene) is best when lowest.
            best_low = not judged and indicators[position].direction == "decrease"
            return sorted(present, key=value, reverse=descending != best_low) + absent
    return sorted(rows, key=lambda r: r.unit.code, reverse=descending and known_sort(key, indicators))


def known_sort(key: str, indicators: list[Indicator]) -> bool:
    """Whether `sort_rows` sorts by what `key` names (anything else sorts by unit code)."""
    name = key.removeprefix("-")
    if name in ("code", "name", "share"):
        return True
    return name.startswith("ind") and as_id(name[3:]) in {i.pk for i in indicators}


# ------------------------------------------------------------------------------------------ unmet targets


@dataclass(frozen=True)
class Shortfall:
    unit: Unit
    cell: Cell

    @property
    def gap(self) -> Decimal | None:
        """Percentage points between the progress expected by now and the achievement (None without data),
        rounded up to 0.1 so that a target behind by less than 0.05 points never reads as 0.0 behind."""
        if self.cell.achieved is None:
            return None
        return ((self.cell.expected - self.cell.achieved) * 100).quantize(TENTH, rounding=ROUND_CEILING)

    @property
    def expected_percent(self) -> Decimal:
        return (self.cell.expected * 100).quantize(Decimal("0.1"))


class Unmet(NamedTuple):
    behind: list[Shortfall]  # below the progress expected by now, largest gap first
    missing: list[Shortfall]  # no data to judge
    contradictory: list[Shortfall]  # reported, but the target contradicts its baseline (`Cell.problem`)
    # The root's row and the first level's, as in the matrix, for what the total lacks (`units_without_figures`)
    matrix: "Matrix | None" = None


def _concealed_levels(
    tree: Tree, period: Period, as_of: datetime.date, user
) -> tuple[UnitRow | None, list[UnitRow], list[UnitRow]]:
    """The root's row (None when the user does not cover it), the first level's and those of every level (the root's
    first), small case counts hidden from `user` as a whole (and, for a span of years, as in each of its years: see
    `_hide_as_in_its_years`)."""
    [first, *deeper] = levels_below(tree, user)
    if tree.whole:
        # The root's row comes from the first level's values (one pass over them, not two).
        total, units = matrix_with_total(tree.plan, tree.root, first, period, as_of)
    else:
        total, units = None, achievement_matrix(tree.plan, first, period, as_of)
    groups = [(total, units)]
    rows = [total, *units] if total else list(units)
    for level in deeper:
        below = achievement_matrix(tree.plan, level, period, as_of)
        children = defaultdict(list)
        for row in below:
            children[row.unit.parent_id].append(row)
        groups += [(row, children[row.unit.pk]) for row in units]
        rows += below
    if period.start.year != period.end.year and privacy.applies(user, tree.plan):
        for year in range(period.start.year, period.end.year + 1):
            _hide_as_in(rows, _concealed_levels(tree, Period.year(year), as_of, user)[2])
    privacy.conceal(user, [*_groups_above(tree, total, period, as_of), *groups])
    return total, units, rows


def unmet(tree: Tree, period: Period, as_of: datetime.date, user) -> Unmet:
    """Every target of the root and of every level below it that is below the progress expected by now,
    largest gap first; and, apart, the targets that have no data and those that cannot be judged because they
    contradict their baseline (a figure was reported: listing them as without data sent leaders after reports
    that had been filed). One GROUP BY per level below the root."""
    total, units, rows = _concealed_levels(tree, period, as_of, user)
    matrix = None
    if total is not None:
        indicators = list(tree.plan.indicators.all())
        matrix = Matrix(tree, period, indicators, total, units, only_in_total(tree, period, as_of, indicators))
    result = Unmet([], [], [], matrix)
    for row in rows:
        for cell in row.cells:
            if cell.target is None or cell.hidden:
                continue
            if cell.problem:
                result.contradictory.append(Shortfall(row.unit, cell))
            elif cell.nothing_to_count:
                continue
            elif cell.achieved is None:
                result.missing.append(Shortfall(row.unit, cell))
            elif cell.achieved < cell.expected:
                result.behind.append(Shortfall(row.unit, cell))
    result.behind.sort(key=lambda s: (-s.gap, s.unit.level, s.unit.code, s.cell.indicator.order))
    for listed in (result.missing, result.contradictory):
        listed.sort(key=lambda s: (s.unit.level, s.unit.code, s.cell.indicator.order))
    return result


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


def trend(
    plan: Plan, indicator: Indicator, unit: Unit, step: str, as_of: datetime.date, user, tree: Tree | None = None
) -> list[Point]:
    """An indicator's value for a unit in each year (or quarter) of the plan, with that period's target: one
    GROUP BY over the plan's whole span. A target for a longer span is drawn only for indicators that are not
    summed over time (a rate, a level), where it reads the same in every period. With the `tree` whose subject
    `unit` is, a case figure is also hidden where that period's matrix hides it (`_hidden_in_matrices`)."""
    periods = periods_between(PeriodKind(step), plan.first_year, plan.last_year)
    span = plan.period
    targets = display_targets(plan, [unit], None, indicator).get((indicator.pk, unit.pk), [])
    series = observations(plan, [indicator], source_map([unit]), span.start, span.end, indicator=indicator).get(
        (indicator.pk, unit.pk), []
    )
    points = []
    for period in periods:
        target = _period_target(indicator, targets, period)
        points.append(
            Point(period, judge(indicator, target, series, (period.start, period.end), min(as_of, period.end)))
        )
    # Each small count hidden alone; then, for those it applies to, as the matrices hide it and against the sums
    # the matrices show of several periods.
    row = UnitRow(unit, [point.cell for point in points])
    privacy.conceal(user, [(None, [row])])
    cells = row.cells
    if tree is not None and indicator.source.startswith(case_sources.PREFIX) and privacy.applies(user, plan):
        cells = _conceal_trend(tree, indicator, [p.period for p in points], cells, series, as_of)
    return [Point(point.period, cell) for point, cell in zip(points, cells, strict=True)]


def _conceal_trend(
    tree: Tree, indicator: Indicator, periods: list[Period], cells: list[Cell], series, as_of: datetime.date
) -> list[Cell]:
    """A case figure's trend as the matrices let the viewer see it. A period is hidden where its matrix hides it
    (a median too, which a matrix hides beside a hidden count). And the periods add up to what the matrices show
    of longer spans, the plan's whole span and each year: five cases in the span's matrix beside five hidden years
    of one case each gave them away. So the years are concealed against the span and the quarters against their
    year, as the matrix's units against their total (`privacy.conceal`), and once anything is hidden the empty
    periods are too. One matrix (and those above it) per period, year and the span with a figure."""
    plan, unit = tree.plan, tree.subject

    def judged(period: Period) -> UnitRow:
        return UnitRow(unit, [judge(indicator, None, series, (period.start, period.end), min(as_of, period.end))])

    rows = [UnitRow(unit, [cell]) for cell in cells]
    tiers = list(zip(periods, rows, strict=True))
    groups = []
    if indicator.source != case_sources.MEDIAN:  # a median adds up to nothing
        whole = judged(plan.period)
        if periods and periods[0].kind == PeriodKind.QUARTER:
            years = [(year, judged(year)) for year in periods_between(PeriodKind.YEAR, plan.first_year, plan.last_year)]
            groups = [(whole, [r for _year, r in years])]
            groups += [(r, [q for p, q in tiers if p.start.year == year.start.year]) for year, r in years]
            tiers += years
        else:
            groups = [(whole, rows)]
        tiers.append((plan.period, whole))
    # Only a figure can give anything away: a count of 0 is never hidden by a matrix, and an empty period shows the
    # same "–" or, once anything is hidden, "ẩn" (below), whatever its matrix says.
    hide = _hidden_in_matrices(tree, indicator, [period for period, row in tiers if _has_figure(row.cells[0])], as_of)
    for period, row in tiers:
        if period in hide:
            row.cells[0] = privacy.hidden(row.cells[0])
    privacy.conceal(tree.viewer, groups)
    shown = [row.cells[0] for row in rows]
    if any(cell.hidden for cell in shown):
        # Where a hidden figure is at least 1 and an empty one shows "–", counting the hidden periods against the
        # span's total pinned them (five hidden quarters of a span of 5: one case each); empty periods hide too.
        for i, (period, cell) in enumerate(zip(periods, shown, strict=True)):
            if period.start <= as_of and not cell.hidden and not _has_figure(cell):
                shown[i] = privacy.hidden(cell)
    return shown


def _has_figure(cell: Cell) -> bool:
    """Whether a cell, not hidden yet, holds a figure other than 0."""
    if cell.hidden:
        return False
    actual = cell.actual
    if isinstance(actual, engine.Ratio):
        return actual.denominator != 0
    return actual is not None and actual != 0


def _hidden_in_matrices(tree: Tree, indicator: Indicator, periods: list[Period], as_of: datetime.date) -> set[Period]:
    """The `periods` whose matrix hides the subject's figure of a case indicator from the viewer. One matrix (and
    those above it) per period asked."""
    hide = set()
    position = [i.pk for i in tree.plan.indicators.all()].index(indicator.pk)
    for period in periods:
        matrix = plan_matrix(tree, period, as_of, outside=False)
        row = matrix.total if tree.whole else next(r for r in matrix.rows if r.unit.pk == tree.subject.pk)
        if row.cells[position].hidden:
            hide.add(period)
    return hide


def _period_target(indicator: Indicator, targets: list[ShownTarget], period: Period) -> ShownTarget | None:
    """A point's target: its own; else a longer one containing it, for an indicator not summed over time; else its
    shorter ones combined, as the matrix judges the period (`combined_target`: a year by its quarters)."""
    exact = [t for t in targets if (t.period_start, t.period_end) == (period.start, period.end)]
    if exact:
        return exact[0]
    length = period.end - period.start
    if indicator.time_aggregation != TimeAggregation.SUM:
        covering = choose_target([t for t in targets if t.period_end - t.period_start > length], period)
        if covering is not None:
            return covering
    inside = [t for t in targets if period.start <= t.period_start and t.period_end <= period.end]
    return combined_target(indicator, inside, period) if inside else None


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
        return share_percent(self.on_time, self.due)

    def add(self, other: "Tally", sign: int = 1) -> None:
        self.on_time += sign * other.on_time
        self.late += sign * other.late
        self.missing += sign * other.missing
        self.not_due += sign * other.not_due


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


def compliance_counts(plan: Plan, units: list[Unit], start, end, today: datetime.date, user):
    """Requests per (display unit, period) on time, late, missing, not yet due: one GROUP BY.

    A request is on time when its report was sent (a version now submitted, accepted or superseded by a
    correction) on or before its due date (Vietnam time), late when sent after it; missing when nothing is sent
    and the due date has passed (a report returned for correction and not sent again is missing); otherwise
    not yet due."""
    mapping = source_map(units)
    # The plan's schedules as literals (as in reporting.queries.reported_totals) and the period compared without
    # its index: otherwise SQLite reads the country's requests of the years through the period index (0.6 s a
    # query for a plan's ten years at national scale, 0.14 s through the schedule).
    schedules = list(plan.schedules.values_list("pk", flat=True))
    requests = (
        ReportRequest.objects.restrict(user, "view")
        .filter(schedule_id__in=schedules)
        .alias(ends=_Unindexed("period_end", output_field=DateField()))
        .filter(ends__gte=start, ends__lte=end)
        .filter(within_mapping(mapping))
    )
    first_sent = (
        Report.objects.filter(request=OuterRef("pk"), status__in=SENT, submitted_at__isnull=False)
        .order_by()
        .values("request")
        .annotate(first=Min("submitted_at"))
        .values("first")
    )
    return (
        requests.annotate(display=display_case(mapping), sent_at=Subquery(first_sent), deadline=_deadlines(requests))
        .values("display", "period_start", "period_end", "period_kind")
        .annotate(
            on_time=Count("pk", filter=Q(sent_at__isnull=False, sent_at__lt=F("deadline"))),
            late=Count("pk", filter=Q(sent_at__isnull=False, sent_at__gte=F("deadline"))),
            missing=Count("pk", filter=Q(sent_at__isnull=True, due_on__lt=today)),
            not_due=Count("pk", filter=Q(sent_at__isnull=True, due_on__gte=today)),
        )
        .order_by()
    )


class _Unindexed(Func):
    """A column's value that SQLite will not look up in an index (`+column`, its documented way to say so)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _deadlines(requests) -> Case:
    """Each request's deadline: the first instant after its due date in Vietnam time, looked up among the few due
    dates of the requests. The date of each report's sending (TruncDate) is a Python function per row on SQLite:
    over a plan's ten years at national scale that was 2 s of a 6 s page."""
    tz = timezone.get_current_timezone()
    due_dates = requests.order_by().values_list("due_on", flat=True).distinct()
    whens = [
        When(due_on=day, then=Value(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tz)))
        for day in due_dates
    ]
    return Case(*whens, default=None, output_field=DateTimeField())


@dataclass
class Compliance:
    periods: list[Period]
    total: ComplianceRow | None  # None when the user does not cover the root (`Tree.whole`)
    rows: list[ComplianceRow]
    # The years asked for with no request of the plan for these units: the table has no column for them, so its
    # share on time is that of the other years alone, which the page must say.
    years_without_requests: list[int]
    # The total less the rows, when that is not nothing: the root's own requests, and in today's units those of
    # old units split among several new ones. The rows alone did not add up to the total, and nothing said where
    # the rest was. Its `unit` is the root's.
    rest: ComplianceRow | None = None


def compliance(tree: Tree, year: int | None, today: datetime.date, user) -> Compliance:
    """Per unit (rows) and reporting period of the year (columns; the plan's whole span when None): the tally
    of requests. Two GROUP BY queries: the root's (everything below it) and the units'."""
    start = datetime.date(year or tree.plan.first_year, 1, 1)
    end = datetime.date(year or tree.plan.last_year, 12, 31)
    root_counts = list(compliance_counts(tree.plan, [tree.root], start, end, today, user)) if tree.whole else []
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
    asked = range(start.year, end.year + 1)
    with_requests = {p.end.year for p in periods}
    missing = [y for y in asked if y not in with_requests]
    if not tree.whole:
        return Compliance(periods, None, list(rows.values()), missing)
    return Compliance(periods, total, list(rows.values()), missing, _rest(total, rows.values()))


def _rest(total: ComplianceRow, rows) -> ComplianceRow | None:
    rest = ComplianceRow(total.unit, [Tally() for _ in total.cells])
    for tally, kept in zip([*rest.cells, rest.total], [*total.cells, total.total], strict=True):
        tally.add(kept)
    for row in rows:
        for tally, counted in zip([*rest.cells, rest.total], [*row.cells, row.total], strict=True):
            tally.add(counted, sign=-1)
    # Any count, not only their sum: a part below 0 would be a fault to see, not one to cancel out.
    tallies = [*rest.cells, rest.total]
    return rest if any(n for t in tallies for n in (t.on_time, t.late, t.missing, t.not_due)) else None


# --------------------------------------------------------------------------------------- reports behind


@dataclass(frozen=True)
class ReportsBehind:
    requests: list[ReportRequest]  # each with `latest_status` ("" before any report) and `latest_submitted_at`
    more: bool  # there are more after these


STATUS_LABELS = dict(ReportStatus.choices)  # lazy: translated when read


def latest_status_label(status: str) -> str:
    """A request's latest report's state as the pages, downloads and API say it: "Chưa có" before any report. Called
    for each of up to 50,000 requests of a download: the labels are not gathered again each time."""
    return str(STATUS_LABELS.get(status, _("Chưa có")))


def reports_behind(tree: Tree, period: Period, user, limit: int, offset: int = 0) -> ReportsBehind:
    """The requests of the plan in the period whose reports count for the root's figures (its own, those of the
    units below it and of the old units it took over wholly), with their latest report's status: `limit` of them
    from `offset`, by district, unit and period. Only those the user may see."""
    latest = Report.objects.filter(request=OuterRef("pk")).order_by("-version")
    requests = (
        ReportRequest.objects.restrict(user, "view")
        .filter(schedule__plan=tree.plan, period_end__gte=period.start, period_end__lte=period.end)
        .filter(within_mapping(source_map([tree.root])))
        .select_related("unit", "unit__parent")
        .annotate(
            latest_status=Coalesce(Subquery(latest.values("status")[:1]), Value("")),
            latest_submitted_at=Subquery(latest.values("submitted_at")[:1]),
        )
        .order_by("unit__parent__code", "unit__code", "period_end", "pk")
    )
    found = list(requests[offset : offset + limit + 1])
    return ReportsBehind(found[:limit], len(found) > limit)
