"""The achievement engine: how far a unit has come towards a target, and what to call it.

Pure functions with no Django import, so the rules can be tested in milliseconds and reused by views, the API,
exports and documents alike. The rules follow TolaData, DHIS2 and Open SDG practice:

- Ratio indicators (a rate such as "child-abuse rate 4.5%") are pooled as Σnumerator / Σdenominator over
  periods (here) and over units (summed in the database, `reporting.queries`). Averaging percentages would give
  a commune of 10 children the weight of a town of 10,000, so the pair is kept (`Ratio`) until the very end, and
  values and targets of ratio indicators are in percent, as the programmes state them.
- Achievement is a share of the target (1 = 100%). "Decrease" indicators measure how much of the promised
  reduction happened, which needs a baseline; without one, target / actual is the common fallback.
- A target is judged against the progress expected by now (the share of its period elapsed), so a five-year
  target half-way through is on track at 50%, and "met" / "not met" is all that is left once its period ends.
- Numbers are exact: inputs are `int` or `Decimal` (floats are refused: 0.1 + 0.2 must not miss a target of
  0.3), computed exactly (as `Fraction`, or as integers where they suffice), and returned as `Decimal` truncated
  to six places (0.0001%). Exactly 100% is `Decimal("1")`, never 0.9999999, and truncating rather than rounding
  means 99.99999% never shows as met.
- Negative values are errors, not data: every indicator here counts, sums money, or is a rate.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, Inexact
from enum import StrEnum
from fractions import Fraction
from functools import cache, reduce
from typing import TypeVar

PLACES = 6
# Traps any rounding: a product that would not be exact raises instead of being compared wrongly.
_EXACT = Context(prec=200, traps=[Inexact])
_SCALE = 10**PLACES
_UNIT = Decimal(1)

Number = int | Decimal
_Choice = TypeVar("_Choice", bound=StrEnum)


def _exact(number: Number, name: str = "value") -> Fraction:
    """The exact value of a non-negative int or finite Decimal; anything else is refused with its name."""
    _check(number, name)
    return Fraction(number)


def _check(number: Number, name: str) -> None:
    """Refuse what is not a non-negative int or finite Decimal, naming it. Exact types first: this runs for every
    number of every cell of a national matrix."""
    kind = type(number)
    if kind is not int and kind is not Decimal and (isinstance(number, bool) or not isinstance(number, int | Decimal)):
        raise TypeError(f"{name} must be an int or a Decimal, not {kind.__name__} ({number!r})")
    if isinstance(number, Decimal) and not number.is_finite():
        raise ValueError(f"{name} must be a finite number, not {number}")
    if number < 0:
        raise ValueError(f"{name} must not be negative, not {number}")


class Kind(StrEnum):
    COUNT = "count"
    AMOUNT = "amount"
    RATIO = "ratio"
    MILESTONE = "milestone"  # 1 when done, 0 when not; its target is 1


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


class TimeMethod(StrEnum):
    SUM = "sum"  # flows: children helped per quarter add up to the year
    LATEST = "latest"  # stocks: the number of play spaces at the last report
    AVERAGE = "average"


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Ratio:
    """A rate kept as its two counts so that rates of several units or periods can be pooled."""

    numerator: Number
    denominator: Number

    def __post_init__(self):
        _check(self.numerator, "numerator")
        _check(self.denominator, "denominator")
        if self.denominator == 0 and self.numerator != 0:
            raise ValueError(f"a ratio with denominator 0 must have numerator 0, not {self.numerator}")

    @property
    def percent(self) -> Decimal | None:
        """100 · numerator / denominator; None when the denominator is 0 (nobody to count, so no data)."""
        numerator, denominator = _pair(self)
        return _truncated(numerator, denominator) if denominator else None


@dataclass(frozen=True)
class Observation:
    """The value one unit reported for one period of one indicator: a number, or a Ratio for ratio indicators."""

    period_end: date
    value: Number | Ratio

    def __post_init__(self):
        if not isinstance(self.period_end, date):
            raise TypeError(f"period_end must be a date, not {type(self.period_end).__name__}")
        if not isinstance(self.value, Ratio):
            _check(self.value, "value")


@dataclass(frozen=True)
class Bands:
    """Thresholds of the status bands. on_track and at_risk are shares of the progress expected to date."""

    met: Decimal = Decimal("1")
    on_track: Decimal = Decimal("0.85")
    at_risk: Decimal = Decimal("0.60")

    def __post_init__(self):
        met, on_track, at_risk = (_exact(getattr(self, name), name) for name in ("met", "on_track", "at_risk"))
        if met == 0:
            raise ValueError("the met threshold must be above 0")
        if not at_risk <= on_track <= 1:
            raise ValueError(f"bands need 0 <= at_risk <= on_track <= 1, not at_risk={at_risk}, on_track={on_track}")


DEFAULT_BANDS = Bands()


@dataclass(frozen=True)
class Share:
    """How many targets a unit met, out of those with data; no_data says how many could not be judged."""

    met: int
    with_data: int
    no_data: int

    @property
    def value(self) -> Decimal | None:
        return _decimal(Fraction(self.met, self.with_data)) if self.with_data else None


def combine_over_time(observations: Iterable[Observation], method: str, kind: str) -> Decimal | Ratio | None:
    """One unit's value of one indicator over several periods; None when nothing was reported.

    "average" divides by the periods reported, not the periods elapsed. Ratio indicators pool their pairs for
    "sum" and "average" and take the latest pair for "latest". A milestone is reached once any period reports it
    done, whatever the method: a play space opened in 2022 is still open in 2023.
    """
    method, kind = _choice(TimeMethod, method, "time method"), _choice(Kind, kind, "indicator kind")
    observations = list(observations)
    values = [_checked_value(o.value, kind) for o in observations]
    ends = [o.period_end for o in observations]
    if len(set(ends)) != len(ends):
        raise ValueError("two observations end on the same day: one unit reports one value per period")
    if not values:
        return None
    if kind == Kind.MILESTONE:
        return _as_decimal(max(values))
    if method == TimeMethod.LATEST:
        latest = max(zip(ends, values, strict=True), key=lambda pair: pair[0])[1]
        return latest if kind == Kind.RATIO else _as_decimal(latest)
    if kind == Kind.RATIO:
        return _pooled(values)
    if method == TimeMethod.SUM:
        return _as_decimal(reduce(_EXACT.add, values, Decimal(0)))
    return _decimal(sum(_exact(v) for v in values) / len(values))


def achievement(
    direction: str,
    target: Number,
    actual: Number | Ratio | None,
    baseline: Number | None = None,
    tolerance: Number | None = None,
) -> Decimal | None:
    """Share of the target achieved (1 = 100%, may exceed 1); None when there is no actual value.

    A Ratio actual is compared in percent with the target. The baseline counts only for "decrease", the
    tolerance (an absolute amount, required) only for "maintain". The edge cases:

    - increase with target 0: any actual meets it (1), as nothing was asked;
    - decrease with a baseline: (baseline - actual) / (baseline - target), never below 0 (worse than the
      baseline is no progress); a target above the baseline is refused as contradictory;
    - decrease without a baseline, or with baseline == target (no reduction asked): target / actual, capped
      at 1. Uncapped it would grow without bound as the actual nears 0 (and divide by zero at 0); capped,
      an actual at or below the target is exactly 100% and the result keeps falling as the actual rises;
    - maintain: 1 within target ± tolerance; outside, actual / lower edge below the band and upper edge /
      actual above it, so it is below 1 and keeps falling the further the actual strays from the band.
    """
    direction = _choice(Direction, direction, "direction")
    _check(target, "target")
    if baseline is not None:
        _check(baseline, "baseline")
    if tolerance is not None:
        _check(tolerance, "tolerance")
    if actual is None:
        return None
    if not isinstance(actual, Ratio):
        _check(actual, "actual")
    # In integers, without Fractions: a national matrix judges tens of thousands of cells.
    numerator, denominator = _pair(actual)
    if not denominator:
        return None
    target_numerator, target_denominator = target.as_integer_ratio()
    match direction:
        case Direction.INCREASE:
            if not target:
                return Decimal(1)
            return _truncated(numerator * target_denominator, denominator * target_numerator)
        case Direction.DECREASE if baseline is not None and baseline != target:
            if target > baseline:
                raise ValueError(f"a decrease target ({target}) must not be above its baseline ({baseline})")
            baseline_numerator, baseline_denominator = baseline.as_integer_ratio()
            # (baseline - actual) / (baseline - target), both differences over the baseline's denominator
            reduced = baseline_numerator * denominator - numerator * baseline_denominator
            asked = baseline_numerator * target_denominator - target_numerator * baseline_denominator
            return _truncated(max(reduced, 0) * target_denominator, asked * denominator)
        case Direction.DECREASE:
            if not numerator:
                return Decimal(1)
            # target / actual, capped at 1
            return _truncated(
                min(target_numerator * denominator, numerator * target_denominator), numerator * target_denominator
            )
    # Direction.MAINTAIN, the rare one: in Fractions.
    if tolerance is None:
        raise ValueError("a maintain indicator needs a tolerance (0 to require the exact target)")
    actual, target, tolerance = Fraction(numerator, denominator), Fraction(target), Fraction(tolerance)
    low, high = target - tolerance, target + tolerance
    if actual < low:
        result = actual / low
    elif actual > high:
        result = high / actual
    else:
        result = Fraction(1)
    return _decimal(result)


def expected_progress(period_start: date, period_end: date, as_of: date) -> Decimal:
    """Share of the target's period elapsed by the end of as_of, counting whole days: 0 before, 1 after.

    2021-01-01–2025-12-31 as of 2023-07-02 is 913 of 1,826 days, 0.5; a year's target on 31 December is 1.
    """
    if period_end < period_start:
        raise ValueError(f"the period ends ({period_end}) before it starts ({period_start})")
    days = (period_end - period_start).days + 1
    elapsed = (as_of - period_start).days + 1
    return _decimal(Fraction(min(max(elapsed, 0), days), days))


def status(achievement: Decimal | None, expected: Number, bands: Bands = DEFAULT_BANDS) -> Status:
    """The band of an achievement given the progress expected to date (see `expected_progress`).

    Thresholds are inclusive: exactly 85% of the expected progress is on track. Once the period is over
    (expected 1) a target is met or not: what would be on track is at risk, below 60% off track. For a
    maintain indicator, pass expected 1: a level is held or it is not.
    """
    _check(expected, "expected progress")
    if expected > 1:
        raise ValueError(f"expected progress is a share of the period, at most 1, not {expected}")
    if achievement is None:
        return Status.NO_DATA
    _check(achievement, "achievement")
    # ints and Decimals compare exactly with each other; the products are exact in a context wide enough for
    # both factors' digits (the engine's Decimals have at most PLACES decimals), so no Fraction is needed here.
    if achievement >= bands.met:
        return Status.MET
    if expected < 1 and achievement >= _EXACT.multiply(bands.on_track, expected):
        return Status.ON_TRACK
    if achievement >= _EXACT.multiply(bands.at_risk, expected):
        return Status.AT_RISK
    return Status.OFF_TRACK


def share_met(statuses: Iterable[str]) -> Share:
    """A unit's "6/11 chỉ tiêu đạt": targets met out of targets with data; those without data are counted apart."""
    statuses = [_choice(Status, s, "status") for s in statuses]
    no_data = statuses.count(Status.NO_DATA)
    return Share(met=statuses.count(Status.MET), with_data=len(statuses) - no_data, no_data=no_data)


