"""Where an indicator's actual values come from. "reports" (the default) means the units' accepted reports;
any other name is a computed source registered here by another capability (child-protection cases will count
children helped per commune), so nobody retypes numbers the system already holds.

A source receives the indicator, a map {unit id: display unit id} and a date range, and yields
(display unit id, period end, value) with value a Decimal, or an achievement Ratio for ratio indicators. A record
of unit U counts for the display unit that U itself, else U's parent, else U's province maps to — the same rule
as for reports (see `queries.VALUES_SQL`), so a commune's cases count for its district and its province."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from .achievement import Ratio

REPORTS = "reports"

Source = Callable[
    [object, dict[int, int], datetime.date, datetime.date], Iterable[tuple[int, datetime.date, Decimal | Ratio]]
]

_registry: dict[str, Source] = {}


def register(name: str) -> Callable[[Source], Source]:
    def decorate(function: Source) -> Source:
        if name == REPORTS or name in _registry:
            raise ValueError(f"source {name!r} is already defined")
        _registry[name] = function
        return function

    return decorate


def get(name: str) -> Source | None:
    return _registry.get(name)


def names() -> list[str]:
    return [REPORTS, *sorted(_registry)]
