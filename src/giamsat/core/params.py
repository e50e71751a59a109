"""Whole numbers typed into a query string or a form by hand (or by a crawler): plain digits within bounds, else
None. `str.isdigit()` alone is not the test: it accepts "²" and "١٢", which `int()` refuses or the database
cannot hold, and every such filter was a server error."""

MAX_ID = 2**63 - 1  # the largest a 64-bit integer column (SQLite's, PostgreSQL's bigint) holds
MIN_YEAR, MAX_YEAR = 1900, 9999


def _plain(text) -> int | None:
    text = str(text if text is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    # Longer than any bound here is out of bounds; int() refuses more than 4,300 digits (a server error).
    return int(digits) if len(digits) <= len(str(MAX_ID)) else None


def as_id(text) -> int | None:
    """A row id: 1 to MAX_ID."""
    value = _plain(text)
    return value if value is not None and 1 <= value <= MAX_ID else None


def as_year(text) -> int | None:
    """A year to filter by: MIN_YEAR to MAX_YEAR (a date's year cannot be 0 or above 9999)."""
    value = _plain(text)
    return value if value is not None and MIN_YEAR <= value <= MAX_YEAR else None
