"""Text folding for accent-insensitive search, and text fit for XML. No Django import: tested fast and used
everywhere."""

import re
import unicodedata


def fold(text: str) -> str:
    """'  Hàm Thuận  BẮC ' -> 'ham thuan bac'; NFC and NFD input give the same key."""
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


class Vietnamese(str):
    """Text that stays Vietnamese whatever the page's language: a unit's or an organisation's name, a category
    users typed. Pages in another language mark it lang="vi", so that a screen reader reads it with a Vietnamese
    voice; elsewhere it is a plain string."""

    __slots__ = ()


# Vietnamese alphabetical order (as in dictionaries): a ă â b c d đ e ê … o ô ơ … u ư …, then the tones
# (none, huyền, hỏi, ngã, sắc, nặng) only where the letters are the same. Code-point order put "Đức Linh" after
# "Tuy Phong" and "Tánh Linh" after "Tuy Phong".
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve (ă), circumflex (â ê ô), horn (ơ ư): a ă â, o ô ơ
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_order(text: str) -> tuple:
    """A sort key putting names in Vietnamese alphabetical order, case and spacing aside."""
    letters: list[list] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", " ".join(str(text).casefold().split())):
        if ch in _TONES and tones:
            tones[-1] = _TONES[ch]
        elif ch in _LETTER_MARKS and letters:
            letters[-1][1] = _LETTER_MARKS[ch]
        elif unicodedata.combining(ch):
            continue
        else:
            letters.append(["d", 1] if ch == "đ" else [ch, 0])
            tones.append(0)
    return ([tuple(letter) for letter in letters], tones, text)


def slug(text: str) -> str:
    """'1318/KH-UBND' -> '1318-kh-ubnd', 'Tỉnh Lâm Đồng' -> 'tinh-lam-dong': ASCII for file names."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# What XML 1.0 cannot hold even escaped (tab, line feed and carriage return excepted). Pasted from Word: a vertical
# tab (a line break), a table's cell mark (\x07), a page break (\x0c).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """The text with each character XML forbids made a space (the words it separated stay apart): for what goes
    into an SVG chart or a .docx, whose XML would otherwise be refused whole."""
    return NOT_XML.sub(" ", str(text))
