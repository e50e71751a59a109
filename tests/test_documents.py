"""Official documents (giamsat.documents): the Decree 30/2020 layout read back with python-docx, PDF through
LibreOffice, the numbering register (yearly restart, no reuse, no duplicates under concurrent issue), editing
before issue and freezing after, and scoped downloads."""

import datetime
import io
import os
import re
import shutil
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

import factories as f
from giamsat.documents import services
from giamsat.documents.choices import DocumentKind, DocumentStatus
from giamsat.documents.models import Document, IssuerLayout, NumberCounter
from giamsat.documents.pdf import PdfUnavailable, convert_to_pdf
from giamsat.documents.render import date_line
from giamsat.supervision import services as supervision_services
from giamsat.supervision.choices import FindingKind, MemberRole
from giamsat.supervision.models import Finding, Supervision
from giamsat.units.choices import OrganisationKind
from giamsat.units.models import Organisation, Unit
from plan_fixtures import accepted_report
from test_supervision import add_limitation, add_session, build_supervision, recommend, union

pytest_plugins = ["plan_fixtures"]

ISSUE_DAY = datetime.date(2023, 10, 5)

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def supervision(supervisor):
    supervision = build_supervision(supervisor)
    supervision_services.do_add_member(
        supervision, acting_user=supervisor, fields={"role": MemberRole.HEAD, "user": supervisor}
    )
    session = add_session(supervision, supervisor)
    add_limitation(supervision, supervisor, session=session)
    supervision_services.do_save_finding(
        Finding(supervision=supervision),
        acting_user=supervisor,
        fields={"kind": FindingKind.RESULT, "text": "Lan tỏa Tổng đài điện thoại quốc gia bảo vệ trẻ em 111."},
    )
    recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    return supervision


@pytest.fixture
def layout(db):
    return IssuerLayout.objects.create(
        organisation=union(),
        parent_body="Hội LHPN Việt Nam",
        issuer_name="Ban Thường vụ Hội LHPN tỉnh Bình Thuận",
        place_name="Bình Thuận",
        signature_prefix="TM.",
        signature_body="Ban Thường vụ",
        signer_position="Chủ tịch",
        signer_name="Nguyễn Thị Chủ Tịch Demo",
    )


def issue_nth(supervision, supervisor, n: int, kind=DocumentKind.REPORT, day=ISSUE_DAY) -> Document:
    """Issue documents until the n-th of the year; return the last one."""
    document = None
    for _ in range(n):
        document = services.do_create_draft(supervision, kind, acting_user=supervisor)
        document = services.do_issue(document, acting_user=supervisor, on=day)
    return document


def read_back(document: Document):
    return read_docx(io.BytesIO(services.docx_bytes(document)))


def header_cells(docx):
    table = docx.tables[0]
    return table.rows[0].cells[0], table.rows[0].cells[1]


def run_with(paragraphs, text: str):
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if text in run.text:
                return paragraph, run
    raise AssertionError(f"no run with {text!r}")


# --------------------------------------------------------------------------------------------- layout


def test_the_date_line_pads_days_below_10_and_months_1_and_2():
    assert date_line("Bình Thuận", datetime.date(2023, 10, 5)) == "Bình Thuận, ngày 05 tháng 10 năm 2023"
    assert date_line("Bình Thuận", datetime.date(2024, 2, 3)) == "Bình Thuận, ngày 03 tháng 02 năm 2024"
    assert date_line("Bình Thuận", datetime.date(2024, 1, 15)) == "Bình Thuận, ngày 15 tháng 01 năm 2024"
    assert date_line("Bình Thuận", datetime.date(2024, 3, 12)) == "Bình Thuận, ngày 12 tháng 3 năm 2024"


def test_the_docx_is_a4_with_the_decrees_margins(supervisor, supervision, layout):
    docx = read_back(issue_nth(supervision, supervisor, 1))
    section = docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [round(m.mm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin)]
    assert 20 <= margins[0] <= 25 and 20 <= margins[1] <= 25
    assert 30 <= margins[2] <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20


