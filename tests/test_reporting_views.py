"""The reporting screens (giamsat.reporting.views): the inbox, the report form with autosave, the review and
correction buttons, the Excel template and its upload, and a 404 for everyone whose report it is not."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

import factories as f
from giamsat.core.models import AuditEntry
from giamsat.reporting.choices import ActivityKind, FundingSource, ReportStatus
from giamsat.reporting.models import Activity, BudgetLine, IndicatorValue, Report
from giamsat.reporting.services import ValueInput, do_accept, do_save_draft, do_submit, get_or_start_draft
from plan_fixtures import AMOUNT, BY_SEX, COUNT, DECREASE, MILESTONE, RATIO, accepted_report

pytest_plugins = ["plan_fixtures"]

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def request_url(req) -> str:
    return reverse("reporting:request", args=[req.pk])


def prefix(setup, code, breakdown="total") -> str:
    return f"v-{setup.ind(code).pk}-{breakdown}"


def form_data(setup, revision=0, activities=None, initial_activities=0, **overrides) -> dict:
    """What the report form posts: every value cell, the narrative, the activities formset and the budget."""
    data = {
        "revision": str(revision),
        "n-results": "Tổ chức 12 cuộc truyền thông tại các trường học.",
        "n-limitations": "Tuyên truyền thiếu thường xuyên.",
        "n-causes": "Kinh phí hạn chế.",
        "n-proposals": "Đề nghị tỉnh bố trí kinh phí.",
        f"{prefix(setup, COUNT)}-value": "12",
        f"{prefix(setup, COUNT)}-source": "Phòng Văn hóa - Thông tin",
        f"{prefix(setup, RATIO)}-num": "1.800",
        f"{prefix(setup, RATIO)}-den": "2.000",
        f"{prefix(setup, DECREASE)}-value": "5",
        f"{prefix(setup, MILESTONE)}-value": "1",
        f"{prefix(setup, AMOUNT)}-value": "48.500.000",
        f"{prefix(setup, BY_SEX)}-value": "95",
        f"{prefix(setup, BY_SEX, 'sex=nu')}-value": "50",
        f"{prefix(setup, BY_SEX, 'sex=nam')}-value": "45",
        f"{prefix(setup, BY_SEX)}-comment": "Số liệu đến 31/12",
        "b-local-allocated": "150.000.000",
        "b-local-spent": "120.000.000",
        "b-central-allocated": "",
        "b-central-spent": "",
    }
    rows = activities if activities is not None else [
        {"kind": ActivityKind.COMMUNICATION, "name": "Truyền thông tại trường học", "held_on": "20/05/2023",
         "participants": "150"},
        {"kind": ActivityKind.GIFT, "name": "Tặng quà Tết Trung thu", "beneficiaries": "100",
         "value_vnd": "50000000"},
    ]  # fmt: skip
    data |= {
        "a-TOTAL_FORMS": str(len(rows) + 1),
        "a-INITIAL_FORMS": str(initial_activities),
        "a-MIN_NUM_FORMS": "0",
        "a-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data |= {f"a-{n}-{k}": v for k, v in row.items()}
    return data | overrides


def cell(html: str, name: str) -> str:
    """The table cell (<td>…</td>) holding the input called `name`."""
    at = html.index(f'name="{name}"')
    return html[html.rindex("<td", 0, at) : html.index("</td>", at)]


def request_pks(html: str, testid: str = "requests") -> list[int]:
    table = html[html.index(f'data-testid="{testid}"') :]
    table = table[: table.index("</table>")]
    return [int(pk) for pk in re.findall(r'href="/reporting/requests/(\d+)/"', table)]


@pytest.fixture
def dl_2023(plan_setup):
    return plan_setup.request("dl", 2023)


def _values(setup, count=12) -> list[ValueInput]:
    ind = setup.ind
    return [
        ValueInput(ind(COUNT), value=D(count)),
        ValueInput(ind(RATIO), numerator=D(9), denominator=D(10)),
        ValueInput(ind(DECREASE), value=D(5)),
        ValueInput(ind(MILESTONE), value=D(1)),
        ValueInput(ind(AMOUNT), value=D(1000)),
        ValueInput(ind(BY_SEX), value=D(95)),
    ]


@pytest.fixture
def submitted(plan_setup, dl_2023, district_officer) -> Report:
    report = get_or_start_draft(dl_2023, acting_user=district_officer)
    do_save_draft(report, acting_user=district_officer, revision=0, narrative={}, values=_values(plan_setup))
    return do_submit(report, acting_user=district_officer)


# --------------------------------------------------------------------------------------- inbox


def test_the_inbox_lists_the_districts_own_requests(client_for, district_officer, plan_setup):
    response = client_for(district_officer).get(reverse("reporting:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(request_pks(html)) == sorted([plan_setup.request("dl", 2022).pk, plan_setup.request("dl", 2023).pk])
    assert 'data-testid="waiting"' not in html  # a reporter reviews nothing


def test_the_reviewers_inbox_shows_the_reports_waiting_for_review(client_for, province_officer, plan_setup, submitted):
    html = client_for(province_officer).get(reverse("reporting:inbox")).content.decode()
    assert request_pks(html, "waiting") == [submitted.request_id]
    assert len(request_pks(html)) == 4  # the province sees every district's request


def test_the_overdue_filter_leaves_out_what_was_submitted(client_for, province_officer, plan_setup, submitted):
    client = client_for(province_officer)
    everything = request_pks(client.get(reverse("reporting:inbox")).content.decode())
    overdue = request_pks(client.get(reverse("reporting:inbox"), {"overdue": "1"}).content.decode())
    # All the requests of 2022 and 2023 are past their due dates; Đức Linh's 2023 report was sent.
    assert submitted.request_id in everything
    assert sorted(overdue) == sorted(pk for pk in everything if pk != submitted.request_id)


def test_the_inbox_filters_by_unit(client_for, province_officer, plan_setup):
    html = client_for(province_officer).get(reverse("reporting:inbox"), {"unit": plan_setup.tanh_linh.pk}).content
    assert sorted(request_pks(html.decode())) == sorted(
        [plan_setup.request("tl", 2022).pk, plan_setup.request("tl", 2023).pk]
    )


# --------------------------------------------------------------------------------------- the report form


def test_the_request_page_renders_the_form_for_the_district(client_for, district_officer, plan_setup, dl_2023):
    response = client_for(district_officer).get(request_url(dl_2023))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-form"' in html
    for name in (f"{prefix(plan_setup, RATIO)}-num", f"{prefix(plan_setup, RATIO)}-den",
                 f"{prefix(plan_setup, BY_SEX, 'sex=nu')}-value", "b-local-spent", "a-TOTAL_FORMS"):  # fmt: skip
        assert f'name="{name}"' in html
    assert '<input type="hidden" name="revision" value="0">' in html
    assert not Report.objects.filter(request=dl_2023).exists()  # looking starts nothing


def test_posting_the_form_saves_values_activities_and_budget(client_for, district_officer, plan_setup, dl_2023):
    response = client_for(district_officer).post(request_url(dl_2023), form_data(plan_setup, save="1"))
    assert response.status_code == 302
    assert response.url == request_url(dl_2023)
    report = Report.objects.get(request=dl_2023)
    assert (report.status, report.revision) == (ReportStatus.DRAFT, 1)
    assert report.results == "Tổ chức 12 cuộc truyền thông tại các trường học."
    values = {(v.indicator.code, v.breakdown): v for v in report.values.select_related("indicator")}
    assert values[(COUNT, "")].value == 12
    assert values[(COUNT, "")].source == "Phòng Văn hóa - Thông tin"
    assert (values[(RATIO, "")].numerator, values[(RATIO, "")].denominator, values[(RATIO, "")].value) == (
        1800,
        2000,
        None,
    )
    assert values[(AMOUNT, "")].value == 48_500_000
    assert values[(BY_SEX, "sex=nu")].value == 50 and values[(BY_SEX, "sex=nam")].value == 45
    assert values[(BY_SEX, "")].comment == "Số liệu đến 31/12"
    assert len(values) == 8
    activities = {a.kind: a for a in report.activities.all()}
    assert activities[ActivityKind.GIFT].value_vnd == 50_000_000
    assert activities[ActivityKind.COMMUNICATION].participants == 150
    assert [(b.source, b.allocated, b.spent) for b in report.budget_lines.all()] == [
        (FundingSource.LOCAL, 150_000_000, 120_000_000)
    ]


def test_the_saved_values_come_back_in_the_form(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    client.post(request_url(dl_2023), form_data(plan_setup, save="1"))
    html = client.get(request_url(dl_2023)).content.decode()
    assert 'value="48500000"' in cell(html, f"{prefix(plan_setup, AMOUNT)}-value")
    assert 'value="1800"' in cell(html, f"{prefix(plan_setup, RATIO)}-num")
    assert '<input type="hidden" name="revision" value="1">' in html
    assert 'name="a-INITIAL_FORMS" value="2"' in html


def test_bad_cells_are_shown_next_to_them_and_nothing_is_saved(client_for, district_officer, plan_setup, dl_2023):
    data = form_data(
        plan_setup,
        save="1",
        **{
            f"{prefix(plan_setup, COUNT)}-value": "mười hai",
            f"{prefix(plan_setup, RATIO)}-num": "2.100",
            f"{prefix(plan_setup, DECREASE)}-value": "-2",
            "b-local-spent": "-5",
        },
    )
    response = client_for(district_officer).post(request_url(dl_2023), data)
    assert response.status_code == 200
    html = response.content.decode()
    count = cell(html, f"{prefix(plan_setup, COUNT)}-value")
    assert "cell-error" in count and "“mười hai” không phải là số" in count and 'value="mười hai"' in count
    ratio = cell(html, f"{prefix(plan_setup, RATIO)}-num")
    assert re.search(r'class="num cell-error" name="v-\d+-total-num"', ratio)
    assert "Tử số không được lớn hơn mẫu số." in ratio
    assert "Không được âm." in cell(html, f"{prefix(plan_setup, DECREASE)}-value")
    assert "Không được âm." in cell(html, "b-local-spent")
    assert "cell-error" not in cell(html, f"{prefix(plan_setup, AMOUNT)}-value")
    assert "Chưa lưu: có ô chưa hợp lệ" in html
    assert not IndicatorValue.objects.filter(report__request=dl_2023).exists()
    assert not Activity.objects.filter(report__request=dl_2023).exists()
    assert not BudgetLine.objects.filter(report__request=dl_2023).exists()
    assert not Report.objects.filter(request=dl_2023).exclude(revision=0).exists()
    assert not Report.objects.filter(request=dl_2023).exclude(results="").exists()
    assert not AuditEntry.objects.filter(action="report.save").exists()


def test_a_first_post_with_bad_cells_does_not_even_start_a_draft(client_for, district_officer, plan_setup, dl_2023):
    data = form_data(plan_setup, save="1", **{f"{prefix(plan_setup, COUNT)}-value": "mười hai"})
    assert client_for(district_officer).post(request_url(dl_2023), data).status_code == 200
    assert not Report.objects.filter(request=dl_2023).exists()
    assert not AuditEntry.objects.filter(action="report.start").exists()


def test_a_denominator_without_a_numerator_is_refused(client_for, district_officer, plan_setup, dl_2023):
    data = form_data(plan_setup, save="1", **{f"{prefix(plan_setup, RATIO)}-num": ""})
    html = client_for(district_officer).post(request_url(dl_2023), data).content.decode()
    assert "Cần cả tử số và mẫu số." in cell(html, f"{prefix(plan_setup, RATIO)}-num")
    assert not IndicatorValue.objects.filter(report__request=dl_2023).exists()


def test_autosave_answers_htmx_with_the_new_revision(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    response = client.post(request_url(dl_2023), form_data(plan_setup, submit="1"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and "report-form" not in fragment
    assert '<input type="hidden" name="revision" value="1">' in fragment
    assert "Đã tự động lưu lúc" in fragment
    report = Report.objects.get(request=dl_2023)
    assert (report.revision, report.status) == (1, ReportStatus.DRAFT)  # an autosave never submits
    assert report.values.get(indicator=plan_setup.ind(COUNT)).value == 12

    again = client.post(
        request_url(dl_2023), form_data(plan_setup, revision=1, initial_activities=2), headers={"HX-Request": "true"}
    )
    assert '<input type="hidden" name="revision" value="2">' in again.content.decode()


def test_a_report_saved_a_thousand_times_still_saves(client_for, district_officer, plan_setup, dl_2023):
    """Every autosave counts a revision; the page must send back 1234, not the Vietnamese "1.234"."""
    client = client_for(district_officer)
    client.post(request_url(dl_2023), form_data(plan_setup, save="1"))
    Report.objects.filter(request=dl_2023).update(revision=1234)
    html = client.get(request_url(dl_2023)).content.decode()
    assert '<input type="hidden" name="revision" value="1234">' in html
    response = client.post(
        request_url(dl_2023), form_data(plan_setup, revision=1234, initial_activities=2), headers={"HX-Request": "true"}
    )
    assert '<input type="hidden" name="revision" value="1235">' in response.content.decode()
    assert Report.objects.get(request=dl_2023).revision == 1235


def test_a_figure_too_large_or_in_the_wrong_measure_is_refused_on_its_cell(
    client_for, district_officer, province_officer, plan_setup, dl_2023
):
    """485.000.000.000.000 (a zero group too many) was saved, and the report page was then a 500 for the unit and
    the province; "85%" typed for a count was saved as 85."""
    data = form_data(
        plan_setup,
        save="1",
        **{
            f"{prefix(plan_setup, AMOUNT)}-value": "485.000.000.000.000",
            f"{prefix(plan_setup, COUNT)}-value": "85%",
            f"{prefix(plan_setup, RATIO)}-num": "1,234",
            "b-local-allocated": "1" + "0" * 18,
        },
    )
    html = client_for(district_officer).post(request_url(dl_2023), data).content.decode()
    assert "số quá lớn" in cell(html, f"{prefix(plan_setup, AMOUNT)}-value")
    assert "không tính bằng %" in cell(html, f"{prefix(plan_setup, COUNT)}-value")
    assert "không rõ “1,234” là 1234" in cell(html, f"{prefix(plan_setup, RATIO)}-num")
    assert "Số quá lớn." in cell(html, "b-local-allocated")
    assert not IndicatorValue.objects.filter(report__request=dl_2023).exists()
    assert client_for(province_officer).get(request_url(dl_2023)).status_code == 200


def test_a_nul_character_pasted_into_the_form_is_dropped_not_refused(client_for, district_officer, plan_setup, dl_2023):
    """The page answered "Yêu cầu không hợp lệ" naming the field's code; a NUL cannot be seen, so the user could not
    find what to remove."""
    data = form_data(plan_setup, save="1", **{f"{prefix(plan_setup, COUNT)}-comment": "Số liệu\x00 đến 31/12"})
    data["n-results"] = "Tổ chức\x00 12 cuộc truyền thông."
    response = client_for(district_officer).post(request_url(dl_2023), data)
    assert response.status_code == 302
    report = Report.objects.get(request=dl_2023)
    assert report.results == "Tổ chức 12 cuộc truyền thông."
    assert report.values.get(indicator=plan_setup.ind(COUNT), breakdown="").comment == "Số liệu đến 31/12"


def test_a_figure_the_page_shows_is_taken_back_as_shown(client_for, district_officer, plan_setup, dl_2023):
    """A count of 2.125 saved from a file is shown as "2,125"; the form sent back unchanged was refused as a
    "1,234" that might be 2125, and its autosave saved nothing."""
    client = client_for(district_officer)
    client.post(request_url(dl_2023), form_data(plan_setup, save="1"))
    IndicatorValue.objects.filter(report__request=dl_2023, indicator=plan_setup.ind(COUNT)).update(value=D("2.125"))
    count = f"{prefix(plan_setup, COUNT)}-value"
    assert 'value="2,125"' in cell(client.get(request_url(dl_2023)).content.decode(), count)
    unchanged = form_data(plan_setup, revision=1, save="1", **{count: "2,125", "n-causes": "Thiếu kinh phí."})
    assert client.post(request_url(dl_2023), unchanged).status_code == 302
    report = Report.objects.get(request=dl_2023)
    assert report.causes == "Thiếu kinh phí."
    assert report.values.get(indicator=plan_setup.ind(COUNT)).value == D("2.125")
    # Typed anew, it is asked about; so is a signed one.
    for typed in ("3,125", "+3,125"):
        html = client.post(request_url(dl_2023), form_data(plan_setup, revision=2, **{count: typed})).content.decode()
        assert "không rõ “" + typed + "” là 3125" in cell(html, count)


def test_an_accepted_report_whose_correction_is_being_written_is_not_overdue(
    client_for, district_officer, plan_setup, dl_2023
):
    """The request page and the list marked it "quá hạn" while the overdue filter and counts did not."""
    accepted_report(dl_2023, {plan_setup.ind(COUNT): 12})
    accepted_report(dl_2023, {plan_setup.ind(COUNT): 13}, version=2, status=ReportStatus.DRAFT)
    client = client_for(district_officer)
    assert "quá hạn" not in client.get(request_url(dl_2023)).content.decode()
    listed = client.get(reverse("reporting:inbox")).content.decode()
    link = listed.index(f'href="{request_url(dl_2023)}"')
    row = listed[listed.rindex("<tr", 0, link) : listed.index("</tr>", link)]
    assert "quá hạn" not in row
    assert "quá hạn" in listed  # the 2022 request, never answered, still is


def test_an_autosave_on_a_stale_copy_says_so_and_changes_nothing(client_for, district_officer, plan_setup, dl_2023):
    colleague = f.DistrictOfficerFactory(username="huyen_duclinh_2")
    client_for(colleague).post(request_url(dl_2023), form_data(plan_setup, save="1"))
    client = client_for(district_officer)
    stale = form_data(plan_setup, revision=0, **{f"{prefix(plan_setup, COUNT)}-value": "99"})
    fragment = client.post(request_url(dl_2023), stale, headers={"HX-Request": "true"}).content.decode()
    assert "vừa lưu báo cáo này" in fragment
    # The page keeps the revision it was opened with: given the colleague's, its next autosave wrote its stale
    # figures over theirs.
    assert '<input type="hidden" name="revision" value="0">' in fragment
    again = form_data(plan_setup, revision=0, **{f"{prefix(plan_setup, COUNT)}-value": "98"})
    client.post(request_url(dl_2023), again, headers={"HX-Request": "true"})
    assert Report.objects.get(request=dl_2023).values.get(indicator=plan_setup.ind(COUNT)).value == 12


def test_after_a_refused_save_the_page_keeps_the_revision_it_was_opened_with(
    client_for, district_officer, plan_setup, dl_2023
):
    """The page re-rendered after the conflict carried the colleague's revision: pressing Save again wrote the
    user's stale figures over the colleague's."""
    colleague = f.DistrictOfficerFactory(username="huyen_duclinh_2")
    client_for(colleague).post(
        request_url(dl_2023), form_data(plan_setup, save="1", **{f"{prefix(plan_setup, COUNT)}-value": "99"})
    )
    page = client_for(district_officer).post(request_url(dl_2023), form_data(plan_setup, revision=0, save="1"))
    html = page.content.decode()
    assert "vừa lưu báo cáo này" in html and 'name="revision" value="0"' in html
    assert Report.objects.get(request=dl_2023).values.get(indicator=plan_setup.ind(COUNT)).value == 99


def test_the_pages_own_autosave_just_before_a_click_is_not_blamed_on_someone_else(
    client_for, district_officer, plan_setup, dl_2023
):
    client = client_for(district_officer)
    page_token = {"page": "p" * 22}
    client.post(request_url(dl_2023), form_data(plan_setup, revision=0, **page_token), headers={"HX-Request": "true"})
    page = client.post(request_url(dl_2023), form_data(plan_setup, revision=0, save="1", **page_token))
    html = page.content.decode()
    assert "Người khác" not in html and "Bản nháp vừa được tự động lưu" in html
    # The page holds what its autosave saved and more: it goes on from the saved revision.
    assert 'name="revision" value="1"' in html


def test_another_window_of_the_same_user_does_not_overwrite_what_this_one_saved(
    client_for, district_officer, plan_setup, dl_2023
):
    """Any save by the same user counted as the page's own autosave: a second tab, or the page open while its user
    uploaded the Excel file, was handed the new revision and its next autosave wrote its older figures over."""
    client = client_for(district_officer)
    count = f"{prefix(plan_setup, COUNT)}-value"
    tab_b = form_data(plan_setup, revision=0, page="b" * 22, **{count: "99"})
    client.post(request_url(dl_2023), tab_b, headers={"HX-Request": "true"})
    tab_a = form_data(plan_setup, revision=0, page="a" * 22, **{count: "12"})
    for _attempt in range(2):  # refused, and refused again: the page keeps the revision it was opened with
        fragment = client.post(request_url(dl_2023), tab_a, headers={"HX-Request": "true"}).content.decode()
        assert "Bạn vừa lưu báo cáo này ở nơi khác" in fragment and 'value="0"' in fragment
    assert Report.objects.get(request=dl_2023).values.get(indicator=plan_setup.ind(COUNT)).value == 99


def test_a_second_click_on_send_or_a_late_autosave_is_told_the_report_is_sent(
    client_for, district_officer, plan_setup, dl_2023
):
    """Both answered 404, and an autosave showed nothing at all."""
    client = client_for(district_officer)
    sent = form_data(plan_setup, submit="1")
    assert client.post(request_url(dl_2023), sent).status_code == 302
    again = client.post(request_url(dl_2023), sent, follow=True)
    assert again.status_code == 200
    assert "Báo cáo đã gửi hoặc đã duyệt, không sửa được nữa." in again.content.decode()
    late = client.post(request_url(dl_2023), form_data(plan_setup, revision=1), headers={"HX-Request": "true"})
    assert late.status_code == 200 and "không sửa được nữa" in late.content.decode()
    assert Report.objects.get(request=dl_2023).status == ReportStatus.SUBMITTED


def test_a_first_save_without_its_revision_is_refused_not_a_server_error(
    client_for, district_officer, plan_setup, dl_2023
):
    data = form_data(plan_setup)
    del data["revision"]
    client = client_for(district_officer)
    assert client.post(request_url(dl_2023), data).status_code == 200
    assert client.post(request_url(dl_2023), data, headers={"HX-Request": "true"}).status_code == 200
    assert not Report.objects.filter(request=dl_2023).exists()


@pytest.mark.parametrize(
    ("cell", "typed", "message"),
    [
        ("b-local-allocated", "999999999999999999,9", "không có phần lẻ"),
        ("b-local-allocated", "1,5", "không có phần lẻ"),
        ("a-0-value_vnd", "-5", "Không được âm."),
        ("a-0-value_vnd", "1,5", "không có phần lẻ"),
    ],
)
def test_an_amount_in_dong_is_whole_and_not_negative(
    client_for, district_officer, plan_setup, dl_2023, cell, typed, message
):
    """999…9,9 was rounded up past the column's size after its check, and every later read of the report failed;
    1,5 was saved as 2 without a word; an activity's value could be negative."""
    page = client_for(district_officer).post(request_url(dl_2023), form_data(plan_setup, save="1", **{cell: typed}))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Report.objects.filter(request=dl_2023).exists()


