"""The achievement engine (giamsat.reporting.achievement): aggregation, achievement, expected progress, bands."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from giamsat.reporting.achievement import (
    DEFAULT_BANDS,
    Bands,
    Observation,
    Ratio,
    Share,
    Status,
    achievement,
    combine_over_time,
    expected_progress,
    share_met,
    status,
)

D = Decimal

# Values as the database holds them (DecimalField, 4 places), and rates as pairs of counts.
amounts = st.decimals(min_value=0, max_value=10**12, places=4)
positive_amounts = st.decimals(min_value=D("0.0001"), max_value=10**12, places=4)
ratios = st.integers(min_value=1, max_value=10**6).flatmap(
    lambda den: st.builds(Ratio, st.integers(min_value=0, max_value=2 * den), st.just(den))
)
shares = st.decimals(min_value=0, max_value=1, places=6)

# Status bands from best to worst: a higher achievement never lands in a later one.
BAND_ORDER = [Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK]


def observations(values):
    """One observation per quarter from Q1 2021, in order."""
    return [Observation(date(2021, 3, 31) + timedelta(days=92 * i), v) for i, v in enumerate(values)]


def truncated(result: Decimal, exact: Fraction) -> bool:
    """The engine's six decimal places cut off the exact value, never round it up."""
    return Fraction(result) <= exact < Fraction(result) + Fraction(1, 10**6)


# Ratio indicators: pooled, never averaged


def test_it_pools_a_ratio_over_time_for_sum_and_average_and_takes_the_latest_pair_for_latest():
    quarters = observations([Ratio(1, 10), Ratio(9, 30), Ratio(2, 4)])
    assert combine_over_time(quarters, "sum", "ratio") == Ratio(12, 44)
    assert combine_over_time(quarters, "average", "ratio") == Ratio(12, 44)
    assert combine_over_time(quarters, "latest", "ratio") == Ratio(2, 4)


def test_it_has_no_rate_when_the_pooled_denominator_is_zero():
    pooled = Ratio(0, 0)
    assert pooled.percent is None
    assert achievement("increase", D(50), pooled) is None


def test_it_compares_a_ratio_actual_with_its_target_in_percent_exactly():
    one_third = combine_over_time(observations([Ratio(1, 3)] * 3), "average", "ratio")
    assert one_third.percent == D("33.333333")
    assert achievement("increase", D("33.333333"), one_third) == 1
    assert achievement("decrease", D("4.5"), Ratio(3, 100)) == 1


# Achievement by direction


@given(positive_amounts, amounts, amounts)
def test_increase_achievement_rises_with_the_actual(target, actual, other):
    low, high = sorted([actual, other])
    assert achievement("increase", target, low) <= achievement("increase", target, high)


@given(positive_amounts, amounts)
def test_increase_achievement_is_actual_over_target(target, actual):
    assert truncated(achievement("increase", target, actual), Fraction(actual) / Fraction(target))


@given(amounts)
def test_an_increase_target_of_zero_is_met_by_any_actual(actual):
    assert achievement("increase", 0, actual) == 1


@given(amounts, amounts, amounts, amounts)
def test_decrease_achievement_rises_as_the_actual_falls_with_a_baseline(target, reduction, actual, other):
    baseline = target + reduction
    low, high = sorted([actual, other])
    assert achievement("decrease", target, low, baseline=baseline) >= achievement(
        "decrease", target, high, baseline=baseline
    )


@given(amounts, amounts, amounts)
def test_decrease_achievement_rises_as_the_actual_falls_without_a_baseline(target, actual, other):
    low, high = sorted([actual, other])
    assert achievement("decrease", target, low) >= achievement("decrease", target, high)


@given(amounts, amounts, amounts)
def test_reaching_the_target_exactly_is_100_percent_in_every_direction(target, reduction, tolerance):
    assert achievement("increase", target, target) == 1
    assert achievement("decrease", target, target) == 1
    assert achievement("decrease", target, target, baseline=target + reduction) == 1
    assert achievement("maintain", target, target, tolerance=tolerance) == 1


def test_decrease_with_a_baseline_measures_the_share_of_the_promised_reduction():
    # Abuse rate from 6% (baseline) to 4.5% (target): at 5.25% half of the reduction happened.
    assert achievement("decrease", D("4.5"), D("5.25"), baseline=D(6)) == D("0.5")
    assert achievement("decrease", D("4.5"), D(3), baseline=D(6)) == 2
    assert achievement("decrease", D("4.5"), D(7), baseline=D(6)) == 0  # worse than the baseline: no progress


def test_decrease_without_a_baseline_is_target_over_actual_capped_at_full_achievement():
    assert achievement("decrease", D(4), D(5)) == D("0.8")
    assert achievement("decrease", D(4), D(2)) == 1
    assert achievement("decrease", D(4), 0) == 1
    assert achievement("decrease", 0, 0) == 1
    assert achievement("decrease", 0, D(3)) == 0


