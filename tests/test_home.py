"""The home page's "Waiting for you": each count is the number of rows of the list its link opens, scoped like it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

import factories as f
from giamsat.supervision.choices import AddresseeKind, SupervisionStatus
from giamsat.supervision.models import Recommendation, Supervision
from giamsat.units.choices import OrganisationKind
from giamsat.units.models import Organisation
from plan_fixtures import accepted_report
from test_cases_fixtures import new_case

pytestmark = pytest.mark.django_db
pytest_plugins = ["plan_fixtures", "test_cases_fixtures"]


def tasks(client) -> dict:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {task.label: task for task in response.context["tasks"]}


def listed(client, url: str, name: str) -> int:
    """How many rows the list behind a link shows."""
    context = client.get(url).context
    if name == "page_obj":
        return context["page_obj"].paginator.count
    return len(context[name])


@pytest.fixture
def overdue_recommendation(supervisor):
    today = timezone.localdate()
    committee = Organisation.objects.get(unit=f.legacy_district(f.DUC_LINH), kind=OrganisationKind.PEOPLES_COMMITTEE)
    supervision = Supervision.objects.create(
        organisation=Organisation.objects.get(name="Hội Liên hiệp Phụ nữ tỉnh Bình Thuận"),
        title="Giám sát thử",
        status=SupervisionStatus.REPORTED,
        start_on=datetime.date(2023, 9, 5),
        end_on=datetime.date(2023, 10, 31),
    )
    return Recommendation.objects.create(
        supervision=supervision,
        addressee=committee,
        addressee_kind=AddresseeKind.SUPERVISED,
        text="Rà soát các chỉ tiêu",
        made_on=today - datetime.timedelta(days=60),
        due_on=today - datetime.timedelta(days=5),
    )


def test_a_district_officer_sees_its_overdue_reports_and_the_recommendation_to_answer(
    plan_setup, district_officer, overdue_recommendation, client_for
):
    client = client_for(district_officer)
    waiting = tasks(client)
    reports = waiting["Yêu cầu báo cáo quá hạn chưa nộp"]
    assert reports.count == listed(client, reports.url, "requests") == 2  # Đức Linh's 2022 and 2023, never sent
    assert waiting["Kiến nghị gửi đơn vị bạn chưa thực hiện xong"].count == 1
    late = waiting["…trong đó quá hạn trả lời"]
    assert late.count == listed(client, late.url, "rows") == 1
    html = client.get(reverse("home")).content.decode()
    assert 'class="badge late">✗ 2<' in html and "Báo cáo chờ bạn duyệt" not in html


def test_a_province_officer_sees_the_reports_waiting_for_review(plan_setup, province_officer, client_for):
    accepted_report(plan_setup.request("dl", 2023), {}, status="submitted")
    client = client_for(province_officer)
    waiting = tasks(client)["Báo cáo chờ bạn duyệt"]
    assert waiting.count == len(client.get(waiting.url).context["waiting"]) == 1


def test_a_commune_worker_sees_the_open_and_overdue_cases(hotline_operator, commune_worker, client_for):
    duc_linh = f.current_commune("Xã Đức Linh")
    new_case(hotline_operator, duc_linh)
    new_case(hotline_operator, duc_linh, received_at=timezone.now() - datetime.timedelta(days=20))
    client = client_for(commune_worker)
    waiting = tasks(client)
    open_cases, late = waiting["Vụ việc đang xử lý"], waiting["…trong đó quá hạn một bước"]
    assert open_cases.count == listed(client, open_cases.url, "page_obj") == 2
    assert late.count == listed(client, late.url, "page_obj") == 1


def test_a_leader_sees_the_overdue_recommendations_of_the_area_and_an_outsider_sees_none(
    plan_setup, overdue_recommendation, outsider, client_for
):
    leader = f.UserFactory(role="viewer", unit=f.current_province(f.LAM_DONG))
    client = client_for(leader)
    late = tasks(client)["Kiến nghị quá hạn trả lời"]
    assert late.count == listed(client, late.url, "rows") == 1
    assert "Yêu cầu báo cáo quá hạn chưa nộp" not in tasks(client)  # leaders file no report
    elsewhere = tasks(client_for(outsider))
    assert {label: task.count for label, task in elsewhere.items()} == {
        "Yêu cầu báo cáo quá hạn chưa nộp": 0,
        "Kiến nghị gửi đơn vị bạn chưa thực hiện xong": 0,
        "…trong đó quá hạn trả lời": 0,
    }


def test_the_home_page_is_english_when_asked(district_officer, client_for):
    client = client_for(district_officer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "Waiting for you" in html and "Report requests overdue, not submitted" in html
    assert "Sắp có" not in html and "Coming" not in html


def test_an_administrator_has_no_one_else_s_work_counted(plan_setup, admin_user, client_for):
    """Every permission, none of this work: the counts would be the whole country's."""
    assert tasks(client_for(admin_user)) == {}
    assert "Vai trò của bạn không có việc nào phải theo dõi ở đây" in client_for(admin_user).get("/").content.decode()
