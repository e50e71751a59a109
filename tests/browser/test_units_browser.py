"""The units browser as a province officer uses it, in Debian's Chromium.

GIAMSAT_SCREENSHOT=1 also writes docs/screenshot.png (the README's picture) at 1366×768, and the 360-px pages to
test-artifacts/; an ordinary run does not. A page found too wide at 360 px is always saved to test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "screenshot.png"
ARTIFACTS = ROOT / "test-artifacts"  # gitignored
NAV_UNITS = "Đơn vị hành chính"
PHONE = {"width": 360, "height": 740}


def _open_units_from_navigation(page):
    nav = page.get_by_role("navigation", name="Chức năng")
    nav.get_by_role("link", name=NAV_UNITS, exact=True).click()
    page.wait_for_url(re.compile(r"/units/$"))
    assert page.get_by_role("heading", level=1).inner_text().strip() == NAV_UNITS


def _search(page, text):
    box = page.locator("input[name=q]")
    box.click()
    box.press_sequentially(text, delay=20)  # real key presses: htmx's live search fires on "input"
    results = page.get_by_test_id("search-results")
    results.wait_for()
    return results


def test_province_officer_finds_a_former_district_and_its_successor(logged_in):
    page = logged_in()
    assert page.locator("html").get_attribute("lang") == "vi"

    _open_units_from_navigation(page)
    results = _search(page, "duc linh")
    assert "Kết quả cho" in results.inner_text()
    assert page.url.endswith("/units/")  # the results came live, without leaving the page

    # The tree of today's units opens one level on demand (htmx): the province shows its communes.
    province = page.locator("ul.tree > li > details").first
    province.locator("summary").click(position={"x": 4, "y": 10})  # the disclosure triangle, not the link
    province.locator("ul > li a").first.wait_for()
    assert province.locator("ul > li a").count() > 10

    if os.environ.get("GIAMSAT_SCREENSHOT") == "1":
        page.locator("input[name=q]").blur()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

    results.get_by_role("link", name="Huyện Đức Linh", exact=True).first.click()
    page.wait_for_url(re.compile(r"/units/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Huyện Đức Linh")
    history = page.get_by_test_id("history")
    assert "Xã Đức Linh" in history.inner_text()
    assert "Sau 01/7/2025" in history.inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.title().startswith("Huyện Đức Linh")


def _horizontal_overflow(page, label):
    """How many pixels the page is wider than the phone's screen (0: no horizontal scroll)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"] + 2 or os.environ.get("GIAMSAT_SCREENSHOT") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"360px-{label}.png"), full_page=True)
    return max(0, width - PHONE["width"])


def test_units_pages_fit_a_360px_phone(logged_in):
    page = logged_in(PHONE)
    _open_units_from_navigation(page)
    results = _search(page, "duc linh")
    overflow = {"units browser with results": _horizontal_overflow(page, "units-browser")}
    results.get_by_role("link", name="Huyện Đức Linh", exact=True).first.click()
    page.wait_for_url(re.compile(r"/units/\d+/$"))
    overflow["unit page"] = _horizontal_overflow(page, "unit-page")
    assert all(pixels <= 2 for pixels in overflow.values()), (
        f"horizontal scroll at 360 px (pixels too wide): {overflow}"
    )