def test_decrease_with_the_baseline_equal_to_the_target_falls_back_to_target_over_actual():
    assert achievement("decrease", D(4), D(3), baseline=D(4)) == 1
    assert achievement("decrease", D(4), D(5), baseline=D(4)) == D("0.8")


def reference_decrease(target, actual, baseline):
    """The decrease rule written out in Fractions, as the docstring of `achievement` states it."""
    target, actual = Fraction(target), Fraction(actual)
    if baseline is not None and Fraction(baseline) != target:
        return max(Fraction(0), (Fraction(baseline) - actual) / (Fraction(baseline) - target))
    return min(Fraction(1), target / actual) if actual else Fraction(1)


@given(amounts, amounts, amounts, st.booleans())
def test_decrease_achievement_is_the_exact_rule_truncated(target, reduction, actual, with_baseline):
    baseline = target + reduction if with_baseline else None
    result = achievement("decrease", target, actual, baseline=baseline)
    assert truncated(result, reference_decrease(target, actual, baseline))


@given(ratios, st.decimals(min_value=D("0.0001"), max_value=100, places=4), st.booleans())
def test_a_ratio_actual_is_judged_on_its_exact_percent(rate, target, decrease):
    exact = Fraction(100 * rate.numerator, rate.denominator)
    assert truncated(rate.percent, exact)
    if decrease:
        assert truncated(
            achievement("decrease", target, rate), min(Fraction(1), Fraction(target) / exact) if exact else 1
        )
    else:
        assert truncated(achievement("increase", target, rate), exact / Fraction(target))


def test_a_decrease_target_above_its_baseline_is_refused():
    with pytest.raises(ValueError, match="must not be above its baseline"):
        achievement("decrease", D(5), D(4), baseline=D(4))


@given(amounts, amounts, st.data())
def test_maintain_within_tolerance_is_met(target, tolerance, data):
    actual = target + data.draw(st.decimals(min_value=-tolerance, max_value=tolerance, places=4))
    assume(actual >= 0)
    assert achievement("maintain", target, actual, tolerance=tolerance) == 1
    assert status(achievement("maintain", target, actual, tolerance=tolerance), 1) == Status.MET


@given(positive_amounts, amounts, positive_amounts)
def test_maintain_outside_tolerance_falls_below_full_achievement_the_further_it_strays(target, tolerance, step):
    high = target + tolerance + step
    assert achievement("maintain", target, high, tolerance=tolerance) < 1
    assert achievement("maintain", target, high + step, tolerance=tolerance) <= achievement(
        "maintain", target, high, tolerance=tolerance
    )


def test_maintain_outside_tolerance_relates_the_nearer_edge_of_the_band_to_the_actual():
    assert achievement("maintain", D(10), D(8), tolerance=D(2)) == 1
    assert achievement("maintain", D(10), D(4), tolerance=D(2)) == D("0.5")  # 4 of the lower edge 8
    assert achievement("maintain", D(10), D(24), tolerance=D(2)) == D("0.5")  # upper edge 12 of 24


def test_a_milestone_is_achieved_when_done():
    assert achievement("increase", 1, 1) == 1
    assert achievement("increase", 1, 0) == 0


def test_a_missing_actual_is_no_data():
    assert achievement("increase", D(10), None) is None
    assert status(achievement("increase", D(10), None), D("0.5")) == Status.NO_DATA


def test_results_are_exact_decimals_without_float_drift():
    result = achievement("increase", D("0.3"), D("0.1") + D("0.1") + D("0.1"))
    assert result == 1 and str(result) == "1"
    assert str(achievement("increase", D(3), D(2))) == "0.666666"
    assert achievement("increase", D(1000000), D("999999.5")) == D("0.999999")  # not shown as met
    assert str(combine_over_time(observations([D("10.25"), D("1000000")]), "sum", "amount")) == "1000010.25"


# Aggregation over time


def test_it_combines_periods_by_sum_latest_and_average():
    quarters = observations([D(3), D(7), D(5)])
    assert combine_over_time(quarters, "sum", "count") == 15
    assert combine_over_time(quarters, "latest", "count") == 5
    assert combine_over_time(reversed(quarters), "latest", "count") == 5
    assert combine_over_time(quarters, "average", "count") == 5
    assert combine_over_time(observations([D(1), D(2)]), "average", "count") == D("1.5")


def test_it_has_no_value_over_time_without_observations():
    assert combine_over_time([], "sum", "count") is None


