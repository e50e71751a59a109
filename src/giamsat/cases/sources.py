"""Case figures as computed sources of plan indicators (reporting/sources.py), so plan pages show them without
anyone retyping numbers. Registered when the app is ready (apps.py).

Each source groups cases in the database by display unit and month (or year for the median) — one GROUP BY —
and yields (display unit id, period end, value). A case counts for the display unit that its commune, else its
district, else its province maps to: the rule of reporting/sources.py. Only the first cycle of a case counts for
the timeliness figures: they measure the response to a report. Cases marked as duplicates never count.

| source                                         | kind  | counted at                 | value                         |
|------------------------------------------------|-------|----------------------------|-------------------------------|
| cases.received                                 | count | month of receipt           | cases received                |
| cases.children_supported[.<form>]              | count | month of first intervention| children given an emergency   |
|                                                |       |                            | measure or a service          |
| cases.emergency_within_12h                     | ratio | month of receipt           | serious-risk cases with a     |
|                                                |       |                            | measure within 12 h / those   |
|                                                |       |                            | whose 12 h are over           |
| cases.plan_within_5_working_days               | ratio | month of receipt           | plans made within 5 working   |
|                                                |       |                            | days / plans due (non-urgent) |
| cases.median_hours_to_first_intervention       | hours | year of receipt (to `end`) | median, one decimal           |

Ratio indicators fed by these should pool over time ("sum", Σnumerator / Σdenominator): the values are monthly.
"""

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case as When_
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from giamsat.plans.models import Plan
from giamsat.reporting import sources
from giamsat.reporting.achievement import Ratio
from giamsat.reporting.queries import source_map
from giamsat.units.models import Unit, UnitSuccession

from .choices import MAIN_HARMS
from .models import Case, CaseHarm
from .queries import RULES, SMALL_CELL, period_key

PREFIX = "cases."
MEDIAN = "cases.median_hours_to_first_intervention"


def _plan_area(indicator) -> Q:
    """The units of the indicator's plan's area: its issuer's unit and the old units it took over wholly
    (`source_map`), the units below them, and the units that took over part of them in the 2025 reform. Shown in
    today's units, a Bình Thuận plan totals under today's Lâm Đồng, whose communes include those of Đắk Nông and
    the old Lâm Đồng: their cases are not the plan's; a plan of today's Lâm Đồng has them all, before the reform
    too. (Reports need no such bound: only the plan's own requests count.)"""
    issuer = Plan.objects.filter(pk=indicator.plan_id).values_list("issuer__unit_id", flat=True).first()
    own = list(source_map([Unit(pk=issuer)])) if issuer else []
    below = Q(pk__in=own) | Q(parent_id__in=own) | Q(province_id__in=own)
    taken = Q(predecessor_id__in=own) | Q(predecessor__parent_id__in=own) | Q(predecessor__province_id__in=own)
    return below | Q(pk__in=UnitSuccession.objects.filter(taken).values("successor_id"))


def _shown_communes(mapping: dict[int, int], indicator=None) -> dict[int, int]:
    """The communes whose cases count, each with the display unit it counts for: the one its commune maps to,
    else its district's, else its province's. Only those of the plan's area when the indicator is given."""
    units = list(mapping)
    found = Unit.objects.filter(Q(pk__in=units) | Q(parent_id__in=units) | Q(province_id__in=units))
    if indicator is not None:
        found = found.filter(_plan_area(indicator))
    shown = {}
    for commune, parent, province in found.values_list("pk", "parent_id", "province_id"):
        for unit in (commune, parent, province):
            if unit in mapping:
                shown[commune] = mapping[unit]
                break
    return shown


def _display(shown: dict[int, int]) -> RawSQL | Value:
    """The display unit of a case, as one CASE over its commune id with the ids written out (integers read from
    the database): built as When() expressions, one per display unit and level, Django took about a second to
    compile them for the case indicators of one province's plan page."""
    if not shown:
        return Value(None, output_field=IntegerField())
    column = f"{connection.ops.quote_name(Case._meta.db_table)}.{connection.ops.quote_name('commune_id')}"
    whens = " ".join(f"WHEN {int(commune)} THEN {int(unit)}" for commune, unit in sorted(shown.items()))
    return RawSQL(f"CASE {column} {whens} END", [], output_field=IntegerField())  # noqa: S611 - integers only


def _cases(shown: dict[int, int]):
    return Case.objects.filter(duplicate_of__isnull=True, commune_id__in=list(shown))


