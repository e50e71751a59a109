"""Targets by spreadsheet: download the grid of one period (units down, indicator codes across), fill it offline,
upload it. Every cell is checked before anything is saved; errors name the cell."""

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from giamsat.core.vntext import parse_number
from giamsat.reporting.spreadsheet import CellError, SpreadsheetErrors, export_rows

UNIT_CODE = "Mã đơn vị"


def targets_workbook(indicators, units, current: dict[tuple[int, int], Decimal]) -> bytes:
    headers = [UNIT_CODE, _("Đơn vị"), *[i.code for i in indicators]]
    rows = ([unit.code, unit.name, *[current.get((i.pk, unit.pk)) for i in indicators]] for unit in units)
    return export_rows(headers, rows, title=_("Chỉ tiêu"))


def parse_targets(content, indicators, units) -> dict[tuple[int, int], Decimal | None]:
    """{(indicator id, unit id): value or None for an empty cell}; raises SpreadsheetErrors listing every bad cell."""
    try:
        sheet = load_workbook(content, read_only=True, data_only=False).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise SpreadsheetErrors([CellError("", "", _("Tệp bị hỏng hoặc không phải bảng tính Excel hợp lệ."))]) from exc
    rows = list(sheet.iter_rows(values_only=True))
    title = sheet.title
    if not rows or str(rows[0][0] or "").strip() != UNIT_CODE:
        raise SpreadsheetErrors(
            [CellError(title, "A1", _("Dòng đầu phải là tiêu đề, ô A1 là “%(h)s”.") % {"h": UNIT_CODE})]
        )
    by_code = {i.code: i for i in indicators}
    unit_by_code = {u.code: u for u in units}
    errors: list[CellError] = []
    columns = {}
    for index, header in enumerate(rows[0][2:], start=3):
        code = str(header or "").strip()
        if not code:
            continue
        if code not in by_code:
            errors.append(
                CellError(
                    title, f"{get_column_letter(index)}1", _("Không có chỉ tiêu mã %(c)s trong kế hoạch.") % {"c": code}
                )
            )
        else:
            columns[index] = by_code[code]
    values: dict[tuple[int, int], Decimal | None] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or row[0] in (None, ""):
            continue
        try:
            unit = unit_by_code.get(int(str(row[0]).strip()))
        except ValueError:
            unit = None
        if unit is None:
            errors.append(
                CellError(title, f"A{number}", _("Mã đơn vị %(c)s không thuộc kế hoạch này.") % {"c": row[0]})
            )
            continue
        for index, indicator in columns.items():
            raw = row[index - 1] if index - 1 < len(row) else None
            cell = f"{get_column_letter(index)}{number}"
            if raw is None or str(raw).strip() == "":
                values[(indicator.pk, unit.pk)] = None
            elif isinstance(raw, str) and raw.startswith("="):
                errors.append(CellError(title, cell, _("Ô chứa công thức; hãy dán giá trị.")))
            else:
                try:
                    value = parse_number(raw)
                except ValueError as exc:
                    errors.append(CellError(title, cell, str(exc)))
                    continue
                if value < 0:
                    errors.append(CellError(title, cell, _("Chỉ tiêu không được âm.")))
                else:
                    values[(indicator.pk, unit.pk)] = value
    if errors:
        raise SpreadsheetErrors(errors)
    return values
