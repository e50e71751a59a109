"""Targets by spreadsheet: download the grid of one period (units down, indicator codes across), fill it offline,
upload it. Every cell is checked before anything is saved; errors name the cell.

The file carries its plan and period on a very hidden sheet, so that a grid downloaded for one period is never
written into another. A file without it (the grid copied into a workbook of one's own) is read by its headings.
"""

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from giamsat.core.formatting import plain_number
from giamsat.core.periods import Period, PeriodKind
from giamsat.core.vntext import parse_number
from giamsat.reporting.figures import fraction_for_percent, fraction_for_percent_warning, typed_number
from giamsat.reporting.spreadsheet import (
    META_SHEET,
    CellError,
    SpreadsheetErrors,
    export_rows,
    open_upload,
)

from .choices import Direction, IndicatorKind

# The heading of column A, in the user's language; a file downloaded in either language is read.
UNIT_CODE = gettext_lazy("Mã đơn vị")
TEMPLATE_KIND = "giamsat-targets"


def targets_workbook(plan, period: Period, indicators, units, current: dict[tuple[int, int], Decimal]) -> bytes:
    headers = [UNIT_CODE, _("Đơn vị"), *[i.code for i in indicators]]
    rows = ([unit.code, unit.name, *[current.get((i.pk, unit.pk)) for i in indicators]] for unit in units)
    hidden = [
        ("template", TEMPLATE_KIND),
        ("plan_id", plan.pk),
        ("plan_reference", plan.reference),
        ("period_kind", str(period.kind)),
        ("period_start", period.start.isoformat()),
        ("period_end", period.end.isoformat()),
        # What the file showed, so that an upload writes only the cells changed in it (SHOWN: below).
        (SHOWN_CODES, json.dumps([i.code for i in indicators])),
        *(
            (f"{SHOWN}{unit.code}", json.dumps([plain_number(current.get((i.pk, unit.pk))) for i in indicators]))
            for unit in units
        ),
    ]
    return export_rows(headers, rows, title=_("Chỉ tiêu"), hidden=hidden)


# The hidden sheet keeps each unit's targets as downloaded. On upload, a cell still holding them was not changed in
# the file and is left as it is; a changed cell is written only if nobody changed it on the server since (a file
# downloaded before a colleague's save put the colleague's targets back).
SHOWN, SHOWN_CODES = "shown:", "shown_codes"


def _shown(book, indicators, units) -> dict[tuple[int, int], Decimal | None] | None:
    """The targets the file showed when downloaded, {(indicator id, unit id): value}; None for a file without them
    (an older download, or the grid copied into a workbook of one's own)."""
    if META_SHEET not in book.sheetnames:
        return None
    meta = book[META_SHEET]
    pairs = {str(meta.cell(row, 1).value): meta.cell(row, 2).value for row in sorted(meta.rows)}
    if SHOWN_CODES not in pairs:
        return None
    by_code = {i.code: i for i in indicators}
    try:
        codes = json.loads(pairs[SHOWN_CODES])
        shown = {}
        for unit in units:
            values = json.loads(pairs.get(f"{SHOWN}{unit.code}") or "null")
            for code, text in zip(codes, values or [], strict=False):
                if code in by_code:
                    shown[(by_code[code].pk, unit.pk)] = parse_number(text) if text else None
    except (TypeError, ValueError):
        raise _refused(
            _("Phần thông tin ẩn của tệp bị hỏng hoặc đã bị sửa. Hãy tải bảng chỉ tiêu mới và nhập lại.")
        ) from None
    return shown


def _in_percent(indicator) -> bool:
    """A target written as a percentage: a rate's, or one whose unit of measure is "%"."""
    return indicator.kind == IndicatorKind.RATIO or indicator.measure.strip() == "%"


def check_target(number: Decimal, indicator, baseline: Decimal | None = None) -> None:
    """The rules of the indicator's kind, wherever a target comes from (the page, a file, the API): a percentage
    is at most 100, a milestone is 1 (reached) or 0, a decrease is at most the unit's own baseline (`baseline`),
    else the indicator's: above it, it would be an increase. Raises ValueError with the message for the user."""
    code = indicator.code
    if _in_percent(indicator) and number > 100:
        raise ValueError(_("Chỉ tiêu %(code)s là tỷ lệ phần trăm: không quá 100.") % {"code": code})
    if indicator.kind == IndicatorKind.MILESTONE and number not in (0, 1):
        raise ValueError(_("Chỉ tiêu %(code)s là mốc: nhập 1 (đạt) hoặc 0.") % {"code": code})
    baseline = indicator.baseline_value if baseline is None else baseline
    if indicator.direction == Direction.DECREASE and baseline is not None and number > baseline:
        raise ValueError(
            _("Chỉ tiêu %(code)s là chỉ tiêu giảm: không được cao hơn giá trị cơ sở %(baseline)s.")
            % {"code": code, "baseline": plain_number(baseline)}
        )


