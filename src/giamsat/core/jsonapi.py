"""What every API endpoint shares: bounded numbers in query strings, bounded pages, one shape of error, and answers
sent without validating them again through their schema."""

import datetime
import json
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.http import HttpResponse
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.responses import NinjaJSONEncoder

from .params import MAX_ID, MAX_YEAR, MIN_YEAR

# Query parameters: an id or year beyond what the database's integers or Python's dates hold was a server error,
# not a 422 naming the parameter.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in a JSON body is a JSON number: pydantic's lax mode took `true` for 1 (someone else's row) and "5" for 5.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Day = Annotated[datetime.date, Field(ge=datetime.date(MIN_YEAR, 1, 1), le=datetime.date(MAX_YEAR, 12, 30))]
MAX_PAGE = 1000


class Pagination(LimitOffsetPagination):
    """django-ninja's limit and offset, bounded (settings.NINJA_PAGINATION_CLASS)."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_ID)


def error_body(message: str, errors: list[dict] | None = None) -> dict:
    """Every API error, whatever its status and wherever it is answered (the API's handlers, a middleware, the
    CSRF view): {"message": what went wrong, in the user's language; "errors": [{"field", "message"}…]}."""
    return {"message": message, "errors": errors or []}


class _NumbersFirst(NinjaJSONEncoder):
    """The API's encoder, asked about Decimals first: a matrix has tens of thousands of them."""

    def default(self, o):
        return str(o) if type(o) is Decimal else super().default(o)


def already_shaped(data) -> HttpResponse:
    """JSON of data built in its endpoint's documented shape (each such endpoint's test compares the answer with
    the schema), rendered as the API renders any answer but not validated again: for a province's 10,000
    achievement cells validation took longer than computing them (docs/performance.md)."""
    return HttpResponse(json.dumps(data, cls=_NumbersFirst), content_type="application/json; charset=utf-8")
