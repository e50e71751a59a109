"""Numbers as the pages and downloads show them (core/formatting.py)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from giamsat.core.formatting import share_percent


def test_a_share_reads_100_or_0_percent_only_when_it_is():
    """2,499 of 2,500 reports on time read 100% (rounded to the nearest tenth), beside a late one."""
    assert share_percent(2499, 2500) == Decimal("99.9")
    assert share_percent(1, 2500) == Decimal("0.1")
    assert share_percent(2500, 2500) == Decimal(100) and share_percent(0, 2500) == Decimal(0)
    assert share_percent(2, 3) == Decimal("66.7")  # otherwise to the nearest
    assert share_percent(0, 0) is None


@given(whole=st.integers(1, 10**6), data=st.data())
def test_a_share_is_within_a_tenth_of_the_exact_percent_and_never_a_false_extreme(whole, data):
    part = data.draw(st.integers(0, whole))
    shown = share_percent(part, whole)
    exact = Decimal(100) * part / whole
    assert abs(shown - exact) <= Decimal("0.1")
    assert (shown == 100) == (part == whole) and (shown == 0) == (part == 0)
