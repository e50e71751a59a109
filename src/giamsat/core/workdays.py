"""Working days for legal deadlines: Monday to Friday, minus Viet Nam's public holidays (lunar Tết, Hùng Kings'
day and the substituted days off, from the `holidays` library), plus the Saturdays worked in exchange for them (the
library's too), minus the extra days off the government announces each year, plus the Saturdays it declares
make-up working days. The last two are entered by an administrator
(core.CalendarDay) and passed in here, so this module stays free of Django and fast to test."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=[year]))


@lru_cache(maxsize=64)
def _weekend_workdays(year: int) -> frozenset[datetime.date]:
    """The Saturdays the government made working days in exchange for a day off the library also knows (22/8/2026
    for 31/8/2026): taking the day off without the Saturday moved deadlines a day late."""
    return frozenset(d for d in holidays.country_holidays("VN", years=[year]).weekend_workdays if d.year == year)


@dataclass(frozen=True)
class WorkCalendar:
    extra_days_off: frozenset[datetime.date] = field(default_factory=frozenset)
    make_up_days: frozenset[datetime.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, days_off: Iterable[datetime.date] = (), make_up: Iterable[datetime.date] = ()) -> "WorkCalendar":
        return cls(frozenset(days_off), frozenset(make_up))

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.make_up_days or (day in _weekend_workdays(day.year) and day not in self.extra_days_off):
            return True
        if day.weekday() >= 5 or day in self.extra_days_off:
            return False
        return day not in _public_holidays(day.year)

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The date `count` working days after `start` (start itself not counted): a step received on a Friday
        with 5 working days is due the next Friday, later when a holiday falls in between."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        days, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            days += self.is_working_day(day)
        return days