def _checked_value(value: Number | Ratio, kind: Kind) -> Number | Ratio:
    if (kind == Kind.RATIO) != isinstance(value, Ratio):
        needed = "a Ratio (numerator and denominator)" if kind == Kind.RATIO else "a number, not a Ratio"
        raise ValueError(f"a {kind} indicator takes {needed}: got {value!r}")
    if kind == Kind.MILESTONE and value not in (0, 1):
        raise ValueError(f"a milestone is 1 (done) or 0 (not done), not {value}")
    return value


def _pooled(ratios: list[Ratio]) -> Ratio:
    return Ratio(sum(r.numerator for r in ratios), sum(r.denominator for r in ratios))


def _decimal(exact: Fraction) -> Decimal:
    """Truncate to PLACES decimals and drop trailing zeros down to units: 15, 10.5, 0.666666."""
    return _truncated(exact.numerator, exact.denominator)


def _truncated(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator (both non-negative) as `_decimal` gives it."""
    scaled, exponent = numerator * _SCALE // denominator, -PLACES
    while exponent < 0 and scaled % 10 == 0:
        scaled, exponent = scaled // 10, exponent + 1
    return Decimal(f"{scaled}E{exponent}")


def _as_decimal(number: Number) -> Decimal:
    """A checked int or Decimal as `_decimal` gives it; directly when it has at most PLACES decimals."""
    if not number:
        return Decimal(0)
    if type(number) is int:
        return Decimal(number)
    if number.as_tuple().exponent < -PLACES:
        return _decimal(Fraction(number))
    shown = number.normalize(_EXACT)
    return shown if shown.as_tuple().exponent <= 0 else shown.quantize(_UNIT, context=_EXACT)


def _pair(value: Number | Ratio) -> tuple[int, int]:
    """A number, or a ratio in percent, as a numerator and denominator (0 for a ratio with nobody counted)."""
    if isinstance(value, Ratio):
        top, top_denominator = value.numerator.as_integer_ratio()
        bottom, bottom_denominator = value.denominator.as_integer_ratio()
        return 100 * top * bottom_denominator, top_denominator * bottom
    return value.as_integer_ratio()


def _choice(enum: type[_Choice], value: str, name: str) -> _Choice:
    member = _members(enum).get(value) if isinstance(value, str) else None
    if member is None:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(f"unknown {name} {value!r}: expected one of {allowed}")
    return member


@cache
def _members(enum: type[_Choice]) -> dict[str, _Choice]:
    """Value → member, looked up directly: calling the enum costs more than the rest of a cell's judging."""
    return {member.value: member for member in enum}