def test_the_header_block_has_both_columns_in_the_decrees_fonts_and_sizes(supervisor, supervision, layout):
    document = issue_nth(supervision, supervisor, 5)
    docx = read_back(document)
    left, right = header_cells(docx)
    _p, parent = run_with(left.paragraphs, "HỘI LHPN VIỆT NAM")
    assert not parent.font.bold and parent.font.size in (Pt(12), Pt(13))
    _p, issuer = run_with(left.paragraphs, "BAN THƯỜNG VỤ HỘI LHPN TỈNH BÌNH THUẬN")
    assert issuer.font.bold and issuer.font.size in (Pt(12), Pt(13))
    paragraph, number = run_with(left.paragraphs, "Số:")
    assert number.text == "Số: 05/BC-HLHPN"
    assert number.font.size == Pt(13)
    _p, national = run_with(right.paragraphs, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert national.font.bold and national.font.size in (Pt(12), Pt(13))
    # 13 pt bold, the national name is about 9.6 cm wide: in the former 9.2 cm column it broke before "NAM".
    assert docx.tables[0].columns[1].width >= Cm(10.4)
    _p, motto = run_with(right.paragraphs, "Độc lập - Tự do - Hạnh phúc")
    assert motto.font.bold and motto.font.underline and motto.font.size in (Pt(13), Pt(14))
    _p, date = run_with(right.paragraphs, "ngày")
    assert date.text == "Bình Thuận, ngày 05 tháng 10 năm 2023"
    assert date.font.italic and date.font.size in (Pt(13), Pt(14))
    for run in (parent, issuer, number, national, motto, date):
        assert run.font.name == "Times New Roman"
    assert docx.styles["Normal"].font.name == "Times New Roman"


def test_the_type_name_body_and_signature_follow_the_decree(supervisor, supervision, layout):
    docx = read_back(issue_nth(supervision, supervisor, 1))
    paragraph, type_name = run_with(docx.paragraphs, "BÁO CÁO")
    assert type_name.font.bold and type_name.font.size in (Pt(13), Pt(14))
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = [p for p in docx.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and p.text.strip()]
    assert any("Lan tỏa Tổng đài" in p.text for p in body)
    for p in body:
        assert p.paragraph_format.first_line_indent in (Cm(1), Cm(1.27))
        assert p.paragraph_format.space_after >= Pt(6)
        assert all(run.font.size in (Pt(13), Pt(14)) for run in p.runs)
    recipients, signature = docx.tables[1].rows[0].cells
    heading, label = run_with(recipients.paragraphs, "Nơi nhận:")
    assert label.font.bold and label.font.italic and label.font.size == Pt(12)
    lines = [p for p in recipients.paragraphs if p.text.startswith("- ")]
    assert all(run.font.size == Pt(11) for p in lines for run in p.runs)
    assert lines[-1].text == "- Lưu: VT, HLHPN."
    _p, prefix = run_with(signature.paragraphs, "TM. ĐOÀN GIÁM SÁT")
    assert prefix.font.bold


def test_page_numbers_sit_in_the_top_margin_from_page_two(supervisor, supervision, layout):
    docx = read_back(issue_nth(supervision, supervisor, 1))
    section = docx.sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in section.first_page_header._element.xml


def test_the_issuer_layout_is_configurable(supervisor, supervision, layout):
    layout.place_name = "Phan Thiết"
    layout.parent_body = ""
    layout.save()
    document = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    document = services.do_issue(document, acting_user=supervisor, on=ISSUE_DAY)
    docx = read_back(document)
    left, right = header_cells(docx)
    assert "HỘI LHPN VIỆT NAM" not in left._element.xml
    assert run_with(right.paragraphs, "ngày")[1].text.startswith("Phan Thiết, ngày 05")
    _p, prefix = run_with(docx.tables[1].rows[0].cells[1].paragraphs, "TM.")
    assert prefix.text == "TM. BAN THƯỜNG VỤ"


def test_without_a_layout_the_defaults_name_the_organisation_and_its_place(supervisor, supervision):
    docx = read_back(issue_nth(supervision, supervisor, 1, kind=DocumentKind.PLAN))
    left, right = header_cells(docx)
    assert run_with(left.paragraphs, "HỘI LIÊN HIỆP PHỤ NỮ TỈNH BÌNH THUẬN")[1].font.bold
    assert run_with(right.paragraphs, "ngày")[1].text.startswith("Bình Thuận, ngày")


def _soffice_or_skip():
    if shutil.which("soffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice (libreoffice-writer-nogui) is needed on CI")
        pytest.skip("soffice is not installed")


def test_the_issued_document_converts_to_pdf_and_the_pdf_is_kept(client_for, supervisor, supervision, layout):
    _soffice_or_skip()
    document = issue_nth(supervision, supervisor, 1)
    response = client_for(supervisor).get(reverse("documents:download", args=[document.pk, "pdf"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="01-BC-HLHPN.pdf"'
    document.refresh_from_db()
    assert document.pdf.name.endswith(".pdf")


def test_a_draft_previews_as_pdf_without_a_number(supervisor, supervision):
    _soffice_or_skip()
    document = services.do_create_draft(supervision, DocumentKind.DECISION, acting_user=supervisor)
    assert convert_to_pdf(services.docx_bytes(document)).startswith(b"%PDF")
    document.refresh_from_db()
    assert not document.pdf and document.number is None


def test_without_libreoffice_the_pdf_is_unavailable_with_a_clear_message(
    monkeypatch, client_for, supervisor, supervision
):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PdfUnavailable) as caught:
        convert_to_pdf(b"PK")
    assert "LibreOffice" in str(caught.value)
    document = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    client = client_for(supervisor)
    response = client.get(reverse("documents:download", args=[document.pk, "pdf"]), follow=True)
    assert "LibreOffice" in response.content.decode()
    assert client.get(reverse("documents:download", args=[document.pk, "docx"])).status_code == 200


# --------------------------------------------------------------------------------------------- numbering


def test_numbers_are_taken_at_issue_and_restart_each_first_of_january(supervisor, supervision):
    draft = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    assert draft.number is None and draft.reference == ""
    last_2023 = issue_nth(supervision, supervisor, 3, day=datetime.date(2023, 12, 31))
    assert last_2023.reference == "03/BC-HLHPN"
    first_2024 = issue_nth(supervision, supervisor, 1, kind=DocumentKind.PLAN, day=datetime.date(2024, 1, 1))
    assert (first_2024.number, first_2024.year, first_2024.reference) == (1, 2024, "01/KH-HLHPN")
    assert draft.__class__.objects.get(pk=draft.pk).number is None


def test_a_deleted_draft_never_consumed_a_number_and_numbers_are_never_reused(client_for, supervisor, supervision):
    first = issue_nth(supervision, supervisor, 1)
    draft = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    response = client_for(supervisor).post(reverse("documents:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Document.objects.filter(pk=draft.pk).exists()
    second = issue_nth(supervision, supervisor, 1)
    assert (first.number, second.number) == (1, 2)
    assert NumberCounter.objects.get(organisation=union(), year=ISSUE_DAY.year).last_number == 2


def test_an_issued_document_cannot_be_deleted(client_for, supervisor, supervision):
    document = issue_nth(supervision, supervisor, 1)
    with pytest.raises(services.DocumentError):
        services.do_delete_draft(document, acting_user=supervisor)
    response = client_for(supervisor).post(reverse("documents:delete", args=[document.pk]), follow=True)
    assert "không xóa được" in response.content.decode()
    with pytest.raises(ValueError):
        document.delete()
    assert Document.objects.filter(pk=document.pk, status=DocumentStatus.ISSUED).exists()


def test_the_database_refuses_a_second_document_with_the_same_number(supervisor, supervision):
    document = issue_nth(supervision, supervisor, 1)
    other = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=other.pk).update(
            status=DocumentStatus.ISSUED, number=document.number, year=document.year, issued_on=ISSUE_DAY
        )


def test_issuing_twice_is_refused_and_keeps_the_number(supervisor, supervision):
    document = issue_nth(supervision, supervisor, 1)
    with pytest.raises(services.DocumentError):
        services.do_issue(document, acting_user=supervisor, on=ISSUE_DAY)
    assert NumberCounter.objects.get(organisation=union(), year=ISSUE_DAY.year).last_number == 1


@pytest.mark.django_db(transaction=True)
def test_documents_issued_at_the_same_moment_never_share_a_number():
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database cannot be shared by threads; IMMEDIATE transactions serialise")
    # A transactional test starts from empty tables (see tests/conftest.py): it makes the rows it needs.
    unit = Unit.objects.create(structure="legacy", code=999001, name="Tỉnh Thử", type="tinh", level=1)
    issuer = Organisation.objects.create(
        name="Hội thử", abbreviation="HT", kind=OrganisationKind.WOMENS_UNION, unit=unit
    )
    user = f.AdminFactory(username="quantri_thu", organisation=issuer)
    supervision = Supervision.objects.create(organisation=issuer, title="Giám sát thử", status="planned")
    drafts = [services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=user) for _ in range(8)]
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def issue(document):
        try:
            barrier.wait(timeout=30)
            services.do_issue(document, acting_user=user, on=ISSUE_DAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(Document.objects.filter(organisation=issuer).values_list("number", flat=True))
    assert numbers == list(range(1, len(drafts) + 1))
    assert NumberCounter.objects.get(organisation=issuer, year=ISSUE_DAY.year).last_number == len(drafts)


# --------------------------------------------------------------------------------------------- drafting, freezing


def test_the_report_draft_is_written_from_the_supervisions_findings_and_recommendations(supervisor, supervision):
    document = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    headings = [s["heading"] for s in document.sections]
    assert headings == [
        "I. KHÁI QUÁT CUỘC GIÁM SÁT",
        "II. KẾT QUẢ ĐẠT ĐƯỢC",
        "III. HẠN CHẾ VÀ NGUYÊN NHÂN",
        "IV. KIẾN NGHỊ",
    ]
    text = "\n".join(s["text"] for s in document.sections)
    assert "Lan tỏa Tổng đài" in text
    assert "Công tác tuyên truyền thiếu thường xuyên. Nguyên nhân: Cán bộ kiêm nhiệm." in text
    assert "1. Đề nghị Ủy ban nhân dân huyện Tánh Linh, Ủy ban nhân dân huyện Đức Linh: Rà soát" in text
    assert document.signer_name == str(supervisor)


def test_the_minutes_carry_the_reports_figures(supervisor, plan_setup):
    report = accepted_report(plan_setup.request("dl", 2023), {plan_setup.ind("CT01"): 12})
    supervision = build_supervision(supervisor, plans=[plan_setup.plan])
    session = add_session(supervision, supervisor, reports=[report])
    document = services.do_create_draft(supervision, DocumentKind.MINUTES, acting_user=supervisor, session=session)
    text = "\n".join(s["text"] for s in document.sections)
    assert "CT01" in text and "thực hiện 12/12" in text and "đạt 100%" in text


def test_a_plan_number_typed_by_hand_is_checked_against_the_register_and_held(supervisor, supervision):
    """The plan number on the supervision form was free text the register never saw: "04/KH" was typed, then the
    register gave 04 to a notice."""
    report = issue_nth(supervision, supervisor, 1)  # 01/BC-HLHPN, 2023
    fields = {"reference": "01/KH-HLHPN", "issued_on": datetime.date(2023, 8, 21)}
    with pytest.raises(ValidationError) as refused:
        supervision_services.do_save_supervision(supervision, acting_user=supervisor, fields=fields)
    assert refused.value.message_dict["reference"] == [
        f"Số 01 năm 2023 của sổ đăng ký văn bản đã cấp cho {report.reference}; hãy kiểm tra lại số kế hoạch."
    ]
    supervision.refresh_from_db()
    assert supervision.reference == ""
    supervision_services.do_save_supervision(
        supervision, acting_user=supervisor, fields={**fields, "reference": "07/KH-HLHPN"}
    )
    duc_linh = Organisation.objects.get(name="Ủy ban nhân dân huyện Đức Linh")
    notice = services.do_create_draft(supervision, DocumentKind.NOTICE, acting_user=supervisor, addressee=duc_linh)
    assert services.do_issue(notice, acting_user=supervisor, on=ISSUE_DAY).reference == "08/TB-HLHPN"
    # Another body's plan is not this register's.
    supervision_services.do_save_supervision(supervision, acting_user=supervisor, fields={"reference": "01/KH-UBND"})
    assert supervision.reference == "01/KH-UBND"


def test_two_supervisions_do_not_type_the_same_plan_number_in_a_year(supervisor, supervision):
    """Only issued documents were checked: a plan issued outside giamsat is none, so two supervisions held 04."""
    other = build_supervision(supervisor)
    fields = {"reference": "04/KH-HLHPN", "issued_on": datetime.date(2023, 8, 21)}
    supervision_services.do_save_supervision(supervision, acting_user=supervisor, fields=fields)
    with pytest.raises(ValidationError) as refused:
        supervision_services.do_save_supervision(
            other, acting_user=supervisor, fields={**fields, "issued_on": datetime.date(2023, 8, 22)}
        )
    assert refused.value.message_dict["reference"] == [
        f"Số 04 năm 2023 đã là số kế hoạch của cuộc giám sát “{supervision.title}”; hãy kiểm tra lại số kế hoạch."
    ]
    other.refresh_from_db()
    assert other.reference == ""
    # The same number of another year, or of another body's register, is another number.
    supervision_services.do_save_supervision(
        other, acting_user=supervisor, fields={**fields, "issued_on": datetime.date(2024, 1, 5)}
    )
    supervision_services.do_save_supervision(other, acting_user=supervisor, fields={"reference": "04/KH-UBND"})
    # Saving the supervision again with its own number is no clash.
    supervision_services.do_save_supervision(supervision, acting_user=supervisor, fields={"reference": "4/KH-HLHPN"})


def test_a_title_opening_with_an_acronym_keeps_its_capitals(supervisor, supervision):
    """ "Giám sát UBND các huyện …" was summed up as "Giám sát uBND các huyện …"."""
    supervision_services.do_save_supervision(
        supervision, acting_user=supervisor, fields={"title": "Giám sát UBND các huyện về thực hiện Luật Trẻ em"}
    )
    plan = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    assert plan.summary == "Giám sát UBND các huyện về thực hiện Luật Trẻ em"
    supervision_services.do_save_supervision(
        supervision, acting_user=supervisor, fields={"title": "Giám sát Việc thực hiện Luật Trẻ em"}
    )
    plan = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    assert plan.summary == "Giám sát việc thực hiện Luật Trẻ em"


def test_a_decisions_articles_open_with_their_number_in_bold(supervisor, supervision, layout):
    """ "Điều 1." stood on a line of its own above its text, and "QUYẾT ĐỊNH:" at the left margin."""
    docx = read_back(issue_nth(supervision, supervisor, 1, kind=DocumentKind.DECISION))
    paragraph, number = run_with(docx.paragraphs, "Điều 1.")
    assert number.font.bold and paragraph.text.startswith("Điều 1. Thành lập Đoàn giám sát")
    assert not any(p.text.strip() == "Điều 1." for p in docx.paragraphs)
    decides, _run = run_with(docx.paragraphs, "QUYẾT ĐỊNH:")
    assert decides.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_the_minutes_are_signed_by_both_sides_and_the_secretary(supervisor, supervision):
    """A working session's minutes had the decree's single signature and a recipients list, like a report; minutes
    are signed by the supervised body's representative, the head of the delegation and the secretary."""
    secretary = f.SupervisorFactory(username="thuky_hlhpn")
    supervision_services.do_add_member(
        supervision, acting_user=supervisor, fields={"role": MemberRole.SECRETARY, "user": secretary}
    )
    session = supervision.sessions.get()
    document = services.do_create_draft(supervision, DocumentKind.MINUTES, acting_user=supervisor, session=session)
    docx = read_back(document)
    other, head = (cell.text for cell in docx.tables[-1].rows[0].cells)
    assert other.startswith(f"ĐẠI DIỆN {str(session.organisation).upper()}")
    assert "TRƯỞNG ĐOÀN GIÁM SÁT" in head and str(supervisor) in head
    after = [p.text for p in docx.paragraphs][-7:]
    assert "THƯ KÝ" in after and str(secretary) in after
    assert "Nơi nhận:" not in "\n".join(cell.text for t in docx.tables for cell in t.rows[0].cells)
    assert "nhất trí ký tên" in "\n".join(p.text for p in docx.paragraphs)


def test_the_notice_is_addressed_to_one_addressee_with_its_deadline(supervisor, supervision):
    duc_linh = Organisation.objects.get(name="Ủy ban nhân dân huyện Đức Linh")
    document = services.do_create_draft(supervision, DocumentKind.NOTICE, acting_user=supervisor, addressee=duc_linh)
    document = services.do_issue(document, acting_user=supervisor, on=ISSUE_DAY)
    docx = read_back(document)
    assert any(p.text == "Kính gửi: Ủy ban nhân dân huyện Đức Linh" for p in docx.paragraphs)
    assert document.summary.startswith("Kiến nghị sau giám sát việc thực hiện")
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "hạn trả lời: 16/02/2024" in text
    assert "Ban Thường vụ Hội Liên hiệp Phụ nữ tỉnh Bình Thuận thông báo" in text  # not "Hội Lhpn"


def draft_post(document, **changes) -> dict:
    """The draft's form as the page posts it: every field and section as stored, then `changes`."""
    data = {
        "summary": document.summary,
        "place_name": "Bình Thuận",
        "signature_prefix": "TM.",
        "signature_body": "ĐOÀN GIÁM SÁT",
        "signer_position": "TRƯỞNG ĐOÀN",
        "signer_name": "Trần Thị Trưởng Đoàn Demo",
        "recipients": "UBND các huyện",
    }
    data |= {f"section_{i}": section["text"] for i, section in enumerate(document.sections)}
    return data | changes


def test_edits_before_issue_go_into_the_frozen_file(client_for, supervisor, supervision):
    document = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    client = client_for(supervisor)
    data = draft_post(document, summary="Kết quả giám sát (đã sửa)", section_1="Đoạn kết quả do thư ký viết lại.")
    assert client.post(reverse("documents:detail", args=[document.pk]), data).status_code == 302
    client.post(reverse("documents:issue", args=[document.pk]))
    document.refresh_from_db()
    assert document.is_issued and document.reference == "01/BC-HLHPN"
    text = "\n".join(p.text for p in read_back(document).paragraphs)
    assert "Đoạn kết quả do thư ký viết lại." in text and "Kết quả giám sát (đã sửa)" in text
    # Frozen: the page offers no form, a POST is refused, the service refuses, the file stays as issued.
    frozen = services.docx_bytes(document)
    assert client.post(reverse("documents:detail", args=[document.pk]), data | {"summary": "x"}).status_code == 404
    with pytest.raises(services.DocumentError):
        services.do_save_draft(document, acting_user=supervisor, fields={"summary": "x"})
    Supervision.objects.filter(pk=supervision.pk).update(title="Tên khác")
    assert services.docx_bytes(Document.objects.get(pk=document.pk)) == frozen


def test_issuing_keeps_the_edits_typed_but_not_yet_saved(client_for, supervisor, supervision):
    """ "Ban hành" was a form of its own: what had been typed in the draft and not saved was thrown away."""
    document = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    client = client_for(supervisor)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert re.search(r'<button type="submit" form="document-form" name="issue" value="1">Ban hành</button>', page)
    data = draft_post(
        document, summary="Kết quả giám sát (sửa lúc ban hành)", section_1="Đoạn sửa rồi bấm Ban hành ngay.", issue="1"
    )
    response = client.post(reverse("documents:detail", args=[document.pk]), data, follow=True)
    document.refresh_from_db()
    assert document.is_issued and document.summary == "Kết quả giám sát (sửa lúc ban hành)"
    assert "Đoạn sửa rồi bấm Ban hành ngay." in "\n".join(p.text for p in read_back(document).paragraphs)
    assert f"Đã ban hành văn bản số {document.reference}." in response.content.decode()


def test_a_draft_without_summary_is_refused_on_its_field(client_for, supervisor, supervision):
    document = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    response = client_for(supervisor).post(reverse("documents:detail", args=[document.pk]), {"summary": ""})
    assert response.status_code == 200
    assert "Văn bản cần có trích yếu." in response.context["form"].errors["summary"]
    document.refresh_from_db()
    assert document.summary


def test_issuing_the_plan_gives_the_supervision_its_number(supervisor, supervision):
    document = issue_nth(supervision, supervisor, 1, kind=DocumentKind.PLAN)
    supervision.refresh_from_db()
    assert (supervision.reference, supervision.issued_on) == (document.reference, ISSUE_DAY)


def test_the_supervised_district_downloads_the_issued_report_but_not_drafts(
    client_for, supervisor, district_officer, outsider, supervision
):
    issued = issue_nth(supervision, supervisor, 1)
    draft = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    district = client_for(district_officer)
    assert district.get(reverse("documents:download", args=[issued.pk, "docx"])).status_code == 200
    assert district.get(reverse("documents:download", args=[draft.pk, "docx"])).status_code == 404
    assert district.post(reverse("documents:issue", args=[draft.pk])).status_code == 404
    assert client_for(outsider).get(reverse("documents:download", args=[issued.pk, "docx"])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


def test_the_api_drafts_edits_issues_and_downloads(api_client_for, supervisor, supervision):
    client = api_client_for(supervisor)
    made = client.post(f"/api/supervisions/{supervision.pk}/documents", {"kind": "QĐ"}, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    edited = client.patch(
        f"/api/documents/{pk}", {"summary": "Về việc thành lập Đoàn giám sát (API)"}, content_type="application/json"
    )
    assert edited.json()["summary"] == "Về việc thành lập Đoàn giám sát (API)"
    issued = client.post(f"/api/documents/{pk}/issue")
    assert issued.json()["reference"] == "01/QĐ-HLHPN"
    assert client.post(f"/api/documents/{pk}/issue").status_code == 409
    download = client.get(f"/api/documents/{pk}/download?format=docx")
    assert download.status_code == 200 and download.content.startswith(b"PK")
    assert client.delete(f"/api/documents/{pk}").status_code == 409


def test_a_supervision_issues_one_plan_and_one_decision(supervisor, supervision):
    """A second plan was issued and silently became the supervision's plan, while the decision cited the first."""
    first = issue_nth(supervision, supervisor, 1, kind=DocumentKind.PLAN)
    second = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    with pytest.raises(services.DocumentError, match=f"đã có kế hoạch giám sát số {first.reference}"):
        services.do_issue(second, acting_user=supervisor, on=ISSUE_DAY)
    second.refresh_from_db()
    supervision.refresh_from_db()
    assert not second.is_issued and supervision.reference == first.reference


def test_the_api_refuses_a_draft_without_summary_and_issued_kinds_are_not_offered_again(
    api_client_for, client_for, supervisor, supervision
):
    """PATCH saved an empty summary that the page refuses; the supervision page kept offering a second plan."""
    document = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    client = api_client_for(supervisor)
    response = client.patch(f"/api/documents/{document.pk}", {"summary": " "}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "summary"
    document.refresh_from_db()
    assert document.summary.strip()
    page = client_for(supervisor).get(reverse("supervision:detail", args=[supervision.pk])).content.decode()
    assert 'data-kind="KH"' in page
    services.do_issue(document, acting_user=supervisor, on=ISSUE_DAY)
    page = client_for(supervisor).get(reverse("supervision:detail", args=[supervision.pk])).content.decode()
    assert 'data-kind="KH"' not in page and 'data-kind="QĐ"' in page


def test_control_characters_pasted_from_word_still_give_a_docx(client_for, supervisor, supervision):
    """A Word table's cell mark (\x07) in a finding made python-docx refuse the document: download and issue
    answered 500."""
    supervision_services.do_save_finding(
        Finding(supervision=supervision),
        acting_user=supervisor,
        fields={"kind": FindingKind.RESULT, "text": "Kết quả tốt\x07 (dán từ bảng Word)\x0b\tcột hai"},
    )
    document = services.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    services.do_save_draft(document, acting_user=supervisor, fields={"summary": "Kết quả\x1f giám sát"})
    client = client_for(supervisor)
    assert client.get(reverse("documents:download", args=[document.pk, "docx"])).status_code == 200
    assert client.post(reverse("documents:issue", args=[document.pk])).status_code == 302
    document.refresh_from_db()
    text = "\n".join(p.text for p in read_back(document).paragraphs)
    assert "Kết quả tốt  (dán từ bảng Word) \tcột hai" in text and "Kết quả  giám sát" in text


def test_the_api_refuses_an_over_long_or_empty_draft_field_on_its_field(api_client_for, supervisor, supervision):
    """PATCH saved what the page refuses: a 2,000-character summary (PostgreSQL refused it: a server error) and no
    place name."""
    document = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    client = api_client_for(supervisor)
    too_long = client.patch(
        f"/api/documents/{document.pk}",
        {"summary": "x" * 501, "signature_prefix": "y" * 21},
        content_type="application/json",
    )
    assert too_long.status_code == 422
    assert {e["field"] for e in too_long.json()["errors"]} == {"summary", "signature_prefix"}
    empty = client.patch(f"/api/documents/{document.pk}", {"place_name": " "}, content_type="application/json")
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "place_name", "message": "Hãy ghi địa danh, ví dụ Bình Thuận."}]
    stored = Document.objects.get(pk=document.pk)
    assert (stored.summary, stored.signature_prefix, stored.place_name) == (
        document.summary,
        document.signature_prefix,
        document.place_name,
    )


def test_a_delegation_member_of_another_body_does_not_draft_or_issue_its_documents(
    api_client_for, client_for, supervisor, supervision
):
    """A Department of Labour officer named in the Women's Union's delegation drafted, edited and issued the
    Union's plan from its register: his role issues his own Department's documents."""
    labour = Organisation.objects.create(
        name="Sở Lao động - Thương binh và Xã hội (thử)",
        abbreviation="SLĐTBXH",
        kind=OrganisationKind.OTHER,
        unit=f.legacy_province(f.BINH_THUAN),
    )
    officer = f.ProvinceOfficerFactory(username="so_ldtbxh", organisation=labour)
    supervision_services.do_add_member(supervision, acting_user=supervisor, fields={"role": "member", "user": officer})
    draft = services.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    api = api_client_for(officer)
    made = api.post(f"/api/supervisions/{supervision.pk}/documents", {"kind": "BC"}, content_type="application/json")
    assert made.status_code == 404
    assert (
        api.patch(f"/api/documents/{draft.pk}", {"summary": "Sửa bởi Sở"}, content_type="application/json").status_code
        == 404
    )
    assert api.post(f"/api/documents/{draft.pk}/issue").status_code == 404
    assert client_for(officer).post(reverse("documents:issue", args=[draft.pk])).status_code == 404
    # He still reads them, as the rest of the supervision.
    assert api.get(f"/api/documents/{draft.pk}").status_code == 200
    draft.refresh_from_db()
    assert not draft.is_issued and draft.summary != "Sửa bởi Sở"
    assert list(Document.objects.filter(supervision=supervision)) == [draft]
