"""The spreadsheet round-trip of a report request, and safe XLSX exports for the whole project.

* `build_template(request)`: a pre-filled XLSX for one report request, with locked labels, data validation and a
  very hidden sheet "_giamsat" telling the upload which indicator sits on which row, and for which plan, unit
  and period the file was made.
* `parse_upload(request, content)`: reads a filled-in file back, validates every cell and returns the values to
  save as the draft (`reporting.services.do_save_draft`), or raises `SpreadsheetErrors` with every error found,
  each with its sheet and cell. Files without the hidden sheet (data copied into another workbook) are read by
  the indicator codes and the column headings.
* `safe_cell_value(value)` / `set_cell(cell, value)` / `export_rows(headers, rows)`: every export neutralises
  formula injection the same way (see `safe_cell_value`).

No request or response objects here: the views hand over a ReportRequest and bytes (or a file).
"""

import datetime
import io
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Any
from xml.etree.ElementTree import XMLPullParser  # noqa: S405 - what openpyxl reads uploads with (expat, no DTD fetching)

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.read_only import EMPTY_CELL, ReadOnlyCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, MERGE_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHEET_MAIN_NS

from giamsat.core.formatting import dmy, plain_number
from giamsat.core.periods import Period, PeriodKind
from giamsat.core.text import fold, slug
from giamsat.core.uploads import UploadRejected, detect_kind, format_size
from giamsat.core.vntext import could_be_legacy, detect_legacy_many, normalize_text, typed_in_unicode
from giamsat.plans.choices import IndicatorKind
from giamsat.plans.models import Indicator, Target

from .choices import ReportStatus
from .figures import fraction_for_percent, fraction_for_percent_warning, is_percent, typed_number
from .models import IndicatorValue, Report, ReportRequest
from .services import ValueInput, do_take_upload