@given(st.lists(amounts, min_size=2, max_size=12), st.data())
def test_the_sum_of_split_periods_equals_the_sum_over_the_whole(values, data):
    split = data.draw(st.integers(min_value=1, max_value=len(values) - 1))
    quarters = observations(values)
    first, second = quarters[:split], quarters[split:]
    halves = [
        Observation(first[-1].period_end, combine_over_time(first, "sum", "amount")),
        Observation(second[-1].period_end, combine_over_time(second, "sum", "amount")),
    ]
    assert combine_over_time(halves, "sum", "amount") == combine_over_time(quarters, "sum", "amount") == sum(values)


@given(st.lists(ratios, min_size=2, max_size=12), st.data())
def test_the_pooled_rate_of_split_periods_equals_the_pooled_rate_over_the_whole(rates, data):
    split = data.draw(st.integers(min_value=1, max_value=len(rates) - 1))
    quarters = observations(rates)
    first, second = quarters[:split], quarters[split:]
    halves = [
        Observation(first[-1].period_end, combine_over_time(first, "sum", "ratio")),
        Observation(second[-1].period_end, combine_over_time(second, "sum", "ratio")),
    ]
    assert combine_over_time(halves, "sum", "ratio") == combine_over_time(quarters, "sum", "ratio")


@given(st.lists(amounts, min_size=1, max_size=12), st.randoms())
def test_latest_is_the_value_of_the_last_period_whatever_the_order(values, random):
    quarters = observations(values)
    shuffled = list(quarters)
    random.shuffle(shuffled)
    assert combine_over_time(shuffled, "latest", "count") == values[-1]


@given(st.lists(amounts, min_size=1, max_size=12))
def test_the_average_lies_between_the_smallest_and_largest_period(values):
    average = combine_over_time(observations(values), "average", "amount")
    assert min(values) <= average <= max(values)


def test_a_milestone_reached_in_any_period_stays_reached():
    assert combine_over_time(observations([0, 1, 0]), "latest", "milestone") == 1
    assert combine_over_time(observations([0, 1, 0]), "average", "milestone") == 1
    assert combine_over_time(observations([0, 0]), "sum", "milestone") == 0


def test_two_values_for_the_same_period_end_are_refused():
    twice = [Observation(date(2023, 12, 31), D(1)), Observation(date(2023, 12, 31), D(2))]
    with pytest.raises(ValueError, match="same day"):
        combine_over_time(twice, "sum", "count")


# Expected progress


def test_expected_progress_is_the_share_of_the_period_elapsed():
    phase = date(2021, 1, 1), date(2025, 12, 31)
    assert expected_progress(*phase, date(2023, 7, 2)) == D("0.5")
    assert expected_progress(*phase, date(2025, 12, 31)) == 1
    assert expected_progress(date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31)) == 1


def test_expected_progress_is_clamped_before_and_after_the_period():
    assert expected_progress(date(2024, 1, 1), date(2024, 12, 31), date(2023, 6, 1)) == 0
    assert expected_progress(date(2024, 1, 1), date(2024, 12, 31), date(2026, 6, 1)) == 1


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=-500, max_value=4500),
)
def test_expected_progress_grows_linearly_with_the_days_elapsed_within_zero_and_one(start, length, offset):
    end = start + timedelta(days=length)
    progress = expected_progress(start, end, start + timedelta(days=offset))
    assert 0 <= progress <= 1
    assert truncated(progress, Fraction(min(max(offset + 1, 0), length + 1), length + 1))
    assert expected_progress(start, end, start + timedelta(days=offset + 1)) >= progress


# Status bands


@pytest.mark.parametrize(
    ("achieved", "expected", "band"),
    [
        (D(1), D("0.5"), Status.MET),
        (D("0.999999"), D("0.5"), Status.ON_TRACK),
        (D("0.425"), D("0.5"), Status.ON_TRACK),  # exactly 85% of the expected half
        (D("0.424999"), D("0.5"), Status.AT_RISK),
        (D("0.3"), D("0.5"), Status.AT_RISK),  # exactly 60%
        (D("0.299999"), D("0.5"), Status.OFF_TRACK),
        (D(0), D(0), Status.ON_TRACK),  # nothing expected yet
        (D(1), D(1), Status.MET),  # the period is over: met, or not
        (D("0.999999"), D(1), Status.AT_RISK),
        (D("0.85"), D(1), Status.AT_RISK),
        (D("0.6"), D(1), Status.AT_RISK),
        (D("0.599999"), D(1), Status.OFF_TRACK),
        (D("1.5"), D(1), Status.MET),
    ],
)
def test_status_bands_at_their_boundaries(achieved, expected, band):
    assert status(achieved, expected) == band


def test_status_bands_are_configurable():
    strict = Bands(met=D("1"), on_track=D("1"), at_risk=D("0.9"))
    assert status(D("0.45"), D("0.5"), strict) == Status.AT_RISK
    assert status(D("0.45"), D("0.5")) == Status.ON_TRACK
    assert Bands(met=D(1), on_track=D("0.85"), at_risk=D("0.6")) == DEFAULT_BANDS