def clearing_refused(indicator, baseline: Decimal) -> str:
    """Why a target carrying the unit's own baseline is not emptied: the baseline would go with it, and no page
    sets one again."""
    return _(
        "Chỉ tiêu %(code)s: đơn vị có giá trị cơ sở riêng (%(baseline)s) gắn với ô này; để trống ô sẽ xóa luôn giá "
        "trị cơ sở. Hãy nhập chỉ tiêu; cần xóa hẳn thì nhờ quản trị viên."
    ) % {"code": indicator.code, "baseline": plain_number(baseline)}


def target_value(value, indicator, *, percent_format: bool = False, baseline: Decimal | None = None) -> Decimal:
    """A target typed on the page or read from a cell, checked as a report's value is: a number (Vietnamese or
    English notation), not negative, "%" only for a percentage and "đ" only for an amount, small enough for the
    column (18 digits, 4 after the point), then by check_target against the unit's `baseline`. `percent_format`:
    the cell is formatted as a percentage, so it holds 0.85 for 85 %. Raises ValueError with the message for the
    user."""
    percent = _in_percent(indicator)
    from_cell_format = percent_format and not isinstance(value, str)
    if from_cell_format and not percent:
        raise ValueError(
            _("Chỉ tiêu %(code)s không tính bằng %%; hãy bỏ dấu %% và nhập số.") % {"code": indicator.code}
        )
    number = typed_number(value, indicator, percent=percent, percent_format=from_cell_format)
    if number < 0:
        raise ValueError(_("Chỉ tiêu không được âm."))
    check_target(number, indicator, baseline)
    return number


def parse_targets(
    content, plan, period: Period, indicators, units, baselines: dict[tuple[int, int], Decimal]
) -> tuple[
    dict[tuple[int, int], Decimal | None], dict[tuple[int, int], Decimal | None] | None, dict[tuple[int, int], str]
]:
    """({(indicator id, unit id): value or None for an empty cell}, what the file showed when downloaded (see
    SHOWN) or None, warnings for the user by cell); raises SpreadsheetErrors listing every bad cell. Indicator
    columns the file lacks and units it has no row for are left out (their targets stay as they are).
    `baselines`: the units' own baselines of the period's targets, {(indicator id, unit id): value}."""
    book = open_upload(content, max_column=len(indicators) + 10)
    try:
        _check_origin(book, plan, period)
        shown = _shown(book, indicators, units)
        sheet = _grid_sheet(book)
    finally:
        book.close()
    grid = _Grid(sheet, indicators, units, baselines, shown)
    return grid.read(), shown, grid.warnings


def _check_origin(book, plan, period: Period) -> None:
    """One clear error for a file downloaded for another plan or period, or another kind of file of ours."""
    if META_SHEET not in book.sheetnames:
        return
    meta = book[META_SHEET]
    pairs = {str(meta.cell(row, 1).value): meta.cell(row, 2).value for row in sorted(meta.rows) if row <= 100}
    if pairs.get("template") != TEMPLATE_KIND:
        raise _refused(_("Tệp này không phải bảng chỉ tiêu tải từ trang này; hãy tải bảng chỉ tiêu ở trên."))
    try:
        plan_id = int(pairs["plan_id"])
        kind = PeriodKind(str(pairs["period_kind"]))
        start = datetime.date.fromisoformat(str(pairs["period_start"])[:10])
        end = datetime.date.fromisoformat(str(pairs["period_end"])[:10])
        of_file = Period(start, end, kind)
    except (KeyError, TypeError, ValueError):
        raise _refused(
            _("Phần thông tin ẩn của tệp bị hỏng hoặc đã bị sửa. Hãy tải bảng chỉ tiêu mới và nhập lại.")
        ) from None
    if plan_id != plan.pk:
        raise _refused(
            _("Tệp này là bảng chỉ tiêu của kế hoạch khác (%(reference)s); hãy tải bảng chỉ tiêu của kế hoạch này.")
            % {"reference": pairs.get("plan_reference") or "?"}
        )
    if (of_file.start, of_file.end) != (period.start, period.end):
        raise _refused(
            _(
                "Tệp này là bảng chỉ tiêu %(file)s, trang đang mở %(page)s; chưa có gì được lưu. Hãy chọn kỳ "
                "%(file)s ở trên rồi tải tệp lên lần nữa."
            )
            % {"file": of_file.label, "page": period.label}
        )


def _refused(message: str) -> SpreadsheetErrors:
    return SpreadsheetErrors([CellError("", "", message)])


def _grid_sheet(book):
    """The first visible sheet whose A1 is the unit-code heading: extra sheets put before it are passed over."""
    sheets = book.visible_sheets()
    for sheet in sheets:
        if str(sheet.cell(1, 1).value or "").strip() in _unit_code_headings():
            return sheet
    title = sheets[0].title if sheets else ""
    raise SpreadsheetErrors(
        [CellError(title, "A1", _("Dòng đầu phải là tiêu đề, ô A1 là “%(h)s”.") % {"h": UNIT_CODE})]
    )


