"""A document in the Decree 30/2020/NĐ-CP layout (Appendix I), written with python-docx.

No Django import: the layout is tested on its own. Sizes chosen inside the decree's ranges:

- A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 20 mm.
- Times New Roman (the fonts table names it; a system without it shows the metric-compatible Liberation Serif).
- Header in two columns: parent body 13 pt capitals, issuing body 13 pt bold capitals, a short rule under it;
  national name 13 pt bold capitals, motto 14 pt bold underlined. "Số: 05/BC-HLHPN" 13 pt; place and date 14 pt
  italic, day below 10 and months 1–2 padded with 0.
- Type name 14 pt bold capitals, summary 14 pt bold; body 14 pt justified, first line indented 1.27 cm, 6 pt after
  each paragraph, line spacing 1.15.
- Signature: prefix and body (TM. BAN THƯỜNG VỤ) and position 14 pt bold capitals, name 14 pt bold.
- "Nơi nhận:" 12 pt bold italic, its list 11 pt, ending "- Lưu: VT, …".
- Page numbers 13 pt centred in the top margin, from page 2 (the first page has its own, empty, header).
"""

import dataclasses
import datetime
import io
from dataclasses import dataclass, field

from docx import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from giamsat.core.text import xml_text

FONT = "Times New Roman"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 20}
BODY_PT = 14
HEADER_PT = 13
INDENT_CM = 1.27


@dataclass
class Section:
    heading: str
    text: str


@dataclass
class DocumentData:
    parent_body: str
    issuer_name: str
    national_name: str
    motto: str
    reference: str  # "05/BC-HLHPN" or "…/BC-HLHPN" for a draft
    place_name: str
    date: datetime.date | None  # None while a draft: "ngày … tháng … năm …"
    type_name: str  # "BÁO CÁO"
    summary: str
    sections: list[Section] = field(default_factory=list)
    addressee: str = ""  # "Kính gửi: …" for a notice
    signature_prefix: str = ""
    signature_body: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"
    draft: bool = False
    # Minutes: the other side signs on the left, the secretary below (names may be blank, for the pen).
    counter_signer: str = ""  # "ĐẠI DIỆN ỦY BAN NHÂN DÂN HUYỆN ĐỨC LINH"
    secretary_name: str | None = None  # None: no secretary's signature


def _xml_safe(data: DocumentData) -> DocumentData:
    """The data with every text made fit for XML (the stored texts stay as typed): a table's cell mark pasted from
    Word into a finding made python-docx refuse the whole document."""
    changes = {}
    for item in dataclasses.fields(data):
        value = getattr(data, item.name)
        if isinstance(value, str):
            changes[item.name] = xml_text(value)
    changes["sections"] = [Section(xml_text(s.heading), xml_text(s.text)) for s in data.sections]
    changes["recipients"] = [xml_text(r) for r in data.recipients]
    return dataclasses.replace(data, **changes)


def date_line(place: str, day: datetime.date | None) -> str:
    """'Bình Thuận, ngày 05 tháng 10 năm 2023': days below 10 and months 1 and 2 padded with 0 (Decree 30)."""
    if day is None:
        return f"{place}, ngày      tháng      năm"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(reference: str) -> str:
    return f"Số: {reference}"


