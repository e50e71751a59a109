"""Vietnamese text and numbers as they arrive in old spreadsheets. Pure Python, no Django import.

Text typed years ago in Windows tools may be in one of two legacy 8-bit encodings rather than Unicode:

* TCVN3 (the "ABC" code table of TCVN 5712:1993, fonts .VnTime, .VnArial): one byte per letter;
* VNI (VNI-Windows code table, fonts VNI-Times): a base letter followed by one modifier byte.

Once such a file is saved as .xlsx, each legacy byte has become the Windows-1252 (cp1252) character of the same
value, so TCVN3 "Hà Nội" reads "Hµ Néi" and VNI "Hà Nội" reads "Haø Noäi" (the reading Western-locale Windows
gives; a cp1258 machine would show other characters, which we do not handle). This module detects that
(`detect_legacy`, `detect_legacy_many`), converts it back to NFC Unicode (`convert_legacy`, `normalize_text`)
and reads numbers typed as text in Vietnamese or English notation (`parse_number`, `parse_number_unit`).

Detection heuristic (per word, i.e. per run of letters and legacy code characters):

* a word is *evidence for* an encoding when it is not a well-formed Vietnamese syllable as it stands (wrong
  letters, "vÒ"-style mixed case, an impossible rime such as "éi") but becomes one once converted (VNI keeps case,
  so its conversion must also be lowercase, Capitalised or ALL CAPS; TCVN3's need not be). It counts 1
  when it holds a character outside the Vietnamese alphabet ("µ", "ø", "Ö", ...) and is at least two characters
  long, otherwise 0.5 ("Néi", "oà"-type words that are mere accented Latin letters);
* a word is *evidence against* when it is a syllable that the conversion would break (1), when neither it nor
  its conversion is a syllable (1: "Café", "Ñandú", "Müller"), when it holds a letter cp1252 cannot hold (1:
  "Đức", "Nội" can only be Unicode), or when it is an ASCII word that is no Vietnamese syllable (0.5: "the",
  "gare"); all-capital ASCII words (acronyms such as "UBND") and ASCII syllables count for nothing;
* a text is in an encoding when its evidence for reaches 1 and exceeds its evidence against; if both
  encodings qualify, the larger margin wins (a tie is None).

A syllable here (`is_syllable`) is an initial consonant (possibly none) followed by one of the ~150 Vietnamese
rimes, with at most one tone mark, on the vowel that carries it (old and new placement both accepted: "hòa",
"hoà"), and the sắc or nặng tone before a final c, ch, p or t. Correctly spelt Unicode Vietnamese words are
syllables, so never evidence for: text made of them is never flagged, nor is ASCII text. A single short word can
be ambiguous ("Néi" is only 0.5); `detect_legacy_many` decides a whole column by majority of its cells.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Literal

Encoding = Literal["tcvn3", "vni"]
ENCODINGS: tuple[Encoding, ...] = ("tcvn3", "vni")

# Combining tone marks in the order the code tables list them: huyền, hỏi, ngã, sắc, nặng.
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)


def _cp(byte: int) -> str:
    """The character an .xlsx shows for a legacy byte: its Windows-1252 reading."""
    return bytes([byte]).decode("cp1252")


def _toned(letter: str, tone: str) -> str:
    return unicodedata.normalize("NFC", letter + tone)


# --- TCVN3 ----------------------------------------------------------------------------------------------------
# Source: TCVN 5712:1993, code table VN3 ("ABC"), as used by the .VnTime/.VnArial fonts. Each row: a lowercase
# base letter, the byte of the bare letter (None where it is plain ASCII), then the bytes of the letter with
# huyền, hỏi, ngã, sắc, nặng. VN3 has no uppercase toned letters: the capital fonts (.VnTimeH) draw capitals at
# the lowercase codes, so "HÀ" typed in .VnTimeH is stored as "H" and the code of "à" ("Hµ"). We cannot tell
# these from lowercase and output what the codes say: lowercase toned letters beside ASCII letters of any case.
_TCVN3_ROWS: dict[str, tuple[int | None, int, int, int, int, int]] = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),  # 0xAD is the soft hyphen in cp1252: invisible, but there
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
# The only capitals VN3 encodes, plus đ.
_TCVN3_SINGLES = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# --- VNI ------------------------------------------------------------------------------------------------------
# Source: the VNI-Windows code table (VNI Software Company; fonts VNI-Times etc.). A toned or modified vowel is
# its base letter followed by one modifier byte; ơ, ư, đ and the i-letters are single bytes; ỵ is a single byte.
# Capitals use the uppercase base and the uppercase modifier (the cp1252 capital of the lowercase byte).
_VNI_TONE = (0xF8, 0xFB, 0xF5, 0xF9, 0xEF)  # after a, e, o, u, y, ơ, ư: huyền, hỏi, ngã, sắc, nặng
_VNI_CIRCUMFLEX = (0xE2, 0xE0, 0xE5, 0xE3, 0xE1, 0xE4)  # after a, e, o: bare â/ê/ô, then with the five tones
_VNI_BREVE = (0xEA, 0xE8, 0xFA, 0xFC, 0xE9, 0xEB)  # after a: bare ă, then with the five tones
_VNI_I = (0xEC, 0xE6, 0xF3, 0xED, 0xF2)  # ì ỉ ĩ í ị, single bytes
_VNI_SINGLES = {"ơ": 0xF4, "ư": 0xF6, "đ": 0xF1, "ỵ": 0xEE}


def _build_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """(tcvn3 code -> letter, letter -> tcvn3 code, vni sequence -> letter, letter -> vni sequence)."""
    tcvn3_encode: dict[str, str] = {}
    for base, (bare, *toned) in _TCVN3_ROWS.items():
        if bare is not None:
            tcvn3_encode[base] = _cp(bare)
        for tone, byte in zip(_TONES, toned, strict=True):
            tcvn3_encode[_toned(base, tone)] = _cp(byte)
    tcvn3_encode |= {letter: _cp(byte) for letter, byte in _TCVN3_SINGLES.items()}
    tcvn3_decode = {code: letter for letter, code in tcvn3_encode.items()}

    vni: dict[str, str] = {}  # lowercase letter -> sequence
    for base in "aeouy":
        vni |= {_toned(base, tone): base + _cp(byte) for tone, byte in zip(_TONES, _VNI_TONE, strict=True)}
    for base, seq in (("ơ", _cp(_VNI_SINGLES["ơ"])), ("ư", _cp(_VNI_SINGLES["ư"]))):
        vni[base] = seq
        vni |= {_toned(base, tone): seq + _cp(byte) for tone, byte in zip(_TONES, _VNI_TONE, strict=True)}
    for base, letter in (("a", "â"), ("e", "ê"), ("o", "ô")):
        bare, *toned = _VNI_CIRCUMFLEX
        vni[letter] = base + _cp(bare)
        vni |= {_toned(letter, tone): base + _cp(byte) for tone, byte in zip(_TONES, toned, strict=True)}
    bare, *toned = _VNI_BREVE
    vni["ă"] = "a" + _cp(bare)
    vni |= {_toned("ă", tone): "a" + _cp(byte) for tone, byte in zip(_TONES, toned, strict=True)}
    vni |= {_toned("i", tone): _cp(byte) for tone, byte in zip(_TONES, _VNI_I, strict=True)}
    vni["ỵ"] = _cp(_VNI_SINGLES["ỵ"])  # replaces "y" + the nặng modifier: VNI has a byte of its own for it
    vni["đ"] = _cp(_VNI_SINGLES["đ"])
    vni_encode = vni | {letter.upper(): seq.upper() for letter, seq in vni.items()}
    vni_decode = {seq: letter for letter, seq in vni_encode.items()}
    # Lenient reading: an uppercase base with a lowercase modifier ("Aù") is read as the capital.
    for letter, seq in vni.items():
        if len(seq) == 2:
            vni_decode.setdefault(seq[0].upper() + seq[1], letter.upper())
    return tcvn3_decode, tcvn3_encode, vni_decode, vni_encode


_TCVN3_DECODE, _TCVN3_ENCODE, _VNI_DECODE, _VNI_ENCODE = _build_tables()
_TCVN3_TRANSLATION = str.maketrans(_TCVN3_DECODE)
_VNI_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True)))

_LOWER_LETTERS = {_toned(base, tone) for base in "aăâeêioôơuưy" for tone in ("", *_TONES)} | set("bcdđghklmnpqrstvx")
_VIETNAMESE_LETTERS = frozenset(_LOWER_LETTERS | {c.upper() for c in _LOWER_LETTERS})  # precomposed, both cases
_CP1252 = frozenset(bytes(range(256)).decode("cp1252", errors="ignore"))
_LEGACY_CHARS = frozenset("".join(_TCVN3_DECODE) + "".join(_VNI_DECODE)) - frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape("".join(sorted(_LEGACY_CHARS))) + r"])+")


def convert_legacy(text: str, encoding: Encoding) -> str:
    """Legacy-encoded text (as cp1252 characters) -> NFC Unicode. Characters outside the code table are kept.

    "Hµ Néi" (tcvn3) -> "Hà Nội"; "Haø Noäi" (vni) -> "Hà Nội". TCVN3 uppercase toned letters come out lowercase
    (see the table above); VNI keeps case."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        converted = text.translate(_TCVN3_TRANSLATION)
    elif encoding == "vni":
        converted = _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text)
    else:
        raise ValueError(f"Bảng mã không hỗ trợ: {encoding!r}")
    return unicodedata.normalize("NFC", converted)


