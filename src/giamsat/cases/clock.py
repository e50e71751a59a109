"""The legal clock of a case (Decree 56/2017/NĐ-CP, Chapter III; DOMAIN.md §3). Pure: no Django import, so the
rules are tested in milliseconds, with hypothesis, across weekends, Tết and substituted days off.

Time limits confirmed by the decree are constants here; the unconfirmed ones come in `Rules`, which the
application fills from the administrator-edited `CaseSettings` row:

| step                      | due                                                                    | source       |
|---------------------------|------------------------------------------------------------------------|--------------|
| forward to the UBND xã    | start + `forward_hours`                                                | configurable |
| initial assessment (02)   | start + `initial_assessment_hours`                                     | configurable |
| emergency measure         | start + 12 hours, when the risk is serious; optionally, when a later    | decree /     |
|                           | assessment raised the risk to high, that assessment + 12 hours         | configurable |
| detailed assessment (03)  | end of the working day `detailed_assessment_working_days` after start  | configurable |
| plan (04)                 | end of the 5th working day after start; after an emergency measure:     | decree /     |
|                           | `emergency_plan_working_days` after the measure                        | configurable |
| approval (05)             | end of the 7th working day after start (after a measure: configurable) | decree       |
| review                    | the plan's planned review day, else `review_days` calendar days after  | configurable |
|                           | approval; then `review_days` after each review, until the case closes  |              |

"start" is the receipt of the information for the first cycle, and the start of a new plan cycle or a reopening
for later ones. A working-day deadline ends at 23:59:59 local time of its last day: "within 5 working days" gives
the whole fifth day.
"""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from giamsat.core.workdays import WorkCalendar

EMERGENCY_HOURS = 12
PLAN_WORKING_DAYS = 5
APPROVAL_WORKING_DAYS = 7


class Step(StrEnum):
    FORWARD = "forward"
    INITIAL_ASSESSMENT = "initial_assessment"
    EMERGENCY = "emergency"
    DETAILED_ASSESSMENT = "detailed_assessment"
    PLAN = "plan"
    APPROVAL = "approval"
    REVIEW = "review"


class State(StrEnum):
    DONE = "done"  # done on time
    DONE_LATE = "done_late"
    ON_TIME = "on_time"  # pending, time left
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MISSED = "missed"  # the case was closed after the step fell due, without it
    WAITING = "waiting"  # cannot fall due yet: an earlier step decides it
    NOT_NEEDED = "not_needed"


PENDING = {State.ON_TIME, State.DUE_SOON, State.OVERDUE}
HOUR_STEPS = {Step.FORWARD, Step.INITIAL_ASSESSMENT, Step.EMERGENCY}


@dataclass(frozen=True)
class Rules:
    forward_hours: int = 12
    initial_assessment_hours: int = 12
    detailed_assessment_working_days: int = 3
    emergency_plan_working_days: int = 5
    emergency_approval_working_days: int = 7
    review_days: int = 30
    # The decree counts the 12 hours "from receiving the information". Whether a risk found high only by a later
    # assessment restarts them is not confirmed: off, they run from the start of the cycle.
    emergency_from_escalation: bool = False
    warn_hours_short: int = 3  # "due soon" this many hours before an hour deadline
    warn_hours_long: int = 24  # and before a working-day or calendar-day deadline


@dataclass(frozen=True)
class Facts:
    """What happened in the current cycle of a case (aware datetimes, None when not yet)."""

    started_at: datetime.datetime
    cycle: int = 1
    needs_forwarding: bool = False
    forwarded_at: datetime.datetime | None = None
    initial_assessed_at: datetime.datetime | None = None
    # The latest initial assessment's risk: True high, False lower, None not assessed yet.
    serious: bool | None = None
    # When an assessment raised the risk to high after an earlier one of the cycle had found it lower (the latest
    # such rise); None when the risk was high from the first assessment, or reported as immediate danger.
    escalated_at: datetime.datetime | None = None
    no_risk: bool = False  # assessed as no risk: no plan is needed
    emergency_at: datetime.datetime | None = None
    detailed_assessed_at: datetime.datetime | None = None
    plan_at: datetime.datetime | None = None  # submitted for approval
    approved_at: datetime.datetime | None = None
    planned_review: datetime.date | None = None  # "ngày dự kiến rà soát" of the approved plan (Mẫu 04)
    reviews: tuple[datetime.datetime, ...] = ()  # the plan's reviews, in order
    closed_at: datetime.datetime | None = None


@dataclass(frozen=True)
class StepClock:
    step: Step
    due: datetime.datetime | None
    done_at: datetime.datetime | None
    state: State
    legal: bool = False  # the time limit is the decree's, not a configured one
    late_by: datetime.timedelta | None = field(default=None, compare=False)

    @property
    def pending(self) -> bool:
        return self.state in PENDING


def end_of_working_day(start: datetime.datetime, days: int, calendar: WorkCalendar) -> datetime.datetime:
    """23:59:59 (in start's time zone) of the day `days` working days after start's local day."""
    local = start
    day = calendar.add_working_days(local.date(), days)
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=local.tzinfo)


