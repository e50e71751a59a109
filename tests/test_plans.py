"""Plans, indicators and targets (giamsat.plans): the reference validator, the plan form and its signed file,
the indicator rules, the targets grid and the breakdown warnings, and who may see or change what."""

import datetime
import io
import re
from decimal import Decimal
from html import escape as html_escape

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import factories as f
from giamsat.core.formatting import plain_number
from giamsat.core.models import AuditEntry
from giamsat.core.periods import Period
from giamsat.plans import services
from giamsat.plans.choices import Direction, IndicatorKind, PlanStatus, TimeAggregation, UnitAggregation
from giamsat.plans.forms import PlanForm
from giamsat.plans.models import Indicator, Plan, Programme, Target, Task, validate_reference
from giamsat.reporting.queries import breakdown_warnings
from plan_fixtures import AMOUNT, COUNT, DECREASE, MILESTONE, RATIO, ubnd_binh_thuan

pytest_plugins = ["plan_fixtures"]

D = Decimal
VIETNAMESE = re.compile(r"[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", re.IGNORECASE)

# A complete, valid one-page PDF (header, catalog, pages, page, cross-reference table, trailer).
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer <</Size 4 /Root 1 0 R>>\nstartxref\n186\n%%EOF\n"
)

pytestmark = pytest.mark.usefixtures("media_root")


def plan_post(**overrides) -> dict:
    data = {
        "reference": "4525/KH-UBND",
        "issuer": ubnd_binh_thuan().pk,
        "issued_on": "20/11/2020",
        "title": "Kế hoạch thực hiện Chương trình trợ giúp người khuyết tật giai đoạn 2021 - 2030",
        "programme": Programme.objects.get_or_create(name="Trợ giúp người khuyết tật (thử)")[0].pk,
        "first_year": "2021",
        "last_year": "2030",
        "legal_basis": "Quyết định số 1190/QĐ-TTg ngày 05/8/2020",
        "status": PlanStatus.IN_FORCE,
        "replaced_by": "",
    }
    return data | overrides


def field_errors(html: str, field: str) -> str:
    """The text of the form field's block (label, input, its error list), as rendered by registration/_form."""
    match = re.search(
        rf'<div class="field">\s*<label for="id_{field}">.*?</div>\s*(?=<div class="field">|<button)', html, re.S
    )
    assert match, f"no field block for {field}"
    return match.group(0)


# --------------------------------------------------------------------------------------- reference


def test_the_reference_validator_accepts_an_official_number():
    validate_reference("4525/KH-UBND")
    validate_reference("Số: 05/KH-HLHPN")


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("4525-KH", "không đúng mẫu"),
        ("0/KH-UBND", "Số văn bản phải lớn hơn 0"),
        ("", "không đúng mẫu"),
    ],
)
def test_the_reference_validator_refuses_with_a_vietnamese_message(reference, message):
    with pytest.raises(ValidationError) as caught:
        validate_reference(reference)
    assert message in caught.value.messages[0]


@pytest.mark.parametrize(
    ("reference", "message"),
    [("4525-KH", "ví dụ 4525/KH-UBND"), ("0/KH-UBND", "Số văn bản phải lớn hơn 0"), ("", "bắt buộc")],
)
def test_the_plan_form_puts_the_reference_error_on_its_field(province_officer, reference, message):
    form = PlanForm(plan_post(reference=reference), instance=Plan(), user=province_officer)
    assert not form.is_valid()
    assert list(form.errors) == ["reference"]
    assert message in form.errors["reference"][0]
    assert VIETNAMESE.search(form.errors["reference"][0])


def test_the_plan_form_accepts_an_official_reference(province_officer):
    form = PlanForm(plan_post(), instance=Plan(), user=province_officer)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("reference", "message"), [("4525-KH", "không đúng mẫu"), ("0/KH-UBND", "lớn hơn 0")])
