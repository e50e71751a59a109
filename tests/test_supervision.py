"""Supervision (giamsat.supervision): who sees and changes what, the follow-up of recommendations (deadlines in
working days, answers with evidence, verification, overdue), reminders, the forms' messages, the dashboards, the
API, and the demo's story."""

import datetime
import io
import unicodedata
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

import factories as f
from giamsat.accounts.roles import Role
from giamsat.core.models import AuditEntry, CalendarDay
from giamsat.documents.choices import DocumentKind
from giamsat.documents.services import do_create_draft, do_issue
from giamsat.reporting.choices import ReportStatus
from giamsat.supervision import services
from giamsat.supervision.choices import (
    SEED_CATEGORIES,
    AddresseeKind,
    FindingKind,
    MemberRole,
    Priority,
    RecommendationStatus,
    SupervisionStatus,
)
from giamsat.supervision.models import (
    Evidence,
    Finding,
    FindingCategory,
    Recommendation,
    Response,
    Supervision,
    WorkingSession,
)
from giamsat.supervision.reminders import send_reminders
from giamsat.units.choices import OrganisationKind
from giamsat.units.models import Organisation
from plan_fixtures import accepted_report

pytest_plugins = ["plan_fixtures"]

UNION = "Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
MADE_ON = datetime.date(2024, 2, 2)  # a Friday just before Tết 2024 (8–14 February)


# --------------------------------------------------------------------------------------------- helpers

pytestmark = pytest.mark.usefixtures("media_root")


def union() -> Organisation:
    return Organisation.objects.get(name=UNION)


def committee(code: int) -> Organisation:
    return Organisation.objects.get(unit=f.legacy_district(code), kind=OrganisationKind.PEOPLES_COMMITTEE)


def build_supervision(supervisor, *, plans=(), codes=(f.DUC_LINH, f.TANH_LINH), status=SupervisionStatus.PLANNED):
    supervision = services.do_save_supervision(
        Supervision(),
        acting_user=supervisor,
        fields={
            "organisation": union(),
            "title": "Giám sát việc thực hiện kế hoạch phòng, chống xâm hại trẻ em (thử)",
            "subject_text": "Các Kế hoạch của UBND tỉnh về phòng, chống bạo lực, xâm hại trẻ em",
            "purpose": "Đánh giá kết quả thực hiện.",
            "start_on": datetime.date(2023, 9, 5),
            "end_on": datetime.date(2023, 10, 31),
            "response_days": 5,
            "forms": ["sessions"],
        },
        plans=list(plans),
        supervised=[committee(code) for code in codes],
    )
    Supervision.objects.filter(pk=supervision.pk).update(status=status)
    supervision.refresh_from_db()
    return supervision


def add_session(supervision, supervisor, code=f.DUC_LINH, reports=()):
    return services.do_save_session(
        WorkingSession(supervision=supervision),
        acting_user=supervisor,
        fields={
            "organisation": committee(code),
            "held_at": datetime.datetime(2023, 9, 6, 8, 0, tzinfo=datetime.UTC),
            "place": "Trụ sở UBND huyện",
            "minutes": "Đoàn nghe báo cáo.",
        },
        reports=list(reports),
    )


def add_limitation(supervision, supervisor, category_index=0, session=None):
    return services.do_save_finding(
        Finding(supervision=supervision),
        acting_user=supervisor,
        fields={
            "kind": FindingKind.LIMITATION,
            "text": "Công tác tuyên truyền thiếu thường xuyên.",
            "cause": "Cán bộ kiêm nhiệm.",
            "category": FindingCategory.objects.get(name=SEED_CATEGORIES[category_index]),
            "session": session,
        },
    )


def recommend(supervision, supervisor, codes=(f.DUC_LINH,), made_on=MADE_ON, addressees=None):
    return services.do_create_recommendations(
        supervision,
        acting_user=supervisor,
        text="Rà soát các chỉ tiêu, nhiệm vụ; đề ra giải pháp cụ thể.",
        addressees=addressees or [committee(code) for code in codes],
        addressee_kind=AddresseeKind.SUPERVISED,
        priority=Priority.HIGH,
        made_on=made_on,
    )


@pytest.fixture
def supervision(supervisor):
    return build_supervision(supervisor)


@pytest.fixture
def duc_linh_rec(supervision, supervisor):
    return recommend(supervision, supervisor)[0]


# --------------------------------------------------------------------------------------------- seed data


def test_the_eight_limitation_categories_of_the_seed_are_there(db):
    names = set(FindingCategory.objects.values_list("name", flat=True))
    assert set(SEED_CATEGORIES) <= names
    assert len(SEED_CATEGORIES) == 8


# --------------------------------------------------------------------------------------------- scoping


def test_the_supervising_organisation_sees_and_changes_its_supervision(client_for, supervisor, supervision):
    client = client_for(supervisor)
    assert client.get(reverse("supervision:detail", args=[supervision.pk])).status_code == 200
    assert client.get(reverse("supervision:edit", args=[supervision.pk])).status_code == 200
    assert Supervision.objects.restrict(supervisor, "change").filter(pk=supervision.pk).exists()


