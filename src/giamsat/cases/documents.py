"""The forms of Decree 56/2017/NĐ-CP (Mẫu 01–05), filled from a case, as DOCX for the paper file (and PDF through
LibreOffice when it is installed). Layout after Decree 30/2020 (DOMAIN.md §5): A4, Times New Roman 13 pt, the
national name and motto on the right of the issuing body.

The documents hold names: they are built in memory, converted in a private temporary folder that is removed at
once, and every download is written to the access log by the view."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from giamsat.documents.drafting import place_of
from giamsat.documents.render import date_line

from .choices import AssessmentKind, Harm, SpecialGroup
from .models import Case

FORMS = {
    1: gettext_lazy("PHIẾU TIẾP NHẬN THÔNG TIN, THÔNG BÁO, TỐ GIÁC VỀ HÀNH VI XÂM HẠI TRẺ EM"),
    2: gettext_lazy("PHIẾU ĐÁNH GIÁ NGUY CƠ BAN ĐẦU"),
    3: gettext_lazy("BIÊN BẢN ĐÁNH GIÁ CHI TIẾT TÌNH TRẠNG, NHU CẦU CỦA TRẺ EM"),
    4: gettext_lazy("KẾ HOẠCH HỖ TRỢ, CAN THIỆP"),
    5: gettext_lazy("QUYẾT ĐỊNH PHÊ DUYỆT KẾ HOẠCH HỖ TRỢ, CAN THIỆP"),
}


def form_name(number: int) -> str:
    return _("Mẫu %(n)s") % {"n": f"{number:02d}"}


SOFFICE = "/usr/bin/soffice"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _dt(value) -> str:
    if not value:
        return "…"
    local = timezone.localtime(value)
    return _("%(time)s ngày %(day)s") % {"time": local.strftime("%H:%M"), "day": local.strftime("%d/%m/%Y")}


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def _setup(doc: Document) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(3)


def _centred(cell_or_doc, text: str, *, bold=False, size=13, underline=False, italic=False):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return paragraph


def _issued_by_commune(case: Case, number: int) -> bool:
    """Mẫu 01 is the receiver's: a commune's own intake, or the hotline's (or another body's) when it received
    the report. Mẫu 02–05 are the commune's."""
    return number != 1 or case.received_by_commune or not case.receiving_organisation