def test_the_api_refuses_a_bad_reference_with_422_and_the_field(api_client_for, province_officer, reference, message):
    payload = {
        "reference": reference,
        "issuer_id": ubnd_binh_thuan().pk,
        "issued_on": "2020-11-20",
        "title": "Kế hoạch thử",
        "programme_id": Programme.objects.create(name="Lĩnh vực thử API").pk,
        "first_year": 2021,
        "last_year": 2030,
    }
    response = api_client_for(province_officer).post("/api/plans", payload, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["reference"]
    assert message in errors[0]["message"]
    assert not Plan.objects.filter(title="Kế hoạch thử").exists()


def test_the_api_creates_a_plan_with_an_official_reference(api_client_for, province_officer):
    payload = {
        "reference": "4525/KH-UBND",
        "issuer_id": ubnd_binh_thuan().pk,
        "issued_on": "2020-11-20",
        "title": "Kế hoạch thử",
        "programme_id": Programme.objects.create(name="Lĩnh vực thử API").pk,
        "first_year": 2021,
        "last_year": 2030,
    }
    response = api_client_for(province_officer).post("/api/plans", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.reference, plan.issued_on) == ("4525/KH-UBND", datetime.date(2020, 11, 20))
    assert AuditEntry.objects.filter(action="plan.create", object_id=str(plan.pk), actor=province_officer).exists()


# --------------------------------------------------------------------------------------- plan form (view)


def test_a_plan_year_outside_1900_to_9999_is_refused_on_its_field(client_for, api_client_for, province_officer):
    """A mistyped 20230 was saved, and the plan's page then failed on a date of year 20230."""
    response = client_for(province_officer).post(reverse("plans:create"), plan_post(last_year="20230"))
    assert response.status_code == 200
    assert "Năm phải từ 1900 đến 9999." in field_errors(response.content.decode(), "last_year")
    body = plan_post(first_year=0, last_year=0) | {"issuer_id": ubnd_binh_thuan().pk, "issued_on": "2020-11-20"}
    body["programme_id"] = body.pop("programme")
    response = api_client_for(province_officer).post("/api/plans", body, content_type="application/json")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["first_year", "last_year"]
    assert not Plan.objects.filter(reference="4525/KH-UBND").exists()


def _wrapped_in_one_savepoint(queries: list[str], first: str, second: str) -> bool:
    """Whether the statements starting with `first` and `second` ran inside one atomic block (a savepoint
    opened before the first and released after the second, as a service's transaction.atomic() does inside
    the test's own transaction)."""
    i = next(n for n, sql in enumerate(queries) if sql.startswith(first))
    j = next(n for n, sql in enumerate(queries) if sql.startswith(second))
    for sql in queries[:i]:
        if sql.startswith("SAVEPOINT "):
            name = sql.split()[1]
            release = next((m for m, s in enumerate(queries) if s == f"RELEASE SAVEPOINT {name}"), None)
            if release is not None and release > j:
                return True
    return False


def test_the_province_officer_creates_a_plan_with_its_audit_entry_in_the_same_transaction(client_for, province_officer):
    client = client_for(province_officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("plans:create"), plan_post())
    assert response.status_code == 302
    plan = Plan.objects.get(reference="4525/KH-UBND", issuer=ubnd_binh_thuan())
    assert response.url == reverse("plans:detail", args=[plan.pk])
    assert plan.issued_on == datetime.date(2020, 11, 20)
    entry = AuditEntry.objects.get(action="plan.create", object_id=str(plan.pk))
    assert entry.actor == province_officer
    assert entry.changes["reference"] == [None, "4525/KH-UBND"]
    sql = [q["sql"].replace('"', "") for q in captured.captured_queries]
    assert _wrapped_in_one_savepoint(sql, "INSERT INTO plans_plan", "INSERT INTO core_auditentry")


def test_the_province_officer_edits_a_plan_and_an_update_entry_is_written(client_for, province_officer, child_plan):
    plan = child_plan.plan
    client = client_for(province_officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("plans:edit", args=[plan.pk]),
            plan_post(reference=plan.reference, title="Tên mới của kế hoạch", first_year="2021", last_year="2025"),
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Tên mới của kế hoạch"
    entry = AuditEntry.objects.get(action="plan.update", object_id=str(plan.pk))
    assert entry.actor == province_officer
    sql = [q["sql"].replace('"', "") for q in captured.captured_queries]
    assert _wrapped_in_one_savepoint(sql, "UPDATE plans_plan", "INSERT INTO core_auditentry")


def test_the_plan_update_entry_records_what_changed(client_for, province_officer, child_plan):
    plan = child_plan.plan
    old_title = plan.title
    client_for(province_officer).post(
        reverse("plans:edit", args=[plan.pk]),
        plan_post(reference=plan.reference, title="Tên mới của kế hoạch", first_year="2021", last_year="2025"),
    )
    entry = AuditEntry.objects.get(action="plan.update", object_id=str(plan.pk))
    assert entry.changes.get("title") == [old_title, "Tên mới của kế hoạch"]


@pytest.mark.parametrize("persona", ["district_officer", "outsider", "supervisor"], indirect=True)
def test_who_may_not_change_plans_cannot_create_one(client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("plans:create")).status_code == 404
    assert client.post(reverse("plans:create"), plan_post()).status_code == 404
    assert not Plan.objects.filter(reference="4525/KH-UBND").exists()
    assert not AuditEntry.objects.filter(action="plan.create").exists()


@pytest.mark.parametrize("persona", ["district_officer", "outsider", "supervisor"], indirect=True)
def test_who_may_not_change_plans_cannot_edit_one(client_for, persona, child_plan):
    plan = child_plan.plan
    client = client_for(persona)
    url = reverse("plans:edit", args=[plan.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, plan_post(reference=plan.reference, title="Bị sửa")).status_code == 404
    plan.refresh_from_db()
    assert plan.title != "Bị sửa"
    assert not AuditEntry.objects.filter(action="plan.update").exists()


def test_a_real_pdf_is_accepted_as_the_signed_file(client_for, province_officer, media_root):
    upload = SimpleUploadedFile("4525-KH-UBND.pdf", PDF, content_type="application/pdf")
    response = client_for(province_officer).post(reverse("plans:create"), plan_post(signed_file=upload))
    assert response.status_code == 302
    plan = Plan.objects.get(reference="4525/KH-UBND")
    assert plan.signed_file.name.endswith(".pdf")
    assert (media_root / plan.signed_file.name).read_bytes() == PDF


def test_a_signed_file_with_a_long_official_name_is_accepted(client_for, province_officer, media_root):
    """A 128-character name was refused: "Tên tệp tin có tối đa 100 kí tự"."""
    name = (
        "Kế hoạch số 4525-KH-UBND ngày 15 tháng 12 năm 2021 về thực hiện Chương trình trợ giúp người khuyết tật "
        "(bản ký).pdf"
    )
    assert len(name) > 100
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    response = client_for(province_officer).post(reverse("plans:create"), plan_post(signed_file=upload))
    assert response.status_code == 302
    plan = Plan.objects.get(reference="4525/KH-UBND")
    assert len(plan.signed_file.name) <= 100 and plan.signed_file.name.endswith(".pdf")
    assert (media_root / plan.signed_file.name).read_bytes() == PDF


def test_a_text_file_named_pdf_is_refused_next_to_the_field_and_nothing_is_saved(
    client_for, province_officer, media_root
):
    upload = SimpleUploadedFile("ke-hoach.pdf", b"Day khong phai PDF\n" * 20, content_type="application/pdf")
    response = client_for(province_officer).post(reverse("plans:create"), plan_post(signed_file=upload))
    assert response.status_code == 200
    block = field_errors(response.content.decode(), "signed_file")
    assert 'class="errorlist"' in block
    assert "không phải là PDF (.pdf) thật" in block
    assert not Plan.objects.filter(reference="4525/KH-UBND").exists()
    assert not AuditEntry.objects.filter(action="plan.create").exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# --------------------------------------------------------------------------------------- indicators


def _indicator(plan, **fields) -> Indicator:
    base = {"plan": plan, "code": "X01", "name": "Chỉ tiêu thử", "measure": "người"}
    return Indicator(**(base | fields))


def test_a_ratio_indicator_cannot_be_summed_over_units(child_plan):
    indicator = _indicator(child_plan.plan, kind=IndicatorKind.RATIO, unit_aggregation=UnitAggregation.SUM)
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "không cộng được" in caught.value.message_dict["unit_aggregation"][0]


def test_only_a_ratio_indicator_is_recomputed_from_numerators(child_plan):
    indicator = _indicator(child_plan.plan, kind=IndicatorKind.COUNT, unit_aggregation=UnitAggregation.RATIO)
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "tử số, mẫu số" in caught.value.message_dict["unit_aggregation"][0]


def test_a_maintain_indicator_needs_a_tolerance(child_plan):
    indicator = _indicator(child_plan.plan, direction=Direction.MAINTAIN)
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "sai số cho phép" in caught.value.message_dict["tolerance"][0]
    indicator.tolerance = D(2)
    indicator.full_clean()


def test_a_ratio_indicator_with_the_ratio_method_is_valid(child_plan):
    _indicator(child_plan.plan, kind=IndicatorKind.RATIO, unit_aggregation=UnitAggregation.RATIO).full_clean()


def _indicator_post(**overrides) -> dict:
    data = {
        "order": "7",
        "code": "CT07",
        "name": "Tỷ lệ xã có điểm vui chơi cho trẻ em",
        "measure": "%",
        "kind": IndicatorKind.RATIO,
        "direction": Direction.INCREASE,
        "time_aggregation": TimeAggregation.SUM,
        "unit_aggregation": UnitAggregation.SUM,
        "baseline_value": "",
        "baseline_year": "",
        "tolerance": "",
        "numerator_label": "Xã có điểm vui chơi",
        "denominator_label": "Số xã",
        "national_code": "",
        "source": "reports",
    }
    return data | overrides


def test_the_indicator_page_shows_the_rule_next_to_its_field_and_saves_nothing(
    client_for, province_officer, child_plan
):
    plan = child_plan.plan
    client = client_for(province_officer)
    url = reverse("plans:indicator_create", args=[plan.pk])
    response = client.post(url, _indicator_post())
    assert response.status_code == 200
    assert "không cộng được giữa các đơn vị" in field_errors(response.content.decode(), "unit_aggregation")
    assert not plan.indicators.filter(code="CT07").exists()

    response = client.post(url, _indicator_post(unit_aggregation=UnitAggregation.RATIO, disaggregations=["sex"]))
    assert response.status_code == 302
    created = plan.indicators.get(code="CT07")
    assert created.disaggregations == ["sex"]
    assert AuditEntry.objects.filter(action="indicator.create", object_id=str(created.pk)).exists()


def test_a_duplicate_indicator_code_is_refused_on_its_field(client_for, province_officer, child_plan):
    """The constraint's own message came at the top of the form: "Chỉ tiêu với thông tin Plan và Mã đã tồn tại"."""
    plan = child_plan.plan
    url = reverse("plans:indicator_create", args=[plan.pk])
    response = client_for(province_officer).post(url, _indicator_post(code=COUNT, unit_aggregation="ratio"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Kế hoạch này đã có chỉ tiêu mã {COUNT}." in field_errors(html, "code")
    assert "Plan" not in html
    assert plan.indicators.filter(code=COUNT).count() == 1
    assert Indicator._meta.get_field("plan").verbose_name == "kế hoạch"
    edit = reverse("plans:indicator_edit", args=[plan.pk, child_plan.ind(COUNT).pk])
    kept = _indicator_post(code=COUNT, kind="count", measure="cuộc")
    assert client_for(province_officer).post(edit, kept).status_code == 302  # its own code, kept


# --------------------------------------------------------------------------------------- targets grid

PERIOD_2022 = "2022-2022-year"


def _grid(setup, year: int) -> dict[str, str]:
    """The grid as the page would post it back: every shown cell, with the current values."""
    units = [setup.province, *setup.province.children.all()]
    current = {
        (t.indicator_id, t.unit_id): t.value
        for t in Target.objects.filter(indicator__plan=setup.plan, period_start__year=year, period_end__year=year)
    }
    cells = {
        f"t-{ind.pk}-{unit.pk}": plain_number(current.get((ind.pk, unit.pk)))
        for ind in setup.indicators.values()
        for unit in units
    }
    columns = list(setup.plan.indicators.all())  # in the page's order
    rows = {f"was-row-{unit.pk}": ";".join(cells[f"t-{ind.pk}-{unit.pk}"] for ind in columns) for unit in units}
    return cells | rows | {"was-columns": ",".join(str(ind.pk) for ind in columns)}


def _was(html: str, cell: str) -> str:
    """What a posted page says it showed in a cell ("t-<indicator>-<unit>"): its unit's row of "was-row-…",
    in the order of "was-columns"."""
    _t, indicator, unit = cell.split("-")
    columns = re.search(r'name="was-columns" value="([^"]*)"', html).group(1).split(",")
    row = re.search(rf'name="was-row-{unit}" value="([^"]*)"', html).group(1).split(";")
    return dict(zip(columns, row, strict=True))[indicator]


def _target(setup, code, unit, year=2022):
    return Target.objects.filter(
        indicator=setup.ind(code),
        unit=unit,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
    ).first()


def test_the_targets_grid_saves_vietnamese_numbers(client_for, province_officer, child_plan):
    setup = child_plan
    data = _grid(setup, 2022)
    data[f"t-{setup.ind(AMOUNT).pk}-{setup.duc_linh.pk}"] = "1.234,5"
    data[f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}"] = "11"
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    response = client_for(province_officer).post(url, data)
    assert response.status_code == 302
    assert response.url == url
    assert _target(setup, AMOUNT, setup.duc_linh).value == D("1234.5")
    assert _target(setup, COUNT, setup.duc_linh).value == 11
    assert _target(setup, COUNT, setup.tanh_linh).value == 8  # posted back unchanged
    entry = AuditEntry.objects.get(action="targets.update", object_id=str(setup.plan.pk))
    assert entry.changes["period"] == "Năm 2022"
    assert len(entry.changes["cells"]) == 2


def test_one_bad_cell_in_the_targets_grid_saves_nothing_and_is_marked(client_for, province_officer, child_plan):
    setup = child_plan
    data = _grid(setup, 2022)
    good = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}"
    bad = f"t-{setup.ind(AMOUNT).pk}-{setup.tanh_linh.pk}"
    negative = f"t-{setup.ind(COUNT).pk}-{setup.tanh_linh.pk}"
    data[good], data[bad], data[negative] = "99", "nhiều", "-3"
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    response = client_for(province_officer).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'id="{bad}-err"[^>]*>Chỉ tiêu {AMOUNT}: “nhiều” không phải là số', html)
    assert re.search(rf'id="{negative}-err"[^>]*>Chỉ tiêu không được âm', html)
    assert f'id="{good}-err"' not in html
    assert f'name="{bad}" id="{bad}"' in html and 'value="nhiều"' in html  # the typed text is kept
    assert _target(setup, COUNT, setup.duc_linh).value == 10
    assert _target(setup, AMOUNT, setup.tanh_linh).value == 40_000_000
    assert not AuditEntry.objects.filter(action="targets.update").exists()


def test_an_emptied_cell_removes_the_target(client_for, province_officer, child_plan):
    setup = child_plan
    data = _grid(setup, 2022)
    data[f"t-{setup.ind(COUNT).pk}-{setup.tanh_linh.pk}"] = ""
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    assert client_for(province_officer).post(url, data).status_code == 302
    assert _target(setup, COUNT, setup.tanh_linh) is None
    assert _target(setup, COUNT, setup.duc_linh).value == 10
    assert _target(setup, COUNT, setup.tanh_linh, 2023).value == 10  # another period is untouched


def test_a_grid_of_more_cells_than_djangos_default_form_limit_is_saved_whole(client_for, province_officer, child_plan):
    """A province's grid has one field per unit and indicator (about 10,000 at the largest); Django's default
    refused any form above 1,000 fields, losing everything typed."""
    setup = child_plan
    units = [setup.province, *setup.province.children.all()]
    extra = 1_200 // len(units) + 1 - len(setup.indicators)
    for n in range(extra):
        setup.plan.indicators.create(order=100 + n, code=f"X{n}", name=f"Chỉ tiêu thêm {n}", measure="người")
    data = {  # 0 or 1: a target every kind of indicator takes (a milestone, a decrease below its baseline)
        f"t-{ind.pk}-{unit.pk}": str((ind.pk + unit.pk) % 2) for ind in setup.plan.indicators.all() for unit in units
    }
    assert len(data) > 1_200
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    assert client_for(province_officer).post(url, data).status_code == 302
    saved = {
        f"t-{t.indicator_id}-{t.unit_id}": plain_number(t.value)
        for t in Target.objects.filter(indicator__plan=setup.plan, period_start__year=2022, period_end__year=2022)
    }
    assert saved == data


def test_cells_the_form_did_not_send_are_left_as_they_are(client_for, province_officer, child_plan):
    setup = child_plan
    name = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}"
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    before = Target.objects.filter(indicator__plan=setup.plan).count()
    assert client_for(province_officer).post(url, {name: "12"}).status_code == 302
    assert _target(setup, COUNT, setup.duc_linh).value == 12
    assert _target(setup, COUNT, setup.tanh_linh).value == 8
    assert _target(setup, AMOUNT, setup.tanh_linh).value == 40_000_000
    assert Target.objects.filter(indicator__plan=setup.plan).count() == before


def test_a_changed_target_keeps_the_units_own_baseline(client_for, province_officer, child_plan):
    setup = child_plan
    target = _target(setup, COUNT, setup.duc_linh)
    target.baseline_value = D("7")
    target.save()
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    name = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}"
    assert client_for(province_officer).post(url, {name: "13"}).status_code == 302
    changed = _target(setup, COUNT, setup.duc_linh)
    assert (changed.value, changed.baseline_value) == (13, 7)


def test_the_targets_grid_shows_the_current_values(client_for, province_officer, child_plan):
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    html = client_for(province_officer).get(url).content.decode()
    name = f"t-{setup.ind(AMOUNT).pk}-{setup.duc_linh.pk}"
    assert re.search(rf'name="{name}"[^>]*value="50000000"', html)


def test_the_targets_grid_checks_each_number_as_a_report_does(client_for, province_officer, child_plan):
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    huge, percent_count, percent_rate = (
        f"t-{setup.ind(AMOUNT).pk}-{setup.duc_linh.pk}",
        f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}",
        f"t-{setup.ind(RATIO).pk}-{setup.duc_linh.pk}",
    )
    response = client_for(province_officer).post(url, {huge: "100000000000000000000", percent_count: "85%"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'id="{huge}-err"[^>]*>Chỉ tiêu {AMOUNT}: số quá lớn', html)
    assert re.search(rf'id="{percent_count}-err"[^>]*>Chỉ tiêu {COUNT} không tính bằng %', html)
    assert _target(setup, AMOUNT, setup.duc_linh).value == 50_000_000
    assert client_for(province_officer).post(url, {percent_rate: "93,5%"}).status_code == 302
    assert _target(setup, RATIO, setup.duc_linh).value == D("93.5")


def test_a_count_target_typed_as_one_comma_three_digits_is_asked_about(client_for, province_officer, child_plan):
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    count = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}"
    html = client_for(province_officer).post(url, _grid(setup, 2022) | {count: "1,200"}).content.decode()
    assert re.search(rf'id="{count}-err"[^>]*>Chỉ tiêu {COUNT}: không rõ “1,200” là 1200', html)
    assert _target(setup, COUNT, setup.duc_linh).value == 10