__all__ = [
    "XLSX_CONTENT_TYPE",
    "CellError",
    "Conversion",
    "ParsedReport",
    "SpreadsheetErrors",
    "build_template",
    "export_rows",
    "open_upload",
    "parse_upload",
    "safe_cell_value",
    "set_cell",
    "template_filename",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEMPLATE_KIND = "giamsat-report-request"
TEMPLATE_VERSION = 1
REPORT_SHEET = "Báo cáo"  # the report sheet's name in Vietnamese (the default language)
META_SHEET = "_giamsat"

# Layout of version 1 of the template: the header block, the column headings, then one row per indicator.
HEADER_ROW = 8
FIRST_ROW = HEADER_ROW + 1
COLUMNS = {
    "code": 1,
    "name": 2,
    "measure": 3,
    "target": 4,
    "previous": 5,
    "value": 6,
    "numerator": 7,
    "denominator": 8,
    "milestone": 9,
    "source": 10,
    "comment": 11,
}
LAST_COLUMN = max(COLUMNS.values())
WIDTHS = {"code": 9, "name": 48, "measure": 11, "target": 13, "previous": 13, "value": 14, "numerator": 13}
WIDTHS |= {"denominator": 13, "milestone": 14, "source": 24, "comment": 36}
NUMERIC_INPUTS = ("value", "numerator", "denominator", "milestone")

# Excel's own limits, and ours on what an upload may unpack to before openpyxl builds it in memory.
MAX_CELL_TEXT = 32767
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# How far the fallback (no hidden sheet) looks for indicator codes and headings.
SCAN_ROWS = 2000
SCAN_COLUMNS = 40

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

FONT_NAME = "Times New Roman"
FONT = Font(name=FONT_NAME, size=12)
BOLD = Font(name=FONT_NAME, size=12, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
ITALIC = Font(name=FONT_NAME, size=11, italic=True)
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
GREY_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)


# --------------------------------------------------------------------------------------------- safe cells


def safe_cell_value(value: Any) -> Any:
    """A value that openpyxl will store as data, never as a formula: use it for every cell of every export.

    openpyxl writes any text that starts with "=" as a formula, and text equal to an error code ("#N/A") as an
    error; spreadsheet programs also treat text starting with + - @ (and tab, CR) as formulas when a user edits
    the cell or the data goes through CSV. Our method keeps the text exactly as it is (no apostrophe is added to
    the data, so what is read back equals what was written) and forces its cell type to string:
    risky text is returned as a `CellRichText`, which openpyxl always writes as an inline string (`t="inlineStr"`)
    — the equivalent of `cell.value = text; cell.data_type = "s"`, but usable where there is no cell to set
    (`ws.append`, write-only sheets). `set_cell` does the same and also sets the cell's `quotePrefix` style,
    Excel's own record of a leading apostrophe, so that re-editing the cell in Excel keeps it text.

    Also: characters XML cannot hold are dropped, text is cut at Excel's 32,767 characters, lazy translations
    become text, aware datetimes become local naive ones (Excel has no time zones), a Decimal becomes an int
    when whole (exact) else a float, NaN and infinities become empty cells, and anything else becomes its text.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(timezone.localtime(value))
        return value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
    if is_risky_text(text):
        return CellRichText(text)
    return text


def is_risky_text(text: str) -> bool:
    """Text a spreadsheet program could take for a formula or an error value."""
    return text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES


def set_cell(cell, value: Any):
    """Put `value` in `cell` the safe way (see `safe_cell_value`); returns the cell."""
    safe = safe_cell_value(value)
    cell.value = safe
    if isinstance(safe, CellRichText):
        cell.quotePrefix = True
    return cell


def export_rows(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    hidden: Sequence[tuple[str, Any]] = (),
    about: Sequence[tuple[str, Any]] = (),
) -> bytes:
    """A plain XLSX of a table: bold headings, frozen heading row, readable widths, every cell safe.

    Streams (openpyxl write-only mode), so `rows` may be a generator over a large queryset. `hidden` (key,
    value) pairs go to a very hidden sheet "_giamsat", for a file that is meant to be uploaded again. `about`
    (label, value) pairs say what the table is (plan, period, unit, when and by whom exported) on a second
    sheet, and head every printed page with the title and the first value; the table itself stays a plain
    grid from A1, ready to sort and filter."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title or _("Dữ liệu")))
    ws.freeze_panes = "A2"
    if about:
        _printable(ws, title or "", about)
    # Widths from the heading and the first rows (the rest stream past): a column of unit names 12 wide cut them.
    rows = iter(rows)
    first = list(islice(rows, WIDTH_SAMPLE))
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header)) + 2, *(_shown_length(row[index - 1]) for row in first if len(row) >= index)])
        ws.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 12), 60)
    heading, body = _style_of(ws, BOLD, HEADING_FILL), _style_of(ws, FONT)
    # A fraction is shown with one or two decimals, as on the page (98,38 rather than 98.379255, and 98,3 rather
    # than 98,30 beside a whole 99), its full value kept.
    fraction = _style_of(ws, FONT, number_format=FRACTION_FORMAT)
    ws.append([_write_only_cell(ws, h, heading) for h in headers])
    for row in chain(first, rows):
        ws.append([_write_only_cell(ws, v, fraction if _is_fraction(v) else body) for v in row])
    if about:
        sheet = wb.create_sheet(sheet_title(_("Thông tin")))
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 30, 100
        label = _style_of(sheet, BOLD)
        for key, value in about:
            sheet.append([_write_only_cell(sheet, key, label), _write_only_cell(sheet, value, body)])
    if hidden:
        meta = wb.create_sheet(META_SHEET)
        meta.sheet_state = "veryHidden"
        for key, value in hidden:
            meta.append([safe_cell_value(key), safe_cell_value(value)])
        meta.protection.sheet = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _printable(ws, title: str, about: Sequence[tuple[str, Any]]) -> None:
    """A4 landscape, as wide as one page, the heading row on every page, under a header naming the table, what it is
    of (the first value of `about`) and, on the right, the next three (a plan table's unit, period and date of the
    units: printed, a sheet said only "Chỉ tiêu chưa đạt", the rest being on the other sheet)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    # "&" starts a header code in Excel; a literal one is written twice.
    ws.HeaderFooter.oddHeader.center.text = f"&B{title[:100].replace('&', '&&')}"
    ws.HeaderFooter.oddHeader.left.text = str(about[0][1])[:120].replace("&", "&&")
    details = " · ".join(str(value) for _label, value in about[1:4] if value not in (None, ""))
    ws.HeaderFooter.oddHeader.right.text = details[:120].replace("&", "&&")
    ws.HeaderFooter.oddFooter.center.text = _("Trang &P / &N")


WIDTH_SAMPLE = 200
DAY_FORMAT, MOMENT_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
FRACTION_FORMAT = "#,##0.0#"


def _shown_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return len(MOMENT_FORMAT)
    return len(DAY_FORMAT) if isinstance(value, datetime.date) else len(str(value))


def _is_fraction(value) -> bool:
    return (isinstance(value, Decimal) and value.is_finite() and value != value.to_integral_value()) or (
        isinstance(value, float) and not value.is_integer()
    )


def _style_of(ws, font, fill=None, number_format: str | None = None) -> StyleArray:
    """The workbook's style indices for a font, fill and number format, looked up once: assigning a font to a cell
    hashes it (about 40 % of the export of a province's 41,000-cell matrix went to that, under cProfile)."""
    cell = WriteOnlyCell(ws)
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    return cell._style


def _write_only_cell(ws, value, style: StyleArray) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    cell._style = copy(style)  # openpyxl's own way of giving a cell another's style
    set_cell(cell, value)  # after: it may add the quote prefix to the style
    if isinstance(value, datetime.date):  # after too: a date gets openpyxl's ISO format; the pages write 15/01/2024
        cell.number_format = MOMENT_FORMAT if isinstance(value, datetime.datetime) else DAY_FORMAT
    return cell


def sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\. A longer title loses its brackets' aside, then
    its last words, marked "…": cut at 31 characters "Đúng thời hạn từng bước (chu kỳ đầu)" read "…(chu kỳ"."""
    words = " ".join(re.sub(r"[\[\]:*?/\\]", " ", str(title)).split())
    if len(words) > 31:
        words = " ".join(re.sub(r"\([^()]*\)", " ", words).split())
    if len(words) > 31:
        words = words[:30].rsplit(" ", 1)[0].rstrip(",;–-") + "…"
    return words or "Sheet"


# --------------------------------------------------------------------------------------------- the template


def template_filename(request: ReportRequest) -> str:
    """'bao-cao_4525-kh-ubnd_600_2023-01-01_2023-12-31.xlsx': ASCII, safe in a Content-Disposition header."""
    reference = slug(request.schedule.plan.reference) or "ke-hoach"
    return f"bao-cao_{reference}_{request.unit.code}_{request.period_start:%Y-%m-%d}_{request.period_end:%Y-%m-%d}.xlsx"


def _labels() -> dict[str, str]:
    return {
        "code": _("Mã"),
        "name": _("Chỉ tiêu"),
        "measure": _("Đơn vị tính"),
        "target": _("Chỉ tiêu kỳ"),
        "previous": _("Số kỳ trước"),
        "value": _("Giá trị"),
        "numerator": _("Tử số"),
        "denominator": _("Mẫu số"),
        "milestone": _("Đạt/Chưa đạt"),
        "source": _("Nguồn"),
        "comment": _("Ghi chú"),
    }


def _met_labels() -> tuple[str, str]:
    return _("Đạt"), _("Chưa đạt")


def _reported(indicator: Indicator) -> bool:
    """Whether the unit reports this indicator (its source is "reports", not a computed source)."""
    return indicator.source == "reports"


def _input_columns(indicator: Indicator) -> tuple[str, ...]:
    if not _reported(indicator):
        return ()
    return {
        IndicatorKind.RATIO: ("numerator", "denominator"),
        IndicatorKind.MILESTONE: ("milestone",),
    }.get(indicator.kind, ("value",))


def _latest_report(request: ReportRequest) -> Report | None:
    """The version the template is filled from, editable or not: a template downloaded while the report waited
    for review came out blank, and once the report was returned it was refused as older than the web edits."""
    return request.reports.order_by("-version").first()


def _indicators_with_previous(request: ReportRequest) -> list[Indicator]:
    """The plan's indicators in order, each annotated with the last accepted total of this unit for an earlier
    period (prev_value, prev_numerator, prev_denominator, prev_start, prev_end, prev_kind), in one query."""
    earlier = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"),
        breakdown="",
        report__status=ReportStatus.ACCEPTED,
        report__request__unit=request.unit,
        report__request__period_end__lt=request.period_start,
    ).order_by("-report__request__period_end", "-report__request__period_start", "-report__version")
    fields = {
        "prev_value": "value",
        "prev_numerator": "numerator",
        "prev_denominator": "denominator",
        "prev_start": "report__request__period_start",
        "prev_end": "report__request__period_end",
        "prev_kind": "report__request__period_kind",
    }
    return list(
        Indicator.objects.filter(plan_id=request.schedule.plan_id)
        .order_by("order", "code")
        .annotate(**{name: Subquery(earlier.values(path)[:1]) for name, path in fields.items()})
    )


def _targets(request: ReportRequest) -> dict[int, Target]:
    """Per indicator, the unit's target of the narrowest period that contains the request's period."""
    found: dict[int, Target] = {}
    rows = Target.objects.filter(
        indicator__plan_id=request.schedule.plan_id,
        unit=request.unit,
        period_start__lte=request.period_start,
        period_end__gte=request.period_end,
    )
    for target in rows:
        best = found.get(target.indicator_id)
        if best is None or (target.period_end - target.period_start) < (best.period_end - best.period_start):
            found[target.indicator_id] = target
    return found


def _unit_label(unit) -> str:
    province = unit.province if unit.province_id and unit.province_id != unit.pk else None
    return f"{unit.name}, {province.name}" if province else unit.name


def build_template(request: ReportRequest) -> bytes:
    """The pre-filled XLSX for one report request (see the module docstring); the latest version's values, if
    there is one, are already in the input cells."""
    request = ReportRequest.objects.select_related("schedule__plan__issuer", "unit__province").get(pk=request.pk)
    plan = request.schedule.plan
    indicators = _indicators_with_previous(request)
    targets = _targets(request)
    draft = _latest_report(request)
    drafted = {v.indicator_id: v for v in draft.values.filter(breakdown="")} if draft else {}
    labels = _labels()
    met, not_met = _met_labels()

    wb = Workbook()
    ws = wb.active
    # In the user's language: an upload finds the sheet through the hidden one, whatever its name.
    ws.title = pgettext("tên trang tính (sheet) của tệp mẫu báo cáo", "Báo cáo")[:31]
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last = get_column_letter(LAST_COLUMN)

    def put(row: int, column: int, value, font=FONT, alignment=WRAP, fill=None, protection=LOCKED):
        cell = set_cell(ws.cell(row=row, column=column), value)
        cell.font = font
        cell.alignment = alignment
        cell.protection = protection
        if fill is not None:
            cell.fill = fill
        return cell

    put(1, 1, _("BÁO CÁO SỐ LIỆU THỰC HIỆN CHỈ TIÊU"), TITLE, CENTRE)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    header = [
        (_("Kế hoạch:"), _("%(reference)s ngày %(date)s: %(title)s")
         % {"reference": plan.reference, "date": dmy(plan.issued_on), "title": plan.title}),
        (_("Cơ quan ban hành:"), plan.issuer.name),
        (_("Đơn vị báo cáo:"), _unit_label(request.unit)),
        (_("Kỳ báo cáo:"), f"{request.period.label} ({dmy(request.period_start)} – {dmy(request.period_end)})"),
        (_("Hạn nộp:"), dmy(request.due_on)),
    ]  # fmt: skip
    for offset, (label, value) in enumerate(header, start=2):
        put(offset, 1, label, BOLD)
        put(offset, 2, value)
        ws.merge_cells(start_row=offset, start_column=2, end_row=offset, end_column=LAST_COLUMN)
    ws.row_dimensions[2].height = 15 * max(1, min(4, len(str(header[0][1])) // 110 + 1))
    put(
        7,
        1,
        _(
            "Nhập số liệu vào các ô màu vàng; ô màu xám không nhập. Gõ số theo kiểu Việt Nam (1.234,5) hay kiểu "
            "Anh (1,234.5) đều được. Không dùng công thức trong ô nhập, không thêm hay xóa dòng, không sửa cột Mã."
        ),
        ITALIC,
    )
    ws.merge_cells(f"A7:{last}7")
    ws.row_dimensions[7].height = 32

    for key, column in COLUMNS.items():
        put(HEADER_ROW, column, labels[key], BOLD, CENTRE, HEADING_FILL).border = BOX
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[key]
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=COLUMNS["target"])

    validations = {
        "nonnegative": DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số không hợp lệ"),
            error=_("Nhập một số không âm."),
        ),
        "percent": DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số không hợp lệ"),
            error=_("Nhập tỷ lệ phần trăm từ 0 đến 100."),
        ),
        "positive": DataValidation(
            type="decimal",
            operator="greaterThan",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số không hợp lệ"),
            error=_("Mẫu số phải lớn hơn 0."),
        ),
        "milestone": DataValidation(
            type="list",
            formula1=f'"{met},{not_met}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Giá trị không hợp lệ"),
            error=_("Chọn “%(met)s” hoặc “%(not_met)s”.") % {"met": met, "not_met": not_met},
        ),
    }
    rule_of = {"value": "nonnegative", "numerator": "nonnegative", "denominator": "positive", "milestone": "milestone"}

    placed: list[tuple[Indicator, int]] = []
    for row, indicator in enumerate(indicators, start=FIRST_ROW):
        placed.append((indicator, row))
        put(row, COLUMNS["code"], indicator.code, alignment=Alignment(horizontal="center", vertical="top"))
        put(row, COLUMNS["name"], indicator.name)
        put(row, COLUMNS["measure"], indicator.measure, alignment=CENTRE)
        target = targets.get(indicator.pk)
        cell = put(row, COLUMNS["target"], safe_cell_value(target.value) if target else None)
        if target is not None and (target.period_start, target.period_end) != (
            request.period_start,
            request.period_end,
        ):
            cell.comment = Comment(_("Chỉ tiêu của %(period)s") % {"period": target.period.label}, "giamsat")
        previous = _previous_display(indicator, met, not_met)
        cell = put(row, COLUMNS["previous"], previous)
        if previous is not None and indicator.prev_start:
            period = Period(indicator.prev_start, indicator.prev_end, PeriodKind(indicator.prev_kind))
            cell.comment = Comment(_("Số đã duyệt của %(period)s") % {"period": period.label}, "giamsat")

        inputs = _input_columns(indicator)
        current = drafted.get(indicator.pk)
        for key in NUMERIC_INPUTS + ("source", "comment"):
            column = COLUMNS[key]
            is_input = key in inputs or (key in ("source", "comment") and _reported(indicator))
            value = _draft_cell_value(current, key, met, not_met) if is_input else None
            cell = put(
                row,
                column,
                value,
                alignment=WRAP if key in ("source", "comment") else Alignment(vertical="top"),
                fill=INPUT_FILL if is_input else GREY_FILL,
                protection=UNLOCKED if is_input else LOCKED,
            )
            if is_input and key in rule_of:
                rule = "percent" if key == "value" and is_percent(indicator) else rule_of[key]
                validations[rule].add(cell.coordinate)
        for column in range(1, LAST_COLUMN + 1):
            ws.cell(row=row, column=column).border = BOX
        ws.row_dimensions[row].height = _row_height(
            (indicator.name, WIDTHS["name"]),
            (current.source if current else "", WIDTHS["source"]),
            (current.comment if current else "", WIDTHS["comment"]),
        )
    for validation in validations.values():
        if validation.sqref:
            ws.add_data_validation(validation)

    ws.protection.sheet = True  # no password: it protects labels from slips, it hides nothing
    ws.protection.formatColumns = False  # widths and heights may still be changed
    ws.protection.formatRows = False

    _write_metadata(wb, request, draft, placed)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row_height(*texts: tuple[str, float]) -> float:
    """Enough height for wrapped text (spreadsheet programs do not all fit rows of a generated file)."""
    lines = max(max(1, -(-len(text or "") // int(width * 1.1))) + (text or "").count("\n") for text, width in texts)
    return 16.5 * min(lines, 15)


def _previous_display(indicator: Indicator, met: str, not_met: str):
    if indicator.prev_start is None:
        return None
    if indicator.kind == IndicatorKind.RATIO:
        if indicator.prev_numerator is None or indicator.prev_denominator is None:
            return None
        return f"{plain_number(indicator.prev_numerator)}/{plain_number(indicator.prev_denominator)}"
    if indicator.prev_value is None:
        return None
    if indicator.kind == IndicatorKind.MILESTONE:
        return met if indicator.prev_value >= 1 else not_met
    return safe_cell_value(indicator.prev_value)


def _draft_cell_value(current: IndicatorValue | None, key: str, met: str, not_met: str):
    if current is None:
        return None
    if key == "milestone":
        return None if current.value is None else (met if current.value >= 1 else not_met)
    if key in ("source", "comment"):
        return getattr(current, key) or None
    return safe_cell_value(getattr(current, key))


def _write_metadata(wb: Workbook, request: ReportRequest, draft: Report | None, placed) -> None:
    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "veryHidden"
    rows = [
        ("template", TEMPLATE_KIND),
        ("version", TEMPLATE_VERSION),
        ("request_id", request.pk),
        ("plan_id", request.schedule.plan_id),
        ("plan_reference", request.schedule.plan.reference),
        ("unit_id", request.unit_id),
        ("unit_structure", request.unit.structure),
        ("unit_code", request.unit.code),
        ("unit_name", request.unit.name),
        ("period_kind", request.period_kind),
        ("period_start", request.period_start.isoformat()),
        ("period_end", request.period_end.isoformat()),
        ("draft_revision", draft.revision if draft else None),
        ("draft_id", draft.pk if draft else None),
        ("sheet", wb.worksheets[0].title),
        ("header_row", HEADER_ROW),
        ("generated_at", timezone.now().replace(microsecond=0).isoformat()),
        ("indicators", "id | code | kind | row"),
    ]
    for key, value in rows:
        meta.append([safe_cell_value(key), safe_cell_value(value)])
    for indicator, row in placed:
        meta.append([indicator.pk, safe_cell_value(indicator.code), indicator.kind, row])
    meta.protection.sheet = True


# --------------------------------------------------------------------------------------------- the upload


@dataclass(frozen=True)
class CellError:
    """One problem, where it is: the sheet's name and the cell ("E14"); both empty for the file as a whole."""

    sheet: str
    cell: str
    message: str

    def __str__(self):
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.message}" if where else self.message