def _unit_code_headings() -> set[str]:
    headings = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            headings.add(str(UNIT_CODE))
    return headings


def _unit_code(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        return None


class _Grid:
    def __init__(self, sheet, indicators, units, baselines, shown=None):
        self.sheet = sheet
        self.baselines = baselines
        self.shown = shown  # what the file showed when downloaded, if it says
        self.title = sheet.title
        self.indicators = {i.code: i for i in indicators}
        self.units = {u.code: u for u in units}
        self.errors: list[CellError] = []
        self.warnings: dict[tuple[int, int], str] = {}  # (indicator id, unit id) -> what the user should know

    def error(self, cell: str, message: str) -> None:
        self.errors.append(CellError(self.title, cell, message))

    def read(self) -> dict[tuple[int, int], Decimal | None]:
        columns = self._columns()
        self._merged(columns)
        values: dict[tuple[int, int], Decimal | None] = {}
        first_row_of: dict[int, int] = {}
        for number in sorted(r for r in self.sheet.rows if r > 1):
            code = self.sheet.cell(number, 1).value
            if code is None or str(code).strip() == "":
                if any(self.sheet.cell(number, column).value is not None for column in columns):
                    self.error(f"A{number}", _("Dòng %(row)s có chỉ tiêu nhưng thiếu mã đơn vị.") % {"row": number})
                continue
            unit = self.units.get(_unit_code(code))
            if unit is None:
                self.error(f"A{number}", _("Mã đơn vị %(c)s không thuộc kế hoạch này.") % {"c": code})
                continue
            if unit.pk in first_row_of:
                self.error(
                    f"A{number}",
                    _("Đơn vị %(unit)s đã có ở dòng %(row)s; mỗi đơn vị chỉ được một dòng.")
                    % {"unit": unit.name, "row": first_row_of[unit.pk]},
                )
                continue
            first_row_of[unit.pk] = number
            for column, indicator in columns.items():
                values[(indicator.pk, unit.pk)] = self._value(number, column, indicator, unit)
        if self.errors:
            raise SpreadsheetErrors(self.errors)
        return values

    def _columns(self) -> dict:
        columns = {}
        for column, cell in sorted(self.sheet.rows.get(1, {}).items()):
            code = str(cell.value).strip()
            # Column A holds the units' codes and B their names, unless B was deleted: then an indicator's code
            # stands there, and its targets were dropped without a word.
            if not code or column == 1 or (column == 2 and code not in self.indicators):
                continue
            if code not in self.indicators:
                self.error(
                    f"{get_column_letter(column)}1", _("Không có chỉ tiêu mã %(c)s trong kế hoạch.") % {"c": code}
                )
            elif self.indicators[code] in columns.values():
                self.error(f"{get_column_letter(column)}1", _("Cột chỉ tiêu %(c)s có hai lần.") % {"c": code})
            else:
                columns[column] = self.indicators[code]
        return columns

    def _merged(self, columns: dict) -> None:
        """Only a merged range's first cell keeps its value: the others would be read as empty targets."""
        for merged in self.sheet.merged:
            if merged.min_row == 1 and merged.max_col > max(merged.min_col, 2):
                # A heading merged over two indicator columns: the second had no code, and was skipped.
                self.error(
                    merged.coord.split(":")[0],
                    _("Vùng gộp ô %(range)s ở dòng tiêu đề: hãy bỏ gộp ô; mỗi cột ghi một mã chỉ tiêu.")
                    % {"range": merged.coord},
                )
            elif merged.max_row >= 2 and any(merged.min_col <= column <= merged.max_col for column in columns):
                self.error(
                    merged.coord.split(":")[0],
                    _("Vùng gộp ô %(range)s: hãy bỏ gộp ô và nhập chỉ tiêu cho từng đơn vị.") % {"range": merged.coord},
                )

    def _value(self, row: int, column: int, indicator, unit) -> Decimal | None:
        cell = self.sheet.cell(row, column)
        where = f"{get_column_letter(column)}{row}"
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            baseline = self.baselines.get((indicator.pk, unit.pk))
            # Emptied in this file; a cell empty since the download (its target set after) is left alone anyway.
            emptied = self.shown is None or self.shown.get((indicator.pk, unit.pk)) is not None
            if baseline is not None and emptied:
                self.error(where, clearing_refused(indicator, baseline))
            return None
        if cell.data_type == "f":
            message = _("Ô %(cell)s chứa công thức; hãy dán giá trị (Paste Special → Values).") % {"cell": where}
            self.error(where, message)
            return None
        percent_format = "%" in (cell.number_format or "")
        try:
            number = target_value(
                value, indicator, percent_format=percent_format, baseline=self.baselines.get((indicator.pk, unit.pk))
            )
        except ValueError as exc:
            self.error(where, str(exc))
            return None
        if _in_percent(indicator) and fraction_for_percent(value, number, percent_format):
            self.warnings[(indicator.pk, unit.pk)] = fraction_for_percent_warning(where, indicator, number)
        return number