def test_an_activitys_value_is_read_as_the_budget_is(client_for, district_officer, plan_setup, dl_2023):
    client_for(district_officer).post(
        request_url(dl_2023), form_data(plan_setup, save="1", **{"a-1-value_vnd": "75.000.000"})
    )
    assert Report.objects.get(request=dl_2023).activities.get(kind=ActivityKind.GIFT).value_vnd == 75_000_000


def test_an_autosave_with_a_bad_cell_saves_nothing(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    client.post(request_url(dl_2023), form_data(plan_setup, save="1"))
    bad = form_data(plan_setup, revision=1, initial_activities=2, **{f"{prefix(plan_setup, COUNT)}-value": "abc"})
    fragment = client.post(request_url(dl_2023), bad, headers={"HX-Request": "true"}).content.decode()
    assert "Chưa lưu" in fragment
    report = Report.objects.get(request=dl_2023)
    assert report.revision == 1
    assert report.values.get(indicator=plan_setup.ind(COUNT)).value == 12


def test_a_second_autosave_keeps_the_activities_added_before(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    # The page was opened with no activity (INITIAL_FORMS=0); the user adds two and autosave runs twice.
    client.post(request_url(dl_2023), form_data(plan_setup, revision=0), headers={"HX-Request": "true"})
    assert Activity.objects.filter(report__request=dl_2023).count() == 2
    client.post(request_url(dl_2023), form_data(plan_setup, revision=1), headers={"HX-Request": "true"})
    assert Activity.objects.filter(report__request=dl_2023).count() == 2


def test_the_submit_button_saves_and_submits(client_for, district_officer, plan_setup, dl_2023):
    response = client_for(district_officer).post(request_url(dl_2023), form_data(plan_setup, submit="1"))
    assert response.status_code == 302
    report = Report.objects.get(request=dl_2023)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == district_officer
    assert report.values.count() == 8


def test_submitting_with_missing_values_keeps_the_draft_and_says_why(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    data = form_data(plan_setup, submit="1", **{f"{prefix(plan_setup, DECREASE)}-value": ""})
    response = client.post(request_url(dl_2023), data, follow=True)
    report = Report.objects.get(request=dl_2023)
    assert report.status == ReportStatus.DRAFT
    assert report.values.count() == 7
    assert f"chưa gửi được: Còn thiếu số liệu: {DECREASE}." in response.content.decode()


def test_the_province_officer_returns_and_accepts_through_the_review_form(
    client_for, province_officer, district_officer, plan_setup, dl_2023, submitted
):
    reviewer = client_for(province_officer)
    page = reviewer.get(request_url(dl_2023)).content.decode()
    assert 'data-testid="review-box"' in page
    review = reverse("reporting:review", args=[submitted.pk])

    response = reviewer.post(review, {"return": "1", "comment": ""}, follow=True)
    assert "Hãy ghi ý kiến" in response.content.decode()
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED

    response = reviewer.post(review, {"return": "1", "comment": "Bổ sung nguồn số liệu CT02."})
    assert response.status_code == 302 and response.url == request_url(dl_2023)
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.RETURNED

    reporter = client_for(district_officer)
    page = reporter.get(request_url(dl_2023)).content.decode()
    assert "Bổ sung nguồn số liệu CT02." in page and 'data-testid="review-comment"' in page
    data = form_data(plan_setup, revision=Report.objects.get(pk=submitted.pk).revision, submit="1")
    assert reporter.post(request_url(dl_2023), data).status_code == 302
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED

    reviewer.post(review, {"accept": "1", "comment": ""})
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.ACCEPTED
    history = reporter.get(request_url(dl_2023)).content.decode()
    for label in ("Trả lại để sửa", "Gửi lại báo cáo", "Duyệt"):
        assert f"{label} <span" in history


def test_a_refused_return_keeps_the_reviewers_comment_on_the_page(
    client_for, province_officer, plan_setup, dl_2023, submitted
):
    """A return refused (the report changed since the page was opened) lost the comment the reviewer had written."""
    comment = "Bổ sung nguồn số liệu CT02;\nghi rõ số người tham gia từng buổi."
    reviewer = client_for(province_officer)
    stale = {"return": "1", "comment": comment, "revision": submitted.revision - 1}
    page = reviewer.post(reverse("reporting:review", args=[submitted.pk]), stale, follow=True)
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED
    assert page.context["return_form"]["comment"].value() == comment
    assert reviewer.get(request_url(dl_2023)).context["return_form"]["comment"].value() in ("", None)  # once


def test_the_district_opens_a_correction_of_an_accepted_report(
    client_for, district_officer, province_officer, plan_setup, dl_2023, submitted
):
    do_accept(submitted, acting_user=province_officer)
    client = client_for(district_officer)
    assert "Mở bản đính chính" in client.get(request_url(dl_2023)).content.decode()
    response = client.post(reverse("reporting:correction", args=[submitted.pk]))
    assert response.status_code == 302
    versions = dict(Report.objects.filter(request=dl_2023).values_list("version", "status"))
    assert versions == {1: ReportStatus.ACCEPTED, 2: ReportStatus.DRAFT}
    assert Report.objects.get(request=dl_2023, version=2).values.count() == 6
    page = client.get(request_url(dl_2023)).content.decode()
    assert 'id="report-form"' in page and "lần 2" in page


def test_the_district_cannot_accept_its_own_report(client_for, district_officer, submitted):
    response = client_for(district_officer).post(reverse("reporting:review", args=[submitted.pk]), {"accept": "1"})
    assert response.status_code == 404
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


# --------------------------------------------------------------------------------------- spreadsheet round-trip


def _fill(content: bytes, setup, cells: dict[str, dict[str, object]]) -> bytes:
    """Type values into the template the way an official would: by the code in column A."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Báo cáo"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(9, ws.max_row + 1)}
    columns = {"value": "F", "num": "G", "den": "H", "milestone": "I"}
    for code, entries in cells.items():
        for key, value in entries.items():
            ws[f"{columns[key]}{rows[code]}"] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD_CELLS = {
    COUNT: {"value": 12},
    RATIO: {"num": 1800, "den": 2000},
    DECREASE: {"value": "5"},
    MILESTONE: {"milestone": "Đạt"},
    AMOUNT: {"value": "48.500.000"},
    BY_SEX: {"value": 95},
}


def test_the_template_downloads_as_a_workbook(client_for, district_officer, plan_setup, dl_2023):
    response = client_for(district_officer).get(reverse("reporting:template", args=[dl_2023.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(response.content))["Báo cáo"]
    codes = [ws.cell(row=r, column=1).value for r in range(9, 15)]
    assert codes == [COUNT, RATIO, DECREASE, MILESTONE, AMOUNT, BY_SEX]
    assert ws.cell(row=9, column=4).value == 12  # Đức Linh's 2023 target of CT01


def test_uploading_a_filled_template_updates_the_draft(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    template = client.get(reverse("reporting:template", args=[dl_2023.pk])).content
    upload = SimpleUploadedFile("bao-cao.xlsx", _fill(template, plan_setup, GOOD_CELLS), content_type=XLSX)
    response = client.post(reverse("reporting:upload", args=[dl_2023.pk]), {"file": upload})
    assert response.status_code == 302
    report = Report.objects.get(request=dl_2023)
    values = {v.indicator.code: v for v in report.values.select_related("indicator")}
    assert values[COUNT].value == 12
    assert (values[RATIO].numerator, values[RATIO].denominator) == (1800, 2000)
    assert values[MILESTONE].value == 1
    assert values[AMOUNT].value == 48_500_000
    assert report.status == ReportStatus.DRAFT and report.revision == 1

    again = _fill(template, plan_setup, GOOD_CELLS | {COUNT: {"value": 15}})
    client.post(reverse("reporting:upload", args=[dl_2023.pk]), {"file": SimpleUploadedFile("b.xlsx", again)})
    assert report.values.get(indicator=plan_setup.ind(COUNT)).value == 15  # re-uploading replaces the draft


def test_uploading_a_bad_file_lists_the_errors_and_saves_nothing(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    upload = SimpleUploadedFile("bao-cao.xlsx", b"Khong phai bang tinh\n" * 10, content_type=XLSX)
    response = client.post(reverse("reporting:upload", args=[dl_2023.pk]), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="upload-errors"' in html
    assert "không phải là bảng tính Excel (.xlsx) thật" in html
    assert not Report.objects.filter(request=dl_2023).exists()


def test_uploading_a_template_with_bad_cells_lists_each_cell(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    template = client.get(reverse("reporting:template", args=[dl_2023.pk])).content
    content = _fill(template, plan_setup, GOOD_CELLS | {COUNT: {"value": "nhiều"}, RATIO: {"num": 2100, "den": 2000}})
    response = client.post(
        reverse("reporting:upload", args=[dl_2023.pk]), {"file": SimpleUploadedFile("b.xlsx", content)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<td>F9</td>" in html and "<td>G10</td>" in html
    assert "Có 2 lỗi" in html
    assert not IndicatorValue.objects.filter(report__request=dl_2023).exists()


def test_the_inbox_filtered_by_a_province_lists_the_requests_below_it(client_for, province_officer, plan_setup):
    """The dashboards' "open in the Reports page" link filters by the row's unit, a province: the inbox matched
    that unit alone and listed nothing."""
    client = client_for(province_officer)
    inbox = reverse("reporting:inbox")
    today = f.current_province(f.LAM_DONG)
    for unit in (plan_setup.province, today):  # legacy Bình Thuận, and Lâm Đồng that took it over
        html = client.get(inbox, {"plan": plan_setup.plan.pk, "unit": unit.pk}).content.decode()
        assert html.count(f'href="{request_url(plan_setup.request("dl", 2023))}"') == 1, unit
        assert f'href="{request_url(plan_setup.request("tl", 2022))}"' in html, unit
    html = client.get(inbox, {"plan": plan_setup.plan.pk, "unit": plan_setup.duc_linh.pk}).content.decode()
    assert f'href="{request_url(plan_setup.request("dl", 2023))}"' in html
    assert f'href="{request_url(plan_setup.request("tl", 2022))}"' not in html


def test_an_old_file_cannot_undo_a_web_edit_that_a_later_upload_carried_on(
    client_for, district_officer, plan_setup, dl_2023
):
    """The file of before a web edit was refused only until a fresh file had been uploaded; after that it was
    taken and silently put the edited figure back."""
    client = client_for(district_officer)
    upload_url = reverse("reporting:upload", args=[dl_2023.pk])
    old = client.get(reverse("reporting:template", args=[dl_2023.pk])).content
    client.post(request_url(dl_2023), form_data(plan_setup, save="1", **{f"{prefix(plan_setup, COUNT)}-value": "99"}))
    fresh = client.get(reverse("reporting:template", args=[dl_2023.pk])).content
    filled = _fill(fresh, plan_setup, GOOD_CELLS | {COUNT: {"value": 99}})
    assert client.post(upload_url, {"file": SimpleUploadedFile("moi.xlsx", filled)}).status_code == 302
    report = Report.objects.get(request=dl_2023)
    assert report.revision == 2
    response = client.post(upload_url, {"file": SimpleUploadedFile("cu.xlsx", _fill(old, plan_setup, GOOD_CELLS))})
    assert response.status_code == 400
    assert "Bản nháp đã được sửa trên web" in response.content.decode()
    report.refresh_from_db()
    assert report.revision == 2
    assert report.values.get(indicator=plan_setup.ind(COUNT), breakdown="").value == 99
    corrected = _fill(fresh, plan_setup, GOOD_CELLS | {COUNT: {"value": 98}})  # the fresh file, corrected
    assert client.post(upload_url, {"file": SimpleUploadedFile("moi-2.xlsx", corrected)}).status_code == 302
    assert report.values.get(indicator=plan_setup.ind(COUNT), breakdown="").value == 98


def test_uploading_into_a_sent_report_says_it_was_sent(client_for, district_officer, plan_setup, dl_2023):
    client = client_for(district_officer)
    template = client.get(reverse("reporting:template", args=[dl_2023.pk])).content
    client.post(request_url(dl_2023), form_data(plan_setup, save="1"))
    Report.objects.filter(request=dl_2023).update(status=ReportStatus.ACCEPTED)
    response = client.post(
        reverse("reporting:upload", args=[dl_2023.pk]),
        {"file": SimpleUploadedFile("b.xlsx", _fill(template, plan_setup, GOOD_CELLS | {COUNT: {"value": 7}}))},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Báo cáo đã gửi hoặc đã duyệt, không sửa được nữa." in html
    assert "sửa trên web" not in html
    assert Report.objects.get(request=dl_2023).values.get(indicator=plan_setup.ind(COUNT), breakdown="").value == 12


def test_uploading_without_a_file_is_a_400(client_for, district_officer, dl_2023):
    response = client_for(district_officer).post(reverse("reporting:upload", args=[dl_2023.pk]))
    assert response.status_code == 400
    assert "Hãy chọn tệp Excel" in response.content.decode()


# --------------------------------------------------------------------------------------- who gets a 404


@pytest.fixture
def reporting_urls(plan_setup, dl_2023, submitted, province_officer, district_officer):
    """Every reporting URL of Đức Linh: its 2023 request (a submitted report) and 2022 (an accepted one)."""
    dl_2022 = plan_setup.request("dl", 2022)
    accepted = get_or_start_draft(dl_2022, acting_user=district_officer)
    do_save_draft(accepted, acting_user=district_officer, revision=0, narrative={}, values=_values(plan_setup))
    do_submit(accepted, acting_user=district_officer)
    do_accept(accepted, acting_user=province_officer)
    return {
        "request": ("get", request_url(dl_2023)),
        "request_post": ("post", request_url(dl_2022)),
        "template": ("get", reverse("reporting:template", args=[dl_2023.pk])),
        "upload": ("post", reverse("reporting:upload", args=[dl_2023.pk])),
        "review": ("post", reverse("reporting:review", args=[submitted.pk])),
        "correction": ("post", reverse("reporting:correction", args=[accepted.pk])),
    }


def _call(client, method, url, setup):
    if method == "get":
        return client.get(url)
    data = form_data(setup, revision=1, submit="1", accept="1", comment="Trả lại")
    data["file"] = SimpleUploadedFile("b.xlsx", b"PK\x03\x04", content_type=XLSX)
    return client.post(url, data)


@pytest.mark.parametrize("persona", ["outsider", "tanh_linh_officer"], indirect=True)
def test_every_reporting_url_of_a_district_is_a_404_for_others(client_for, persona, plan_setup, reporting_urls):
    client = client_for(persona)
    before = list(Report.objects.order_by("pk").values_list("pk", "status", "revision"))
    for name, (method, url) in reporting_urls.items():
        assert _call(client, method, url, plan_setup).status_code == 404, name
    assert list(Report.objects.order_by("pk").values_list("pk", "status", "revision")) == before
    inbox = client.get(reverse("reporting:inbox"))
    assert inbox.status_code == 200 and not set(request_pks(inbox.content.decode())) & {
        plan_setup.request("dl", 2022).pk,
        plan_setup.request("dl", 2023).pk,
    }


def test_reporting_urls_send_anonymous_visitors_to_the_login(client, plan_setup, reporting_urls):
    for name, (method, url) in [("inbox", ("get", reverse("reporting:inbox"))), *reporting_urls.items()]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name
