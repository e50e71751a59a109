"""The cases dashboard's numbers: counts (through `queries.statistics`), each legal step's on-time share and the
median time from receipt to first intervention, per year or quarter of receipt. Pseudonymous: only counts leave
the database, and small counts are suppressed for people who may not see the cases (`queries.suppress`).

Every figure is one GROUP BY (or, for the median, one windowed query reading the middle rows); nothing loops over
cases in Python. Only the first cycle counts, as in `queries.timeliness` and the plan indicators: it measures the
response to a report. Cases marked as duplicates never count."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import ExtractQuarter, ExtractYear, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from giamsat.accounts.jurisdiction import jurisdiction_of
from giamsat.core.querysets import within_units
from giamsat.units.models import Unit

from . import queries
from .choices import AgeGroup, Channel, Harm, Sex
from .models import Case

YEAR, QUARTER = "year", "quarter"
STEPS_OVER_TIME = (YEAR, QUARTER)


@dataclass(frozen=True)
class StepRule:
    """A legal step whose due and done times the clock stores for the first cycle (Case.*_due_at / *_at). A case
    counts for the step once the step has fallen due or been done; it is on time when done by its due time."""

    key: str
    label: str
    short: str  # for chart legends and column headings
    applies: Q
    due: str
    done: str

    def counted(self, now: datetime.datetime) -> Q:
        return self.applies & (Q(**{f"{self.due}__lte": now}) | Q(**{f"{self.done}__isnull": False}))

    def on_time(self) -> Q:
        return Q(**{f"{self.done}__lte": F(self.due)})


# Emergency and plan are defined exactly as `queries.timeliness` defines them (their totals agree); the plan after
# an emergency measure and the approval complete the steps whose due times are stored. Forwarding, the
# assessments and reviews have no stored due time (their limits come from CaseSettings at the time), so they are
# shown on each case's clock but not aggregated here.
STEP_RULES = [
    StepRule(
        "emergency",
        gettext_lazy("Biện pháp khẩn cấp trong 12 giờ (nguy cơ cao)"),
        gettext_lazy("Khẩn cấp 12 giờ"),
        Q(emergency_required=True),
        "emergency_due_at",
        "emergency_at",
    ),
    StepRule(
        "plan",
        gettext_lazy("Kế hoạch hỗ trợ trong 5 ngày làm việc (trừ khẩn cấp)"),
        gettext_lazy("Kế hoạch 5 ngày"),
        Q(emergency_required=False, plan_due_at__isnull=False),
        "plan_due_at",
        "plan_at",
    ),
    StepRule(
        "plan_after_emergency",
        gettext_lazy("Kế hoạch hỗ trợ sau biện pháp khẩn cấp"),
        gettext_lazy("Kế hoạch sau khẩn cấp"),
        Q(emergency_required=True, plan_due_at__isnull=False),
        "plan_due_at",
        "plan_at",
    ),
    StepRule(
        "approval",
        gettext_lazy("Phê duyệt kế hoạch (7 ngày làm việc; sau khẩn cấp theo thiết lập)"),
        pgettext_lazy("bước", "Phê duyệt"),
        Q(approval_due_at__isnull=False),
        "approval_due_at",
        "approved_at",
    ),
]


@dataclass
class Share:
    on_time: int = 0
    counted: int = 0

    @property
    def percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(100) * self.on_time / self.counted).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class PeriodRow:
    key: tuple[int, int]  # (year, quarter); quarter 0 for a whole year
    received: int = 0
    steps: dict[str, Share] = field(default_factory=dict)
    intervened: int = 0  # cases with a first intervention, the median's population
    median_hours: Decimal | None = None

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
    fields = {"p_year": ExtractYear("received_at")}
    if step == QUARTER:
        fields["p_quarter"] = ExtractQuarter("received_at")
    return fields


def _key(row: dict) -> tuple[int, int]:
    return row["p_year"], row.get("p_quarter", 0)


def over_time(cases, step: str = YEAR, now: datetime.datetime | None = None) -> list[PeriodRow]:
    """Per year (or quarter) of receipt: cases received, each step's on-time share, the median hours to the first
    intervention. Two queries: one GROUP BY for the counts, one windowed query for the medians."""
    now = now or timezone.now()
    fields = _period_fields(step)
    groups = list(fields)
    aggregates = {"received": Count("pk"), "intervened": Count("pk", filter=Q(minutes_to_intervention__isnull=False))}
    for rule in STEP_RULES:
        aggregates[f"{rule.key}_n"] = Count("pk", filter=rule.counted(now))
        aggregates[f"{rule.key}_ok"] = Count("pk", filter=rule.counted(now) & rule.on_time())
    rows = {}
    for row in cases.annotate(**fields).values(*groups).annotate(**aggregates).order_by(*groups):
        rows[_key(row)] = PeriodRow(
            _key(row),
            row["received"],
            {r.key: Share(row[f"{r.key}_ok"], row[f"{r.key}_n"]) for r in STEP_RULES},
            row["intervened"],
        )
    for key, hours in medians(cases, step).items():
        rows[key].median_hours = hours
    return [rows[key] for key in sorted(rows)]


def medians(cases, step: str = YEAR) -> dict[tuple[int, int], Decimal]:
    """Median hours from receipt to first intervention per period, found by the database as the plan indicator
    does (cases/sources.py): ROW_NUMBER() and COUNT() windows over each period, ordered by the delay, and only
    the one or two middle rows read back (portable SQL: SQLite 3.25+ and PostgreSQL)."""
    fields = _period_fields(step)
    partition = [F(name) for name in fields]
    ranked = (
        cases.filter(minutes_to_intervention__isnull=False)
        .annotate(**fields)
        .annotate(
            position=Window(RowNumber(), partition_by=partition, order_by=[F("minutes_to_intervention").asc()]),
            size=Window(Count("pk"), partition_by=partition),
        )
    )
    middle = ranked.filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2)).values(
        *fields, "minutes_to_intervention"
    )
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in middle:
        found[_key(row)].append(row["minutes_to_intervention"])
    return {key: median_hours(minutes) for key, minutes in found.items()}


def median_hours(middle_minutes: list[int]) -> Decimal:
    """The mean of the one or two middle delays, in hours with one decimal."""
    return (Decimal(sum(middle_minutes)) / len(middle_minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def step_totals(cases, now: datetime.datetime | None = None, timely: dict | None = None) -> dict[str, Share]:
    """Each step's on-time share over the whole range: emergency and plan from `queries.timeliness`, the others
    in one aggregate."""
    now = now or timezone.now()
    timely = timely or queries.timeliness(cases)
    totals = {
        "emergency": Share(timely["emergency"]["ok"], timely["emergency"]["n"]),
        "plan": Share(timely["plan"]["ok"], timely["plan"]["n"]),
    }
    rest = [r for r in STEP_RULES if r.key not in totals]
    aggregates = {}
    for rule in rest:
        aggregates[f"{rule.key}_n"] = Count("pk", filter=rule.counted(now))
        aggregates[f"{rule.key}_ok"] = Count("pk", filter=rule.counted(now) & rule.on_time())
    found = cases.aggregate(**aggregates)
    for rule in rest:
        totals[rule.key] = Share(found[f"{rule.key}_ok"], found[f"{rule.key}_n"])
    return {rule.key: totals[rule.key] for rule in STEP_RULES}


# ------------------------------------------------------------------------------------------------ the whole


def small_counts_hidden(user) -> bool:
    """Whether counts below 3 are hidden from this user: the cases statistics page's rule (those who may not
    see the cases themselves, and administrators, who see counts but not children)."""
    return not user.can("cases.view") or user.sees_all


def shown_count(n: int, small: bool) -> int | str:
    return queries.suppress(n, small)


def share_shown(share: Share, small: bool) -> tuple[int | None, int | str, Decimal | None]:
    """On time, counted, percent as shown. When the share would give a small count away (`hidden_share`), only
    the number counted is shown."""
    if hidden_share(share.on_time, share.counted, small):
        return None, shown_count(share.counted, small), None
    return share.on_time, share.counted, share.percent


def unit_for(user, wanted) -> Unit | None:
    """The unit a dashboard is narrowed to: None for the whole jurisdiction; 404 for a unit outside it."""
    wanted = str(wanted or "")
    if not wanted:
        return None
    unit = Unit.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if unit is None or not user.jurisdiction.covers(unit):
        raise Http404
    return unit


def hidden_share(on_time: int, counted: int, small: bool) -> bool:
    """A share (or a median) is hidden when its population is below 3, or when it would give away a hidden count:
    the on-time or the late number being 1 or 2."""
    if not small:
        return False
    late = counted - on_time
    return counted < queries.SMALL_CELL or 0 < on_time < queries.SMALL_CELL or 0 < late < queries.SMALL_CELL


KEYED = {"harm": Harm, "channel": Channel, "age": AgeGroup, "sex": Sex}


@dataclass
class Counts:
    """One table of counts: (key, label, count) rows; key is empty for units (named, not coded)."""

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


def dashboard(cases, *, unit_level: str = "commune", step: str = YEAR) -> Dashboard:
    """Everything the page, its downloads and the API show, from the same queries."""
    stats = queries.statistics(cases, unit_level=unit_level)
    tables = []
    for name in ("harm", "channel", "unit", "age", "sex"):
        table = stats[name]
        keys = {str(label): key for key, label in KEYED[name].choices} if name in KEYED else {}
        tables.append(
            Counts(name, str(table.title), [(keys.get(str(label), ""), str(label), n) for label, n in table.rows])
        )
    timely = queries.timeliness(cases)
    return Dashboard(
        total=stats["total"],
        tables=tables,
        steps=step_totals(cases, timely=timely),
        periods=over_time(cases, step),
        median_hours=overall_median(cases),
        delays=timely["delays"],
    )


def overall_median(cases) -> Decimal | None:
    """The median over the whole range, with the same windowed query partitioned by nothing."""
    ranked = cases.filter(minutes_to_intervention__isnull=False).annotate(
        position=Window(RowNumber(), order_by=[F("minutes_to_intervention").asc()]),
        size=Window(Count("pk")),
    )
    middle = list(
        ranked.filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2)).values_list(
            "minutes_to_intervention", flat=True
        )
    )
    return median_hours(middle) if middle else None