def test_a_page_opened_before_a_colleagues_save_writes_only_the_cells_changed_on_it(
    client_for, province_officer, child_plan
):
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    count, amount = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}", f"t-{setup.ind(AMOUNT).pk}-{setup.tanh_linh.pk}"
    assert _was(client_for(province_officer).get(url).content.decode(), count) == "10"
    page = _grid(setup, 2022)  # opened by the officer
    colleagues = _grid(setup, 2022) | {count: "15"}
    assert client_for(f.ProvinceOfficerFactory(username="tinh_2")).post(url, colleagues).status_code == 302
    assert client_for(province_officer).post(url, page | {amount: "41.000.000"}).status_code == 302
    assert _target(setup, COUNT, setup.duc_linh).value == 15
    assert _target(setup, AMOUNT, setup.tanh_linh).value == 41_000_000


def test_a_cell_a_colleague_changed_meanwhile_is_refused_at_the_cell_and_nothing_is_saved(
    client_for, province_officer, child_plan
):
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    count, amount = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}", f"t-{setup.ind(AMOUNT).pk}-{setup.tanh_linh.pk}"
    page = _grid(setup, 2022) | {count: "11", amount: "41.000.000"}
    assert client_for(f.ProvinceOfficerFactory(username="tinh_2")).post(url, _grid(setup, 2022) | {count: "15"})
    client = client_for(province_officer)
    response = client.post(url, page)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'id="{count}-err"[^>]*>Trong lúc bạn sửa, người khác đã lưu ô này là “15”', html)
    assert f'id="{amount}-err"' not in html
    assert re.search(rf'name="{count}"[^>]*value="11"', html)  # what the officer typed is kept
    assert (_target(setup, COUNT, setup.duc_linh).value, _target(setup, AMOUNT, setup.tanh_linh).value) == (
        15,
        40_000_000,
    )
    # Saving the page again, the colleague's value now seen, writes the officer's.
    assert _was(html, count) == "15"
    shown_again = re.search(rf'name="was-row-{setup.duc_linh.pk}" value="([^"]*)"', html).group(1)
    assert re.search(r'name="was-columns" value="([^"]*)"', html).group(1) == page["was-columns"]
    assert client.post(url, page | {f"was-row-{setup.duc_linh.pk}": shown_again}).status_code == 302
    assert (_target(setup, COUNT, setup.duc_linh).value, _target(setup, AMOUNT, setup.tanh_linh).value) == (
        11,
        41_000_000,
    )


