"""A case from intake to closure through the services: forwarding and notification, assessments, the emergency
measure, the plan and its approval, services, consent before referral, review, closure, reopening, archiving and
erasure; bad input is refused with a message per field and saves nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

import factories as f
from giamsat.accounts.roles import Role
from giamsat.cases import clock, queries, services
from giamsat.cases.choices import (
    AssessmentKind,
    CaseStatus,
    ChildConsent,
    ClosureReason,
    ConsentBasis,
    ReferralStatus,
    ReviewOutcome,
    RiskLevel,
)
from giamsat.cases.models import Case, CaseAssignment, CaseHarm, CaseSettings, ReminderSent
from giamsat.cases.reminders import send_reminders
from giamsat.core.models import AuditEntry, CalendarDay
from giamsat.units.models import Organisation
from test_cases_fixtures import CHILD, approved_plan, assess, intake_data, new_case

pytest_plugins = ["test_cases_fixtures"]

H = datetime.timedelta(hours=1)


def states(case):
    return {s.step.value: s.state.value for s in services.case_clock(case)}


# --------------------------------------------------------------------------------------------- intake


def test_a_hotline_intake_is_forwarded_and_the_commune_is_told(
    hotline_operator, commune_worker, chair, duc_linh, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.GIAMSAT_BASE_URL = "https://giamsat.example.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case(hotline_operator, duc_linh)
    case.refresh_from_db()
    assert case.code.startswith(f"VV-{timezone.localdate().year}-")
    assert case.status == CaseStatus.ASSESSING
    assert case.forwarded_at is not None and not case.received_by_commune
    assert sorted(CaseHarm.objects.filter(case=case).values_list("kind", flat=True)) == ["violence"]
    recipients = sorted(r for m in mailoutbox for r in m.to)
    assert recipients == sorted([commune_worker.email, chair.email])
    [mail] = mailoutbox
    assert case.code in mail.subject
    assert CHILD not in mail.body and "Thôn Demo" not in mail.body  # e-mail carries no identity
    assert f"https://giamsat.example.gov.vn/cases/{case.pk}/" in mail.body  # a link that opens from a mail client
    entry = AuditEntry.objects.get(action="case.intake", object_id=str(case.pk))
    assert CHILD not in str(entry.changes) and entry.object_repr == case.code
    assert states(case)["forward"] == "done"


def test_a_case_kept_by_the_hotline_is_seen_by_its_recorder_until_forwarded(hotline_operator, duc_linh):
    case = new_case(hotline_operator, duc_linh, forward_now=False)
    assert case.status == CaseStatus.RECEIVED
    assert services.can(hotline_operator, case, "view")
    assert services.can_identify(hotline_operator, case)
    services.do_forward(case, acting_user=hotline_operator)
    assert not services.can(hotline_operator, case, "view")


def test_a_role_that_may_not_forward_gets_404_even_on_a_forwarded_case(case, province_officer):
    """A province officer sees the case but may not forward it: they were told "already forwarded" (409)."""
    assert services.can(province_officer, case, "view")
    with pytest.raises(Http404):
        services.do_forward(case, acting_user=province_officer)


def test_the_commune_receiving_a_report_itself_needs_no_forwarding(commune_worker, duc_linh):
    case = new_case(commune_worker, duc_linh, channel="direct")
    assert case.received_by_commune
    assert "forward" not in states(case)


def test_sexual_abuse_sub_forms_count_under_sexual_abuse(hotline_operator, duc_linh):
    case = new_case(hotline_operator, duc_linh, harms=["sexual_molestation"])
    assert set(case.harm_codes()) == {"sexual_abuse", "sexual_molestation"}


def test_bad_intake_gives_a_message_per_field_and_saves_nothing(hotline_operator, vo_xu):
    before = Case.objects.count()
    bad = intake_data(
        vo_xu,  # a legacy township, not valid today
        received_at=timezone.now() + datetime.timedelta(days=1),
        child_birth_date=datetime.date(2000, 1, 1),
        harms=[],
        narrative="  ",
        sex="",
    )
    with pytest.raises(ValidationError) as caught:
        services.do_intake(bad, acting_user=hotline_operator)
    errors = caught.value.message_dict
    assert set(errors) >= {"received_at", "harms", "narrative", "sex"}
    assert "tương lai" in errors["received_at"][0]
    assert Case.objects.count() == before


def test_a_commune_must_be_valid_when_the_report_was_received(hotline_operator, vo_xu, duc_linh):
    with pytest.raises(ValidationError) as caught:
        services.do_intake(intake_data(vo_xu), acting_user=hotline_operator)
    assert "Thị trấn Võ Xu" in caught.value.message_dict["commune"][0]
    old = timezone.make_aware(datetime.datetime(2023, 3, 1, 8))
    with pytest.raises(ValidationError):
        services.do_intake(intake_data(duc_linh, received_at=old), acting_user=hotline_operator)
    assert services.do_intake(intake_data(vo_xu, received_at=old), acting_user=hotline_operator).pk


def test_a_person_of_16_is_not_a_child(hotline_operator, duc_linh):
    with pytest.raises(ValidationError) as caught:
        new_case(hotline_operator, duc_linh, child_birth_date=datetime.date(2005, 1, 1))
    assert "16 tuổi" in caught.value.message_dict["child_birth_date"][0]


def test_a_second_report_about_the_same_child_is_flagged_across_the_reform(
    commune_worker, hotline_operator, legacy_case, duc_linh
):
    # Same child (accents and case differ), same birth year, in the commune that took over Võ Xu.
    again = new_case(
        hotline_operator, duc_linh, child_name="LE VAN CU demo", child_birth_date=datetime.date(2012, 7, 7), sex="male"
    )
    assert again.possible_duplicate
    assert services.possible_duplicates(again) == [legacy_case.pk]
    other = new_case(
        hotline_operator, duc_linh, child_name="Lê Văn Cũ Demo", child_birth_date=datetime.date(2013, 1, 1)
    )
    assert not other.possible_duplicate


def test_nobody_without_intake_permission_records_a_case(supervisor, duc_linh):
    with pytest.raises(Http404):
        new_case(supervisor, duc_linh)


# --------------------------------------------------------------------------------------------- steps


def test_the_whole_path_from_high_risk_to_closure(
    case, commune_worker, chair, mailoutbox, django_capture_on_commit_callbacks
):
    assess(case, commune_worker, RiskLevel.HIGH, protection="intervention")
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING and case.emergency_required
    assert states(case)["emergency"] in ("on_time", "due_soon")

    services.do_emergency(
        case,
        acting_user=commune_worker,
        kind="separation",
        taken_at=timezone.now() - 20 * datetime.timedelta(minutes=1),
    )
    case.refresh_from_db()
    assert states(case)["emergency"] == "done"
    assert case.first_intervention_at is not None
    assert 90 <= case.minutes_to_intervention <= 110

    services.do_assess(
        case,
        acting_user=commune_worker,
        kind=AssessmentKind.DETAILED,
        assessed_at=timezone.now(),
        findings="Ổn",
        needs="Tâm lý",
    )
    mailoutbox.clear()
    services.do_save_plan(case, acting_user=commune_worker, objectives="An toàn", activities="Tư vấn")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_submit_plan(case, acting_user=commune_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_APPROVAL
    assert [m.to for m in mailoutbox] == [[chair.email]]
    # The chair is told by when to approve, as the case page's clock says (Vietnam time).
    due = timezone.localtime(case.approval_due_at, datetime.timezone(datetime.timedelta(hours=7)))
    assert f"Hạn phê duyệt: {due:%d/%m/%Y %H:%M}" in mailoutbox[0].body
    with pytest.raises(Http404):  # the worker does not approve
        services.do_decide_plan(case, acting_user=commune_worker, approve=True)
    with pytest.raises(ValidationError):  # returning needs a comment
        services.do_decide_plan(case, acting_user=chair, approve=False)
    services.do_decide_plan(case, acting_user=chair, approve=True, decision_number="15/QĐ-UBND")
    case.refresh_from_db()
    assert case.status == CaseStatus.IMPLEMENTING
    assert states(case)["plan"] == "done" and states(case)["approval"] == "done"

    services.do_add_service(
        case,
        acting_user=commune_worker,
        kind="counselling",
        provider="Trung tâm CTXH Demo",
        delivered_at=timezone.now(),
        outcome="completed",
    )
    with pytest.raises(ValidationError):  # closing needs no risk and a stable child
        services.do_review(
            case,
            acting_user=commune_worker,
            assessed_at=timezone.now(),
            risk_level=RiskLevel.LOW,
            child_stable=True,
            outcome=ReviewOutcome.CLOSE,
        )
    services.do_review(
        case,
        acting_user=commune_worker,
        assessed_at=timezone.now(),
        risk_level=RiskLevel.NONE,
        child_stable=True,
        outcome=ReviewOutcome.CLOSE,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.RESOLVED
    assert case.next_due_at is None
    assert {s.state for s in services.case_clock(case)} <= {clock.State.DONE, clock.State.DONE_LATE}


def test_a_review_can_start_a_new_plan_cycle(case, commune_worker, chair):
    assess(case, commune_worker)
    approved_plan(case, commune_worker, chair)
    services.do_review(
        case,
        acting_user=commune_worker,
        assessed_at=timezone.now(),
        risk_level=RiskLevel.MEDIUM,
        child_stable=False,
        outcome=ReviewOutcome.NEW_CYCLE,
    )
    case.refresh_from_db()
    assert case.cycle == 2 and case.status == CaseStatus.PLANNING
    steps = states(case)
    assert steps["initial_assessment"] == "done" and steps["plan"] in ("on_time", "due_soon")
    approved_plan(case, commune_worker, chair)
    assert case.plans.count() == 2


def test_a_review_in_the_minute_of_the_approval_counts_and_one_before_it_is_refused(case, commune_worker, chair):
    """A review typed at the current minute, seconds before the approval's stored time, was accepted and never
    counted: the review step stayed open and would have fallen overdue."""
    assess(case, commune_worker)
    approved_plan(case, commune_worker, chair)
    approved_at = case.plans.get().approved_at
    review = {
        "acting_user": commune_worker,
        "risk_level": RiskLevel.MEDIUM,
        "child_stable": False,
        "outcome": ReviewOutcome.CONTINUE,
    }
    with pytest.raises(ValidationError) as refused:
        services.do_review(case, assessed_at=approved_at - datetime.timedelta(minutes=2), **review)
    assert "Rà soát phải từ lúc kế hoạch được phê duyệt" in str(refused.value.message_dict["assessed_at"])
    reviewed_at = approved_at.replace(second=0, microsecond=0)
    services.do_review(case, assessed_at=reviewed_at, **review)
    # Counted: the next review falls due review_days after it.
    [step] = [s for s in services.case_clock(case) if s.step.value == "review"]
    assert step.due == reviewed_at + datetime.timedelta(days=CaseSettings.current().review_days)


def test_a_plan_that_goes_on_falls_due_for_review_again(case, commune_worker, chair):
    """After a review whose outcome was "go on", the case had nothing left to fall due: no overdue list, no
    reminder, ever. The next review is due review_days after the last."""
    assess(case, commune_worker)
    services.do_assess(
        case, acting_user=commune_worker, kind=AssessmentKind.DETAILED, assessed_at=timezone.now(), findings="Ổn",
        needs="Tâm lý",
    )  # fmt: skip
    approved_plan(case, commune_worker, chair)
    case.refresh_from_db()
    assert case.next_step == "review"
    review = {"risk_level": RiskLevel.MEDIUM, "child_stable": False, "outcome": ReviewOutcome.CONTINUE}
    reviewed_at = timezone.now().replace(second=0, microsecond=0)
    services.do_review(case, acting_user=commune_worker, assessed_at=reviewed_at, **review)
    case.refresh_from_db()
    days = datetime.timedelta(days=CaseSettings.current().review_days)
    assert (case.status, case.next_step, case.next_due_at) == (CaseStatus.IMPLEMENTING, "review", reviewed_at + days)
    later = timezone.now() + days + datetime.timedelta(days=1)
    assert Case.objects.filter(pk=case.pk, next_due_at__lt=later).exists()  # the overdue list will show it
    assert states(case)["review"] == "on_time"


def _plan_statistic(case, now):
    return Case.objects.filter(pk=case.pk).aggregate(**queries.step_aggregates([queries.RULES["plan"]], now))


def test_a_case_nobody_assessed_counts_in_the_five_day_plan_statistic(hotline_operator, duc_linh):
    """Its plan was overdue on its clock, yet the most neglected cases were left out of the legal 5-day rate."""
    case = new_case(hotline_operator, duc_linh, received_at=timezone.now() - datetime.timedelta(days=30))
    assert _plan_statistic(case, timezone.now()) == {"plan_n": 1, "plan_ok": 0}


def test_reopening_a_case_leaves_its_first_cycles_statistics_as_they_were(case, commune_worker):
    """Closed before its plan fell due, the plan was "not needed"; reopened (no closure date any more), it counted
    as a late plan of the first cycle."""
    assess(case, commune_worker)
    services.do_close(case, acting_user=commune_worker, reason=ClosureReason.OTHER, note="Gia đình chuyển đi")
    later = timezone.now() + datetime.timedelta(days=30)
    assert _plan_statistic(case, later) == {"plan_n": 0, "plan_ok": 0}
    services.do_reopen(case, acting_user=commune_worker, reason="Có thông tin mới")
    assert _plan_statistic(case, later) == {"plan_n": 0, "plan_ok": 0}


def test_a_step_of_a_new_cycle_cannot_be_dated_before_the_cycle_began(case, commune_worker):
    assess(case, commune_worker)
    services.do_close(case, acting_user=commune_worker, reason=ClosureReason.OTHER, note="Gia đình chuyển đi")
    services.do_reopen(case, acting_user=commune_worker, reason="Có thông tin mới")
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        assess(case, commune_worker, at=case.cycle_started_at - datetime.timedelta(hours=1))
    assert "Thời điểm trước khi bắt đầu chu kỳ 2" in str(refused.value.message_dict["assessed_at"])
    assess(case, commune_worker, at=case.cycle_started_at.replace(second=0, microsecond=0))


def test_a_new_risk_assessment_leaves_a_plan_waiting_for_approval_waiting(case, commune_worker):
    """It set the case back to "planning" while the plan was with the chair, and the plan could not be sent again."""
    assess(case, commune_worker)
    services.do_save_plan(case, acting_user=commune_worker, objectives="An toàn", activities="Tư vấn")
    services.do_submit_plan(case, acting_user=commune_worker)
    assess(case, commune_worker, RiskLevel.HIGH, at=timezone.now())
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_APPROVAL


def test_the_emergency_twelve_hours_may_run_from_the_assessment_that_raised_the_risk(
    hotline_operator, commune_worker, duc_linh
):
    """Assessed medium, then high three days later: counted from receipt, the measure is overdue the moment the risk
    is known. A province that reads the decree otherwise sets CaseSettings.emergency_from_escalation."""
    now = timezone.now().replace(second=0, microsecond=0)
    case = new_case(hotline_operator, duc_linh, received_at=now - 72 * H)
    assess(case, commune_worker, RiskLevel.MEDIUM, at=now - 71 * H)
    assess(case, commune_worker, RiskLevel.HIGH, at=now - H)
    case.refresh_from_db()
    emergency = {s.step: s for s in services.case_clock(case)}[clock.Step.EMERGENCY]
    assert emergency.due == case.received_at + 12 * H and emergency.state == clock.State.OVERDUE
    CaseSettings.objects.create(emergency_from_escalation=True)
    assert services.clocks_stale()
    services.refresh_open_clocks()
    case.refresh_from_db()
    emergency = {s.step: s for s in services.case_clock(case)}[clock.Step.EMERGENCY]
    assert emergency.due == now + 11 * H and emergency.state == clock.State.ON_TIME
    assert case.emergency_due_at == emergency.due  # stored for the statistics


def test_a_closed_case_can_be_reopened_and_archived(case, commune_worker):
    assess(case, commune_worker, RiskLevel.NONE, protection="prevention")
    services.do_close(case, acting_user=commune_worker, reason=ClosureReason.UNFOUNDED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(services.CaseError):
        services.do_add_service(
            case,
            acting_user=commune_worker,
            kind="health",
            provider="x",
            delivered_at=timezone.now(),
            outcome="completed",
        )
    services.do_reopen(case, acting_user=commune_worker, reason="Tin báo mới")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSING and case.cycle == 2 and case.closed_at is None
    assert states(case)["initial_assessment"] in ("on_time", "due_soon")
    assess(case, commune_worker, RiskLevel.NONE, protection="prevention", at=timezone.now())
    services.do_close(case, acting_user=commune_worker, reason=ClosureReason.UNFOUNDED)
    services.do_archive(case, acting_user=commune_worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.ARCHIVED


def test_closing_for_another_reason_needs_a_note(case, commune_worker):
    with pytest.raises(ValidationError) as caught:
        services.do_close(case, acting_user=commune_worker, reason=ClosureReason.OTHER)
    assert "note" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.do_close(case, acting_user=commune_worker, reason=ClosureReason.RESOLVED)
    assert "reason" in caught.value.message_dict


def test_steps_cannot_be_dated_before_the_report_or_in_the_future(case, commune_worker):
    with pytest.raises(ValidationError) as caught:
        services.do_emergency(case, acting_user=commune_worker, kind="separation", taken_at=case.received_at - H)
    assert "taken_at" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.do_add_service(
            case,
            acting_user=commune_worker,
            kind="health",
            provider="Trạm y tế",
            delivered_at=timezone.now() + 2 * H,
            outcome="completed",
        )
    assert not case.emergency_measures.exists() and not case.services.exists()


def test_the_chair_may_record_the_emergency_measure(case, commune_worker, chair):
    assess(case, commune_worker, RiskLevel.HIGH)
    services.do_emergency(case, acting_user=chair, kind="placement", taken_at=timezone.now())
    assert case.emergency_measures.count() == 1


def test_the_late_family_is_a_reason_the_worker_records(case, commune_worker):
    services.do_record_delay(case, acting_user=commune_worker, reason="family_late", note="Gia đình báo sau 2 tuần")
    case.refresh_from_db()
    assert case.get_delay_reason_display() == "Gia đình chậm báo tin"


def test_offender_handling_is_a_status_with_history_in_the_audit(case, commune_worker):
    services.do_set_offender_status(case, acting_user=commune_worker, status="reported")
    services.do_set_offender_status(case, acting_user=commune_worker, status="prosecuted")
    changes = [e.changes["offender_status"] for e in AuditEntry.objects.filter(action="case.offender").order_by("pk")]
    assert changes == [["unknown", "reported"], ["reported", "prosecuted"]]


# --------------------------------------------------------------------------------------------- consent


def _consent(case, worker, **overrides):
    data = {
        "basis": ConsentBasis.CONSENT,
        "given_at": timezone.now() - datetime.timedelta(minutes=5),
        "child_consent": ChildConsent.YES,
        "guardian_consented": True,
        "guardian_name": "Mẹ Của Bé Demo",
        "scope": "Chia sẻ với Trung tâm CTXH để tư vấn tâm lý",
    }
    data.update(overrides)
    return services.do_record_consent(case, acting_user=worker, **data)


def _refer(case, worker, consent):
    return services.do_refer(
        case,
        acting_user=worker,
        consent=consent,
        to_name="Trung tâm CTXH Demo",
        reason="Tư vấn",
        referred_at=timezone.now(),
    )


def test_a_referral_without_consent_is_refused(case, commune_worker):
    with pytest.raises(ValidationError) as caught:
        _refer(case, commune_worker, None)
    assert "đồng ý" in caught.value.message_dict["consent"][0]
    assert not case.referrals.exists()


def test_a_child_of_seven_or_more_must_agree_too(case, commune_worker):
    # Born 04/3/2016: 7 or more today.
    refused = _consent(case, commune_worker, child_consent=ChildConsent.NO)
    with pytest.raises(ValidationError):
        _refer(case, commune_worker, refused)
    with pytest.raises(ValidationError) as caught:
        _consent(case, commune_worker, child_consent=ChildConsent.UNDER_SEVEN)
    assert "7 tuổi" in caught.value.message_dict["child_consent"][0]
    agreed = _consent(case, commune_worker)
    assert _refer(case, commune_worker, agreed).status == ReferralStatus.PENDING


def test_for_a_child_under_seven_the_parent_s_consent_is_enough(hotline_operator, commune_worker, duc_linh):
    young = new_case(
        hotline_operator, duc_linh, child_birth_date=timezone.localdate() - datetime.timedelta(days=365 * 4)
    )
    consent = _consent(young, commune_worker, child_consent=ChildConsent.UNDER_SEVEN)
    assert _refer(young, commune_worker, consent).pk


def test_protection_of_life_and_health_exempts_from_consent_and_withdrawal_ends_a_consent(case, commune_worker):
    vital = _consent(
        case,
        commune_worker,
        basis=ConsentBasis.VITAL_INTEREST,
        child_consent="",
        guardian_consented=False,
        guardian_name="",
    )
    assert _refer(case, commune_worker, vital).pk
    ordinary = _consent(case, commune_worker)
    services.do_withdraw_consent(ordinary, acting_user=commune_worker)
    with pytest.raises(ValidationError):
        _refer(case, commune_worker, ordinary)


def test_the_receiving_organisation_accepts_and_is_assigned(
    case, commune_worker, mailoutbox, django_capture_on_commit_callbacks
):
    centre = Organisation.objects.create(
        name="Trung tâm Công tác xã hội Demo", abbreviation="CTXH", kind="other", unit=f.current_province(f.HANOI)
    )
    receiver = f.UserFactory(username="ctxh", role=Role.DISTRICT_OFFICER, organisation=centre)
    stranger = f.UserFactory(username="khac", role=Role.DISTRICT_OFFICER, unit=f.legacy_district(f.TANH_LINH))
    consent = _consent(case, commune_worker)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.do_refer(
            case,
            acting_user=commune_worker,
            consent=consent,
            to_organisation=centre,
            to_name="",
            reason="Tư vấn tâm lý",
            referred_at=timezone.now(),
        )
    assert referral.to_name == centre.name
    assert [m.to for m in mailoutbox] == [[receiver.email]]
    assert not services.can(receiver, case, "view")
    with pytest.raises(Http404):
        services.do_respond_referral(referral, acting_user=stranger, accept=True)
    services.do_respond_referral(referral, acting_user=receiver, accept=True, note="Nhận")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert services.can(receiver, case, "view") and services.can_identify(receiver, case)
    with pytest.raises(services.CaseError):
        services.do_respond_referral(referral, acting_user=receiver, accept=False)


# --------------------------------------------------------------------------------------------- reminders, retention


def test_reminders_go_to_the_worker_and_the_chair_once(hotline_operator, commune_worker, chair, duc_linh, mailoutbox):
    case = new_case(hotline_operator, duc_linh, received_at=timezone.now() - 11 * H)
    mailoutbox.clear()
    sent = send_reminders()
    # The initial assessment is due 12 h after receipt: within the 3-hour warning.
    assert sent["before"] >= 1
    reminded = {tuple(sorted(m.to)) for m in mailoutbox}
    assert reminded == {tuple(sorted([commune_worker.email, chair.email]))}
    assert all(case.code in m.subject and CHILD not in m.body for m in mailoutbox)
    count = len(mailoutbox)
    assert send_reminders() == {"before": 0, "after": 0}
    assert len(mailoutbox) == count
    later = send_reminders(timezone.now() + 2 * H)
    assert later["after"] >= 1  # now overdue: one reminder after the due time
    assert send_reminders(timezone.now() + 2 * H) == {"before": 0, "after": 0}
    assert ReminderSent.objects.filter(case=case).count() == sent["before"] + later["after"]


def test_a_step_whose_deadline_moved_is_reminded_again_before_the_new_one(commune_worker, chair, case, mailoutbox):
    """The "due soon" reminder was sent once per step: after its deadline moved, none came before the new one."""
    assess(case, commune_worker)
    case.refresh_from_db()
    due = case.next_due_at  # the detailed assessment
    assert send_reminders(due - H)["before"] == 1
    assert send_reminders(due - H)["before"] == 0
    CaseSettings.objects.update(detailed_assessment_working_days=4)  # the row the reminders run saved
    send_reminders(due - 2 * H)  # recomputes the due times: the limits changed
    case.refresh_from_db()
    assert case.next_step == "detailed_assessment" and case.next_due_at > due  # a working day later
    assert send_reminders(case.next_due_at - H)["before"] == 1


@pytest.fixture
def superuser_client(admin_user, client_for):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return client_for(admin_user)


def _settings_form(row: CaseSettings, **changes) -> dict:
    fields = [f.name for f in CaseSettings._meta.fields if f.editable and f.name != "id"]
    return {name: getattr(row, name) for name in fields} | changes


def test_a_limit_changed_in_the_admin_moves_the_open_cases_due_times_at_once(
    hotline_operator, duc_linh, superuser_client
):
    """The stored next due time kept the old limit: the live clock said overdue, the overdue list and the home page
    count said nothing, until someone ran remind_cases --refresh."""
    received = timezone.now() - 2 * H
    case = new_case(hotline_operator, duc_linh, received_at=received, forward_now=True)
    assert case.next_due_at == received + 12 * H
    row = CaseSettings.objects.create()
    url = reverse("admin:cases_casesettings_change", args=[row.pk])
    response = superuser_client.post(url, _settings_form(row, initial_assessment_hours=1), follow=True)
    assert "Đã tính lại thời hạn của 1 vụ việc đang xử lý." in response.content.decode()
    case.refresh_from_db()
    assert case.next_due_at == received + 1 * H
    assert Case.objects.filter(pk=case.pk, next_due_at__lt=timezone.now()).exists()  # in the overdue list
    assert not services.clocks_stale()


def test_a_day_off_added_in_the_admin_moves_the_open_cases_due_times(
    hotline_operator, commune_worker, duc_linh, superuser_client
):
    case = new_case(hotline_operator, duc_linh, received_at=timezone.now() - H)
    assess(case, commune_worker, at=timezone.now() - H / 2)
    case.refresh_from_db()
    before = case.next_due_at  # the detailed assessment: end of the 3rd working day
    assert case.next_step == "detailed_assessment"
    day = timezone.localtime(before).date()
    response = superuser_client.post(
        reverse("admin:core_calendarday_add"), {"day": day.strftime("%d/%m/%Y"), "kind": "day_off", "note": "thử"},
        follow=True,
    )  # fmt: skip
    assert CalendarDay.objects.filter(day=day).exists(), response.content.decode()[:2000]
    assert "Đã tính lại thời hạn của 1 vụ việc đang xử lý." in response.content.decode()
    case.refresh_from_db()
    assert case.next_due_at > before


def test_many_open_cases_are_left_to_the_next_reminders_run(hotline_operator, duc_linh, superuser_client, monkeypatch):
    monkeypatch.setattr(services, "IMMEDIATE_REFRESH_LIMIT", 0)
    received = timezone.now() - 2 * H
    case = new_case(hotline_operator, duc_linh, received_at=received)
    row = CaseSettings.objects.create()
    url = reverse("admin:cases_casesettings_change", args=[row.pk])
    response = superuser_client.post(url, _settings_form(row, initial_assessment_hours=1), follow=True)
    assert "sẽ được tính lại ở lần chạy nhắc hạn tiếp theo" in response.content.decode()
    case.refresh_from_db()
    assert case.next_due_at == received + 12 * H and services.clocks_stale()
    send_reminders()
    case.refresh_from_db()
    assert case.next_due_at == received + 1 * H and not services.clocks_stale()


def test_the_reminder_command_runs_once_without_loop(case):
    out = io.StringIO()
    call_command("remind_cases", stdout=out)
    assert "sent" in out.getvalue()


def test_archived_cases_past_retention_lose_their_identity_but_keep_statistics(legacy_case, commune_worker):
    assess(legacy_case, commune_worker, RiskLevel.NONE, protection="prevention", at=legacy_case.received_at + H)
    services.do_close(legacy_case, acting_user=commune_worker, reason=ClosureReason.UNFOUNDED)
    Case.objects.filter(pk=legacy_case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=365 * 6))
    services.do_archive(legacy_case, acting_user=commune_worker)
    out = io.StringIO()
    call_command("erase_case_identities", "--dry-run", stdout=out)
    assert "1" in out.getvalue()
    call_command("erase_case_identities", stdout=out)
    erased = Case.objects.get(pk=legacy_case.pk)
    assert erased.erased_at is not None
    assert (erased.child_name, erased.child_birth_date, erased.narrative, erased.child_name_hash) == ("", None, "", "")
    assert (erased.sex, erased.age_years, erased.commune_id) == ("male", 11, legacy_case.commune_id)
    assert erased.harm_codes() == ["violence"]
    assert not services.can_identify(commune_worker, erased)


def test_a_recent_archived_case_keeps_its_identity(legacy_case, commune_worker):
    CaseSettings.objects.create(retention_years=50)
    assess(legacy_case, commune_worker, RiskLevel.NONE, protection="prevention", at=legacy_case.received_at + H)
    services.do_close(legacy_case, acting_user=commune_worker, reason=ClosureReason.UNFOUNDED)
    services.do_archive(legacy_case, acting_user=commune_worker)
    call_command("erase_case_identities", stdout=io.StringIO())
    assert Case.objects.get(pk=legacy_case.pk).child_name == "Lê Văn Cũ Demo"


def test_assignment_gives_an_outside_user_the_case(
    case, commune_worker, mailoutbox, django_capture_on_commit_callbacks
):
    helper = f.HotlineOperatorFactory(username="tuvan111")
    assert not services.can(helper, case, "view")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.do_assign(case, acting_user=commune_worker, user=helper)
    assert services.can(helper, case, "view") and services.can_identify(helper, case)
    assert [m.to for m in mailoutbox] == [[helper.email]]
    services.do_unassign(assignment, acting_user=commune_worker)
    assert not services.can(helper, case, "view")
    assert CaseAssignment.objects.filter(case=case, ended_at__isnull=True).count() == 0


def test_the_list_warns_of_a_step_as_the_case_page_does(db):
    """The list warned a day ahead of every step, the case page 3 hours ahead of an hour deadline: the same step
    was "sắp đến hạn" in the list and "còn hạn" on its page."""
    rules = CaseSettings.current().rules()
    now = timezone.now()
    in_seven_hours = now + datetime.timedelta(hours=7)
    assessment = Case(next_step=clock.Step.INITIAL_ASSESSMENT, next_due_at=in_seven_hours)
    plan = Case(next_step=clock.Step.PLAN, next_due_at=in_seven_hours)
    assert queries.state_of_case(assessment, now, rules) == clock.State.ON_TIME
    assert queries.state_of_case(plan, now, rules) == clock.State.DUE_SOON
    soon = Case(next_step=clock.Step.INITIAL_ASSESSMENT, next_due_at=now + datetime.timedelta(hours=2))
    assert queries.state_of_case(soon, now, rules) == clock.State.DUE_SOON


def test_an_estimated_age_that_contradicts_the_birth_date_is_refused(hotline_operator, duc_linh):
    """Born in 2016 and "about 12" was accepted, the estimate silently dropped."""
    born = datetime.date(2016, 3, 4)
    today = timezone.localdate()
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    with pytest.raises(ValidationError) as refused:
        services.do_intake(intake_data(duc_linh, age_years=str(years + 2)), acting_user=hotline_operator)
    assert "không khớp ngày sinh" in str(refused.value.message_dict["age_years"])
    case = services.do_intake(intake_data(duc_linh, age_years=str(years)), acting_user=hotline_operator)
    assert case.age_years == years and not case.age_estimated
