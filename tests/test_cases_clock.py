"""The legal clock of a case (giamsat.cases.clock, pure): due times across weekends, Tết and substituted days off
and make-up Saturdays, and the state of each step. No database."""

import datetime
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamsat.cases import clock
from giamsat.cases.clock import Facts, Rules, State, Step
from giamsat.core.workdays import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PLAIN = WorkCalendar()
RULES = Rules()
H = datetime.timedelta(hours=1)


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=VN)


def end_of(y, m, d):
    return datetime.datetime(y, m, d, 23, 59, 59, tzinfo=VN)


def due(facts, calendar=PLAIN, rules=RULES):
    return clock.deadlines(facts, rules, calendar, VN)


def steps(facts, now, calendar=PLAIN, rules=RULES):
    return {s.step: s for s in clock.clock(facts, rules, calendar, now, VN)}


# --------------------------------------------------------------------------------------------- due times


def test_a_plan_received_on_friday_is_due_the_next_friday():
    d = due(Facts(started_at=at(2023, 10, 6, 15)))  # Friday
    assert d[Step.PLAN] == end_of(2023, 10, 13)
    assert d[Step.APPROVAL] == end_of(2023, 10, 17)  # 7 working days: Tuesday after next


def test_a_report_received_on_saturday_starts_counting_on_monday():
    assert due(Facts(started_at=at(2023, 10, 7, 22)))[Step.PLAN] == end_of(2023, 10, 13)


def test_tet_holidays_do_not_count():
    # Friday 02/02/2024; Tết off from Thursday 08/02 to Wednesday 14/02.
    d = due(Facts(started_at=at(2024, 2, 2, 10)))
    assert d[Step.PLAN] == end_of(2024, 2, 16)
    assert d[Step.APPROVAL] == end_of(2024, 2, 20)


def test_a_substituted_day_off_and_its_make_up_saturday_move_the_deadline():
    # Thursday 25/4/2024: 29/4 is a day off substituted for Saturday 04/5, which was worked. The holidays library
    # knows both; the Saturday was not counted until an administrator entered it, so deadlines came a day late.
    start = Facts(started_at=at(2024, 4, 25, 8))
    assert due(start)[Step.PLAN] == end_of(2024, 5, 6)
    assert WorkCalendar().add_working_days(datetime.date(2026, 8, 21), 1) == datetime.date(2026, 8, 22)
    # The administrator can still take such a Saturday back.
    without_it = WorkCalendar.of(days_off=[datetime.date(2024, 5, 4)])
    assert due(start, without_it)[Step.PLAN] == end_of(2024, 5, 7)


def test_an_extra_day_off_entered_by_the_administrator_counts():
    start = Facts(started_at=at(2023, 10, 6, 15))
    extra = WorkCalendar.of(days_off=[datetime.date(2023, 10, 9)])
    assert due(start, extra)[Step.PLAN] == end_of(2023, 10, 16)


def test_the_emergency_measure_is_due_twelve_clock_hours_after_receipt_even_at_tet():
    start = at(2024, 2, 9, 20)  # Lunar New Year's Eve, evening
    d = due(Facts(started_at=start, serious=True))
    assert d[Step.EMERGENCY] == start + 12 * H


def test_no_emergency_step_without_serious_risk():
    assert Step.EMERGENCY not in due(Facts(started_at=at(2023, 10, 6), serious=False))
    assert Step.EMERGENCY not in due(Facts(started_at=at(2023, 10, 6), serious=None))


def test_after_an_emergency_the_plan_counts_from_the_measure():
    facts = Facts(started_at=at(2023, 10, 6, 9), serious=True, emergency_at=at(2023, 10, 6, 18))
    d = due(facts, rules=Rules(emergency_plan_working_days=2, emergency_approval_working_days=4))
    assert d[Step.PLAN] == end_of(2023, 10, 10)
    assert d[Step.APPROVAL] == end_of(2023, 10, 12)


def test_no_plan_is_due_when_there_is_no_risk():
    d = due(Facts(started_at=at(2023, 10, 6), no_risk=True))
    assert set(d) == {Step.INITIAL_ASSESSMENT}


def test_the_configurable_limits_are_used():
    rules = Rules(forward_hours=2, initial_assessment_hours=6, detailed_assessment_working_days=1, review_days=10)
    start = at(2023, 10, 6, 9)
    d = due(Facts(started_at=start, needs_forwarding=True, approved_at=at(2023, 10, 12)), rules=rules)
    assert d[Step.FORWARD] == start + 2 * H
    assert d[Step.INITIAL_ASSESSMENT] == start + 6 * H
    assert d[Step.DETAILED_ASSESSMENT] == end_of(2023, 10, 9)
    assert d[Step.REVIEW] == at(2023, 10, 22)


def test_a_deadline_is_computed_in_vietnamese_time_whatever_the_input_zone():
    utc = datetime.datetime(2023, 10, 6, 18, 30, tzinfo=datetime.UTC)  # 01:30 on Saturday in Viet Nam
    assert due(Facts(started_at=utc))[Step.PLAN] == end_of(2023, 10, 13)