def _between(field: str, start: datetime.date, end: datetime.date) -> Q:
    """From the first instant of `start` to before the first of the day after `end`, local time: the same days
    as `field__date` between them, without converting every row's time to a date (a Python function per row on
    SQLite, and no index on PostgreSQL)."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(**{f"{field}__gte": first, f"{field}__lt": after})


def _month(field: str, start: datetime.date, end: datetime.date) -> When_:
    """The local month (year × 100 + month) of `field`, for rows already filtered to start–end (`period_key`)."""
    tz = timezone.get_current_timezone()
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append((day.year * 100 + day.month, datetime.datetime(day.year, day.month, 1, tzinfo=tz)))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return period_key(field, months)


def _month_end(key: int, end: datetime.date) -> datetime.date:
    """The last day of the month `key` (year × 100 + month), or `end` if that comes first."""
    year, month = divmod(key, 100)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return min(following - datetime.timedelta(days=1), end)


def _monthly(
    indicator, mapping: dict[int, int], field, start: datetime.date, end: datetime.date, *conditions, **counts
):
    """`counts` per display unit and month of `field` (from start to end), over the cases that meet `conditions`.
    The database counts per commune and month and the communes are added up to their display units here (a few
    thousand rows): the display unit as a CASE over a province's hundreds of commune ids, evaluated for each of
    its cases, took 1.2 s for ten years of its 50,000 cases (python -m bench's SQLite data set)."""
    shown = _shown_communes(mapping, indicator)
    rows = (
        _cases(shown)
        .filter(_between(field, start, end), *conditions)
        .annotate(month=_month(field, start, end))
        .values("commune_id", "month")
        .annotate(**counts)
        .order_by()
    )
    totals: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in rows:
        totals[(shown[row["commune_id"]], row["month"])].update({name: row[name] for name in counts})
    for (display, month), row in totals.items():
        yield display, _month_end(month, end), row


def received(indicator, mapping, start, end):
    for display, period_end, row in _monthly(indicator, mapping, "received_at", start, end, n=Count("pk")):
        yield display, period_end, Decimal(row["n"])


def children_supported(indicator, mapping, start, end, harm: str | None = None):
    conditions = [Exists(CaseHarm.objects.filter(case=OuterRef("pk"), kind=harm))] if harm else []
    for display, period_end, row in _monthly(
        indicator, mapping, "first_intervention_at", start, end, *conditions, n=Count("pk")
    ):
        yield display, period_end, Decimal(row["n"])


def _on_time_share(rule, indicator, mapping, start, end):
    """Monthly on time / counted for one step, by the dashboards' rule (`queries.StepRule`)."""
    counted = rule.counted(timezone.now())
    for display, period_end, row in _monthly(
        indicator, mapping, "received_at", start, end, counted, n=Count("pk"), ok=Count("pk", filter=rule.on_time())
    ):
        yield display, period_end, Ratio(row["ok"], row["n"])


def emergency_within_12h(indicator, mapping, start, end):
    return _on_time_share(RULES["emergency"], indicator, mapping, start, end)


def plan_within_5_working_days(indicator, mapping, start, end):
    return _on_time_share(RULES["plan"], indicator, mapping, start, end)


def median_hours_to_first_intervention(indicator, mapping, start, end):
    """The median per display unit and year, found by the database: each case is numbered within its group by its
    delay (a window function) and only the one or two middle cases per group are read. None of fewer than 3 cases:
    it would be one child's delay, which the cases dashboard hides too (`dashboard.median_shown`)."""
    groups = ["display", "year"]  # Case.year is the (local) year of receipt
    shown = _shown_communes(mapping, indicator)
    ranked = (
        _cases(shown)
        .annotate(display=_display(shown))
        .filter(_between("received_at", start, end), minutes_to_intervention__isnull=False)
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F(g) for g in groups], order_by=F("minutes_to_intervention").asc()
            ),
            size=Window(Count("pk"), partition_by=[F(g) for g in groups]),
        )
    )
    middle = ranked.filter(
        Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2), size__gte=SMALL_CELL
    ).values_list("display", "year", "minutes_to_intervention")
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    for display, year, minutes in middle:
        if display is not None:
            found[(display, year)].append(minutes)
    for (display, year), minutes in sorted(found.items()):
        hours = Decimal(sum(minutes)) / len(minutes) / 60
        yield display, min(datetime.date(year, 12, 31), end), hours.quantize(Decimal("0.1"), ROUND_HALF_UP)


NAMES = {
    "cases.received": received,
    "cases.children_supported": children_supported,
    "cases.emergency_within_12h": emergency_within_12h,
    "cases.plan_within_5_working_days": plan_within_5_working_days,
    MEDIAN: median_hours_to_first_intervention,
}


def _by_harm(harm: str):
    def source(indicator, mapping, start, end):
        return children_supported(indicator, mapping, start, end, harm=harm)

    source.__name__ = f"children_supported_{harm}"
    return source


def register_all() -> None:
    """Fill the registry once (apps.ready may run more than once in tests)."""
    wanted = dict(NAMES)
    for harm in MAIN_HARMS:
        wanted[f"cases.children_supported.{harm}"] = _by_harm(harm)
    for name, function in wanted.items():
        if sources.get(name) is None:
            sources.register(name)(function)