def _header(doc: Document, case: Case, number: int, number_line: str = "") -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    left.paragraphs[0].text = ""
    if _issued_by_commune(case, number):
        _centred(left, _("ỦY BAN NHÂN DÂN").upper(), size=12)
        _centred(left, case.commune.name.upper(), bold=True, size=12)
        place = place_of(case.commune)
    else:  # the place of the hotline or body that received the call is not recorded: left for the pen
        _centred(left, case.receiving_organisation.upper(), bold=True, size=12)
        place = "……"
    if number_line:
        _centred(left, number_line, size=13)
    right.paragraphs[0].text = ""
    _centred(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _centred(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    _centred(right, date_line(place, timezone.localdate()), italic=True)


def _title(doc: Document, number: int, case: Case) -> None:
    doc.add_paragraph()
    _centred(doc, form_name(number), italic=True, size=12)
    _centred(doc, str(FORMS[number]), bold=True, size=14)
    _centred(doc, _("Mã vụ việc: %(code)s") % {"code": case.code}, size=12)


def _field(doc: Document, label: str, value) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Cm(1)
    label_run = paragraph.add_run(f"{label}: ")
    label_run.bold = True
    paragraph.add_run(str(value) if value not in (None, "") else "…")


def _heading(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True


def _recipients(cell, lines: list[str]) -> None:
    """'Nơi nhận:' 12 pt bold italic, then the list 11 pt (Decree 30), in the signature's left column."""
    run = cell.add_paragraph().add_run(_("Nơi nhận:"))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in lines:
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"- {line}").font.size = Pt(11)


def _signature(doc: Document, left: str, right: str, right_name: str = "", recipients: list[str] | None = None) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    a, b = table.rows[0].cells
    a.paragraphs[0].text = ""
    b.paragraphs[0].text = ""
    if recipients:
        _recipients(a, recipients)
    else:
        _centred(a, left, bold=True)
        _centred(a, _("(Ký, ghi rõ họ tên)"), italic=True, size=12)
    _centred(b, right, bold=True)
    _centred(b, _("(Ký, ghi rõ họ tên)"), italic=True, size=12)
    if right_name:
        for _i in range(3):
            b.add_paragraph()
        _centred(b, right_name, bold=True)


def _child(doc: Document, case: Case) -> None:
    _heading(doc, _("Thông tin về trẻ em"))
    _field(doc, _("Họ và tên"), case.child_name)
    born = _d(case.child_birth_date) if case.child_birth_date else None
    if born is None and case.age_years is not None:
        born = _("khoảng %(n)s tuổi") % {"n": case.age_years}
    _field(doc, _("Ngày sinh"), born)
    _field(doc, _("Giới tính"), case.get_sex_display())
    _field(doc, _("Dân tộc"), case.get_ethnicity_display() if case.ethnicity else "")
    _field(doc, _("Nơi sinh sống"), ", ".join(filter(None, [case.address_detail, case.commune.name])))
    _field(doc, _("Trường, lớp"), case.school)
    _field(doc, _("Khuyết tật"), case.get_disability_display())
    groups = [str(SpecialGroup(g).label) for g in case.special_groups]
    _field(doc, _("Hoàn cảnh đặc biệt"), "; ".join(groups) or _("Không"))
    _field(doc, _("Cha, mẹ, người chăm sóc"), ", ".join(filter(None, [case.guardian_name, case.guardian_phone])))


def form_01(doc: Document, case: Case) -> None:
    _field(doc, _("Thời điểm tiếp nhận"), _dt(case.received_at))
    _field(doc, _("Kênh tiếp nhận"), case.get_channel_display())
    _field(
        doc,
        _("Cơ quan, người tiếp nhận"),
        ", ".join(filter(None, [case.receiving_organisation, case.receiving_person])),
    )
    _heading(doc, _("Người báo tin"))
    if case.reporter_anonymous:
        _field(doc, _("Họ và tên"), _("Giấu tên"))
    else:
        _field(doc, _("Họ và tên"), case.reporter_name)
        _field(doc, _("Điện thoại"), case.reporter_phone)
        _field(doc, _("Địa chỉ"), case.reporter_address)
    _field(doc, _("Quan hệ với trẻ"), case.get_reporter_relation_display() if case.reporter_relation else "")
    _child(doc, case)
    _heading(doc, _("Nội dung sự việc"))
    _field(doc, _("Hình thức"), "; ".join(str(Harm(h).label) for h in case.harm_codes()))
    _field(doc, _("Ngày xảy ra"), _d(case.incident_on))
    _field(doc, _("Nơi xảy ra"), case.get_setting_display())
    _field(doc, _("Người bị nghi gây hại"), case.get_perpetrator_relation_display())
    _field(doc, _("Trẻ đang gặp nguy hiểm ngay"), _("Có") if case.immediate_danger else _("Không"))
    doc.add_paragraph(case.narrative or "…")
    _signature(doc, _("NGƯỜI BÁO TIN"), _("NGƯỜI TIẾP NHẬN"), case.receiving_person)


def form_02(doc: Document, case: Case) -> None:
    _child(doc, case)
    assessment = case.assessments.filter(kind=AssessmentKind.INITIAL).order_by("-cycle", "-assessed_at").first()
    _heading(doc, _("Đánh giá nguy cơ"))
    if assessment is None:
        _field(doc, _("Thời điểm đánh giá"), "")
        _field(doc, _("Mức độ nguy cơ"), "")
    else:
        _field(doc, _("Thời điểm đánh giá"), _dt(assessment.assessed_at))
        _field(doc, _("Mức độ nguy cơ"), assessment.get_risk_level_display())
        _field(doc, _("Cấp độ bảo vệ"), assessment.get_protection_level_display())
        doc.add_paragraph(assessment.findings or "…")
    for measure in case.emergency_measures.all():
        _field(doc, _("Biện pháp khẩn cấp"), f"{measure.get_kind_display()}, {_dt(measure.taken_at)}")
    _signature(doc, _("CHỦ TỊCH UBND XÃ"), _("NGƯỜI ĐÁNH GIÁ"))


def form_03(doc: Document, case: Case) -> None:
    _child(doc, case)
    assessment = case.assessments.filter(kind=AssessmentKind.DETAILED).order_by("-cycle", "-assessed_at").first()
    _heading(doc, _("Kết quả đánh giá chi tiết"))
    _field(doc, _("Thời điểm"), _dt(assessment.assessed_at) if assessment else "")
    _field(doc, _("Tình trạng của trẻ"), assessment.findings if assessment else "")
    _field(doc, _("Nhu cầu của trẻ"), assessment.needs if assessment else "")
    _field(doc, _("Thành phần, kết luận cuộc họp"), assessment.meeting if assessment else "")
    _signature(doc, _("THƯ KÝ"), _("CHỦ TRÌ CUỘC HỌP"))


def form_04(doc: Document, case: Case) -> None:
    plan = case.plans.order_by("-cycle").first()
    _field(doc, _("Trẻ em"), f"{case.child_name or '…'} ({case.get_sex_display()}, {case.commune.name})")
    _field(doc, _("Mức độ nguy cơ"), case.get_risk_level_display() if case.risk_level else "")
    _heading(doc, _("Mục tiêu"))
    doc.add_paragraph(plan.objectives if plan else "…")
    _heading(doc, _("Hoạt động, dịch vụ, người thực hiện, thời gian"))
    doc.add_paragraph(plan.activities if plan else "…")
    _field(doc, _("Ngày dự kiến rà soát"), _d(plan.review_on) if plan else "")
    _signature(doc, _("NGƯỜI LẬP KẾ HOẠCH"), _("CHỦ TỊCH UBND XÃ"))


def form_05(doc: Document, case: Case) -> None:
    plan = case.plans.order_by("-cycle").first()
    _centred(doc, _("CHỦ TỊCH ỦY BAN NHÂN DÂN %(commune)s") % {"commune": case.commune.name.upper()}, bold=True)
    doc.add_paragraph(
        _(
            "Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016; Nghị định số 56/2017/NĐ-CP ngày 09 tháng 5 năm 2017 của "
            "Chính phủ quy định chi tiết Luật Trẻ em; xét đề nghị của công chức phụ trách công tác bảo vệ trẻ em,"
        )
    )
    _centred(doc, _("QUYẾT ĐỊNH:"), bold=True)
    doc.add_paragraph(
        _("Điều 1. Phê duyệt Kế hoạch hỗ trợ, can thiệp đối với trẻ em của vụ việc %(code)s (kèm theo).")
        % {"code": case.code}
    )
    doc.add_paragraph(
        _(
            "Điều 2. Công chức phụ trách công tác bảo vệ trẻ em và các cơ quan, tổ chức, cá nhân có liên quan "
            "tổ chức thực hiện."
        )
    )
    doc.add_paragraph(_("Điều 3. Quyết định có hiệu lực kể từ ngày ký."))
    if plan is not None and plan.approved_at:
        _field(doc, _("Phê duyệt lúc"), _dt(plan.approved_at))
    approver = str(plan.approved_by) if plan is not None and plan.approved_by else ""
    _signature(doc, "", _("CHỦ TỊCH"), approver, recipients=[_("Như Điều 2;"), _("Lưu: VT, hồ sơ vụ việc.")])


BUILDERS = {1: form_01, 2: form_02, 3: form_03, 4: form_04, 5: form_05}


def build_docx(case: Case, number: int) -> bytes:
    """The form in Vietnamese whatever the user's language: it is the decree's form, filed and signed as such (in
    English it came out half translated, beside the national motto and the date line)."""
    doc = Document()
    _setup(doc)
    with translation.override(settings.LANGUAGE_CODE):
        decision = ""
        if number == 5:
            plan = case.plans.order_by("-cycle").first()
            decision = _("Số: %(n)s") % {"n": plan.decision_number if plan and plan.decision_number else "…/QĐ-UBND"}
        _header(doc, case, number, decision)
        _title(doc, number, case)
        BUILDERS[number](doc, case)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_available() -> bool:
    return Path(SOFFICE).exists() or shutil.which("soffice") is not None


def to_pdf(docx: bytes, timeout: int = 120) -> bytes | None:
    """The DOCX converted by LibreOffice headless in a private temporary folder (removed after), or None."""
    binary = SOFFICE if Path(SOFFICE).exists() else shutil.which("soffice")
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="giamsat-case-") as folder:
        work = Path(folder)
        source = work / "form.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        result = work / "form.pdf"
        return result.read_bytes() if result.exists() else None
