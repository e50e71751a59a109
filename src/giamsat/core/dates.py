"""Dates as officials type them: 05/10/2023, 5-10-2023, 05.10.2023, or ISO 2023-10-05."""

import datetime

from .params import MAX_YEAR, MIN_YEAR

FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_day(text: str) -> datetime.date | None:
    """A day typed as dd/mm/yyyy (or the other FORMATS); None for anything else, including years outside
    MIN_YEAR–MAX_YEAR ("01/01/0001" failed where a time zone was added to it)."""
    text = (text or "").strip()
    for fmt in FORMATS:
        try:
            day = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return day if MIN_YEAR <= day.year < MAX_YEAR else None
    return None
