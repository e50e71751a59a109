"""Rules found missing by a review of the supervision and its documents (30/11): what each viewer sees of a
recommendation, sessions and findings that stay with their unit, dates and numbers that cannot be wrong, texts
that are not blank, and a document page that does not write over, or issue, a colleague's newer text."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import factories as f
from giamsat.documents import services as documents
from giamsat.documents.choices import DocumentKind, DocumentStatus
from giamsat.documents.models import Document
from giamsat.supervision import services
from giamsat.supervision.choices import FindingKind, RecommendationStatus, SupervisionStatus
from giamsat.supervision.models import Finding, FindingCategory, Recommendation, Supervision, WorkingSession
from test_supervision import MADE_ON, add_session, build_supervision, committee, edit_form, recommend, union

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
pytest_plugins = ["plan_fixtures"]


@pytest.fixture
def supervision(supervisor):
    return build_supervision(supervisor)


def limitation(supervision, supervisor, text, code=f.DUC_LINH, session=None):
    return services.do_save_finding(
        Finding(supervision=supervision),
        acting_user=supervisor,
        fields={
            "kind": FindingKind.LIMITATION,
            "text": text,
            "category": FindingCategory.objects.order_by("pk").first(),
            "organisation": committee(code),
            "session": session,
        },
    )


# --------------------------------------------------------------------------------------------- what each sees


def test_the_recommendation_page_shows_only_the_findings_its_viewer_may_see(
    client_for, supervisor, district_officer, supervision
):
    ours = limitation(supervision, supervisor, "Đức Linh: tuyên truyền chưa thường xuyên.")
    theirs = limitation(supervision, supervisor, "Tánh Linh: chưa bố trí cán bộ chuyên trách.", code=f.TANH_LINH)
    (rec,) = recommend(supervision, supervisor)
    rec.findings.set([ours, theirs])
    page = client_for(district_officer).get(reverse("supervision:recommendation", args=[rec.pk])).content.decode()
    assert ours.text in page
    assert theirs.text not in page
    assert (
        theirs.text in client_for(supervisor).get(reverse("supervision:recommendation", args=[rec.pk])).content.decode()
    )


def test_the_list_counts_only_the_sessions_its_viewer_may_see(client_for, supervisor, district_officer, supervision):
    add_session(supervision, supervisor, f.TANH_LINH)
    recommend(supervision, supervisor)  # what lets Đức Linh see the supervision
    shown = client_for(district_officer).get(reverse("supervision:index")).context["supervisions"]
    assert [(s.pk, s.n_sessions) for s in shown] == [(supervision.pk, 0)]
    shown = client_for(supervisor).get(reverse("supervision:index")).context["supervisions"]
    assert [(s.pk, s.n_sessions) for s in shown] == [(supervision.pk, 1)]


# --------------------------------------------------------------------------------------------- sessions, findings


@pytest.mark.parametrize("held", ["01/01/0001 00:00", "31/12/9999 23:59", "01/01/1900 08:00"])
def test_a_session_dated_in_an_impossible_year_is_refused_on_its_field(client_for, supervisor, supervision, held):
    response = client_for(supervisor).post(
        reverse("supervision:session_create", args=[supervision.pk]),
        {"organisation": committee(f.DUC_LINH).pk, "held_at": held},
    )
    assert response.status_code == 200
    assert "2000–2100" in response.context["form"].errors["held_at"][0]
    assert not WorkingSession.objects.exists()


def test_the_api_refuses_a_session_at_the_end_of_time_without_a_server_error(api_client_for, supervisor, supervision):
    response = api_client_for(supervisor).post(
        f"/api/supervisions/{supervision.pk}/sessions",
        {"organisation_id": committee(f.DUC_LINH).pk, "held_at": "9999-12-31T23:59:59-12:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "held_at" in {e["field"] for e in response.json()["errors"]}
    assert not WorkingSession.objects.exists()


def test_a_finding_of_a_session_belongs_to_that_sessions_unit(supervisor, supervision):
    session = add_session(supervision, supervisor, f.DUC_LINH)
    with pytest.raises(ValidationError) as refused:
        limitation(supervision, supervisor, "Hạn chế.", code=f.TANH_LINH, session=session)
    assert "organisation" in refused.value.message_dict
    assert not Finding.objects.exists()


def test_a_session_moved_to_another_unit_takes_its_findings_along(
    supervisor, district_officer, tanh_linh_officer, supervision
):
    session = add_session(supervision, supervisor, f.DUC_LINH)
    finding = limitation(supervision, supervisor, "Hạn chế ghi nhầm buổi.", session=session)
    services.do_save_session(session, acting_user=supervisor, fields={"organisation": committee(f.TANH_LINH)})
    finding.refresh_from_db()
    assert finding.organisation == committee(f.TANH_LINH)
    assert not Finding.objects.restrict(district_officer, "view").filter(pk=finding.pk).exists()
    assert Finding.objects.restrict(tanh_linh_officer, "view").filter(pk=finding.pk).exists()


def test_a_unit_the_delegation_worked_with_stays_on_the_list(client_for, api_client_for, supervisor, supervision):
    add_session(supervision, supervisor, f.DUC_LINH)
    response = client_for(supervisor).post(
        reverse("supervision:edit", args=[supervision.pk]),
        edit_form(supervision, supervised=[committee(f.TANH_LINH).pk], title="Tên mới"),
    )
    assert response.status_code == 200
    assert "Không bỏ được" in response.context["form"].errors["supervised"][0]
    response = api_client_for(supervisor).put(
        f"/api/supervisions/{supervision.pk}",
        {"organisation_id": union().pk, "title": "Tên mới", "subject_text": "Nội dung"},
        content_type="application/json",
    )
    assert response.status_code == 422
    supervision.refresh_from_db()
    assert supervision.title != "Tên mới"
    assert set(supervision.supervised.all()) == {committee(f.DUC_LINH), committee(f.TANH_LINH)}


# --------------------------------------------------------------------------------------------- texts, numbers


@pytest.mark.parametrize("days", ["0", "366", "32767"])
def test_days_to_answer_outside_1_to_365_are_refused_on_the_web_form(client_for, supervisor, supervision, days):
    response = client_for(supervisor).post(
        reverse("supervision:edit", args=[supervision.pk]), edit_form(supervision, response_days=days)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["response_days"]
    supervision.refresh_from_db()
    assert supervision.response_days == 5


def test_blank_texts_are_refused_through_the_api(api_client_for, supervisor, supervision):
    api = api_client_for(supervisor)
    sent = [
        (f"/api/supervisions/{supervision.pk}/findings", {"kind": "result", "text": "   "}, "text"),
        (
            f"/api/supervisions/{supervision.pk}/recommendations",
            {"text": "  \n ", "addressee_ids": [committee(f.DUC_LINH).pk], "made_on": "2023-10-01"},
            "text",
        ),
        ("/api/supervisions", {"organisation_id": union().pk, "title": "   ", "subject_text": "Nội dung"}, "title"),
        (
            "/api/supervisions",
            {"organisation_id": union().pk, "title": "Giám sát", "subject_text": " "},
            "subject_text",
        ),
    ]
    for path, body, field in sent:
        response = api.post(path, body, content_type="application/json")
        assert response.status_code == 422, path
        assert field in {e["field"] for e in response.json()["errors"]}, (path, response.json())
    assert not Finding.objects.exists()
    assert not Recommendation.objects.exists()
    assert Supervision.objects.count() == 1


def test_a_title_typed_decomposed_is_stored_precomposed(supervisor, supervision):
    typed = unicodedata.normalize("NFD", "giám sát việc thực hiện chính sách trẻ em")
    services.do_save_supervision(supervision, acting_user=supervisor, fields={"title": typed})
    supervision.refresh_from_db()
    assert supervision.title == unicodedata.normalize("NFC", typed)
    plan = documents.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    assert "giám sát giám sát" not in plan.summary.lower()


def test_a_wrong_plan_number_is_explained_in_english(client_for, supervisor, supervision):
    client = client_for(supervisor)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(reverse("supervision:edit", args=[supervision.pk]), edit_form(supervision, reference="abc"))
    assert response.context["form"].errors["reference"] == [
        "Number and symbol “abc” do not follow the pattern number/document type-issuer, e.g. 4525/KH-UBND"
    ]


# --------------------------------------------------------------------------------------------- recommendations


def test_a_recommendation_answered_in_full_keeps_its_text_and_date(supervisor, district_officer, supervision):
    (rec,) = recommend(supervision, supervisor)
    services.do_respond(rec, acting_user=district_officer, text="Đã làm xong.", status=RecommendationStatus.IMPLEMENTED)
    for change in ({"text": "Một nội dung khác"}, {"made_on": datetime.date(2024, 5, 2)}):
        with pytest.raises(services.FollowUpError):
            services.do_update_recommendation(rec, acting_user=supervisor, fields=change)
    rec.refresh_from_db()
    assert (rec.text, rec.made_on) == ("Rà soát các chỉ tiêu, nhiệm vụ; đề ra giải pháp cụ thể.", MADE_ON)
    services.do_update_recommendation(rec, acting_user=supervisor, fields={"priority": "low"})  # the rest may change


def test_no_recommendation_on_a_draft_supervision(supervisor):
    draft = build_supervision(supervisor, status=SupervisionStatus.DRAFT)
    with pytest.raises(services.FollowUpError):
        recommend(draft, supervisor)
    assert not Recommendation.objects.exists()


def test_a_recommendation_cannot_predate_the_supervision(supervisor, supervision):
    with pytest.raises(ValidationError) as refused:
        recommend(supervision, supervisor, made_on=datetime.date(2001, 1, 1))
    assert "05/09/2023" in refused.value.message_dict["made_on"][0]
    (rec,) = recommend(supervision, supervisor)
    with pytest.raises(ValidationError):
        services.do_update_recommendation(rec, acting_user=supervisor, fields={"made_on": datetime.date(2023, 9, 4)})


# --------------------------------------------------------------------------------------------- plan numbers


def test_a_plan_issued_here_keeps_its_number_and_date(client_for, supervisor, supervision):
    plan = documents.do_issue(
        documents.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor), acting_user=supervisor
    )
    supervision.refresh_from_db()
    client = client_for(supervisor)
    issued_on = supervision.issued_on.strftime("%d/%m/%Y")
    response = client.post(
        reverse("supervision:edit", args=[supervision.pk]),
        edit_form(supervision, reference="99/KH-HLHPN", issued_on=issued_on),
    )
    assert response.context["form"].errors["reference"]
    supervision.refresh_from_db()
    assert supervision.reference == plan.reference


def test_a_plan_moved_to_another_year_is_checked_in_that_years_register(supervisor, supervision):
    this_year = timezone.localdate().year
    report = documents.do_issue(
        documents.do_create_draft(build_supervision(supervisor), DocumentKind.REPORT, acting_user=supervisor),
        acting_user=supervisor,
    )  # takes number 01 of this year
    typed = report.reference.replace("/BC-", "/KH-")
    services.do_save_supervision(
        supervision,
        acting_user=supervisor,
        fields={"reference": typed, "issued_on": datetime.date(this_year - 1, 3, 1)},
    )
    with pytest.raises(ValidationError) as refused:
        services.do_save_supervision(
            supervision, acting_user=supervisor, fields={"issued_on": datetime.date(this_year, 3, 1)}
        )
    assert report.reference in refused.value.message_dict["reference"][0]


def test_a_put_without_the_plan_number_keeps_it(api_client_for, supervisor, supervision):
    services.do_save_supervision(supervision, acting_user=supervisor, fields={"reference": "07/KH-HLHPN"})
    response = api_client_for(supervisor).put(
        f"/api/supervisions/{supervision.pk}",
        {
            "organisation_id": union().pk,
            "title": "Tên sửa",
            "subject_text": "Nội dung",
            "supervised_ids": [committee(f.DUC_LINH).pk, committee(f.TANH_LINH).pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["reference"] == "07/KH-HLHPN"


def test_a_plan_issued_outside_blocks_a_second_plan_issued_here(supervisor, supervision):
    services.do_save_supervision(supervision, acting_user=supervisor, fields={"reference": "07/KH-HLHPN"})
    draft = documents.do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    with pytest.raises(documents.DocumentError) as refused:
        documents.do_issue(draft, acting_user=supervisor)
    assert "07/KH-HLHPN" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT
    supervision.refresh_from_db()
    assert supervision.reference == "07/KH-HLHPN"


# --------------------------------------------------------------------------------------------- a stale document page


def _page(client, document) -> dict:
    form = client.get(reverse("documents:detail", args=[document.pk])).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_a_stale_document_page_neither_writes_over_nor_issues_a_colleagues_text(client_for, supervisor, supervision):
    document = documents.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    a, b = client_for(supervisor), client_for(f.SupervisorFactory(username="giamsat_2"))
    url = reverse("documents:detail", args=[document.pk])
    stale = _page(b, document)
    assert a.post(url, _page(a, document) | {"summary": "Kết quả giám sát (A sửa)"}).status_code == 302

    refused = b.post(url, stale | {"section_0": "B gõ thêm"})
    assert refused.status_code == 200
    assert "vừa được sửa" in refused.content.decode()
    assert "B gõ thêm" in refused.content.decode()  # what B typed stays on the page
    assert b.post(url, stale | {"issue": "1"}).status_code == 200
    document.refresh_from_db()
    assert (document.summary, document.status) == ("Kết quả giám sát (A sửa)", DocumentStatus.DRAFT)

    again = {name: value for name, value in refused.context["form"].data.items()}
    assert b.post(url, again).status_code == 302  # pressed again: B's text, knowingly
    document.refresh_from_db()
    assert document.sections[0]["text"] == "B gõ thêm"
    assert Document.objects.filter(status=DocumentStatus.ISSUED).count() == 0


def _form_data(response) -> dict:
    """What a form page posts back as it is shown (its bound data after a refusal, else its initial values)."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if hasattr(field, "queryset") and isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            data[name] = value
    return data


