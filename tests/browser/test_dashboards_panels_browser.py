"""The cases and supervision dashboards as the demo's province officer uses them in Debian's Chromium: from the
dashboards' first page to the cases figures by quarter for 2022–2023, a chart and its table, an Excel download with
the same numbers; then the supervision dashboard. GIAMSAT_SCREENSHOT=1 keeps pictures in test-artifacts/."""

import os
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored


def _shot(page, name: str) -> None:
    if os.environ.get("GIAMSAT_SCREENSHOT"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dashboards-panels-{name}.png"), full_page=True)


def test_a_leader_reads_the_case_figures_by_quarter_and_downloads_them(logged_in, live_server, tmp_path):
    page = logged_in()
    page.goto(f"{live_server.url}/dashboards/")
    panel = page.get_by_test_id("panel-cases")
    assert "%" in panel.inner_text()
    page.get_by_role("link", name="Số liệu và thời hạn: biểu đồ, bảng, tải Excel").click()
    page.wait_for_url("**/dashboards/cases/")

    page.fill("#c-from", "01/01/2022")
    page.fill("#c-to", "31/12/2023")
    page.select_option("#c-step", "quarter")
    page.get_by_test_id("cases-controls").get_by_role("button").click()
    page.wait_for_url("**step=quarter**")
    assert "Quý 1/2022" in page.get_by_test_id("sheet-periods").inner_text()
    assert page.get_by_test_id("chart-ontime").locator("svg polyline").count() > 0
    harm = page.get_by_test_id("sheet-harm").inner_text()
    assert "Bạo lực" in harm
    _shot(page, "cases")

    with page.expect_download() as download:
        page.get_by_test_id("sheet-harm").locator("xpath=..").locator("xpath=following-sibling::div[1]").get_by_role(
            "link", name="Tải bảng số liệu (Excel)"
        ).click()
    path = tmp_path / "harm.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    shown = {line.split("\t")[0]: line.split("\t")[-1] for line in harm.splitlines()[1:] if "\t" in line}
    assert {str(label): str(n) for label, n in rows[1:]} == shown

    page.goto(f"{live_server.url}/dashboards/supervision/")
    assert page.get_by_test_id("sheet-statuses").is_visible()
    _shot(page, "supervision")
