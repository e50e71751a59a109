import datetime
from decimal import Decimal


def plain_number(value: Decimal | int | None) -> str:
    """A number for an input box, in the notation officials type back: no grouping, decimal comma
    (1234,5), no trailing zeros, never scientific notation. parse_number reads it back exactly."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def dmy(day: datetime.date | None) -> str:
    """A date as Vietnamese documents write it (29/11/2026); "" for none."""
    return day.strftime("%d/%m/%Y") if day else ""
