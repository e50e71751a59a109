"""Legacy Vietnamese text (TCVN3, VNI seen through cp1252) and numbers typed as text (giamsat.core.vntext)."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giamsat.core.vntext import (
    ENCODINGS,
    convert_legacy,
    could_be_legacy,
    detect_legacy,
    detect_legacy_many,
    encode_legacy,
    is_syllable,
    normalize_text,
    parse_number,
    parse_number_unit,
    thousands_reading,
    typed_in_unicode,
)

# --- Data -----------------------------------------------------------------------------------------------------
# Mojibake typed out by hand from the TCVN 5712:1993 (VN3) and VNI-Windows code tables, independently of
# encode_legacy, so a mistake shared by the module's encoder and decoder cannot hide.
TCVN3_PHRASES = [
    ("Phßng chèng x©m h¹i trÎ em", "Phòng chống xâm hại trẻ em"),
    ("ñy ban nh©n d©n huyÖn §øc Linh", "ủy ban nhân dân huyện Đức Linh"),  # Ủ has no TCVN3 code: typed as ủ
    ("Héi Liªn hiÖp Phô n÷ tØnh B×nh ThuËn", "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"),
    ("Hµ Néi", "Hà Nội"),
    ("Tr\xadêng TiÓu häc x· §øc Tµi", "Trường Tiểu học xã Đức Tài"),  # \xad (soft hyphen) is ư
    ("B¸o c¸o kÕt qu¶ thùc hiÖn kÕ ho¹ch n¨m 2024", "Báo cáo kết quả thực hiện kế hoạch năm 2024"),
]
VNI_PHRASES = [
    ("Phoøng choáng xaâm haïi treû em", "Phòng chống xâm hại trẻ em"),
    ("UÛy ban nhaân daân huyeän Ñöùc Linh", "Ủy ban nhân dân huyện Đức Linh"),
    ("Hoäi Lieân hieäp Phuï nöõ tænh Bình Thuaän", "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"),
    ("Haø Noäi", "Hà Nội"),
    ("Tröôøng Tieåu hoïc xaõ Ñöùc Taøi", "Trường Tiểu học xã Đức Tài"),
    ("BAÙO CAÙO KEÁT QUAÛ THÖÏC HIEÄN", "BÁO CÁO KẾT QUẢ THỰC HIỆN"),
]
UNICODE_VIETNAMESE = [
    "Phòng chống xâm hại trẻ em",
    "Ủy ban nhân dân huyện Đức Linh",
    "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận",
    "UBND HUYỆN TÁNH LINH",
    "Hoà Bình",
    "Chợ Lách",
    "Bà Rịa – Vũng Tàu",
    "Nguyễn Thị Thuý",
    unicodedata.normalize("NFD", "Xã Hoài Đức"),
]
NOT_VIETNAMESE = [
    "Hello world",
    "Annual report 2024",
    "UBND",
    "Café",
    "Résumé",
    "Ñandú",
    "Crème brûlée",
    "Où est la gare ?",
    "São Paulo",
    "El Niño",
    "Señor López",
    "Müller",
    "Straße",
    "Noël à Paris",
    "naïve façade",
    "Bjørn Ålund",
    "",
    "   ",
]
# Real syllables from administrative text, every one valid as written, for phrase strategies.
WORDS_TEXT = (
    "Ủy ban nhân dân tỉnh huyện xã phường thị trấn Hội Liên hiệp Phụ nữ Đoàn Thanh niên Cộng sản Hồ Chí Minh "
    "phòng chống xâm hại trẻ em bảo vệ chăm sóc giáo dục kế hoạch thực hiện giám sát báo cáo năm quý tháng số "
    "lượng tỷ lệ trường học người dân tộc thiểu khuyết tật hoàn cảnh đặc biệt khó khăn Đức Linh Tánh Bình Thuận "
    "Lâm Đồng Hà Nội Nghệ An Quảng Ngãi Thừa Thiên Huế Bà Rịa Vũng Tàu Cần Thơ quyết định của được những trong "
    "với cho các một về nước gia đình xử lý vụ việc hoà hòa thuý thúy khoẻ khỏe Uỷ giữa gì khuỷu ngoài rượu"
)
WORDS = WORDS_TEXT.split()
# Words whose legacy form is evidence for their own encoding and for no other, in any case.
DISTINCTIVE = ["Đức", "phường", "huyện", "người", "nước", "trường", "Thuận", "Đồng", "Đoàn"]

VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
UPPER_TONED = "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
vietnamese_text = st.text(alphabet=VIETNAMESE_LETTERS + " ", max_size=40)
tcvn3_representable = st.text(alphabet="".join(c for c in VIETNAMESE_LETTERS if c not in UPPER_TONED) + " ")


def cased(word: str, how: str) -> str:
    return {"lower": word.lower, "title": word.capitalize, "upper": word.upper}[how]()


word = st.builds(cased, st.sampled_from(WORDS), st.sampled_from(["lower", "title", "upper"]))
phrase = st.lists(word, min_size=1, max_size=8).map(" ".join)


def lower_toned(text: str) -> str:
    """What a TCVN3 round trip gives: uppercase toned letters come back lowercase (one code for both)."""
    return "".join(c.lower() if c in UPPER_TONED else c for c in text)


# --- Detection ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_PHRASES)
def test_it_detects_tcvn3_in_realistic_phrases(legacy, unicode):
    assert detect_legacy(legacy) == "tcvn3"


@pytest.mark.parametrize(("legacy", "unicode"), VNI_PHRASES)
def test_it_detects_vni_in_realistic_phrases(legacy, unicode):
    assert detect_legacy(legacy) == "vni"


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("text", [u for _, u in TCVN3_PHRASES] + ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"])
def test_it_detects_what_encode_legacy_produces(text, encoding):
    assert detect_legacy(encode_legacy(text, encoding)) == encoding


@pytest.mark.parametrize("text", UNICODE_VIETNAMESE)
def test_it_does_not_flag_unicode_vietnamese(text):
    assert detect_legacy(text) is None


@pytest.mark.parametrize("text", NOT_VIETNAMESE)
def test_it_does_not_flag_ascii_english_or_western_european_text(text):
    assert detect_legacy(text) is None


@given(phrase)
def test_it_never_flags_unicode_vietnamese_phrases(text):
    assert detect_legacy(text) is None


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_it_never_flags_ascii(text):
    assert detect_legacy(text) is None


@given(phrase, st.sampled_from(ENCODINGS))
def test_it_never_names_the_wrong_encoding(text, encoding):
    assert detect_legacy(encode_legacy(text, encoding)) in (encoding, None)


@given(st.lists(word, max_size=5), st.sampled_from(DISTINCTIVE), st.sampled_from(ENCODINGS))
def test_it_detects_any_phrase_holding_a_distinctive_word(words, distinctive, encoding):
    text = " ".join([*words, distinctive])
    assert detect_legacy(encode_legacy(text, encoding)) == encoding


def test_a_single_short_word_can_be_too_ambiguous_to_call():
    # "Néi" (TCVN3 "Nội") is made of letters French uses too; alone it is not enough.
    assert detect_legacy("Néi") is None
    assert detect_legacy("Hµ Néi") == "tcvn3"


def test_a_column_decides_what_its_short_cells_cannot_alone():
    column = ["Néi", "vÒ", "Héi", "mét"]  # Nội, về, Hội, một: each too weak alone
    assert [detect_legacy(cell) for cell in column] == [None] * 4
    assert detect_legacy_many(column) == "tcvn3"


def test_a_column_is_decided_by_majority():
    assert detect_legacy_many(["Hµ Néi", "§øc Linh", "Hà Nội"]) == "tcvn3"
    assert detect_legacy_many(["Hà Nội", "Đức Linh", "Hµ Néi"]) is None
    assert detect_legacy_many(["Haø Noäi", "Ñöùc Linh", "Tænh Laâm Ñoàng"]) == "vni"


def test_a_cell_that_only_rules_out_the_other_encoding_does_not_outvote_it():
    # "vòng" is TCVN3 for "vũng" and also a Unicode word: it counts against VNI, not against TCVN3.
    assert detect_legacy_many(["vòng", "§øc"]) == "tcvn3"
    assert detect_legacy_many(["vòng", "Ñöùc"]) is None


def test_a_column_ignores_numbers_blanks_and_ascii_syllables():
    assert detect_legacy_many([None, 12, 3.5, "", "Linh", "Hµ Néi"]) == "tcvn3"
    assert detect_legacy_many([None, 12, "", "Linh"]) is None
    assert detect_legacy_many([]) is None


@pytest.mark.parametrize("column", [UNICODE_VIETNAMESE, NOT_VIETNAMESE])
def test_a_column_of_unicode_or_foreign_text_is_not_legacy(column):
    assert detect_legacy_many(column) is None


@given(st.lists(phrase, max_size=6), st.sampled_from(DISTINCTIVE), st.sampled_from(ENCODINGS))
def test_a_legacy_column_with_one_distinctive_word_is_detected(cells, distinctive, encoding):
    column = [encode_legacy(cell, encoding) for cell in [*cells, distinctive]]
    assert detect_legacy_many(column) == encoding


@given(st.lists(phrase, max_size=6), st.sampled_from(ENCODINGS))
def test_a_column_never_names_the_wrong_encoding(cells, encoding):
    assert detect_legacy_many([encode_legacy(cell, encoding) for cell in cells]) in (encoding, None)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("nội", True),
        ("quyết", True),
        ("ủy", True),
        ("uỷ", True),
        ("hoà", True),
        ("hòa", True),
        ("người", True),
        ("giữa", True),
        ("néi", False),  # no rime "ei"
        ("café", False),
        ("haỉ", False),  # tone on the wrong vowel
        ("hoc", False),  # a final c needs sắc or nặng
        ("hõc", False),
        ("ạá", False),  # two tones
    ],
)
def test_it_knows_a_vietnamese_syllable(word, expected):
    assert is_syllable(word) is expected


# --- Conversion -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_PHRASES)
def test_it_converts_tcvn3(legacy, unicode):
    assert convert_legacy(legacy, "tcvn3") == unicode


@pytest.mark.parametrize(("legacy", "unicode"), VNI_PHRASES)
def test_it_converts_vni(legacy, unicode):
    assert convert_legacy(legacy, "vni") == unicode


def test_tcvn3_capitals_with_their_own_codes_come_out_uppercase():
    assert convert_legacy("§¶ng ¡ ¢ £ ¤ ¥ ¦", "tcvn3") == "Đảng Ă Â Ê Ô Ơ Ư"


def test_tcvn3_capital_font_text_comes_out_as_the_codes_say():
    # Typed in .VnTimeH, "HÀ NỘI" is stored with the lowercase codes of à and ộ: we cannot know it was capitals.
    assert encode_legacy("HÀ NỘI", "tcvn3") == "Hµ NéI"
    assert convert_legacy("Hµ NéI", "tcvn3") == "Hà NộI"


def test_vni_reads_an_uppercase_base_with_a_lowercase_modifier_as_a_capital():
    assert convert_legacy("Aù", "vni") == "Á"
    assert convert_legacy("AÙ", "vni") == "Á"


def test_conversion_leaves_characters_outside_the_table_alone():
    assert convert_legacy("Năm 2024: Hµ", "tcvn3") == "Năm 2024: Hà"
    assert convert_legacy("(Haø) - 15%", "vni") == "(Hà) - 15%"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_conversion_output_is_nfc(encoding):
    for legacy, _ in TCVN3_PHRASES + VNI_PHRASES:
        converted = convert_legacy(legacy, encoding)
        assert converted == unicodedata.normalize("NFC", converted)


def test_an_unknown_encoding_is_refused():
    with pytest.raises(ValueError, match="Bảng mã"):
        convert_legacy("abc", "viscii")
    with pytest.raises(ValueError, match="Bảng mã"):
        encode_legacy("abc", "viscii")


@given(vietnamese_text)
def test_vni_round_trips_every_vietnamese_letter(text):
    assert convert_legacy(encode_legacy(text, "vni"), "vni") == text


@given(tcvn3_representable)
def test_tcvn3_round_trips_every_letter_it_can_encode(text):
    assert convert_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == text


@given(vietnamese_text)
def test_tcvn3_round_trip_lowercases_only_uppercase_toned_letters(text):
    assert convert_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == lower_toned(text)


@given(vietnamese_text, st.sampled_from(ENCODINGS))
def test_encoded_text_is_plain_cp1252(text, encoding):
    encoded = encode_legacy(text, encoding)
    assert encoded.encode("cp1252").decode("cp1252") == encoded


@given(vietnamese_text, st.sampled_from(ENCODINGS))
def test_nfd_and_nfc_input_convert_alike(text, encoding):
    encoded = encode_legacy(text, encoding)
    assert convert_legacy(unicodedata.normalize("NFD", encoded), encoding) == convert_legacy(encoded, encoding)


# --- normalize_text -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Hµ   Néi ", ("Hà Nội", "tcvn3")),
        ("Haø\u00a0Noäi", ("Hà Nội", "vni")),
        ("Hà Nội", ("Hà Nội", None)),
        (unicodedata.normalize("NFD", " Xã  Hoài Đức "), ("Xã Hoài Đức", None)),
        ("Ủy ban\tnhân dân\n huyện", ("Ủy ban nhân dân huyện", None)),
        ("Café  au lait", ("Café au lait", None)),
        ("", ("", None)),
    ],
)
def test_it_normalizes_text(text, expected):
    assert normalize_text(text) == expected


def test_it_converts_with_the_encoding_a_column_decided():
    assert normalize_text("Néi", legacy="tcvn3") == ("Nội", "tcvn3")
    assert normalize_text("Néi") == ("Néi", None)


def test_it_reports_no_conversion_when_nothing_changed():
    assert normalize_text("Linh", legacy="tcvn3") == ("Linh", None)


def test_it_can_be_told_never_to_convert():
    assert normalize_text(" Hµ  Néi ", legacy=None) == ("Hµ Néi", None)


@given(vietnamese_text)
def test_normalized_text_is_nfc_and_single_spaced(text):
    result, _ = normalize_text(unicodedata.normalize("NFD", text))
    assert result == unicodedata.normalize("NFC", result)
    assert result == " ".join(result.split())


@given(phrase)
def test_normalizing_unicode_vietnamese_only_tidies_it(text):
    assert normalize_text(unicodedata.normalize("NFD", f"  {text} ")) == (text, None)


@given(st.lists(st.sampled_from(DISTINCTIVE), min_size=1, max_size=4).map(" ".join), st.sampled_from(ENCODINGS))
def test_normalizing_legacy_text_restores_it(text, encoding):
    assert normalize_text(encode_legacy(text, encoding)) == (text, encoding)


def test_it_knows_what_legacy_text_cannot_hold():
    assert could_be_legacy("Xã Tân", "tcvn3")  # "Xó Tõn"
    assert not could_be_legacy("Xã Tân Hà", "tcvn3")  # TCVN3 has no code "à"
    assert not could_be_legacy("Hà Nội", "tcvn3") and not could_be_legacy("Hà Nội", "vni")  # "ộ" is not cp1252
    assert not could_be_legacy("Ålund", "tcvn3")  # TCVN3 has no code "Å"
    assert could_be_legacy("Haø Noäi", "vni")


@given(phrase, st.sampled_from(ENCODINGS))
def test_legacy_text_of_real_words_could_be_legacy(text, encoding):
    assert could_be_legacy(encode_legacy(text, encoding), encoding)


@given(vietnamese_text, st.sampled_from(ENCODINGS))
def test_no_legacy_text_looks_typed_in_unicode(text, encoding):
    assert not typed_in_unicode(encode_legacy(text, encoding))


def test_a_word_the_conversion_would_break_is_no_legacy_text():
    assert not could_be_legacy("Không", "vni")  # it would become "Khơng"
    assert not could_be_legacy("Có", "vni")  # "Cĩ": no word is spelt c before i
    assert could_be_legacy("Mét", "tcvn3")  # "Một"


def test_the_initials_are_spelt_by_their_rule():
    assert all(is_syllable(w) for w in ("kê", "ghi", "nghe", "ca", "ga", "nga", "gì", "kỳ", "cũng", "ngoài"))
    assert not any(is_syllable(w) for w in ("cĩ", "ngê", "ge", "ghô", "ngha"))
    # Names of the Central Highlands and the north: k before any vowel, a final k; qu before y.
    assert all(is_syllable(w) for w in ("kạn", "kon", "đắk", "lắk", "quỳnh", "quýt", "quy", "qua"))


def test_a_legacy_name_converts_though_its_words_are_no_common_syllables():
    for text, encoding in (("Bắc Kạn", "tcvn3"), ("Đắk Lắk", "vni"), ("Quỳnh Lưu", "tcvn3")):
        assert could_be_legacy(encode_legacy(text, encoding), encoding)
    assert detect_legacy(encode_legacy("Bắc Kạn", "tcvn3")) == "tcvn3"


def test_it_knows_text_typed_in_unicode():
    assert typed_in_unicode("Hà Nội") and typed_in_unicode(unicodedata.normalize("NFD", "Đức"))
    assert not typed_in_unicode("Xã Tân Hà") and not typed_in_unicode("Café") and not typed_in_unicode("")


# --- Numbers --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1,234.5", "1234.5"),
        ("12,5", "12.5"),
        ("12,5%", "12.5"),
        ("12,5 %", "12.5"),
        (" 2 000 000 đ", "2000000"),
        ("2\u00a0000\u00a0000 đ", "2000000"),
        ("1\u202f234,5", "1234.5"),
        ("2.000.000 VNĐ", "2000000"),
        ("2.000.000đ", "2000000"),
        ("2.000.000 đồng", "2000000"),
        ("₫5.000", "5000"),
        ("\u22125", "-5"),
        ("-1.234,5", "-1234.5"),
        ("+7", "7"),
        ("1.234", "1234"),  # Vietnamese first: the dot groups thousands
        ("1,234", "1.234"),  # and a lone comma is the decimal comma
        ("1,234,567", "1234567"),  # several commas can only be English grouping
        ("12.5", "12.5"),  # a dot that cannot group thousands is a decimal point
        ("0.123", "0.123"),
        ("1.2345", "1.2345"),
        ("0,5", "0.5"),
        ("1234,5", "1234.5"),
        ("007", "7"),
        (1234, "1234"),
        (12.5, "12.5"),
        (0.1, "0.1"),
        (Decimal("1.50"), "1.50"),
    ],
)
def test_it_parses_numbers(value, expected):
    assert parse_number(value) == Decimal(expected)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "abc",
        "1.23.4",
        "12,34,5",
        "1.234,",
        ",5",
        "1 2",
        "--5",
        "%",
        "đ",
        "1e5",
        "1_000",
        "1,234.5,6",
        "١٢",  # non-ASCII digits
        True,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        None,
    ],
)
def test_it_refuses_what_is_not_a_number(value):
    with pytest.raises(ValueError, match="^Không đọc được số: ") as error:
        parse_number(value)
    assert repr(value) in str(error.value)


def test_the_error_quotes_the_text():
    with pytest.raises(ValueError) as error:
        parse_number("abc")
    assert str(error.value) == "Không đọc được số: 'abc'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,5%", (Decimal("12.5"), "%")),
        ("2.000.000 VNĐ", (Decimal("2000000"), "đ")),
        ("VND 5", (Decimal("5"), "đ")),
        ("12,5", (Decimal("12.5"), None)),
        (3, (Decimal(3), None)),
    ],
)
def test_it_tells_which_unit_was_written(value, expected):
    assert parse_number_unit(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,234", "1234"),
        (" +1,250 đ ", "1250"),
        ("VNĐ 999,000", "999000"),
        ("\u22121,234", "1234"),
        ("1,2345", None),
        ("1.234", None),
        ("12,5", None),
        ("1,234,567", None),
        ("0,125", None),
    ],
)
def test_it_tells_a_comma_that_may_group_thousands(value, expected):
    """ "1,234" is 1.234 to parse_number, 1234 to an English-language Excel; the rest is read one way only."""
    assert thousands_reading(value) == expected


def vietnamese_notation(number: Decimal) -> str:
    """Thousands dots, decimal comma: 1234567.5 -> "1.234.567,5"."""
    sign = "-" if number < 0 else ""
    whole, _, fraction = format(abs(number), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "")


decimals = st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False)


@given(decimals)
def test_vietnamese_notation_reads_back_equal(number):
    assert parse_number(vietnamese_notation(number)) == number


@given(decimals)
def test_space_grouped_notation_reads_back_equal(number):
    text = vietnamese_notation(number).replace(".", "\u00a0") + " đ"
    assert parse_number(text) == number


@given(decimals.filter(lambda d: abs(d) >= 1000 and d != d.to_integral_value()))
def test_english_notation_with_both_separators_reads_back_equal(number):
    # Only unambiguous with a thousands comma and a decimal point: "1.001" alone is Vietnamese 1001.
    assert parse_number(f"{number:,f}") == number


@given(decimals)
def test_ungrouped_decimal_comma_reads_back_equal(number):
    assert parse_number(format(number, "f").replace(".", ",")) == number


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_are_taken_as_they_are(number):
    assert parse_number(number) == number
    assert parse_number(str(number)) == number
