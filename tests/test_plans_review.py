"""Defects a review of the plans found (30/11): a grid that could not be saved after the plan was shortened, targets
dropped from an upload without a word, an indicator whose stored numbers changed meaning, and an unaudited change."""

import datetime
from decimal import Decimal as D

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.forms.models import model_to_dict
from django.urls import reverse

from giamsat.core.models import AuditEntry
from giamsat.plans.models import Indicator, Target, Task
from giamsat.units.models import Organisation
from plan_fixtures import COUNT, DECREASE, RATIO, accepted_report, set_target
from test_plans import PERIOD_2022, _grid, _targets_file, _upload

pytestmark = pytest.mark.django_db
pytest_plugins = ["plan_fixtures"]


def target(setup, code, unit, year=2022):
    day = datetime.date
    return Target.objects.filter(
        indicator=setup.ind(code), unit=unit, period_start=day(year, 1, 1), period_end=day(year, 12, 31)
    ).first()


def test_a_plan_shortened_after_its_reports_opens_and_saves_its_targets_in_its_own_years(
    client_for, province_officer, plan_setup
):
    """The page offered the year of the last accepted report (2023), outside the shortened plan (2021–2022): saving
    the grid or uploading its file was a server error, and the typed grid was lost."""
    accepted_report(plan_setup.request("dl", 2023), {plan_setup.ind(COUNT): 9})
    type(plan_setup.plan).objects.filter(pk=plan_setup.plan.pk).update(last_year=2022)
    client = client_for(province_officer)
    page = client.get(reverse("plans:targets", args=[plan_setup.plan.pk]))
    assert page.status_code == 200
    assert page.context["period"].start.year == 2022
    wb, ws, rows, columns = _targets_file(client, plan_setup, period="")
    ws.cell(rows[plan_setup.duc_linh.code], columns[COUNT]).value = 11
    response = _upload(client, plan_setup, wb, period="")
    assert response.status_code == 302
    assert target(plan_setup, COUNT, plan_setup.duc_linh).value == 11


def test_an_upload_whose_unit_name_column_was_deleted_keeps_every_indicator(client_for, province_officer, child_plan):
    """The first indicator then stood in column B, which was skipped as the names' column: its targets were dropped,
    and the page said the file was taken."""
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, child_plan)
    ws.cell(rows[child_plan.duc_linh.code], columns[COUNT]).value = 77
    ws.cell(rows[child_plan.duc_linh.code], columns[RATIO]).value = 50
    assert columns[COUNT] == 3  # the first indicator, next to the names
    ws.delete_cols(2)
    assert _upload(client, child_plan, wb).status_code == 302
    assert target(child_plan, COUNT, child_plan.duc_linh).value == 77
    assert target(child_plan, RATIO, child_plan.duc_linh).value == 50


def test_a_heading_merged_over_two_indicators_is_refused_with_its_cells(client_for, province_officer, child_plan):
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, child_plan)
    before = target(child_plan, RATIO, child_plan.duc_linh).value
    ws.cell(rows[child_plan.duc_linh.code], columns[RATIO]).value = 51
    first = openpyxl.utils.get_column_letter(columns[COUNT])
    second = openpyxl.utils.get_column_letter(columns[RATIO])
    ws.merge_cells(f"{first}1:{second}1")
    response = _upload(client, child_plan, wb)
    assert response.status_code == 200
    assert f"Vùng gộp ô {first}1:{second}1 ở dòng tiêu đề" in response.content.decode()
    assert target(child_plan, RATIO, child_plan.duc_linh).value == before


@pytest.mark.parametrize(
    ("code", "changes", "field"),
    [
        (COUNT, {"kind": "ratio", "unit_aggregation": "ratio", "measure": "%"}, "kind"),
        (COUNT, {"direction": "decrease", "baseline_value": "1"}, "direction"),
    ],
)
def test_an_indicator_with_targets_or_reports_keeps_its_kind_and_direction(
    client_for, province_officer, plan_setup, code, changes, field
):
    """A count's 9 became no data as a ratio, and its targets of 10 became 10 %, with no word."""
    indicator = plan_setup.ind(code)
    data = {k: ("" if v is None else v) for k, v in model_to_dict(indicator).items() if k not in ("id", "plan")}
    response = client_for(province_officer).post(
        reverse("plans:indicator_edit", args=[plan_setup.plan.pk, indicator.pk]), data | changes
    )
    assert response.status_code == 200
    assert "Hãy thêm một chỉ tiêu mới" in str(response.context["form"].errors[field])
    assert getattr(Indicator.objects.get(pk=indicator.pk), field) == getattr(indicator, field)


def test_a_new_indicator_may_still_take_any_kind(client_for, province_officer, child_plan):
    from giamsat.plans.services import do_save_indicator

    indicator = Indicator.objects.create(plan=child_plan.plan, code="CT99", name="Chỉ tiêu thử", measure="xã")
    do_save_indicator(indicator, acting_user=province_officer, fields={"kind": "milestone"})
    assert Indicator.objects.get(pk=indicator.pk).kind == "milestone"


