"""The case screens: need-to-know for every persona, 404 for outsiders on every page, the access log of views,
prints and exports, the intake form (errors next to the fields, nothing saved), printing, statistics."""

import datetime
import io
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import URLPattern, reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

import factories as f
from giamsat.accounts.roles import Role
from giamsat.cases import documents, services, urls
from giamsat.cases.choices import AccessAction, ChildConsent, ConsentBasis
from giamsat.cases.crypto import name_hashes
from giamsat.cases.models import Case, CaseAccess
from giamsat.core.models import AuditEntry
from giamsat.units.models import Organisation
from test_cases_fixtures import CHILD, assess, new_case

pytest_plugins = ["test_cases_fixtures"]

# persona -> (sees the 2026 case of Xã Đức Linh, sees the 2023 case of legacy Võ Xu, sees names)
MATRIX = {
    "province_officer": (True, True, False),
    "supervisor": (False, False, False),
    "district_officer": (False, True, False),
    "commune_worker": (True, True, True),
    "chair": (True, True, True),
    "other_commune_worker": (False, False, False),
    "outsider": (False, False, False),
    "admin_user": (False, False, False),
    "hotline_operator": (False, False, False),
}


@pytest.mark.parametrize("persona", list(MATRIX), indirect=True)
def test_who_sees_which_case(persona, case, legacy_case, client_for):
    client = client_for(persona)
    sees_case, sees_legacy, sees_names = MATRIX[_persona_name(persona)]
    for target, expected in ((case, sees_case), (legacy_case, sees_legacy)):
        response = client.get(reverse("cases:detail", args=[target.pk]))
        assert response.status_code == (200 if expected else 404)
        if expected:
            html = response.content.decode()
            assert target.code in html
            assert (target.child_name in html) is sees_names
            assert (target.narrative[:20] in html) is sees_names
            assert CaseAccess.objects.filter(user=persona, case=target, action=AccessAction.VIEW).count() == 1
        else:
            assert not CaseAccess.objects.filter(user=persona, case=target).exists()


def _persona_name(user) -> str:
    return {
        "tinh_lamdong": "province_officer",
        "giamsat_hlhpn": "supervisor",
        "huyen_duclinh": "district_officer",
        "baove_duclinh": "commune_worker",
        "chutich_duclinh": "chair",
        "baove_hoaiduc": "other_commune_worker",
        "xa_badinh": "outsider",
        "quantri": "admin_user",
        "tongdai": "hotline_operator",
    }[user.username]


def _object_urls(case, consent, referral, assignment) -> list[str]:
    kwargs = {
        "pk": case.pk,
        "kind": "initial",
        "number": 1,
        "fmt": "docx",
        "consent_pk": consent.pk,
        "referral_pk": referral.pk,
        "assignment_pk": assignment.pk,
    }
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = set(pattern.pattern.regex.groupindex)
        if names:
            found.append((pattern.name, reverse(f"cases:{pattern.name}", kwargs={k: kwargs[k] for k in names})))
    return found


@pytest.fixture
def full_case(case, commune_worker):
    """A case with a consent, a referral and an assignment, so every URL of the app has an object to point to."""
    assess(case, commune_worker)
    consent = services.do_record_consent(
        case,
        acting_user=commune_worker,
        basis=ConsentBasis.CONSENT,
        given_at=timezone.now() - datetime.timedelta(minutes=1),
        child_consent=ChildConsent.YES,
        guardian_consented=True,
        guardian_name="Mẹ Của Bé Demo",
        scope="Chia sẻ với trạm y tế",
    )
    referral = services.do_refer(
        case,
        acting_user=commune_worker,
        consent=consent,
        to_name="Trạm y tế Demo",
        reason="Khám",
        referred_at=timezone.now(),
    )
    assignment = services.do_assign(case, acting_user=commune_worker, user=f.HotlineOperatorFactory(username="tv111"))
    return case, consent, referral, assignment


def test_no_case_page_may_be_kept_in_a_cache(full_case, commune_worker, client_for):
    """Only prints and exports said no-store; the case page itself (name, birth date, story) did not."""
    client = client_for(commune_worker)
    pages = [("index", reverse("cases:index")), *_object_urls(*full_case)]
    for name, url in pages:
        response = client.get(url)
        if response.status_code == 200:
            assert "no-store" in response["Cache-Control"], name