# --------------------------------------------------------------------------------------------- hypothesis

days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(day=days, hour=st.integers(0, 23), extra=st.sets(days, max_size=5), make_up=st.sets(days, max_size=3))
def test_the_plan_deadline_is_always_five_working_days_later(day, hour, extra, make_up):
    calendar = WorkCalendar.of(extra, make_up)
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)
    d = due(Facts(started_at=start), calendar)
    plan_day, approval_day = d[Step.PLAN].date(), d[Step.APPROVAL].date()
    assert calendar.is_working_day(plan_day) and calendar.is_working_day(approval_day)
    assert calendar.working_days_between(day, plan_day) == 5
    assert calendar.working_days_between(plan_day, approval_day) == 2
    assert (plan_day - day).days >= 5
    assert d[Step.PLAN].time() == datetime.time(23, 59, 59)
    # Never a public holiday (unless the administrator made it a working day, which the calendar allows).
    if plan_day not in make_up:
        assert plan_day not in holidays.country_holidays("VN", years=[plan_day.year])


@settings(max_examples=200, deadline=None)
@given(day=days, hour=st.integers(0, 23), minutes=st.integers(0, 60 * 24 * 30))
def test_a_step_done_is_on_time_exactly_when_done_by_its_due_time(day, hour, minutes):
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)
    done = start + datetime.timedelta(minutes=minutes)
    facts = Facts(started_at=start, plan_at=done, initial_assessed_at=start, serious=False)
    plan = steps(facts, done + H)[Step.PLAN]
    assert plan.state == (State.DONE if done <= plan.due else State.DONE_LATE)
    assert (plan.late_by is not None) == (plan.state == State.DONE_LATE)


# --------------------------------------------------------------------------------------------- states

WARN = datetime.timedelta(hours=3)
DUE = at(2023, 10, 6, 21)


@pytest.mark.parametrize(
    ("done", "now", "closed", "expected"),
    [
        (DUE - H, DUE + H, None, State.DONE),
        (DUE, DUE + H, None, State.DONE),
        (DUE + H, DUE + 2 * H, None, State.DONE_LATE),
        (None, DUE - 4 * H, None, State.ON_TIME),
        (None, DUE - 3 * H, None, State.DUE_SOON),
        (None, DUE - H, None, State.DUE_SOON),
        (None, DUE, None, State.DUE_SOON),
        (None, DUE + datetime.timedelta(seconds=1), None, State.OVERDUE),
        (None, DUE + 5 * H, DUE + H, State.MISSED),
        (None, DUE + 5 * H, DUE - H, State.NOT_NEEDED),
    ],
)
def test_each_state_of_a_step(done, now, closed, expected):
    assert clock.state_of(DUE, done, now, WARN, closed) == expected


def test_a_step_without_a_due_time_waits_or_is_not_needed_once_closed():
    assert clock.state_of(None, None, DUE, WARN) == State.WAITING
    assert clock.state_of(None, None, DUE, WARN, DUE) == State.NOT_NEEDED


def test_the_clock_of_a_fresh_hotline_case():
    start = at(2023, 10, 6, 20)
    shown = steps(Facts(started_at=start, needs_forwarding=True, forwarded_at=start + H), start + 10 * H)
    assert list(shown) == [
        Step.FORWARD,
        Step.INITIAL_ASSESSMENT,
        Step.EMERGENCY,
        Step.DETAILED_ASSESSMENT,
        Step.PLAN,
        Step.APPROVAL,
        Step.REVIEW,
    ]
    assert shown[Step.FORWARD].state == State.DONE
    assert shown[Step.INITIAL_ASSESSMENT].state == State.DUE_SOON  # due at 08:00, it is 06:00
    assert shown[Step.EMERGENCY].state == State.WAITING  # the assessment decides whether it is needed
    assert shown[Step.REVIEW].state == State.WAITING
    assert shown[Step.PLAN].legal and not shown[Step.DETAILED_ASSESSMENT].legal


def test_an_overdue_emergency_measure_and_the_next_step_due():
    start = at(2023, 10, 6, 8)
    facts = Facts(started_at=start, initial_assessed_at=start + H, serious=True)
    shown = steps(facts, start + 13 * H)
    assert shown[Step.EMERGENCY].state == State.OVERDUE
    assert shown[Step.EMERGENCY].late_by == H
    assert clock.next_due(list(shown.values())).step == Step.EMERGENCY


def test_a_case_assessed_as_without_risk_shows_no_plan_steps():
    start = at(2023, 10, 6, 8)
    shown = steps(Facts(started_at=start, initial_assessed_at=start + H, serious=False, no_risk=True), start + 2 * H)
    assert set(shown) == {Step.INITIAL_ASSESSMENT}