def test_a_change_of_a_tasks_coordinating_bodies_is_in_its_audit_entry(province_officer, child_plan):
    from giamsat.plans.services import do_save_task

    task = do_save_task(
        Task(plan=child_plan.plan), acting_user=province_officer, fields={"text": "Tuyên truyền"}, coordinators=[]
    )
    body = Organisation.objects.filter(unit=child_plan.province).order_by("pk").first()
    do_save_task(task, acting_user=province_officer, fields={}, coordinators=[body])
    entry = AuditEntry.objects.filter(action="task.update").latest("pk")
    assert entry.changes == {"coordinators": ["", str(body)]}


def test_the_same_target_cell_twice_in_the_api_is_a_422_naming_it(api_client_for, province_officer, child_plan):
    """The last one was kept without a word."""
    cell = {"indicator_id": child_plan.ind(COUNT).pk, "unit_id": child_plan.duc_linh.pk}
    before = target(child_plan, COUNT, child_plan.duc_linh).value
    response = api_client_for(province_officer).put(
        f"/api/plans/{child_plan.plan.pk}/targets?period=2022",
        [cell | {"value": "5"}, cell | {"value": "6"}],
        content_type="application/json",
    )
    assert response.status_code == 422
    assert f"({cell['indicator_id']}, {cell['unit_id']})" in response.json()["message"]
    assert target(child_plan, COUNT, child_plan.duc_linh).value == before


def test_a_breakdown_named_twice_is_refused(province_officer, child_plan):
    from django.core.exceptions import ValidationError

    from giamsat.plans.services import do_save_indicator

    indicator = Indicator(plan=child_plan.plan, code="CT98", name="Trẻ em được hỗ trợ", measure="trẻ em")
    with pytest.raises(ValidationError) as refused:
        do_save_indicator(indicator, acting_user=province_officer, fields={"disaggregations": ["sex", "sex"]})
    assert refused.value.message_dict["disaggregations"] == ["Phân tổ ghi hai lần: sex"]
    assert not Indicator.objects.filter(code="CT98").exists()


def test_a_target_carrying_the_units_own_baseline_is_not_emptied(
    client_for, api_client_for, province_officer, child_plan
):
    """Emptying the cell deleted the target and the unit's baseline with it, which no page can set again: later
    targets of that "decrease" indicator were then checked against the indicator's baseline instead."""
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    cell = f"t-{setup.ind(DECREASE).pk}-{setup.duc_linh.pk}"
    expected = f"Chỉ tiêu {DECREASE}: đơn vị có giá trị cơ sở riêng (8) gắn với ô này; để trống ô sẽ xóa luôn giá trị"
    client = client_for(province_officer)
    response = client.post(url, _grid(setup, 2022) | {cell: ""})
    assert response.status_code == 200 and expected in response.context["errors"][cell]

    wb, ws, rows, columns = _targets_file(client, setup)
    ws.cell(rows[setup.duc_linh.code], columns[DECREASE]).value = None
    assert expected in _upload(client, setup, wb).content.decode()

    body = [{"indicator_id": setup.ind(DECREASE).pk, "unit_id": setup.duc_linh.pk, "value": None}]
    api = api_client_for(province_officer).put(
        f"/api/plans/{setup.plan.pk}/targets?period=2022", body, content_type="application/json"
    )
    assert api.status_code == 422 and expected in api.json()["errors"][0]["message"]
    kept = target(setup, DECREASE, setup.duc_linh)
    assert (kept.value, kept.baseline_value) == (4, 8)
    # A file downloaded before the target was set shows its cell empty: left so, it empties nothing.
    kept.delete()
    wb, ws, rows, columns = _targets_file(client, setup)
    set_target(setup.ind(DECREASE), setup.duc_linh, 2022, 4, baseline=D(8))  # by an administrator, meanwhile
    ws.cell(rows[setup.duc_linh.code], columns[COUNT]).value = 11
    assert _upload(client, setup, wb).status_code == 302
    assert target(setup, COUNT, setup.duc_linh).value == 11
    assert target(setup, DECREASE, setup.duc_linh).baseline_value == 8
    # A target without a baseline of its own is emptied as before.
    assert (
        client.post(url, _grid(setup, 2022) | {f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}": ""}).status_code == 302
    )
    assert target(setup, COUNT, setup.duc_linh) is None


def test_a_rate_target_typed_as_a_fraction_is_saved_and_pointed_out(client_for, province_officer, child_plan):
    """0.9 in a General cell of a rate's column was stored as a target of 0.9 % without a word."""
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, child_plan)
    ws.cell(rows[child_plan.duc_linh.code], columns[RATIO]).value = 0.9
    response = _upload(client, child_plan, wb)
    assert response.status_code == 302
    assert target(child_plan, RATIO, child_plan.duc_linh).value == D("0.9")
    cell = f"{openpyxl.utils.get_column_letter(columns[RATIO])}{rows[child_plan.duc_linh.code]}"
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"Ô {cell}: 0,9 được hiểu là 0,9% (chỉ tiêu {RATIO} tính bằng %). Nếu ý bạn là 90%, hãy nhập 90" in shown[1]
    client.get(response.url)  # where the messages are shown, and so consumed
    # Downloaded again, the saved 0.9 comes back in its cell; changing another cell does not point it out again.
    wb, ws, rows, columns = _targets_file(client, child_plan)
    ws.cell(rows[child_plan.duc_linh.code], columns[COUNT]).value = 12
    response = _upload(client, child_plan, wb)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã nhận tệp: 1 ô chỉ tiêu thay đổi."]
