"""Reads about cases that are more than a filter: the clock's labels, lists of overdue steps, statistics. Counts
are aggregated in the database (GROUP BY); only open cases already past a due time are loaded to list their
steps."""

import datetime
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import CharField, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from giamsat.accounts.jurisdiction import Jurisdiction
from giamsat.core.models import work_calendar
from giamsat.core.text import Vietnamese, fold, vietnamese_order
from giamsat.units.choices import Level
from giamsat.units.models import Unit, UnitSuccession

from . import clock
from .choices import OPEN_STATUSES, AgeGroup, Channel, DelayReason, Harm, Sex
from .models import Case, CaseHarm, CaseSettings

STEP_LABELS = {
    clock.Step.FORWARD: _("Chuyển UBND xã"),
    clock.Step.INITIAL_ASSESSMENT: _("Đánh giá nguy cơ ban đầu (Mẫu 02)"),
    clock.Step.EMERGENCY: _("Biện pháp khẩn cấp (trong 12 giờ)"),
    clock.Step.DETAILED_ASSESSMENT: _("Đánh giá chi tiết, họp xác định nhu cầu (Mẫu 03)"),
    clock.Step.PLAN: _("Kế hoạch hỗ trợ, can thiệp (Mẫu 04)"),
    clock.Step.APPROVAL: _("Phê duyệt kế hoạch (Mẫu 05)"),
    clock.Step.REVIEW: _("Rà soát, đánh giá lại"),
}

# Colour is never the only signal: each state has a symbol and words.
STATE_LABELS = {
    clock.State.DONE: ("✓", _("Đúng hạn")),
    clock.State.DONE_LATE: ("✓!", _("Xong, trễ hạn")),
    clock.State.ON_TIME: ("○", _("Còn hạn")),
    clock.State.DUE_SOON: ("!", _("Sắp đến hạn")),
    clock.State.OVERDUE: ("✗", _("Quá hạn")),
    clock.State.MISSED: ("✗", _("Không thực hiện")),
    clock.State.WAITING: ("…", _("Chờ bước trước")),
    clock.State.NOT_NEEDED: ("–", _("Không cần")),
}
STATE_CLASS = {
    clock.State.DONE: "met",
    clock.State.DONE_LATE: "at_risk",
    clock.State.ON_TIME: "on_track",
    clock.State.DUE_SOON: "at_risk",
    clock.State.OVERDUE: "off_track",
    clock.State.MISSED: "off_track",
    clock.State.WAITING: "no_data",
    clock.State.NOT_NEEDED: "no_data",
}


def state_of_case(case: Case, now: datetime.datetime, rules: clock.Rules) -> clock.State | None:
    """The state of a case's next step from the stored summary (no query), warned as the case page warns: hours
    before an hour deadline, a day before the others (the list warned a day ahead of every step)."""
    if case.next_due_at is None:
        return None
    hours = rules.warn_hours_short if case.next_step in clock.HOUR_STEPS else rules.warn_hours_long
    return clock.state_of(case.next_due_at, None, now, datetime.timedelta(hours=hours))


@dataclass
class OverdueStep:
    case: Case
    step: clock.StepClock

    @property
    def label(self):
        return STEP_LABELS[self.step.step]


def overdue_steps(cases, now: datetime.datetime | None = None, limit: int = 500) -> list[OverdueStep]:
    """Every overdue step of the open cases given (a restricted queryset). Only cases whose stored next due time
    has passed are loaded."""
    from .services import case_clock

    now = now or timezone.now()
    calendar, rules = work_calendar(), CaseSettings.current().rules()
    rows = []
    late = cases.filter(status__in=OPEN_STATUSES, next_due_at__lt=now).select_related(
        "commune__parent", "commune__province"
    )
    for case in late.order_by("next_due_at")[:limit]:
        for step in case_clock(case, now, calendar=calendar, rules=rules):
            if step.state == clock.State.OVERDUE:
                rows.append(OverdueStep(case, step))
    return rows


def overdue_counts(cases, level: str, now: datetime.datetime | None = None) -> list[tuple[int | None, str, int]]:
    """Open cases with an overdue step, counted per commune, district or province in one GROUP BY: (the unit's id,
    its name, the count)."""
    now = now or timezone.now()
    path = {"commune": "commune", "district": "commune__parent", "province": "commune__province"}[level]
    rows = (
        cases.filter(status__in=OPEN_STATUSES, next_due_at__lt=now)
        .values_list(path, f"{path}__name")
        .annotate(n=Count("pk"))
        .order_by("-n", f"{path}__name", path)
    )
    return [(pk, name or "—", n) for pk, name, n in rows]


