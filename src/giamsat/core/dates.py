"""Dates as officials type them: 05/10/2023, 5-10-2023, 05.10.2023, or ISO 2023-10-05."""

import datetime

from .params import MAX_YEAR, MIN_YEAR

FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_day(text: str) -> datetime.date | None:
    """A day typed as dd/mm/yyyy (or the other FORMATS); None for anything else, including years outside
    MIN_YEAR–MAX_YEAR ("01/01/0001" failed where a time zone was added to it)."""
    day = _calendar_day(text)
    return day if day is not None and MIN_YEAR <= day.year < MAX_YEAR else None


def out_of_range(text: str) -> bool:
    """Whether `text` is a real day whose year `parse_day` refuses: "01/01/1800" is a date, only not one we keep."""
    day = _calendar_day(text)
    return day is not None and not MIN_YEAR <= day.year < MAX_YEAR


def _calendar_day(text: str) -> datetime.date | None:
    text = (text or "").strip()
    for fmt in FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
