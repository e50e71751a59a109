"""A stale form page: one opened before a colleague's save. The page carries a digest of the row as it showed it
(`seen`); the save compares it with the row as stored, in the save's transaction, and refuses instead of silently
putting the older values back. Pressed again, the page (given the new digest) saves over the colleague's change
knowingly."""

import hashlib
import json

from django import forms
from django.core.exceptions import ValidationError

STALE = "stale"  # the ValidationError's code


def fingerprint(state: dict) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:24]


def check_seen(seen: str | None, state: dict, message: str) -> None:
    """Raise ValidationError(code=STALE) when the page's digest is not the stored row's. No digest (the API, a page
    from before this check): nothing to compare."""
    if seen and seen != fingerprint(state):
        raise ValidationError(message, code=STALE)


class SeenField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


def offer_overwrite(form, error: ValidationError, state: dict) -> bool:
    """After a STALE refusal: the page keeps what its user typed and now carries the stored row's digest, so that
    the next press saves over it. True when `error` was such a refusal (it is then on the form)."""
    if getattr(error, "code", None) != STALE:
        return False
    form.add_error(None, error)
    form.data = form.data.copy()
    form.data[form.add_prefix("seen")] = fingerprint(state)
    return True
