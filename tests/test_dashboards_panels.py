"""The cases and supervision dashboards (/dashboards/cases/, /dashboards/supervision/): every aggregate checked
against a plain computation written here on random data, small counts hidden from those who may not see the
cases, the XLSX downloads holding the page's numbers, the JSON API the same, and 404 for outsiders everywhere."""

import datetime
import html
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own SVG
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factories as f
from giamsat.cases import clock
from giamsat.cases import dashboard as case_dashboard
from giamsat.cases import sources as case_sources
from giamsat.cases.choices import AgeGroup, CaseStatus, Channel, DelayReason, Harm, Sex
from giamsat.cases.models import Case, CaseHarm
from giamsat.core.text import slug, vietnamese_order
from giamsat.dashboards import exports, privacy, views
from giamsat.plans.models import Indicator
from giamsat.reporting.achievement import Ratio
from giamsat.reporting.queries import Cell, UnitRow
from giamsat.supervision import dashboard as supervision_dashboard
from giamsat.supervision.choices import (
    FINAL_STATUSES,
    AddresseeKind,
    FindingKind,
    RecommendationStatus,
    SupervisionStatus,
)
from giamsat.supervision.models import Finding, FindingCategory, Recommendation, Supervision
from giamsat.units.choices import OrganisationKind
from giamsat.units.models import Organisation, Unit
from plan_fixtures import bare_plan

H = datetime.timedelta(hours=1)
NOW = timezone.now().replace(second=0, microsecond=0)  # whole minutes, so a due time can fall exactly on it
FIRST_DAY = datetime.date(2022, 1, 1)
DAYS = 3 * 365

CASE_TABLES = ("harm", "channel", "unit", "age", "sex", "steps", "periods", "delays")
CASE_CHARTS = ("harm", "channel", "unit", "age", "sex", "steps", "ontime", "median")
SUPERVISION_TABLES = ("statuses", "addressees", "categories", "across")
SUPERVISION_CHARTS = ("statuses", "overdue", "categories")


def communes():
    """Two legacy communes of Bình Thuận and two current communes of Lâm Đồng: all in the province officer's
    jurisdiction; Võ Xu was merged into today's Xã Đức Linh."""
    return [
        f.legacy_commune(f.VO_XU),
        f.legacy_district(f.TANH_LINH).children.order_by("code").first(),
        f.current_commune("Xã Đức Linh"),
        f.current_commune("Xã Hoài Đức"),
    ]


# --------------------------------------------------------------------------------------------- random cases

step_times = st.tuples(
    st.integers(1, 400),  # due: hours after receipt
    st.one_of(st.none(), st.integers(0, 600)),  # done: hours after receipt, or never
)
case_specs = st.fixed_dictionaries(
    {
        "commune": st.integers(0, 3),
        "channel": st.sampled_from(Channel.values),
        "sex": st.sampled_from(Sex.values),
        "age": st.one_of(st.none(), st.integers(0, 17)),
        "harms": st.sets(st.sampled_from(Harm.values), max_size=3),
        "day": st.integers(0, DAYS),
        "minute": st.integers(0, 24 * 60 - 1),
        "emergency": st.sampled_from([True, False, None]),
        "emergency_times": step_times,
        "plan_times": st.one_of(st.none(), step_times),
        "approval_times": st.one_of(st.none(), step_times),
        "minutes_to_intervention": st.one_of(st.none(), st.integers(0, 20_000)),
        "delay": st.sampled_from(["", *DelayReason.values]),
        "duplicate": st.booleans(),
        # Minutes before NOW (recent ones not yet due), replacing day and minute; None: the fixed cases' dates.
        "ago": st.one_of(st.integers(0, 30 * 24 * 60), st.integers(0, DAYS * 24 * 60)),
        "closed": st.one_of(st.none(), st.integers(0, 500)),  # hours after receipt (at most NOW)
    }
)


