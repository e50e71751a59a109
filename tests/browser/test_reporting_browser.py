"""The reporting round-trip of issue 3 as the officials do it, in Debian's Chromium.

Huyện Đức Linh's officer ("huyen") downloads the pre-filled XLSX of the district's 2024 report on the demo's
child-protection plan, fills it with openpyxl (two cells deliberately wrong), uploads it and is shown every
error with its sheet and cell while nothing is saved; fixes the cells, uploads again, submits. The province's
reviewer ("so.ldtbxh") returns it with a comment, the district answers the comment and resubmits, the reviewer
accepts, and the plan page shows Đức Linh's achievement for 2024, computed here from the uploaded values.

The demo's requests stop at 2023 and all have a report; the test adds a 2024 schedule for the districts (through
the service the schedule screen uses), so that the district starts from a request with no report at all.
GIAMSAT_SCREENSHOT=1 keeps a picture of each step in test-artifacts/.
"""

import math
import os
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from giamsat.accounts.models import User
from giamsat.core.formatting import plain_number
from giamsat.demo.plans import CHILD_PLAN_REFERENCE
from giamsat.plans.choices import Direction, IndicatorKind
from giamsat.plans.models import Indicator, Plan, Target
from giamsat.reporting import services
from giamsat.reporting.choices import Frequency, ReportStatus
from giamsat.reporting.models import IndicatorValue, Report, ReportRequest, Schedule
from giamsat.units.choices import Level, Structure
from giamsat.units.models import Unit

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored

YEAR = 2024
DUC_LINH = 600
DISTRICT_OFFICER = "huyen"
REVIEWER = "so.ldtbxh"
SHEET = "Báo cáo"
RETURN_COMMENT = "Đề nghị ghi rõ nguồn số liệu CT08 (trẻ em được can thiệp, hỗ trợ) trước khi duyệt."
CT08_SOURCE = "Sổ theo dõi can thiệp, hỗ trợ trẻ em của Phòng LĐTBXH"
WRONG_TEXT = "abc"
# The status badges once the period is over (expected progress 1): met, at risk (>= 60 %), off track. The
# symbol is there so that colour is never the only signal.
MET, AT_RISK, OFF_TRACK = "✓ Đạt", "! Có nguy cơ", "✗ Chậm"


# --------------------------------------------------------------------------------------------- data


@dataclass
class Planned:
    """What the district reports for one indicator, and what the plan page must then say."""

    indicator: Indicator
    target: Target
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def actual(self) -> Fraction:
        """The actual as the plan judges it: a ratio indicator in percent."""
        if self.indicator.kind == IndicatorKind.RATIO:
            return 100 * Fraction(self.numerator) / Fraction(self.denominator)
        return Fraction(self.value)

    @property
    def achieved(self) -> Fraction:
        """Share of the target (DESIGN.md "Key semantics"): increase actual/target; decrease with a baseline
        (baseline - actual)/(baseline - target), never below 0; a milestone is done or not."""
        target = Fraction(self.target.value)
        baseline = self.target.baseline_value
        if baseline is None:
            baseline = self.indicator.baseline_value
        if self.indicator.kind == IndicatorKind.MILESTONE:
            return Fraction(1) if self.actual >= target else Fraction(0)
        if self.indicator.direction == Direction.INCREASE:
            return self.actual / target if target else Fraction(1)
        if self.indicator.direction == Direction.DECREASE and baseline is not None and baseline != self.target.value:
            return max(Fraction(0), (Fraction(baseline) - self.actual) / (Fraction(baseline) - target))
        if self.indicator.direction == Direction.DECREASE:
            return min(Fraction(1), target / self.actual) if self.actual else Fraction(1)
        raise AssertionError(f"the demo has no {self.indicator.direction} indicator; extend the test")

    @property
    def status(self) -> str:
        achieved = _truncate(self.achieved)
        return MET if achieved >= 1 else AT_RISK if achieved >= Decimal("0.6") else OFF_TRACK

    def cell_lines(self) -> list[str]:
        """The plan page's cell: "actual / target", a decrease's baseline, the % achieved and the status, in
        Vietnamese notation."""
        baseline = self.target.baseline_value
        if baseline is None:
            baseline = self.indicator.baseline_value
        with translation.override("vi"):
            shown = f"{floatformat(_truncate(self.actual), '-2g')} / {floatformat(self.target.value, '-2g')}"
            percent = floatformat((_truncate(self.achieved) * 100).quantize(Decimal("0.1")), "-1g")
            decrease = self.indicator.direction == Direction.DECREASE and baseline is not None
            based = [f"cơ sở {floatformat(baseline, '-2g')}"] if decrease else []
        return [shown, *based, f"{percent}%", self.status]