def test_a_stale_supervision_page_does_not_put_back_older_values(client_for, supervisor, supervision):
    url = reverse("supervision:edit", args=[supervision.pk])
    a, b = client_for(supervisor), client_for(f.SupervisorFactory(username="giamsat_2"))
    stale = _form_data(b.get(url))
    saved = a.post(url, _form_data(a.get(url)) | {"response_days": "20", "purpose": "Mục đích A sửa."})
    assert saved.status_code == 302

    refused = b.post(url, stale | {"title": "Tên B sửa"})
    assert refused.status_code == 200
    assert "đã thay đổi sau khi bạn mở trang này" in refused.context["form"].non_field_errors()[0]
    supervision.refresh_from_db()
    assert (supervision.response_days, supervision.purpose) == (20, "Mục đích A sửa.")

    assert b.post(url, _form_data(refused)).status_code == 302  # pressed again: B's values, knowingly
    supervision.refresh_from_db()
    assert (supervision.title, supervision.response_days) == ("Tên B sửa", 5)


def test_a_stale_recommendation_page_does_not_put_back_older_values(client_for, supervisor, supervision):
    (rec,) = recommend(supervision, supervisor)
    url = reverse("supervision:recommendation_edit", args=[rec.pk])
    a, b = client_for(supervisor), client_for(f.SupervisorFactory(username="giamsat_2"))
    stale = _form_data(b.get(url))
    assert a.post(url, _form_data(a.get(url)) | {"text": "Nội dung A sửa."}).status_code == 302
    refused = b.post(url, stale | {"priority": "low"})
    assert refused.status_code == 200
    assert "vừa được người khác sửa" in refused.context["form"].non_field_errors()[0]
    rec.refresh_from_db()
    assert (rec.text, rec.priority) == ("Nội dung A sửa.", "high")