def _received(spec) -> datetime.datetime:
    if spec.get("ago") is not None:
        return NOW - datetime.timedelta(minutes=spec["ago"])
    tz = timezone.get_current_timezone()
    day = FIRST_DAY + datetime.timedelta(days=spec["day"])
    local = datetime.datetime.combine(day, datetime.time(spec["minute"] // 60, spec["minute"] % 60), tzinfo=tz)
    return local.astimezone(datetime.UTC)


def _times(received, pair):
    if pair is None:
        return None, None
    due, done = pair
    return received + due * H, (received + done * H) if done is not None else None


def _closed(spec) -> datetime.datetime | None:
    if spec.get("closed") is None:
        return None
    return min(_received(spec) + spec["closed"] * H, NOW)


def make_cases(specs, units) -> list[Case]:
    """Cases as the clock leaves them (the stored summary the dashboards aggregate), written directly."""
    rows = []
    first = (Case.objects.filter(year=2000).order_by("-number").values_list("number", flat=True).first() or 0) + 1
    for number, spec in enumerate(specs, start=first):
        received = _received(spec)
        emergency_due, emergency_at = _times(received, spec["emergency_times"])
        if spec["emergency"] is not True:
            emergency_due = emergency_at = None
        plan_due, plan_at = _times(received, spec["plan_times"])
        approval_due, approved_at = _times(received, spec["approval_times"])
        closed = _closed(spec)
        rows.append(
            Case(
                year=2000,
                number=number,
                channel=spec["channel"],
                received_at=received,
                cycle_started_at=received,
                commune=units[spec["commune"]],
                sex=spec["sex"],
                age_years=spec["age"],
                emergency_required=spec["emergency"],
                emergency_due_at=emergency_due,
                emergency_at=emergency_at,
                plan_due_at=plan_due,
                plan_at=plan_at,
                approval_due_at=approval_due,
                approved_at=approved_at,
                minutes_to_intervention=spec["minutes_to_intervention"],
                delay_reason=spec.get("delay", ""),
                status=CaseStatus.CLOSED if closed else CaseStatus.IMPLEMENTING,
                closed_at=closed,
            )
        )
    made = Case.objects.bulk_create(rows)
    CaseHarm.objects.bulk_create(
        CaseHarm(case=case, kind=k) for case, s in zip(made, specs, strict=True) for k in s["harms"]
    )
    duplicates = [case.pk for case, s in zip(made[1:], specs[1:], strict=True) if s["duplicate"]]
    if made:
        Case.objects.filter(pk__in=duplicates).update(duplicate_of=made[0])
    return made


# ------------------------------------------------------------------------------------------- the reference


def ref_age(age) -> str:
    if age is None:
        return AgeGroup.UNKNOWN
    if age < 6:
        return AgeGroup.UNDER_6
    if age <= 10:
        return AgeGroup.SIX_TO_10
    if age <= 15:
        return AgeGroup.ELEVEN_TO_15
    return AgeGroup.OLDER


def ref_median(minutes: list[int]) -> Decimal | None:
    if not minutes:
        return None
    ordered = sorted(minutes)
    middle = len(ordered) // 2
    value = Decimal(ordered[middle]) if len(ordered) % 2 else Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return (value / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def ref_steps(specs, now) -> dict[str, tuple[int, int]]:
    """(on time, counted) per step, as the clock itself judges each case: a case counts when its step is done
    (on time or late), overdue or missed; it is on time when the clock says done on time."""
    counted_states = {clock.State.DONE, clock.State.DONE_LATE, clock.State.OVERDUE, clock.State.MISSED}
    result = {}
    for key, applies, times in (
        ("emergency", lambda s: s["emergency"] is True, "emergency_times"),
        # Not assessed (None) is the ordinary plan too.
        ("plan", lambda s: s["emergency"] is not True and s["plan_times"] is not None, "plan_times"),
        ("plan_after_emergency", lambda s: s["emergency"] is True and s["plan_times"] is not None, "plan_times"),
        ("approval", lambda s: s["approval_times"] is not None, "approval_times"),
    ):
        states = [
            clock.state_of(*_times(_received(s), s[times]), now, datetime.timedelta(0), _closed(s))
            for s in specs
            if applies(s)
        ]
        result[key] = (states.count(clock.State.DONE), sum(state in counted_states for state in states))
    return result


def ref_period(spec, step) -> tuple[int, int]:
    local = timezone.localtime(_received(spec))
    return local.year, ((local.month - 1) // 3 + 1) if step == "quarter" else 0


def counted_specs(specs, start=None, end=None):
    kept = []
    for i, spec in enumerate(specs):
        if i > 0 and spec["duplicate"]:
            continue
        day = timezone.localtime(_received(spec)).date()
        if (start and day < start) or (end and day > end):
            continue
        kept.append(spec)
    return kept


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(case_specs, max_size=14),
    step=st.sampled_from(["year", "quarter"]),
    window=st.tuples(st.integers(0, DAYS + 1), st.integers(0, DAYS + 1)),
    whole=st.booleans(),
)
def test_the_case_figures_match_a_plain_computation(province_officer, specs, step, window, whole):
    units = communes()
    start = end = None
    if not whole:
        first = timezone.localtime(NOW).date() - datetime.timedelta(days=DAYS)
        start, end = (first + datetime.timedelta(days=d) for d in sorted(window))
    with transaction.atomic():
        make_cases(specs, units)
        cases = case_dashboard.counted_cases(province_officer, start=start, end=end)
        dash = case_dashboard.dashboard(cases, step=step, now=NOW)
        kept = counted_specs(specs, start, end)

        assert dash.total == len(kept)
        tables = {t.name: {label: n for _key, label, n in t.rows} for t in dash.tables}
        harms = Counter(h for s in kept for h in s["harms"])
        assert tables["harm"] == {str(Harm(k).label): n for k, n in harms.items()}
        assert tables["channel"] == {str(Channel(k).label): n for k, n in Counter(s["channel"] for s in kept).items()}
        assert tables["sex"] == {str(Sex(k).label): n for k, n in Counter(s["sex"] for s in kept).items()}
        ages = Counter(ref_age(s["age"]) for s in kept)
        assert tables["age"] == {str(AgeGroup(k).label): n for k, n in ages.items()}
        names = [f"{u.name} ({u.parent.name})" if u.parent else u.name for u in units]
        assert tables["unit"] == dict(Counter(names[s["commune"]] for s in kept))
        [unit_table] = [t for t in dash.tables if t.name == "unit"]
        by_id = {key: n for key, _label, n in unit_table.rows}
        assert by_id == {str(units[i].pk): n for i, n in Counter(s["commune"] for s in kept).items()}
        assert dash.delays == dict(Counter(s["delay"] for s in kept if s["delay"]))

        expected_steps = ref_steps(kept, NOW)
        assert {k: (v.on_time, v.counted) for k, v in dash.steps.items()} == expected_steps
        assert dash.median_hours == ref_median(
            [s["minutes_to_intervention"] for s in kept if s["minutes_to_intervention"] is not None]
        )

        by_period = defaultdict(list)
        for spec in kept:
            by_period[ref_period(spec, step)].append(spec)
        # Every year (or quarter) from the first case's to the last's, those without a case too.
        expected_keys = []
        if by_period:
            first, last = min(by_period), max(by_period)
            quarters = range(1, 5) if step == "quarter" else [0]
            years = range(first[0], last[0] + 1)
            expected_keys = [(y, q) for y in years for q in quarters if first <= (y, q) <= last]
            if len(expected_keys) > case_dashboard.MAX_FILLED_PERIODS:
                expected_keys = sorted(by_period)
        assert [p.key for p in dash.periods] == expected_keys
        for period in dash.periods:
            group = by_period[period.key]
            assert period.received == len(group)
            assert {k: (v.on_time, v.counted) for k, v in period.steps.items()} == ref_steps(group, NOW)
            minutes = [s["minutes_to_intervention"] for s in group if s["minutes_to_intervention"] is not None]
            assert period.intervened == len(minutes)
            assert period.median_hours == ref_median(minutes)
        transaction.set_rollback(True)


# ------------------------------------------------------------------------------------ a fixed set of cases


def spec(**changes) -> dict:
    base = {
        "commune": 0,
        "channel": Channel.HOTLINE,
        "sex": Sex.FEMALE,
        "age": 9,
        "harms": {Harm.NEGLECT},
        "day": 400,
        "minute": 600,
        "emergency": True,
        "emergency_times": (12, 6),
        "plan_times": (100, 50),
        "approval_times": (150, 100),
        "minutes_to_intervention": 360,
        "duplicate": False,
        "ago": None,
        "closed": None,
    }
    base.update(changes)
    return base


@pytest.fixture
def fixed_cases(db):
    """Three cases of neglect and one of violence in Võ Xu; three emergencies, one late (the late count is 1)."""
    specs = [
        spec(),
        spec(minute=700),
        spec(emergency_times=(12, 20), minutes_to_intervention=1200),
        spec(harms={Harm.VIOLENCE}, emergency=False, plan_times=(100, 150), sex=Sex.MALE),
    ]
    return make_cases(specs, communes())


def _get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def test_small_counts_are_hidden_from_those_who_may_not_see_cases(
    fixed_cases, supervisor, province_officer, client_for
):
    html = _get(client_for(supervisor), "dashboards:cases").content.decode()
    assert 'data-testid="hidden-legend"' in html and "VV-" not in html and "&lt; 3" not in html
    data = client_for(supervisor).get("/api/case-dashboard").json()
    assert data["small_counts_hidden"] is True
    harm = {r["key"]: r for r in next(t for t in data["tables"] if t["name"] == "harm")["rows"]}
    assert harm["violence"] == {"key": "violence", "label": "Bạo lực", "count": None, "shown": "ẩn"}
    assert harm["neglect"]["count"] == 3
    # 3 girls and 1 boy of 4: the boy is hidden, and so are the girls, else 4 - 3 would give him away.
    sex = {r["key"]: r["count"] for r in next(t for t in data["tables"] if t["name"] == "sex")["rows"]}
    assert sex == {"female": None, "male": None} and data["total"] == 4
    emergency = next(s for s in data["steps"] if s["step"] == "emergency")
    # 2 of 3 on time would tell that one was late; one period only, so its whole-range row goes too.
    assert emergency == {**emergency, "on_time": None, "counted": None, "percent": None}

    officer = client_for(province_officer).get("/api/case-dashboard").json()
    assert officer["small_counts_hidden"] is False
    # A unit's row carries its id, which narrows the dashboard to it.
    [first, *_] = next(t for t in officer["tables"] if t["name"] == "unit")["rows"]
    narrowed = client_for(province_officer).get("/api/case-dashboard", {"unit": first["key"]}).json()
    assert narrowed["unit_id"] == int(first["key"]) and narrowed["total"] == first["count"]
    emergency = next(s for s in officer["steps"] if s["step"] == "emergency")
    assert (emergency["on_time"], emergency["counted"], emergency["percent"]) == (2, 3, "66.7")
    assert officer["median_hours_to_first_intervention"] == "6.0"
    page = _get(client_for(province_officer), "dashboards:cases").content.decode()
    assert "hidden-legend" not in page
    # The forms of harm add up to more than the cases (a case may have several): the page says so.
    assert "cộng các dòng có thể lớn hơn tổng số vụ việc" in page.split('data-testid="sheet-harm"')[0]


def test_the_headline_total_is_hidden_like_every_other_count(supervisor, province_officer, client_for):
    make_cases([spec(day=10, minute=1), spec(day=10, minute=2)], communes())
    html = _get(client_for(supervisor), "dashboards:cases").content.decode()
    headline = html.split('data-testid="headline-total">')[1].split("</b>")[0]
    assert headline == "Số vụ việc: ẩn"
    assert "2 vụ việc" not in html
    officer = _get(client_for(province_officer), "dashboards:cases").content.decode()
    assert officer.split('data-testid="headline-total">')[1].split("</b>")[0] == "2 vụ việc"


def test_those_from_whom_small_counts_are_hidden_cannot_choose_the_days(
    fixed_cases, supervisor, province_officer, client_for, api_client_for
):
    """The tables up to one day against those of every day gave that day's case, attribute by attribute; a range
    whose total was hidden listed hidden rows beside a total shown elsewhere (review of 02/12/2026)."""
    make_cases([spec(day=10, minute=1)], communes())
    day = (FIRST_DAY + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    everything = _get(client_for(supervisor), "dashboards:cases").content.decode()
    asked = _get(client_for(supervisor), "dashboards:cases", **{"from": day, "to": day}).content.decode()
    assert str(case_dashboard.NO_DAYS) in asked and 'name="from"' not in asked and 'name="from"' not in everything
    headline = 'data-testid="headline-total">'
    assert asked.split(headline)[1].split("</b>")[0] == everything.split(headline)[1].split("</b>")[0] == "5 vụ việc"
    api = api_client_for(supervisor)
    refused = api.get("/api/case-dashboard", {"date_to": "2023-01-11"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "date_to", "message": str(case_dashboard.NO_DAYS)}]
    assert api.get("/api/case-statistics", {"year_from": 2023}).status_code == 422
    assert api.get("/api/case-dashboard").json()["total"] == 5
    officer = api_client_for(province_officer)
    assert officer.get("/api/case-dashboard", {"date_from": "2099-01-01"}).json()["total"] == 0
    reversed_years = officer.get("/api/case-statistics", {"year_from": 2025, "year_to": 2020})
    assert reversed_years.status_code == 422 and "year_to" in reversed_years.content.decode()
    page = _get(client_for(province_officer), "dashboards:cases", **{"from": "01/01/2099"}).content.decode()
    assert 'name="from"' in page and "Không có vụ việc nào." in page


def test_a_malformed_date_is_said_not_ignored(fixed_cases, province_officer, client_for):
    html = _get(client_for(province_officer), "dashboards:cases", **{"from": "31/02/2023"}).content.decode()
    assert 'data-testid="cases-errors"' in html and "31/02/2023" in html


def test_a_mistyped_old_year_gets_its_own_period_and_leaves_the_others_alone(province_officer):
    """The periods span the whole table's cases, so one case typed a century early lengthens every dashboard's
    list of periods; it must not move any other case."""
    with transaction.atomic():
        make_cases([spec(), spec(day=400 - 40_000), spec(day=700)], communes())
        dash = case_dashboard.dashboard(case_dashboard.counted_cases(province_officer), step="quarter", now=NOW)
        received = {p.key: p.received for p in dash.periods}
        old = timezone.localtime(_received(spec(day=400 - 40_000)))
        assert received == {(old.year, (old.month - 1) // 3 + 1): 1, (2023, 1): 1, (2023, 4): 1}
        transaction.set_rollback(True)


def test_the_years_and_quarters_without_a_case_are_rows_too(province_officer, client_for, api_client_for):
    """Cases in 2022 and 2024 only: 2023 is a row of its own with no case, so the chart does not draw 2022 and
    2024 side by side as if they were consecutive."""
    with transaction.atomic():
        make_cases([spec(day=100), spec(day=800)], communes())  # 11/4/2022 and 11/3/2024
        cases = case_dashboard.counted_cases(province_officer)
        years = case_dashboard.dashboard(cases, step="year", now=NOW).periods
        assert [(p.key, p.received, p.median_hours) for p in years] == [
            ((2022, 0), 1, Decimal("6.0")),
            ((2023, 0), 0, None),
            ((2024, 0), 1, Decimal("6.0")),
        ]
        quarters = case_dashboard.dashboard(cases, step="quarter", now=NOW).periods
        assert [p.key for p in quarters] == [
            (2022, 2),
            (2022, 3),
            (2022, 4),
            *[(2023, q) for q in (1, 2, 3, 4)],
            (2024, 1),
        ]
        assert [p.received for p in quarters] == [1, 0, 0, 0, 0, 0, 0, 1]
        html = client_for(province_officer).get(reverse("dashboards:cases")).content.decode()
        assert ">2023<" in html
        # The years the user chose are listed, before the first case and after the last too.
        chosen = {"from": "01/01/2021", "to": "31/12/2025"}
        page = client_for(province_officer).get(reverse("dashboards:cases"), chosen)
        assert [(p.label, p.received) for p in page.context["view"].periods] == [
            ("2021", 0),
            ("2022", 1),
            ("2023", 0),
            ("2024", 1),
            ("2025", 0),
        ]
        api = api_client_for(province_officer).get(
            "/api/case-dashboard", {"date_from": "2021-01-01", "date_to": "2025-12-31", "step": "quarter"}
        )
        quarters = [(p["label"], p["received"]) for p in api.json()["periods"]]
        assert len(quarters) == 20 and quarters[0] == ("Quý 1/2021", 0) and quarters[-1] == ("Quý 4/2025", 0)
        transaction.set_rollback(True)


def test_a_step_due_now_or_after_the_closure_is_not_counted_as_the_clock_says(province_officer):
    """At the due time itself the step is not yet overdue; a case closed before its deadline did not miss it."""
    received = NOW - 30 * H
    made = make_cases(
        [
            spec(ago=30 * 60, emergency=False, plan_times=(30, None), approval_times=None),  # due exactly now
            spec(ago=30 * 60, emergency=False, plan_times=(20, None), approval_times=None, closed=10),  # closed first
            spec(ago=30 * 60, emergency=False, plan_times=(20, None), approval_times=None, closed=25),  # missed
        ],
        communes(),
    )
    assert made[0].plan_due_at == NOW and made[1].closed_at < made[1].plan_due_at and received
    steps = case_dashboard.dashboard(case_dashboard.counted_cases(province_officer), now=NOW).steps
    assert (steps["plan"].on_time, steps["plan"].counted) == (0, 1)


# ----------------------------------------------------------------------------- recovery by subtraction


def _pinned(cells: list, total, least: int) -> bool:
    """Whether a hidden cell (None) of a table adding up to `total` has only one possible value: the hidden
    cells add up to S = total - the shown ones, each at least `least`, so each lies in [least, S - (k-1)·least]."""
    hidden = [c for c in cells if c is None]
    if not hidden or total is None:
        return False  # nothing hidden, or a hidden total: no upper bound to subtract from
    rest = total - sum(c for c in cells if c is not None)
    return len(hidden) == 1 or rest - (len(hidden) - 1) * least == least


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(case_specs, max_size=12), step=st.sampled_from(["year", "quarter"]))
def test_no_hidden_cell_can_be_rebuilt_by_subtraction(supervisor, api_client_for, specs, step):
    """Everything the API shows a supervisor (the page and the downloads show the same `shown` cells): no hidden
    count, period, or on-time or late number is pinned to one value by the totals it adds up to, the quarters by
    their year's too."""
    client = api_client_for(supervisor)
    with transaction.atomic():
        make_cases([{**s, "commune": s["commune"] % 2} for s in specs], communes())  # the supervisor's communes
        data = client.get("/api/case-dashboard", {"step": step}).json()
        yearly = client.get("/api/case-dashboard", {"step": "year"}).json()
        transaction.set_rollback(True)
    _assert_nothing_pinned(data, data["total"], quarters=step == "quarter")
    if step == "quarter":
        # Nor by a year's total, which the year step shows: a hidden quarter beside an empty one is at least 1.
        years = {p["year"]: p for p in yearly["periods"]}
        for year, whole in years.items():
            quarters = [p for p in data["periods"] if p["year"] == year]
            for column in ("received", "intervened"):
                cells = [q[column] for q in quarters]
                if None in cells:
                    assert 0 not in cells, (column, cells)
                    assert not _pinned(cells, whole[column], 0), (year, column, cells, whole[column])


def _assert_nothing_pinned(data: dict, known_total: int | None, quarters: bool = False) -> None:
    """`quarters`: a hidden quarter may be an empty one (hidden beside a hidden one of its year), so at least 0."""
    least = 0 if quarters else 1
    tables = {t["name"]: [r["count"] for r in t["rows"]] for t in data["tables"]}
    periods = data["periods"]
    # The total: shown here or elsewhere, or rebuilt from any breakdown that hides nothing.
    total = known_total
    for cells in [tables[name] for name in case_dashboard.SUMMING] + [[p["received"] for p in periods]]:
        if cells and None not in cells:
            assert total is None or total == sum(cells)
            total = sum(cells)
    if data["total"] is None and total is not None and known_total is None:
        pytest.fail(f"the hidden total {total} is the sum of a breakdown")
    for name in case_dashboard.SUMMING:
        assert not _pinned(tables[name], total, 1), (name, tables[name], total)
    assert not _pinned([p["received"] for p in periods], total, least), periods
    assert not _pinned([p["intervened"] for p in periods], data["intervened"], least), periods
    for period in periods:
        # A median needs 3 cases: beside a hidden count it would say the count is not 1 or 2.
        assert period["median_hours_to_first_intervention"] is None or period["intervened"] is not None, period
        if period["received"] is None:
            assert period["intervened"] is None and all(s["counted"] is None for s in period["steps"]), period
    assert data["median_hours_to_first_intervention"] is None or data["intervened"] is not None
    for index, whole in enumerate(data["steps"]):
        shares = [p["steps"][index] for p in periods]
        counted = [s["counted"] for s in shares]
        on_time = [s["on_time"] for s in shares]
        late = [None if s["counted"] is None else s["counted"] - s["on_time"] for s in shares]
        whole_late = None if whole["counted"] is None else whole["counted"] - whole["on_time"]
        assert not _pinned(counted, whole["counted"], least), (whole, shares)
        assert not _pinned(on_time, whole["on_time"], 0), (whole, shares)
        assert not _pinned(late, whole_late, 0), (whole, shares)
        if whole["counted"] is None and counted and None not in counted:
            pytest.fail(f"the hidden whole-range share of {whole['step']} is the sum of its periods")


@pytest.fixture
def case_plan(db):
    """A Bình Thuận plan counting the cases received, in the old units (province – district – commune)."""
    plan = bare_plan("97/KH-UBND")
    Indicator.objects.create(plan=plan, code="CT13", name="Vụ việc", measure="vụ", source="cases.received")
    return plan


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=st.lists(st.integers(0, 5), min_size=4, max_size=4))
def test_a_plan_matrix_opened_at_a_district_gives_back_nothing_the_province_matrix_hid(
    case_plan, admin_user, api_client_for, counts
):
    """Cases in two communes of Đức Linh and two of Tánh Linh. For those from whom small counts are hidden, the
    province's matrix hides cells none of which the total pins; a district's own matrix and trend hide its total
    exactly where the province's matrix hides its row, and then do not add it back up from its communes."""
    duc_linh, tanh_linh = f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)
    units = [*duc_linh.children.order_by("code")[:2], *tanh_linh.children.order_by("code")[:2]]
    api = api_client_for(admin_user)
    query = {"period": "2023", "on": "2025-06-30"}
    url = f"/api/dashboards/plans/{case_plan.pk}"
    with transaction.atomic():
        make_cases([spec(commune=i, day=400 + n) for i, k in enumerate(counts) for n in range(k)], units)
        province = api.get(f"{url}/matrix", query).json()
        opened = {d.pk: api.get(f"{url}/matrix", {**query, "unit": d.pk}).json() for d in (duc_linh, tanh_linh)}
        trends = {
            d.pk: api.get(f"{url}/trend", {**query, "unit": d.pk, "indicator": case_plan.indicators.get().pk}).json()
            for d in (duc_linh, tanh_linh)
        }
        transaction.set_rollback(True)

    def figure(row):
        cell = row["cells"][0]
        return None if cell["hidden"] else int(Decimal(cell["actual"] or 0))

    districts = {row["unit"]["id"]: figure(row) for row in province["rows"]}
    assert not _pinned(list(districts.values()), figure(province["total"]), 1), (districts, counts)
    for district in (duc_linh, tanh_linh):
        total, communes = figure(opened[district.pk]["total"]), [figure(r) for r in opened[district.pk]["rows"]]
        assert total == districts[district.pk], (district.name, total, districts, counts)
        if total is None:
            assert None in communes or not any(communes), ("added back up", communes, counts)
        assert not _pinned(communes, total, 1), (communes, total, counts)
        [point] = [p["cell"] for p in trends[district.pk]["points"] if p["period"]["label"] == "Năm 2023"]
        assert point["hidden"] == (total is None), (point, total, counts)


def test_a_span_of_years_shows_no_case_figure_that_one_of_its_years_hides(case_plan, admin_user, api_client_for):
    """Đức Linh's 1 case of 2022 is hidden in 2022's matrix; 2022–2023 showed its 5 beside 2023's 4 (review of
    02/12/2026, the demo's 2021–2023 against 2022–2023)."""
    duc_linh, tanh_linh = f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)
    units = [duc_linh.children.order_by("code").first(), tanh_linh.children.order_by("code").first()]
    # day 100 is in 2022, day 400 in 2023 (FIRST_DAY is 1 January 2022)
    counts = {(0, 100): 1, (0, 400): 4, (1, 100): 4, (1, 400): 4}
    make_cases([spec(commune=i, day=day + n) for (i, day), k in counts.items() for n in range(k)], units)
    api, url = api_client_for(admin_user), f"/api/dashboards/plans/{case_plan.pk}/matrix"

    def figures(period: str) -> dict[str, str | None]:
        data = api.get(url, {"period": period, "on": "2025-06-30"}).json()
        return {
            row["unit"]["name"]: None if row["cells"][0]["hidden"] else row["cells"][0]["actual"]
            for row in [data["total"], *data["rows"]]
        }

    years, span = [figures("2022"), figures("2023")], figures("2022-2023")
    assert years[0][duc_linh.name] is None and years[1][duc_linh.name] == "4"
    assert span[duc_linh.name] is None
    for name, figure in span.items():
        assert figure is None or all(year[name] is not None for year in years), (name, years, span)


@pytest.mark.parametrize("step", ["quarter", "year"])
def test_a_case_trend_gives_nothing_away_against_the_span_the_matrix_shows(case_plan, admin_user, api_client_for, step):
    """Six cases of Đức Linh in six quarters of 2022–2023, three a year: the matrix of 2021–2025 shows its 6 (no
    year of it is hidden). The trend hid each quarter's 1 and showed "–" for the empty ones: six hidden quarters of
    a span of 6, one case each. Nor may a median's "ẩn" beside "–" say which periods had one (at least 3 cases)."""
    duc_linh = f.legacy_district(f.DUC_LINH)
    make_cases([spec(commune=0, day=d) for d in (10, 100, 200, 400, 500, 600)], communes())
    median = Indicator.objects.create(
        plan=case_plan, code="CT16", name="Giờ", measure="giờ", source=case_sources.MEDIAN, direction="decrease"
    )
    api = api_client_for(admin_user)
    url, on = f"/api/dashboards/plans/{case_plan.pk}", "2025-06-30"
    span = api.get(f"{url}/matrix", {"period": "2021-2025", "on": on, "unit": duc_linh.pk}).json()["total"]["cells"][0]
    assert (span["actual"], span["hidden"]) == ("6", False)
    today = timezone.localdate()
    for indicator in (case_plan.indicators.get(code="CT13"), median):
        query = {"indicator": indicator.pk, "step": step, "unit": duc_linh.pk, "on": on}
        points = api.get(f"{url}/trend", query).json()["points"]
        elapsed = [p["cell"] for p in points if datetime.date.fromisoformat(p["period"]["start"]) <= today]
        if any(c["hidden"] for c in elapsed):
            assert all(c["hidden"] or c["actual"] not in (None, "0") for c in elapsed), (indicator.code, points)
        if indicator.code == "CT13":
            shown = [None if c["hidden"] else int(Decimal(c["actual"] or 0)) for c in elapsed]
            assert not _pinned(shown, 6, 0), shown


def test_a_case_trend_shows_a_year_its_own_matrix_shows(case_plan, admin_user, api_client_for):
    """2022: 1 case, 2023: 2, 2024: 6; the first two hidden in their matrices, which show the 6, and so the span's
    9 too (`_hide_as_in_its_years`). The trend counted the two hidden years as 0 against the span: they looked
    pinned, and it hid the 6 as well."""
    make_cases([spec(day=d) for d in (10, 400, 401, *range(800, 806))], communes())
    api = api_client_for(admin_user)
    url, on = f"/api/dashboards/plans/{case_plan.pk}", "2025-06-30"
    shown = {}
    for year in ("2022", "2023", "2024", "2021-2025"):
        cell = api.get(f"{url}/matrix", {"period": year, "on": on}).json()["total"]["cells"][0]
        shown[year] = None if cell["hidden"] else cell["actual"]
    assert shown == {"2022": None, "2023": None, "2024": "6", "2021-2025": None}
    answer = api.get(f"{url}/trend", {"indicator": case_plan.indicators.get().pk, "on": on})
    assert b"withheld" not in answer.content  # what a hidden cell held is for the sums alone
    points = answer.json()["points"]
    by_year = {p["period"]["label"]: None if p["cell"]["hidden"] else p["cell"]["actual"] for p in points}
    assert (by_year["Năm 2022"], by_year["Năm 2023"], by_year["Năm 2024"]) == (None, None, "6")


def test_quarters_are_hidden_against_their_year_which_the_year_step_shows(supervisor, api_client_for):
    """2022: one case in each of three quarters, none in the second; the year step shows its 3. By quarter, three
    hidden quarters beside a "0" were one case each."""
    make_cases(
        [spec(commune=0, day=d) for d in (10, 200, 300)] + [spec(commune=1, day=400 + d) for d in range(5)], communes()
    )
    client = api_client_for(supervisor)
    yearly = {p["year"]: p["received"] for p in client.get("/api/case-dashboard", {"step": "year"}).json()["periods"]}
    assert yearly[2022] == 3
    quarters = client.get("/api/case-dashboard", {"step": "quarter"}).json()["periods"]
    assert [q["received"] for q in quarters if q["year"] == 2022] == [None, None, None, None]


def test_a_quarter_the_whole_range_hides_hides_its_year_s_empty_quarters_too(supervisor, api_client_for):
    """Helped: 1 case in 2022 (of 3 received), 4 in 2023, 3 + 3 in two quarters of 2024. By quarter the 1 is hidden
    and, beside it, the smallest other quarter, 2024's first; 2024's second and third still showed 0 and its fourth
    3, so the year step's 6 gave the hidden 3 back."""
    first = [spec(commune=0, day=300 + i, minutes_to_intervention=360 if i == 0 else None) for i in range(3)]
    days = [*range(670, 674), *range(735, 738), *range(1010, 1013)]
    make_cases([*first, *(spec(commune=i % 2, day=d) for i, d in enumerate(days))], communes())
    client = api_client_for(supervisor)
    yearly = {p["year"]: p for p in client.get("/api/case-dashboard", {"step": "year"}).json()["periods"]}
    quarters = [
        q for q in client.get("/api/case-dashboard", {"step": "quarter"}).json()["periods"] if q["year"] == 2024
    ]
    helped = [q["intervened"] for q in quarters]
    assert yearly[2024]["intervened"] == 6 and None in helped, helped
    assert 0 not in helped and not _pinned(helped, 6, 0), helped


def test_secondary_suppression_hides_the_smallest_other_cells_until_none_is_pinned():
    hidden = {0}
    assert not case_dashboard.complement([([1, 3, 9], 1)], hidden) and hidden == {0, 1}
    hidden = {0, 1, 2}  # three cases of 1: their sum 3 would still pin each one
    assert not case_dashboard.complement([([1, 1, 1, 5], 1)], hidden) and hidden == {0, 1, 2, 3}
    hidden = {0, 1}
    assert case_dashboard.complement([([1, 1], 1)], hidden)  # nothing left: the total must go


def test_a_unit_narrows_the_cases_and_keeps_the_legacy_communes_it_took_over(fixed_cases, province_officer):
    vo_xu, tanh_linh, duc_linh, _hoai_duc = communes()
    made = make_cases([spec(commune=2, minute=1), spec(commune=1, minute=2)], communes())
    assert len(made) == 2
    assert case_dashboard.counted_cases(province_officer, unit=duc_linh).count() == 5  # 4 of Võ Xu + its own
    assert case_dashboard.counted_cases(province_officer, unit=f.legacy_district(f.TANH_LINH)).count() == 1
    assert case_dashboard.counted_cases(province_officer, unit=vo_xu).count() == 4
    assert case_dashboard.counted_cases(province_officer).count() == 6


def test_the_units_table_can_show_todays_units_or_those_the_cases_were_recorded_in(
    fixed_cases, province_officer, supervisor, admin_user, client_for, api_client_for
):
    """Cases recorded before the 2025 reform in Võ Xu count, in today's units, for Xã Đức Linh, which took it over
    wholly; an old commune split among several new ones stays itself, marked; Bình Thuận's are Lâm Đồng's."""
    vo_xu, tanh_commune, duc_linh, hoai_duc = communes()
    split = (
        Unit.objects.filter(province=f.legacy_province(f.BINH_THUAN), level=3, successions__partly=True)
        .exclude(successions__partly=False)
        .order_by("code")
        .first()
    )
    make_cases([spec(commune=2, minute=1), spec(commune=3, minute=2), spec(commune=4, minute=3)], [*communes(), split])
    cases = case_dashboard.counted_cases(province_officer)

    def table(level, today):
        dash = case_dashboard.dashboard(cases, unit_level=level, units_today=today)
        return {key: (label, n) for key, label, n in next(t for t in dash.tables if t.name == "unit").rows}

    recorded = table("commune", False)
    assert recorded[str(vo_xu.pk)][1] == 4 and recorded[str(duc_linh.pk)][1] == 1
    today = table("commune", True)
    assert str(vo_xu.pk) not in today and today[str(duc_linh.pk)] == ("Xã Đức Linh (Tỉnh Lâm Đồng)", 5)
    assert today[str(hoai_duc.pk)][1] == 1
    assert today[str(split.pk)][0].startswith(f"{split.name} (trước 01/7/2025, đã chia tách)")
    assert sum(n for _label, n in today.values()) == cases.count() == 7
    lam_dong = f.current_province(f.LAM_DONG)
    for level in ("district", "province"):
        assert table(level, True) == {str(lam_dong.pk): ("Tỉnh Lâm Đồng", 7)}, level
    assert {label for label, _n in table("province", False).values()} == {"Tỉnh Bình Thuận", "Tỉnh Lâm Đồng"}

    district = _get(client_for(province_officer), "dashboards:cases", level="district").content.decode()
    assert 'data-testid="no-districts-note"' in district
    # The page and the API choose today's units unless every case is from before the reform.
    page = _get(client_for(province_officer), "dashboards:cases").content.decode()
    assert 'value="today" selected' in page and "Thị trấn Võ Xu" not in page.split('data-testid="sheet-unit"')[1]
    api = api_client_for(province_officer)
    data = api.get("/api/case-dashboard").json()
    assert data["units"] == "today"
    assert api.get("/api/case-dashboard", {"date_to": "2025-06-30"}).json()["units"] == "recorded"
    asked = api.get("/api/case-dashboard", {"units": "recorded"}).json()
    units = next(t for t in asked["tables"] if t["name"] == "unit")["rows"]
    assert {row["key"]: row["count"] for row in units}[str(vo_xu.pk)] == 4
    assert api.get("/api/case-dashboard", {"units": "yesterday"}).status_code == 422
    # Not for those from whom small counts are hidden: Võ Xu's 4 recorded and Xã Đức Linh's 5 today would give away
    # the 1 case recorded in Xã Đức Linh itself.
    for viewer in (supervisor, admin_user):
        # Nor the communes nor the provinces: their rows against the districts gave the hidden counts away.
        assert case_dashboard.unit_levels(viewer) == ("district",)
        assert api_client_for(viewer).get("/api/case-dashboard", {"level": "commune"}).status_code == 422
        assert api_client_for(viewer).get("/api/case-dashboard", {"unit": duc_linh.pk}).status_code == 404
        assert _get(client_for(viewer), "dashboards:cases", unit=duc_linh.pk).status_code == 404
        assert 'value="commune"' not in _get(client_for(viewer), "dashboards:cases", level="commune").content.decode()
        assert case_dashboard.units_today(viewer, "today", None) is False
        page = _get(client_for(viewer), "dashboards:cases").content.decode()
        assert 'name="units"' not in page
        assert api_client_for(viewer).get("/api/case-dashboard").json()["units"] == "recorded"
        refused = api_client_for(viewer).get("/api/case-dashboard", {"units": "today"})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "units"
    sheet = openpyxl.load_workbook(
        io.BytesIO(_get(client_for(province_officer), "dashboards:cases_xlsx", "unit").content)
    )
    assert dict(sheet["Thông tin"].iter_rows(values_only=True))["Bảng đơn vị theo danh mục"] == "Hiện nay (tỉnh – xã)"
    assert ("Xã Đức Linh (Tỉnh Lâm Đồng)", 5) in list(sheet.active.iter_rows(values_only=True))


def test_those_from_whom_small_counts_are_hidden_cannot_narrow_to_a_unit_nor_change_level(
    supervisor, province_officer, client_for, api_client_for
):
    """Đức Linh 3 cases, one a year, Tánh Linh 3. Narrowed to Đức Linh, its years (1, 1, 1) were pinned by the 3 the
    area's table shows; and a unit's breakdown subtracted from the area's gives the rest's, small counts and all.
    A province table beside the districts' would pin its hidden districts the same way."""
    yearly = [spec(commune=0, day=d) for d in (10, 400, 800)]
    make_cases([*yearly, *(spec(commune=1, day=20 + i) for i in range(3))], communes())
    duc_linh = f.legacy_district(f.DUC_LINH)
    api, page = api_client_for(supervisor), client_for(supervisor)
    units = next(t for t in api.get("/api/case-dashboard").json()["tables"] if t["name"] == "unit")["rows"]
    assert {row["key"]: row["count"] for row in units}[str(duc_linh.pk)] == 3  # its count is in the area's table
    assert api.get("/api/case-dashboard", {"unit": duc_linh.pk}).status_code == 404
    assert _get(page, "dashboards:cases", unit=duc_linh.pk).status_code == 404
    assert _get(page, "dashboards:cases_xlsx", "age", unit=duc_linh.pk).status_code == 404
    refused = api.get("/api/case-dashboard", {"level": "province"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "level"
    html = _get(page, "dashboards:cases").content.decode()
    assert 'name="unit"' not in html and 'name="level"' not in html
    # Those who may see the cases narrow, at every level.
    assert api_client_for(province_officer).get("/api/case-dashboard", {"unit": duc_linh.pk}).json()["total"] == 3
    assert "province" in case_dashboard.unit_levels(province_officer)


def test_a_commune_officer_is_offered_no_unit_they_may_not_narrow_to(fixed_cases, client_for):
    """Xã Đức Linh's officer (counts hidden below 3) was offered the legacy communes it took over; each answered 404."""
    officer = f.CommuneOfficerFactory(username="xa_duclinh", unit=f.current_commune("Xã Đức Linh"))
    assert case_dashboard.small_counts_hidden(officer) and officer.jurisdiction.covers(f.legacy_commune(f.VO_XU))
    page = _get(client_for(officer), "dashboards:cases")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="unit"' not in html and "Võ Xu" not in html  # nothing to choose: no list


def test_every_case_table_downloads_with_the_page_s_numbers(fixed_cases, supervisor, province_officer, client_for):
    client = client_for(supervisor)
    cases = case_dashboard.counted_cases(supervisor)
    dash = case_dashboard.dashboard(cases, unit_level="district")  # no commune level for the supervisor
    sheets = exports.cases_sheets(case_dashboard.shown(dash, True), small=True)
    for name in CASE_TABLES:
        response = _get(client, "dashboards:cases_xlsx", name)
        assert response.status_code == 200, name
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = list(book.active.iter_rows(values_only=True))
        expected = [tuple(sheets[name].headers), *[tuple(_plain(v) for v in row) for row in sheets[name].rows]]
        assert [tuple(_plain(v) for v in row) for row in rows[: len(expected)]] == expected, name
        assert "ẩn" in rows[-1][0], name  # the note saying what the marker means
        about = dict(book["Thông tin"].iter_rows(values_only=True))
        assert about["Địa bàn"] == views.area_name(supervisor) and about["Ngày tiếp nhận"] == "Tất cả", name
        assert response["Content-Disposition"] == f'attachment; filename="vu-viec_{slug(sheets[name].title)}.xlsx"'

    # A download says what it covers, in its sheet and its name: two districts' files no longer share one name.
    duc_linh = f.legacy_district(f.DUC_LINH)
    officer = client_for(province_officer)  # who may narrow to a unit
    periods = _get(officer, "dashboards:cases_xlsx", "periods", unit=duc_linh.pk, step="quarter", to="31/12/2024")
    about = dict(openpyxl.load_workbook(io.BytesIO(periods.content))["Thông tin"].iter_rows(values_only=True))
    assert (about["Địa bàn"], about["Theo thời gian"], about["Ngày tiếp nhận"]) == (
        duc_linh.name,
        "Quý",
        "… – 31/12/2024",
    )
    title = slug(sheets["periods"].title)
    assert (
        periods["Content-Disposition"]
        == f'attachment; filename="vu-viec_{title}_huyen-duc-linh_2024-12-31_theo-quy.xlsx"'
    )
    chart = _get(officer, "dashboards:cases_svg", "ontime", unit=duc_linh.pk, step="quarter", to="31/12/2024")
    ontime = "ty-le-dung-han-tung-buoc-theo-thoi-gian"
    assert (
        chart["Content-Disposition"]
        == f'attachment; filename="vu-viec_{ontime}_huyen-duc-linh_2024-12-31_theo-quy.svg"'
    )
    # In English, in English.
    officer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # a page's language is the user's choice
    english = officer.get(reverse("dashboards:cases_xlsx", args=["periods"]), {"unit": duc_linh.pk})
    assert english["Content-Disposition"].startswith('attachment; filename="cases_'), english["Content-Disposition"]
    units = _get(client, "dashboards:cases_xlsx", "unit")
    about = dict(openpyxl.load_workbook(io.BytesIO(units.content))["Thông tin"].iter_rows(values_only=True))
    assert about["Bảng theo đơn vị cấp"] == "Huyện (đến 30/6/2025)"
    assert any("ẩn" in row for row in sheets["harm"].rows)


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def test_every_case_chart_is_an_svg_with_its_numbers(fixed_cases, province_officer, client_for):
    client = client_for(province_officer)
    for name in CASE_CHARTS:
        response = _get(client, "dashboards:cases_svg", name, step="quarter")
        assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml"), name
        root = ET.fromstring(response.content)  # noqa: S314 - our own SVG
        texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert texts, name
    steps = ET.fromstring(_get(client, "dashboards:cases_svg", "steps").content)  # noqa: S314
    assert any("66,7% (2/3)" in (t.text or "") for t in steps.iter("{http://www.w3.org/2000/svg}text"))


def test_the_english_cases_page_is_english(fixed_cases, province_officer, client_for):
    client = client_for(province_officer)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _get(client, "dashboards:cases", step="quarter").content.decode()
    assert "Neglect" in html and "Emergency" in html and "Q1/2023" in html.replace("Quarter ", "Q")
    assert "Bỏ mặc" not in html
    index = _get(client, "dashboards:index").content.decode()
    assert 'data-testid="panel-cases"' in index and "Hotline" not in index


def test_for_those_from_whom_small_counts_are_hidden_the_units_come_by_name(
    fixed_cases, supervisor, province_officer, api_client_for
):
    """Ranked by count, the hidden rows' order gave their counts away (review of 02/12/2026). Tánh Linh's 5
    cases against Đức Linh's 4 (Võ Xu's)."""
    make_cases([spec(commune=1, minute=m) for m in (1, 2, 3, 4, 5)], communes())
    query = {"level": "district", "units": "recorded"}

    def units(user, params) -> list[str]:
        data = api_client_for(user).get("/api/case-dashboard", params).json()
        return [row["label"] for row in next(t for t in data["tables"] if t["name"] == "unit")["rows"]]

    ranked = units(province_officer, query)
    assert [name.split(" (")[0] for name in ranked] == ["Huyện Tánh Linh", "Huyện Đức Linh"]
    assert units(supervisor, {}) == sorted(ranked, key=vietnamese_order) == ranked[::-1]


def test_a_unit_of_today_covered_only_in_part_says_so_and_is_not_offered_to_open(fixed_cases, api_client_for):
    """A district officer of Đức Linh saw "Xã Đức Linh (Tỉnh Lâm Đồng) 4": only Võ Xu's cases, under the name of a
    commune that took in more, and its key answered 404 when passed as `unit`."""
    officer = f.DistrictOfficerFactory(username="huyen_duclinh_partial")
    api = api_client_for(officer)
    data = api.get("/api/case-dashboard", {"units": "today"}).json()
    rows = next(t for t in data["tables"] if t["name"] == "unit")["rows"]
    assert rows == [
        {
            "key": "",
            "label": "Xã Đức Linh (Tỉnh Lâm Đồng): chỉ phần thuộc địa bàn của bạn",
            "count": 4,
            "shown": "4",
        }
    ]
    for row in api.get("/api/case-dashboard", {"units": "recorded"}).json()["tables"]:
        for line in row["rows"] if row["name"] == "unit" else []:
            assert api.get("/api/case-dashboard", {"unit": line["key"]}).status_code == 200, line


def test_the_index_panel_marks_what_it_hides_and_says_what_it_covers(fixed_cases, supervisor, client_for):
    """A hidden share showed "–", as a share with nothing to count does."""
    html = _get(client_for(supervisor), "dashboards:index").content.decode()
    panel = html.split('data-testid="panel-cases"')[1].split("</section>")[0]
    cells = re.findall(r'<td class="num" data-label="([^"]*)"><b>([^<]*)</b></td>', panel)
    view = case_dashboard.shown(
        case_dashboard.dashboard(case_dashboard.counted_cases(supervisor), unit_level="district"), True
    )
    hidden = [rule.short for rule in case_dashboard.STEP_RULES if view.steps[rule.key].counted == "ẩn"]
    assert hidden, "the fixture hides a share (one late emergency of three)"
    for short in hidden:
        assert (f"{short}: đúng hạn", "ẩn") in cells
    assert "Mọi vụ việc đã tiếp nhận trong địa bàn của bạn" in panel and "ô bị ẩn" in panel
    # The charts too: the steps' bars say "ẩn", and a line chart says that hidden periods are not drawn.
    svg = "{http://www.w3.org/2000/svg}text"
    steps = ET.fromstring(_get(client_for(supervisor), "dashboards:cases_svg", "steps").content)  # noqa: S314
    assert "ẩn" in [t.text for t in steps.iter(svg)]
    ontime = _get(client_for(supervisor), "dashboards:cases_svg", "ontime").content.decode()
    assert "kỳ có số liệu bị ẩn không được vẽ" in ontime


def test_the_recorded_districts_table_says_where_the_new_communes_cases_are(fixed_cases, supervisor, client_for):
    client = client_for(supervisor)
    page = _get(client, "dashboards:cases").content.decode()
    assert 'data-testid="new-communes-note"' in page
    download = _get(client, "dashboards:cases_xlsx", "unit")
    about = dict(openpyxl.load_workbook(io.BytesIO(download.content))["Thông tin"].iter_rows(values_only=True))
    assert about["Lưu ý"] == str(views.NEW_COMMUNES_NOTE)
    # Printed or downloaded, the figures name their area ("Toàn bộ địa bàn của bạn" named none) and the day.
    headline = page.split('data-testid="headline-total">')[1].split("</p>")[0]
    area = views.area_name(supervisor)
    assert area and area != "Toàn quốc"
    assert f'<span lang="vi">{area}</span>' in headline and "in ngày" in headline
    assert about["Địa bàn"] == area


def test_vietnamese_names_on_the_english_panels_are_marked_as_vietnamese(
    fixed_cases, supervision_story, supervisor, province_officer, client_for
):
    """Units, addressees and categories were read with an English voice on English pages (WCAG 3.1.2); the
    tables' own words (forms of harm, "Total") are English and stay unmarked."""
    cases_client = client_for(province_officer)
    cases_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    cases_page = _get(cases_client, "dashboards:cases").content.decode()
    units = re.search(r'data-testid="sheet-unit">(.*?)</table>', cases_page, re.S).group(1)
    marked = re.findall(r'<th scope="row"><span lang="vi">([^<]*)</span></th>', units)
    assert marked and all(name.startswith(("Xã", "Thị trấn", "Phường")) for name in marked), units
    harms = re.search(r'data-testid="sheet-harm">(.*?)</table>', cases_page, re.S).group(1)
    assert "Neglect" in harms and 'lang="vi"' not in harms
    client = client_for(supervisor)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _get(client, "dashboards:supervision", supervision=supervision_story.pk).content.decode()
    addressees = re.search(r'data-testid="sheet-addressees">(.*?)</table>', page, re.S).group(1)
    name = html.escape(supervision_story_addressee(supervision_story))
    assert f'<th scope="row"><span lang="vi">{name}</span></th>' in addressees
    assert '<th scope="row">Total</th>' in addressees
    across = re.search(r'data-testid="sheet-across">(.*?)</table>', page, re.S).group(1)
    category = html.escape('=HYPERLINK("http://x","y")')
    assert f'<th scope="row"><span lang="vi">{category}</span></th>' in across
    unit = supervision_story.findings.get().organisation.unit.name
    assert f'<th scope="col" class="num"><span lang="vi">{unit}</span></th>' in across
    assert f'<span lang="vi">{html.escape(supervision_story.title)}</span>' in page


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(case_specs, max_size=12))
def test_the_index_panel_leaves_out_the_forms_without_changing_what_is_shown(province_officer, specs):
    """The panel skips the forms' pass: its headline, hidden or not, is the dashboard's."""
    with transaction.atomic():
        make_cases(specs, communes())
        cases = case_dashboard.counted_cases(province_officer)
        whole, headline = (
            case_dashboard.dashboard(cases, now=NOW),
            case_dashboard.dashboard(cases, now=NOW, harms=False),
        )
        assert [t.rows for t in headline.tables if t.name == "harm"] == [[]]
        for small in (True, False):
            shown, panel = case_dashboard.shown(whole, small), case_dashboard.shown(headline, small)
            assert (panel.total, panel.steps, panel.median_hours) == (shown.total, shown.steps, shown.median_hours)
        transaction.set_rollback(True)


def test_the_index_shows_the_panels_with_their_headline_numbers(fixed_cases, province_officer, client_for):
    html = _get(client_for(province_officer), "dashboards:index").content.decode()
    assert 'data-testid="panel-cases"' in html and 'data-testid="panel-supervision"' in html
    assert reverse("dashboards:cases") in html and reverse("dashboards:supervision") in html
    assert "66,7%" in html and "Khẩn cấp 12 giờ: đúng hạn" in html  # the emergency step, by its short name


# ----------------------------------------------------------------------------------------- supervision


def _committees() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            unit__in=[f.legacy_district(f.DUC_LINH), f.legacy_district(f.TANH_LINH)],
            kind=OrganisationKind.PEOPLES_COMMITTEE,
        ).order_by("name")
    )


@pytest.fixture
def a_supervision(supervisor):
    union = Organisation.objects.get(name="Hội Liên hiệp Phụ nữ tỉnh Bình Thuận")
    return Supervision.objects.create(
        organisation=union,
        title="Giám sát thử",
        status=SupervisionStatus.PLANNED,
        start_on=datetime.date(2023, 9, 5),
        end_on=datetime.date(2023, 10, 31),
    )


recommendation_specs = st.lists(
    st.tuples(
        st.integers(0, 1),  # addressee
        st.sampled_from(RecommendationStatus.values),
        st.integers(-60, 60),  # due, days from today
        st.booleans(),  # verified
    ),
    max_size=12,
)
finding_specs = st.lists(
    st.tuples(
        st.sampled_from([FindingKind.LIMITATION, FindingKind.RESULT]),
        st.one_of(st.none(), st.integers(0, 7)),  # category
        st.one_of(st.none(), st.integers(0, 1)),  # organisation (None: a general finding)
    ),
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recommendations=recommendation_specs, findings=finding_specs)
def test_the_supervision_figures_match_a_plain_computation(supervisor, a_supervision, recommendations, findings):
    today = timezone.localdate()
    committees = _committees()
    categories = list(FindingCategory.objects.order_by("pk")[:8])
    with transaction.atomic():
        Recommendation.objects.bulk_create(
            Recommendation(
                supervision=a_supervision,
                item=i + 1,
                addressee=committees[who],
                addressee_kind=AddresseeKind.SUPERVISED,
                text="Kiến nghị thử",
                made_on=today - datetime.timedelta(days=90),
                due_on=today + datetime.timedelta(days=due),
                status=status,
                verified_at=NOW if verified else None,
            )
            for i, (who, status, due, verified) in enumerate(recommendations)
        )
        Finding.objects.bulk_create(
            Finding(
                supervision=a_supervision,
                kind=kind,
                text="Nhận xét thử",
                category=categories[c] if c is not None else None,
                organisation=committees[o] if o is not None else None,
            )
            for kind, c, o in findings
        )
        dash = supervision_dashboard.dashboard(
            Recommendation.objects.restrict(supervisor, "view"), Finding.objects.restrict(supervisor, "view"), today
        )

        overdue = [due < 0 and status not in FINAL_STATUSES for _w, status, due, _v in recommendations]
        assert dash.totals["total"] == len(recommendations)
        assert dash.totals["overdue"] == sum(overdue)
        assert dash.totals["verified"] == sum(v for *_rest, v in recommendations)
        statuses = Counter(status for _w, status, _d, _v in recommendations)
        assert {key: n for key, _label, n in dash.statuses} == {
            s: statuses.get(s, 0) for s in RecommendationStatus.values
        }
        per_addressee = defaultdict(lambda: [0, 0])
        for (who, _s, _d, _v), late in zip(recommendations, overdue, strict=True):
            per_addressee[committees[who].name][0] += 1
            per_addressee[committees[who].name][1] += late
        assert {r["addressee__name"]: [r["total"], r["overdue"]] for r in dash.addressees} == per_addressee

        limitations = [(c, o) for kind, c, o in findings if kind == FindingKind.LIMITATION]
        by_category = Counter(categories[c].name if c is not None else None for c, _o in limitations)
        assert {r["category__name"]: r["findings"] for r in dash.categories} == by_category
        cells = Counter(
            (categories[c].pk if c is not None else None, committees[o].unit_id if o is not None else None)
            for c, o in limitations
        )
        units = [pk for pk, _name in dash.across.units]
        found = {
            (pk, unit): n
            for pk, _name, line, _total in dash.across.rows
            for unit, n in zip(units, line, strict=True)
            if n
        }
        assert found == dict(cells)
        assert all(total == sum(line) for _pk, _name, line, total in dash.across.rows)
        transaction.set_rollback(True)


@pytest.fixture
def supervision_story(a_supervision):
    today = timezone.localdate()
    committees = _committees()
    risky = FindingCategory.objects.create(name='=HYPERLINK("http://x","y")')
    Recommendation.objects.create(
        supervision=a_supervision,
        item=1,
        addressee=committees[0],
        addressee_kind=AddresseeKind.SUPERVISED,
        text="Kiến nghị thử",
        made_on=today - datetime.timedelta(days=60),
        due_on=today - datetime.timedelta(days=5),
    )
    Finding.objects.create(
        supervision=a_supervision,
        kind=FindingKind.LIMITATION,
        text="Hạn chế",
        category=risky,
        organisation=committees[0],
    )
    return a_supervision


def test_every_supervision_table_downloads_with_the_page_s_numbers_and_no_formula(
    supervision_story, supervisor, client_for
):
    client = client_for(supervisor)
    recommendations, findings = Recommendation.objects.restrict(supervisor), Finding.objects.restrict(supervisor)
    sheets = exports.supervision_sheets(
        supervision_dashboard.dashboard(recommendations, findings, timezone.localdate())
    )
    for name in SUPERVISION_TABLES:
        response = _get(client, "dashboards:supervision_xlsx", name)
        assert response.status_code == 200, name
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.active
        assert dict(book["Thông tin"].iter_rows(values_only=True))["Năm"] == "Tất cả các năm", name
        rows = list(sheet.iter_rows(values_only=True))
        expected = [tuple(sheets[name].headers), *[tuple(row) for row in sheets[name].rows]]
        assert [tuple(v.lstrip("'") if isinstance(v, str) else v for v in row) for row in rows] == expected, name
        formulas = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
        assert all(c.data_type == "s" for c in formulas)
    for name in SUPERVISION_CHARTS:
        response = _get(client, "dashboards:supervision_svg", name)
        assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml"), name
    page = _get(client, "dashboards:supervision").content.decode()
    assert "HYPERLINK" in page and committee_name(supervision_story) in page


def test_every_chart_of_a_page_has_a_title_of_its_own(fixed_cases, supervision_story, supervisor, client_for):
    """Every chart was titled by id="chart-title": with several on a page the ids clashed, and a screen reader
    read the first chart's title for each."""
    client = client_for(supervisor)
    for page, count in (("dashboards:cases", len(CASE_CHARTS)), ("dashboards:supervision", len(SUPERVISION_CHARTS))):
        html = _get(client, page).content.decode()
        labelled = re.findall(r'<svg [^>]*aria-labelledby="([^"]+)"', html)
        assert len(labelled) == count and len(set(labelled)) == count, page
        ids = Counter(re.findall(r'\bid="([^"]+)"', html))
        assert all(ids[name] == 1 for name in labelled), page


def test_a_chart_whose_text_holds_a_character_xml_forbids_is_still_an_image(supervision_story, supervisor, client_for):
    """A category named with a vertical tab (Word's line break, pasted) made the SVG ill-formed: no image."""
    FindingCategory.objects.filter(name__startswith="=HYPERLINK").update(
        name="Cơ sở vật chất\x0bthiếu\x07"
    )  # \x07: a Word table cell mark; PostgreSQL refuses \x00
    client = client_for(supervisor)
    root = ET.fromstring(_get(client, "dashboards:supervision_svg", "categories").content)  # noqa: S314
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any("Cơ sở vật chất thiếu" in text for text in texts)
    assert "Cơ sở vật chất thiếu" in _get(client, "dashboards:supervision").content.decode()


def committee_name(_supervision) -> str:
    return _committees()[0].name


def test_the_supervision_api_gives_the_page_s_numbers(supervision_story, supervisor, api_client_for, client_for):
    data = api_client_for(supervisor).get("/api/supervision-dashboard").json()
    assert (data["total"], data["overdue"], data["verified"]) == (1, 1, 0)
    assert data["by_addressee"][0]["overdue"] == 1
    assert data["categories_by_unit"][0]["counts"] == [1] and data["units"][0]["unit_id"] is not None
    page = _get(client_for(supervisor), "dashboards:supervision").context["sheets"]["categories"].rows
    fields = ("supervisions", "organisations", "findings", "recommendations")
    assert [[c["category"], *(c[k] for k in fields)] for c in data["categories"]] == page  # "Số kiến nghị" too
    narrowed = api_client_for(supervisor).get("/api/supervision-dashboard", {"supervision": supervision_story.pk})
    assert narrowed.json()["total"] == 1


def test_the_supervision_page_leads_to_the_overdue_recommendations_and_says_a_year_it_cannot_read(
    supervision_story, supervisor, client_for
):
    """The overdue count led nowhere, and a year typed as "24" showed every year without a word."""
    client = client_for(supervisor)
    page = client.get(reverse("dashboards:supervision"), {"supervision": supervision_story.pk}).content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="overdue-list">', page).group(1)
    listed = client.get(html.unescape(link)).content.decode()
    assert "Kiến nghị thử" in listed and 'name="overdue" value="1" checked' in listed
    typed = client.get(reverse("dashboards:supervision"), {"year": "24"}).content.decode()
    assert "Không đọc được năm “24” (dạng 2023): đang xem mọi năm." in typed


# ------------------------------------------------------------------------------------------------ 404


def _case_urls(unit) -> list[str]:
    query = f"?unit={unit.pk}"
    urls = [reverse("dashboards:cases") + query, "/api/case-dashboard" + query]
    urls += [reverse("dashboards:cases_xlsx", args=[n]) + query for n in CASE_TABLES]
    urls += [reverse("dashboards:cases_svg", args=[n]) + query for n in CASE_CHARTS]
    return urls


def _supervision_urls(supervision) -> list[str]:
    query = f"?supervision={supervision.pk}"
    urls = [reverse("dashboards:supervision") + query, "/api/supervision-dashboard" + query]
    urls += [reverse("dashboards:supervision_xlsx", args=[n]) + query for n in SUPERVISION_TABLES]
    urls += [reverse("dashboards:supervision_svg", args=[n]) + query for n in SUPERVISION_CHARTS]
    return urls


def test_an_outsider_gets_404_on_every_new_view_and_endpoint(
    fixed_cases,
    supervision_story,
    outsider,
    hotline_operator,
    commune_worker,
    province_officer,
    client_for,
    api_client_for,
):
    lam_dong = f.current_province(f.LAM_DONG)
    urls = _case_urls(lam_dong) + _supervision_urls(supervision_story)
    for url in urls:
        assert client_for(outsider).get(url).status_code == 404, url
    for url in [u for u in urls if u.startswith("/api/")]:
        assert api_client_for(outsider).get(url).status_code == 404, url
    # Without the permission at all: no cases statistics for the 111 operator, no supervision for a commune worker.
    for url in _case_urls(lam_dong):
        assert client_for(hotline_operator).get(url.split("?")[0]).status_code == 404, url
    for url in _supervision_urls(supervision_story):
        assert client_for(commune_worker).get(url.split("?")[0]).status_code == 404, url
    # Names that are not a table or chart, and a unit that is not a number.
    officer = client_for(province_officer)
    assert officer.get(reverse("dashboards:cases_xlsx", args=["nothing"])).status_code == 404
    assert officer.get(reverse("dashboards:supervision_svg", args=["nothing"])).status_code == 404
    assert officer.get(reverse("dashboards:cases") + "?unit=abc").status_code == 404
    # The same pages answer those who may see them.
    for url in _case_urls(lam_dong):
        assert officer.get(url).status_code == 200, url


def test_the_cases_dashboard_asks_the_database_the_same_number_of_times_whatever_the_number_of_cases(
    province_officer, client_for
):
    """Aggregation happens in the database: no query per case or per period."""
    client = client_for(province_officer)
    counts = []
    for batch in ([spec(day=10)], [spec(day=d, minute=m) for d in (10, 200, 400, 700) for m in (1, 2, 3)]):
        make_cases(batch, communes())
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, "dashboards:cases", step="quarter").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_year_out_of_range_is_ignored_on_the_page_and_refused_by_the_api(
    supervision_story, supervisor, client_for, api_client_for
):
    page = _get(client_for(supervisor), "dashboards:supervision", year="99999")
    assert page.status_code == 200 and committee_name(supervision_story) in page.content.decode()
    response = api_client_for(supervisor).get("/api/supervision-dashboard", {"year": 99999})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "year" and "1900" in error["message"]
    assert api_client_for(supervisor).get("/api/supervision-dashboard", {"year": 2023}).status_code == 200


