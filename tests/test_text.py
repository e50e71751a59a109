"""Accent-insensitive folding (giamsat.core.text.fold), the key behind every unit search."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giamsat.core.text import fold

# Vietnamese letters with every tone mark, plus the whole of Unicode text, so properties are tested where they
# matter (Vietnamese in any normal form) and beyond it.
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY "
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
vietnamese_text = st.text(alphabet=VIETNAMESE, max_size=40)
any_text = st.one_of(vietnamese_text, st.text(max_size=40))


@given(any_text)
def test_it_folds_nfc_and_nfd_of_the_same_text_equal(text):
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@given(any_text)
def test_it_is_idempotent(text):
    once = fold(text)
    assert fold(once) == once


@given(any_text)
def test_it_leaves_no_combining_marks_and_no_d_with_stroke(text):
    folded = fold(text)
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert "đ" not in folded and "Đ" not in folded


@given(vietnamese_text)
def test_it_turns_vietnamese_into_plain_lowercase_ascii(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert folded == " ".join(folded.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hàm Thuận Bắc", "ham thuan bac"),
        ("Đức Linh", "duc linh"),
        ("  Hàm Thuận  BẮC ", "ham thuan bac"),
        (unicodedata.normalize("NFD", "Xã Hoài Đức"), "xa hoai duc"),
        ("Phú Quí", "phu qui"),
        ("", ""),
    ],
)
def test_it_folds_examples(text, expected):
    assert fold(text) == expected
