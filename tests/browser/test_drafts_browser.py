"""Work typed into a form is never lost to an ended session, in Debian's Chromium.

Huyện Đức Linh's officer ("huyen") writes the 2024 report; the first paragraph is autosaved. The session then
ends on the server (as after eight hours). The next autosave says it could not save instead of showing the
login page inside the form, and "Lưu nháp" leads to the login page. After logging in again the browser offers
what it kept; restored and saved, both paragraphs are in the database and nothing stays on the computer.
"""

import re

import pytest
from django.contrib.sessions.models import Session

from giamsat.accounts.models import User
from giamsat.demo.plans import CHILD_PLAN_REFERENCE
from giamsat.plans.models import Plan
from giamsat.reporting import services
from giamsat.reporting.choices import Frequency
from giamsat.reporting.models import Report, ReportRequest, Schedule
from giamsat.units.choices import Level, Structure
from giamsat.units.models import Unit

pytestmark = pytest.mark.browser

DISTRICT_OFFICER = "huyen"
RESULTS = "Tổ chức 12 buổi truyền thông về phòng, chống xâm hại trẻ em tại các xã."
LIMITATIONS = "Một số xã chưa bố trí người làm công tác bảo vệ trẻ em chuyên trách."
DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('giamsat-draft:'))"


@pytest.fixture
def request_2024(demo_login):
    """A 2024 request of Huyện Đức Linh with no report yet (the demo's own schedule stops at 2023)."""
    plan = Plan.objects.get(reference=CHILD_PLAN_REFERENCE)
    schedule = Schedule.objects.create(
        plan=plan, title="Báo cáo năm 2024 của các huyện", frequency=Frequency.YEARLY, first_year=2024,
        last_year=2024, due_days=15,
    )  # fmt: skip
    schedule.units.set(Unit.objects.filter(parent=plan.issuer.unit))
    services.do_generate_requests(schedule, acting_user=User.objects.get(username="so.ldtbxh"))
    district = Unit.objects.get(structure=Structure.LEGACY, level=Level.DISTRICT, code=600)
    return ReportRequest.objects.get(schedule=schedule, unit=district)


def _log_in_on(page, password, username=DISTRICT_OFFICER):
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("form[action$='/login/'] button[type=submit]").click()


@pytest.fixture
def report_page(new_page, live_server, demo_login, request_2024):
    """(page, url, password): the district officer logged in on the request's page through the login form."""
    _username, password = demo_login
    url = f"{live_server.url}/reporting/requests/{request_2024.pk}/"
    page = new_page()
    page.goto(url)
    _log_in_on(page, password)
    page.wait_for_url(url)
    return page, url, password


def test_what_was_typed_when_the_session_ended_is_offered_back_after_logging_in(report_page, request_2024):
    page, url, password = report_page
    autosave = page.locator("#autosave")

    page.get_by_label("Kết quả đạt được").fill(RESULTS)
    page.get_by_label("Kết quả đạt được").press("Tab")
    autosave.get_by_text("Đã tự động lưu lúc").wait_for()

    Session.objects.all().delete()  # the server ends the session; the page does not know
    page.get_by_label("Hạn chế").fill(LIMITATIONS)
    page.get_by_label("Hạn chế").press("Tab")
    autosave.get_by_text("Chưa lưu được lên máy chủ").wait_for()
    assert autosave.locator("input").count() == 1  # its own hidden revision, not the login form's fields
    assert page.evaluate(DRAFT_KEYS), "the browser keeps what the server did not get"

    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/login/\?next="))
    _log_in_on(page, password)
    page.wait_for_url(url)

    offer = page.get_by_test_id("draft-offer")
    # Only the paragraph the server never got differs from the page: the first was autosaved.
    assert re.match(
        r"Máy này còn giữ 1 ô bạn đã sửa mà chưa lưu \(lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}\)", offer.inner_text()
    )
    assert page.get_by_label("Hạn chế").input_value() == ""
    offer.get_by_role("button", name="Khôi phục").click()
    assert page.get_by_label("Hạn chế").input_value() == LIMITATIONS
    assert "Đã khôi phục" in offer.inner_text()

    page.get_by_role("button", name="Lưu nháp").click()
    page.locator("ul.messages").get_by_text("Đã lưu bản nháp.").wait_for()
    report = Report.objects.get(request=request_2024)
    assert (report.results, report.limitations) == (RESULTS, LIMITATIONS)
    assert page.evaluate(DRAFT_KEYS) == []
    page.reload()
    assert page.get_by_test_id("draft-offer").count() == 0


def test_a_discarded_draft_is_gone_and_another_account_is_never_offered_one(report_page, request_2024):
    page, url, password = report_page
    # Typed, then the tab is left without saving (the autosave would fire after 1.5 s of quiet).
    page.get_by_label("Hạn chế").fill(LIMITATIONS)
    page.wait_for_function(f"() => {DRAFT_KEYS}.length === 1")
    keys = page.evaluate(DRAFT_KEYS)
    user = User.objects.get(username=DISTRICT_OFFICER)
    assert keys == [f"giamsat-draft:{user.pk}:/reporting/requests/{request_2024.pk}/"]

    page.goto(url)
    offer = page.get_by_test_id("draft-offer")
    offer.get_by_role("button", name="Bỏ bản nháp").click()
    assert offer.count() == 0
    assert page.evaluate(DRAFT_KEYS) == []

    # The same computer, another account of the same district: a draft kept for "huyen" is not shown to it.
    page.get_by_label("Hạn chế").fill(LIMITATIONS)
    page.wait_for_function(f"() => {DRAFT_KEYS}.length === 1")
    colleague = User.objects.create_user(
        username="huyen2", password=password, role=user.role, unit=user.unit, organisation=user.organisation
    )
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(url)
    _log_in_on(page, password, colleague.username)
    page.wait_for_url(url)
    assert page.get_by_test_id("draft-offer").count() == 0
    assert page.get_by_label("Hạn chế").input_value() == ""