class SpreadsheetErrors(Exception):
    """The upload is refused; `errors` lists every problem found, in reading order. Nothing was saved."""

    def __init__(self, errors: list[CellError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Conversion:
    """A text cell that was in a legacy encoding and was converted to Unicode, to show the user."""

    sheet: str
    cell: str
    before: str
    after: str
    encoding: str  # "tcvn3" or "vni"

    @property
    def encoding_label(self) -> str:
        return {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}.get(self.encoding, self.encoding)


@dataclass
class ParsedReport:
    """What an upload says, ready for `do_save_draft(report, ..., values=parsed.values)`.

    `values`: one ValueInput (breakdown "") per indicator the unit reports; `conversions`: legacy-encoded texts
    that were converted; `warnings`: things the user should know though nothing is wrong (e.g. the file had no
    template information, so the unit and period could not be checked); `from_template`: found through the
    hidden sheet; `template_revision` and `template_report_id`: the revision and the id of the report version the
    template was filled from (None if there was none, or no hidden sheet), so that an upload does not undo web
    edits made since (`services.upload_conflict`)."""

    values: list[ValueInput]
    conversions: list[Conversion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    from_template: bool = False
    template_revision: int | None = None
    template_report_id: int | None = None
    # Percentages that look like fractions of one: (indicator id, the figure, the warning), see `save_into`.
    fractions: list[tuple[int, Decimal, str]] = field(default_factory=list)

    def save_into(self, request: ReportRequest, *, acting_user) -> Report:
        """What the upload page does with a file read: its values into the request's draft
        (`services.do_take_upload`, which refuses them if the draft was edited on the web since the download).
        A fraction-like percentage is pointed out (in `warnings`) only if it is new: the template shows the figure
        saved, and the user was told when it was."""
        latest = _latest_report(request)
        saved = dict(latest.values.filter(breakdown="").values_list("indicator_id", "value")) if latest else {}
        report = do_take_upload(
            request,
            acting_user=acting_user,
            values=self.values,
            from_template=self.from_template,
            template_revision=self.template_revision,
            template_report_id=self.template_report_id,
        )
        self.warnings += [
            message for indicator_id, number, message in self.fractions if saved.get(indicator_id) != number
        ]
        return report


@dataclass
class _Metadata:
    version: int
    request_id: int | None
    plan_id: int
    plan_reference: str
    unit_structure: str
    unit_code: int
    unit_name: str
    period_start: datetime.date
    period_end: datetime.date
    draft_revision: int | None
    draft_id: int | None
    sheet: str
    rows: dict[int, tuple[str, int, str]]  # indicator id -> (code, row, kind)


class _Refused(Exception):
    """Stops the reading of a file that cannot be read at all (one file-level error)."""

    def __init__(self, message: str, sheet: str = "", cell: str = ""):
        super().__init__(message)
        self.error = CellError(sheet, cell, message)


def _read_bytes(content) -> bytes:
    """The bytes of an upload (bytes, a Django UploadedFile or any binary file object), refusing, before
    reading it, a file over settings.GIAMSAT_MAX_UPLOAD_BYTES."""
    limit = settings.GIAMSAT_MAX_UPLOAD_BYTES
    size = len(content) if isinstance(content, bytes | bytearray | memoryview) else getattr(content, "size", None)
    if size is not None and size > limit:
        raise _Refused(
            _("Tệp quá lớn (%(size)s). Dung lượng tối đa là %(limit)s.")
            % {"size": format_size(size, round_up=True), "limit": format_size(limit)}
        )
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    if hasattr(content, "seek"):
        content.seek(0)
    data = content.read(limit + 1)
    if len(data) > limit:
        raise _Refused(_("Tệp quá lớn. Dung lượng tối đa là %(limit)s.") % {"limit": format_size(limit)})
    return data


def _corrupted() -> _Refused:
    return _Refused(
        _("Tệp bị hỏng hoặc không phải bảng tính Excel hợp lệ, hệ thống không mở được. Hãy mở tệp trên máy, "
          "lưu lại dạng .xlsx rồi tải lên lần nữa.")
    )  # fmt: skip


TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


class _SheetParser(WorkSheetParser):
    """openpyxl's worksheet parser (what read-only mode uses), reduced to what an upload is read for: the rows,
    and the merged ranges, which read-only mode drops; the rest of the sheet (validations, views, print
    settings) is skipped. openpyxl internals: the tests of merged cells, formulas and text cover them."""

    def rows_and_merged(self, max_row: int | None = None):
        """Yields each row's cells (dicts: row, column, value, data_type, style_id), up to `max_row`; then
        `self.merged` holds the merged ranges. The rows below are not parsed: a value filled down a whole column
        (a million cells in a 200 KB file) took half a minute and 270 MB to read. Their bytes are only searched for
        the merged ranges, which come after them."""
        self.merged: list[CellRange] = []
        parser = XMLPullParser(events=("end",))
        while chunk := self.source.read(CHUNK_BYTES):
            parser.feed(chunk)
            for _event, element in parser.read_events():
                if element.tag == ROW_TAG:
                    number = element.get("r")
                    number = int(number) if number and number.isdigit() else self.row_counter + 1
                    if max_row is not None and number > max_row:
                        self.merged = _merged_ranges(chunk, self.source)
                        return
                    yield self.parse_row(element)[1]
                    element.clear()
                elif element.tag == MERGE_TAG:
                    self.merged = [CellRange(merged.get("ref")) for merged in element]
                    element.clear()
        parser.close()

    def parse_cell(self, element):
        # Two common cells read faster than openpyxl does: the empty styled cell (the template's input cells) and
        # plain inline text (openpyxl writes every text so; its parser builds an object tree for each).
        value = None
        if len(element):
            string = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
            plain = string is not None and len(string) == 1 and string[0].tag == TEXT_TAG
            if not plain or element.find(FORMULA_TAG) is not None:
                return super().parse_cell(element)
            value = string[0].text or ""
        if coordinate := element.get("r"):
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        data_type = "s" if value is not None else element.get("t", "n")
        return {
            "row": row,
            "column": column,
            "value": value,
            "data_type": data_type,
            "style_id": int(element.get("s", 0)),
        }


CHUNK_BYTES = 16 * 1024  # as openpyxl's iterparse reads
MERGED_REF = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"")


def _merged_ranges(chunk: bytes, source) -> list[CellRange]:
    """The merged ranges in the rest of a worksheet's XML (`chunk`, then what is left of `source`): mergeCell
    elements are only found after the rows, and text cannot hold a "<". Read a chunk at a time, each searched up
    to its last "<" (an element that may go on in the next chunk is carried over)."""
    refs, buffer = [], chunk
    while more := source.read(CHUNK_BYTES):
        buffer += more
        cut = buffer.rfind(b"<")
        refs += MERGED_REF.findall(buffer, 0, cut)
        buffer = buffer[cut:]
    refs += MERGED_REF.findall(buffer)
    return [CellRange(ref.decode()) for ref in refs]


class _Sheet:
    """One worksheet of an upload, read in a single pass: its non-empty cells (up to column `max_column`, all
    that the reading ever looks at) by row and column, and its merged ranges. A cell covered by a merged range
    other than its top-left one reads as empty, as in openpyxl's full mode."""

    def __init__(self, ws, max_column: int = SCAN_COLUMNS, max_row: int | None = None):
        self.title = ws.title
        self.sheet_state = ws.sheet_state
        self.rows: dict[int, dict[int, ReadOnlyCell]] = {}
        wb = ws.parent
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with ws._get_source() as source:  # as ReadOnlyWorksheet.iter_rows does
                parser = _SheetParser(
                    source,
                    ws._shared_strings,
                    data_only=wb.data_only,
                    epoch=wb.epoch,
                    date_formats=wb._date_formats,
                    timedelta_formats=wb._timedelta_formats,
                )
                for row in parser.rows_and_merged(max_row):
                    for cell in row:
                        if cell["value"] is not None and cell["column"] <= max_column:
                            self.rows.setdefault(cell["row"], {})[cell["column"]] = ReadOnlyCell(ws, **cell)
        self.merged = parser.merged
        for merged in self.merged:
            span = range(merged.min_row, merged.max_row + 1)
            for row in span if len(span) <= len(self.rows) else [r for r in self.rows if r in span]:
                cells = self.rows.get(row, {})
                for column in [c for c in cells if merged.min_col <= c <= merged.max_col]:
                    if (row, column) != (merged.min_row, merged.min_col):
                        del cells[column]

    def cell(self, row: int, column: int):
        return self.rows.get(row, {}).get(column, EMPTY_CELL)

    def cells(self, max_row: int):
        """The non-empty cells of rows 1 to max_row, row by row, left to right."""
        for row in sorted(r for r in self.rows if r <= max_row):
            cells = self.rows[row]
            for column in sorted(cells):
                yield cells[column]


class _Book:
    """The uploaded workbook, opened read-only (it keeps the file open: close it); each sheet is read once,
    when first needed."""

    def __init__(self, wb, max_column: int = SCAN_COLUMNS, max_row: int | None = None):
        self.wb = wb
        self.max_column, self.max_row = max_column, max_row
        self.sheetnames = wb.sheetnames
        self._sheets: dict[str, _Sheet] = {}

    def __getitem__(self, name: str) -> _Sheet:
        if name not in self._sheets:
            try:
                self._sheets[name] = _Sheet(self.wb[name], self.max_column, self.max_row)
            except Exception as exc:  # a damaged sheet shows only now that it is read
                raise _corrupted() from exc
        return self._sheets[name]

    def visible_sheets(self) -> list[_Sheet]:
        return [self[ws.title] for ws in self.wb.worksheets if ws.sheet_state == "visible"]

    def close(self) -> None:
        self.wb.close()


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not read its size when opened: openpyxl parses the first 16 KB of every sheet's
    XML for its <dimension> (a quarter of opening a report file), which _Sheet never asks for."""

    def _get_size(self):
        pass


class _UploadReader(ExcelReader):
    """load_workbook(read_only=True) less what an upload never uses: each sheet's size, and each sheet's
    relationships (comments, drawings), which read-only mode parses and then drops. openpyxl internals, as
    _SheetParser: the sheets are listed as ExcelReader.read_worksheets does in read-only mode."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def _open_workbook(data: bytes, max_column: int = SCAN_COLUMNS, max_row: int | None = None) -> _Book:
    try:
        kind = detect_kind(io.BytesIO(data), extension="xlsx", max_unpacked=MAX_UNPACKED_BYTES)
    except UploadRejected as exc:
        raise _Refused(exc.message) from exc
    if kind != "xlsx":
        raise _Refused(_("Tệp không phải là bảng tính Excel (.xlsx)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
            # Read-only: a third of the time of full mode; _Sheet gets the merged ranges it does not keep.
            reader = _UploadReader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False)
            reader.read()
            wb = reader.wb
    except Exception as exc:  # whatever openpyxl trips on, the answer for the user is the same
        raise _corrupted() from exc
    return _Book(wb, max_column, max_row)


def open_upload(content, *, max_column: int = SCAN_COLUMNS) -> _Book:
    """Another upload read as a report file is (size, type and unpacked size checked, merged ranges and
    formulas kept, cells beyond `max_column` dropped): for the other spreadsheets users fill in. Raises
    SpreadsheetErrors; close the book after reading."""
    try:
        return _open_workbook(_read_bytes(content), max_column)
    except _Refused as refused:
        raise SpreadsheetErrors([refused.error]) from None


def parse_upload(request: ReportRequest, content) -> ParsedReport:
    """Read a filled-in report file (bytes or a file object) for `request`.

    Validates everything and collects every error before answering: the file itself, that it is this plan's,
    this unit's and this period's template, then each indicator's cells (no formulas, numbers — text in
    Vietnamese notation accepted —, ranges, numerator ≤ denominator, required values). Text cells are
    normalised (NFC, legacy TCVN3/VNI converted and listed). Raises SpreadsheetErrors; saves nothing."""
    if not all(ReportRequest._meta.get_field(name).is_cached(request) for name in ("schedule", "unit")):
        request = ReportRequest.objects.select_related("schedule", "unit").get(pk=request.pk)
    wb = None
    try:
        wb = _open_workbook(_read_bytes(content), max_row=SCAN_ROWS)  # no row further down is ever looked at
        indicators = list(Indicator.objects.filter(plan_id=request.schedule.plan_id).order_by("order", "code"))
        metadata = _read_metadata(wb)
        if metadata is not None:
            _check_metadata(metadata, request)
        layout = _locate(wb, metadata, indicators)
    except _Refused as refused:
        raise SpreadsheetErrors([refused.error]) from None
    finally:
        if wb is not None:
            wb.close()
    reader = _Reader(layout)
    values = reader.read(indicators)
    if reader.errors:
        raise SpreadsheetErrors(reader.errors)
    return ParsedReport(
        values=values,
        conversions=reader.conversions,
        warnings=reader.warnings,
        fractions=reader.fractions,
        from_template=metadata is not None,
        template_revision=metadata.draft_revision if metadata else None,
        template_report_id=metadata.draft_id if metadata else None,
    )


# --- the hidden sheet


def _broken_template() -> _Refused:
    return _Refused(_("Phần thông tin ẩn của tệp mẫu bị hỏng hoặc đã bị sửa. Hãy tải tệp mẫu mới và nhập lại số liệu."))


def _as_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def _read_metadata(wb: _Book) -> _Metadata | None:
    if META_SHEET not in wb.sheetnames:
        return None
    ws = wb[META_SHEET]
    pairs: dict[str, Any] = {}
    rows: dict[int, tuple[str, int, str]] = {}
    in_indicators = False
    records = (tuple(ws.cell(row, column).value for column in range(1, 5)) for row in sorted(ws.rows) if row <= 10000)
    for record in records:
        if in_indicators:
            if record[0] is None:
                continue
            try:
                rows[_as_int(record[0])] = (str(record[1]), _as_int(record[3]), str(record[2] or ""))
            except (TypeError, ValueError):
                raise _broken_template() from None
            continue
        if record[0] is None:
            continue
        key = str(record[0])
        pairs[key] = record[1]
        in_indicators = key == "indicators"
    if pairs.get("template") != TEMPLATE_KIND:
        raise _Refused(_("Tệp này không phải tệp mẫu báo cáo của hệ thống (có trang thông tin của loại khác)."))
    try:
        version = _as_int(pairs["version"])
        if version > TEMPLATE_VERSION:
            raise _Refused(_("Tệp mẫu do phiên bản mới hơn của hệ thống tạo ra; hãy tải tệp mẫu tại đây."))
        revision = pairs.get("draft_revision")
        request_id = pairs.get("request_id")
        return _Metadata(
            version=version,
            request_id=_as_int(request_id) if request_id not in (None, "") else None,
            plan_id=_as_int(pairs["plan_id"]),
            plan_reference=str(pairs.get("plan_reference") or ""),
            unit_structure=str(pairs["unit_structure"]),
            unit_code=_as_int(pairs["unit_code"]),
            unit_name=str(pairs.get("unit_name") or ""),
            period_start=datetime.date.fromisoformat(str(pairs["period_start"])[:10]),
            period_end=datetime.date.fromisoformat(str(pairs["period_end"])[:10]),
            draft_revision=_as_int(revision) if revision not in (None, "") else None,
            draft_id=_as_int(draft_id) if (draft_id := pairs.get("draft_id")) not in (None, "") else None,
            sheet=str(pairs.get("sheet") or REPORT_SHEET),
            rows=rows,
        )
    except (KeyError, TypeError, ValueError):
        raise _broken_template() from None


def _check_metadata(metadata: _Metadata, request: ReportRequest) -> None:
    """One clear error when the file is another plan's, unit's or period's template."""
    differs = []
    if metadata.plan_id != request.schedule.plan_id:
        differs.append(_("kế hoạch khác (%(reference)s)") % {"reference": metadata.plan_reference or "?"})
    if (metadata.unit_structure, metadata.unit_code) != (request.unit.structure, request.unit.code):
        differs.append(_("đơn vị khác (%(unit)s)") % {"unit": metadata.unit_name or metadata.unit_code})
    if (metadata.period_start, metadata.period_end) != (request.period_start, request.period_end):
        differs.append(
            _("kỳ khác (%(start)s – %(end)s)") % {"start": dmy(metadata.period_start), "end": dmy(metadata.period_end)}
        )
    if not differs and metadata.request_id not in (None, request.pk):
        # Another schedule of the same plan asks the same unit for the same days: its file has its own revisions.
        differs.append(_("yêu cầu báo cáo khác (cùng đơn vị, cùng kỳ)"))
    if differs:
        raise _Refused(
            _(
                "Tệp mẫu này của %(what)s, không dùng được cho báo cáo %(unit)s, %(period)s. "
                "Hãy tải tệp mẫu của đúng báo cáo này."
            )
            % {"what": ", ".join(differs), "unit": request.unit.name, "period": request.period.label}
        )


# --- finding the rows and columns


@dataclass
class _Layout:
    ws: _Sheet
    columns: dict[str, int]
    rows: dict[int, int]  # indicator id -> row
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _code_key(value) -> str | None:
    """How a code cell compares: "CT01" ~ " ct01 "; 1 ~ 1.0 ~ "1" ~ "01"; "1.2" ~ 1.2."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else repr(value)
    text = normalize_text(str(value), legacy=None)[0].replace(" ", "").casefold()
    if not text:
        return None
    # Leading zeros dropped by hand: int() refuses more than 4,300 digits.
    return (text.lstrip("0") or "0") if text.isascii() and text.isdigit() else text


def _heading_key(value) -> str:
    """'Giá trị (người)*' -> 'gia tri'; 'Đạt / Chưa đạt' -> 'dat/chua dat'."""
    text = fold(normalize_text(str(value), legacy=None)[0])
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return " ".join(text.replace("*", " ").replace(":", " ").split())


def _heading_synonyms() -> dict[str, str]:
    """Folded heading -> column key, for files without the hidden sheet (our labels in either language and
    the headings officials commonly use)."""
    names = {
        "code": ["Mã", "Mã số", "Mã chỉ tiêu", "Code"],
        "name": ["Chỉ tiêu", "Tên chỉ tiêu", "Indicator"],
        "value": ["Giá trị", "Giá trị thực hiện", "Thực hiện", "Số thực hiện", "Kết quả thực hiện", "Value"],
        "numerator": ["Tử số", "Numerator"],
        "denominator": ["Mẫu số", "Denominator"],
        "milestone": ["Đạt/Chưa đạt", "Đạt hay chưa đạt", "Milestone"],
        "source": ["Nguồn", "Nguồn số liệu", "Source"],
        "comment": ["Ghi chú", "Comment", "Note", "Notes"],
    }
    synonyms = {}
    for key, words in names.items():
        for word in words:
            synonyms[_heading_key(word)] = key
    for language, _name in settings.LANGUAGES:  # a template downloaded in English is uploaded in Vietnamese
        with translation.override(language):
            for key, label in _labels().items():
                if key in names:
                    synonyms[_heading_key(label)] = key
    return synonyms


def _locate(wb: _Book, metadata: _Metadata | None, indicators: list[Indicator]) -> _Layout:
    by_key = {_code_key(i.code): i for i in indicators}
    if metadata is None or metadata.sheet not in wb.sheetnames:
        layout = _locate_without_metadata(wb, indicators, by_key)
        if metadata is None:
            layout.warnings.append(
                _(
                    "Tệp không có phần thông tin của tệp mẫu (có lẽ số liệu đã được chép sang tệp khác), nên hệ "
                    "thống tìm chỉ tiêu theo mã ở cột %(column)s và không kiểm tra được đơn vị, kỳ báo cáo. Hãy xem "
                    "lại số liệu trước khi gửi."
                )
                % {"column": get_column_letter(layout.columns["code"])}
            )
        _missing_rows(layout, indicators, set())
        _names_moved(layout, indicators)
        return layout

    ws = wb[metadata.sheet]
    layout = _Layout(ws, dict(COLUMNS), {})
    code_column = COLUMNS["code"]
    recorded = {i.pk: metadata.rows[i.pk][1] for i in indicators if i.pk in metadata.rows}
    codes = {i.pk: _code_key(i.code) for i in indicators}
    if all(_code_key(ws.cell(row=row, column=code_column).value) == codes[pk] for pk, row in recorded.items()):
        layout.rows = recorded
    else:
        # Rows were moved (protection lifted, rows inserted or sorted): find every indicator by its code.
        layout.rows = _rows_by_code(ws, code_column, by_key, layout)
    added_later = {i.pk for i in indicators if i.pk not in metadata.rows}
    _missing_rows(layout, indicators, added_later)
    _columns_moved(layout, indicators)
    _kinds_changed(layout, metadata, indicators)
    _names_moved(layout, indicators)
    _other_report_sheets(wb, ws, by_key)
    return layout


def _columns_moved(layout: _Layout, indicators: list[Indicator]) -> None:
    """Read a template whose columns were deleted, inserted or moved (its protection lifted) where its headings now
    stand: with a column deleted, each text was read from its neighbour's place (the source as the comment)."""
    if not layout.rows:
        return
    found = _headings(layout.ws, min(layout.rows.values()) - 1, layout.columns["code"], prefer=COLUMNS)
    if all(COLUMNS[key] == column for key, column in found.items()):
        return
    layout.columns = {"code": layout.columns["code"], **found}
    _needed_columns(layout, indicators)
    labels = _labels()
    for key in ("source", "comment"):
        if key not in found:  # its heading reworded: nothing of that column is read, which the user must know
            layout.warnings.append(
                _("Các cột của tệp đã bị di chuyển và không tìm thấy cột “%(column)s”, nên cột đó không được đọc.")
                % {"column": labels[key]}
            )


def _name_key(value) -> str:
    return " ".join(fold(normalize_text(str(value), legacy=None)[0]).split())


def _names_moved(layout: _Layout, indicators: list[Indicator]) -> None:
    """Refuse rows whose name is another indicator's: the rows were sorted or moved without the code column (in a
    copy without the sheet's protection), so each figure would be saved for the indicator of its row's code."""
    column = layout.columns.get("name")
    if column is None:
        return
    names: dict[str, list[Indicator]] | None = None
    for indicator in indicators:
        row = layout.rows.get(indicator.pk)
        shown = layout.ws.cell(row, column).value if row is not None else None
        # Most files show the names as the template wrote them: only a changed one is folded and looked up.
        if shown is None or shown == indicator.name or _name_key(shown) == _name_key(indicator.name):
            continue
        if names is None:
            names = {}
            for other in indicators:
                names.setdefault(_name_key(other.name), []).append(other)
        others = names.get(_name_key(shown), [])
        if len(others) == 1:
            layout.errors.append(
                CellError(
                    layout.ws.title,
                    f"{get_column_letter(column)}{row}",
                    _(
                        "Dòng %(row)s có mã %(code)s nhưng tên là của chỉ tiêu %(other)s: có lẽ các dòng đã được sắp "
                        "xếp hoặc di chuyển mà không kèm cột Mã, nên số liệu sẽ bị ghi nhầm chỉ tiêu. Hãy sắp xếp lại "
                        "cho khớp mã với tên, hoặc tải tệp mẫu mới và nhập lại."
                    )
                    % {"row": row, "code": indicator.code, "other": others[0].code},
                )
            )


def _other_report_sheets(wb: _Book, report: _Sheet, by_key: dict) -> None:
    """Refuse a file with a second visible sheet holding the indicators (a copy of the report sheet, made with
    Move or Copy): its figures were silently ignored for the original's."""
    for ws in wb.visible_sheets():
        if ws is report:
            continue
        codes = {_code_key(cell.value) for cell in ws.cells(SCAN_ROWS) if cell.column == COLUMNS["code"]}
        if len(codes & set(by_key)) * 2 >= max(len(by_key), 1):
            raise _Refused(
                _(
                    "Tệp có thêm trang “%(sheet)s” cũng chứa các chỉ tiêu của báo cáo, nhưng hệ thống chỉ đọc trang "
                    "“%(report)s”. Hãy nhập số liệu vào trang “%(report)s”, xóa trang “%(sheet)s” rồi tải lên lại."
                )
                % {"sheet": ws.title, "report": report.title}
            )


def _kinds_changed(layout: _Layout, metadata: _Metadata, indicators: list[Indicator]) -> None:
    """An indicator whose kind changed since the download is not read: its errors would send the user to the
    other kind's cells, which their file has locked and grey."""
    for indicator in indicators:
        kind = metadata.rows.get(indicator.pk, ("", 0, ""))[2]
        if indicator.pk in layout.rows and kind and kind != indicator.kind:
            del layout.rows[indicator.pk]
            layout.errors.append(
                CellError(
                    layout.ws.title,
                    "",
                    _("Chỉ tiêu %(code)s đã đổi loại (nay là “%(kind)s”) sau khi tải tệp mẫu này; hãy tải tệp mẫu mới.")
                    % {"code": indicator.code, "kind": indicator.get_kind_display()},
                )
            )


def _rows_by_code(ws: _Sheet, column: int, by_key: dict, layout: _Layout) -> dict[int, int]:
    rows: dict[int, int] = {}
    first_seen: dict[int, int] = {}
    for row in sorted(r for r in ws.rows if r <= SCAN_ROWS):
        indicator = by_key.get(_code_key(ws.cell(row=row, column=column).value))
        if indicator is None:
            continue
        if indicator.pk in first_seen:
            layout.errors.append(
                CellError(
                    ws.title,
                    f"{get_column_letter(column)}{row}",
                    _("Mã chỉ tiêu %(code)s xuất hiện hai lần (dòng %(first)s và dòng %(second)s).")
                    % {"code": indicator.code, "first": first_seen[indicator.pk], "second": row},
                )
            )
            continue
        first_seen[indicator.pk] = row
        rows[indicator.pk] = row
    return rows


def _missing_rows(layout: _Layout, indicators: list[Indicator], added_later: set[int]) -> None:
    for indicator in indicators:
        if not _reported(indicator) or indicator.pk in layout.rows:
            continue
        if indicator.pk in added_later:
            message = _("Chỉ tiêu %(code)s được thêm vào kế hoạch sau khi tải tệp mẫu này; hãy tải tệp mẫu mới.") % {
                "code": indicator.code
            }
        else:
            message = _("Không tìm thấy dòng của chỉ tiêu %(code)s (%(name)s) trong cột Mã.") % {
                "code": indicator.code,
                "name": indicator.name,
            }
        layout.errors.append(CellError(layout.ws.title, "", message))


def _locate_without_metadata(wb: _Book, indicators, by_key) -> _Layout:
    """Find the sheet and column holding most indicator codes, then the headings above the first of them."""
    best: tuple[int, int, Any] | None = None  # (matches, -column, sheet)
    per_sheet: dict[str, int] = {}  # the most codes one column of each sheet holds
    for ws in wb.visible_sheets():
        counts: Counter[int] = Counter()
        for cell in ws.cells(SCAN_ROWS):
            if _code_key(cell.value) in by_key:
                counts[cell.column] += 1
        for column, matches in counts.items():
            if best is None or (matches, -column) > best[:2]:
                best = (matches, -column, ws)
        if counts:
            per_sheet[ws.title] = max(counts.values())
    # Sheets that hold about as many codes as the best one (a year's sheet may lack an indicator added later); a
    # note listing a few codes is no other report.
    most = max(per_sheet.values(), default=0)
    holding = [title for title, matches in per_sheet.items() if matches * 5 >= most * 4 and matches * 2 >= len(by_key)]
    if len(holding) > 1:
        # Say which, rather than read the first: a workbook kept over the years has a sheet for each year.
        raise _Refused(
            _(
                "Tệp có %(count)s trang cùng chứa các chỉ tiêu của báo cáo: %(sheets)s. Hệ thống không biết trang nào "
                "là của kỳ này. Hãy để lại trang của kỳ này (xóa hoặc chép các trang khác sang tệp khác) rồi tải lên "
                "lại, hoặc tải tệp mẫu của báo cáo này."
            )
            % {"count": len(holding), "sheets": ", ".join(f"“{title}”" for title in holding)}
        )
    if best is None:
        raise _Refused(
            _(
                "Không tìm thấy chỉ tiêu nào của kế hoạch này trong tệp (cột Mã). Hãy dùng tệp mẫu tải từ hệ "
                "thống, hoặc giữ nguyên mã chỉ tiêu ở cột đầu."
            )
        )
    _matches, negative_column, ws = best
    code_column = -negative_column
    layout = _Layout(ws, {"code": code_column}, {})
    layout.rows = _rows_by_code(ws, code_column, by_key, layout)
    for title, matches in per_sheet.items():
        if title != ws.title and matches * 2 >= len(by_key):  # fewer than the sheet read, yet many
            layout.warnings.append(
                _(
                    "Trang “%(other)s” cũng có các mã chỉ tiêu; hệ thống đọc trang “%(sheet)s”, trang có nhiều chỉ "
                    "tiêu nhất."
                )
                % {"other": title, "sheet": ws.title}
            )
    first_row = min(layout.rows.values())

    headings = _headings(ws, first_row - 1, code_column)
    # Our own column order is assumed only for a copy that kept the codes in column A and lost every heading.
    layout.columns = {"code": code_column, **headings}
    if code_column == COLUMNS["code"] and not set(headings) - {"code", "name"}:
        layout.columns = dict(COLUMNS)
    _needed_columns(layout, indicators)
    return layout


def _headings(ws: _Sheet, row: int, code_column: int, prefer: dict[str, int] | None = None) -> dict[str, int]:
    """Column key -> column, for the headings recognised in the rows down to `row` (the one above the first
    indicator). A heading found in several columns is taken where `prefer` puts it, if it is there (a "Ghi chú"
    column the user added beside the template's); else the lowest, closer to the data, then the rightmost."""
    synonyms = _heading_synonyms()
    found: dict[str, list[tuple[int, int]]] = {}
    for cell in ws.cells(row):  # merged headings: only the top-left cell holds the text, as wanted
        if isinstance(cell.value, str) and (key := synonyms.get(_heading_key(cell.value))):
            if key == "code" and cell.column != code_column:
                continue
            found.setdefault(key, []).append((cell.row, cell.column))
    prefer = prefer or {}
    return {
        key: prefer[key] if prefer.get(key) in {column for _row, column in places} else max(places)[1]
        for key, places in found.items()
    }


def _needed_columns(layout: _Layout, indicators: list[Indicator]) -> None:
    """An error for each input column that the plan's indicators need and the sheet lacks."""
    ws = layout.ws
    needed = {"value": IndicatorKind.COUNT, "numerator": IndicatorKind.RATIO, "milestone": IndicatorKind.MILESTONE}
    kinds = {i.kind for i in indicators if _reported(i)}
    if IndicatorKind.AMOUNT in kinds:
        kinds.add(IndicatorKind.COUNT)
    labels = _labels()
    for key, kind in needed.items():
        if kind in kinds and key not in layout.columns:
            layout.errors.append(
                CellError(ws.title, "", _("Không tìm thấy cột “%(column)s”.") % {"column": labels[key]})
            )
    if IndicatorKind.RATIO in kinds and "denominator" not in layout.columns:
        layout.errors.append(
            CellError(ws.title, "", _("Không tìm thấy cột “%(column)s”.") % {"column": labels["denominator"]})
        )


# --- reading the cells

_BAD = object()  # a cell already reported as an error


class _Reader:
    def __init__(self, layout: _Layout):
        self.layout = layout
        self.ws = layout.ws
        self.sheet = layout.ws.title
        self.errors: list[CellError] = list(layout.errors)
        self.conversions: list[Conversion] = []
        self.warnings: list[str] = list(layout.warnings)
        self.fractions: list[tuple[int, Decimal, str]] = []
        # Only the merged ranges over indicator rows matter (not, say, the template's own header block).
        rows = layout.rows.values()
        top, bottom = (min(rows), max(rows)) if rows else (0, -1)
        self.merged = [m for m in self.ws.merged if m.max_row >= top and m.min_row <= bottom]
        self.pooled: dict[str, str | None] = {}  # column key -> the legacy encoding of its short cells

    # -- primitives

    def coordinate(self, row: int, key: str) -> str:
        return f"{get_column_letter(self.layout.columns[key])}{row}"

    def error(self, row: int, key: str, message: str) -> object:
        self.errors.append(CellError(self.sheet, self.coordinate(row, key), message))
        return _BAD

    def _merged_origin(self, row: int, column: int):
        for merged in self.merged:
            inside = merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col
            if inside and (row, column) != (merged.min_row, merged.min_col):
                return merged
        return None

    def raw(self, row: int, key: str, *, inherit_merged: bool = False):
        """The cell's value; None if the column is absent or the cell is empty; _BAD after reporting an error."""
        column = self.layout.columns.get(key)
        if column is None:
            return None, None
        cell = self.ws.cell(row=row, column=column)
        merged = self._merged_origin(row, column)
        if merged is not None:
            if not inherit_merged:
                return self.error(
                    row,
                    key,
                    _("Ô %(cell)s nằm trong vùng gộp ô %(range)s; hãy bỏ gộp ô và nhập số liệu cho từng chỉ tiêu.")
                    % {"cell": self.coordinate(row, key), "range": merged.coord},
                ), cell
            if merged.min_col != column:
                return None, cell  # merged with the cell to its left (source and comment): the text is that one's
            cell = self.ws.cell(row=merged.min_row, column=merged.min_col)
        if cell.data_type == "f":
            return self.error(
                row,
                key,
                _("Ô %(cell)s chứa công thức; hãy dán giá trị (Paste Special → Values).")
                % {"cell": self.coordinate(row, key)},
            ), cell
        value = cell.value
        if isinstance(value, CellRichText):
            value = str(value)
        if isinstance(value, str) and not value.strip():
            value = None
        return value, cell

    def number(self, row: int, key: str, indicator: Indicator, *, percent: bool = False):
        value, cell = self.raw(row, key)
        if value is None or value is _BAD:
            return value
        # A cell formatted as a percentage holds 0.85 for 85%.
        percent_cell = not isinstance(value, str) and _percent_format(_number_format(cell))
        if percent_cell and not percent:
            # Excel shows 0.5 as "50%": the user meant 50 (or typed a count into a % cell), the file holds 0.5.
            return self.error(
                row,
                key,
                _(
                    "Chỉ tiêu %(code)s: ô định dạng phần trăm nhưng số này không tính bằng %%; hãy định dạng ô là Số "
                    "(Number) rồi nhập lại."
                )
                % {"code": indicator.code},
            )
        as_percent = percent and percent_cell
        try:
            number = typed_number(
                value, indicator, part=key in ("numerator", "denominator"), percent=percent, percent_format=as_percent
            )
        except ValueError as exc:
            return self.error(row, key, str(exc))
        if percent and fraction_for_percent(value, number, as_percent):
            warning = fraction_for_percent_warning(self.coordinate(row, key), indicator, number)
            self.fractions.append((indicator.pk, number, warning))
        return number

    def milestone(self, row: int, indicator: Indicator):
        value, _cell = self.raw(row, "milestone")
        if value is None or value is _BAD:
            return value
        if isinstance(value, bool):
            return Decimal(int(value))
        if isinstance(value, int | float) and value in (0, 1):
            return Decimal(int(value))
        if isinstance(value, str):
            answer = _heading_key(value)
            yes = {_heading_key(w) for w in ("Đạt", "Có", "Hoàn thành", "Đã hoàn thành", "x", "1", "Yes")}
            no = {_heading_key(w) for w in ("Chưa đạt", "Không đạt", "Không", "Chưa hoàn thành", "0", "No")}
            for language, _name in settings.LANGUAGES:  # the list of a template downloaded in another language
                with translation.override(language):
                    met, not_met = _met_labels()
                yes.add(_heading_key(met))
                no.add(_heading_key(not_met))
            if answer in yes:
                return Decimal(1)
            if answer in no:
                return Decimal(0)
        met, not_met = _met_labels()
        return self.error(
            row,
            "milestone",
            _("Chỉ tiêu %(code)s: chọn “%(met)s” hoặc “%(not_met)s”.")
            % {"code": indicator.code, "met": met, "not_met": not_met},
        )

    def text(self, row: int, key: str) -> str | object:
        value, _cell = self.raw(row, key, inherit_merged=True)
        if value is None or value is _BAD:
            return "" if value is None else value
        if isinstance(value, datetime.datetime | datetime.date):
            return dmy(value if isinstance(value, datetime.date) else value.date())
        if isinstance(value, float):
            value = plain_number(Decimal(repr(value)))
        raw = str(value).strip()
        after, encoding = self._normalise(raw, self.pooled.get(key))
        if encoding is not None:
            self.conversions.append(Conversion(self.sheet, self.coordinate(row, key), raw, after, encoding))
        return after

    def _normalise(self, raw: str, pooled: str | None) -> tuple[str, str | None]:
        """NFC and legacy conversion, line by line (line breaks typed with Alt+Enter are kept); `pooled`: the
        encoding of the cell's column, for the cells too short to tell."""
        lines, used = [], None
        for line in raw.splitlines():
            after, encoding = normalize_text(line)
            if encoding is None and pooled and not line.isascii() and could_be_legacy(line, pooled):
                # The column as a whole is legacy text: convert the short, ambiguous cells the same way.
                after, encoding = normalize_text(line, legacy=pooled)
            used = used or encoding
            lines.append(after)
        return "\n".join(line for line in lines if line).strip(), used

    # -- the whole sheet

    def read(self, indicators: list[Indicator]) -> list[ValueInput]:
        columns = self.layout.columns
        # An indicator whose input column is missing has that error already (`_needed_columns`), not one per row.
        located = [
            (i, self.layout.rows[i.pk])
            for i in indicators
            if i.pk in self.layout.rows and all(key in columns for key in _input_columns(i))
        ]
        texts = {key: [self._peek_text(row, key) for _i, row in located] for key in ("source", "comment")}
        encoding = detect_legacy_many(texts["source"] + texts["comment"])
        # A column with text typed in Unicode too: a short cell's accents say nothing of its encoding there ("Xã
        # Tân" is valid as it stands, and would become "Xó Tõn" from TCVN3).
        self.pooled = {
            key: None if any(text and typed_in_unicode(text) for text in column) else encoding
            for key, column in texts.items()
        }
        values = []
        for indicator, row in located:
            value = self.read_row(indicator, row)
            if value is not None:
                values.append(value)
        return values

    def _peek_text(self, row: int, key: str):
        column = self.layout.columns.get(key)
        if column is None:
            return None
        value = self.ws.cell(row=row, column=column).value
        return value if isinstance(value, str) else None

    def read_row(self, indicator: Indicator, row: int) -> ValueInput | None:
        code = indicator.code
        expected = _input_columns(indicator)
        if not _reported(indicator):
            for key in ("value", "numerator", "denominator", "milestone"):
                value, _cell = self.raw(row, key)
                if value is not None and value is not _BAD:
                    self.error(
                        row,
                        key,
                        _("Chỉ tiêu %(code)s lấy số liệu tự động, đơn vị không nhập; hãy để trống ô này.")
                        % {"code": code},
                    )
            return None
        for key in ("value", "numerator", "denominator", "milestone"):
            if key in expected:
                continue
            value, _cell = self.raw(row, key)
            if value is not None and value is not _BAD:
                self.error(row, key, self._wrong_column_message(indicator))

        result = ValueInput(indicator=indicator)
        bad = False
        if indicator.kind == IndicatorKind.RATIO:
            numerator = self.number(row, "numerator", indicator)
            denominator = self.number(row, "denominator", indicator)
            bad = numerator is _BAD or denominator is _BAD
            if not bad:
                bad = not self._check_ratio(indicator, row, numerator, denominator)
            if not bad:
                result.numerator, result.denominator = numerator, denominator
        elif indicator.kind == IndicatorKind.MILESTONE:
            value = self.milestone(row, indicator)
            bad = value is _BAD
            if value is None:
                bad = True
                self.error(row, "milestone", _("Chỉ tiêu %(code)s: chưa chọn Đạt hay Chưa đạt.") % {"code": code})
            elif not bad:
                result.value = value
        else:
            percent = is_percent(indicator)
            value = self.number(row, "value", indicator, percent=percent)
            bad = value is _BAD
            if value is None:
                bad = True
                self.error(row, "value", _("Chỉ tiêu %(code)s: chưa nhập số liệu.") % {"code": code})
            elif not bad and value < 0:
                bad = True
                self.error(row, "value", _("Chỉ tiêu %(code)s: số liệu không được âm.") % {"code": code})
            elif not bad and percent and value > 100:
                bad = True
                self.error(
                    row,
                    "value",
                    _("Chỉ tiêu %(code)s tính bằng %%: giá trị phải từ 0 đến 100.") % {"code": code},
                )
            if not bad:
                result.value = value

        source = self.text(row, "source")
        comment = self.text(row, "comment")
        if source is _BAD or comment is _BAD:
            return None
        max_source = IndicatorValue._meta.get_field("source").max_length
        if len(source) > max_source:
            self.error(
                row,
                "source",
                _("Chỉ tiêu %(code)s: nguồn số liệu dài quá %(limit)s ký tự.") % {"code": code, "limit": max_source},
            )
            return None
        result.source, result.comment = source, comment
        return None if bad else result

    def _check_ratio(self, indicator: Indicator, row: int, numerator, denominator) -> bool:
        code = indicator.code
        if numerator is None and denominator is None:
            self.error(row, "numerator", _("Chỉ tiêu %(code)s: chưa nhập tử số và mẫu số.") % {"code": code})
            return False
        ok = True
        if numerator is None:
            ok = False
            self.error(row, "numerator", _("Chỉ tiêu %(code)s: thiếu tử số.") % {"code": code})
        elif numerator < 0:
            ok = False
            self.error(row, "numerator", _("Chỉ tiêu %(code)s: tử số không được âm.") % {"code": code})
        if denominator is None:
            ok = False
            self.error(row, "denominator", _("Chỉ tiêu %(code)s: thiếu mẫu số.") % {"code": code})
        elif denominator < 0:
            ok = False
            self.error(row, "denominator", _("Chỉ tiêu %(code)s: mẫu số không được âm.") % {"code": code})
        elif denominator == 0 and numerator:
            # 0 / 0 says nobody was concerned, as the web form accepts: the template it fills must come back.
            ok = False
            self.error(
                row, "denominator", _("Chỉ tiêu %(code)s: mẫu số bằng 0 thì tử số phải bằng 0.") % {"code": code}
            )
        if ok and numerator > denominator:
            ok = False
            self.error(
                row,
                "numerator",
                _("Chỉ tiêu %(code)s: tử số (%(numerator)s) không được lớn hơn mẫu số (%(denominator)s).")
                % {"code": code, "numerator": plain_number(numerator), "denominator": plain_number(denominator)},
            )
        return ok

    def _wrong_column_message(self, indicator: Indicator) -> str:
        labels = _labels()
        if indicator.kind == IndicatorKind.RATIO:
            where = _("“%(first)s” và “%(second)s”") % {
                "first": labels["numerator"],
                "second": labels["denominator"],
            }
        else:
            key = "milestone" if indicator.kind == IndicatorKind.MILESTONE else "value"
            where = _("“%(first)s”") % {"first": labels[key]}
        return _("Chỉ tiêu %(code)s là loại “%(kind)s”: chỉ nhập ở cột %(columns)s.") % {
            "code": indicator.code,
            "kind": indicator.get_kind_display(),
            "columns": where,
        }


# In a number format, quoted text ("0.0" %"") and escaped characters (0\%) are shown as written.
LITERALS_IN_FORMAT = re.compile(r'"[^"]*"|\\.')


def _number_format(cell) -> str:
    """A cell's number format; "" when there is no cell, or the file's styles do not hold its format (a file made by
    another program: LibreOffice opens it, openpyxl's lookup raised IndexError, a server error)."""
    if cell is None:
        return ""
    try:
        return cell.number_format or ""
    except (IndexError, KeyError):
        return ""


def _percent_format(number_format: str | None) -> bool:
    """Whether Excel multiplies the cell by 100 to show it: a % of the format itself, not one shown as text."""
    return "%" in LITERALS_IN_FORMAT.sub("", number_format or "")
