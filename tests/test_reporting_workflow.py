"""The report workflow (giamsat.reporting.services): draft → submitted → returned → resubmitted → accepted,
locking, corrections as new versions, two people on one draft, request generation, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse

import factories as f
from giamsat.core.models import AuditEntry
from giamsat.core.periods import Period
from giamsat.plans.models import Indicator
from giamsat.reporting.choices import ActivityKind, Frequency, FundingSource, ReportStatus
from giamsat.reporting.models import Activity, BudgetLine, IndicatorValue, Report, ReportRequest, Schedule
from giamsat.reporting.queries import plan_achievement
from giamsat.reporting.services import (
    InvalidValues,
    StaleDraft,
    ValueInput,
    WorkflowError,
    can_review,
    can_submit,
    do_accept,
    do_generate_requests,
    do_open_correction,
    do_return,
    do_save_draft,
    do_submit,
    do_take_upload,
    get_or_start_draft,
    missing_values,
)
from plan_fixtures import AMOUNT, BY_SEX, COUNT, DECREASE, MILESTONE, RATIO, accepted_report, add_schedule, make_plan

pytest_plugins = ["plan_fixtures"]

D = Decimal
NARRATIVE = {
    "results": "Tổ chức 12 cuộc truyền thông; cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi.",
    "limitations": "Công tác tuyên truyền thiếu thường xuyên.",
    "causes": "Kinh phí hạn chế.",
    "proposals": "Đề nghị tỉnh bố trí kinh phí.",
}
ACTIVITIES = [
    {"kind": ActivityKind.COMMUNICATION, "name": "Truyền thông tại trường học", "participants": 150},
    {"kind": ActivityKind.GIFT, "name": "Tặng quà Tết Trung thu", "beneficiaries": 100, "value_vnd": D(50_000_000)},
]
BUDGET = [{"source": FundingSource.LOCAL, "allocated": D(150_000_000), "spent": D(120_000_000)}]


def all_values(setup, count=12) -> list[ValueInput]:
    ind = setup.ind
    return [
        ValueInput(ind(COUNT), value=D(count), source="Phòng Văn hóa - Thông tin"),
        ValueInput(ind(RATIO), numerator=D(1800), denominator=D(2000)),
        ValueInput(ind(DECREASE), value=D(5)),
        ValueInput(ind(MILESTONE), value=D(1)),
        ValueInput(ind(AMOUNT), value=D(48_000_000)),
        ValueInput(ind(BY_SEX), value=D(95)),
        ValueInput(ind(BY_SEX), breakdown="sex=nu", value=D(50)),
        ValueInput(ind(BY_SEX), breakdown="sex=nam", value=D(45)),
    ]


def save(report, user, values, **extra) -> Report:
    report.refresh_from_db()
    return do_save_draft(
        report, acting_user=user, revision=report.revision, narrative=extra.pop("narrative", {}), values=values, **extra
    )


def actions_on(report) -> list[str]:
    return list(
        AuditEntry.objects.filter(content_type__model="report", object_id=str(report.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def duc_linh_2023(plan_setup):
    return plan_setup.request("dl", 2023)


@pytest.fixture
def submitted(plan_setup, duc_linh_2023, district_officer) -> Report:
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    save(report, district_officer, all_values(plan_setup), narrative=NARRATIVE, activities=ACTIVITIES, budget=BUDGET)
    return do_submit(report, acting_user=district_officer)


@pytest.fixture
def accepted(submitted, province_officer) -> Report:
    return do_accept(submitted, acting_user=province_officer)


# --------------------------------------------------------------------------------------- the happy path


def test_a_report_goes_from_draft_through_a_return_to_acceptance(
    plan_setup, duc_linh_2023, district_officer, province_officer
):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    assert (report.version, report.status, report.revision) == (1, ReportStatus.DRAFT, 0)
    save(report, district_officer, all_values(plan_setup), narrative=NARRATIVE, activities=ACTIVITIES, budget=BUDGET)
    assert report.revision == 1
    assert report.results == NARRATIVE["results"]
    assert report.values.count() == 8
    assert report.values.get(indicator=plan_setup.ind(RATIO)).numerator == 1800

    report = do_submit(report, acting_user=district_officer)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == district_officer
    assert report.submitted_at is not None

    report = do_return(report, acting_user=province_officer, comment="  Đề nghị bổ sung nguồn số liệu CT02.  ")
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "Đề nghị bổ sung nguồn số liệu CT02."
    assert report.reviewed_by == province_officer

    save(report, district_officer, all_values(plan_setup, count=13))
    assert report.values.get(indicator=plan_setup.ind(COUNT)).value == 13
    report = do_submit(report, acting_user=district_officer)
    assert report.status == ReportStatus.SUBMITTED

    report = do_accept(report, acting_user=province_officer)
    assert report.status == ReportStatus.ACCEPTED
    assert get_or_start_draft(duc_linh_2023, acting_user=district_officer) == report  # no new version by itself
    assert actions_on(report) == [
        "report.start",
        "report.save",
        "report.submit",
        "report.return",
        "report.save",
        "report.resubmit",
        "report.accept",
    ]
    ret = AuditEntry.objects.get(action="report.return", object_id=str(report.pk))
    assert ret.actor == province_officer
    assert ret.changes == {"comment": "Đề nghị bổ sung nguồn số liệu CT02."}
    second_save = AuditEntry.objects.filter(action="report.save", object_id=str(report.pk)).order_by("pk").last()
    assert second_save.changes["indicators_changed"] == [COUNT]


def test_a_report_with_missing_values_is_not_submitted_and_the_codes_are_listed(
    plan_setup, duc_linh_2023, district_officer
):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    partial = [v for v in all_values(plan_setup) if v.indicator.code in (COUNT, RATIO, AMOUNT)]
    partial.append(ValueInput(plan_setup.ind(BY_SEX), breakdown="sex=nu", value=D(50)))  # a breakdown is no total
    save(report, district_officer, partial)
    assert [i.code for i in missing_values(report)] == [DECREASE, MILESTONE, BY_SEX]
    with pytest.raises(WorkflowError) as caught:
        do_submit(report, acting_user=district_officer)
    assert str(caught.value) == f"Còn thiếu số liệu: {DECREASE}, {MILESTONE}, {BY_SEX}."
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "report.submit" not in actions_on(report)


def test_a_milestone_not_reached_counts_as_reported(plan_setup, duc_linh_2023, district_officer):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    values = [v for v in all_values(plan_setup) if v.indicator.code != MILESTONE]
    save(report, district_officer, [*values, ValueInput(plan_setup.ind(MILESTONE), value=D(0))])
    assert missing_values(report) == []
    assert do_submit(report, acting_user=district_officer).status == ReportStatus.SUBMITTED


def test_a_ratio_with_only_a_numerator_is_refused_and_nothing_is_saved(plan_setup, duc_linh_2023, district_officer):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    values = [v for v in all_values(plan_setup) if v.indicator.code != RATIO]
    with pytest.raises(InvalidValues) as caught:
        save(report, district_officer, [*values, ValueInput(plan_setup.ind(RATIO), numerator=D(5))])
    assert RATIO in str(caught.value)
    assert not IndicatorValue.objects.filter(report=report).exists()
    assert [i.code for i in missing_values(report)] == [i.code for i in plan_setup.plan.indicators.all()]


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_returning_needs_a_comment(submitted, province_officer, comment):
    with pytest.raises(WorkflowError) as caught:
        do_return(submitted, acting_user=province_officer, comment=comment)
    assert "Hãy ghi ý kiến" in str(caught.value)
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert "report.return" not in actions_on(submitted)


def test_a_review_from_a_page_opened_before_the_report_was_sent_again_is_refused(
    submitted, plan_setup, district_officer, province_officer, client_for
):
    """Returned, corrected and sent again while a reviewer's page was open: "Duyệt" on that page accepted figures the
    reviewer had never seen."""
    read = submitted.revision
    do_return(submitted, acting_user=province_officer, comment="Bổ sung nguồn số liệu", revision=read)
    values = all_values(plan_setup)
    values[0] = ValueInput(values[0].indicator, value=D(99))
    save(submitted, district_officer, values)
    do_submit(submitted, acting_user=district_officer)
    response = client_for(province_officer).post(
        reverse("reporting:review", args=[submitted.pk]), {"accept": "1", "revision": str(read)}, follow=True
    )
    assert "đã được sửa và gửi lại sau khi bạn mở trang" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    do_accept(submitted, acting_user=province_officer, revision=submitted.revision)  # read again, then accepted
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.ACCEPTED


def test_a_draft_cannot_be_reviewed(plan_setup, duc_linh_2023, district_officer, province_officer):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    for step in (
        lambda: do_accept(report, acting_user=province_officer),
        lambda: do_return(report, acting_user=province_officer, comment="Sửa lại"),
    ):
        with pytest.raises(WorkflowError, match="Chỉ xem xét được báo cáo đã gửi"):
            step()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_submitted_report_is_not_edited_or_submitted_again(submitted, plan_setup, district_officer):
    with pytest.raises(WorkflowError, match="không sửa được nữa"):
        do_save_draft(submitted, acting_user=district_officer, revision=1, narrative={}, values=[])
    with pytest.raises(WorkflowError, match="Chỉ gửi được"):
        do_submit(submitted, acting_user=district_officer)
    assert submitted.values.count() == 8


def test_an_accepted_report_is_locked(accepted, plan_setup, district_officer, province_officer):
    revision = Report.objects.get(pk=accepted.pk).revision
    with pytest.raises(WorkflowError, match="không sửa được nữa"):
        do_save_draft(
            accepted,
            acting_user=district_officer,
            revision=revision,
            narrative={"results": "Sửa sau khi duyệt"},
            values=[ValueInput(plan_setup.ind(COUNT), value=D(999))],
        )
    with pytest.raises(WorkflowError):
        do_submit(accepted, acting_user=district_officer)
    with pytest.raises(WorkflowError):
        do_return(accepted, acting_user=province_officer, comment="Trả lại sau khi duyệt")
    fresh = Report.objects.get(pk=accepted.pk)
    assert (fresh.status, fresh.revision, fresh.results) == (ReportStatus.ACCEPTED, revision, NARRATIVE["results"])
    assert fresh.values.get(indicator=plan_setup.ind(COUNT)).value == 12


# --------------------------------------------------------------------------------------- corrections


def test_a_correction_opens_version_2_with_a_copy_of_everything(accepted, plan_setup, district_officer):
    new = do_open_correction(accepted, acting_user=district_officer)
    assert (new.version, new.status, new.request_id) == (2, ReportStatus.DRAFT, accepted.request_id)
    assert new.results == NARRATIVE["results"] and new.proposals == NARRATIVE["proposals"]

    def contents(report):
        return (
            sorted(
                (v.indicator_id, v.breakdown, v.value, v.numerator, v.denominator, v.source)
                for v in report.values.all()
            ),
            sorted((a.kind, a.name, a.participants, a.beneficiaries, a.value_vnd) for a in report.activities.all()),
            sorted((b.source, b.allocated, b.spent) for b in report.budget_lines.all()),
        )

    assert contents(new) == contents(accepted)
    assert len(contents(new)[0]) == 8 and len(contents(new)[1]) == 2 and len(contents(new)[2]) == 1
    # The copies are new rows: the accepted version keeps its own.
    assert IndicatorValue.objects.filter(report=accepted).count() == 8
    assert Activity.objects.filter(report=accepted).count() == 2
    assert BudgetLine.objects.filter(report=accepted).count() == 1
    accepted.refresh_from_db()
    assert accepted.status == ReportStatus.ACCEPTED  # still the one that counts until v2 is accepted
    entry = AuditEntry.objects.get(action="report.correction", object_id=str(new.pk))
    assert entry.changes == {"from_version": 1}
    assert get_or_start_draft(accepted.request, acting_user=district_officer) == new


def test_accepting_the_correction_supersedes_the_first_version(
    accepted, plan_setup, district_officer, province_officer
):
    new = do_open_correction(accepted, acting_user=district_officer)
    save(new, district_officer, all_values(plan_setup, count=14))
    do_submit(new, acting_user=district_officer)
    do_accept(new, acting_user=province_officer)
    statuses = dict(Report.objects.filter(request=accepted.request).values_list("version", "status"))
    assert statuses == {1: ReportStatus.SUPERSEDED, 2: ReportStatus.ACCEPTED}
    # The first version's history is kept, and says when and by which version it was replaced.
    assert actions_on(accepted) == ["report.start", "report.save", "report.submit", "report.accept", "report.supersede"]
    assert actions_on(new) == ["report.correction", "report.save", "report.submit", "report.accept"]
    replaced = AuditEntry.objects.get(action="report.supersede")
    assert (replaced.actor, replaced.changes) == (province_officer, {"by_version": 2})


def test_only_one_correction_at_a_time_and_only_of_an_accepted_report(submitted, accepted, district_officer):
    do_open_correction(accepted, acting_user=district_officer)
    with pytest.raises(WorkflowError, match="Đã có bản đính chính"):
        do_open_correction(accepted, acting_user=district_officer)
    assert Report.objects.filter(request=accepted.request).count() == 2


def test_a_submitted_report_cannot_be_corrected(submitted, district_officer):
    with pytest.raises(WorkflowError, match="Chỉ mở bản đính chính cho báo cáo đã duyệt"):
        do_open_correction(submitted, acting_user=district_officer)
    assert Report.objects.filter(request=submitted.request).count() == 1


# --------------------------------------------------------------------------------------- two people, one draft


def test_a_save_on_a_stale_copy_is_refused_and_writes_nothing(plan_setup, duc_linh_2023, district_officer):
    colleague = f.DistrictOfficerFactory(username="huyen_duclinh_2", full_name="Trần Văn Đồng Nghiệp")
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    mine = Report.objects.get(pk=report.pk)  # both open revision 0
    theirs = Report.objects.get(pk=report.pk)

    do_save_draft(
        theirs,
        acting_user=colleague,
        revision=0,
        narrative={"results": "Bản của đồng nghiệp"},
        values=all_values(plan_setup, count=20),
    )
    saves_before = AuditEntry.objects.filter(action="report.save").count()
    with pytest.raises(StaleDraft) as caught:
        do_save_draft(
            mine,
            acting_user=district_officer,
            revision=0,
            narrative={"results": "Bản của tôi"},
            values=all_values(plan_setup, count=7),
            activities=ACTIVITIES,
            budget=BUDGET,
        )
    assert "Trần Văn Đồng Nghiệp" in str(caught.value)
    assert "tải lại trang" in str(caught.value)
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.revision, fresh.results, fresh.updated_by) == (1, "Bản của đồng nghiệp", colleague)
    assert fresh.values.get(indicator=plan_setup.ind(COUNT)).value == 20
    assert fresh.activities.count() == 0 and fresh.budget_lines.count() == 0
    assert AuditEntry.objects.filter(action="report.save").count() == saves_before


def test_a_save_with_the_current_revision_goes_through(plan_setup, duc_linh_2023, district_officer):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    for revision in range(3):
        do_save_draft(report, acting_user=district_officer, revision=revision, narrative={}, values=[])
    assert Report.objects.get(pk=report.pk).revision == 3


def test_a_draft_with_more_values_than_one_insert_takes_keeps_every_one(plan_setup, duc_linh_2023, district_officer):
    # 400 rows × 8 columns is more parameters than one statement takes on SQLite (999): several INSERTs.
    many = Indicator.objects.bulk_create(
        Indicator(plan=plan_setup.plan, order=100 + n, code=f"X{n:03}", name=f"Chỉ tiêu {n}", measure="lần")
        for n in range(400)
    )
    values = [
        *all_values(plan_setup),
        *(ValueInput(i, value=D(n) / 10_000, comment="ghi chú" if n else "") for n, i in enumerate(many)),
    ]
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    do_save_draft(report, acting_user=district_officer, revision=0, narrative={}, values=values)

    def stored():
        return {
            (v.indicator_id, v.breakdown): (v.value, v.numerator, v.denominator, v.source, v.comment)
            for v in IndicatorValue.objects.filter(report=report)
        }

    expected = {
        (v.indicator.pk, v.breakdown): (v.value, v.numerator, v.denominator, v.source, v.comment) for v in values
    }
    assert stored() == expected
    assert stored()[(many[399].pk, "")][0] == D("0.0399")


def test_activities_and_budget_are_kept_when_a_save_does_not_send_them(plan_setup, duc_linh_2023, district_officer):
    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    save(report, district_officer, all_values(plan_setup), activities=ACTIVITIES, budget=BUDGET)
    save(report, district_officer, all_values(plan_setup, count=3))
    assert report.activities.count() == 2
    assert report.budget_lines.get().spent == 120_000_000
    save(report, district_officer, all_values(plan_setup), activities=[], budget=[])
    assert report.activities.count() == 0 and report.budget_lines.count() == 0


# --------------------------------------------------------------------------------------- requests


def test_generating_the_requests_twice_creates_them_once(plan_setup, province_officer):
    schedule = plan_setup.schedule
    requests = ReportRequest.objects.filter(schedule=schedule)
    assert sorted((r.unit.code, r.period_start.year, r.due_on) for r in requests) == [
        (599, 2022, datetime.date(2023, 1, 15)),
        (599, 2023, datetime.date(2024, 1, 15)),
        (600, 2022, datetime.date(2023, 1, 15)),
        (600, 2023, datetime.date(2024, 1, 15)),
    ]
    assert do_generate_requests(schedule, acting_user=province_officer) == 0
    assert requests.count() == 4
    assert AuditEntry.objects.filter(action="reporting.requests_created").count() == 1
    assert AuditEntry.objects.get(action="reporting.requests_created").changes == {"count": 4}


def test_generating_fills_in_what_a_new_unit_needs(plan_setup, province_officer):
    schedule = plan_setup.schedule
    schedule.units.add(f.legacy_district(598))
    assert do_generate_requests(schedule, acting_user=province_officer) == 2
    assert ReportRequest.objects.filter(schedule=schedule).count() == 6


def _schedule_form(setup, **changes) -> dict:
    return {
        "title": "Báo cáo năm",
        "frequency": "year",
        "first_year": "2022",
        "last_year": "2023",
        "due_days": "15",
        "ad_hoc_start": "",
        "ad_hoc_end": "",
        "units": [setup.duc_linh.pk],
    } | changes


def test_a_second_schedule_made_to_add_a_forgotten_unit_asks_the_others_nothing_twice(
    client_for, province_officer, child_plan
):
    """With no page to edit a schedule, the officer makes it again with both districts: Đức Linh was asked for its
    2022 report twice, and the two reports added up in the plan's figures."""
    client = client_for(province_officer)
    url = reverse("reporting:schedule_create", args=[child_plan.plan.pk])
    assert client.post(url, _schedule_form(child_plan)).status_code == 302
    both = [child_plan.duc_linh.pk, child_plan.tanh_linh.pk]
    assert client.post(url, _schedule_form(child_plan, units=both)).status_code == 302
    asked = ReportRequest.objects.filter(schedule__plan=child_plan.plan)
    assert asked.filter(unit=child_plan.duc_linh).count() == 2  # 2022 and 2023, once each
    assert asked.filter(unit=child_plan.tanh_linh).count() == 2


