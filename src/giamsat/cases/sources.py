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
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from giamsat.reporting import sources
from giamsat.reporting.achievement import Ratio
from giamsat.units.models import Unit

from .choices import MAIN_HARMS
from .models import Case, CaseHarm
from .queries import RULES

PREFIX = "cases."


def _shown_communes(mapping: dict[int, int]) -> dict[int, int]:
    """The communes whose cases count, each with the display unit it counts for: the one its commune maps to,
    else its district's, else its province's."""
    units = list(mapping)
    found = Unit.objects.filter(Q(pk__in=units) | Q(parent_id__in=units) | Q(province_id__in=units))
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


def _cases(mapping: dict[int, int]):
    shown = _shown_communes(mapping)
    return Case.objects.filter(duplicate_of__isnull=True, commune_id__in=list(shown)).annotate(display=_display(shown))


def _between(field: str, start: datetime.date, end: datetime.date) -> Q:
    """From the first instant of `start` to before the first of the day after `end`, local time: the same days
    as `field__date` between them, without converting every row's time to a date (a Python function per row on
    SQLite, and no index on PostgreSQL)."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(**{f"{field}__gte": first, f"{field}__lt": after})


def _month_end(day) -> datetime.date:
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _monthly(queryset, field: str, end: datetime.date, **aggregates):
    rows = (
        queryset.annotate(month=TruncMonth(field, tzinfo=timezone.get_default_timezone()))
        .values("display", "month")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        if row["display"] is not None:
            yield row["display"], min(_month_end(row["month"]), end), row


def received(indicator, mapping, start, end):
    qs = _cases(mapping).filter(_between("received_at", start, end))
    for display, period_end, row in _monthly(qs, "received_at", end, n=Count("pk")):
        yield display, period_end, Decimal(row["n"])


def children_supported(indicator, mapping, start, end, harm: str | None = None):
    qs = _cases(mapping).filter(_between("first_intervention_at", start, end))
    if harm:
        qs = qs.filter(Exists(CaseHarm.objects.filter(case=OuterRef("pk"), kind=harm)))
    for display, period_end, row in _monthly(qs, "first_intervention_at", end, n=Count("pk")):
        yield display, period_end, Decimal(row["n"])


def _on_time_share(rule, mapping, start, end):
    """Monthly on time / counted for one step, by the dashboards' rule (`queries.StepRule`)."""
    now = timezone.now()
    qs = _cases(mapping).filter(_between("received_at", start, end)).filter(rule.counted(now))
    for display, period_end, row in _monthly(
        qs, "received_at", end, n=Count("pk"), ok=Count("pk", filter=rule.on_time())
    ):
        yield display, period_end, Ratio(row["ok"], row["n"])


def emergency_within_12h(indicator, mapping, start, end):
    return _on_time_share(RULES["emergency"], mapping, start, end)


def plan_within_5_working_days(indicator, mapping, start, end):
    return _on_time_share(RULES["plan"], mapping, start, end)


def median_hours_to_first_intervention(indicator, mapping, start, end):
    """The median per display unit and year, found by the database: each case is numbered within its group by its
    delay (a window function) and only the one or two middle cases per group are read."""
    groups = ["display", "year"]  # Case.year is the (local) year of receipt
    ranked = (
        _cases(mapping)
        .filter(_between("received_at", start, end), minutes_to_intervention__isnull=False)
        .annotate(
            position=Window(
                RowNumber(), partition_by=[F(g) for g in groups], order_by=F("minutes_to_intervention").asc()
            ),
            size=Window(Count("pk"), partition_by=[F(g) for g in groups]),
        )
    )
    middle = ranked.filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2)).values_list(
        "display", "year", "minutes_to_intervention"
    )
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
    "cases.median_hours_to_first_intervention": median_hours_to_first_intervention,
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