def test_the_supervised_district_sees_its_supervision_but_cannot_change_it(
    client_for, supervisor, district_officer, supervision
):
    session = add_session(supervision, supervisor)
    finding = add_limitation(supervision, supervisor, session=session)
    client = client_for(district_officer)
    assert client.get(reverse("supervision:detail", args=[supervision.pk])).status_code == 200
    assert client.get(reverse("supervision:session", args=[session.pk])).status_code == 200
    for name, args in [
        ("supervision:edit", [supervision.pk]),
        ("supervision:finding_edit", [finding.pk]),
        ("supervision:session_edit", [session.pk]),
        ("supervision:finding_create", [supervision.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("supervision:finding_delete", args=[finding.pk])).status_code == 404
    assert client.post(reverse("supervision:finding_edit", args=[finding.pk]), {"text": "x"}).status_code == 404
    assert Finding.objects.filter(pk=finding.pk, text__startswith="Công tác").exists()


def test_the_district_sees_only_the_recommendations_addressed_to_it(supervisor, district_officer, supervision):
    mine, theirs = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    visible = set(Recommendation.objects.restrict(district_officer, "view").values_list("pk", flat=True))
    assert mine.pk in visible
    assert theirs.pk not in visible
    assert Recommendation.objects.restrict(district_officer, "respond").filter(pk=mine.pk).exists()


def leader(unit):
    return f.UserFactory(role=Role.VIEWER, unit=unit)


def test_a_province_leader_follows_the_recommendations_to_its_districts_and_answers_none(
    client_for, supervisor, supervision
):
    """The seed's recommendations go to the district People's Committees: the province's leader, who watches
    which are stuck, sees them (today's Lâm Đồng took in Bình Thuận), their sessions and findings, and can
    answer none of them."""
    duc_linh, tanh_linh = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    session = add_session(supervision, supervisor, f.TANH_LINH)
    limitation = add_limitation(supervision, supervisor, session=session)
    province = leader(f.current_province(f.LAM_DONG))
    assert set(Recommendation.objects.restrict(province, "view").values_list("pk", flat=True)) == {
        duc_linh.pk,
        tanh_linh.pk,
    }
    assert WorkingSession.objects.restrict(province, "view").filter(pk=session.pk).exists()
    assert Finding.objects.restrict(province, "view").filter(pk=limitation.pk).exists()
    assert not Recommendation.objects.restrict(province, "respond").exists()
    assert not services.can_respond(province, duc_linh)
    client = client_for(province)
    page = client.get(reverse("supervision:recommendation", args=[duc_linh.pk]))
    assert page.status_code == 200 and 'data-testid="respond-box"' not in page.content.decode()
    assert client.post(reverse("supervision:respond", args=[duc_linh.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("supervision:edit", args=[supervision.pk])).status_code == 404
    assert client.get(reverse("dashboards:supervision")).context["dash"].totals["total"] == 2


def test_a_district_leader_sees_its_own_district_s_recommendations_only(supervisor, supervision):
    duc_linh, tanh_linh = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    district = leader(f.legacy_district(f.DUC_LINH))
    assert set(Recommendation.objects.restrict(district, "view").values_list("pk", flat=True)) == {duc_linh.pk}
    # A leader elsewhere sees nothing of it.
    hanoi = leader(f.legacy_province(1))
    assert not Supervision.objects.restrict(hanoi, "view").exists()
    assert not Recommendation.objects.restrict(hanoi, "view").exists()


def test_a_neighbouring_district_does_not_see_another_districts_session(supervisor, tanh_linh_officer, supervision):
    duc_linh_session = add_session(supervision, supervisor, f.DUC_LINH)
    tanh_linh_session = add_session(supervision, supervisor, f.TANH_LINH)
    visible = set(WorkingSession.objects.restrict(tanh_linh_officer, "view").values_list("pk", flat=True))
    assert visible == {tanh_linh_session.pk}
    assert duc_linh_session.pk not in visible


def test_a_draft_supervision_plan_is_hidden_from_the_supervised(client_for, supervisor, district_officer):
    draft = build_supervision(supervisor, status=SupervisionStatus.DRAFT)
    assert client_for(district_officer).get(reverse("supervision:detail", args=[draft.pk])).status_code == 404
    Supervision.objects.filter(pk=draft.pk).update(status=SupervisionStatus.PLANNED)
    assert client_for(district_officer).get(reverse("supervision:detail", args=[draft.pk])).status_code == 200


def test_a_higher_authority_addressed_by_a_recommendation_sees_the_supervision(supervisor, province_officer):
    supervision = build_supervision(supervisor, codes=(f.DUC_LINH,))
    province_committee = Organisation.objects.get_or_create(
        name="Ủy ban nhân dân tỉnh Bình Thuận",
        unit=f.legacy_province(f.BINH_THUAN),
        defaults={"abbreviation": "UBND", "kind": OrganisationKind.PEOPLES_COMMITTEE},
    )[0]
    assert not Supervision.objects.restrict(province_officer, "view").filter(pk=supervision.pk).exists()
    (rec,) = recommend(supervision, supervisor, addressees=[province_committee])
    # The province officer of today's Lâm Đồng answers for the bodies of legacy Bình Thuận it took over.
    assert Supervision.objects.restrict(province_officer, "view").filter(pk=supervision.pk).exists()
    assert services.can_respond(province_officer, rec)


@pytest.mark.parametrize(
    ("persona", "detail", "change"),
    [
        ("supervisor", 200, 200),
        ("district_officer", 200, 404),
        ("province_officer", 404, 404),
        ("commune_worker", 404, 404),
        ("other_commune_worker", 404, 404),
        ("outsider", 404, 404),
        ("hotline_operator", 404, 404),
        ("admin_user", 200, 200),
    ],
    indirect=["persona"],
)
def test_each_persona_gets_what_its_role_and_place_allow(client_for, persona, detail, change, supervision):
    client = client_for(persona)
    assert client.get(reverse("supervision:detail", args=[supervision.pk])).status_code == detail
    assert client.get(reverse("supervision:edit", args=[supervision.pk])).status_code == change


def _all_url_names(namespace: str) -> list[tuple[str, list[str]]]:
    resolver = get_resolver()
    _prefix, sub = resolver.namespace_dict[namespace]
    names = []
    for pattern in sub.url_patterns:
        assert isinstance(pattern, URLPattern)
        names.append((f"{namespace}:{pattern.name}", list(pattern.pattern.converters)))
    return names


def _full_story(supervisor, district_officer):
    """A supervision with one of everything, so every URL of both apps has a row to point at."""
    supervision = build_supervision(supervisor)
    session = add_session(supervision, supervisor)
    finding = add_limitation(supervision, supervisor, session=session)
    (rec,) = recommend(supervision, supervisor)
    response = services.do_respond(
        rec,
        acting_user=district_officer,
        text="Đã thực hiện.",
        status=RecommendationStatus.IMPLEMENTED,
        files=[(SimpleUploadedFile("minh-chung.pdf", PDF, content_type="application/pdf"), "pdf")],
    )
    member = services.do_add_member(
        supervision, acting_user=supervisor, fields={"role": MemberRole.MEMBER, "name": "Người Thử Demo"}
    )
    document = do_create_draft(supervision, DocumentKind.REPORT, acting_user=supervisor)
    programme = services.do_save_programme(
        services.SupervisionProgramme(),
        acting_user=supervisor,
        fields={"organisation": union(), "year": 2023, "title": "Chương trình 2023 (thử)"},
    )
    return {
        "pk": {
            "supervision:detail": supervision.pk,
            "supervision:edit": supervision.pk,
            "supervision:overview": supervision.pk,
            "supervision:schedule": supervision.pk,
            "supervision:delegation": supervision.pk,
            "supervision:member_delete": member.pk,
            "supervision:session": session.pk,
            "supervision:session_edit": session.pk,
            "supervision:finding_edit": finding.pk,
            "supervision:finding_delete": finding.pk,
            "supervision:recommendation": rec.pk,
            "supervision:recommendation_edit": rec.pk,
            "supervision:respond": rec.pk,
            "supervision:verify": rec.pk,
            "supervision:withdraw": rec.pk,
            "supervision:evidence": response.evidence.get().pk,
            "supervision:programme_edit": programme.pk,
            "documents:detail": document.pk,
            "documents:issue": document.pk,
            "documents:delete": document.pk,
            "documents:download": document.pk,
        },
        "supervision": supervision,
        "document": document,
        "rec": rec,
    }


# Pages that are lists or entry points: an outsider sees an empty list or nothing to create, never a row.
OPEN_TO_ALL = {"supervision:index", "supervision:recommendations", "supervision:limitations", "documents:register"}


def test_an_outsider_gets_404_on_every_view_of_both_apps(client_for, supervisor, district_officer, outsider):
    story = _full_story(supervisor, district_officer)
    client = client_for(outsider)
    checked = []
    for name, converters in _all_url_names("supervision") + _all_url_names("documents"):
        kwargs = {}
        for key in converters:
            if key == "pk":
                kwargs[key] = story["pk"][name]
            elif key in ("supervision_pk",):
                kwargs[key] = story["supervision"].pk
            elif key == "organisation_pk":
                kwargs[key] = union().pk
            elif key == "kind":
                kwargs[key] = DocumentKind.REPORT.value
            elif key == "fmt":
                kwargs[key] = "docx"
        url = reverse(name, kwargs=kwargs)
        get, post = client.get(url), client.post(url, {"text": "x", "confirm": "1"})
        if name in OPEN_TO_ALL:
            assert get.status_code == 200, name
            assert story["supervision"].title not in get.content.decode(), name
            continue
        assert get.status_code in (404, 405), (name, get.status_code)
        assert post.status_code == 404, (name, post.status_code)
        checked.append(name)
    assert len(checked) >= 25
    assert Recommendation.objects.get(pk=story["rec"].pk).verified_at is None
    assert story["document"].__class__.objects.filter(pk=story["document"].pk, status="draft").exists()


def test_an_outsider_gets_404_on_every_endpoint(api_client_for, supervisor, district_officer, outsider):
    story = _full_story(supervisor, district_officer)
    pk = story["supervision"].pk
    rec, doc = story["rec"].pk, story["document"].pk
    session = WorkingSession.objects.get(supervision_id=pk).pk
    client = api_client_for(outsider)
    calls = [
        ("get", f"/api/supervisions/{pk}", None),
        ("put", f"/api/supervisions/{pk}", {"organisation_id": union().pk, "title": "x"}),
        ("get", f"/api/supervisions/{pk}/delegation", None),
        ("post", f"/api/supervisions/{pk}/delegation", {"role": "member", "name": "x"}),
        ("get", f"/api/supervisions/{pk}/sessions", None),
        ("post", f"/api/supervisions/{pk}/sessions", {"organisation_id": 1, "held_at": "2023-09-06T08:00:00Z"}),
        ("get", f"/api/supervision-sessions/{session}", None),
        ("get", f"/api/supervision-sessions/{session}/figures", None),
        ("get", f"/api/supervisions/{pk}/findings", None),
        ("post", f"/api/supervisions/{pk}/findings", {"kind": "result", "text": "x"}),
        ("get", f"/api/recommendations/{rec}", None),
        ("get", f"/api/recommendations/summary?supervision={pk}", None),
        (
            "post",
            f"/api/supervisions/{pk}/recommendations",
            {"text": "x", "addressee_ids": [1], "made_on": "2024-01-02"},
        ),
        ("get", f"/api/recommendations/{rec}/responses", None),
        ("post", f"/api/recommendations/{rec}/verify", {"confirm": True}),
        ("get", f"/api/documents/{doc}", None),
        ("patch", f"/api/documents/{doc}", {"summary": "x"}),
        ("post", f"/api/documents/{doc}/issue", None),
        ("delete", f"/api/documents/{doc}", None),
        ("get", f"/api/documents/{doc}/download", None),
        ("post", f"/api/supervisions/{pk}/documents", {"kind": "BC"}),
    ]
    for method, url, body in calls:
        response = (
            getattr(client, method)(url, body, content_type="application/json")
            if body
            else getattr(client, method)(url)
        )
        assert response.status_code == 404, (method, url, response.status_code, response.content[:200])
        assert "message" in response.json()
    answer = client.post(f"/api/recommendations/{rec}/responses", {"text": "x", "status": "implemented"})
    assert answer.status_code == 404
    lists = ["/api/supervisions", "/api/recommendations", "/api/documents"]
    for url in lists:
        assert client.get(url).json()["count"] == 0, url
    assert client.get("/api/recommendations/summary").json() == []


# --------------------------------------------------------------------------------------------- deadlines


def test_a_programme_links_to_its_year_written_plainly(client_for, supervisor, supervision):
    """A Vietnamese page writes 2023 as "2.023"; the link must not, or the filter is silently ignored."""
    services.do_save_programme(
        services.SupervisionProgramme(),
        acting_user=supervisor,
        fields={"organisation": union(), "year": 2023, "title": "Chương trình 2023 (thử)"},
    )
    later = build_supervision(supervisor)
    Supervision.objects.filter(pk=later.pk).update(
        start_on=datetime.date(2024, 3, 1), end_on=datetime.date(2024, 4, 1), title="Giám sát năm 2024"
    )
    client = client_for(supervisor)
    index = client.get(reverse("supervision:index")).content.decode()
    assert 'href="?year=2023"' in index
    listed = client.get(reverse("supervision:index") + "?year=2023").content.decode()
    assert supervision.title in listed and "Giám sát năm 2024" not in listed


def test_the_answer_deadline_counts_working_days_and_skips_tet(supervisor, supervision):
    (rec,) = recommend(supervision, supervisor, made_on=MADE_ON)
    # Friday 02/02/2024 + 5 working days: 5, 6, 7 February, then Tết (8–14), then 15 and 16 February.
    assert rec.due_on == datetime.date(2024, 2, 16)


def test_an_extra_day_off_entered_by_the_administrator_moves_the_deadline(supervisor, supervision):
    CalendarDay.objects.create(day=datetime.date(2024, 2, 15), kind="day_off", note="Nghỉ bù (thử)")
    (rec,) = recommend(supervision, supervisor, made_on=MADE_ON)
    assert rec.due_on == datetime.date(2024, 2, 19)


def test_changing_the_number_of_days_moves_every_deadline_of_the_supervision(supervisor, supervision):
    recs = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH), made_on=MADE_ON)
    services.do_save_supervision(supervision, acting_user=supervisor, fields={"response_days": 1})
    assert {r.due_on for r in Recommendation.objects.filter(pk__in=[r.pk for r in recs])} == {datetime.date(2024, 2, 5)}


def edit_form(supervision, **changes) -> dict:
    """The supervision's edit form as its page posts it (the seed's Đức Linh and Tánh Linh supervised)."""
    return {
        "organisation": union().pk,
        "title": supervision.title,
        "subject_text": supervision.subject_text,
        "supervised": [committee(f.DUC_LINH).pk, committee(f.TANH_LINH).pk],
        "start_on": "05/09/2023",
        "end_on": "31/10/2023",
        "response_days": "5",
        "status": supervision.status,
        "forms": ["sessions"],
    } | changes


def test_changing_the_number_of_days_on_the_web_form_moves_the_deadlines_and_is_audited(
    client_for, supervisor, supervision
):
    """The form had already copied the new number onto the supervision, so the service saw no change."""
    recs = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH), made_on=MADE_ON)
    response = client_for(supervisor).post(
        reverse("supervision:edit", args=[supervision.pk]), edit_form(supervision, response_days="1")
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert {r.due_on for r in Recommendation.objects.filter(pk__in=[r.pk for r in recs])} == {datetime.date(2024, 2, 5)}
    entry = AuditEntry.objects.filter(action="supervision.update", object_id=str(supervision.pk)).latest("pk")
    assert entry.changes["response_days"] == [5, 1]


def test_overdue_is_computed_and_ends_with_a_final_answer(supervisor, district_officer, duc_linh_rec):
    late = duc_linh_rec.due_on + datetime.timedelta(days=1)
    assert duc_linh_rec.is_overdue(late)
    assert Recommendation.objects.overdue(late).filter(pk=duc_linh_rec.pk).exists()
    assert not duc_linh_rec.is_overdue(duc_linh_rec.due_on)
    services.do_respond(duc_linh_rec, acting_user=district_officer, text="Đang làm.", status="in_progress")
    assert Recommendation.objects.overdue(late).filter(pk=duc_linh_rec.pk).exists()
    services.do_respond(duc_linh_rec, acting_user=district_officer, text="Xong.", status="implemented")
    assert not Recommendation.objects.overdue(late).filter(pk=duc_linh_rec.pk).exists()


def test_one_recommendation_to_several_addressees_is_one_row_each_with_the_same_item(supervisor, supervision):
    first = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    second = recommend(supervision, supervisor, codes=(f.DUC_LINH,))
    assert [r.item for r in first] == [1, 1]
    assert second[0].item == 2
    assert {r.addressee for r in first} == {committee(f.DUC_LINH), committee(f.TANH_LINH)}


def test_a_recommendation_without_addressee_is_refused(supervisor, supervision):
    with pytest.raises(ValidationError) as caught:
        services.do_create_recommendations(
            supervision,
            acting_user=supervisor,
            text="x",
            addressees=[],
            addressee_kind="supervised",
            priority="normal",
            made_on=MADE_ON,
        )
    assert "addressees" in caught.value.message_dict
    assert not Recommendation.objects.exists()


# --------------------------------------------------------------------------------------------- follow-up


def test_the_follow_up_goes_from_open_to_verified_and_then_locks(supervisor, district_officer, duc_linh_rec):
    rec = duc_linh_rec
    assert rec.status == RecommendationStatus.OPEN
    services.do_respond(rec, acting_user=district_officer, text="Đang rà soát.", status="in_progress")
    services.do_respond(rec, acting_user=district_officer, text="Đã ban hành kế hoạch.", status="implemented")
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.IMPLEMENTED
    services.do_verify(rec, acting_user=supervisor, confirm=True, note="Đã kiểm tra.")
    rec.refresh_from_db()
    assert rec.verified and rec.verified_by == supervisor
    with pytest.raises(services.FollowUpError):
        services.do_respond(rec, acting_user=district_officer, text="Thêm.", status="implemented")
    with pytest.raises(services.FollowUpError):
        services.do_verify(rec, acting_user=supervisor, confirm=True)
    actions = list(
        AuditEntry.objects.filter(content_type__model="recommendation", object_id=str(rec.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("recommendation.respond") == 2
    assert "recommendation.create" in actions and "recommendation.verify" in actions


def test_not_accepted_needs_a_reason(supervisor, district_officer, duc_linh_rec):
    with pytest.raises(ValidationError) as caught:
        services.do_respond(duc_linh_rec, acting_user=district_officer, text="Không.", status="not_accepted")
    assert "reason" in caught.value.message_dict
    assert not Response.objects.exists()
    services.do_respond(
        duc_linh_rec, acting_user=district_officer, text="Không.", status="not_accepted", reason="Ngoài thẩm quyền."
    )
    duc_linh_rec.refresh_from_db()
    assert duc_linh_rec.not_accepted_reason == "Ngoài thẩm quyền."


def test_reopening_sends_it_back_to_in_progress_and_needs_a_reason(supervisor, district_officer, duc_linh_rec):
    services.do_respond(duc_linh_rec, acting_user=district_officer, text="Xong.", status="partly_implemented")
    with pytest.raises(ValidationError):
        services.do_verify(duc_linh_rec, acting_user=supervisor, confirm=False, note="")
    services.do_verify(duc_linh_rec, acting_user=supervisor, confirm=False, note="Chưa có minh chứng.")
    duc_linh_rec.refresh_from_db()
    assert duc_linh_rec.status == RecommendationStatus.IN_PROGRESS
    assert not duc_linh_rec.verified
    # A new period from today: the first deadline (2024) made the reopened recommendation overdue at once.
    today = timezone.localdate()
    assert duc_linh_rec.due_on == services.due_date(today, duc_linh_rec.supervision.response_days)
    assert not duc_linh_rec.is_overdue(today)
    entry = AuditEntry.objects.filter(action="recommendation.reopen").latest("pk")
    assert entry.changes["due_on"][1] == str(duc_linh_rec.due_on)


def _reopened(rec, supervisor, district_officer):
    services.do_respond(rec, acting_user=district_officer, text="Xong.", status="implemented")
    return services.do_verify(rec, acting_user=supervisor, confirm=False, note="Chưa có minh chứng.")


def test_an_edit_keeps_the_deadline_a_reopening_gave_and_a_new_date_moves_an_open_ones(
    supervisor, district_officer, supervision
):
    """Every edit recomputed the deadline from the date made: a spelling fix put a reopened recommendation back
    to its first deadline, overdue at once."""
    reopened, still_open = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    reopened = _reopened(reopened, supervisor, district_officer)
    given = reopened.due_on
    edited = services.do_update_recommendation(
        reopened, acting_user=supervisor, fields={"text": "Sửa chính tả.", "made_on": datetime.date(2024, 2, 5)}
    )
    assert edited.due_on == given
    assert not edited.is_overdue(timezone.localdate())
    moved = services.do_update_recommendation(
        still_open, acting_user=supervisor, fields={"made_on": datetime.date(2024, 2, 19)}
    )
    assert moved.due_on == datetime.date(2024, 2, 26)


def test_a_new_number_of_days_moves_only_the_deadlines_counted_from_the_date_made(
    supervisor, district_officer, supervision
):
    """A reopened recommendation's deadline counts from its reopening, a verified one's is history: both were
    counted again from the date made."""
    (reopened,) = recommend(supervision, supervisor)
    (verified,) = recommend(supervision, supervisor)
    (still_open,) = recommend(supervision, supervisor, codes=(f.TANH_LINH,))
    reopened = _reopened(reopened, supervisor, district_officer)
    services.do_respond(verified, acting_user=district_officer, text="Xong.", status="implemented")
    services.do_verify(verified, acting_user=supervisor, confirm=True)
    services.do_save_supervision(supervision, acting_user=supervisor, fields={"response_days": 1})
    deadlines = dict(Recommendation.objects.values_list("pk", "due_on"))
    assert deadlines == {
        reopened.pk: reopened.due_on,
        verified.pk: datetime.date(2024, 2, 16),
        still_open.pk: datetime.date(2024, 2, 5),
    }


def test_verifying_needs_a_final_answer(supervisor, duc_linh_rec):
    with pytest.raises(services.FollowUpError):
        services.do_verify(duc_linh_rec, acting_user=supervisor, confirm=True)


def test_the_supervisor_cannot_answer_and_the_district_cannot_verify(
    client_for, supervisor, district_officer, duc_linh_rec
):
    assert client_for(supervisor).get(reverse("supervision:respond", args=[duc_linh_rec.pk])).status_code == 404
    services.do_respond(duc_linh_rec, acting_user=district_officer, text="Xong.", status="implemented")
    response = client_for(district_officer).post(reverse("supervision:verify", args=[duc_linh_rec.pk]), {"confirm": 1})
    assert response.status_code == 404
    duc_linh_rec.refresh_from_db()
    assert not duc_linh_rec.verified


def test_the_district_answers_with_an_evidence_file_through_the_page(client_for, district_officer, duc_linh_rec):
    client = client_for(district_officer)
    upload = SimpleUploadedFile("ke-hoach-khac-phuc.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("supervision:respond", args=[duc_linh_rec.pk]),
        {"status": "implemented", "text": "Đã ban hành kế hoạch khắc phục.", "files": [upload]},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.name, evidence.kind) == ("ke-hoach-khac-phuc.pdf", "pdf")
    page = client.get(reverse("supervision:recommendation", args=[duc_linh_rec.pk])).content.decode()
    assert "ke-hoach-khac-phuc.pdf" in page and "Đã thực hiện" in page
    download = client.get(reverse("supervision:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_answer_refused_for_another_field_asks_for_its_files_again(client_for, district_officer, duc_linh_rec):
    """The file field came back empty without a word, and the answer was then sent without its evidence."""
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    response = client_for(district_officer).post(
        reverse("supervision:respond", args=[duc_linh_rec.pk]),
        {"status": "not_accepted", "text": "Không tiếp thu.", "reason": "", "files": [upload]},
    )
    assert response.status_code == 400
    assert "Tệp đính kèm chưa được lưu (bien-ban.pdf); hãy chọn lại tệp trước khi gửi." in response.content.decode()
    assert not Evidence.objects.exists()
    # The button keeps its name from the recommendation's page ("Gửi trả lời", not "Lưu").
    assert '<button type="submit">Gửi trả lời</button>' in response.content.decode()


def test_an_evidence_files_name_is_kept_in_composed_unicode(client_for, district_officer, duc_linh_rec):
    """macOS and some phones send "Đức" decomposed (NFD); stored so, it matched no search and sorted apart."""
    name = unicodedata.normalize("NFD", "Biên bản Đức Linh.pdf")
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    response = client_for(district_officer).post(
        reverse("supervision:respond", args=[duc_linh_rec.pk]),
        {"status": "implemented", "text": "Đã khắc phục.", "files": [upload]},
    )
    assert response.status_code == 302
    assert Evidence.objects.get().name == unicodedata.normalize("NFC", name) == "Biên bản Đức Linh.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minh-chung.pdf", b"not really a pdf", "không phải là PDF"),
        ("minh-chung.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Word đời cũ"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "Chỉ nhận tệp"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_a_bad_evidence_file_is_refused_with_a_clear_message_and_nothing_is_saved(
    client_for, district_officer, duc_linh_rec, name, content, message
):
    response = client_for(district_officer).post(
        reverse("supervision:respond", args=[duc_linh_rec.pk]),
        {"status": "implemented", "text": "Đã thực hiện.", "files": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert name in html or not content  # Django itself refuses an empty file, before the content checks
    assert not Response.objects.exists() and not Evidence.objects.exists()
    duc_linh_rec.refresh_from_db()
    assert duc_linh_rec.status == RecommendationStatus.OPEN


def test_an_oversized_evidence_file_is_refused(settings, client_for, district_officer, duc_linh_rec):
    settings.GIAMSAT_MAX_UPLOAD_BYTES = 100
    response = client_for(district_officer).post(
        reverse("supervision:respond", args=[duc_linh_rec.pk]),
        {"status": "implemented", "text": "x", "files": [SimpleUploadedFile("a.pdf", PDF + b" " * 200)]},
    )
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not Response.objects.exists()


def test_the_answer_form_puts_each_error_next_to_its_field(client_for, district_officer, duc_linh_rec):
    response = client_for(district_officer).post(
        reverse("supervision:respond", args=[duc_linh_rec.pk]), {"status": "not_accepted", "text": ""}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Hãy ghi nội dung trả lời." in errors["text"]
    assert "Không tiếp thu thì phải nêu lý do." in errors["reason"]
    assert not Response.objects.exists()


def test_the_recommendation_page_shows_the_history_of_the_follow_up(
    client_for, supervisor, district_officer, duc_linh_rec
):
    services.do_respond(duc_linh_rec, acting_user=district_officer, text="Xong.", status="implemented")
    services.do_verify(duc_linh_rec, acting_user=supervisor, confirm=True, note="Đạt yêu cầu.")
    html = client_for(supervisor).get(reverse("supervision:recommendation", args=[duc_linh_rec.pk])).content.decode()
    # Named in words, not by the audit log's codes ("recommendation.respond", "open → implemented").
    for action in ("Đưa ra kiến nghị", "Trả lời kiến nghị", "Xác nhận kết quả"):
        assert action in html
    assert "recommendation.respond" not in html and "open → implemented" not in html
    assert f"{RecommendationStatus.OPEN.label} → {RecommendationStatus.IMPLEMENTED.label}" in html
    assert "Đã xác nhận" in html
    english = client_for(supervisor)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = english.get(reverse("supervision:recommendation", args=[duc_linh_rec.pk])).content.decode()
    assert "Recommendation made" in page and "Answer the recommendation" in page and "Result verified" in page


# --------------------------------------------------------------------------------------------- reminders


def test_reminders_go_before_and_after_the_deadline_once_each(supervisor, district_officer, duc_linh_rec):
    due = duc_linh_rec.due_on
    assert send_reminders(due - datetime.timedelta(days=10)) == {"before": 0, "after": 0}
    assert send_reminders(due - datetime.timedelta(days=2)) == {"before": 1, "after": 0}
    assert send_reminders(due - datetime.timedelta(days=1)) == {"before": 0, "after": 0}
    assert mail.outbox[0].to == [district_officer.email]
    assert "sắp đến hạn" in mail.outbox[0].subject
    late = due + datetime.timedelta(days=1)
    assert send_reminders(late) == {"before": 0, "after": 1}
    assert send_reminders(late) == {"before": 0, "after": 0}
    assert sorted(mail.outbox[1].to) == sorted([district_officer.email, supervisor.email])
    assert "quá hạn" in mail.outbox[1].subject
    # Weekly while it stays overdue; nothing once answered for good.
    assert send_reminders(late + datetime.timedelta(days=7)) == {"before": 0, "after": 1}
    services.do_respond(duc_linh_rec, acting_user=district_officer, text="Xong.", status="implemented")
    assert send_reminders(late + datetime.timedelta(days=14)) == {"before": 0, "after": 0}
    assert len(mail.outbox) == 3
    assert AuditEntry.objects.filter(action="recommendation.remind_after").count() == 2


def test_the_reminder_command_runs_and_says_what_it_sent(supervisor, district_officer, duc_linh_rec):
    out = io.StringIO()
    call_command("remind_recommendations", stdout=out)
    assert "quá hạn / overdue" in out.getvalue()
    assert len(mail.outbox) == 1  # the demo deadline of 2024 has passed
    call_command("remind_recommendations", stdout=io.StringIO())
    assert len(mail.outbox) == 1


# --------------------------------------------------------------------------------------------- screens


def test_a_supervisor_plans_a_supervision_through_the_form(client_for, supervisor, child_plan):
    response = client_for(supervisor).post(
        reverse("supervision:create"),
        {
            "organisation": union().pk,
            "title": "Giám sát Kế hoạch 1318 (thử)",
            "plans": [child_plan.plan.pk],
            "forms": ["sessions", "field_visit"],
            "supervised": [committee(f.DUC_LINH).pk, committee(f.TANH_LINH).pk],
            "start_on": "05/09/2023",
            "end_on": "31/10/2023",
            "response_days": "30",
            "status": "draft",
            "budget": "45000000",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    supervision = Supervision.objects.get(title="Giám sát Kế hoạch 1318 (thử)")
    assert supervision.forms == ["sessions", "field_visit"]
    assert supervision.start_on == datetime.date(2023, 9, 5)
    assert set(supervision.supervised.all()) == {committee(f.DUC_LINH), committee(f.TANH_LINH)}
    assert list(supervision.plans.all()) == [child_plan.plan]
    assert AuditEntry.objects.filter(action="supervision.create", object_id=str(supervision.pk)).exists()
    page = client_for(supervisor).get(reverse("supervision:edit", args=[supervision.pk])).content.decode()
    assert 'type="date"' not in page and "05/09/2023" in page


def test_the_supervision_form_refuses_bad_input_next_to_the_fields(client_for, supervisor):
    response = client_for(supervisor).post(
        reverse("supervision:create"),
        {
            "organisation": union().pk,
            "title": "Thử",
            "supervised": [committee(f.DUC_LINH).pk],
            "start_on": "31/10/2023",
            "end_on": "05/09/2023",
            "response_days": "30",
            "status": "draft",
            "reference": "45-KH",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in errors["end_on"]
    assert "Chọn kế hoạch được giám sát hoặc ghi nội dung được giám sát." in errors["subject_text"]
    assert "không đúng mẫu" in errors["reference"][0]
    assert not Supervision.objects.filter(title="Thử").exists()


def test_a_supervision_does_not_go_back_to_draft_once_its_plan_is_issued_or_recommendations_are_made(
    client_for, supervisor, district_officer
):
    """A draft is hidden from the supervised: set back to draft, the districts lost the issued plan and the
    recommendations they were answering."""
    supervision = build_supervision(supervisor, status=SupervisionStatus.DRAFT)
    plan = do_create_draft(supervision, DocumentKind.PLAN, acting_user=supervisor)
    do_issue(plan, acting_user=supervisor, on=datetime.date(2023, 8, 21))
    supervision.refresh_from_db()
    response = client_for(supervisor).post(
        reverse("supervision:edit", args=[supervision.pk]),
        edit_form(supervision, status=SupervisionStatus.DRAFT, reference=supervision.reference, issued_on="21/08/2023"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == [
        "Không chuyển về dự thảo được: cuộc giám sát đã có văn bản ban hành hoặc kiến nghị, các đơn vị được giám "
        "sát sẽ không xem được nữa."
    ]
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.PLANNED

    without_plan = build_supervision(supervisor)
    (rec,) = recommend(without_plan, supervisor)
    with pytest.raises(ValidationError) as refused:
        services.do_save_supervision(without_plan, acting_user=supervisor, fields={"status": SupervisionStatus.DRAFT})
    assert list(refused.value.message_dict) == ["status"]
    assert services.can_respond(district_officer, rec)


def test_the_session_page_shows_the_districts_report_figures_without_retyping(
    client_for, supervisor, plan_setup, district_officer
):
    request = plan_setup.request("dl", 2023)
    report = accepted_report(request, {plan_setup.ind("CT01"): 12, plan_setup.ind("CT02"): (95, 100)})
    supervision = build_supervision(supervisor, plans=[plan_setup.plan])
    session = add_session(supervision, supervisor, reports=[report])
    html = client_for(supervisor).get(reverse("supervision:session", args=[session.pk])).content.decode()
    assert "2/" in html  # targets met out of targets with data, from the achievement engine
    assert "12" in html and "100%" in html
    figures = client_for(district_officer).get(f"/api/supervision-sessions/{session.pk}/figures").json()
    (item,) = figures
    count = next(x for x in item["figures"] if x["code"] == "CT01")
    assert (Decimal(count["actual"]), Decimal(count["target"]), count["status"]) == (Decimal(12), Decimal(12), "met")


def test_a_session_opened_from_a_unit_offers_its_received_reports_in_a_fixed_number_of_queries(
    client_for, supervisor, plan_setup
):
    """The report list names each report's plan, unit and period: read with the reports, not one query each."""
    supervision = build_supervision(supervisor, plans=[plan_setup.plan])
    client = client_for(supervisor)
    url = reverse("supervision:session_create", args=[supervision.pk]) + f"?organisation={committee(f.DUC_LINH).pk}"
    accepted_report(plan_setup.request("tl", 2023), {plan_setup.ind("CT01"): 3})
    counts, offered = [], []
    for key, year in (("dl", 2022), ("dl", 2023)):
        accepted_report(plan_setup.request(key, year), {plan_setup.ind("CT01"): 5})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
        offered.append({r.request.unit_id for r in response.context["form"].fields["reports"].queryset})
    assert counts[0] == counts[1]
    assert offered[1] == {plan_setup.duc_linh.pk}  # Tánh Linh's report is not offered for Đức Linh's session
    assert len(response.context["form"].fields["reports"].queryset) == 2


def test_a_session_refuses_a_report_of_another_unit(client_for, supervisor, plan_setup):
    report = accepted_report(plan_setup.request("tl", 2023), {plan_setup.ind("CT01"): 3})
    supervision = build_supervision(supervisor, plans=[plan_setup.plan])
    response = client_for(supervisor).post(
        reverse("supervision:session_create", args=[supervision.pk]),
        {"organisation": committee(f.DUC_LINH).pk, "held_at": "06/09/2023 08:00", "reports": [report.pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reports"]
    assert not WorkingSession.objects.exists()


def test_a_limitation_without_a_category_is_refused_on_its_field(client_for, supervisor, supervision):
    response = client_for(supervisor).post(
        reverse("supervision:finding_create", args=[supervision.pk]), {"kind": "limitation", "text": "Hạn chế."}
    )
    assert response.status_code == 200
    assert "Hãy chọn nhóm hạn chế" in response.context["form"].errors["category"][0]
    assert not Finding.objects.exists()


def test_the_recommendation_form_makes_one_row_per_addressee(client_for, supervisor, supervision):
    response = client_for(supervisor).post(
        reverse("supervision:recommendation_create", args=[supervision.pk]),
        {
            "text": "Rà soát chỉ tiêu.",
            "addressee_kind": "supervised",
            "addressees": [committee(f.DUC_LINH).pk, committee(f.TANH_LINH).pk],
            "priority": "high",
            "made_on": "02/02/2024",
        },
    )
    assert response.status_code == 302
    assert Recommendation.objects.filter(item=1).count() == 2
    assert set(Recommendation.objects.values_list("due_on", flat=True)) == {datetime.date(2024, 2, 16)}


def test_the_recommendation_form_without_addressee_says_so(client_for, supervisor, supervision):
    response = client_for(supervisor).post(
        reverse("supervision:recommendation_create", args=[supervision.pk]),
        {"text": "x", "addressee_kind": "supervised", "priority": "high", "made_on": "31/02/2024"},
    )
    errors = response.context["form"].errors
    assert "Chọn ít nhất một nơi nhận kiến nghị." in errors["addressees"]
    assert "made_on" in errors
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("made_on", ["30/12/9999", "01/01/1999"])
def test_a_recommendation_date_outside_2000_to_2100_is_refused_on_its_field(
    client_for, api_client_for, supervisor, supervision, made_on
):
    """30/12/9999 passed the form: the deadline after it was past the last date Python holds, a server error."""
    response = client_for(supervisor).post(
        reverse("supervision:recommendation_create", args=[supervision.pk]),
        {
            "text": "Rà soát chỉ tiêu.",
            "addressee_kind": "supervised",
            "addressees": [committee(f.DUC_LINH).pk],
            "priority": "high",
            "made_on": made_on,
        },
    )
    assert response.context["form"].errors["made_on"] == ["Ngày kiến nghị phải trong các năm 2000–2100."]
    day, month, year = made_on.split("/")
    api = api_client_for(supervisor).post(
        f"/api/supervisions/{supervision.pk}/recommendations",
        {"text": "x", "addressee_ids": [committee(f.DUC_LINH).pk], "made_on": f"{year}-{month}-{day}"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["made_on"]
    assert not Recommendation.objects.exists()
    (rec,) = recommend(supervision, supervisor)
    with pytest.raises(ValidationError) as refused:
        services.do_update_recommendation(
            rec, acting_user=supervisor, fields={"made_on": datetime.date(int(year), int(month), int(day))}
        )
    assert list(refused.value.message_dict) == ["made_on"]


# --------------------------------------------------------------------------------------------- dashboards


def test_recommendations_by_addressee_count_each_status_and_the_overdue(
    client_for, supervisor, district_officer, supervision
):
    recs = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH), made_on=MADE_ON)
    recommend(supervision, supervisor, codes=(f.DUC_LINH,), made_on=datetime.date.today())
    services.do_respond(recs[0], acting_user=district_officer, text="Xong.", status="implemented")
    response = client_for(supervisor).get(reverse("supervision:recommendations"))
    rows = {row["addressee__name"]: row for row in response.context["summary"]}
    duc_linh, tanh_linh = rows[committee(f.DUC_LINH).name], rows[committee(f.TANH_LINH).name]
    assert (duc_linh["total"], duc_linh["n_implemented"], duc_linh["n_open"], duc_linh["overdue"]) == (2, 1, 1, 0)
    assert (tanh_linh["total"], tanh_linh["n_open"], tanh_linh["overdue"]) == (1, 1, 1)
    assert response.context["totals"]["overdue"] == 1


def test_the_recommendation_dashboard_costs_the_same_queries_for_more_rows(client_for, supervisor, supervision):
    client = client_for(supervisor)
    recommend(supervision, supervisor, codes=(f.DUC_LINH,))
    client.get(reverse("supervision:recommendations"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervision:recommendations"))
    for _ in range(4):
        recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("supervision:recommendations"))
    assert len(many) == len(few)


def test_limitation_categories_show_which_problems_recur(client_for, supervisor):
    first = build_supervision(supervisor)
    second = build_supervision(supervisor, codes=(f.TANH_LINH,))
    add_limitation(first, supervisor, category_index=6, session=add_session(first, supervisor, f.DUC_LINH))
    add_limitation(second, supervisor, category_index=6, session=add_session(second, supervisor, f.TANH_LINH))
    add_limitation(second, supervisor, category_index=0)
    response = client_for(supervisor).get(reverse("supervision:limitations"))
    rows = {row["category__name"]: row for row in response.context["categories"]}
    funding = rows[SEED_CATEGORIES[6]]
    assert (funding["supervisions"], funding["organisations"], funding["findings"]) == (2, 2, 2)
    assert rows[SEED_CATEGORIES[0]]["supervisions"] == 1
    assert response.context["categories"][0]["category__name"] == SEED_CATEGORIES[6]


def test_limitation_categories_count_only_the_recommendations_the_user_sees(
    client_for, supervisor, district_officer, supervision
):
    """The count of recommendations per category went through every recommendation made about the limitations,
    also those to units outside the user's jurisdiction."""
    limitation = add_limitation(supervision, supervisor, category_index=6)
    services.do_create_recommendations(
        supervision,
        acting_user=supervisor,
        text="Bố trí kinh phí cho công tác bảo vệ trẻ em.",
        addressees=[committee(f.DUC_LINH), committee(f.TANH_LINH)],
        addressee_kind=AddresseeKind.SUPERVISED,
        priority=Priority.HIGH,
        made_on=MADE_ON,
        findings=[limitation],
    )
    for user, expected in ((supervisor, 2), (district_officer, 1)):
        response = client_for(user).get(reverse("supervision:limitations"))
        rows = {row["category__name"]: row for row in response.context["categories"]}
        assert rows[SEED_CATEGORIES[6]]["recommendations"] == expected, user
        dashboard = client_for(user).get(reverse("dashboards:supervision"))
        rows = {row["category__name"]: row for row in dashboard.context["dash"].categories}
        assert rows[SEED_CATEGORIES[6]]["recommendations"] == expected, user


def test_the_one_page_overview_adds_up_the_supervision(client_for, supervisor, district_officer, supervision):
    add_session(supervision, supervisor)
    add_limitation(supervision, supervisor)
    recs = recommend(supervision, supervisor, codes=(f.DUC_LINH, f.TANH_LINH))
    services.do_respond(recs[0], acting_user=district_officer, text="Xong.", status="implemented")
    response = client_for(supervisor).get(reverse("supervision:overview", args=[supervision.pk]))
    totals = response.context["status_totals"]
    assert (totals["total"], totals["n_implemented"], totals["overdue"]) == (2, 1, 1)
    # The stylesheet's print rules for one A4 sheet key on this class (printed: tests/browser/test_print_browser.py).
    assert 'class="card overview"' in response.content.decode()


# --------------------------------------------------------------------------------------------- API


def test_the_api_creates_a_supervision_and_refuses_a_bad_reference_with_its_field(api_client_for, supervisor):
    client = api_client_for(supervisor)
    payload = {
        "organisation_id": union().pk,
        "title": "Giám sát qua API (thử)",
        "subject_text": "Kế hoạch thử",
        "supervised_ids": [committee(f.DUC_LINH).pk],
        "reference": "45-KH",
    }
    bad = client.post("/api/supervisions", payload, content_type="application/json")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["reference"]
    assert not Supervision.objects.filter(title="Giám sát qua API (thử)").exists()
    good = client.post("/api/supervisions", payload | {"reference": "45/KH-HLHPN"}, content_type="application/json")
    assert good.status_code == 201, good.content
    assert good.json()["schedule"][0]["organisation_id"] == committee(f.DUC_LINH).pk


def test_the_api_names_in_a_delegation_only_users_of_organisations_the_supervisor_sees(api_client_for, supervisor):
    """A member is of the supervising side: any active user could be named, and saw and changed the supervision."""
    hanoi = f.OrganisationFactory(name="Hội LHPN TP Hà Nội (thử)", unit=f.current_province(f.HANOI))
    stranger = f.SupervisorFactory(username="hn_sup", organisation=hanoi)
    supervision = build_supervision(supervisor)
    response = api_client_for(supervisor).post(
        f"/api/supervisions/{supervision.pk}/delegation",
        {"role": "member", "user_id": stranger.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not supervision.delegation.exists()
    assert not Supervision.objects.restrict(stranger, "view").filter(pk=supervision.pk).exists()


def test_the_api_follow_up_answer_with_a_file_then_verify(api_client_for, supervisor, district_officer, duc_linh_rec):
    district = api_client_for(district_officer)
    bad = district.post(
        f"/api/recommendations/{duc_linh_rec.pk}/responses",
        {"text": "Xong.", "status": "implemented", "files": [SimpleUploadedFile("a.pdf", b"nope")]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "files"
    assert not Response.objects.exists()
    good = district.post(
        f"/api/recommendations/{duc_linh_rec.pk}/responses",
        {"text": "Xong.", "status": "implemented", "files": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert good.status_code == 201, good.content
    assert good.json()["evidence"][0]["kind"] == "pdf"
    verify = api_client_for(supervisor).post(
        f"/api/recommendations/{duc_linh_rec.pk}/verify", {"confirm": True}, content_type="application/json"
    )
    assert verify.status_code == 200
    assert verify.json()["verified_at"]
    again = api_client_for(supervisor).post(
        f"/api/recommendations/{duc_linh_rec.pk}/verify", {"confirm": True}, content_type="application/json"
    )
    assert again.status_code == 409
    summary = api_client_for(supervisor).get("/api/recommendations/summary").json()
    assert summary[0]["by_status"]["implemented"] == 1


def test_the_api_refuses_a_limitation_without_category_with_its_field(api_client_for, supervisor, supervision):
    response = api_client_for(supervisor).post(
        f"/api/supervisions/{supervision.pk}/findings",
        {"kind": "limitation", "text": "Hạn chế."},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category"
    assert not Finding.objects.exists()


# --------------------------------------------------------------------------------------------- demo


def test_the_demo_tells_the_seeds_supervisions_and_loads_once(db, settings, tmp_path):
    from giamsat.demo.loader import load_demo
    from giamsat.demo.supervision import CHILD_TITLE, DISABILITY_TITLE, load_supervision
    from giamsat.documents.models import Document

    settings.HOME = tmp_path
    load_demo()
    load_supervision()
    counts = (Supervision.objects.count(), Recommendation.objects.count(), Document.objects.count())
    load_supervision()
    assert (Supervision.objects.count(), Recommendation.objects.count(), Document.objects.count()) == counts
    child = Supervision.objects.get(title=CHILD_TITLE)
    assert child.sessions.count() == 10
    assert child.delegation.get(role="head").user.username == "giamsat"
    used = set(child.findings.filter(kind="limitation").values_list("category__name", flat=True))
    assert used == set(SEED_CATEGORIES)
    today = datetime.date.today()
    recs = child.recommendations.all()
    assert recs.values("item").distinct().count() == 2
    assert recs.filter(status__in=["implemented", "partly_implemented", "in_progress"]).exists()
    assert recs.overdue(today).exists()
    report = Document.objects.get(supervision=child, kind="BC")
    assert report.status == "issued" and report.reference.endswith("/BC-HLHPN")
    assert child.sessions.filter(reports__status=ReportStatus.ACCEPTED).exists()
    second = Supervision.objects.get(title=DISABILITY_TITLE)
    assert second.supervised.get().name == "Sở Lao động - Thương binh và Xã hội tỉnh Bình Thuận"


def test_a_delegation_is_listed_head_deputies_members_secretary(supervisor, supervision):
    """Members came in the order they were entered: a deputy added after the secretary came after them, in the
    decision's Điều 1 too."""
    for role, name in (
        (MemberRole.SECRETARY, "Thư Ký Demo"),
        (MemberRole.MEMBER, "Thành Viên Demo"),
        (MemberRole.DEPUTY, "Phó Đoàn Demo"),
        (MemberRole.HEAD, "Trưởng Đoàn Demo"),
    ):
        services.do_add_member(supervision, acting_user=supervisor, fields={"role": role, "name": name})
    roles = list(supervision.delegation.values_list("role", flat=True))
    assert roles == [MemberRole.HEAD, MemberRole.DEPUTY, MemberRole.MEMBER, MemberRole.SECRETARY]


def test_a_new_supervision_has_the_supervisors_own_organisation_chosen(client_for, supervisor):
    """The only possible choice showed as "---------"."""
    form = client_for(supervisor).get(reverse("supervision:create")).context["form"]
    html = str(form["organisation"])
    assert "---------" not in html
    assert f'<option value="{union().pk}" selected>' in html
