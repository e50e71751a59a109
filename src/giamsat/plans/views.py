import contextlib
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamsat.core.formatting import plain_number
from giamsat.core.once import AlreadySent, already_sent, answers_repeats, sent_once
from giamsat.core.params import as_id
from giamsat.core.periods import Period
from giamsat.core.uploads import UploadRejected, check_upload
from giamsat.core.vntext import parse_number
from giamsat.reporting import queries as achievement
from giamsat.reporting.models import ReportRequest
from giamsat.reporting.spreadsheet import XLSX_CONTENT_TYPE, SpreadsheetErrors

from . import queries, services
from .forms import IndicatorForm, PlanForm, TaskForm
from .models import Indicator, Plan, Programme, Target, Task
from .spreadsheet import clearing_refused, parse_targets, target_value, targets_workbook


def get_plan_for_user(user, pk, action="view") -> Plan:
    return get_object_or_404(Plan.objects.restrict(user, action).select_related("issuer__unit", "programme"), pk=pk)


def _period_from(request, plan: Plan) -> Period:
    choices = {f"{p.start:%Y}-{p.end:%Y}-{p.kind}": p for p in queries.plan_periods(plan)}
    return choices.get(request.GET.get("period", ""), queries.default_period(plan, timezone.localdate()))


@login_required
def plan_list(request):
    plans = Plan.objects.restrict(request.user, "view").select_related("issuer", "programme")
    programme = request.GET.get("programme", "")
    if (programme_id := as_id(programme)) is not None:
        plans = plans.filter(programme_id=programme_id)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans.annotate(indicator_count=Count("indicators", distinct=True)),
            "programmes": Programme.objects.filter(active=True),
            "programme": programme,
            "can_add": request.user.can("plans.change"),
        },
    )


@login_required
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    period = _period_from(request, plan)
    today = timezone.localdate()
    total, rows = achievement.plan_achievement(plan, list(queries.reporting_units(plan, request.user)), period, today)
    can_change = Plan.objects.restrict(request.user, "change").filter(pk=plan.pk).exists()
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": queries.plan_periods(plan),
            "period_key": f"{period.start:%Y}-{period.end:%Y}-{period.kind}",
            "indicators": list(plan.indicators.all()),
            "total": total,
            "rows": rows,
            # The seed's headline: how many units met more than half of their targets.
            "units_over_half": sum(1 for r in rows if r.share.with_data and r.share.met * 2 > r.share.with_data),
            # The issuer's row sums what was reported: say how many units that is, so a partial sum is not misread.
            "units_reporting": sum(1 for r in rows if any(c.actual is not None for c in r.cells)),
            "tasks": Task.objects.restrict(request.user, "view").filter(plan=plan).select_related("lead"),
            "warnings": achievement.breakdown_warnings(plan) if can_change else [],
            "can_change": can_change,
            "requests_overdue": ReportRequest.objects.restrict(request.user, "view")
            .filter(schedule__plan=plan)
            .overdue(today)
            .count(),
        },
    )


def _form_page(request, form, title, back):
    return render(request, "plans/form.html", {"form": form, "title": title, "back": back})


@login_required
@answers_repeats
def plan_edit(request, pk=None):
    plan = get_plan_for_user(request.user, pk, "change") if pk else Plan()
    if not request.user.can("plans.change"):
        raise Http404
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with sent_once(request) as sent:
                plan = services.do_save_plan(plan, acting_user=request.user, fields=form.cleaned_data)
                sent.leads_to(reverse("plans:detail", args=[plan.pk]))
        except AlreadySent as exc:
            return already_sent(request, exc, reverse("plans:list"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect(sent.url)
    return _form_page(request, form, _("Sửa kế hoạch") if pk else _("Thêm kế hoạch"), "plans:list")


@login_required
@answers_repeats
def indicator_edit(request, plan_pk, pk=None):
    plan = get_plan_for_user(request.user, plan_pk, "change")
    indicator = (
        get_object_or_404(Indicator.objects.restrict(request.user, "change"), pk=pk, plan=plan)
        if pk
        else Indicator(plan=plan)
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        done = reverse("plans:detail", args=[plan.pk])
        try:
            with sent_once(request) as sent:
                services.do_save_indicator(indicator, acting_user=request.user, fields=form.cleaned_data)
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect(done)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Chỉ tiêu của kế hoạch %(ref)s") % {"ref": plan.reference},
            "back_plan": plan,
            "datalist": form.measure_suggestions,
        },
    )


@login_required
@answers_repeats
def task_edit(request, plan_pk, pk=None):
    plan = get_plan_for_user(request.user, plan_pk, "change")
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=pk, plan=plan) if pk else Task(plan=plan)
    form = TaskForm(request.POST or None, instance=task, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coordinators = data.pop("coordinators")
        done = reverse("plans:detail", args=[plan.pk])
        try:
            with sent_once(request) as sent:
                services.do_save_task(task, acting_user=request.user, fields=data, coordinators=coordinators)
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        messages.success(request, _("Đã lưu nhiệm vụ."))
        return redirect(done)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Nhiệm vụ của kế hoạch %(ref)s") % {"ref": plan.reference},
            "back_plan": plan,
        },
    )


