"""A form sent twice is saved once (core.once): a second tap on a slow link, a reload of the answer, or Back and send
again made a second recommendation, session, service or draft."""

import re
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import factories as f
from giamsat.cases.models import Service
from giamsat.core.models import AuditEntry, SentForm
from giamsat.core.once import AlreadySent, sent_once
from giamsat.documents.models import Document
from giamsat.plans.models import Plan
from giamsat.supervision import services as supervision_services
from giamsat.supervision.models import Evidence, Recommendation, WorkingSession
from test_cases_fixtures import assess
from test_plans import plan_post
from test_supervision import PDF, build_supervision, committee, recommend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


pytest_plugins = ["plan_fixtures", "test_cases_fixtures"]

ALREADY = "Biểu mẫu này đã được gửi và lưu trước đó; hệ thống không lưu lần nữa."


def token_on(page) -> str:
    """The one-time token of the (first) form on a page, as the browser would send it back."""
    match = re.search(r'name="once" value="([^"]+)"', page.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def recommendation_post(**overrides) -> dict:
    return {
        "text": "Rà soát, bổ sung chỉ tiêu phòng, chống xâm hại trẻ em.",
        "addressee_kind": "supervised",
        "addressees": [committee(f.DUC_LINH).pk],
        "priority": "high",
        "made_on": "02/02/2024",
    } | overrides


@pytest.fixture
def supervision(supervisor):
    return build_supervision(supervisor)


def test_a_recommendation_sent_twice_is_recorded_once_and_the_repeat_is_told_so(client_for, supervisor, supervision):
    client = client_for(supervisor)
    url = reverse("supervision:recommendation_create", args=[supervision.pk])
    data = recommendation_post(once=token_on(client.get(url)))
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again.url == first.url == reverse("supervision:detail", args=[supervision.pk])
    assert Recommendation.objects.count() == 1
    assert ALREADY in said(again)
    # A new form (the page opened again) is a new recommendation.
    client.post(url, recommendation_post(once=token_on(client.get(url)), text="Bố trí cán bộ chuyên trách."))
    assert Recommendation.objects.count() == 2


def test_a_form_refused_by_the_service_keeps_its_token_and_is_saved_once_corrected(client_for, supervisor, supervision):
    """The refusal rolled the claim back with the save: the corrected form, with the same token, is not a repeat."""
    client = client_for(supervisor)
    url = reverse("supervision:recommendation_create", args=[supervision.pk])
    token = token_on(client.get(url))
    refused = client.post(url, recommendation_post(once=token, made_on="01/01/2023"))  # before the supervision began
    assert refused.status_code == 200
    assert "trước ngày bắt đầu giám sát" in refused.content.decode()
    assert token_on(refused) == token
    assert not SentForm.objects.exists()
    saved = client.post(url, recommendation_post(once=token))
    assert saved.status_code == 302
    assert Recommendation.objects.count() == 1
    assert ALREADY not in said(saved)


def test_a_new_session_sent_twice_leads_both_times_to_the_one_session(client_for, supervisor, supervision):
    client = client_for(supervisor)
    url = reverse("supervision:session_create", args=[supervision.pk])
    data = {
        "organisation": committee(f.DUC_LINH).pk,
        "held_at": "12/09/2023 08:00",
        "place": "Hội trường UBND huyện Đức Linh",
        "once": token_on(client.get(url)),
    }
    first, again = client.post(url, data), client.post(url, data)
    session = WorkingSession.objects.get()
    assert first.url == again.url == reverse("supervision:session", args=[session.pk])
    assert ALREADY in said(again)


def test_an_edit_sent_twice_is_not_taken_for_a_colleagues_change(client_for, supervisor, supervision):
    """The second post of the same edit found the recommendation changed (by the first) and warned of a colleague."""
    (rec,) = recommend(supervision, supervisor)
    client = client_for(supervisor)
    url = reverse("supervision:recommendation_edit", args=[rec.pk])
    page = client.get(url)
    data = {
        "text": "Rà soát lại toàn bộ chỉ tiêu.",
        "addressee_kind": rec.addressee_kind,
        "priority": rec.priority,
        "made_on": rec.made_on.strftime("%d/%m/%Y"),
        "seen": page.context["form"]["seen"].value(),
        "once": token_on(page),
    }
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert ALREADY in said(again)
    rec.refresh_from_db()
    assert rec.text == "Rà soát lại toàn bộ chỉ tiêu."


def test_a_draft_document_asked_for_twice_is_made_once(client_for, supervisor, supervision):
    client = client_for(supervisor)
    page = client.get(reverse("supervision:detail", args=[supervision.pk]))
    url = reverse("documents:create", args=[supervision.pk, "KH"])
    first = client.post(url, {"once": token_on(page)})
    again = client.post(url, {"once": token_on(page)})
    document = Document.objects.get()
    assert first.url == again.url == reverse("documents:detail", args=[document.pk])
    assert ALREADY in said(again)


def test_a_plan_sent_twice_is_not_refused_for_its_own_number(client_for, province_officer):
    """The repeat is answered before its form is checked: otherwise it said the plan's number was taken."""
    client = client_for(province_officer)
    data = plan_post(once=token_on(client.get(reverse("plans:create"))))
    first, again = client.post(reverse("plans:create"), data), client.post(reverse("plans:create"), data)
    plan = Plan.objects.get(reference="4525/KH-UBND")
    assert first.url == again.url == reverse("plans:detail", args=[plan.pk])
    assert ALREADY in said(again)


def test_a_service_given_to_a_child_sent_twice_is_recorded_once(case, commune_worker, client_for):
    client = client_for(commune_worker)
    url = reverse("cases:service", args=[case.pk])
    data = {
        "kind": "counselling",
        "provider": "Phòng Văn hóa - Xã hội xã Đức Linh",
        "delivered_at_0": timezone.localdate().strftime("%d/%m/%Y"),
        "delivered_at_1": timezone.localtime().strftime("%H:%M"),
        "outcome": "ongoing",
        "once": token_on(client.get(url)),
    }
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert Service.objects.filter(case=case).count() == 1
    assert ALREADY in said(again)


def test_a_plan_approved_twice_is_told_it_was_saved_not_that_there_is_no_plan(case, commune_worker, chair, client_for):
    """After the first approval no plan awaits a decision: the page answered the repeat with a 404."""
    assess(case, commune_worker)
    client_for(commune_worker).post(
        reverse("cases:plan", args=[case.pk]), {"objectives": "An toàn", "activities": "Tư vấn", "submit": "1"}
    )
    boss = client_for(chair)
    url = reverse("cases:plan_decide", args=[case.pk])
    data = {"decision_number": "03/QĐ-UBND", "approve": "1", "once": token_on(boss.get(url))}
    first, again = boss.post(url, data), boss.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again.url == reverse("cases:detail", args=[case.pk])
    assert ALREADY in said(again)
    assert case.plans.get().status == "approved"


def test_a_token_is_claimed_at_its_own_address(supervisor, supervision):
    """The same token sent to another address (a form it was not made for) is not taken for a repeat there."""
    for path in ("/supervision/1/recommendations/new/", "/supervision/1/sessions/new/"):
        request = RequestFactory().post(path, {"once": "z" * 22})
        request.user = supervisor
        with sent_once(request) as sent:
            sent.leads_to(path)
    assert SentForm.objects.filter(token="z" * 22).count() == 2


def test_an_answers_file_is_deleted_when_the_forms_transaction_fails_after_the_answer_was_saved(
    supervisor, district_officer, supervision, media_root
):
    """The answer's own transaction is a savepoint of the claim's: its evidence file must go if the claim's
    transaction fails after it (at the commit, say), as it went when the answer's own transaction failed."""
    (rec,) = recommend(supervision, supervisor)
    request = RequestFactory().post("/respond/", {"once": "e" * 22})
    request.user = district_officer
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    with pytest.raises(RuntimeError), sent_once(request):
        supervision_services.do_respond(
            rec, acting_user=district_officer, text="Đã làm.", status="implemented", files=[(upload, "pdf")]
        )
        assert Evidence.objects.count() == 1
        raise RuntimeError("the commit failed")
    assert not Evidence.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_a_post_without_a_token_is_saved_as_before(client_for, supervisor, supervision):
    """Pages opened before the upgrade, and scripts, send no token: nothing to tell a repeat by."""
    client = client_for(supervisor)
    url = reverse("supervision:recommendation_create", args=[supervision.pk])
    client.post(url, recommendation_post())
    client.post(url, recommendation_post())
    assert Recommendation.objects.count() == 2


def test_a_token_is_its_senders_and_its_addresss_own(client_for, supervisor, supervision, outsider):
    """Another user's form with the same token is saved; an outsider who sends their own earlier token to this
    supervision's address gets the 404 of anyone who may not see it, not the way to the earlier save."""
    url = reverse("supervision:recommendation_create", args=[supervision.pk])
    colleague = f.UserFactory(role=supervisor.role, organisation=supervisor.organisation, unit=supervisor.unit)
    client_for(supervisor).post(url, recommendation_post(once="t" * 22))
    client_for(colleague).post(url, recommendation_post(once="t" * 22, text="Kiến nghị khác."))
    assert Recommendation.objects.count() == 2
    SentForm.objects.create(user=outsider, token="u" * 22, path="/somewhere/", url="/somewhere/done/")
    assert client_for(outsider).post(url, recommendation_post(once="u" * 22)).status_code == 404


def test_a_repeat_that_reaches_the_save_is_stopped_there(supervisor):
    """The repeat that arrives while the first post is being saved passes the view's early check; the claim in the
    save's transaction stops it (on PostgreSQL it waits for the first transaction to end)."""
    request = RequestFactory().post("/supervision/1/recommendations/new/", {"once": "v" * 22})
    request.user = supervisor
    runs = []
    with sent_once(request) as sent:
        runs.append(1)
        sent.leads_to("/supervision/1/")
    with pytest.raises(AlreadySent) as repeat, sent_once(request):
        runs.append(2)
    assert runs == [1]
    assert repeat.value.url == "/supervision/1/"


def test_a_bad_token_is_no_token(supervisor):
    """A token of another shape (typed into the address, too long) is ignored, not stored."""
    for token in ("", "short", "x" * 44, "<script>alert(1)</script>xxxxxxxxxx"):
        request = RequestFactory().post("/p/", {"once": token})
        request.user = supervisor
        with sent_once(request) as sent:
            sent.leads_to("/done/")
    assert not SentForm.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_posts_of_one_form_arriving_together_save_once():
    """Six copies of one form at the same moment: one saves, the others wait for it and are told where it led."""
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database cannot be shared by threads; IMMEDIATE transactions serialise")
    user = f.UserFactory(username="thuky_thu")
    copies = 6
    barrier = threading.Barrier(copies)
    outcomes: list = []

    def send():
        request = RequestFactory().post("/supervision/1/recommendations/new/", {"once": "w" * 22})
        request.user = user
        try:
            barrier.wait(timeout=30)
            with sent_once(request) as sent:
                AuditEntry.objects.create(actor=user, action="test.saved")
                time.sleep(0.2)  # the others arrive while this save is under way
                sent.leads_to("/supervision/1/")
            outcomes.append("saved")
        except AlreadySent as exc:
            outcomes.append(exc.url)
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes, key=str) == ["/supervision/1/"] * (copies - 1) + ["saved"]
    assert AuditEntry.objects.filter(action="test.saved").count() == 1