def in_area(cases, unit: Unit | None = None, commune_name: str = ""):
    """The cases of one unit's area (a commune, or the communes of a district or province), as `overdue_counts`
    counts them: under the case's own commune, so a new commune's area leaves out the legacy ones it took over in
    2025 (they have their own rows); and/or of the communes whose names contain `commune_name`, typed with or
    without accents ("vo xu" finds the legacy township Võ Xu)."""
    if unit is not None:
        # A commune has nothing below it: no look-up for the commonest area, a worker's own commune.
        area = [unit.pk] if unit.level == Level.COMMUNE else Jurisdiction(ids=frozenset({unit.pk})).unit_ids
        cases = cases.filter(commune_id__in=area)
    if key := fold(commune_name):
        # Joined, not a list of ids: "xa" names ten thousand communes, but only the communes of the cases already in
        # the user's scope are looked at.
        cases = cases.filter(commune__level=Level.COMMUNE, commune__name_folded__contains=key)
    return cases


# --------------------------------------------------------------------------------------------- statistics


def age_group_expression():
    return When_(
        When(age_years__isnull=True, then=Value(AgeGroup.UNKNOWN.value)),
        When(age_years__lt=6, then=Value(AgeGroup.UNDER_6.value)),
        When(age_years__lte=10, then=Value(AgeGroup.SIX_TO_10.value)),
        When(age_years__lte=15, then=Value(AgeGroup.ELEVEN_TO_15.value)),
        default=Value(AgeGroup.OLDER.value),
        output_field=CharField(),
    )


@dataclass
class Table:
    title: str
    rows: list[tuple[str, int]]
    keys: list[str] | None = None  # the units' table: each row's unit id (its name alone may repeat)

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)


def received_period(*, quarters: bool) -> When_ | Value:
    """The local year of receipt (or year × 10 + quarter) of a case, as comparisons with the periods' first
    instants. ExtractYear runs a Python function per row on SQLite (django_datetime_extract): 0.6 s over a
    province's 50,000 cases at national scale (python -m bench, pages). The years covered are those of the first
    and last case of the whole table: two look-ups in the received_at index, where the span of the cases asked
    for would be one more pass over them; periods without any of them are simply absent from a GROUP BY."""
    received = Case.objects.values_list("received_at", flat=True)
    first, last = received.order_by("received_at").first(), received.order_by("-received_at").first()
    if first is None:
        return Value(0, output_field=IntegerField())
    first, last = (timezone.localtime(moment).year for moment in (first, last))
    tz = timezone.get_current_timezone()
    starts = [
        (
            year * 10 + quarter if quarters else year,
            datetime.datetime(year, 3 * quarter - 2 if quarters else 1, 1, tzinfo=tz),
        )
        for year in range(first, last + 1)
        for quarter in (range(1, 5) if quarters else [1])
    ]
    return period_key("received_at", starts)


def period_key(field: str, starts: list[tuple[int, datetime.datetime]]) -> When_:
    """The key of the period `field` falls in, given each period's (key, first instant) in order, for rows already
    within them: comparisons with the instants, latest period first (most cases are recent, and a mistyped old
    year somewhere then adds comparisons only for the cases that old). Extracting the year or truncating to the
    month with a time zone is a Python function per row on SQLite."""
    whens = [When(**{f"{field}__gte": start}, then=Value(key)) for key, start in reversed(starts[1:])]
    return When_(*whens, default=Value(starts[0][0]), output_field=IntegerField())


SMALL_CELL = 3  # counts below this are hidden from those who may not see the cases themselves (dashboard.shown)

# What the conditional counts count: each case has one channel, sex, age group and (at most one) delay reason.
COUNTED_BY = {
    "channel": ("channel", Channel),
    "sex": ("sex", Sex),
    "age": ("age", AgeGroup),
    "delay": ("delay_reason", DelayReason),
}


def keyed_aggregates() -> dict:
    """Count(...) expressions `<name>_<index>` of the cases per channel, sex, age group and delay reason, to be
    added to another GROUP BY over the same cases (needs the `age` annotation, `age_group_expression`)."""
    return {
        f"{name}_{index}": Count("pk", filter=Q(**{field: value}))
        for name, (field, choices) in COUNTED_BY.items()
        for index, value in enumerate(choices.values)
    }


