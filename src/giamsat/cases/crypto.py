"""Encryption at rest of a case's identifying fields, and the keyed hash that lets a worker find a child by name.

- Keys: `settings.DATA_ENCRYPTION_KEYS`, Fernet keys newest first, separate from SECRET_KEY. Values are encrypted
  with the newest key and decrypted with whichever key works (`MultiFernet`), so a new key can be put in front at
  any time; `giamsat rotate_case_keys` then re-encrypts every value with it, after which the old key can go.
- Search: HMAC-SHA256 of the accent-folded name (`core.text.fold`) under a key derived (HKDF) from each data key.
  Searches try the hashes of every key, so a search still works between adding a key and rotating.
- Nothing here logs or caches a plaintext value.
"""

import base64
import datetime
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from giamsat.core.text import fold

SEARCH_INFO = b"giamsat cases: name search v1"


def _keys() -> tuple[str, ...]:
    keys = tuple(k.strip() for k in settings.DATA_ENCRYPTION_KEYS if k and k.strip())
    if not keys:
        raise ImproperlyConfigured("DATA_ENCRYPTION_KEYS is empty: case data cannot be stored")
    return keys


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("DATA_ENCRYPTION_KEYS holds a value that is not a Fernet key") from exc


@lru_cache(maxsize=8)
def _search_keys(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    derived = []
    for key in keys:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEARCH_INFO)
        derived.append(hkdf.derive(base64.urlsafe_b64decode(key)))
    return tuple(derived)


def encrypt(text: str) -> str:
    return _fernet(_keys()).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A case field cannot be decrypted with DATA_ENCRYPTION_KEYS: a key that encrypted it is missing"
        ) from exc


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    return _fernet(_keys()).rotate(token.encode("ascii")).decode("ascii")


def name_hash(name: str, *, key_index: int = 0) -> str:
    """The keyed hash of an accent-folded name ("" for an empty name), under the newest key by default."""
    folded = fold(name or "")
    if not folded:
        return ""
    key = _search_keys(_keys())[key_index]
    return hmac.new(key, folded.encode("utf-8"), hashlib.sha256).hexdigest()


def name_hashes(name: str) -> list[str]:
    """The hashes of a name under every configured key: what a search looks for."""
    if not fold(name or ""):
        return []
    return [name_hash(name, key_index=i) for i in range(len(_keys()))]


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. An empty value stays empty (it says nothing about anyone). Cannot be
    filtered on: every encryption of the same text differs."""

    description = "Encrypted text"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if not value:
            return value if value is not None else ""
        return self.to_python(decrypt(value))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return "" if value is None else value
        return encrypt(self._as_text(value))

    def _as_text(self, value) -> str:
        return str(value)


class EncryptedDateField(EncryptedTextField):
    """A date (e.g. date of birth) stored as an encrypted ISO text."""

    description = "Encrypted date"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if not value:
            return None
        return datetime.date.fromisoformat(decrypt(value))

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))

    def get_prep_value(self, value):
        if value in (None, ""):
            return None
        value = self.to_python(value)
        return encrypt(value.isoformat())
