"""The supervision follow-up of issue 4 as the people do it, in Debian's Chromium.

The delegation's secretary records a working session with Huyện Đức Linh (with the district's report ticked as
received), two findings and a recommendation, drafts the report of results and issues it (it gets the next
number of the Women's Union's register). The district officer ("huyen") answers the recommendation with an
evidence file; the head of the delegation ("giamsat") verifies it. GIAMSAT_SCREENSHOT=1 keeps each step's picture
in test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.demo.plans import CHILD_PLAN_REFERENCE
from giamsat.demo.supervision import load_supervision
from giamsat.plans.models import Plan
from giamsat.supervision import services
from giamsat.supervision.choices import SEED_CATEGORIES, MemberRole, RecommendationStatus, SupervisionStatus
from giamsat.supervision.models import Recommendation, Supervision
from giamsat.units.models import Organisation

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
UNION = "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"
DUC_LINH = "Ủy ban nhân dân huyện Đức Linh"
TITLE = "Giám sát việc khắc phục hạn chế sau giám sát năm 2023 (thử trình duyệt)"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def _shot(page, name):
    if os.environ.get("GIAMSAT_SCREENSHOT") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"supervision-{name}.png"), full_page=True)


def _login(new_page, live_server, username, password):
    page = new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form[action$='/login/'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('giamsat-draft:'))"


def _drafts_kept(page) -> list[str]:
    """The forms' copies kept in the browser, once drafts.js has written them (it waits 400 ms after typing). Polled
    from here: the page's Content-Security-Policy refuses the string a wait_for_function would evaluate."""
    for _attempt in range(50):
        if kept := page.evaluate(DRAFTS):
            return kept
        page.wait_for_timeout(100)
    return []


def _sent_twice(route):
    """The same POST reaches the server twice; the browser gets the second answer."""
    if route.request.method != "POST":
        route.continue_()
        return
    route.fetch(max_redirects=0)
    route.fulfill(response=route.fetch(max_redirects=0))


@pytest.fixture
def story(demo_login):
    """The demo with its supervisions, a secretary's account and a new supervision of Đức Linh to work on."""
    _username, password = demo_login
    load_supervision()
    union = Organisation.objects.get(name=UNION)
    head = User.objects.get(username="giamsat")
    secretary = User.objects.create(
        username="thuky",
        full_name="Võ Thị Thư Ký Demo",
        role=Role.SUPERVISOR,
        organisation=union,
        email="t@demo.invalid",
    )
    secretary.set_password(password)
    secretary.save()
    supervision = services.do_save_supervision(
        Supervision(),
        acting_user=head,
        fields={
            "organisation": union,
            "title": TITLE,
            "purpose": "Kiểm tra việc khắc phục các hạn chế.",
            "response_days": 20,
            "forms": ["sessions"],
        },
        plans=[Plan.objects.get(reference=CHILD_PLAN_REFERENCE)],
        supervised=[Organisation.objects.get(name=DUC_LINH)],
    )
    Supervision.objects.filter(pk=supervision.pk).update(status=SupervisionStatus.PLANNED)
    services.do_add_member(supervision, acting_user=head, fields={"role": MemberRole.HEAD, "user": head})
    services.do_add_member(supervision, acting_user=head, fields={"role": MemberRole.SECRETARY, "user": secretary})
    return supervision, password


