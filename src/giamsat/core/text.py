"""Text folding for accent-insensitive search, and text fit for XML. No Django import: tested fast and used
everywhere."""

import re
import unicodedata


def fold(text: str) -> str:
    """'  Hàm Thuận  BẮC ' -> 'ham thuan bac'; NFC and NFD input give the same key."""
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


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
