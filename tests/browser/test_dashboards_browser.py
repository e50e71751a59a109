"""The dashboards as a province leader uses them, in Debian's Chromium: from the province's achievement matrix of
the demo's child-protection plan, drill into a district, then to the reports behind its numbers, and open the
district's report; then keep the choices made on one tab on the next. GIAMSAT_SCREENSHOT=1 keeps a picture of each
step in test-artifacts/."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from giamsat.demo.plans import CHILD_PLAN_REFERENCE
from giamsat.plans.models import Plan, Target
from giamsat.reporting.models import ReportRequest
from giamsat.units.models import Unit

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored
DISTRICT = 597  # Huyện Hàm Thuận Bắc, a legacy district of Bình Thuận whose 2022 report was accepted
YEAR = 2022
PRINTABLE_WIDTH = 1060
PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    if os.environ.get("GIAMSAT_SCREENSHOT"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dashboards-{name}.png"), full_page=True)


def test_a_leader_drills_from_the_province_matrix_to_a_districts_report(logged_in, live_server):
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE)
    district = Unit.objects.get(structure="legacy", level=2, code=DISTRICT)
    request = ReportRequest.objects.get(schedule__plan=plan, unit=district, period_start__year=YEAR)
    page = logged_in()

    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/dashboards/")
    page.get_by_role("link", name=plan.reference).first.click()
    page.select_option("#d-period", f"{YEAR}-{YEAR}-year")
    page.wait_for_url(f"**period={YEAR}-{YEAR}-year**")
    matrix = page.get_by_test_id("dash-matrix")
    province_row = matrix.locator("tr.total")
    assert "Tỉnh Bình Thuận" in province_row.inner_text()
    assert "chỉ tiêu đạt" in province_row.inner_text()
    row = matrix.locator(f'tr[data-unit="{district.pk}"]')
    assert "chỉ tiêu đạt" in row.inner_text()
    # Every target's cell says its status in words (and a symbol), not by colour alone.
    targeted = Target.objects.filter(indicator__plan=plan, unit=district, period_start__year=YEAR).count()
    assert targeted and row.locator(".status").count() == targeted
    assert all(text.strip()[1:].strip() for text in row.locator(".status").all_inner_texts())
    _shot(page, "1-province")

    # On paper (A4 landscape less the margins, ~1,060 CSS pixels) every indicator's column stays on the page:
    # the browser cuts what is wider, and half the columns were lost. The indicators' key prints too.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 800})
    assert matrix.bounding_box()["width"] <= PRINTABLE_WIDTH
    assert page.get_by_text("Chú thích chỉ tiêu").is_visible()
    assert page.locator("details li").last.is_visible()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})

    row.get_by_role("link", name=district.name).click()
    page.wait_for_url(f"**unit={district.pk}**")
    assert district.name in page.get_by_test_id("trail").inner_text()
    assert page.locator("tr.total th").first.inner_text().startswith(district.name)
    _shot(page, "2-district")

    page.locator("tr.total").get_by_role("link", name="báo cáo").click()
    reports = page.get_by_test_id("dash-reports")
    reports.get_by_role("link", name=district.name).first.click()
    page.wait_for_url(f"**/reporting/requests/{request.pk}/")
    assert district.name in page.content()
    assert "Đã duyệt" in page.content()
    _shot(page, "3-report")


def test_on_a_phone_the_trend_chart_stays_readable_and_the_menu_shows_where_one_is(logged_in, live_server):
    """At 390 px the chart was shrunk to the screen (its text about 3 px high) and the sideways-scrolling menu hid
    the current section."""
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE)
    page = logged_in(PHONE)
    page.goto(f"{live_server.url}/dashboards/plans/{plan.pk}/trend/")
    chart = page.get_by_test_id("trend-chart")
    assert chart.locator("svg").bounding_box()["width"] >= 560  # scrolls inside its frame
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself does not
    current = page.locator("nav.main a[aria-current=page]")
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _shot(page, "4-phone-trend")
    # A bar chart fits the phone with its bars in sight: beside a label column of their own they were scrolled out.
    page.goto(f"{live_server.url}/dashboards/cases/")
    bars = page.locator("figure.chart svg.bars").first
    assert bars.bounding_box()["x"] + bars.bounding_box()["width"] <= PHONE["width"]
    first_bar = bars.locator("rect").nth(1).bounding_box()  # after the background
    assert first_bar["width"] > 0 and first_bar["x"] + first_bar["width"] <= PHONE["width"]
    _shot(page, "5-phone-bars")


def test_the_tabs_keep_a_leaders_choices(logged_in, live_server):
    """A year chosen on the compliance tab was lost on the next tab, the trend's indicator and step when the date of
    the units changed: each tab's form sends them, as the browser submits it on a change."""
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE)
    page = logged_in()
    page.goto(f"{live_server.url}/dashboards/plans/{plan.pk}/compliance/")
    page.select_option("#c-year", str(YEAR))
    page.wait_for_url(f"**year={YEAR}**")
    page.select_option("#d-on", index=1)  # today's units
    page.wait_for_url(f"**on={timezone.localdate().isoformat()}**")
    assert page.locator("#c-year").input_value() == str(YEAR)
    page.get_by_role("link", name="Kết quả theo đơn vị").click()
    page.wait_for_url(f"**period={YEAR}-{YEAR}-year**")
    assert f"Năm {YEAR}" in page.locator("h2").first.inner_text()

    page.get_by_role("link", name="Xu hướng").click()
    page.wait_for_url("**/trend/**")
    page.select_option("#t-step", "quarter")
    page.wait_for_url("**step=quarter**")
    indicator = page.locator("#t-indicator option").nth(3).get_attribute("value")
    page.select_option("#t-indicator", indicator)
    page.wait_for_url(f"**indicator={indicator}**")
    page.select_option("#d-on", index=0)  # back to the old units
    page.wait_for_url("**on=2025-06-30**")
    assert page.locator("#t-indicator").input_value() == indicator
    assert page.locator("#t-step").input_value() == "quarter"
    _shot(page, "6-tabs")


def test_a_filter_list_is_moved_through_by_keyboard_and_shows_the_table_s_choice_after_back(logged_in, live_server):
    """Each arrow key in a filter list reloaded the page and lost the focus (nine reloads to reach the tenth
    indicator); and after Back the lists showed the choice last made, not the one of the table below them."""
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE)
    page = logged_in()
    page.goto(f"{live_server.url}/dashboards/plans/{plan.pk}/trend/")
    first = page.locator("#t-indicator").input_value()
    address = page.url
    page.focus("#t-indicator")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)  # a reload would have started by now
    assert page.url == address
    chosen = page.locator("#t-indicator").input_value()
    assert chosen != first
    page.keyboard.press("Enter")
    page.wait_for_url(f"**indicator={chosen}**")
    assert page.locator("#t-indicator").input_value() == chosen

    page.select_option("#t-step", "quarter")  # by mouse or touch: at once
    page.wait_for_url("**step=quarter**")
    page.go_back()
    page.wait_for_url(f"**indicator={chosen}**")
    assert "step=quarter" not in page.url
    assert page.locator("#t-step").input_value() == "year"