def _target_grid(request, pk):
    plan = get_plan_for_user(request.user, pk, "change")
    period = _period_from(request, plan)
    units = [plan.issuer.unit, *queries.reporting_units(plan, request.user)]
    indicators = list(plan.indicators.all())
    # Read by the grid's units, so that the (unit, period_end) index finds the period's targets; by the plan's
    # indicators alone the database went through every period's (0.8 s for 10,000 of 4 million).
    rows = (
        Target.objects.restrict(request.user, "change")
        .filter(indicator__plan=plan, unit__in=units, period_start=period.start, period_end=period.end)
        .values_list("indicator_id", "unit_id", "value", "baseline_value")
    )
    current, baselines = {}, {}
    for indicator_id, unit_id, value, baseline in rows:
        current[(indicator_id, unit_id)] = value
        if baseline is not None:
            baselines[(indicator_id, unit_id)] = baseline
    return plan, period, units, indicators, current, baselines


@login_required
def targets_download(request, pk):
    plan, period, units, indicators, current, _baselines = _target_grid(request, pk)
    response = HttpResponse(targets_workbook(plan, period, indicators, units, current), content_type=XLSX_CONTENT_TYPE)
    name = f"chi-tieu-{plan.pk}-{period.start:%Y}-{period.end:%Y}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# What the page showed, one hidden field per unit (the row's values in the order of "was-columns"): a field per
# cell made a province's page of 10,000 cells 40 % larger.
WAS_SEPARATOR = ";"  # plain_number writes digits, a comma and a minus sign only


def _shown_on_page(data) -> dict[str, str]:
    """{cell name: value the page showed} from a posted grid; empty for a post without them (an older page)."""
    columns = [column for column in data.get("was-columns", "").split(",") if column.isdigit()]
    shown = {}
    for key, row in data.items():
        if key.startswith("was-row-") and key[8:].isdigit():
            for column, text in zip(columns, row.split(WAS_SEPARATOR), strict=False):
                shown[f"t-{column}-{key[8:]}"] = text.strip()
    return shown