def test_a_schedule_overlapping_another_for_the_same_unit_is_refused_with_nothing_saved(
    client_for, province_officer, plan_setup
):
    """Half-yearly reports beside the yearly ones: the year's actual added both (24 against a target of 12)."""
    url = reverse("reporting:schedule_create", args=[plan_setup.plan.pk])
    response = client_for(province_officer).post(
        url, _schedule_form(plan_setup, title="Báo cáo 6 tháng", frequency="half", first_year="2023")
    )
    assert response.status_code == 200
    assert "trùng một phần" in response.content.decode() and "Huyện Đức Linh" in response.content.decode()
    assert not Schedule.objects.filter(title="Báo cáo 6 tháng").exists()
    assert ReportRequest.objects.filter(schedule__plan=plan_setup.plan).count() == 4


def test_schedule_years_must_lie_within_the_plan(client_for, province_officer, plan_setup):
    """20230 was a server error; 2205 on a plan of 2021–2025 asked for 1,472 reports."""
    url = reverse("reporting:schedule_create", args=[plan_setup.plan.pk])
    client = client_for(province_officer)
    for last_year in ("20230", "2205"):
        response = client.post(url, _schedule_form(plan_setup, last_year=last_year))
        assert response.status_code == 200, last_year
        assert "Năm phải trong thời gian của kế hoạch" in response.content.decode()
    assert ReportRequest.objects.filter(schedule__plan=plan_setup.plan).count() == 4