def test_targets_are_checked_against_their_indicators_kind_on_the_page(client_for, province_officer, child_plan):
    setup = child_plan  # Đức Linh's own baseline for the decrease is 8, Tánh Linh's 5
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    rate, milestone, decrease, fine = (
        f"t-{setup.ind(RATIO).pk}-{setup.duc_linh.pk}",
        f"t-{setup.ind(MILESTONE).pk}-{setup.duc_linh.pk}",
        f"t-{setup.ind(DECREASE).pk}-{setup.duc_linh.pk}",
        f"t-{setup.ind(DECREASE).pk}-{setup.tanh_linh.pk}",
    )
    client = client_for(province_officer)
    response = client.post(url, {rate: "950", milestone: "5", decrease: "12", fine: "5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'id="{rate}-err"[^>]*>Chỉ tiêu {RATIO} là tỷ lệ phần trăm: không quá 100', html)
    assert re.search(rf'id="{milestone}-err"[^>]*>Chỉ tiêu {MILESTONE} là mốc: nhập 1 \(đạt\) hoặc 0', html)
    assert re.search(rf'id="{decrease}-err"[^>]*>Chỉ tiêu {DECREASE} là chỉ tiêu giảm: [^<]*giá trị cơ sở 8\.', html)
    assert f'id="{fine}-err"' not in html
    assert _target(setup, RATIO, setup.duc_linh).value == 90
    assert client.post(url, {rate: "100", milestone: "0", decrease: "8", fine: "5"}).status_code == 302
    assert _target(setup, DECREASE, setup.duc_linh).value == 8


def test_targets_are_checked_against_their_indicators_kind_in_a_file_and_through_the_api(
    client_for, api_client_for, province_officer, child_plan
):
    setup = child_plan
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, setup)
    ws.cell(rows[setup.duc_linh.code], columns[DECREASE]).value = 9
    html = _upload(client, setup, wb).content.decode()
    cell = f"{openpyxl.utils.get_column_letter(columns[DECREASE])}{rows[setup.duc_linh.code]}"
    assert f"Chỉ tiêu!{cell}: Chỉ tiêu {DECREASE} là chỉ tiêu giảm" in html
    body = [{"indicator_id": setup.ind(MILESTONE).pk, "unit_id": setup.tanh_linh.pk, "value": "2"}]
    response = api_client_for(province_officer).put(
        f"/api/plans/{setup.plan.pk}/targets?period=2022", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "value", "message": f"{setup.tanh_linh.name}: Chỉ tiêu {MILESTONE} là mốc: nhập 1 (đạt) hoặc 0."}
    ]
    assert (_target(setup, DECREASE, setup.duc_linh).value, _target(setup, MILESTONE, setup.tanh_linh).value) == (4, 1)