def keyed_counts(row: dict) -> dict[str, dict[str, int]]:
    """The counts `keyed_aggregates` gave in a row: {"channel": {"hotline_111": 12, …}, …}."""
    return {
        name: {value: row[f"{name}_{index}"] for index, value in enumerate(choices.values)}
        for name, (_field, choices) in COUNTED_BY.items()
    }


def statistics(
    cases,
    counts: dict[str, dict[str, int]],
    *,
    unit_level: str = "commune",
    harms: bool = True,
    units_today: bool = False,
    area: Jurisdiction | None = None,
) -> dict:
    """Tables of cases by harm, channel, unit, age group and sex. The channel, sex and age counts are given
    (`keyed_counts`: the dashboard counts them in its GROUP BY by period); the harms and the units are one GROUP BY
    each. At national scale every pass over a province's cases costs about 0.2 s on SQLite (python -m bench,
    pages). Without `harms` the forms table is left empty and its pass saved. `cases`: duplicates already left
    out (`dashboard.dashboard`). With `units_today`, the units are today's (`_by_unit_today`; `area`: the viewer's
    jurisdiction, to mark the units it covers only in part)."""
    by_harm = {}
    if harms:
        by_harm = dict(
            CaseHarm.objects.filter(case__in=cases.values("pk"))
            .values_list("kind")
            .annotate(n=Count("case_id", distinct=True))
            .order_by()
        )
    by_channel, by_sex, by_age = counts["channel"], counts["sex"], counts["age"]
    if units_today:
        by_unit = _by_unit_today(cases, unit_level, area)
    else:
        path = {"commune": "commune", "district": "commune__parent", "province": "commune__province"}[unit_level]
        by_unit = sorted(
            (
                (pk, Vietnamese(name) if name else name, parent, n)
                for pk, name, parent, n in cases.values_list(f"{path}__id", f"{path}__name", f"{path}__parent__name")
                .annotate(n=Count("pk"))
                .order_by()
            ),
            key=_most_first,
        )
    return {
        "harm": Table(_("Theo hình thức"), [(Harm(k).label, by_harm[k]) for k in Harm.values if by_harm.get(k)]),
        "channel": Table(
            _("Theo kênh tiếp nhận"), [(Channel(k).label, by_channel[k]) for k in Channel.values if by_channel.get(k)]
        ),
        "age": Table(_("Theo nhóm tuổi"), [(AgeGroup(k).label, by_age[k]) for k in AgeGroup.values if by_age.get(k)]),
        "sex": Table(_("Theo giới tính"), [(Sex(k).label, by_sex[k]) for k in Sex.values if by_sex.get(k)]),
        "unit": Table(
            _("Theo đơn vị"),
            [(_unit_label(name, parent), n) for _id, name, parent, n in by_unit],
            [str(pk) if pk else "" for pk, _name, _parent, _n in by_unit],
        ),
    }


def _unit_label(name: str | None, parent: str | None) -> str:
    """A row of the units table: the unit's name and its parent's, to tell apart communes of the same name."""
    if not name:
        return "—"
    if not parent:
        return name
    label = f"{name} ({parent})"
    return Vietnamese(label) if isinstance(name, Vietnamese) else label


def _by_unit_today(cases, unit_level: str, area: Jurisdiction | None = None) -> list[tuple[int, str, str | None, int]]:
    """(unit id, name, parent's name, cases) in today's units, most cases first: a case recorded in a commune of
    before the 2025 reform counts for the commune that took it over wholly, or at the province level for the
    province that took over its old one. There are no districts today: their level is the province. An old commune
    split among several new ones stays itself, marked, since its cases cannot be shared out. A unit of today that
    `area` does not cover (a new commune made partly of a district officer's old communes) counts only the cases
    of the area: it is marked so, and has no id, since it cannot be opened. One GROUP BY by commune; the few hundred
    communes are then mapped here."""
    by_commune = dict(cases.values_list("commune_id").annotate(n=Count("pk")).order_by())
    communes = {u.pk: u for u in Unit.objects.filter(pk__in=list(by_commune)).select_related("parent", "province")}
    province_level = unit_level != "commune"
    wanted = {u.province_id if province_level else u.pk for u in communes.values() if u.is_legacy}
    taken_over = dict(
        UnitSuccession.objects.filter(predecessor_id__in=wanted, partly=False, successor__valid_to__isnull=True)
        .values_list("predecessor_id", "successor_id")
        .order_by()
    )
    shown = {u.pk: u for u in Unit.objects.filter(pk__in=set(taken_over.values())).select_related("parent")}
    counts: dict[int, int] = {}
    labels: dict[int, tuple[str, str | None, bool]] = {}
    for commune_id, n in by_commune.items():
        commune = communes[commune_id]
        unit = commune.province if province_level and commune.province_id else commune
        if unit.is_legacy and unit.pk in taken_over:
            unit = shown[taken_over[unit.pk]]
        partial = not unit.is_legacy and area is not None and not area.covers(unit)
        if unit.is_legacy:
            name = _("%(unit)s (trước 01/7/2025, đã chia tách)") % {"unit": unit.name}
        else:
            name = Vietnamese(unit.name)
        parent = unit.parent.name if unit.parent_id else None
        if partial:  # the parent's name first, as in the other rows, then what the count covers
            where = _unit_label(name, parent)
            name, parent = _("%(unit)s: chỉ phần thuộc địa bàn của bạn") % {"unit": where}, None
        labels[unit.pk] = (name, parent, partial)
        counts[unit.pk] = counts.get(unit.pk, 0) + n
    rows = [(None if labels[pk][2] else pk, *labels[pk][:2], n) for pk, n in counts.items()]
    return sorted(rows, key=_most_first)