@given(shares, shares, st.decimals(min_value=0, max_value=2, places=6))
def test_a_higher_achievement_never_gets_a_worse_band(expected, achieved, more):
    better = status(achieved + more, expected)
    worse = status(achieved, expected)
    assert BAND_ORDER.index(better) <= BAND_ORDER.index(worse)


# Share of targets met


def test_share_met_counts_met_targets_out_of_those_with_data():
    statuses = [Status.MET] * 6 + [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, "at_risk", "off_track"]
    share = share_met(statuses + [Status.NO_DATA, "no_data", Status.NO_DATA])
    assert share == Share(met=6, with_data=11, no_data=3)
    assert share.value == D("0.545454")


def test_share_met_has_no_value_when_no_target_has_data():
    assert share_met([Status.NO_DATA]).value is None
    assert share_met([]) == Share(met=0, with_data=0, no_data=0)


# Invalid input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: achievement("increase", D(10), D(-1)), "actual must not be negative"),
        (lambda: achievement("increase", D(-10), D(1)), "target must not be negative"),
        (lambda: achievement("decrease", D(1), D(1), baseline=D(-2)), "baseline must not be negative"),
        (lambda: achievement("maintain", D(1), D(1), tolerance=D(-1)), "tolerance must not be negative"),
        (lambda: achievement("maintain", D(1), D(1)), "needs a tolerance"),
        (lambda: achievement("increase", D("NaN"), D(1)), "target must be a finite number"),
        (lambda: achievement("upward", D(1), D(1)), "unknown direction 'upward'"),
        (lambda: Ratio(-1, 10), "numerator must not be negative"),
        (lambda: Ratio(3, 0), "denominator 0 must have numerator 0"),
        (lambda: Observation(date(2023, 12, 31), D(-5)), "value must not be negative"),
        (lambda: combine_over_time(observations([D(1)]), "median", "count"), "unknown time method 'median'"),
        (lambda: combine_over_time(observations([D(1)]), "sum", "ratio"), "ratio indicator takes a Ratio"),
        (lambda: combine_over_time(observations([Ratio(1, 2)]), "sum", "count"), "count indicator takes a number"),
        (lambda: combine_over_time(observations([2]), "latest", "milestone"), "milestone is 1 .* or 0"),
        (lambda: expected_progress(date(2025, 1, 1), date(2024, 1, 1), date(2024, 6, 1)), "ends .* before it starts"),
        (lambda: status(D("0.5"), D("1.2")), "at most 1"),
        (lambda: status(D("-0.5"), D("0.5")), "achievement must not be negative"),
        (lambda: share_met(["done"]), "unknown status 'done'"),
        (lambda: Bands(on_track=D("0.5"), at_risk=D("0.7")), "at_risk <= on_track"),
        (lambda: Bands(met=D(0)), "met threshold must be above 0"),
    ],
)
def test_invalid_input_raises_a_value_error_that_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("number", [0.5, True, "3"])
def test_floats_booleans_and_text_are_refused_as_numbers(number):
    with pytest.raises(TypeError, match="must be an int or a Decimal"):
        achievement("increase", D(1), number)


# The integer paths (sums, "increase", the bands) against the rules written with Fractions


def _shown(exact: Fraction) -> str:
    """The engine's text of an exact value: six places cut off, trailing zeros dropped down to units."""
    text = f"{exact.numerator * 10**6 // exact.denominator:07d}"
    return f"{text[:-6]}.{text[-6:]}".rstrip("0").rstrip(".")


numbers = st.one_of(st.integers(min_value=0, max_value=10**15), amounts, st.decimals(0, 10, places=9))


@given(numbers, st.one_of(numbers, ratios))
def test_increase_gives_what_fractions_give(target, actual):
    exact_actual = Fraction(actual.numerator * 100, actual.denominator) if isinstance(actual, Ratio) else actual
    expected = Fraction(1) if not target else Fraction(exact_actual) / Fraction(target)
    assert str(achievement("increase", target, actual)) == _shown(expected)


@given(st.lists(numbers, min_size=1, max_size=8))
def test_a_sum_over_time_gives_what_fractions_give(values):
    assert str(combine_over_time(observations(values), "sum", "amount")) == _shown(sum(map(Fraction, values)))


@given(st.one_of(shares, st.decimals(0, 3, places=6)), shares)
def test_the_bands_give_what_fractions_give(achieved, expected):
    exact, share = Fraction(achieved), Fraction(expected)
    if exact >= 1:
        band = Status.MET
    elif share < 1 and exact >= Fraction(85, 100) * share:
        band = Status.ON_TRACK
    elif exact >= Fraction(60, 100) * share:
        band = Status.AT_RISK
    else:
        band = Status.OFF_TRACK
    assert status(achieved, expected) == band