def _truncate(exact: Fraction) -> Decimal:
    """Six decimals, cut rather than rounded (a 99.99999 % achievement is not met)."""
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)


def _plan_values(indicators: list[Indicator], targets: dict[int, Target]) -> list[Planned]:
    """Values made from each target: two of every three indicators met, the third clearly missed."""
    planned = []
    for index, indicator in enumerate(indicators):
        target = targets[indicator.pk]
        meet = index % 3 != 2
        row = Planned(indicator, target)
        if indicator.kind == IndicatorKind.RATIO:
            row.denominator = Decimal(400)
            exact = Fraction(target.value) * 400 / 100
            row.numerator = Decimal(math.ceil(exact) if meet else math.floor(exact * Fraction(9, 10)))
        elif indicator.kind == IndicatorKind.MILESTONE:
            row.value = Decimal(1 if meet else 0)
        elif indicator.direction == Direction.DECREASE:
            row.value = target.value if meet else target.value + 1
        else:
            row.value = target.value if meet else Decimal(math.floor(target.value * Decimal("0.5")))
        planned.append(row)
    assert {MET} < {p.status for p in planned}, "the values must leave some targets unmet"
    return planned


@dataclass
class Scenario:
    password: str
    plan: Plan
    request: ReportRequest
    district: Unit
    planned: list[Planned]


@pytest.fixture
def scenario(demo_login):
    """The demo, plus a schedule for its child-protection plan's 2024 district reports, set up as the province
    would (the demo's own schedule stops at 2023)."""
    _username, password = demo_login
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE)
    district = Unit.objects.get(structure=Structure.LEGACY, level=Level.DISTRICT, code=DUC_LINH)
    assert User.objects.get(username=DISTRICT_OFFICER).unit == district
    schedule = Schedule.objects.create(
        plan=plan, title=f"Báo cáo năm {YEAR} của các huyện", frequency=Frequency.YEARLY, first_year=YEAR,
        last_year=YEAR, due_days=15,
    )  # fmt: skip
    schedule.units.set(Unit.objects.filter(parent=plan.issuer.unit))
    services.do_generate_requests(schedule, acting_user=User.objects.get(username=REVIEWER))
    request = ReportRequest.objects.get(schedule=schedule, unit=district)
    # The period is over, so each target is judged met or not (no "on track" half-way).
    assert timezone.localdate() > request.period_end
    # The indicators districts report; those computed from cases (CT13…) have no row to fill.
    indicators = list(plan.indicators.filter(source="reports").order_by("order", "code"))
    targets = {
        t.indicator_id: t
        for t in Target.objects.filter(
            indicator__plan=plan, unit=district, period_start=request.period_start, period_end=request.period_end
        )
    }
    assert set(targets) == {i.pk for i in indicators}, f"the demo sets a {YEAR} target for every indicator"
    return Scenario(password, plan, request, district, _plan_values(indicators, targets))


# --------------------------------------------------------------------------------------------- pages


def _log_in(new_page, live_server, username, password):
    """A fresh browser context (its own cookies) where `username` logged in through the login form."""
    page = new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("form[action$='/login/'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def _open_reporting(page):
    page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_url(re.compile(r"/reporting/$"))
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Báo cáo"


def _wait_for_request_page(page, scenario):
    page.wait_for_url(re.compile(rf"/reporting/requests/{scenario.request.pk}/$"))


def _status(page) -> str:
    return page.get_by_test_id("report-status").inner_text().strip()


def _messages(page) -> str:
    return page.locator("ul.messages").inner_text()


def _shot(page, name):
    """GIAMSAT_SCREENSHOT=1 keeps a picture of each step in test-artifacts/ (an ordinary run writes nothing)."""
    if os.environ.get("GIAMSAT_SCREENSHOT") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"reporting-{name}.png"), full_page=True)