def test_an_ad_hoc_report_does_not_count_in_the_plans_figures_and_is_labelled_with_its_dates(
    plan_setup, province_officer
):
    """A June report on request ("đột xuất") was added to the year's: 16 against the annual report's 12; and it
    was titled "Năm 2023", like the annual one."""
    ad_hoc = Schedule.objects.create(
        plan=plan_setup.plan,
        title="Báo cáo đột xuất",
        frequency=Frequency.AD_HOC,
        first_year=2023,
        last_year=2023,
        ad_hoc_start=datetime.date(2023, 6, 1),
        ad_hoc_end=datetime.date(2023, 6, 30),
    )
    ad_hoc.units.set([plan_setup.duc_linh])
    do_generate_requests(ad_hoc, acting_user=province_officer)
    june = ReportRequest.objects.get(schedule=ad_hoc)
    assert june.period.label == "Từ 01/06/2023 đến 30/06/2023"
    accepted_report(june, {plan_setup.ind(COUNT): 4})
    accepted_report(plan_setup.request("dl", 2023), {plan_setup.ind(COUNT): 12})
    _total, rows = plan_achievement(
        plan_setup.plan, [plan_setup.duc_linh], Period.year(2023), datetime.date(2024, 6, 1)
    )
    assert next(c for c in rows[0].cells if c.indicator.code == COUNT).actual == 12


