"""English must be complete: every translatable string in the code has an English translation, none fuzzy, and
the compiled catalogue matches its source."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "giamsat"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_every_english_entry_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not _translated(e) or "fuzzy" in e.flags)]
    assert missing == []


def test_the_compiled_catalogue_matches_its_source():
    source = {
        (e.msgid, e.msgctxt): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(PO))
        if not e.obsolete and "fuzzy" not in e.flags and _translated(e)
    }
    compiled = {
        (e.msgid, e.msgctxt): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(PO.with_suffix(".mo")))
    }
    compiled.pop(("", None), None)
    assert compiled == source


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("xgettext (Debian package gettext) is needed to check the catalogue")
        pytest.skip("xgettext is not installed (Debian package gettext)")
    copy = tmp_path / "giamsat"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "giamsat.settings", "GIAMSAT_HOME": str(tmp_path / "home")}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgid, e.msgctxt): e for e in polib.pofile(str(PO))}
    untranslated = [
        e.msgid
        for e in fresh
        if not e.obsolete and not ((e.msgid, e.msgctxt) in committed and _translated(committed[(e.msgid, e.msgctxt)]))
    ]
    assert untranslated == []


def test_every_translation_keeps_the_placeholders_of_its_source():
    """A translation without %(n)s (or with a broken one) shows "%" or raises where the page fills it in: a
    plural's English had become the two characters "%" and "("."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = []
    for e in polib.pofile(str(PO)):
        if e.obsolete or "python-format" not in e.flags:
            continue
        wanted = set(placeholder.findall(e.msgid))
        shown = [e.msgstr] if not e.msgid_plural else list(e.msgstr_plural.values())
        wrong += [(e.msgid, text) for text in shown if set(placeholder.findall(text)) != wanted]
    assert wrong == []
