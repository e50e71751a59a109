"""The cases dashboard's numbers: counts (through `queries.statistics`), each legal step's on-time share and the
median time from receipt to first intervention, per year or quarter of receipt. Pseudonymous: only counts leave
the database, and small counts, with the cells that would give them away, are hidden from people who may not
see the cases (`shown`).

Every figure is one GROUP BY (or, for the median, one windowed query reading the middle rows); nothing loops over
cases in Python. Only the first cycle counts, as in the plan indicators (cases/sources.py): it measures the
response to a report. Cases marked as duplicates never count."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.accounts.jurisdiction import jurisdiction_of
from giamsat.core.formatting import share_percent
from giamsat.core.params import as_id
from giamsat.core.querysets import within_units
from giamsat.core.text import vietnamese_order
from giamsat.units.models import REFORM_DATE, Unit

from . import queries
from .choices import AgeGroup, Channel, Harm, Sex
from .models import Case

YEAR, QUARTER = "year", "quarter"
STEPS_OVER_TIME = (YEAR, QUARTER)


STEP_RULES = queries.STEP_RULES


@dataclass
class Share:
    on_time: int = 0
    counted: int = 0

    @property
    def percent(self) -> Decimal | None:
        return share_percent(self.on_time, self.counted)


@dataclass
class PeriodRow:
    key: tuple[int, int]  # (year, quarter); quarter 0 for a whole year
    received: int = 0
    steps: dict[str, Share] = field(default_factory=dict)
    intervened: int = 0  # cases with a first intervention, the median's population
    median_hours: Decimal | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # queries.keyed_counts of the period's cases

    @property
    def label(self) -> str:
        year, quarter = self.key
        if quarter:
            return _("Quý %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
        return str(year)


def counted_cases(user, *, unit=None, start: datetime.date | None = None, end: datetime.date | None = None):
    """The cases a user's statistics count (their whole jurisdiction, or one unit's subtree in it, including the
    legacy units it took over), received between two local days inclusive; duplicates left out."""
    cases = Case.objects.for_statistics(user).filter(duplicate_of__isnull=True)
    if unit is not None:
        cases = cases.filter(within_units(jurisdiction_of(unit), "commune__"))
    tz = timezone.get_current_timezone()
    if start is not None:
        cases = cases.filter(received_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz))
    if end is not None:
        after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        cases = cases.filter(received_at__lt=after)
    return cases


def _period_fields(step: str) -> dict:
    return {"p_period": queries.received_period(quarters=step == QUARTER)}


def _key(row: dict) -> tuple[int, int]:
    """(year, quarter), quarter 0 for a whole year."""
    period = row["p_period"]
    return divmod(period, 10) if period >= 10_000 else (period, 0)


def over_time(
    cases, step: str = YEAR, now: datetime.datetime | None = None, span: tuple = (None, None)
) -> tuple[list[PeriodRow], Decimal | None]:
    """Per year (or quarter) of receipt: cases received, each step's on-time share, the median hours to the first
    intervention, and the channel, sex, age and delay-reason counts; and the median over the whole range. Two
    queries: one GROUP BY for the counts, one windowed query for the medians. `span`: the days the user chose
    (either may be None), whose periods are listed even without a case."""
    now = now or timezone.now()
    fields = _period_fields(step)
    groups = list(fields)
    aggregates = {"received": Count("pk"), "intervened": Count("pk", filter=Q(minutes_to_intervention__isnull=False))}
    aggregates.update(queries.step_aggregates(STEP_RULES, now))
    aggregates.update(queries.keyed_aggregates())
    grouped = cases.annotate(**fields, age=queries.age_group_expression()).values(*groups).annotate(**aggregates)
    rows = {}
    for row in grouped.order_by(*groups):
        if not row["received"]:  # no case at all: the grouping by a constant still gives one row
            continue
        rows[_key(row)] = PeriodRow(
            _key(row),
            row["received"],
            {r.key: Share(row[f"{r.key}_ok"], row[f"{r.key}_n"]) for r in STEP_RULES},
            row["intervened"],
            counts=queries.keyed_counts(row),
        )
    by_period, overall = medians(cases, fields)
    for key, hours in by_period.items():
        rows[key].median_hours = hours
    # Every period from the first to the last (case or chosen day), those without a case too: the chart spaces its
    # labels evenly, so 2023 followed by 2026 read as consecutive years. Not across a span longer than
    # MAX_FILLED_PERIODS (a year mistyped a century early would make hundreds of empty rows): the periods with
    # cases then. No case at all: no period.
    chosen = {(day.year, (day.month - 1) // 3 + 1 if step == QUARTER else 0) for day in span if day is not None}
    keys = _periods_between(rows.keys() | chosen) if rows else []
    if len(keys) > MAX_FILLED_PERIODS:
        keys = sorted(rows)
    return [rows.get(key) or PeriodRow(key, steps={r.key: Share() for r in STEP_RULES}) for key in keys], overall


MAX_FILLED_PERIODS = 48


def _periods_between(keys) -> list[tuple[int, int]]:
    """The (year, quarter) keys from the smallest of `keys` to the largest, each year or each quarter."""
    if not keys:
        return []
    (year, quarter), (last_year, last_quarter) = min(keys), max(keys)
    if not quarter:
        return [(y, 0) for y in range(year, last_year + 1)]
    return [(i // 4, i % 4 + 1) for i in range(year * 4 + quarter - 1, last_year * 4 + last_quarter)]


def medians(cases, fields: dict) -> tuple[dict[tuple[int, int], Decimal], Decimal | None]:
    """Median hours from receipt to first intervention per period (`fields`: the periods as `over_time` found
    them) and over all the cases, found by the database as the plan indicator does (cases/sources.py): ROW_NUMBER()
    and COUNT() windows over each period and over everything, ordered by the delay, and only the rows in the middle
    of either read back (portable SQL: SQLite 3.25+ and PostgreSQL). One pass over the cases for both."""
    partition = [F(name) for name in fields]
    order = [F("minutes_to_intervention").asc()]
    ranked = (
        cases.filter(minutes_to_intervention__isnull=False)
        .annotate(**fields)
        .annotate(
            position=Window(RowNumber(), partition_by=partition, order_by=order),
            size=Window(Count("pk"), partition_by=partition),
            position_all=Window(RowNumber(), order_by=order),
            size_all=Window(Count("pk")),
        )
    )
    middle = ranked.filter(
        Q(position=(F("size") + 1) / 2)
        | Q(position=(F("size") + 2) / 2)
        | Q(position_all=(F("size_all") + 1) / 2)
        | Q(position_all=(F("size_all") + 2) / 2)
    ).values(*fields, "minutes_to_intervention", "position", "size", "position_all", "size_all")
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    whole: list[int] = []
    for row in middle:
        minutes = row["minutes_to_intervention"]
        if _in_middle(row["position"], row["size"]):
            found[_key(row)].append(minutes)
        if _in_middle(row["position_all"], row["size_all"]):
            whole.append(minutes)
    return {key: median_hours(minutes) for key, minutes in found.items()}, (median_hours(whole) if whole else None)


def _in_middle(position: int, size: int) -> bool:
    """Whether a row is the middle one of `size` ordered rows, or one of the two middle ones."""
    return position in ((size + 1) // 2, (size + 2) // 2)


def median_hours(middle_minutes: list[int]) -> Decimal:
    """The mean of the one or two middle delays, in hours with one decimal."""
    return (Decimal(sum(middle_minutes)) / len(middle_minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def totals_of(periods: list[PeriodRow]) -> dict[str, Share]:
    """Each step's on-time share over the whole range: the periods' shares added up. Every case of the range lies
    in exactly one period, counted at the same instant, so no second pass over the cases is needed."""
    return {
        rule.key: Share(
            sum(p.steps[rule.key].on_time for p in periods), sum(p.steps[rule.key].counted for p in periods)
        )
        for rule in STEP_RULES
    }


# ------------------------------------------------------------------------------------------------ the whole


def small_counts_hidden(user) -> bool:
    """Whether counts below 3 are hidden from this user: the cases statistics page's rule (those who may not
    see the cases themselves, and administrators, who see counts but not children)."""
    return not user.can("cases.view") or user.sees_all


def units_today(user, asked: str | None, end: datetime.date | None) -> bool:
    """Whether the units' table is in today's units ("today") or in those the cases were recorded in ("recorded"):
    as asked, else today's unless every case counted was received before the 2025 reform. Never today's for those
    from whom small counts are hidden: the same cases in both lists of units give hidden counts away by
    subtraction (a new commune's row against the recorded rows of the old communes it took over)."""
    if small_counts_hidden(user):
        return False
    if asked in ("today", "recorded"):
        return asked == "today"
    return end is None or end >= REFORM_DATE


# Why those from whom small counts are hidden cannot choose the days of receipt (review of 02/12/2026): the
# tables up to 01/12 against those of every day gave the one case of 02/12 (a boy, hotline 111, neglect), and a
# range whose total was hidden listed three hidden rows beside a total of 3 shown elsewhere (one each). Hiding
# cannot be kept consistent across ranges the user chooses; the periods' table gives each year and quarter.
NO_DAYS = gettext_lazy(
    "Người không xem được hồ sơ vụ việc xem số liệu của mọi ngày tiếp nhận, không lọc theo ngày: so sánh hai khoảng "
    "ngày sẽ để lộ các số dưới 3 đã ẩn. Bảng theo thời gian cho số liệu từng năm, từng quý."
)


def days_chosen(user) -> bool:
    """Whether a user may narrow the cases counted to days of receipt: not those from whom small counts are
    hidden (`NO_DAYS`)."""
    return not small_counts_hidden(user)


def unit_levels(user) -> tuple[str, ...]:
    """The levels of the units table a user may have, the default first. The districts alone for those from whom
    small counts are hidden: a commune's count is mostly 1 or 2, and the communes' rows against the districts'
    totals gave the hidden ones away (a commune has a row only if it has a case); so would the districts' rows
    against their provinces' (three hidden districts of a province of 3 cases: one each)."""
    return ("district",) if small_counts_hidden(user) else ("commune", "district", "province")


def unit_for(user, wanted) -> Unit | None:
    """The unit a dashboard is narrowed to: None for the whole jurisdiction; 404 for a unit outside it, and for any
    unit to those from whom small counts are hidden. Narrowed, a unit's breakdown subtracted from the area's gave
    the breakdown of the rest, small counts and all (review of 02/12/2026: an area of two provinces, 20 and 3 cases,
    narrowed to the 20, gave the 3's sexes, ages, forms and late plan one by one); their units table is the way to
    a unit's count."""
    wanted = str(wanted or "")
    if not wanted:
        return None
    unit = Unit.objects.filter(pk=unit_id).first() if (unit_id := as_id(wanted)) else None
    if unit is None or not user.jurisdiction.covers(unit) or small_counts_hidden(user):
        raise Http404
    return unit


def hidden_share(on_time: int, counted: int, small: bool) -> bool:
    """A share is hidden when its population is below 3, or when it would give away a small count: the on-time
    or the late number being 1 or 2."""
    if not small:
        return False
    late = counted - on_time
    return counted < queries.SMALL_CELL or 0 < on_time < queries.SMALL_CELL or 0 < late < queries.SMALL_CELL


def median_shown(median: Decimal | None, population: int, small: bool) -> Decimal | None:
    """A median is hidden when fewer than 3 cases make it (it would be one of their delays)."""
    return None if small and population < queries.SMALL_CELL else median


KEYED = {"harm": Harm, "channel": Channel, "age": AgeGroup, "sex": Sex}


@dataclass
class Counts:
    """One table of counts: (key, label, count) rows; the key is the choice's value, or the unit's id."""

    name: str
    title: str
    rows: list[tuple[str, str, int]]


@dataclass
class Dashboard:
    total: int
    tables: list[Counts]
    steps: dict[str, Share]
    periods: list[PeriodRow]
    median_hours: Decimal | None
    delays: dict[str, int]

    @property
    def intervened(self) -> int:
        return sum(p.intervened for p in self.periods)


def dashboard(
    cases,
    *,
    unit_level: str = "commune",
    units_today: bool = False,
    step: str = YEAR,
    now: datetime.datetime | None = None,
    harms: bool = True,
    span: tuple = (None, None),
    area=None,
) -> Dashboard:
    """Everything the page, its downloads and the API show, from the same queries: four passes over the cases
    (the GROUP BY by period, the medians, the harms, the units; in today's units with `units_today`). Without
    `harms` the forms table is empty: a headline needs no forms, and hiding small counts does not depend on them
    (a case may have several forms, so their table does not add up to the total, see `shown`). `area`: the viewer's
    jurisdiction, for today's units it covers only in part (`queries.statistics`)."""
    cases = cases.filter(duplicate_of__isnull=True)
    now = now or timezone.now()  # the same instant for the whole range and its periods, so they add up
    periods, median = over_time(cases, step, now, span)
    counts: dict[str, Counter] = defaultdict(Counter)
    for period in periods:
        for name, found in period.counts.items():
            counts[name].update(found)
    stats = queries.statistics(cases, counts, unit_level=unit_level, harms=harms, units_today=units_today, area=area)
    tables = []
    for name in ("harm", "channel", "unit", "age", "sex"):
        table = stats[name]
        if table.keys is None:
            keys = {str(label): key for key, label in KEYED[name].choices}
            row_keys = [keys[str(label)] for label, _n in table.rows]
        else:
            row_keys = table.keys
        # A unit's name keeps its mark (`Vietnamese`); the choices' labels are made plain text in the language.
        rows = [
            (key, label if isinstance(label, str) else str(label), n)
            for key, (label, n) in zip(row_keys, table.rows, strict=True)
        ]
        tables.append(Counts(name, str(table.title), rows))
    return Dashboard(
        total=sum(p.received for p in periods),
        tables=tables,
        steps=totals_of(periods),
        periods=periods,
        median_hours=median,
        delays={reason: n for reason, n in counts["delay"].items() if n},
    )


# ------------------------------------------------------------------------------------ what a viewer is shown

# Every hidden cell carries the same marker, so a cell hidden to protect another cannot be told from a small one.
HIDDEN = gettext_lazy("ẩn")
# Tables that add up to the total (a case has one channel, unit, age group and sex); forms do not (a case may
# have several) and neither do the delay reasons.
SUMMING = ("channel", "unit", "age", "sex")


@dataclass
class ShownShare:
    on_time: int | str
    counted: int | str
    percent: Decimal | None


@dataclass
class ShownPeriod:
    label: str
    key: tuple[int, int]
    received: int | str
    steps: dict[str, ShownShare]
    intervened: int | str
    median_hours: Decimal | None


@dataclass
class Shown:
    """The dashboard as one viewer may see it: the only source of the page, its downloads, the index panel and
    both APIs. A hidden count is the text `HIDDEN` (the API sends null); a hidden share or median is None."""

    total: int | str
    tables: list[Counts]
    steps: dict[str, ShownShare]
    periods: list[ShownPeriod]
    intervened: int | str
    median_hours: Decimal | None
    delays: list[tuple[str, int | str]]
    withheld: bool = False  # nothing broken down (see `shown`)


def complement(columns: list[tuple[list[int], int]], hidden: set[int]) -> bool:
    """Secondary suppression. `columns` are (cells, least value a hidden cell can have) of rows whose cells add
    up to a shown total, column by column; `hidden` holds the rows already hidden and grows, smallest non-zero
    rows of the first column first, until subtraction from the total pins no hidden cell: k hidden cells adding
    up to S each lie between the least value m and S - (k - 1)m, more than one value when k >= 2 and S > k·m.
    Returns True when no row is left to hide: then the total must be hidden too."""
    first = columns[0][0]

    def safe() -> bool:
        k = len(hidden)
        return k >= 2 and all(sum(cells[i] for i in hidden) > least * k for cells, least in columns)

    while hidden and not safe():
        others = [i for i, n in enumerate(first) if i not in hidden and n > 0]
        if not others:
            return True
        hidden.add(min(others, key=lambda i: (first[i], i)))
    return False


def _small(n: int) -> bool:
    return 0 < n < queries.SMALL_CELL


def _years_of_quarters(periods: list[PeriodRow]) -> list[list[int]]:
    """The positions of each year's quarters; none when the periods are years."""
    years: dict[int, list[int]] = defaultdict(list)
    for i, period in enumerate(periods):
        year, quarter = period.key
        if quarter:
            years[year].append(i)
    return list(years.values())


def _against_years(years: list[list[int]], columns: list[tuple[list[int], int]], hidden: set[int]) -> None:
    """Quarters add up to their year, which the year step shows: each year's quarters are concealed against it as
    cells against a total (`complement`; where that cannot be, its every quarter with a figure), and once one is
    hidden, its empty quarters too: a hidden quarter is otherwise at least 1, and three hidden quarters of a year
    of 3 were one case each. `hidden` grows in place."""
    first = columns[0][0]
    for positions in years:
        inside = {j for j, i in enumerate(positions) if i in hidden}
        if not inside:
            continue
        if complement([([cells[i] for i in positions], least) for cells, least in columns], inside):
            inside |= {j for j, i in enumerate(positions) if first[i]}
        hidden |= {positions[j] for j in inside} | {i for i in positions if not first[i]}


def shown(dash: Dashboard, small: bool) -> Shown:
    """Apply the small-count rule (`small_counts_hidden`): counts of 1 or 2 hidden, shares and medians of fewer
    than 3 cases or giving away a late or on-time count of 1 or 2 hidden; then, in every table whose cells add
    up to a shown total (the count tables and the headline total; the periods and their whole-range row; each
    step's counts across the periods), enough further cells, or the total, so that none can be found by
    subtraction. A period whose count is hidden shows none of its figures, and a median shows only beside its
    count: a median needs 3 cases, so it would tell that a hidden count is not 1 or 2. With one or two cases in
    all, nothing is broken down."""
    mark = str(HIDDEN)

    def cell(n: int, hide: bool) -> int | str:
        return mark if hide else n

    def share(value: Share, hide: bool) -> ShownShare:
        if hide:
            return ShownShare(mark, mark, None)
        return ShownShare(value.on_time, value.counted, value.percent)

    if small and _small(dash.total):
        # One or two cases: even which rows exist would describe them.
        hidden_share_ = ShownShare(mark, mark, None)
        empty = [Counts(t.name, t.title, []) for t in dash.tables]
        return Shown(mark, empty, {r.key: hidden_share_ for r in STEP_RULES}, [], mark, None, [], withheld=True)

    hidden = {t.name: {i for i, row in enumerate(t.rows) if small and _small(row[2])} for t in dash.tables}
    hidden["periods"] = {i for i, p in enumerate(dash.periods) if small and _small(p.received)}
    cells = {t.name: [row[2] for row in t.rows] for t in dash.tables}
    cells["periods"] = [p.received for p in dash.periods]
    summing = [*SUMMING, "periods"]
    total_hidden = any(complement([(cells[name], 1)], hidden[name]) for name in summing)
    if total_hidden:
        # Any table left whole would give the hidden total back.
        for name in summing:
            if not hidden[name] and cells[name]:
                hidden[name].add(min(range(len(cells[name])), key=lambda i: (cells[name][i], i)))
                complement([(cells[name], 1)], hidden[name])
    years = _years_of_quarters(dash.periods)
    _against_years(years, [(cells["periods"], 1)], hidden["periods"])  # after the whole range's, as below
    quiet = hidden["periods"]  # periods whose every figure is hidden

    intervened = [p.intervened for p in dash.periods]
    hidden_intervened = {i for i, n in enumerate(intervened) if small and _small(n)} | quiet
    whole_intervened_hidden = (small and _small(dash.intervened)) or complement([(intervened, 1)], hidden_intervened)
    _against_years(years, [(intervened, 1)], hidden_intervened)  # after: the whole range's may hide a quarter more

    step_hidden: dict[str, set[int]] = {}
    whole_step_hidden: dict[str, bool] = {}
    for rule in STEP_RULES:
        shares = [p.steps[rule.key] for p in dash.periods]
        step_hidden[rule.key] = {
            i for i, s in enumerate(shares) if s.counted and hidden_share(s.on_time, s.counted, small)
        } | quiet
        columns = [
            ([s.counted for s in shares], 1),
            ([s.on_time for s in shares], 0),
            ([s.counted - s.on_time for s in shares], 0),
        ]
        whole = dash.steps[rule.key]
        whole_step_hidden[rule.key] = bool(whole.counted and hidden_share(whole.on_time, whole.counted, small))
        if complement(columns, step_hidden[rule.key]):
            whole_step_hidden[rule.key] = True
        _against_years(years, columns, step_hidden[rule.key])

    periods = [
        ShownPeriod(
            p.label,
            p.key,
            cell(p.received, i in hidden["periods"]),
            {r.key: share(p.steps[r.key], i in step_hidden[r.key]) for r in STEP_RULES},
            cell(p.intervened, i in hidden_intervened),
            None if i in hidden_intervened else median_shown(p.median_hours, p.intervened, small),
        )
        for i, p in enumerate(dash.periods)
    ]
    tables = [
        Counts(t.name, t.title, [(k, label, cell(n, i in hidden[t.name])) for i, (k, label, n) in enumerate(t.rows)])
        for t in dash.tables
    ]
    if small:
        # By name: ranked by count, the hidden rows' order gave their counts away (eight hidden districts adding up
        # to 12, the first four before the alphabet started again: 2, 2, 2, 2 and 1, 1, 1, 1).
        for table in tables:
            if table.name == "unit":
                table.rows.sort(key=lambda row: vietnamese_order(row[1]))
    return Shown(
        total=cell(dash.total, total_hidden),
        tables=tables,
        steps={r.key: share(dash.steps[r.key], whole_step_hidden[r.key]) for r in STEP_RULES},
        periods=periods,
        intervened=cell(dash.intervened, whole_intervened_hidden),
        median_hours=None if whole_intervened_hidden else median_shown(dash.median_hours, dash.intervened, small),
        delays=[(k, cell(n, small and _small(n))) for k, n in dash.delays.items()],
    )
