"""Answers the API sends without validating them again through their schema."""

import json
from decimal import Decimal

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder


class _NumbersFirst(NinjaJSONEncoder):
    """The API's encoder, asked about Decimals first: a matrix has tens of thousands of them."""

    def default(self, o):
        return str(o) if type(o) is Decimal else super().default(o)


def already_shaped(data) -> HttpResponse:
    """JSON of data built in its endpoint's documented shape (each such endpoint's test compares the answer with
    the schema), rendered as the API renders any answer but not validated again: for a province's 10,000
    achievement cells validation took longer than computing them (docs/performance.md)."""
    return HttpResponse(json.dumps(data, cls=_NumbersFirst), content_type="application/json; charset=utf-8")