def test_secretary_records_and_reports_district_answers_head_verifies(new_page, live_server, story, tmp_path):
    supervision, password = story

    # --- the secretary: a working session with two findings and a recommendation, then the report
    page = _login(new_page, live_server, "thuky", password)
    page.goto(f"{live_server.url}/supervision/{supervision.pk}/")
    page.get_by_role("link", name="Ghi buổi làm việc").click()
    page.locator("#id_held_at").fill("12/03/2024 08:30")
    page.locator("#id_place").fill("Trụ sở UBND huyện Đức Linh")
    page.locator("#id_attendees_supervised").fill("Phó Chủ tịch UBND huyện; Trưởng phòng LĐTBXH.")
    page.locator("#id_minutes").fill("Đoàn nghe huyện báo cáo việc khắc phục hạn chế.")
    reports = page.locator("input[name=reports]")
    assert reports.count() >= 1  # the district's reports on the supervised plan are offered, nothing retyped
    reports.first.check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/supervision/sessions/\d+/$"))
    assert "chỉ tiêu đạt" in page.get_by_test_id("report-share").first.inner_text()

    page.get_by_role("link", name="Thêm kết quả").click()
    page.locator("#id_text").fill("Huyện đã duy trì diễn đàn trẻ em cấp huyện hằng năm.")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/supervision/sessions/\d+/$"))
    page.get_by_role("link", name="Thêm hạn chế").click()
    page.locator("#id_text").fill("Kinh phí cho công tác trẻ em năm 2024 chưa được bố trí đủ.")
    page.locator("#id_cause").fill("Ngân sách huyện eo hẹp.")
    page.locator("#id_category").select_option(label=SEED_CATEGORIES[6])
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/supervision/sessions/\d+/$"))
    findings = page.get_by_test_id("session-findings").inner_text()
    assert "diễn đàn trẻ em" in findings and "Kinh phí" in findings
    _shot(page, "1-session")

    page.goto(f"{live_server.url}/supervision/{supervision.pk}/")
    page.get_by_role("link", name="Thêm kiến nghị").click()
    page.locator("#id_text").fill("Bố trí đủ kinh phí cho công tác trẻ em năm 2025.")
    page.locator("#id_addressees").select_option(label=DUC_LINH)
    page.locator("#id_made_on").fill("15/03/2024")
    # A flaky link delivers the form twice (the browser sends a POST again when its connection drops): the
    # server records it once and says so.
    page.route(re.compile(r"/recommendations/new/$"), _sent_twice)
    assert _drafts_kept(page), "what is typed is kept in the browser until the server has it"
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(rf"/supervision/{supervision.pk}/$"))
    page.unroute(re.compile(r"/recommendations/new/$"))
    assert page.get_by_text("Biểu mẫu này đã được gửi và lưu trước đó").is_visible()
    assert page.evaluate(DRAFTS) == [], "the server has it: the browser's copy goes, not offered back next time"
    assert page.get_by_test_id("recommendations").inner_text().count("Bố trí đủ kinh phí") == 1
    assert Recommendation.objects.filter(text__startswith="Bố trí đủ kinh phí").count() == 1

    page.locator("button[data-kind='BC']").click()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    # The draft is written from what was recorded: the limitation is in section III, ready to edit.
    assert "Kinh phí cho công tác trẻ em năm 2024" in page.locator("#id_section_2").input_value()
    page.get_by_test_id("issue-form").get_by_role("button", name="Ban hành").click()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"Số: \d{2,}/BC-HLHPN", reference.strip()), reference
    assert "Đã ban hành" in page.get_by_test_id("document-status").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("download-docx").click()
    assert download.value.suggested_filename.endswith("-BC-HLHPN.docx")
    _shot(page, "2-report-issued")
    page.context.close()

    # --- the district officer answers with an evidence file
    rec = Recommendation.objects.get(supervision=supervision)
    evidence = tmp_path / "quyet-dinh-bo-tri-kinh-phi.pdf"
    evidence.write_bytes(PDF)
    page = _login(new_page, live_server, "huyen", password)
    page.goto(f"{live_server.url}/supervision/")
    page.get_by_test_id("my-recommendations").get_by_role("link", name=re.compile("Bố trí đủ kinh phí")).click()
    page.wait_for_url(re.compile(rf"/supervision/recommendations/{rec.pk}/$"))
    box = page.get_by_test_id("respond-box")
    box.locator("#id_status").select_option("implemented")
    box.locator("#id_text").fill("UBND huyện đã bố trí 300 triệu đồng cho công tác trẻ em năm 2025.")
    box.locator("#id_files").set_input_files(str(evidence))
    box.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_url(re.compile(rf"/supervision/recommendations/{rec.pk}/$"))
    assert "Đã thực hiện" in page.get_by_test_id("rec-status").inner_text()
    assert "quyet-dinh-bo-tri-kinh-phi.pdf" in page.get_by_test_id("responses").inner_text()
    assert page.get_by_test_id("verify-box").count() == 0  # the district cannot verify its own answer
    _shot(page, "3-answered")
    page.context.close()

    # --- the head of the delegation verifies it
    page = _login(new_page, live_server, "giamsat", password)
    page.goto(f"{live_server.url}/supervision/recommendations/{rec.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="quyet-dinh-bo-tri-kinh-phi.pdf").click()
    assert download.value.suggested_filename == "quyet-dinh-bo-tri-kinh-phi.pdf"
    box = page.get_by_test_id("verify-box")
    box.locator("#id_note").fill("Đã xem quyết định bố trí kinh phí.")
    box.get_by_role("button", name="Xác nhận", exact=True).click()
    page.wait_for_url(re.compile(rf"/supervision/recommendations/{rec.pk}/$"))
    assert "Đã xác nhận" in page.get_by_test_id("rec-status").inner_text()
    _shot(page, "4-verified")
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.IMPLEMENTED and rec.verified_by.username == "giamsat"
