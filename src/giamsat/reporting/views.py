import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamsat.core.models import AuditEntry
from giamsat.core.once import TOKEN, AlreadySent, already_sent, answers_repeats, sent_once
from giamsat.core.params import as_id
from giamsat.core.uploads import UploadRejected, check_upload
from giamsat.plans.models import Plan, Target
from giamsat.units.models import Unit

from . import queries, services, sources, spreadsheet
from .choices import ReportStatus
from .forms import (
    ActivityFormSet,
    NarrativeForm,
    ReturnForm,
    ScheduleForm,
    budget_rows,
    parse_budget,
    parse_values,
    value_rows,
)
from .models import Report, ReportRequest, Schedule

INBOX_LIMIT = 200


def get_request_for_user(user, pk) -> ReportRequest:
    return get_object_or_404(
        ReportRequest.objects.restrict(user, "view").select_related("schedule__plan__issuer", "unit"), pk=pk
    )


def get_report_for_user(user, pk) -> Report:
    return get_object_or_404(
        Report.objects.restrict(user, "view").select_related("request__schedule__plan", "request__unit"), pk=pk
    )


@login_required
def inbox(request):
    """Reporters see their requests; reviewers also the reports waiting for them. Filters: plan, unit, overdue."""
    if not request.user.can("reporting.view"):
        raise Http404
    today = timezone.localdate()
    rows = ReportRequest.objects.restrict(request.user, "view").select_related("schedule__plan", "unit")
    rows = rows.prefetch_related(Prefetch("reports", queryset=Report.objects.order_by("-version")))
    if (plan_id := as_id(request.GET.get("plan"))) is not None:
        rows = rows.filter(schedule__plan_id=plan_id)
    if (unit_id := as_id(request.GET.get("unit"))) is not None:
        # The unit's requests and those of the units below it, or that it took over in 2025 (the dashboards link here).
        unit = Unit.objects.filter(pk=unit_id).first()
        rows = rows.filter(queries.within_mapping(queries.source_map([unit]))) if unit else rows.none()
    if request.GET.get("overdue"):
        rows = rows.overdue(today)
    waiting = Report.objects.none()
    if request.user.can("reporting.review"):
        waiting = (
            Report.objects.restrict(request.user, "review")
            .filter(status=ReportStatus.SUBMITTED)
            .select_related("request__unit", "request__schedule__plan")
            .order_by("submitted_at")
        )
    shown = list(rows.order_by("-period_end", "unit__code")[:INBOX_LIMIT])
    for req in shown:
        req.overdue = req.is_overdue(today)
    return render(
        request,
        "reporting/inbox.html",
        {
            "waiting": waiting,
            "requests": shown,
            "truncated": len(shown) == INBOX_LIMIT,
            "filters": request.GET,
        },
    )


def _history(request_obj: ReportRequest):
    report_ids = [str(pk) for pk in request_obj.reports.values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Report), object_id__in=report_ids
    ).order_by("at")


def _targets(request_obj: ReportRequest) -> dict[int, object]:
    targets = {}
    for target in Target.objects.filter(
        indicator__plan=request_obj.schedule.plan,
        unit=request_obj.unit,
        period_start__lte=request_obj.period_end,
        period_end__gte=request_obj.period_end,
    ).order_by("period_end", "-period_start"):
        targets.setdefault(target.indicator_id, target)
    return targets


