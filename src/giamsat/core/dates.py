"""Dates as officials type them: 05/10/2023, 5-10-2023, 05.10.2023, or ISO 2023-10-05."""

import datetime

FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_day(text: str) -> datetime.date | None:
    text = (text or "").strip()
    for fmt in FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