def test_the_cases_dashboard_puts_reversed_dates_right_and_says_so(client_for, api_client_for, province_officer):
    """Dates typed the wrong way round showed "0 vụ việc" with no word why; a year-1 date was a server error."""
    url = reverse("dashboards:cases")
    client = client_for(province_officer)
    response = client.get(url, {"from": "31/12/2023", "to": "01/01/2023"})
    assert "Hai ngày bị đảo thứ tự; đã lọc từ 01/01/2023 đến 31/12/2023." in response.content.decode()
    choices = response.context["choices"]
    assert (choices.start, choices.end) == (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    far = client.get(url, {"from": "01/01/0001"})
    assert far.status_code == 200
    assert "Tiếp nhận từ ngày: năm của “01/01/0001” phải từ 1900 đến 9998" in far.content.decode()
    assert "không phải ngày" in client.get(url, {"from": "31/02/2023"}).content.decode()
    swapped = {"date_from": "2023-12-31", "date_to": "2023-01-01"}
    api = api_client_for(province_officer).get("/api/case-dashboard", swapped)
    assert api.status_code == 422 and "date_to" in api.content.decode()


@pytest.mark.skipif(django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite")
def test_sqlite_reads_a_jurisdictions_cases_by_commune_not_through_the_duplicates(fixed_cases, province_officer):
    """Without statistics (most SQLite installations never analyse; a migration's table rebuild drops them)
    SQLite took "not a duplicate" (IS NULL) for a rare value when the column had a full index, and read every
    case of the country through it: a second a pass at a million cases. Only duplicates are indexed now."""
    cases = case_dashboard.counted_cases(province_officer).values("channel").annotate(n=Count("pk"))
    sql, params = cases.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "commune" in plan and "duplicate" not in plan, plan


def test_the_supervision_tables_add_up_and_read_in_vietnamese_order(supervision_story, supervisor, client_for):
    """The statuses' table mixed overdue and verified (which cut across statuses) into its rows above a total they
    did not add up to; names were in code-point order ("Đức Linh" after "Tuy Phong")."""
    today = timezone.localdate()
    duc_linh = next(o for o in _committees() if o.name.endswith("Đức Linh"))  # the story's is Tánh Linh's
    Recommendation.objects.create(
        supervision=supervision_story,
        item=2,
        addressee=duc_linh,
        addressee_kind=AddresseeKind.SUPERVISED,
        text="Kiến nghị thử",
        made_on=today - datetime.timedelta(days=60),
        due_on=today - datetime.timedelta(days=5),
    )
    sheets = _get(client_for(supervisor), "dashboards:supervision").context["sheets"]
    statuses = sheets["statuses"].rows
    assert [label for label, _n in statuses] == [*(str(s.label) for s in RecommendationStatus), "Tổng"]
    assert statuses[-1][1] == sum(n for _label, n in statuses[:-1]) == 2
    addressees = sheets["addressees"].rows
    assert addressees[-1] == ["Tổng", 2, *[n for _label, n in statuses[:-1]], 2, 0]
    for column in range(1, len(addressees[0])):
        assert addressees[-1][column] == sum(row[column] for row in addressees[:-1]), column
    # Both overdue once: by name, "Đ" right after "D", so Đức Linh's before Tánh Linh's.
    assert [row[0] for row in addressees[:-1]] == [duc_linh.name, supervision_story_addressee(supervision_story)]
    assert vietnamese_order("Đức Linh") < vietnamese_order("Tánh Linh") < vietnamese_order("Tuy Phong")
    assert vietnamese_order("Hàm Tân") < vietnamese_order("Hàm Thuận Nam")
    assert sorted(["Hở", "Hơ", "Hồ", "Hô", "Ho"], key=vietnamese_order) == ["Ho", "Hô", "Hồ", "Hơ", "Hở"]
    assert sorted(["Ư", "Ú", "U"], key=vietnamese_order) == ["U", "Ú", "Ư"]
    assert [vietnamese_order(w) < vietnamese_order(v) for w, v in (("An", "Ăn"), ("Ăn", "Ân"), ("Ba", "Bà"))] == [
        True,
        True,
        True,
    ]


def test_the_supervision_page_says_what_it_covers_and_what_it_could_not_read(supervision_story, supervisor, client_for):
    """A supervision typed wrong was a bare "Không tìm thấy", a year out of range "could not be read", and on paper
    nothing said which supervision and year the figures were of."""
    client = client_for(supervisor)
    page = client.get(reverse("dashboards:supervision"), {"supervision": "abc", "year": "1899"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Không đọc được cuộc giám sát “abc”: đang xem tất cả." in text
    assert "Năm 1899 ngoài khoảng 1900–9999: đang xem mọi năm." in text
    assert "Tất cả cuộc giám sát bạn được xem · mọi năm" in text
    chosen = client.get(reverse("dashboards:supervision"), {"supervision": supervision_story.pk, "year": "2023"})
    scope = re.search(r'data-testid="supervision-scope">(.*?)</p>', chosen.content.decode(), re.S).group(1)
    assert scope.startswith(f'<span lang="vi">{supervision_story.title}</span> · bắt đầu năm 2023')
    assert "in ngày" in scope
    assert client.get(reverse("dashboards:supervision"), {"supervision": "99999"}).status_code == 404


def supervision_story_addressee(supervision) -> str:
    return supervision.recommendations.get(item=1).addressee.name


def test_a_row_hidden_for_its_own_rows_is_not_left_pinned_beside_its_siblings(supervisor):
    """On time 16 of 16 in a province of three districts (6, 5 and 5 of theirs), the first's communes 1 and 5: the
    communes' late cases add up to 0, so the district was hidden for its communes' sake, after the province's
    table had been concealed with it shown. The province less the other two gave its 6/6 back. Concealment now runs
    until nothing more is hidden."""
    indicator = Indicator(code="CT14", source="cases.emergency_within_12h")

    def row(name, n):
        return UnitRow(Unit(name=name), [Cell(indicator, None, Ratio(Decimal(n), Decimal(n)))])

    province, first, second, third = row("T", 16), row("A", 6), row("B", 5), row("C", 5)
    communes = [row("a1", 1), row("a2", 5)]
    privacy.conceal(supervisor, [(province, [first, second, third]), (first, communes)])
    districts = [first, second, third]
    assert first.cells[0].hidden
    assert province.cells[0].hidden or sum(d.cells[0].hidden for d in districts) >= 2
    # Nothing shown carries what was hidden.
    shown = [r.cells[0] for r in (province, *districts, *communes) if not r.cells[0].hidden]
    assert all(c.withheld is None for c in shown)
    hidden = [r.cells[0] for r in (province, *districts, *communes) if r.cells[0].hidden]
    assert all(c.actual is None for c in hidden)