@login_required
def targets_edit(request, pk):
    """A grid: units down, indicators across, one period at a time; or the same grid as a spreadsheet."""
    plan, period, units, indicators, current, baselines = _target_grid(request, pk)
    upload_errors = []
    if request.method == "POST" and "file" in request.FILES:
        try:
            check_upload(request.FILES["file"], allowed={"xlsx"})
            values, shown, warnings = parse_targets(request.FILES["file"], plan, period, indicators, units, baselines)
            expected = {}
            if shown is not None:  # only what was changed in the file is written, and not over a colleague's change
                values = {key: value for key, value in values.items() if key not in shown or value != shown[key]}
                expected = {key: shown[key] for key in values if key in shown}
            count = services.do_save_targets(plan, period, values, acting_user=request.user, expected=expected)
        except UploadRejected as exc:
            upload_errors = [("", "", str(exc))]
        except ValidationError as exc:
            upload_errors = [("", "", message) for message in exc.messages]
        except SpreadsheetErrors as exc:
            upload_errors = [(e.sheet, e.cell, e.message) for e in exc.errors]
        except services.StaleTargets as exc:
            codes = {i.pk: i.code for i in indicators} | {("unit", u.pk): u.name for u in units}
            upload_errors = [
                (
                    "",
                    "",
                    _(
                        "%(unit)s, %(code)s: sau khi bạn tải tệp, người khác đã lưu ô này là “%(value)s”; chưa có "
                        "gì được lưu. Hãy tải bảng chỉ tiêu mới, nhập lại phần của bạn rồi tải lên."
                    )
                    % {
                        "unit": codes[("unit", unit_id)],
                        "code": codes[indicator_id],
                        "value": plain_number(now) or _("trống"),
                    },
                )
                for (indicator_id, unit_id), now in exc.cells.items()
            ]
        else:
            messages.success(request, _("Đã nhận tệp: %(n)s ô chỉ tiêu thay đổi.") % {"n": count})
            for key, warning in warnings.items():
                if key in values:  # a cell the file changed, not one it shows as saved
                    messages.warning(request, warning)
            return redirect(f"{request.path}?period={request.GET.get('period', '')}")
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    # The page posts what it showed in each cell: only the cells the user changed are written, so a page opened
    # before a colleague's save does not put the colleague's cells back.
    was: dict[str, str] = _shown_on_page(request.POST) if request.method == "POST" else {}
    if request.method == "POST" and not upload_errors:
        values: dict[tuple[int, int], Decimal | None] = {}
        expected: dict[tuple[int, int], Decimal | None] = {}
        for unit in units:
            for indicator in indicators:
                name = f"t-{indicator.pk}-{unit.pk}"
                if name not in request.POST:  # a cell the form did not send is left as it is, never emptied
                    continue
                raw = request.POST[name].strip()
                posted[name] = raw
                if name in was:
                    if raw == was[name]:
                        continue
                    # Altered by hand into no number: the cell is written as sent, as a cell without it is.
                    with contextlib.suppress(ValueError):
                        expected[(indicator.pk, unit.pk)] = parse_number(was[name]) if was[name] else None
                baseline = baselines.get((indicator.pk, unit.pk))
                if not raw and baseline is not None:
                    errors[name] = clearing_refused(indicator, baseline)
                    continue
                try:
                    values[(indicator.pk, unit.pk)] = target_value(raw, indicator, baseline=baseline) if raw else None
                except ValueError as exc:
                    errors[name] = str(exc)
        if not errors:
            try:
                count = services.do_save_targets(plan, period, values, acting_user=request.user, expected=expected)
            except ValidationError as exc:
                messages.error(request, _("Chưa lưu: %(why)s") % {"why": " ".join(exc.messages)})
            except services.StaleTargets as exc:
                for (indicator_id, unit_id), now in exc.cells.items():
                    name = f"t-{indicator_id}-{unit_id}"
                    errors[name] = _(
                        "Trong lúc bạn sửa, người khác đã lưu ô này là “%(value)s”. Kiểm tra lại; bấm Lưu lần nữa "
                        "sẽ ghi giá trị của bạn."
                    ) % {"value": plain_number(now) or _("trống")}
                    # Seen now: saving again overwrites it knowingly.
                    was[name] = plain_number(now)
                messages.error(
                    request,
                    _("Chưa lưu: %(n)s ô đã được người khác sửa trong lúc bạn nhập, đã tô đỏ.") % {"n": len(errors)},
                )
            else:
                messages.success(request, _("Đã lưu %(n)s ô chỉ tiêu.") % {"n": count})
                return redirect(f"{request.path}?period={request.GET.get('period', '')}")
        else:
            messages.error(request, _("Chưa lưu: có %(n)s ô không hợp lệ, đã tô đỏ.") % {"n": len(errors)})
    shown = {f"t-{i}-{u}": plain_number(v) for (i, u), v in current.items()}
    grid = [
        (
            unit,
            [
                {
                    "indicator": ind,
                    "name": name,
                    "value": posted.get(name, shown.get(name, "")),
                    "was": was.get(name, shown.get(name, "")),
                    "error": errors.get(name),
                }
                for ind in indicators
                for name in [f"t-{ind.pk}-{unit.pk}"]
            ],
        )
        for unit in units
    ]
    grid = [(unit, cells, WAS_SEPARATOR.join(cell["was"] for cell in cells)) for unit, cells in grid]
    return render(
        request,
        "plans/targets.html",
        {
            "plan": plan,
            "period": period,
            "periods": queries.plan_periods(plan),
            "period_key": f"{period.start:%Y}-{period.end:%Y}-{period.kind}",
            "indicators": indicators,
            "grid": grid,
            "errors": errors,
            "upload_errors": upload_errors,
        },
    )