@login_required
def request_detail(request, pk):
    request_obj = get_request_for_user(request.user, pk)
    plan = request_obj.schedule.plan
    # Computed indicators (from cases…) are not the unit's to type.
    indicators = list(plan.indicators.filter(source=sources.REPORTS))
    report = request_obj.reports.order_by("-version").first()
    can_write = services.can_submit(request.user, request_obj)
    editing = can_write and (report is None or report.editable)
    shown = report or Report(request=request_obj)
    revision = shown.revision
    data = request.POST if request.method == "POST" else None
    narrative = NarrativeForm(data, instance=shown, prefix="n")
    # Saved activities are the initial rows only for a fresh page: a posted form carries all its rows itself.
    saved_activities = shown.activities.all() if shown.pk and data is None else []
    activities = ActivityFormSet(
        data,
        prefix="a",
        initial=[{f: getattr(a, f) for f in ActivityFormSet.form.Meta.fields} for a in saved_activities],
    )
    rows = value_rows(shown, indicators, data)
    budget = budget_rows(shown, data)
    if request.method == "POST":
        if not can_write:
            raise Http404
        if not editing:
            # Sent (a second click on "Gửi báo cáo", or an autosave from a page opened before a colleague sent it):
            # said, not a 404; the browser keeps what the page held (drafts.js).
            sent = _("Báo cáo đã gửi hoặc đã duyệt, không sửa được nữa.")
            if request.htmx:
                return render(request, "reporting/_autosave.html", {"revision": revision, "autosave_error": sent})
            messages.info(request, sent)
            return redirect("reporting:request", request_obj.pk)
        problem, report, based_on_posted = _save(request, request_obj, report, narrative, activities, rows, budget)
        if report is not None:
            report.refresh_from_db()
        # A refused save leaves the page holding what the user typed over the version they opened: it keeps that
        # version's revision, or the next save would silently write over what someone else saved meanwhile.
        revision = _posted_revision(request) if based_on_posted else report.revision
        if request.htmx:
            return render(
                request,
                "reporting/_autosave.html",
                {
                    "revision": revision,
                    "autosave_error": problem,
                    "saved_at": None if problem else timezone.localtime(),
                },
            )
        if problem is None:
            return redirect("reporting:request", request_obj.pk)
        messages.error(request, problem)
    return render(
        request,
        "reporting/request.html",
        {
            "req": request_obj,
            "plan": plan,
            "report": report,
            "revision": revision,
            "page_token": _page_token(request),
            "versions": request_obj.reports.order_by("-version"),
            "editing": editing,
            "rows": rows,
            "targets": _targets(request_obj),
            "narrative": narrative,
            "activities": activities,
            "budget": budget,
            "history": _history(request_obj),
            "can_review": report is not None
            and report.status == ReportStatus.SUBMITTED
            and services.can_review(request.user, request_obj),
            "return_form": ReturnForm(
                initial={"comment": request.session.pop(_comment_key(report), "") if report is not None else ""}
            ),
            "can_correct": can_write and report is not None and report.status == ReportStatus.ACCEPTED,
            "missing": services.missing_values(report) if report and report.editable else [],
            "overdue": request_obj.is_overdue(timezone.localdate()),
        },
    )


def _page_token(request) -> str:
    """The report page's own token (Report.saved_from): the one it was opened with, else a new one."""
    posted = request.POST.get("page", "") if request.method == "POST" else ""
    return posted if TOKEN.fullmatch(posted) else secrets.token_urlsafe(16)