def test_the_api_sets_targets_only_for_the_plans_years_and_phases(api_client_for, province_officer, child_plan):
    setup = child_plan  # 2021–2025
    client = api_client_for(province_officer)
    body = [{"indicator_id": setup.ind(COUNT).pk, "unit_id": setup.duc_linh.pk, "value": "5"}]
    url = f"/api/plans/{setup.plan.pk}/targets?period="
    for outside in ("1990", "2021-2026"):
        response = client.put(url + outside, body, content_type="application/json")
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["period"]
        assert "không thuộc kế hoạch (2021–2025)" in response.json()["errors"][0]["message"]
    assert not Target.objects.filter(period_start__year__in=(1990, 2021), indicator__plan=setup.plan).exists()
    for inside in ("2024", "2021-2025"):
        assert client.put(url + inside, body, content_type="application/json").status_code == 200


# ------------------------------------------------------------------------------------ targets by spreadsheet


def _targets_file(client, setup, period=PERIOD_2022):
    """The grid as downloaded, opened in openpyxl, with each unit's row number."""
    url = reverse("plans:targets_download", args=[setup.plan.pk]) + f"?period={period}"
    wb = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    ws = wb.worksheets[0]
    rows = {ws.cell(row, 1).value: row for row in range(2, ws.max_row + 1)}
    columns = {ws.cell(1, column).value: column for column in range(3, ws.max_column + 1)}
    return wb, ws, rows, columns


