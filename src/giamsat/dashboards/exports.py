"""The dashboards' tables as rows for `reporting.spreadsheet.export_rows` (which makes every cell safe). The
numbers are the ones the page shows: actual, target, % achieved, status in words (never colour alone)."""

from django.utils.translation import gettext as _

from giamsat.reporting.templatetags.achievement import STATUS_LABELS

from .queries import Compliance, Matrix, Point, Shortfall


def status_text(status) -> str:
    symbol, label = STATUS_LABELS[status]
    return f"{symbol} {label}"


def matrix_table(matrix: Matrix) -> tuple[list, list[list]]:
    headers = [_("Mã đơn vị"), _("Đơn vị"), _("Chỉ tiêu đạt"), _("Chỉ tiêu có số liệu")]
    for indicator in matrix.indicators:
        headers += [
            _("%(code)s thực hiện") % {"code": indicator.code},
            _("%(code)s chỉ tiêu") % {"code": indicator.code},
            _("%(code)s tỷ lệ đạt (%%)") % {"code": indicator.code},
            _("%(code)s đánh giá") % {"code": indicator.code},
        ]
    rows = []
    for row in [matrix.total, *matrix.rows]:
        share = row.share
        line = [row.unit.code, row.unit.name, share.met, share.with_data]
        for cell in row.cells:
            line += [
                cell.actual_shown,
                cell.target.value if cell.target is not None else None,
                cell.percent,
                status_text(cell.status) if cell.target is not None else "",
            ]
        rows.append(line)
    return headers, rows


def unmet_table(behind: list[Shortfall], missing: list[Shortfall]) -> tuple[list, list[list]]:
    headers = [
        _("Đơn vị"),
        _("Mã chỉ tiêu"),
        _("Chỉ tiêu"),
        _("Thực hiện"),
        _("Chỉ tiêu giao"),
        _("Tỷ lệ đạt (%)"),
        _("Tiến độ cần đạt (%)"),
        _("Khoảng cách (điểm %)"),
        _("Đánh giá"),
    ]
    rows = [
        [
            s.unit.name,
            s.cell.indicator.code,
            s.cell.indicator.name,
            s.cell.actual_shown,
            s.cell.target.value,
            s.cell.percent,
            s.expected_percent,
            s.gap,
            status_text(s.cell.status),
        ]
        for s in [*behind, *missing]
    ]
    return headers, rows


def trend_table(indicator, unit, points: list[Point]) -> tuple[list, list[list]]:
    headers = [
        _("Kỳ"),
        _("Đơn vị"),
        _("Chỉ tiêu"),
        _("Thực hiện"),
        _("Chỉ tiêu giao"),
        _("Tỷ lệ đạt (%)"),
        _("Đánh giá"),
    ]
    rows = [
        [
            p.period.label,
            unit.name,
            f"{indicator.code}. {indicator.name}",
            p.actual,
            p.target,
            p.cell.percent,
            status_text(p.cell.status) if p.target is not None else "",
        ]
        for p in points
    ]
    return headers, rows


def compliance_table(compliance: Compliance) -> tuple[list, list[list]]:
    headers = [
        _("Đơn vị"),
        _("Kỳ"),
        _("Đúng hạn"),
        _("Muộn"),
        _("Chưa nộp (quá hạn)"),
        _("Chưa đến hạn"),
        _("Tỷ lệ đúng hạn (%)"),
    ]
    rows = []
    for row in [compliance.total, *compliance.rows]:
        for period, tally in [*zip(compliance.periods, row.cells, strict=True), (None, row.total)]:
            if tally.total == 0:
                continue
            rows.append(
                [
                    row.unit.name,
                    period.label if period else _("Cả năm / tất cả các kỳ"),
                    tally.on_time,
                    tally.late,
                    tally.missing,
                    tally.not_due,
                    tally.on_time_percent,
                ]
            )
    return headers, rows