@pytest.mark.parametrize("persona", ["district_officer", "supervisor", "outsider"], indirect=True)
def test_only_the_plan_owners_generate_requests(plan_setup, persona):
    plan_setup.schedule.units.add(f.legacy_district(598))
    with pytest.raises(Http404):
        do_generate_requests(plan_setup.schedule, acting_user=persona)
    assert ReportRequest.objects.filter(schedule=plan_setup.schedule).count() == 4


# --------------------------------------------------------------------------------------- who may write, who may review


def test_another_district_cannot_start_save_or_submit_the_report(
    plan_setup, duc_linh_2023, district_officer, tanh_linh_officer
):
    assert not can_submit(tanh_linh_officer, duc_linh_2023)
    with pytest.raises(Http404):
        get_or_start_draft(duc_linh_2023, acting_user=tanh_linh_officer)
    assert not Report.objects.filter(request=duc_linh_2023).exists()

    report = get_or_start_draft(duc_linh_2023, acting_user=district_officer)
    save(report, district_officer, all_values(plan_setup))
    with pytest.raises(Http404):
        do_save_draft(report, acting_user=tanh_linh_officer, revision=1, narrative={"results": "x"}, values=[])
    with pytest.raises(Http404):
        do_submit(report, acting_user=tanh_linh_officer)
    with pytest.raises(Http404):
        do_open_correction(report, acting_user=tanh_linh_officer)
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.status, fresh.revision, fresh.results) == (ReportStatus.DRAFT, 1, "")