def deadlines(facts: Facts, rules: Rules, calendar: WorkCalendar, tz: datetime.tzinfo) -> dict[Step, datetime.datetime]:
    """The due time of each step that applies to the cycle (a step missing from the result has no due time yet,
    or does not apply)."""
    start = facts.started_at.astimezone(tz)
    due: dict[Step, datetime.datetime] = {}
    if facts.needs_forwarding and facts.cycle == 1:
        due[Step.FORWARD] = start + datetime.timedelta(hours=rules.forward_hours)
    due[Step.INITIAL_ASSESSMENT] = start + datetime.timedelta(hours=rules.initial_assessment_hours)
    if facts.serious:
        known = start
        if rules.emergency_from_escalation and facts.escalated_at is not None:
            known = max(start, facts.escalated_at.astimezone(tz))
        due[Step.EMERGENCY] = known + datetime.timedelta(hours=EMERGENCY_HOURS)
    if facts.no_risk:
        return due
    due[Step.DETAILED_ASSESSMENT] = end_of_working_day(start, rules.detailed_assessment_working_days, calendar)
    if facts.serious:
        # "Within 5 working days, except emergencies": after an emergency measure the plan follows it.
        # A late measure does not lend the plan its delay: counted from its own deadline at the latest.
        base = min(facts.emergency_at or due[Step.EMERGENCY], due[Step.EMERGENCY]).astimezone(tz)
        due[Step.PLAN] = end_of_working_day(base, rules.emergency_plan_working_days, calendar)
        due[Step.APPROVAL] = end_of_working_day(base, rules.emergency_approval_working_days, calendar)
    else:
        due[Step.PLAN] = end_of_working_day(start, PLAN_WORKING_DAYS, calendar)
        due[Step.APPROVAL] = end_of_working_day(start, APPROVAL_WORKING_DAYS, calendar)
    if facts.approved_at is not None:
        due[Step.REVIEW] = _review(facts, rules, tz)[0]
    return due


def _review(facts: Facts, rules: Rules, tz: datetime.tzinfo) -> tuple[datetime.datetime, datetime.datetime | None]:
    """The review step's due time and when it was done. An open case always has its next review pending: a plan
    that goes on is reviewed again `review_days` after the last review, until the case closes. A closed case shows
    the next review as missed if it fell due before the closure, else its last review (none: not needed)."""
    period = datetime.timedelta(days=rules.review_days)
    first = facts.approved_at.astimezone(tz) + period
    if facts.planned_review is not None:
        planned = datetime.datetime.combine(facts.planned_review, datetime.time(23, 59, 59), tzinfo=tz)
        first = planned if planned >= facts.approved_at else first  # a day already past at approval is stale
    dues = [first, *(r.astimezone(tz) + period for r in facts.reviews)]
    upcoming = dues[len(facts.reviews)]
    if facts.closed_at is None or upcoming < facts.closed_at or not facts.reviews:
        return upcoming, None
    return dues[len(facts.reviews) - 1], facts.reviews[-1]


def _done(facts: Facts, step: Step, review_done: datetime.datetime | None) -> datetime.datetime | None:
    return {
        Step.FORWARD: facts.forwarded_at,
        Step.INITIAL_ASSESSMENT: facts.initial_assessed_at,
        Step.EMERGENCY: facts.emergency_at,
        Step.DETAILED_ASSESSMENT: facts.detailed_assessed_at,
        Step.PLAN: facts.plan_at,
        Step.APPROVAL: facts.approved_at,
        Step.REVIEW: review_done,
    }[step]


def state_of(
    due: datetime.datetime | None,
    done_at: datetime.datetime | None,
    now: datetime.datetime,
    warn: datetime.timedelta,
    closed_at: datetime.datetime | None = None,
) -> State:
    """One step's state. Done: on time or late. Not done: overdue, due soon (within `warn`), on time; or, in a
    closed case, missed when it fell due before the closure and not needed otherwise."""
    if done_at is not None:
        if due is None or done_at <= due:
            return State.DONE
        return State.DONE_LATE
    if due is None:
        return State.NOT_NEEDED if closed_at is not None else State.WAITING
    if closed_at is not None:
        return State.MISSED if due < closed_at else State.NOT_NEEDED
    if now > due:
        return State.OVERDUE
    if due - now <= warn:
        return State.DUE_SOON
    return State.ON_TIME


def clock(
    facts: Facts, rules: Rules, calendar: WorkCalendar, now: datetime.datetime, tz: datetime.tzinfo
) -> list[StepClock]:
    """Every step of the cycle in order, with its due time, when it was done, and its state."""
    due = deadlines(facts, rules, calendar, tz)
    review_done = _review(facts, rules, tz)[1] if facts.approved_at is not None else None
    steps = []
    for step in Step:
        done_at = _done(facts, step, review_done)
        if step == Step.FORWARD and not (facts.needs_forwarding and facts.cycle == 1):
            continue
        if step == Step.EMERGENCY and facts.serious is False and done_at is None:
            continue  # not serious: no emergency measure is required
        if step in (Step.DETAILED_ASSESSMENT, Step.PLAN, Step.APPROVAL, Step.REVIEW) and facts.no_risk and not done_at:
            continue  # no risk: no plan
        warn = datetime.timedelta(hours=rules.warn_hours_short if step in HOUR_STEPS else rules.warn_hours_long)
        step_due = due.get(step)
        state = state_of(step_due, done_at, now, warn, facts.closed_at)
        late_by = None
        if step_due is not None:
            if state == State.DONE_LATE:
                late_by = done_at - step_due
            elif state in (State.OVERDUE, State.MISSED):
                late_by = (facts.closed_at or now) - step_due
        steps.append(
            StepClock(
                step,
                step_due,
                done_at,
                state,
                legal=step in (Step.EMERGENCY, Step.PLAN, Step.APPROVAL)
                and not (facts.serious and step != Step.EMERGENCY),
                late_by=late_by,
            )
        )
    return steps


def next_due(steps: list[StepClock]) -> StepClock | None:
    """The pending step that falls due first."""
    pending = [s for s in steps if s.pending and s.due is not None]
    return min(pending, key=lambda s: s.due, default=None)