def _upload(client, setup, wb, period=PERIOD_2022, name="chi-tieu.xlsx"):
    out = io.BytesIO()
    wb.save(out)
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={period}"
    return client.post(url, {"file": SimpleUploadedFile(name, out.getvalue())})


def test_a_filled_targets_file_is_saved(client_for, province_officer, child_plan):
    setup = child_plan
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, setup)
    ws.cell(rows[setup.duc_linh.code], columns[COUNT]).value = " 15 "
    rate = ws.cell(rows[setup.tanh_linh.code], columns[RATIO])
    rate.value, rate.number_format = 0.935, "0.0%"  # what Excel keeps for 93,5% typed in a percentage cell
    ws.cell(rows[setup.duc_linh.code], columns[AMOUNT]).value = "1.234.567,5"
    wb.create_sheet("Ghi chú", 0)  # a sheet of one's own put first
    response = _upload(client, setup, wb)
    assert response.status_code == 302
    assert _target(setup, COUNT, setup.duc_linh).value == 15
    assert _target(setup, RATIO, setup.tanh_linh).value == D("93.5")
    assert _target(setup, AMOUNT, setup.duc_linh).value == D("1234567.5")
    assert _target(setup, COUNT, setup.tanh_linh).value == 8
    entry = AuditEntry.objects.get(action="targets.update", object_id=str(setup.plan.pk))
    assert len(entry.changes["cells"]) == 3


def test_a_targets_file_downloaded_before_a_colleagues_save_does_not_put_their_targets_back(
    client_for, province_officer, child_plan
):
    """The file was written as sent: one downloaded before a colleague's change put the colleague's cells back.
    Cells unchanged in the file are now left as they are; a cell changed in both is refused, nothing saved."""
    setup = child_plan
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, setup)
    before = _target(setup, COUNT, setup.tanh_linh).value
    services.do_save_targets(
        setup.plan,
        Period.year(2022),
        {(setup.ind(COUNT).pk, setup.tanh_linh.pk): before + 5},
        acting_user=province_officer,
    )
    ws.cell(rows[setup.duc_linh.code], columns[COUNT]).value = 15
    assert _upload(client, setup, wb).status_code == 302
    assert _target(setup, COUNT, setup.duc_linh).value == 15
    assert _target(setup, COUNT, setup.tanh_linh).value == before + 5  # the colleague's, kept

    ws.cell(rows[setup.tanh_linh.code], columns[COUNT]).value = 99  # changed in the stale file too
    response = _upload(client, setup, wb)
    assert response.status_code == 200
    assert "người khác đã lưu ô này" in response.content.decode()
    assert _target(setup, COUNT, setup.tanh_linh).value == before + 5


def test_a_targets_file_with_bad_cells_is_refused_whole_and_every_cell_is_named(
    client_for, province_officer, child_plan
):
    setup = child_plan
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, setup)
    dl, tl = rows[setup.duc_linh.code], rows[setup.tanh_linh.code]
    col = {code: openpyxl.utils.get_column_letter(n) for code, n in columns.items()}
    ws.cell(dl, columns[COUNT]).value = "nhiều"
    ws.cell(dl, columns[AMOUNT]).value = 1e20
    ws.cell(tl, columns[COUNT]).value = "=1+1"
    ws.cell(tl, columns[AMOUNT]).value = datetime.date(2022, 1, 15)
    ws.cell(tl, columns[DECREASE]).value = -3
    ws.merge_cells(f"{col[MILESTONE]}{min(dl, tl)}:{col[MILESTONE]}{max(dl, tl)}")
    copy = ws.max_row + 1
    ws.cell(copy, 1).value, ws.cell(copy, columns[COUNT]).value = setup.duc_linh.code, 1
    before = list(Target.objects.order_by("pk").values_list("pk", "value"))
    response = _upload(client, setup, wb)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp chưa được nhận, chưa có gì được lưu" in html
    expected = [
        f"Chỉ tiêu!{col[COUNT]}{dl}: Chỉ tiêu {COUNT}: “nhiều” không phải là số.",
        f"Chỉ tiêu!{col[AMOUNT]}{dl}: Chỉ tiêu {AMOUNT}: số quá lớn.",
        f"Chỉ tiêu!{col[COUNT]}{tl}: Ô {col[COUNT]}{tl} chứa công thức",
        f"Chỉ tiêu!{col[AMOUNT]}{tl}: Chỉ tiêu {AMOUNT}: ô chứa ngày tháng, không phải số",
        f"Chỉ tiêu!{col[DECREASE]}{tl}: Chỉ tiêu không được âm.",
        f"Vùng gộp ô {col[MILESTONE]}{min(dl, tl)}:{col[MILESTONE]}{max(dl, tl)}",
        f"Chỉ tiêu!A{copy}: Đơn vị {setup.duc_linh.name} đã có ở dòng {dl}",
    ]
    errors = re.search(r'data-testid="upload-errors">(.*?)</div>', html, re.S).group(1)
    for text in expected:
        assert html_escape(text, quote=False) in errors, text
    assert errors.count("<li>") == len(expected)
    assert list(Target.objects.order_by("pk").values_list("pk", "value")) == before