@pytest.mark.parametrize("persona", ["outsider", "other_commune_worker", "supervisor", "admin_user"], indirect=True)
def test_outsiders_get_404_on_every_page_of_a_case(persona, full_case, client_for):
    client = client_for(persona)
    pages = _object_urls(*full_case)
    assert len(pages) >= 20
    for name, url in pages:
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"reason": "x", "accept": "1"}).status_code == 404, name
    case = full_case[0]
    case.refresh_from_db()
    assert case.status != "closed" and not CaseAccess.objects.filter(user=persona).exists()


@pytest.mark.parametrize("persona", ["outsider", "other_commune_worker", "supervisor"], indirect=True)
def test_outsiders_find_nothing_of_the_case_on_the_other_pages(persona, full_case, client_for):
    client = client_for(persona)
    case = full_case[0]
    for pattern in urls.urlpatterns:
        if pattern.pattern.regex.groupindex:
            continue
        response = client.get(reverse(f"cases:{pattern.name}"), follow=True)
        assert response.status_code in (200, 404), pattern.name
        assert case.code not in response.content.decode(), pattern.name
        assert CHILD not in response.content.decode()


def test_the_worker_s_list_shows_the_clock_and_finds_a_child_by_name(case, legacy_case, commune_worker, client_for):
    client = client_for(commune_worker)
    html = client.get(reverse("cases:index")).content.decode()
    assert case.code in html and legacy_case.code in html
    assert "Đánh giá nguy cơ ban đầu" in html and "Còn hạn" in html or "Sắp đến hạn" in html
    assert CHILD not in html  # the list is pseudonymous
    # The search form is posted: the name must not end up in the address, the history or a proxy's log.
    sent = client.post(reverse("cases:index"), {"q": "tran thi be demo", "status": "all"})
    assert sent.status_code == 302 and "tran" not in sent.url.lower() and "s=" in sent.url
    page = client.get(sent.url)
    found = page.content.decode()
    assert case.code in found and legacy_case.code not in found
    assert 'value="tran thi be demo"' in found  # the box keeps what was typed
    assert "q=" not in page.context["query_string"] and "s=" in page.context["query_string"]
    log = CaseAccess.objects.get(action=AccessAction.SEARCH)
    assert log.case == case and "demo" not in (log.detail + log.reason).lower()


H = datetime.timedelta(hours=1)


def _searched(client, name):
    return client.get(client.post(reverse("cases:index"), {"q": name, "status": "all"}).url).content.decode()


def test_a_name_search_looks_only_in_the_cases_whose_names_the_user_may_see(
    case, legacy_case, province_officer, district_officer, commune_worker, client_for
):
    """District and province officers see cases pseudonymised, yet a search by the child's name gave them the
    named child's case (and so told them the child had one)."""
    assert case.code not in _searched(client_for(province_officer), CHILD)
    assert legacy_case.code not in _searched(client_for(district_officer), "le van cu demo")
    assert case.code in _searched(client_for(commune_worker), CHILD)
    assert not CaseAccess.objects.filter(action=AccessAction.SEARCH, user=province_officer).exclude(case=None)


def test_a_searched_name_is_kept_in_the_session_encrypted(case, commune_worker, client_for):
    """The session table stores signed, not encrypted, JSON: the name was readable in a copy of the database."""
    client = client_for(commune_worker)
    client.post(reverse("cases:index"), {"q": CHILD, "status": "all"})
    raw = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert raw["case_searches"] and all(CHILD not in value for value in raw["case_searches"].values())
    assert CHILD not in Session.objects.get(session_key=client.session.session_key).session_data


def test_only_the_communes_people_are_told_a_case_may_be_another_of_the_same_child(
    hotline_operator, commune_worker, duc_linh, client_for, api_client_for
):
    """An operator who no longer sees the child's earlier case learnt from a new intake that there was one."""
    new_case(hotline_operator, duc_linh)
    second = new_case(hotline_operator, duc_linh, forward_now=False)
    assert second.possible_duplicate
    duplicate = "Có thể trùng với vụ việc đã có của cùng trẻ"
    assert duplicate not in client_for(hotline_operator).get(reverse("cases:detail", args=[second.pk])).content.decode()
    assert duplicate not in client_for(hotline_operator).get(reverse("cases:index")).content.decode()
    services.do_forward(second, acting_user=hotline_operator)
    assert duplicate in client_for(commune_worker).get(reverse("cases:detail", args=[second.pk])).content.decode()
    listed = api_client_for(commune_worker).get("/api/cases?status=all").json()["items"]
    assert {c["code"]: c["possible_duplicate"] for c in listed}[second.code] is True