def _posted_revision(request) -> int:
    """The revision the posted page was opened with (-1, never current, when missing or tampered with)."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _save(request, request_obj, report, narrative, activities, rows, budget) -> tuple[str | None, Report | None, bool]:
    """Save the draft (started with the save, only once the input is valid), and submit it when asked. Returns
    what stopped it, for the user (None when done), the report, and whether the page's data is still that of the
    revision it posted (not saved). An autosave (htmx) never submits."""
    values = parse_values(rows)
    lines = parse_budget(budget)
    valid = narrative.is_valid() & activities.is_valid()
    if not valid or any(r.errors for r in rows) or any(b["errors"] for b in budget):
        return _("Chưa lưu: có ô chưa hợp lệ, xem các ô được tô đỏ."), report, True
    kept = [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in activities.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
    ]
    try:
        report = services.do_save_request_draft(
            request_obj,
            acting_user=request.user,
            revision=_posted_revision(request),
            page=_page_token(request),
            narrative=narrative.cleaned_data,
            values=values,
            activities=kept,
            budget=lines,
        )
    except services.StaleDraft as exc:
        # This page's own autosave that landed just before: the page holds it and more, so it may go on.
        return str(exc), report, not exc.by_same_page
    except services.WorkflowError as exc:
        return str(exc), report, True
    if request.htmx:
        return None, report, False
    if "submit" not in request.POST:
        messages.success(request, _("Đã lưu bản nháp."))
        return None, report, False
    # The draft is saved either way; a refused submission is said on the reloaded page.
    try:
        services.do_submit(report, acting_user=request.user)
        messages.success(request, _("Đã gửi báo cáo."))
    except services.WorkflowError as exc:
        messages.error(request, _("Đã lưu bản nháp nhưng chưa gửi được: %(why)s") % {"why": exc})
    return None, report, False


@login_required
@require_POST
def review(request, pk):
    report = get_report_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        # The revision the page showed (a form from before this check has none: not checked).
        revision = _posted_revision(request) if "revision" in request.POST else None
        if "accept" in request.POST:
            services.do_accept(report, acting_user=request.user, comment=comment, revision=revision)
            messages.success(request, _("Đã duyệt báo cáo."))
        else:
            services.do_return(report, acting_user=request.user, comment=comment, revision=revision)
            messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
        if comment:  # the page is shown again: what the reviewer wrote is there, not lost
            request.session[_comment_key(report)] = comment
    return redirect("reporting:request", report.request_id)


def _comment_key(report: Report) -> str:
    return f"review_comment:{report.pk}"


@login_required
@require_POST
def open_correction(request, pk):
    report = get_report_for_user(request.user, pk)
    try:
        services.do_open_correction(report, acting_user=request.user)
        messages.success(request, _("Đã mở bản đính chính. Sửa rồi gửi lại để duyệt."))
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("reporting:request", report.request_id)


@login_required
@answers_repeats
def schedule_create(request, plan_pk):
    """A reporting schedule for a plan: who reports, how often, when due. Saving creates the requests."""
    plan = get_object_or_404(Plan.objects.restrict(request.user, "change"), pk=plan_pk)
    units = (
        Unit.objects.restrict(request.user, "view")
        .filter(Q(pk=plan.issuer.unit_id) | Q(parent=plan.issuer.unit_id))
        .order_by("level", "code")
    )
    form = ScheduleForm(
        request.POST or None,
        instance=Schedule(plan=plan),
        units=units,
        initial={"first_year": plan.first_year, "last_year": plan.last_year},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("units")
        done = reverse("plans:detail", args=[plan.pk])
        try:
            with sent_once(request) as sent:
                _schedule, made = services.do_save_schedule(
                    Schedule(plan=plan), acting_user=request.user, fields=data, units=chosen
                )
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        except ValidationError as exc:  # it would ask a unit for a period overlapping one it is already asked for
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lập lịch báo cáo và tạo %(n)s yêu cầu báo cáo.") % {"n": made})
            return redirect(done)
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": _("Lịch báo cáo của kế hoạch %(ref)s") % {"ref": plan.reference},
            "back_plan": plan,
        },
    )


@login_required
def download_template(request, pk):
    request_obj = get_request_for_user(request.user, pk)
    content = spreadsheet.build_template(request_obj)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{spreadsheet.template_filename(request_obj)}"'
    return response


@login_required
@require_POST
def upload(request, pk):
    request_obj = get_request_for_user(request.user, pk)
    if not services.can_submit(request.user, request_obj):
        raise Http404
    uploaded = request.FILES.get("file")
    errors, conversions = [], []
    if uploaded is None:
        errors = [(None, None, _("Hãy chọn tệp Excel (.xlsx) để tải lên."))]
    else:
        try:
            check_upload(uploaded, allowed={"xlsx"})
            parsed = spreadsheet.parse_upload(request_obj, uploaded)
        except UploadRejected as exc:
            errors = [(None, None, str(exc))]
        except spreadsheet.SpreadsheetErrors as exc:
            errors = [(e.sheet, e.cell, e.message) for e in exc.errors]
        else:
            try:
                parsed.save_into(request_obj, acting_user=request.user)
            except services.WorkflowError as exc:
                errors = [(None, None, str(exc))]
            else:
                conversions = parsed.conversions
                for warning in parsed.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request, _("Đã nhận tệp: %(n)s số liệu được đưa vào bản nháp.") % {"n": len(parsed.values)}
                )
    if errors or conversions:
        return render(
            request,
            "reporting/upload_result.html",
            {
                "req": request_obj,
                "errors": errors,
                "conversions": conversions,
            },
            status=400 if errors else 200,
        )
    return redirect("reporting:request", request_obj.pk)