@pytest.mark.parametrize("persona", ["outsider", "supervisor", "commune_worker", "hotline_operator"], indirect=True)
def test_people_who_do_not_report_for_the_district_cannot_write_its_report(plan_setup, duc_linh_2023, persona):
    with pytest.raises(Http404):
        get_or_start_draft(duc_linh_2023, acting_user=persona)
    assert not Report.objects.filter(request=duc_linh_2023).exists()


def test_the_district_officer_writes_its_own_report(plan_setup, duc_linh_2023, district_officer):
    assert can_submit(district_officer, duc_linh_2023)
    assert not can_submit(district_officer, plan_setup.request("tl", 2023))


def test_the_province_officer_writes_the_provinces_own_report(child_plan, province_officer):
    """The province's own request (a schedule for the province itself): its unit, legacy Bình Thuận, is in the
    province officer's jurisdiction through the conversion table (current Lâm Đồng)."""
    setup = add_schedule(child_plan, province_officer, units=[child_plan.province])
    request = setup.request("bt", 2023)
    report = get_or_start_draft(request, acting_user=province_officer)
    save(report, province_officer, all_values(setup))
    assert do_submit(report, acting_user=province_officer).status == ReportStatus.SUBMITTED


def test_the_province_officer_does_not_write_a_districts_report(plan_setup, duc_linh_2023, province_officer):
    assert not can_submit(province_officer, duc_linh_2023)
    with pytest.raises(Http404):
        get_or_start_draft(duc_linh_2023, acting_user=province_officer)