def test_a_case_closed_before_its_plan_was_due_does_not_count_it_missed():
    start = at(2023, 10, 6, 8)
    facts = Facts(started_at=start, initial_assessed_at=start + H, serious=False, closed_at=start + 2 * H)
    shown = steps(facts, start + 30 * 24 * H)
    assert shown[Step.PLAN].state == State.NOT_NEEDED
    late = Facts(started_at=start, initial_assessed_at=start + H, serious=False, closed_at=start + 20 * 24 * H)
    assert steps(late, start + 30 * 24 * H)[Step.PLAN].state == State.MISSED


# --------------------------------------------------------------------------------------------- review


APPROVED = at(2023, 10, 12, 10)


def _approved(**more):
    return Facts(started_at=at(2023, 10, 6), initial_assessed_at=at(2023, 10, 6, 11), serious=False,
                 detailed_assessed_at=at(2023, 10, 9),
                 plan_at=at(2023, 10, 10), approved_at=APPROVED, **more)  # fmt: skip


def test_a_plan_that_goes_on_is_reviewed_again_until_the_case_closes():
    """After one review (outcome: go on), the case had no step left to fall due: never overdue, never reminded."""
    first = steps(_approved(), at(2023, 11, 12))[Step.REVIEW]
    assert (first.due, first.state) == (APPROVED + 30 * 24 * H, State.OVERDUE)
    reviewed = at(2023, 11, 10, 15)
    again = steps(_approved(reviews=(reviewed,)), at(2023, 11, 20))[Step.REVIEW]
    assert (again.due, again.done_at, again.state) == (reviewed + 30 * 24 * H, None, State.ON_TIME)
    later = steps(_approved(reviews=(reviewed, at(2023, 12, 1))), at(2024, 1, 5))[Step.REVIEW]
    assert (later.due, later.state) == (at(2023, 12, 31), State.OVERDUE)
    assert clock.next_due(list(steps(_approved(reviews=(reviewed,)), at(2023, 11, 20)).values())).step == Step.REVIEW


def test_a_closed_case_shows_its_last_review_or_the_one_it_missed():
    reviewed = at(2023, 11, 10, 15)
    closed_at_review = steps(_approved(reviews=(reviewed,), closed_at=reviewed), at(2024, 3, 1))[Step.REVIEW]
    assert (closed_at_review.due, closed_at_review.done_at) == (APPROVED + 30 * 24 * H, reviewed)
    assert closed_at_review.state == State.DONE
    skipped = steps(_approved(reviews=(reviewed,), closed_at=at(2024, 1, 20)), at(2024, 3, 1))[Step.REVIEW]
    assert (skipped.due, skipped.state) == (reviewed + 30 * 24 * H, State.MISSED)
    never = steps(_approved(closed_at=at(2023, 10, 20)), at(2024, 3, 1))[Step.REVIEW]
    assert never.state == State.NOT_NEEDED


def test_the_plans_planned_review_day_sets_the_first_review():
    """Mẫu 04's "ngày dự kiến rà soát" was printed on the plan and ignored by the clock."""
    assert due(_approved(planned_review=datetime.date(2023, 12, 7)))[Step.REVIEW] == end_of(2023, 12, 7)
    # A day already past when the plan was approved falls back on the configured period.
    assert due(_approved(planned_review=datetime.date(2023, 10, 11)))[Step.REVIEW] == APPROVED + 30 * 24 * H


def test_a_late_emergency_measure_does_not_move_the_plan_later():
    """Recorded late, the measure gave the plan and the approval a new start, so an overdue plan became on time."""
    start = at(2023, 10, 2, 9)  # Monday; the measure was due at 21:00
    on_time = due(Facts(started_at=start, serious=True, emergency_at=start + 2 * H))
    assert on_time[Step.PLAN] == end_of(2023, 10, 9)
    late = due(Facts(started_at=start, serious=True, emergency_at=at(2023, 10, 13, 10)))
    assert late[Step.PLAN] == end_of(2023, 10, 9)
    assert late[Step.APPROVAL] == end_of(2023, 10, 11)


def test_a_risk_raised_to_high_later_keeps_the_receipts_twelve_hours_unless_set_otherwise():
    """The decree counts the 12 hours from receiving the information; a province may count them from the assessment
    that found the serious risk (CaseSettings.emergency_from_escalation)."""
    start = at(2023, 10, 2, 9)
    raised = Facts(started_at=start, serious=True, escalated_at=at(2023, 10, 5, 14))
    assert due(raised)[Step.EMERGENCY] == start + 12 * H
    by_escalation = Rules(emergency_from_escalation=True)
    assert due(raised, rules=by_escalation)[Step.EMERGENCY] == at(2023, 10, 6, 2)
    # The plan after the measure follows the later deadline too; a risk high from the start is unchanged.
    assert due(raised, rules=by_escalation)[Step.PLAN] == end_of(2023, 10, 13)
    high_at_once = Facts(started_at=start, serious=True)
    assert due(high_at_once, rules=by_escalation)[Step.EMERGENCY] == start + 12 * H
