import datetime
from decimal import ROUND_HALF_UP, Decimal

TENTH = Decimal("0.1")


def plain_number(value: Decimal | int | None) -> str:
    """A number for an input box, in the notation officials type back: no grouping, decimal comma
    (1234,5), no trailing zeros, never scientific notation. parse_number reads it back exactly."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def share_percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent to 0.1, rounded to the nearest, but never to 100 unless every one counts nor
    to 0 unless none does: 2,499 reports of 2,500 on time read 99.9%, not 100%. None of nothing."""
    if not whole:
        return None
    value = (Decimal(100) * part / whole).quantize(TENTH, ROUND_HALF_UP)
    if value == 100 and part < whole:
        return 100 - TENTH
    if value == 0 and part > 0:
        return TENTH
    return value


def dmy(day: datetime.date | None) -> str:
    """A date as Vietnamese documents write it (29/11/2026); "" for none."""
    return day.strftime("%d/%m/%Y") if day else ""