def encode_legacy(text: str, encoding: Encoding) -> str:
    """Unicode -> legacy-encoded text as cp1252 characters, the inverse of `convert_legacy`.

    Used by the tests (round trips, realistic mojibake) and to show examples; the import path never encodes.
    TCVN3 has no uppercase toned letters: they get the lowercase codes, as the .VnTimeH capital fonts did."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return "".join(_TCVN3_ENCODE.get(c) or _TCVN3_ENCODE.get(c.lower(), c) for c in text)
    if encoding == "vni":
        return "".join(_VNI_ENCODE.get(c, c) for c in text)
    raise ValueError(f"Bảng mã không hỗ trợ: {encoding!r}")


# --- Syllables ------------------------------------------------------------------------------------------------
# Initial consonants (longest first, then none) and rimes (vần) without tone, written as text like a textbook list.
_INITIAL_TEXT = "ngh ch gh gi kh ng nh ph qu th tr b c d đ g h k l m n p q r s t v x"
_INITIALS = [*_INITIAL_TEXT.split(), ""]
_RIMES = frozenset(
    """a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot ooc oong oa oac oach oai oam oan oang oanh oao oap oat oay
    oăc oăm oăn oăng oăp oăt oe oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uân uâng uât uây uê uêch uênh uơ uy uya uych uyên uyêt uynh uyt uyu
    uôc uôi uôm uôn uông uôt ư ưa ưc ưi ưm ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêt yêu
    ak ăk âk ek êk ok ôk ơk uk ưk""".split()  # noqa: SIM905 (the last line: a final k, in names such as "Đắk Lắk")
)
_STOP_FINALS = ("c", "ch", "k", "p", "t")  # a syllable ending in these takes sắc or nặng, never another tone or none
_MARKED_VOWELS = "ăâêôơư"


@lru_cache(maxsize=256)
def _tone_slots(rime: str) -> frozenset[int]:
    """Where in a rime the tone mark may sit: on the (last) vowel with a diacritic; else on the last vowel before a
    final consonant; else on the first of two vowels, the middle of three. "oa", "oe", "uy" take either vowel:
    the old ("hòa", "thúy") and the new ("hoà", "thuý") placement are both in use."""
    cluster = re.match(r"[aăâeêioôơuưy]*", rime).group()
    marked = [i for i, c in enumerate(cluster) if c in _MARKED_VOWELS]
    if marked:
        return frozenset({marked[-1]})
    if len(cluster) < len(rime) or len(cluster) == 1:
        return frozenset({len(cluster) - 1})
    if cluster in ("oa", "oe", "uy"):
        return frozenset({0, 1})
    return frozenset({1 if len(cluster) == 3 else 0})


@lru_cache(maxsize=8192)
def is_syllable(word: str) -> bool:
    """Whether a lowercase word is a well-formed Vietnamese syllable: "nội", "quyết", "ủy"; not "néi", "café",
    "haỉ" (tone on the wrong vowel), "hoc" (a final c needs sắc or nặng)."""
    letters = []  # (letter without its tone, tone or "")
    for char in word:
        decomposed = unicodedata.normalize("NFD", char)
        tones = [c for c in decomposed if c in _TONES]
        if len(tones) > 1:
            return False
        letters.append(
            (unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES)), "".join(tones))
        )
    toned = [(i, tone) for i, (_, tone) in enumerate(letters) if tone]
    if len(toned) > 1:
        return False
    bare = "".join(letter for letter, _ in letters)
    for initial in _INITIALS:
        rime = bare[len(initial) :]
        if not bare.startswith(initial) or rime not in _RIMES or not _spelt(initial, rime):
            continue
        if not toned:
            if not rime.endswith(_STOP_FINALS):
                return True
            continue
        position, tone = toned[0]
        if position - len(initial) not in _tone_slots(rime):
            continue
        if not rime.endswith(_STOP_FINALS) or tone in (_ACUTE, _DOT):
            return True
    return False


def _spelt(initial: str, rime: str) -> bool:
    """The spelling rules of the initials: gh, ngh before e, ê, i (y); c, g, ng not ("ghi", "nghe"; "ca", "ga",
    "nga"): "cĩ" or "ngê" are no words, whatever their rime. k is not held to them: place names of the Central
    Highlands write it before any vowel ("Kon Tum", "Bắc Kạn"). qu is q before a rime in u ("quỳnh": q + uynh)."""
    front = rime[:1] in ("e", "ê", "i", "y")
    if initial in ("gh", "ngh"):
        return front
    if initial in ("c", "ng"):
        return not front
    if initial == "g":
        return rime[:1] not in ("e", "ê")  # "gì" is written with g
    if initial == "q":
        return rime[:1] == "u"
    return True


def _is_unicode_word(word: str) -> bool:
    """A syllable written as Unicode Vietnamese is written: lowercase, Capitalised or ALL CAPS."""
    return _well_cased(word) and is_syllable(word.lower())


def _well_cased(word: str) -> bool:
    return word == word.lower() or word == word.upper() or (word[0].isupper() and word[1:] == word[1:].lower())


def _word_evidence(word: str, encoding: Encoding) -> tuple[float, float]:
    """(evidence for, evidence against) `encoding` from one word; see the module docstring."""
    if word.isascii():
        return 0.0, 0.0 if word.isupper() or is_syllable(word.lower()) else 0.5
    if any(c not in _CP1252 for c in word):
        return 0.0, 1.0
    as_is = _is_unicode_word(word)
    converted = convert_legacy(word, encoding)
    if converted == word:  # against unless a syllable in odd case (TCVN3 capital-font words: "QUý")
        return 0.0, 0.0 if as_is or is_syllable(word.lower()) else 1.0
    # VNI keeps case, so its conversion must be well cased; TCVN3 capital-font text comes out in mixed case.
    if not is_syllable(converted.lower()) or encoding == "vni" and not _well_cased(converted):
        return 0.0, 1.0
    if as_is:
        return 0.0, 0.0
    strong = len(word) >= 2 and any(c not in _VIETNAMESE_LETTERS and not c.isascii() for c in word)
    return (1.0 if strong else 0.5), 0.0


def _evidence(text: str) -> dict[Encoding, tuple[float, float]]:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    result: dict[Encoding, tuple[float, float]] = {}
    for encoding in ENCODINGS:
        pairs = [_word_evidence(w, encoding) for w in words]
        result[encoding] = (sum(p[0] for p in pairs), sum(p[1] for p in pairs))
    return result


def _leaning(evidence: dict[Encoding, tuple[float, float]], threshold: float) -> Encoding | None:
    """The encoding whose evidence for reaches `threshold` and exceeds its evidence against by the larger margin;
    None if there is none, or on a tie."""
    margins = {e: f - a for e, (f, a) in evidence.items() if f >= threshold and f > a}
    best = sorted(margins.values(), reverse=True)
    if not best or len(best) > 1 and best[0] == best[1]:
        return None
    return max(margins, key=margins.__getitem__)


def detect_legacy(text: str) -> Encoding | None:
    """Which legacy encoding `text` is in, as seen through cp1252: "tcvn3", "vni", or None for neither.

    "Hµ Néi" -> "tcvn3", "Haø Noäi" -> "vni"; "Hà Nội", "Café", "Ñandú", "hello" -> None."""
    if text.isascii():
        return None
    return _leaning(_evidence(text), threshold=1.0)


def detect_legacy_many(texts: Iterable[object]) -> Encoding | None:
    """One decision for a column or sheet, by majority over its cells; non-strings are skipped.

    A cell is *for* an encoding when its evidence for exceeds its evidence against (however small) by more than
    for the other encoding, and *against* it when its evidence against exceeds its evidence for ("Hà Nội" is
    against both; "vòng", a Unicode word that TCVN3 would also produce, is against VNI only). An encoding wins
    when more cells are for it than against it, and the pooled evidence for it reaches 1; if both do, the one
    more cells are for (None on a tie)."""
    cells_for: Counter[Encoding] = Counter()
    cells_against: Counter[Encoding] = Counter()
    pooled = dict.fromkeys(ENCODINGS, 0.0)
    for text in texts:
        if not isinstance(text, str):
            continue
        evidence = _evidence(text)
        if leaning := _leaning(evidence, threshold=0.0):
            cells_for[leaning] += 1
        for encoding, (evidence_for, evidence_against) in evidence.items():
            cells_against[encoding] += evidence_against > evidence_for
            pooled[encoding] += evidence_for
    winners = {e: cells_for[e] for e in ENCODINGS if cells_for[e] > cells_against[e] and pooled[e] >= 1.0}
    best = sorted(winners.values(), reverse=True)
    if not best or len(best) > 1 and best[0] == best[1]:
        return None
    return max(winners, key=winners.__getitem__)


_CODES: dict[Encoding, frozenset[str]] = {"tcvn3": frozenset(_TCVN3_DECODE), "vni": frozenset("".join(_VNI_DECODE))}


def could_be_legacy(text: str, encoding: Encoding) -> bool:
    """Whether `text` could be `encoding` seen through cp1252: only cp1252 characters, no letter beyond ASCII that
    the code table lacks, and no word the conversion would turn from a syllable into none. "Xã Tân Hà" could not be
    TCVN3 (it has no code "à"), though "Xã Tân" could be ("Xó Tõn")."""
    text = unicodedata.normalize("NFC", text)
    if not all(c.isascii() or c in _CP1252 and (not c.isalpha() or c in _CODES[encoding]) for c in text):
        return False
    # Nor a word the conversion would break ("Không" is no VNI: it would become "Khơng"). A word that is none either
    # way (a name such as "M'Drắk") says nothing.
    return not any(
        _is_unicode_word(word) and not is_syllable(convert_legacy(word, encoding).lower())
        for word in _WORD.findall(text)
        if not word.isascii()
    )


def typed_in_unicode(text: str) -> bool:
    """Whether `text` holds a Vietnamese letter that no legacy text seen through cp1252 can hold ("ộ", "Đ", "ư")."""
    return any(c in _VIETNAMESE_LETTERS and c not in _CP1252 for c in unicodedata.normalize("NFC", text))


def normalize_text(text: str, *, legacy: Encoding | Literal["auto"] | None = "auto") -> tuple[str, Encoding | None]:
    """NFC, stripped, internal whitespace (incl. non-breaking spaces) collapsed, and legacy text converted.

    Returns the text and the encoding it was converted from (None if it was not), so the UI can say
    "converted from TCVN3: 'Hµ Néi' -> 'Hà Nội'". `legacy`: "auto" detects per text; an encoding forces it (a
    column decided by `detect_legacy_many`); None never converts."""
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    encoding = detect_legacy(cleaned) if legacy == "auto" else legacy
    if encoding is not None:
        converted = convert_legacy(cleaned, encoding)
        if converted != cleaned:
            return converted, encoding
    return cleaned, None


# --- Numbers --------------------------------------------------------------------------------------------------
# Tried in order; the first full match wins. Vietnamese first: a dot followed by exactly three digits is a
# thousands separator ("1.234" is 1234), a lone comma is the decimal comma ("1,234" is 1.234). English notation is
# read only where it cannot be Vietnamese: both separators ("1,234.5"), several commas ("1,234,567"), or a dot that
# cannot group thousands ("12.5", "0.123", "1.2345"). Spaces may group thousands ("2 000 000"). ASCII digits only.
_NUMBER_FORMS: tuple[tuple[re.Pattern[str], dict[int, int | None]], ...] = (
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?", re.ASCII), str.maketrans({".": None, ",": "."})),
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3})+\.\d+", re.ASCII), str.maketrans({",": None})),
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3}){2,}", re.ASCII), str.maketrans({",": None})),
    (re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?", re.ASCII), str.maketrans({" ": None, ",": "."})),
    (re.compile(r"\d+(?:[.,]\d+)?", re.ASCII), str.maketrans({",": "."})),
)
_SUFFIX = re.compile(r"\s*(%|vnđ|vnd|đồng|đ|₫)\.?$", re.IGNORECASE)
_PREFIX = re.compile(r"^(vnđ|vnd|₫)\s*", re.IGNORECASE)
_MINUS = ("-", "\u2212")  # hyphen-minus, minus sign


def parse_number_unit(value: int | float | Decimal | str) -> tuple[Decimal, Literal["%", "đ"] | None]:
    """Like `parse_number`, and also which unit was written: "%" for "12,5%", "đ" for "2.000.000 VNĐ", else None.

    For importers that must tell a percentage typed into a count column from a count."""
    if isinstance(value, bool):
        raise ValueError(f"Không đọc được số: {value!r}")
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise ValueError(f"Không đọc được số: {value!r}")
        return number, None
    if not isinstance(value, str):
        raise ValueError(f"Không đọc được số: {value!r}")
    text, unit, negative = _digits(value)
    for pattern, translation in _NUMBER_FORMS:
        if pattern.fullmatch(text):  # only digits and separators got through: Decimal() cannot fail
            number = Decimal(text.translate(translation))
            return (-number if negative else number), unit
    raise ValueError(f"Không đọc được số: {value!r}")


def _digits(value: str) -> tuple[str, Literal["%", "đ"] | None, bool]:
    """Typed number text less its unit and sign: (digits and separators, the unit, whether negative)."""
    # Invisible format characters (a zero-width space, a byte-order mark) come with pasted text: "7" was refused
    # as not a number while the message showed "7".
    text = "".join(c for c in unicodedata.normalize("NFC", value) if unicodedata.category(c) != "Cf")
    text = re.sub(r"\s+", " ", text).strip()
    unit: Literal["%", "đ"] | None = None
    if match := _SUFFIX.search(text):
        unit = "%" if match.group(1) == "%" else "đ"
        text = text[: match.start()]
    elif match := _PREFIX.match(text):
        unit = "đ"
        text = text[match.end() :]
    negative = text.startswith(_MINUS)
    if negative or text.startswith("+"):
        text = text[1:].lstrip()
    return text, unit, negative


_COMMA_THEN_THREE_DIGITS = re.compile(r"[1-9]\d{0,2},\d{3}", re.ASCII)


def thousands_reading(value: str) -> str | None:
    """For text that Vietnamese notation reads as a decimal and English notation as a whole number ("1,234",
    "1,250 đ": 1.234 or 1234), the whole number ("1234"); None for any other text."""
    text, _unit, _negative = _digits(value)
    return text.replace(",", "") if _COMMA_THEN_THREE_DIGITS.fullmatch(text) else None


def parse_number(value: int | float | Decimal | str) -> Decimal:
    """A number from a cell: int/float/Decimal as is, text in Vietnamese or English notation.

    "1.234,5" -> 1234.5; "1.234.567" -> 1234567; "1,234.5" -> 1234.5; "12,5" -> 12.5; "2 000 000 đ",
    "2.000.000 VNĐ" -> 2000000; "−5" -> -5. Ambiguous text is read the Vietnamese way: "1.234" -> 1234 (dot
    groups thousands), "1,234" -> 1.234 (decimal comma). A percent sign is dropped: "12,5%" -> 12.5, the number
    as written, not 0.125 (use `parse_number_unit` to know it was there). A float is taken by its shortest repr
    (0.1 -> Decimal("0.1")). Raises ValueError("Không đọc được số: ...") for anything else: "", "abc", "1.23.4",
    "12,34,5", NaN, booleans."""
    return parse_number_unit(value)[0]