def test_a_referral_is_read_by_the_receiving_body_only_while_it_decides(case, commune_worker, client_for):
    """After answering, the receiver (and any colleague) could still read the referral's reason on its page."""
    union = Organisation.objects.get(name="Hội Liên hiệp Phụ nữ tỉnh Bình Thuận")
    receiver = f.UserFactory(username="hlhpn_nhan", role=Role.HOTLINE_OPERATOR, organisation=union)
    colleague = f.UserFactory(username="hlhpn_khac", role=Role.HOTLINE_OPERATOR, organisation=union)
    consent = services.do_record_consent(
        case, acting_user=commune_worker, basis=ConsentBasis.VITAL_INTEREST, given_at=timezone.now() - H, scope="x"
    )
    referral = services.do_refer(
        case, acting_user=commune_worker, consent=consent, to_name="", reason="Lý do riêng XYZ",
        referred_at=timezone.now() - H / 2, to_organisation=union,
    )  # fmt: skip
    url = reverse("cases:referral_respond", args=[referral.pk])
    assert "XYZ" in client_for(colleague).get(url).content.decode()
    services.do_respond_referral(referral, acting_user=receiver, accept=True)
    services.do_unassign(case.assignments.get(user=receiver), acting_user=commune_worker)
    assert client_for(receiver).get(url).status_code == 404
    assert client_for(colleague).get(url).status_code == 404


def test_a_receiver_typed_by_hand_is_shown_only_to_who_may_identify_the_child_and_erased_with_it(
    case, commune_worker, province_officer, client_for
):
    """A relative's name typed as the receiver was shown on the pseudonymised page, copied into the audit trail and
    kept after the identity was erased."""
    consent = services.do_record_consent(
        case, acting_user=commune_worker, basis=ConsentBasis.VITAL_INTEREST, given_at=timezone.now() - H, scope="x"
    )
    services.do_refer(
        case, acting_user=commune_worker, consent=consent, to_name="Bà ngoại Nguyễn Thị Ngoại", reason="Ở tạm",
        referred_at=timezone.now() - H / 2,
    )  # fmt: skip
    page = reverse("cases:detail", args=[case.pk])
    assert "Nguyễn Thị Ngoại" in client_for(commune_worker).get(page).content.decode()
    assert "Nguyễn Thị Ngoại" not in client_for(province_officer).get(page).content.decode()
    assert not [e for e in AuditEntry.objects.filter(action="case.refer") if "Ngoại" in str(e.changes)]
    services.erase_identities(case)
    assert case.referrals.get().to_name == ""