def test_a_targets_file_of_another_period_is_refused(client_for, province_officer, child_plan):
    """A grid downloaded for 2021 and uploaded on the 2022 page was written into 2022."""
    setup = child_plan
    client = client_for(province_officer)
    wb, ws, rows, columns = _targets_file(client, setup, period="2023-2023-year")
    ws.cell(rows[setup.duc_linh.code], columns[COUNT]).value = 40
    before = list(Target.objects.order_by("pk").values_list("pk", "value"))
    response = _upload(client, setup, wb, period=PERIOD_2022)
    assert response.status_code == 200
    assert "Tệp này là bảng chỉ tiêu Năm 2023, trang đang mở Năm 2022" in response.content.decode()
    assert list(Target.objects.order_by("pk").values_list("pk", "value")) == before


def test_a_file_that_is_no_targets_grid_gets_a_message_in_the_users_language(
    client_for, province_officer, child_plan, settings
):
    setup = child_plan
    client = client_for(province_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    csv = SimpleUploadedFile("chi-tieu.xlsx", b"Ma don vi;CT01\n600;12\n")
    html = client.post(url, {"file": csv}).content.decode()
    assert "File not accepted; nothing was saved:" in html
    assert "The file is not really an Excel workbook (.xlsx) (its content does not match its extension)." in html
    wb, ws, rows, columns = _targets_file(client, setup)
    ws.cell(rows[setup.duc_linh.code], columns[COUNT]).value = "many"
    html = _upload(client, setup, wb).content.decode()
    assert f"Indicator {COUNT}: “many” is not a number." in html
    # Headed in English (it was "Mã đơn vị" beside "Unit"), and read whichever language the uploader reads.
    assert ws.cell(1, 1).value == "Unit code"
    ws.cell(rows[setup.duc_linh.code], columns[COUNT]).value = 21
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert _upload(client, setup, wb).status_code == 302
    assert _target(setup, COUNT, setup.duc_linh).value == 21


# --------------------------------------------------------------------------------------- breakdown warnings


def test_targets_that_add_up_give_no_warning(child_plan):
    assert breakdown_warnings(child_plan.plan) == []


def test_a_breakdown_that_does_not_add_up_is_warned(client_for, province_officer, child_plan):
    setup = child_plan
    Target.objects.filter(pk=_target(setup, COUNT, setup.tanh_linh).pk).update(value=9)
    # Ratio targets are never added: the same 90% everywhere is no warning.
    warnings = breakdown_warnings(setup.plan)
    assert [(w[0].code, w[1], w[2], w[3], w[4]) for w in warnings] == [
        (COUNT, Period.year(2022), setup.province, D(18), D(19))
    ]
    html = client_for(province_officer).get(reverse("plans:detail", args=[setup.plan.pk])).content.decode()
    assert "Chỉ tiêu phân bổ chưa khớp" in html
    assert f"{COUNT}, Năm 2022" in html


def test_the_page_of_a_plan_without_indicators_opens(client_for, province_officer, child_plan):
    """A plan just registered has no indicator yet; its page answered 500 (targets read with `indicator_id IN ()`)."""
    child_plan.plan.indicators.all().delete()
    response = client_for(province_officer).get(reverse("plans:detail", args=[child_plan.plan.pk]))
    assert response.status_code == 200


def test_a_ratio_indicator_is_never_warned(child_plan):
    setup = child_plan
    Target.objects.filter(indicator=setup.ind(RATIO), unit=setup.duc_linh).update(value=50)
    assert breakdown_warnings(setup.plan) == []


# --------------------------------------------------------------------------------------- plan pages: access


def _plan_urls(setup) -> dict[str, str]:
    plan = setup.plan
    indicator = setup.ind(COUNT)
    task = Task.objects.create(plan=plan, order=1, text="Tuyên truyền nâng cao nhận thức")
    return {
        "detail": reverse("plans:detail", args=[plan.pk]),
        "edit": reverse("plans:edit", args=[plan.pk]),
        "targets": reverse("plans:targets", args=[plan.pk]),
        "indicator_create": reverse("plans:indicator_create", args=[plan.pk]),
        "indicator_edit": reverse("plans:indicator_edit", args=[plan.pk, indicator.pk]),
        "task_create": reverse("plans:task_create", args=[plan.pk]),
        "task_edit": reverse("plans:task_edit", args=[plan.pk, task.pk]),
        "targets_download": reverse("plans:targets_download", args=[plan.pk]),
        "schedule_create": reverse("reporting:schedule_create", args=[plan.pk]),
    }


def test_an_outsider_gets_404_on_every_plan_page(client_for, outsider, child_plan):
    client = client_for(outsider)
    for name, url in _plan_urls(child_plan).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {}).status_code == 404, name
    listing = client.get(reverse("plans:list")).content.decode()
    assert child_plan.plan.title not in listing