@pytest.mark.parametrize("persona", ["district_officer", "supervisor", "outsider"], indirect=True)
def test_only_the_plan_owners_review(submitted, persona):
    assert not can_review(persona, submitted.request)
    with pytest.raises(Http404):
        do_accept(submitted, acting_user=persona)
    with pytest.raises(Http404):
        do_return(submitted, acting_user=persona, comment="Trả lại")
    with pytest.raises(Http404):  # not told that a comment is needed first
        do_return(submitted, acting_user=persona, comment="")
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert actions_on(submitted)[-1] == "report.submit"


def test_another_district_cannot_review(submitted, tanh_linh_officer):
    with pytest.raises(Http404):
        do_accept(submitted, acting_user=tanh_linh_officer)
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_the_province_officer_reviews_a_districts_report(submitted, province_officer):
    assert can_review(province_officer, submitted.request)


def test_a_province_officer_of_another_province_cannot_review(submitted):
    hanoi = f.ProvinceOfficerFactory(username="tinh_hanoi", unit=f.current_province(f.HANOI))
    with pytest.raises(Http404):
        do_accept(submitted, acting_user=hanoi)
    with pytest.raises(Http404):
        get_or_start_draft(submitted.request, acting_user=hanoi)


def test_a_plan_of_another_issuer_is_not_the_province_officers(province_officer):
    """A plan issued in Hà Nội: the Lâm Đồng province officer can neither manage its schedule nor review."""
    from giamsat.units.choices import OrganisationKind
    from giamsat.units.models import Organisation

    setup = make_plan()
    hanoi_org = Organisation.objects.create(
        name="Ủy ban nhân dân thành phố Hà Nội (thử)",
        unit=f.current_province(f.HANOI),
        abbreviation="UBND",
        kind=OrganisationKind.PEOPLES_COMMITTEE,
    )
    setup.plan.issuer = hanoi_org
    setup.plan.save()
    admin = f.AdminFactory()
    add_schedule(setup, admin, units=[f.current_commune("Phường Ba Đình", f.HANOI)])
    request = ReportRequest.objects.get(schedule=setup.schedule, period_start__year=2023)
    assert not can_review(province_officer, request)
    with pytest.raises(Http404):
        do_generate_requests(setup.schedule, acting_user=province_officer)


def test_a_refused_upload_leaves_no_new_draft_behind(plan_setup, duc_linh_2023, district_officer):
    """The upload starts the draft and saves into it in one transaction (the page used to commit the new draft
    first, so a file refused on saving left an empty draft and its audit entry)."""
    wrong = [ValueInput(plan_setup.ind(COUNT), value=D(-1))]
    with pytest.raises(InvalidValues):
        do_take_upload(
            duc_linh_2023, acting_user=district_officer, values=wrong, from_template=True, template_revision=0
        )
    assert not Report.objects.filter(request=duc_linh_2023).exists()
    assert not AuditEntry.objects.filter(action="report.start").exists()

    report = do_take_upload(
        duc_linh_2023,
        acting_user=district_officer,
        values=all_values(plan_setup),
        from_template=True,
        template_revision=0,
    )
    assert report.revision == 1 and report.values.count() == len(all_values(plan_setup))