def test_the_case_page_shows_the_timeline_and_the_steps(case, commune_worker, client_for):
    assess(case, commune_worker)
    html = client_for(commune_worker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-step="plan"' in html
    assert "Tiếp nhận thông tin (Mẫu 01)" in html and "Đánh giá nguy cơ ban đầu (Mẫu 02)" in html
    assert re.search(r'data-state="done"', html)
    assert "Lập kế hoạch (Mẫu 04)" in html


def test_the_intake_form_shows_errors_next_to_fields_and_saves_nothing(hotline_operator, client_for):
    client = client_for(hotline_operator)
    form = client.get(reverse("cases:intake")).content.decode()
    assert 'type="date"' not in form and "dd/mm/yyyy" in form
    before = Case.objects.count()
    response = client.post(
        reverse("cases:intake"),
        {
            "channel": "hotline_111",
            "received_at_0": "31/02/2026",
            "received_at_1": "25:00",
            "sex": "female",
            "narrative": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngày không hợp lệ" in html
    assert "Hãy chọn ít nhất một hình thức" in html
    assert "Hãy ghi tóm tắt sự việc" in html
    assert "Hãy chọn xã, phường nơi trẻ sinh sống" in html
    assert Case.objects.count() == before


def intake_post(commune, **fields) -> dict:
    """The intake form as posted for a call received now, with `fields` added or changed."""
    now = timezone.localtime()
    base = {
        "channel": "hotline_111",
        "received_at_0": now.strftime("%d/%m/%Y"),
        "received_at_1": now.strftime("%H:%M"),
        "sex": "male",
        "commune": str(commune.pk),
    }
    return base | fields


def test_the_intake_form_shows_the_forms_and_the_services_errors_in_one_round(hotline_operator, duc_linh, client_for):
    """A wrong age (the form's check) and an incident dated after the call (the service's) show together: the
    second used to appear only once the first was put right."""
    response = client_for(hotline_operator).post(
        reverse("cases:intake"),
        intake_post(
            duc_linh,
            age_years="chín",
            harms=["neglect"],
            incident_on=(timezone.localtime() + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
            narrative="Trẻ bị bỏ mặc (minh họa).",
        ),
    )
    assert response.status_code == 400
    errors = {name: list(e) for form in response.context["sections"] for name, e in form[1].errors.items()}
    assert "age_years" in errors
    assert errors["incident_on"] == ["Ngày xảy ra sự việc sau ngày tiếp nhận."]
    assert "commune" not in errors and "narrative" not in errors
    assert not Case.objects.exists()


def test_every_date_of_the_intake_is_refused_in_the_same_words(hotline_operator, duc_linh, client_for):
    """A birth date of 31/02 said "Nhập một ngày hợp lệ." (Django's) where the time of receipt said "Ngày không hợp
    lệ (dd/mm/yyyy).": two styles on one form."""
    response = client_for(hotline_operator).post(
        reverse("cases:intake"),
        intake_post(duc_linh, child_birth_date="31/02/2020", received_at_0="31/02/2020", narrative="x (minh họa)."),
    )
    errors = {name: list(e) for form in response.context["sections"] for name, e in form[1].errors.items()}
    assert errors["child_birth_date"] == errors["received_at"] == ["Ngày không hợp lệ (dd/mm/yyyy)."]


def test_a_hotline_operator_records_and_forwards_an_intake(hotline_operator, commune_worker, duc_linh, client_for):
    client = client_for(hotline_operator)
    response = client.post(
        reverse("cases:intake"),
        intake_post(
            duc_linh,
            child_name="Phạm Văn Gọi Demo",
            age_years="9",
            harms=["neglect", "accident"],
            narrative="Trẻ bị bỏ mặc, ngã gãy tay (minh họa).",
            disability="none",
            setting="family",
            perpetrator_relation="parent",
            forward_now="on",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get(child_name_hash__in=name_hashes("Phạm Văn Gọi Demo"))
    assert response.url == reverse("cases:intake")  # forwarded: the operator no longer sees it
    assert case.forwarded_at is not None and case.age_estimated and case.age_years == 9
    assert set(case.harm_codes()) == {"neglect", "accident"}
    assert client_for(commune_worker).get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_the_same_intake_form_sent_twice_records_one_case(hotline_operator, duc_linh, client_for):
    """A double tap on a slow link sent the form twice: two cases, two e-mails to the commune."""
    client = client_for(hotline_operator)
    form = client.get(reverse("cases:intake")).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', form).group(1)
    data = intake_post(
        duc_linh,
        once=once,
        sex="female",
        child_name="Lê Thị Hai Lần Demo",
        age_years="7",
        harms=["violence"],
        narrative="Gửi hai lần (minh họa).",
        disability="none",
        setting="family",
        perpetrator_relation="parent",
        forward_now="",
    )
    first = client.post(reverse("cases:intake"), data)
    assert first.status_code == 302
    [case] = Case.objects.filter(child_name_hash__in=name_hashes("Lê Thị Hai Lần Demo"))
    again = client.post(reverse("cases:intake"), data, follow=True)
    assert Case.objects.filter(child_name_hash__in=name_hashes("Lê Thị Hai Lần Demo")).count() == 1
    assert f"Phiếu này đã được lưu (vụ việc {case.code}); không lưu lần nữa." in again.content.decode()
    assert again.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])  # kept by the hotline: theirs
    fresh = client.get(reverse("cases:intake")).content.decode()
    assert once not in fresh  # every new form has its own token


def test_the_commune_search_offers_the_units_valid_on_the_date_of_receipt(hotline_operator, client_for):
    client = client_for(hotline_operator)
    old = client.get(reverse("cases:communes"), {"commune_q": "vo xu", "received_at_0": "10/05/2023"}).content.decode()
    assert "Thị trấn Võ Xu" in old and "Huyện Đức Linh" in old
    today = client.get(reverse("cases:communes"), {"commune_q": "vo xu"}).content.decode()
    assert "Thị trấn Võ Xu" not in today
    assert "Xã Đức Linh" in client.get(reverse("cases:communes"), {"commune_q": "duc linh"}).content.decode()


def test_a_step_form_puts_the_service_error_next_to_its_field(case, commune_worker, client_for):
    client = client_for(commune_worker)
    early = timezone.localtime(case.received_at - datetime.timedelta(days=1))
    response = client.post(
        reverse("cases:emergency", args=[case.pk]),
        {"kind": "separation", "taken_at_0": early.strftime("%d/%m/%Y"), "taken_at_1": "08:00"},
    )
    assert response.status_code == 400
    assert "trước khi tiếp nhận thông tin" in response.content.decode()
    assert not case.emergency_measures.exists()


def test_a_referral_offers_only_bodies_that_exist_today(case, commune_worker, client_for):
    """The list offered the offices of Huyện Đức Linh and the departments of Bình Thuận, abolished in 2025."""
    from giamsat.units.models import Organisation

    legacy = Organisation.objects.create(
        name="Phòng LĐTBXH huyện Đức Linh (thử)",
        abbreviation="PLĐTBXH",
        kind="department",
        unit=f.legacy_district(f.DUC_LINH),
    )
    today = Organisation.objects.create(
        name="Trạm y tế xã Đức Linh (thử)", abbreviation="TYT", kind="other", unit=f.current_commune("Xã Đức Linh")
    )
    page = client_for(commune_worker).get(reverse("cases:referral", args=[case.pk])).content.decode()
    assert today.name in page and legacy.name not in page


def test_a_referral_form_without_consent_says_so(case, commune_worker, client_for):
    client = client_for(commune_worker)
    page = client.get(reverse("cases:referral", args=[case.pk])).content.decode()
    assert "Chưa có sự đồng ý nào còn hiệu lực" in page
    now = timezone.localtime()
    response = client.post(
        reverse("cases:referral", args=[case.pk]),
        {
            "to_name": "Bệnh viện Demo",
            "reason": "Khám",
            "referred_at_0": now.strftime("%d/%m/%Y"),
            "referred_at_1": now.strftime("%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "trước khi chuyển gửi" in response.content.decode()
    assert not case.referrals.exists()


def test_a_form_prints_in_vietnamese_for_a_user_reading_in_english(case, commune_worker, client_for):
    """The decree's form is filed and signed in Vietnamese: in English it came out half translated ("PEOPLE'S
    COMMITTEE" beside "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "ngày … tháng … năm")."""
    client = client_for(commune_worker)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("cases:print_format", args=[case.pk, 1, "docx"]), headers={"accept-language": "en"})
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Mã vụ việc" in text and "Case code" not in text and "PHIẾU TIẾP NHẬN" in text


def test_printing_a_form_is_logged_and_fills_the_document(case, commune_worker, province_officer, client_for):
    response = client_for(commune_worker).get(reverse("cases:print_format", args=[case.pk, 1, "docx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert CHILD in text and case.code in text and "Bạo lực" in text
    assert CaseAccess.objects.filter(
        user=commune_worker, case=case, action=AccessAction.PRINT, detail="Mẫu 01 (docx)"
    ).exists()
    # The supervising chain sees the case, but not a form with the child's name.
    assert client_for(province_officer).get(reverse("cases:print_format", args=[case.pk, 1, "docx"])).status_code == 404


@pytest.mark.parametrize("number", [2, 3, 4, 5])
def test_every_form_prints(case, commune_worker, chair, number, client_for):
    from test_cases_fixtures import approved_plan

    assess(case, commune_worker)
    approved_plan(case, commune_worker, chair)
    response = client_for(commune_worker).get(reverse("cases:print_format", args=[case.pk, number, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"Mẫu {number:02d}" in text and case.code in text


def _header_and_signature_text(content: bytes) -> tuple[str, str]:
    tables = Document(io.BytesIO(content)).tables

    def text(table) -> str:
        return "\n".join(p.text for cell in table.rows[0].cells for p in cell.paragraphs)

    return text(tables[0]), text(tables[-1])


def test_a_hotline_intake_form_is_headed_by_the_hotline_and_the_decision_lists_its_recipients(
    case, commune_worker, chair, client_for
):
    """Mẫu 01 is the receiver's paper: a 111 call's form was headed "ỦY BAN NHÂN DÂN XÃ ĐỨC LINH". Mẫu 05, a
    decision, had no "Nơi nhận" (Decree 30)."""
    from test_cases_fixtures import approved_plan

    client = client_for(commune_worker)
    header, _signature = _header_and_signature_text(
        client.get(reverse("cases:print_format", args=[case.pk, 1, "docx"])).content
    )
    assert "TỔNG ĐÀI 111" in header and "ỦY BAN NHÂN DÂN" not in header
    assert re.search(r"……, ngày \d\d tháng \d+ năm \d{4}", header)
    assess(case, commune_worker)
    approved_plan(case, commune_worker, chair)
    header, signature = _header_and_signature_text(
        client.get(reverse("cases:print_format", args=[case.pk, 5, "docx"])).content
    )
    assert "ỦY BAN NHÂN DÂN\nXÃ ĐỨC LINH" in header and re.search(r"Đức Linh, ngày \d\d tháng", header)
    assert "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT, hồ sơ vụ việc." in signature and "CHỦ TỊCH" in signature


@pytest.mark.skipif(not documents.pdf_available(), reason="LibreOffice is not installed")
def test_a_form_prints_as_pdf_through_libreoffice(case, commune_worker, client_for):
    response = client_for(commune_worker).get(reverse("cases:print_format", args=[case.pk, 1, "pdf"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_exports_are_pseudonymous_unless_a_reason_is_given(
    case, legacy_case, commune_worker, province_officer, client_for
):
    client = client_for(commune_worker)
    plain = client.post(reverse("cases:export"), {})
    assert plain.status_code == 200
    sheet = load_workbook(io.BytesIO(plain.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert case.code in cells and CHILD not in cells and "11–15 tuổi" in cells
    assert CaseAccess.objects.filter(user=commune_worker, action=AccessAction.EXPORT).count() == 2

    refused = client.post(reverse("cases:export"), {"identified": "on"})
    assert refused.status_code == 400 and "Hãy ghi lý do" in refused.content.decode()

    named = client.post(reverse("cases:export"), {"identified": "on", "reason": "Hồ sơ chuyển tòa án"})
    cells = [str(c.value) for row in load_workbook(io.BytesIO(named.content)).active.iter_rows() for c in row]
    assert CHILD in cells
    logged = CaseAccess.objects.filter(action=AccessAction.EXPORT_IDENTIFIED)
    assert logged.count() == 2 and {e.reason for e in logged} == {"Hồ sơ chuyển tòa án"}

    # The province officer sees the cases but may not ask for names.
    assert (
        client_for(province_officer).post(reverse("cases:export"), {"identified": "on", "reason": "x"}).status_code
        == 404
    )


def test_an_export_never_runs_a_formula(hotline_operator, commune_worker, duc_linh, client_for):
    from test_cases_fixtures import new_case

    new_case(hotline_operator, duc_linh, child_name='=HYPERLINK("http://x")')
    content = (
        client_for(commune_worker).post(reverse("cases:export"), {"identified": "on", "reason": "kiểm tra"}).content
    )
    sheet = load_workbook(io.BytesIO(content)).active
    values = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert values and all(c.data_type == "s" for c in values)


def test_the_administrator_reviews_the_access_log(case, commune_worker, admin_user, client_for):
    client_for(commune_worker).get(reverse("cases:detail", args=[case.pk]))
    html = client_for(admin_user).get(reverse("cases:access_log"), {"case": case.code}).content.decode()
    assert commune_worker.username in html and case.code in html and "Xem hồ sơ" in html
    assert client_for(commune_worker).get(reverse("cases:access_log")).status_code == 404


def test_the_old_statistics_address_leads_to_the_cases_dashboard_with_its_filters(
    case, legacy_case, supervisor, province_officer, hotline_operator, client_for
):
    response = client_for(supervisor).get(reverse("cases:statistics"), {"from": "2023", "to": "2024", "level": "x"})
    assert response.status_code == 302
    assert response.url == reverse("dashboards:cases") + "?from=01%2F01%2F2023&to=31%2F12%2F2024"
    # There the supervisor, who may not see cases, gets counts without codes or names and small ones hidden.
    html = client_for(supervisor).get(response.url).content.decode()
    assert case.code not in html and CHILD not in html and "ẩn" in html
    officer = client_for(province_officer).get(reverse("cases:statistics"), follow=True).content.decode()
    assert "Bạo lực" in officer
    assert client_for(hotline_operator).get(reverse("cases:statistics")).status_code == 404


def test_the_overdue_list_groups_by_unit(hotline_operator, commune_worker, duc_linh, province_officer, client_for):
    from test_cases_fixtures import new_case

    late = new_case(hotline_operator, duc_linh, received_at=timezone.now() - datetime.timedelta(hours=20))
    html = client_for(province_officer).get(reverse("cases:overdue"), {"level": "province"}).content.decode()
    assert late.code in html and "Tỉnh Lâm Đồng" in html and "Đánh giá nguy cơ ban đầu" in html
    assert "Quá hạn" in client_for(commune_worker).get(reverse("cases:index"), {"overdue": "1"}).content.decode()


def test_the_chair_approves_through_the_page(case, commune_worker, chair, client_for):
    assess(case, commune_worker)
    worker = client_for(commune_worker)
    response = worker.post(
        reverse("cases:plan", args=[case.pk]), {"objectives": "An toàn", "activities": "Tư vấn", "submit": "1"}
    )
    assert response.status_code == 302
    assert worker.get(reverse("cases:plan_decide", args=[case.pk])).status_code == 404
    boss = client_for(chair)
    assert "Phê duyệt kế hoạch (Mẫu 05)" in boss.get(reverse("cases:detail", args=[case.pk])).content.decode()
    boss.post(reverse("cases:plan_decide", args=[case.pk]), {"decision_number": "03/QĐ-UBND", "approve": "1"})
    assert case.plans.get().status == "approved"


def test_the_receiver_of_a_referral_answers_from_its_list(case, commune_worker, client_for):
    from giamsat.units.models import Organisation

    centre = Organisation.objects.create(
        name="Trung tâm CTXH Demo", abbreviation="CTXH", kind="other", unit=f.current_province(f.HANOI)
    )
    receiver = f.UserFactory(username="ctxh_demo", role=Role.DISTRICT_OFFICER, organisation=centre)
    consent = services.do_record_consent(
        case,
        acting_user=commune_worker,
        basis=ConsentBasis.VITAL_INTEREST,
        given_at=timezone.now(),
        scope="Chuyển CTXH",
    )
    referral = services.do_refer(
        case,
        acting_user=commune_worker,
        consent=consent,
        to_organisation=centre,
        to_name="",
        reason="Tạm lánh",
        referred_at=timezone.now(),
    )
    client = client_for(receiver)
    listing = client.get(reverse("cases:referrals_incoming")).content.decode()
    assert case.code in listing and CHILD not in listing
    response = client.post(reverse("cases:referral_respond", args=[referral.pk]), {"accept": "1", "note": "Nhận"})
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert CHILD in client.get(response.url).content.decode()


def test_opening_a_step_form_is_logged_as_a_view(case, commune_worker, client_for):
    assert client_for(commune_worker).get(reverse("cases:emergency", args=[case.pk])).status_code == 200
    assert CaseAccess.objects.filter(
        user=commune_worker, case=case, action=AccessAction.VIEW, detail="Biện pháp khẩn cấp"
    ).exists()


def test_no_case_form_keeps_a_draft_beyond_its_tab(case, hotline_operator, commune_worker, client_for):
    """Forms marked data-draft keep what is typed in the browser's storage (drafts.js); a child's data must
    never stay on a shared office computer, so a case form keeps it only in the tab (sessionStorage), for the
    login after an ended session, and never in the lasting storage."""
    pages = [(hotline_operator, reverse("cases:intake"))] + [
        (commune_worker, reverse(name, args=[case.pk]))
        for name in ("cases:detail", "cases:emergency", "cases:plan", "cases:service", "cases:consent",
                     "cases:referral", "cases:offender", "cases:delay", "cases:close")
    ]  # fmt: skip
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<form" in page, url
        forms = re.findall(r"<form[^>]*>", page)
        assert all('data-draft-store="tab"' in f for f in forms if "data-draft=" in f), url
        if url == reverse("cases:intake"):
            assert any('data-draft-store="tab"' in f for f in forms)  # the intake is kept, in its tab


def test_a_commune_worker_s_intake_has_their_commune_chosen_and_no_abolished_one(commune_worker, client_for):
    """The list offered Xã Đức Linh with the townships it took in 2025 (refused on saving) and chose none."""
    html = client_for(commune_worker).get(reverse("cases:intake")).content.decode()
    duc_linh = f.current_commune("Xã Đức Linh")
    assert re.search(rf'<input type="radio" name="commune" value="{duc_linh.pk}" checked>', html)
    assert f'value="{f.legacy_commune(f.VO_XU).pk}"' not in html
