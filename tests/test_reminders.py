"""Reminders about report requests (giamsat.reporting.reminders and `manage.py remind_reports`): one e-mail
before the due date, one after it and then weekly, none for a report already sent, and never twice."""

import datetime
import io

import pytest
from django.core.management import call_command

import factories as f
from giamsat.core.models import AuditEntry
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.models import ReportRequest
from giamsat.reporting.reminders import send_reminders
from plan_fixtures import COUNT, accepted_report

pytest_plugins = ["plan_fixtures"]

# The 2022 requests are due on 15/01/2023, the 2023 ones on 15/01/2024.
DUE_2022 = datetime.date(2023, 1, 15)


def to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if user.email in m.to]


@pytest.fixture
def officers(plan_setup, district_officer, tanh_linh_officer):
    assert district_officer.email and tanh_linh_officer.email
    return district_officer, tanh_linh_officer


def test_a_request_due_in_two_days_gets_one_reminder_before(plan_setup, officers, mailoutbox):
    duc_linh, tanh_linh = officers
    sent = send_reminders(DUE_2022 - datetime.timedelta(days=2))
    assert sent == {"before": 2, "after": 0}  # the two districts' 2022 reports
    [mail] = to(mailoutbox, duc_linh)
    assert mail.to == [duc_linh.email]
    assert mail.subject == "Sắp đến hạn báo cáo Năm 2022"
    assert "Huyện Đức Linh" in mail.body
    assert "1318/KH-UBND" in mail.body and "15/01/2023" in mail.body
    assert "Còn 2 ngày đến hạn." in mail.body
    assert len(to(mailoutbox, tanh_linh)) == 1
    request = plan_setup.request("dl", 2022)
    request.refresh_from_db()
    assert request.reminded_before_on == DUE_2022 - datetime.timedelta(days=2)
    assert AuditEntry.objects.filter(action="report.remind_before", object_id=str(request.pk)).count() == 1


def test_running_the_reminders_again_sends_nothing_more(plan_setup, officers, mailoutbox):
    day = DUE_2022 - datetime.timedelta(days=2)
    send_reminders(day)
    assert send_reminders(day) == {"before": 0, "after": 0}
    assert send_reminders(day + datetime.timedelta(days=1)) == {"before": 0, "after": 0}
    assert len(mailoutbox) == 2


def test_a_request_further_away_gets_no_reminder_yet(plan_setup, officers, mailoutbox):
    assert send_reminders(DUE_2022 - datetime.timedelta(days=4)) == {"before": 0, "after": 0}
    assert mailoutbox == []


def test_an_overdue_request_gets_a_reminder_after_and_again_a_week_later(plan_setup, officers, mailoutbox):
    duc_linh, _tanh_linh = officers
    late = DUE_2022 + datetime.timedelta(days=5)
    assert send_reminders(late) == {"before": 0, "after": 2}
    [mail] = to(mailoutbox, duc_linh)
    assert mail.subject == "Quá hạn báo cáo Năm 2022"
    assert "Báo cáo đã quá hạn 5 ngày." in mail.body
    for days in (0, 1, 6):
        assert send_reminders(late + datetime.timedelta(days=days)) == {"before": 0, "after": 0}
    assert send_reminders(late + datetime.timedelta(days=7)) == {"before": 0, "after": 2}
    assert len(to(mailoutbox, duc_linh)) == 2
    assert "Báo cáo đã quá hạn 12 ngày." in to(mailoutbox, duc_linh)[1].body


@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
def test_a_report_already_sent_gets_no_reminder(plan_setup, officers, status, mailoutbox):
    duc_linh, tanh_linh = officers
    accepted_report(plan_setup.request("dl", 2022), {plan_setup.ind(COUNT): 5}, status=status)
    assert send_reminders(DUE_2022 - datetime.timedelta(days=1)) == {"before": 1, "after": 0}
    assert send_reminders(DUE_2022 + datetime.timedelta(days=1)) == {"before": 0, "after": 1}
    assert to(mailoutbox, duc_linh) == []
    assert len(to(mailoutbox, tanh_linh)) == 2


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_a_report_still_being_written_is_reminded(plan_setup, officers, status, mailoutbox):
    duc_linh, _tanh_linh = officers
    accepted_report(plan_setup.request("dl", 2022), {plan_setup.ind(COUNT): 5}, status=status)
    send_reminders(DUE_2022 + datetime.timedelta(days=3))
    assert len(to(mailoutbox, duc_linh)) == 1


def test_only_people_who_write_the_units_reports_are_reminded(plan_setup, officers, province_officer, mailoutbox):
    duc_linh, tanh_linh = officers
    f.UserFactory(username="lanhdao_duclinh", unit=plan_setup.duc_linh)  # a viewer of the district
    f.DistrictOfficerFactory(username="huyen_duclinh_cu", unit=plan_setup.duc_linh, is_active=False)
    f.DistrictOfficerFactory(username="huyen_duclinh_khong_thu", unit=plan_setup.duc_linh, email="")
    send_reminders(DUE_2022 - datetime.timedelta(days=1))
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([duc_linh.email, tanh_linh.email])


def test_a_request_without_anyone_to_remind_is_reminded_once_someone_is_there(plan_setup, mailoutbox):
    day = DUE_2022 - datetime.timedelta(days=3)
    assert send_reminders(day) == {"before": 0, "after": 0}
    officer = f.DistrictOfficerFactory(username="huyen_duclinh_moi")
    assert send_reminders(day + datetime.timedelta(days=1))["before"] == 1
    assert len(to(mailoutbox, officer)) == 1


def test_the_command_reminds_and_a_second_run_sends_nothing(plan_setup, officers, mailoutbox):
    duc_linh, _tanh_linh = officers
    out = io.StringIO()
    call_command("remind_reports", stdout=out)
    # Every request of 2022 and 2023 is past its due date today.
    assert "sent: 0 trước hạn / before, 4 quá hạn / overdue" in out.getvalue()
    assert len(to(mailoutbox, duc_linh)) == 2
    assert {m.subject for m in mailoutbox} == {"Quá hạn báo cáo Năm 2022", "Quá hạn báo cáo Năm 2023"}
    again = io.StringIO()
    call_command("remind_reports", stdout=again)
    assert "sent: 0 trước hạn / before, 0 quá hạn / overdue" in again.getvalue()
    assert len(mailoutbox) == 4
    assert ReportRequest.objects.filter(reminded_after_on__isnull=True).count() == 0