def _most_first(row: tuple) -> tuple:
    """(unit id, name, parent's name, cases): most cases first, then by name in Vietnamese order."""
    pk, name, parent, n = row
    return (-n, vietnamese_order(name or ""), vietnamese_order(parent or ""), pk or 0)


@dataclass(frozen=True)
class StepRule:
    """A legal step whose first-cycle due and done times the clock stores (Case.*_due_at / *_at). A case counts
    for the step once the step is done or has fallen due as `clock.state_of` sees it: overdue only when now is
    past the due time, and missed (not "not needed") only when the case was closed after it."""

    key: str
    label: str
    short: str  # for chart legends, column headings and headlines
    applies: Q
    due: str
    done: str

    def counted(self, now: datetime.datetime) -> Q:
        fell_due = Q(**{f"{self.due}__lt": now}) & (
            Q(closed_at__isnull=True) | Q(**{f"{self.due}__lt": F("closed_at")})
        )
        return self.applies & (Q(**{f"{self.done}__isnull": False}) | fell_due)

    def on_time(self) -> Q:
        return Q(**{f"{self.done}__lte": F(self.due)})


# The steps whose due times are stored. Forwarding, the assessments and reviews have no stored due time (their
# limits come from CaseSettings at the time), so they are shown on each case's clock but not aggregated.
STEP_RULES = [
    StepRule(
        "emergency",
        _("Biện pháp khẩn cấp trong 12 giờ (nguy cơ cao)"),
        _("Khẩn cấp 12 giờ"),
        Q(emergency_required=True),
        "emergency_due_at",
        "emergency_at",
    ),
    StepRule(
        "plan",
        _("Kế hoạch hỗ trợ trong 5 ngày làm việc (trừ khẩn cấp)"),
        _("Kế hoạch 5 ngày"),
        # Not assessed yet (NULL) is the ordinary 5 days too: the cases nobody assessed were left out.
        Q(plan_due_at__isnull=False) & (Q(emergency_required=False) | Q(emergency_required__isnull=True)),
        "plan_due_at",
        "plan_at",
    ),
    StepRule(
        "plan_after_emergency",
        _("Kế hoạch hỗ trợ sau biện pháp khẩn cấp"),
        _("Kế hoạch sau khẩn cấp"),
        Q(emergency_required=True, plan_due_at__isnull=False),
        "plan_due_at",
        "plan_at",
    ),
    StepRule(
        "approval",
        _("Phê duyệt kế hoạch (7 ngày làm việc; sau khẩn cấp theo thiết lập)"),
        pgettext_lazy("bước", "Phê duyệt"),
        Q(approval_due_at__isnull=False),
        "approval_due_at",
        "approved_at",
    ),
]
RULES = {rule.key: rule for rule in STEP_RULES}


def step_aggregates(rules, now: datetime.datetime) -> dict:
    """Count(...) expressions giving `<key>_n` (counted) and `<key>_ok` (on time) for each rule."""
    aggregates = {}
    for rule in rules:
        aggregates[f"{rule.key}_n"] = Count("pk", filter=rule.counted(now))
        aggregates[f"{rule.key}_ok"] = Count("pk", filter=rule.counted(now) & rule.on_time())
    return aggregates


def level_choices():
    return [("commune", _("Xã")), ("district", _("Huyện (đến 30/6/2025)")), ("province", _("Tỉnh"))]
