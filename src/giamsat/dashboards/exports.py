"""The dashboards' tables as rows for `reporting.spreadsheet.export_rows` (which makes every cell safe). The
numbers are the ones the page shows: actual, target, % achieved, status in words (never colour alone). The cases
and supervision panels build their tables here once; the page shows the same `Sheet` it exports."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from giamsat.cases.choices import DelayReason
from giamsat.cases.dashboard import HIDDEN, STEP_RULES, Shown, ShownShare
from giamsat.core.text import Vietnamese
from giamsat.reporting.queries import Cell
from giamsat.reporting.templatetags.achievement import STATUS_LABELS
from giamsat.supervision.choices import RecommendationStatus

from .queries import Compliance, Matrix, Point, Unmet, latest_status_label


def status_text(status) -> str:
    symbol, label = STATUS_LABELS[status]
    return f"{symbol} {label}"


def cell_status_text(cell: Cell) -> str:
    """A judged cell's status in words; a contradictory target is not judged, and says so as the matrix page
    does (its status alone would read "no data" though a figure was reported)."""
    if cell.problem:
        return f"⚠ {_('chỉ tiêu mâu thuẫn')}"
    return f"○ {_('Không phát sinh')}" if cell.nothing_to_count else status_text(cell.status)


def _figure(cell: Cell):
    """The figure as a cell of the sheet: "ẩn" where a small count of cases is hidden (`privacy`), "0/0" for a rate
    with nothing to count."""
    if cell.nothing_to_count:
        return "0/0"
    return str(HIDDEN) if cell.hidden else cell.actual_shown


def _matrix_status(cell: Cell) -> str:
    """A matrix cell's status as the page words it, with the total's warning that units have not reported (the
    XLSX said "✓ Đạt" where the page said a "decrease" total may only look met)."""
    if cell.target is None or cell.hidden:
        return ""
    status = cell_status_text(cell)
    if cell.unreported_below:
        warning = _("thiếu số liệu %(n)s đơn vị: số thực tế có thể cao hơn") % {"n": cell.unreported_below}
        status = f"{status} · ⚠ {warning}"
    return status


def matrix_table(matrix: Matrix) -> tuple[list, list[list]]:
    headers = [_("Mã đơn vị"), _("Đơn vị"), _("Chỉ tiêu đạt"), _("Chỉ tiêu có số liệu")]
    # A "decrease" indicator has one more column: the baseline its achievement counts from.
    decreasing = [indicator.direction == "decrease" for indicator in matrix.indicators]
    for indicator, decrease in zip(matrix.indicators, decreasing, strict=True):
        code = {"code": indicator.code}
        headers += [_("%(code)s thực hiện") % code, _("%(code)s chỉ tiêu") % code]
        headers += [_("%(code)s giá trị cơ sở") % code] if decrease else []
        headers += [_("%(code)s tỷ lệ đạt (%%)") % code, _("%(code)s đánh giá") % code]
    rows = []
    for row in [matrix.total, *matrix.rows] if matrix.total else matrix.rows:
        share = row.share
        line = [row.unit.code, row.unit.name, share.met, share.with_data]
        for cell, decrease in zip(row.cells, decreasing, strict=True):
            line += [_figure(cell), cell.target.value if cell.target is not None else None]
            line += [cell.baseline] if decrease else []
            line += [cell.percent, _matrix_status(cell)]
        rows.append(line)
    return headers, rows


def reports_table(requests: list) -> tuple[list, list[list]]:
    """The requests behind a row's figures (`queries.reports_behind`), as the page lists them, with their unit's
    code and the time the latest report was sent."""
    headers = [
        _("Mã đơn vị"),
        _("Đơn vị báo cáo"),
        _("Thuộc"),
        _("Kỳ"),
        _("Hạn nộp"),
        _("Tình trạng"),
        _("Gửi lúc"),
    ]
    rows = [
        [
            req.unit.code,
            req.unit.name,
            req.unit.parent.name if req.unit.parent else "",
            req.period.label,
            req.due_on,
            latest_status_label(req.latest_status),
            _minute(req.latest_submitted_at),
        ]
        for req in requests
    ]
    return headers, rows


def _minute(moment):
    """A time as Excel keeps it (local, without a zone), to the minute as the pages show it."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0)