def _matrix_row(page, unit_name):
    """A unit's row of the plan page's achievement matrix (its name is the row's header)."""
    header = page.get_by_role("rowheader", name=unit_name, exact=True)
    return page.get_by_test_id("matrix").get_by_role("row").filter(has=header)


def _press(page, button):
    """Click a button that posts a form, and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


def _upload(page, path):
    page.get_by_label("Tải lên tệp đã điền (.xlsx)").set_input_files(str(path))
    _press(page, page.get_by_role("button", name="Tải lên", exact=True))


# --------------------------------------------------------------------------------------------- the workbook


@dataclass
class Layout:
    columns: dict[str, int]  # heading -> column
    rows: dict[str, int]  # indicator code -> row

    def cell(self, code: str, heading: str) -> str:
        return f"{get_column_letter(self.columns[heading])}{self.rows[code]}"


def _layout(ws) -> Layout:
    """Find the headings and the indicators' rows the way a person reads the sheet: the row whose first cell
    says "Mã", then one indicator code per row below it."""
    header = next(row for row in range(1, 30) if ws.cell(row=row, column=1).value == "Mã")
    columns = {ws.cell(row=header, column=c).value: c for c in range(1, ws.max_column + 1)}
    rows = {}
    for row in range(header + 1, ws.max_row + 1):
        code = ws.cell(row=row, column=1).value
        if code:
            rows[str(code)] = row
    return Layout(columns, rows)


def _fill(ws, layout: Layout, planned: list[Planned]) -> None:
    for p in planned:
        code = p.indicator.code
        if p.indicator.kind == IndicatorKind.RATIO:
            ws[layout.cell(code, "Tử số")] = int(p.numerator)
            ws[layout.cell(code, "Mẫu số")] = int(p.denominator)
        elif p.indicator.kind == IndicatorKind.MILESTONE:
            ws[layout.cell(code, "Đạt/Chưa đạt")] = "Đạt" if p.value else "Chưa đạt"
        elif p.indicator.kind == IndicatorKind.AMOUNT:
            # Typed as text in Vietnamese notation, as officials do: "72.000.000".
            ws[layout.cell(code, "Giá trị")] = f"{int(p.value):,}".replace(",", ".")
        else:
            ws[layout.cell(code, "Giá trị")] = int(p.value)
        ws[layout.cell(code, "Nguồn")] = "Báo cáo của các xã, thị trấn"


# --------------------------------------------------------------------------------------------- the test


def test_district_reports_by_excel_province_returns_then_accepts_and_plan_shows_it(
    scenario, new_page, live_server, tmp_path
):
    planned = {p.indicator.code: p for p in scenario.planned}
    ratio = next(p for p in scenario.planned if p.indicator.kind == IndicatorKind.RATIO and p.status == MET)
    count = next(p for p in scenario.planned if p.indicator.kind == IndicatorKind.COUNT)
    assert "CT08" in planned and planned["CT08"].indicator.kind == IndicatorKind.RATIO

    # 1. The district officer finds the request and downloads the pre-filled template.
    district = _log_in(new_page, live_server, DISTRICT_OFFICER, scenario.password)
    _open_reporting(district)
    requests = district.get_by_test_id("requests")
    row = requests.get_by_role("row").filter(has_text=f"Năm {YEAR}").filter(has_text=CHILD_PLAN_REFERENCE)
    assert "Chưa có" in row.inner_text()
    row.get_by_role("link", name=scenario.district.name).click()
    _wait_for_request_page(district, scenario)
    assert _status(district) == "Chưa có"
    _shot(district, "1-request")
    with district.expect_download() as download_info:
        district.get_by_test_id("download-template").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"_{DUC_LINH}_{YEAR}-01-01_{YEAR}-12-31.xlsx")
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    wb = load_workbook(template)
    ws = wb[SHEET]
    layout = _layout(ws)
    # Every reported indicator has its row (computed ones may be listed too, locked).
    assert set(planned) <= set(layout.rows)
    header_text = " ".join(str(ws.cell(row=r, column=2).value) for r in range(2, 6))
    assert scenario.district.name in header_text and f"Năm {YEAR}" in header_text
    for p in scenario.planned:  # pre-filled: each indicator's target for this district and year
        assert Decimal(str(ws[layout.cell(p.indicator.code, "Chỉ tiêu kỳ")].value)) == p.target.value

    # 2. Filled offline, with two mistakes: text in a number cell, a numerator above its denominator.
    _fill(ws, layout, scenario.planned)
    wrong_text_cell = layout.cell(count.indicator.code, "Giá trị")
    ws[wrong_text_cell] = WRONG_TEXT
    wrong_ratio_cell = layout.cell(ratio.indicator.code, "Tử số")
    ws[wrong_ratio_cell] = int(ratio.denominator) + 5
    filled = tmp_path / "da-dien-co-loi.xlsx"
    wb.save(filled)
    _upload(district, filled)

    # 3. Every error at once, with its sheet and cell and a Vietnamese message; nothing saved.
    errors = district.get_by_test_id("upload-errors")
    _shot(district, "3-upload-errors")
    assert "Có 2 lỗi. Chưa có gì được lưu" in errors.inner_text()
    shown = [[c.strip() for c in r.get_by_role("cell").all_inner_texts()] for r in errors.locator("tbody tr").all()]
    by_cell = {cell: (sheet, message) for sheet, cell, message in shown}
    assert set(by_cell) == {wrong_text_cell, wrong_ratio_cell}, shown
    assert by_cell[wrong_text_cell][0] == SHEET
    assert f"Chỉ tiêu {count.indicator.code}: “{WRONG_TEXT}” không phải là số." in by_cell[wrong_text_cell][1]
    assert by_cell[wrong_ratio_cell][0] == SHEET
    assert "tử số" in by_cell[wrong_ratio_cell][1] and "không được lớn hơn mẫu số" in by_cell[wrong_ratio_cell][1]
    assert not Report.objects.filter(request=scenario.request).exists()
    assert not IndicatorValue.objects.filter(report__request=scenario.request).exists()

    # 4. The cells fixed, the file is uploaded again: the values are in the form; then submitted.
    district.get_by_role("link", name="Về báo cáo").click()
    _wait_for_request_page(district, scenario)
    ws[wrong_text_cell] = int(count.value)
    ws[wrong_ratio_cell] = int(ratio.numerator)
    fixed = tmp_path / "da-sua.xlsx"
    wb.save(fixed)
    _upload(district, fixed)
    _wait_for_request_page(district, scenario)
    assert f"Đã nhận tệp: {len(planned)} số liệu được đưa vào bản nháp." in _messages(district)
    assert _status(district) == "Đang soạn"
    _shot(district, "4-uploaded")
    values = district.get_by_test_id("values")
    for p in scenario.planned:
        code = p.indicator.code
        if p.indicator.kind == IndicatorKind.RATIO:
            assert values.get_by_label(f"{code} tử số").input_value() == plain_number(p.numerator)
            assert values.get_by_label(f"{code} mẫu số").input_value() == plain_number(p.denominator)
        else:
            assert values.get_by_role("textbox", name=code, exact=True).input_value() == plain_number(p.value)
    saved = {v.indicator.code: v for v in IndicatorValue.objects.filter(report__request=scenario.request)}
    for p in scenario.planned:
        v = saved[p.indicator.code]
        assert (v.value, v.numerator, v.denominator) == (p.value, p.numerator, p.denominator)

    _press(district, district.get_by_role("button", name="Gửi báo cáo"))
    _wait_for_request_page(district, scenario)
    assert "Đã gửi báo cáo." in _messages(district)
    assert _status(district) == "Đã gửi"

    # 5. The province's reviewer, in a browser of their own, finds it waiting and returns it with a comment.
    province = _log_in(new_page, live_server, REVIEWER, scenario.password)
    _open_reporting(province)
    waiting = province.get_by_test_id("waiting").get_by_role("row").filter(has_text=scenario.district.name)
    waiting = waiting.filter(has_text=f"Năm {YEAR}")
    waiting.get_by_role("link", name=scenario.district.name).click()
    _wait_for_request_page(province, scenario)
    _shot(province, "5-review")
    review = province.get_by_test_id("review-box")
    review.get_by_label("Ý kiến").fill(RETURN_COMMENT)
    _press(province, review.get_by_role("button", name="Trả lại để sửa"))
    _wait_for_request_page(province, scenario)
    assert "Đã trả lại báo cáo cho đơn vị." in _messages(province)
    assert _status(province) == "Trả lại để sửa"
    assert province.get_by_test_id("review-box").count() == 0

    # 6. The district sees the comment, does what it asks (the autosave keeps it) and resubmits.
    district.reload()
    assert _status(district) == "Trả lại để sửa"
    assert RETURN_COMMENT in district.get_by_test_id("review-comment").inner_text()
    _shot(district, "6-returned")
    source = district.get_by_label("Nguồn CT08")
    source.fill(CT08_SOURCE)
    source.press("Tab")  # a change event: htmx saves the draft after 1.5 s
    district.locator("#autosave").get_by_text("Đã tự động lưu lúc").wait_for()
    assert IndicatorValue.objects.get(report__request=scenario.request, indicator__code="CT08").source == CT08_SOURCE
    _press(district, district.get_by_role("button", name="Gửi báo cáo"))
    _wait_for_request_page(district, scenario)
    assert "Đã gửi báo cáo." in _messages(district)
    assert _status(district) == "Đã gửi"
    assert district.get_by_test_id("review-comment").count() == 0

    # Before acceptance the plan counts nothing for Đức Linh in 2024: only accepted reports count.
    plan_url = f"{live_server.url}/plans/{scenario.plan.pk}/?period={YEAR}-{YEAR}-year"
    province.goto(plan_url)
    before = _matrix_row(province, scenario.district.name).get_by_role("cell").nth(0).inner_text()
    assert "Chưa có số liệu" in before

    # 7. The reviewer finds the resubmitted report waiting again and accepts it.
    _open_reporting(province)
    waiting = province.get_by_test_id("waiting").get_by_role("row").filter(has_text=scenario.district.name)
    waiting.filter(has_text=f"Năm {YEAR}").get_by_role("link", name=scenario.district.name).click()
    _wait_for_request_page(province, scenario)
    _press(province, province.get_by_test_id("review-box").get_by_role("button", name="Duyệt"))
    _wait_for_request_page(province, scenario)
    assert "Đã duyệt báo cáo." in _messages(province)
    assert _status(province) == "Đã duyệt"
    _shot(province, "7-accepted")
    report = Report.objects.get(request=scenario.request)
    assert (report.status, report.version) == (ReportStatus.ACCEPTED, 1)

    # 8. The plan page, for the report's period, shows the district's new achievement.
    province.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Kế hoạch", exact=True).click()
    province.wait_for_url(re.compile(r"/plans/$"))
    _shot(province, "8-plans")
    province.get_by_role("link", name=CHILD_PLAN_REFERENCE, exact=True).click()
    province.wait_for_url(re.compile(rf"/plans/{scenario.plan.pk}/"))
    picker = province.get_by_label("Kỳ đánh giá")
    if picker.locator("option:checked").inner_text().strip() != f"Năm {YEAR}":
        with province.expect_navigation():
            picker.select_option(label=f"Năm {YEAR}")
    assert picker.locator("option:checked").inner_text().strip() == f"Năm {YEAR}"
    _shot(province, "8-plan-page")
    matrix = province.get_by_test_id("matrix")
    codes = [c.strip() for c in matrix.locator("thead th.ind").all_inner_texts()]
    # The reported indicators come first; the case-based ones (no district target) follow.
    assert codes[: len(scenario.planned)] == [p.indicator.code for p in scenario.planned]
    cells = _matrix_row(province, scenario.district.name).get_by_role("cell")
    met = sum(p.status == MET for p in scenario.planned)
    assert cells.nth(0).inner_text().strip() == f"{met}/{len(scenario.planned)} chỉ tiêu đạt"
    for index, p in enumerate(scenario.planned, start=1):
        lines = [line.strip() for line in cells.nth(index).inner_text().splitlines() if line.strip()]
        assert lines == p.cell_lines(), p.indicator.code
    districts = Unit.objects.filter(parent=scenario.plan.issuer.unit).count()
    over_half = 1 if met * 2 > len(scenario.planned) else 0
    assert f"{over_half}/{districts} đơn vị đạt trên 50%" in province.get_by_test_id("units-over-half").inner_text()