def test_another_district_reads_the_provinces_plan_but_changes_nothing(client_for, tanh_linh_officer, child_plan):
    """A plan of the province concerns every district in it (the issuer's unit is their ancestor), so the
    Tánh Linh officer reads it; every page that changes it is a 404, and Đức Linh's row is not theirs."""
    client = client_for(tanh_linh_officer)
    urls = _plan_urls(child_plan)
    detail = client.get(urls.pop("detail"))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Huyện Tánh Linh" in html
    assert "Huyện Đức Linh" not in html
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"title": "x"}).status_code == 404, name


def test_the_province_officer_opens_every_plan_page(client_for, province_officer, child_plan):
    client = client_for(province_officer)
    for name, url in _plan_urls(child_plan).items():
        assert client.get(url).status_code == 200, name


def test_plan_pages_send_anonymous_visitors_to_the_login(client, child_plan):
    for name, url in [("list", reverse("plans:list")), *_plan_urls(child_plan).items()]:
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_a_task_is_saved_with_its_coordinators_and_audit(client_for, province_officer, child_plan):
    plan = child_plan.plan
    lead = ubnd_binh_thuan()
    women = f.SupervisorFactory().organisation
    response = client_for(province_officer).post(
        reverse("plans:task_create", args=[plan.pk]),
        {
            "order": "1",
            "text": "Duy trì, nhân rộng các mô hình phòng, chống xâm hại trẻ em",
            "lead": lead.pk,
            "coordinators": [women.pk],
            "deadline": "31/12/2025",
            "status": "in_progress",
            "evidence": "",
        },
    )
    assert response.status_code == 302
    task = plan.tasks.get()
    assert task.deadline == datetime.date(2025, 12, 31)
    assert list(task.coordinators.all()) == [women]
    assert AuditEntry.objects.filter(action="task.create", object_id=str(task.pk)).exists()
    assert task.status == "in_progress"


def test_the_indicator_rules_hold_through_the_api(api_client_for, province_officer, child_plan):
    client = api_client_for(province_officer)
    url = f"/api/plans/{child_plan.plan.pk}/indicators"
    payload = {"code": "CT07", "name": "Tỷ lệ xã có điểm vui chơi", "measure": "%", "kind": "ratio"}
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["unit_aggregation"]
    assert not child_plan.plan.indicators.filter(code="CT07").exists()
    response = client.post(url, payload | {"unit_aggregation": "ratio"}, content_type="application/json")
    assert response.status_code == 201
    assert child_plan.plan.indicators.get(code="CT07").unit_aggregation == "ratio"


def test_the_api_refuses_a_negative_tolerance_or_baseline_and_a_year_one(api_client_for, province_officer, child_plan):
    """A tolerance of -1 inverted the maintain band; year 1 and negative baselines were stored as sent."""
    client = api_client_for(province_officer)
    url = f"/api/plans/{child_plan.plan.pk}/indicators"
    payload = {"code": "CT08", "name": "Số điểm vui chơi", "measure": "điểm", "direction": "maintain"}
    bad = payload | {"tolerance": "-1", "baseline_value": "-1", "baseline_year": 1}
    response = client.post(url, bad, content_type="application/json")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["baseline_value", "tolerance"]
    response = client.post(url, payload | {"tolerance": "1", "baseline_year": 1}, content_type="application/json")
    assert [e["field"] for e in response.json()["errors"]] == ["baseline_year"]
    assert not child_plan.plan.indicators.filter(code="CT08").exists()
    assert client.post(url, payload | {"tolerance": "1"}, content_type="application/json").status_code == 201


def test_a_periods_label_follows_the_language_and_the_official_one_stays_vietnamese(db):
    """The English pages, exports and API said "Năm 2023"; minutes and the audit log keep the Vietnamese."""
    with translation.override("en"):
        assert Period.year(2023).label == "Year 2023"
        assert Period.quarter(2023, 2).label == "Q2/2023"
        assert Period.half(2024, 1).label == "First half of 2024"
        assert Period.span(2021, 2025).label == "2021–2025"
        assert Period.half(2024, 2).official_label == "6 tháng cuối năm 2024"
    assert Period.month(2023, 3).label == "Tháng 03/2023"
    assert Period.span(2021, 2025).label == "Giai đoạn 2021–2025"


def test_what_was_typed_in_the_targets_grid_comes_back_escaped(client_for, province_officer, child_plan):
    """The grid's cells are built in Python (plans/templatetags/targets.py), not by the template engine: a typed
    value and its error are still escaped."""
    setup = child_plan
    url = reverse("plans:targets", args=[setup.plan.pk]) + f"?period={PERIOD_2022}"
    cell = f"t-{setup.ind(COUNT).pk}-{setup.duc_linh.pk}"
    html = client_for(province_officer).post(url, _grid(setup, 2022) | {cell: '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in html
    assert re.search(rf'name="{cell}"[^>]*value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"', html)


def test_a_plan_save_that_fails_leaves_no_signed_file_behind(client_for, province_officer, media_root):
    """The file is written as the row is saved; when the save then failed (here the database refuses the audit
    entry), it stayed in storage with no plan pointing to it."""
    from django.db import DatabaseError, connection

    refuse = {
        "sqlite": [
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON core_auditentry BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ],
        "postgresql": [
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ "
            "LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON core_auditentry FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
    }
    client = client_for(province_officer)
    with connection.cursor() as cursor:
        for statement in refuse[connection.vendor]:
            cursor.execute(statement)
    upload = SimpleUploadedFile("4525-KH-UBND.pdf", PDF, content_type="application/pdf")
    with pytest.raises(DatabaseError):
        client.post(reverse("plans:create"), plan_post(signed_file=upload))
    assert not Plan.objects.filter(reference="4525/KH-UBND").exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