def _font(run, size: float, bold=False, italic=False, underline=False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    # East-Asian and complex-script slots too, so Word never substitutes another font for Vietnamese letters.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _paragraph(container, text: str, size: float, *, align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.line_spacing = 1.0
    if text:
        _font(paragraph.add_run(text), size, **style)
    return paragraph


def _rule(container, width_cm: float, cell_width_cm: float) -> None:
    """A short centred horizontal line: an empty paragraph with a bottom border, indented from both sides."""
    paragraph = container.add_paragraph()
    side = max(0.0, (cell_width_cm - width_cm) / 2)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _fresh_cell(cell):
    """A cell without the empty paragraph python-docx puts in it."""
    for paragraph in list(cell.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return cell


def _two_columns(document, left_cm: float, right_cm: float):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for cell, width in zip(table.rows[0].cells, (left_cm, right_cm), strict=True):
        cell.width = Cm(width)
    for column, width in zip(table.columns, (left_cm, right_cm), strict=True):
        column.width = Cm(width)
    return _fresh_cell(table.rows[0].cells[0]), _fresh_cell(table.rows[0].cells[1])


def _page_number_header(section) -> None:
    """PAGE field, centred, 13 pt, in the header of pages 2 onwards; page 1 gets an empty first-page header."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    header = section.header
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, HEADER_PT)
    begin, instruction, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)
    section.first_page_header.paragraphs[0].text = ""


def render_docx(data: DocumentData) -> bytes:
    data = _xml_safe(data)
    document = DocxDocument()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    _page_number_header(section)
    text_width_cm = (210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
    # The national name in 13 pt bold is about 9.6 cm wide: a 9.2 cm column (less its cell margins) broke it as
    # "… VIỆT / NAM", which an office would send back. The bodies' column takes the narrower share.
    left_cm, right_cm = 5.5, text_width_cm - 5.5

    # Header: bodies on the left, national name and motto on the right; number and date below them.
    left, right = _two_columns(document, left_cm, right_cm)
    if data.parent_body:
        _paragraph(left, data.parent_body.upper(), HEADER_PT)
    _paragraph(left, data.issuer_name.upper(), HEADER_PT, bold=True)
    _rule(left, 2.2, left_cm)
    _paragraph(left, number_line(data.reference), HEADER_PT, before=6)
    _paragraph(right, data.national_name.upper(), HEADER_PT, bold=True)
    _paragraph(right, data.motto, BODY_PT, bold=True, underline=True)
    _paragraph(right, "", HEADER_PT)
    _paragraph(right, date_line(data.place_name, data.date), BODY_PT, italic=True, before=6)

    if data.draft:
        _paragraph(document, "DỰ THẢO", HEADER_PT, bold=True, before=6)
    _paragraph(document, data.type_name.upper(), BODY_PT, bold=True, before=18)
    for line in data.summary.splitlines() or [""]:
        _paragraph(document, line, BODY_PT, bold=True)
    _rule(document, 3.0, text_width_cm)
    if data.addressee:
        _paragraph(document, f"Kính gửi: {data.addressee}", BODY_PT, before=12)

    first = True
    for part in data.sections:
        lines = [line.strip() for line in part.text.splitlines() if line.strip()]
        if part.heading.startswith("Điều ") and lines:
            # An article: "Điều 1." in bold opens its first paragraph, as in every decision (Decree 30).
            article = _body_paragraph(document, before=6)
            _font(article.add_run(f"{part.heading} "), BODY_PT, bold=True)
            _font(article.add_run(lines.pop(0)), BODY_PT)
        elif part.heading.isupper() and part.heading.endswith(":") and not lines:  # "QUYẾT ĐỊNH:"
            _paragraph(document, part.heading, BODY_PT, bold=True, before=12, after=6)
        elif part.heading:
            heading = _body_paragraph(document, before=12 if first else 6)
            _font(heading.add_run(part.heading), BODY_PT, bold=True)
        for line in lines:
            _font(_body_paragraph(document).add_run(line), BODY_PT)
        first = False

    if data.counter_signer:
        _minutes_signatures(document, data, text_width_cm)
    else:
        # Signature on the right, recipients on the left, as the decree draws them.
        recipients, signature = _two_columns(document, 7.5, text_width_cm - 7.5)
        _recipients(recipients, data)
        _signature(signature, data)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _recipients(cell, data: DocumentData) -> None:
    _paragraph(cell, "Nơi nhận:", 12, align=WD_ALIGN_PARAGRAPH.LEFT, before=12, bold=True, italic=True)
    lines = [r.strip().lstrip("-").strip().rstrip(";.") for r in data.recipients if r.strip()]
    for line in lines:
        _paragraph(cell, f"- {line};", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(cell, f"- Lưu: {data.archive}.", 11, align=WD_ALIGN_PARAGRAPH.LEFT)


def _signer(cell, position: str, name: str) -> None:
    _paragraph(cell, position.upper(), BODY_PT, bold=True, before=12)
    for _ in range(4):
        _paragraph(cell, "", BODY_PT)
    _paragraph(cell, name, BODY_PT, bold=True)


def _minutes_signatures(document, data: DocumentData, text_width_cm: float) -> None:
    """Minutes are signed by both sides, the other side on the left, and by the secretary who wrote them; the
    recipients, when any are given, follow."""
    other, head = _two_columns(document, text_width_cm / 2, text_width_cm / 2)
    _signer(other, data.counter_signer, "")
    _signature(head, data)
    if data.secretary_name is not None:
        _signer(document, "THƯ KÝ", data.secretary_name)
    if data.recipients:
        recipients, _blank = _two_columns(document, 7.5, text_width_cm - 7.5)
        _recipients(recipients, data)


def _signature(signature, data: DocumentData) -> None:
    top = " ".join(p for p in (data.signature_prefix, data.signature_body.upper()) if p)
    if top:
        _paragraph(signature, top, BODY_PT, bold=True, before=12)
    if data.signer_position:
        _paragraph(signature, data.signer_position.upper(), BODY_PT, bold=True, before=0 if top else 12)
    for _ in range(4):
        _paragraph(signature, "", BODY_PT)
    if data.signer_name:
        _paragraph(signature, data.signer_name, BODY_PT, bold=True)


def _body_paragraph(document, before: float = 0):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    form = paragraph.paragraph_format
    form.first_line_indent = Cm(INDENT_CM)
    form.space_before = Pt(before)
    form.space_after = Pt(6)
    form.line_spacing = 1.15
    return paragraph