def unmet_table(unmet: Unmet) -> tuple[list, list[list]]:
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
        _("Giá trị cơ sở (chỉ tiêu giảm)"),
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
            cell_status_text(s.cell),
            s.cell.baseline,
        ]
        for s in [*unmet.behind, *unmet.missing, *unmet.contradictory]
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
    # A "decrease" is judged from its baseline: without it, "17 / 20 → 130%" could not be read.
    decrease = indicator.direction == "decrease"
    if decrease:
        headers.insert(5, _("Giá trị cơ sở"))
    rows = []
    for p in points:
        line = [p.period.label, unit.name, f"{indicator.code}. {indicator.name}", _figure(p.cell), p.target]
        line += [p.cell.baseline] if decrease else []
        line += [p.cell.percent, cell_status_text(p.cell) if p.target is not None and not p.cell.hidden else ""]
        rows.append(line)
    return headers, rows


def compliance_table(compliance: Compliance, year: int | None) -> tuple[list, list[list]]:
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
    whole = _("Cả năm %(year)s") % {"year": year} if year else _("Cả thời kỳ kế hoạch")
    lines = [(row.unit.name, row) for row in compliance.rows]
    lines = [(compliance.total.unit.name, compliance.total), *lines] if compliance.total else lines
    lines += [(_("Chỉ tính ở dòng tổng"), compliance.rest)] if compliance.rest else []
    for name, row in lines:
        for period, tally in [*zip(compliance.periods, row.cells, strict=True), (None, row.total)]:
            if tally.total == 0 and period is not None:
                continue  # a period without requests; each unit keeps its whole line, zeros and all, as on the page
            rows.append(
                [
                    name,
                    period.label if period else whole,
                    tally.on_time,
                    tally.late,
                    tally.missing,
                    tally.not_due,
                    tally.on_time_percent,
                ]
            )
    return headers, rows


# ------------------------------------------------------------------------------------ cases and supervision


@dataclass
class Sheet:
    """A table of a panel: shown on the page and downloaded as XLSX, the same cells. A cell is a number, a text
    (`cases.dashboard.HIDDEN` for a suppressed count) or None (nothing to show). `note` follows the rows; `empty`
    says why there are none, where "no data" would be untrue."""

    name: str
    title: str
    headers: list
    rows: list[list]
    note: str = ""
    empty: str = ""

    def export_rows(self) -> list[list]:
        """The rows for the XLSX, the note in a row of its own after a blank one."""
        return [*self.rows, [], [self.note]] if self.note else self.rows