def test_the_delegation_names_each_person_once_and_one_head(api_client_for, supervisor, supervision):
    from giamsat.supervision.choices import MemberRole

    api = api_client_for(supervisor)
    path = f"/api/supervisions/{supervision.pk}/delegation"
    head = {"role": MemberRole.HEAD, "user_id": supervisor.pk}
    assert api.post(path, head, content_type="application/json").status_code == 201
    for body, field in [
        ({"role": MemberRole.MEMBER, "user_id": supervisor.pk}, "user"),
        ({"role": MemberRole.HEAD, "name": "Nguyễn Thị B"}, "role"),
        ({"role": MemberRole.MEMBER, "name": "   "}, "name"),
    ]:
        response = api.post(path, body, content_type="application/json")
        assert response.status_code == 422, body
        assert field in {e["field"] for e in response.json()["errors"]}
    assert supervision.delegation.count() == 1


@pytest.mark.parametrize("year", ["0", "1999", "2101"])
def test_a_programme_year_outside_2000_to_2100_is_refused_on_its_field(client_for, supervisor, year):
    from giamsat.supervision.models import SupervisionProgramme

    response = client_for(supervisor).post(
        reverse("supervision:programme_create"), {"organisation": union().pk, "year": year, "title": "Chương trình"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert not SupervisionProgramme.objects.exists()


REFUSE_AUDIT = {
    "sqlite": [
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON core_auditentry BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON core_auditentry FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    ],
}


def test_a_save_that_fails_leaves_no_file_behind(supervisor, district_officer, supervision, media_root):
    """A file is written as its row is made; when the save failed after it (here the database refuses the audit
    entry, the last write), the file stayed in storage with no row pointing to it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import DatabaseError, connection

    from test_supervision import PDF

    (rec,) = recommend(supervision, supervisor)
    draft = documents.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    with connection.cursor() as cursor:
        for statement in REFUSE_AUDIT[connection.vendor]:
            cursor.execute(statement)
    upload = SimpleUploadedFile("minh-chung.pdf", PDF, content_type="application/pdf")
    with pytest.raises(DatabaseError):
        services.do_respond(
            rec,
            acting_user=district_officer,
            text="Đã làm.",
            status=RecommendationStatus.IMPLEMENTED,
            files=[(upload, "pdf")],
        )
    with pytest.raises(DatabaseError):
        documents.do_issue(draft, acting_user=supervisor)
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


# --------------------------------------------------------------------------------------------- withdrawing


def test_an_unanswered_recommendation_made_by_mistake_is_withdrawn_with_its_reason(client_for, supervisor, supervision):
    from giamsat.core.models import AuditEntry

    first, _second = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    client = client_for(supervisor)
    page = client.get(reverse("supervision:recommendation", args=[first.pk])).content.decode()
    assert 'data-testid="withdraw-box"' in page
    refused = client.post(reverse("supervision:withdraw", args=[first.pk]), {"reason": "  "}, follow=True)
    assert "Hãy ghi lý do rút kiến nghị." in refused.content.decode()
    assert Recommendation.objects.filter(pk=first.pk).exists()
    response = client.post(reverse("supervision:withdraw", args=[first.pk]), {"reason": "Gửi nhầm nơi nhận"})
    assert response.status_code == 302
    assert not Recommendation.objects.filter(pk=first.pk).exists()
    assert Recommendation.objects.filter(pk=_second.pk).exists()  # the same item to another addressee stays
    entry = AuditEntry.objects.get(action="recommendation.withdraw")
    assert entry.changes["reason"] == "Gửi nhầm nơi nhận"
    assert entry.changes["text"] == first.text
    assert entry.object_id == str(supervision.pk)  # in the supervision's history, which outlives the row
    assert client.get(reverse("supervision:detail", args=[supervision.pk])).status_code == 200


def test_an_answered_recommendation_or_one_sent_by_notice_is_not_withdrawn(
    api_client_for, supervisor, district_officer, supervision
):
    answered, noticed = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    services.do_respond(
        answered, acting_user=district_officer, text="Đang làm.", status=RecommendationStatus.IN_PROGRESS
    )
    notice = documents.do_create_draft(
        supervision, DocumentKind.NOTICE, acting_user=supervisor, addressee=noticed.addressee
    )
    documents.do_issue(notice, acting_user=supervisor)
    api = api_client_for(supervisor)
    for rec in (answered, noticed):
        response = api.post(
            f"/api/recommendations/{rec.pk}/withdraw", {"reason": "thử"}, content_type="application/json"
        )
        assert response.status_code == 409
    assert Recommendation.objects.count() == 2


def test_only_the_supervising_side_withdraws(client_for, api_client_for, supervisor, district_officer, supervision):
    (rec,) = recommend(supervision, supervisor)
    assert (
        client_for(district_officer).post(reverse("supervision:withdraw", args=[rec.pk]), {"reason": "x"}).status_code
        == 404
    )
    response = api_client_for(district_officer).post(
        f"/api/recommendations/{rec.pk}/withdraw", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert 'data-testid="withdraw-box"' not in (
        client_for(district_officer).get(reverse("supervision:recommendation", args=[rec.pk])).content.decode()
    )
    response = api_client_for(supervisor).post(
        f"/api/recommendations/{rec.pk}/withdraw", {"reason": "Ghi trùng"}, content_type="application/json"
    )
    assert response.status_code == 204
    assert not Recommendation.objects.exists()


def test_a_draft_supervision_says_why_no_recommendation_can_be_added(client_for, api_client_for, supervisor):
    draft = build_supervision(supervisor, status=SupervisionStatus.DRAFT)
    client = client_for(supervisor)
    page = client.get(reverse("supervision:detail", args=[draft.pk])).content.decode()
    assert reverse("supervision:recommendation_create", args=[draft.pk]) not in page
    assert "Kiến nghị được ghi sau khi ban hành kế hoạch" in page
    body = {
        "text": "Rà soát chỉ tiêu.",
        "addressee_kind": "supervised",
        "addressees": [committee(f.DUC_LINH).pk],
        "priority": "high",
        "made_on": "02/02/2024",
    }
    response = client.post(reverse("supervision:recommendation_create", args=[draft.pk]), body)
    assert response.status_code == 200
    assert "còn là dự thảo" in response.context["form"].non_field_errors()[0]
    response = api_client_for(supervisor).post(
        f"/api/supervisions/{draft.pk}/recommendations",
        {"text": "Rà soát.", "addressee_ids": [committee(f.DUC_LINH).pk], "made_on": "2024-02-02"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert not Recommendation.objects.exists()


def test_a_draft_names_the_parts_still_left_blank_before_it_is_issued(client_for, supervisor, supervision):
    """A decision drafted before the plan was issued cites "Kế hoạch số … ngày …": issued so, it was printed."""
    decision = documents.do_create_draft(supervision, DocumentKind.DECISION, acting_user=supervisor)
    page = client_for(supervisor).get(reverse("documents:detail", args=[decision.pk]))
    assert page.context["blanks"]
    assert "Dự thảo còn chỗ “…” chưa điền ở" in page.content.decode()
    filled = [dict(s, text=s["text"].replace("…", "01/KH-HLHPN")) for s in decision.sections]
    documents.do_save_draft(
        decision,
        acting_user=supervisor,
        fields={"summary": decision.summary.replace("…", "")},
        section_texts=[s["text"] for s in filled],
    )
    page = client_for(supervisor).get(reverse("documents:detail", args=[decision.pk]))
    assert page.context["blanks"] == []
    assert 'data-testid="blanks"' not in page.content.decode()


def test_a_recommendation_in_a_notice_draft_or_an_issued_report_is_not_withdrawn(client_for, supervisor, supervision):
    """A notice drafted before the withdrawal still held the recommendation and could be issued with it; an issued
    report lists it by its number."""
    (rec,) = recommend(supervision, supervisor)
    client = client_for(supervisor)
    draft = documents.do_create_draft(supervision, DocumentKind.NOTICE, acting_user=supervisor, addressee=rec.addressee)
    page = client.get(reverse("supervision:recommendation", args=[rec.pk])).content.decode()
    assert 'data-testid="withdraw-box"' not in page
    with pytest.raises(services.FollowUpError, match="dự thảo thông báo"):
        services.do_withdraw_recommendation(rec, acting_user=supervisor, reason="Ghi trùng")
    documents.do_delete_draft(draft, acting_user=supervisor)
    documents.do_issue(
        documents.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor), acting_user=supervisor
    )
    with pytest.raises(services.FollowUpError, match="Báo cáo kết quả giám sát số"):
        services.do_withdraw_recommendation(rec, acting_user=supervisor, reason="Ghi trùng")
    assert Recommendation.objects.filter(pk=rec.pk).exists()


def test_a_fully_answered_recommendation_kept_as_it_was_still_takes_other_changes(
    client_for, api_client_for, supervisor, district_officer, supervision
):
    """A browser sends a text box's line breaks as CRLF: the unchanged text counted as changed, and the lock on a
    fully answered recommendation's text refused a change of its priority."""
    response = api_client_for(supervisor).post(
        f"/api/supervisions/{supervision.pk}/recommendations",
        {"text": "Dòng một.\nDòng hai.", "addressee_ids": [committee(f.DUC_LINH).pk], "made_on": "2024-02-02"},
        content_type="application/json",
    )
    rec = Recommendation.objects.get(pk=response.json()[0]["id"])
    services.do_respond(rec, acting_user=district_officer, text="Đã làm một phần.", status=RecommendationStatus.PARTLY)
    url = reverse("supervision:recommendation_edit", args=[rec.pk])
    page = _form_data(client_for(supervisor).get(url))
    saved = client_for(supervisor).post(url, page | {"text": "Dòng một.\r\nDòng hai.", "priority": "low"})
    assert saved.status_code == 302, saved.context["form"].errors
    rec.refresh_from_db()
    assert (rec.text, rec.priority) == ("Dòng một.\nDòng hai.", "low")


def test_a_document_saved_unchanged_does_not_make_a_colleagues_page_stale(client_for, supervisor, supervision):
    document = documents.do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    url = reverse("documents:detail", args=[document.pk])
    a, b = client_for(supervisor), client_for(f.SupervisorFactory(username="giamsat_2"))
    b_page = _page(b, document)
    a_page = _page(a, document)
    a_page = {name: value.replace("\n", "\r\n") for name, value in a_page.items()}  # as a browser posts it
    assert a.post(url, a_page).status_code == 302
    assert b.post(url, b_page | {"summary": "Kết quả giám sát (B sửa)"}).status_code == 302
    document.refresh_from_db()
    assert document.summary == "Kết quả giám sát (B sửa)"