def cases_sheets(view: Shown, small: bool) -> dict[str, Sheet]:
    """The cases dashboard's tables as a viewer may see them (`cases.dashboard.shown`). For those who get small
    counts hidden, each sheet ends with a note saying what the marker means."""
    sheets = {}
    for table in view.tables:
        sheets[table.name] = Sheet(
            table.name, table.title, [_("Nhóm"), _("Số vụ việc")], [[label, n] for _key, label, n in table.rows]
        )
    sheets["steps"] = Sheet(
        "steps",
        _("Đúng thời hạn từng bước (chu kỳ đầu)"),
        [_("Bước"), _("Đúng hạn"), _("Đã đến hạn hoặc đã làm"), _("Tỷ lệ đúng hạn (%)")],
        [[str(rule.label), *share_cells(view.steps[rule.key])] for rule in STEP_RULES],
    )
    headers = [_("Kỳ"), _("Vụ việc tiếp nhận")]
    for rule in STEP_RULES:
        headers += [
            _("%(step)s: đúng hạn") % {"step": rule.short},
            _("%(step)s: đã đến hạn hoặc đã làm") % {"step": rule.short},
            _("%(step)s: tỷ lệ (%%)") % {"step": rule.short},
        ]
    headers += [_("Đã can thiệp, hỗ trợ"), _("Trung vị số giờ đến can thiệp đầu tiên")]
    rows = []
    for period in view.periods:
        line = [period.label, period.received]
        for rule in STEP_RULES:
            line += share_cells(period.steps[rule.key])
        rows.append([*line, period.intervened, period.median_hours])
    whole = [_("Cả khoảng thời gian"), view.total]
    for rule in STEP_RULES:
        whole += share_cells(view.steps[rule.key])
    rows.append([*whole, view.intervened, view.median_hours])
    sheets["periods"] = Sheet("periods", _("Theo thời gian"), headers, rows)
    sheets["delays"] = Sheet(
        "delays",
        _("Lý do chậm can thiệp"),
        [_("Lý do"), _("Số vụ việc")],
        [[str(DelayReason(k).label), n] for k, n in view.delays],
    )
    if view.total == 0:  # "no data yet" would read as figures still to come
        for sheet in sheets.values():
            sheet.empty = _("Không có vụ việc nào.")
    if small:
        for sheet in sheets.values():
            sheet.note = withheld_note() if view.withheld else hidden_note()
            sheet.empty = withheld_note() if view.withheld else sheet.empty
    return sheets


def withheld_note() -> str:
    return _(
        "Số liệu không được chia theo nhóm, theo thời gian: địa bàn và khoảng thời gian đã chọn có quá ít vụ việc, "
        "chia nhỏ sẽ lộ các số dưới 3."
    )


def hidden_note() -> str:
    return _("“%(mark)s”: ô bị ẩn vì có ít hơn 3 trường hợp, hoặc để không suy ra được ô như vậy bằng phép trừ.") % {
        "mark": HIDDEN
    }


def share_cells(share: ShownShare) -> list:
    return [share.on_time, share.counted, share.percent]


def supervision_sheets(dash) -> dict[str, Sheet]:
    """The supervision dashboard's tables (supervision/dashboard.py)."""
    totals = dash.totals
    statuses = Sheet(
        "statuses",
        _("Kiến nghị theo tình trạng"),
        [_("Tình trạng"), _("Số kiến nghị (theo nơi nhận)")],
        [*([label, n] for _key, label, n in dash.statuses), [_("Tổng"), totals["total"]]],
    )
    labels = [str(s.label) for s in RecommendationStatus]
    # Overdue and verified cut across the statuses: columns here, beside each addressee and the total, not rows.
    total = [_("Tổng"), totals["total"], *[n for _k, _l, n in dash.statuses], totals["overdue"], totals["verified"]]
    addressees = Sheet(
        "addressees",
        _("Kiến nghị theo nơi nhận"),
        [_("Nơi nhận"), _("Tổng"), *labels, _("Quá hạn"), _("Đã xác nhận")],
        [
            [
                Vietnamese(row["addressee__name"]),
                row["total"],
                *[row[f"n_{s.value}"] for s in RecommendationStatus],
                row["overdue"],
                row["verified"],
            ]
            for row in dash.addressees
        ]
        + ([total] if dash.addressees else []),
    )
    categories = Sheet(
        "categories",
        _("Hạn chế theo nhóm"),
        [_("Nhóm hạn chế"), _("Số cuộc giám sát"), _("Số đơn vị được nhận xét"), _("Số hạn chế"), _("Số kiến nghị")],
        [
            [
                Vietnamese(row["category__name"]) if row["category__name"] else _("Chưa phân nhóm"),
                row["supervisions"],
                row["organisations"],
                row["findings"],
                row["recommendations"],
            ]
            for row in dash.categories
        ],
    )
    across = Sheet(
        "across",
        _("Hạn chế theo nhóm và đơn vị"),
        [_("Nhóm hạn chế"), *[name for _pk, name in dash.across.units], _("Tổng")],
        [[name, *line, total] for _pk, name, line, total in dash.across.rows],
    )
    return {sheet.name: sheet for sheet in (statuses, addressees, categories, across)}
