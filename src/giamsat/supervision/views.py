"""Supervision screens: thin views over restrict() for reads and services for writes. Anything a user may not
see answers 404, exactly like something that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamsat.core.models import AuditEntry
from giamsat.core.once import AlreadySent, already_sent, answers_repeats, sent_once
from giamsat.core.params import as_id, as_year
from giamsat.core.stale import fingerprint, offer_overwrite
from giamsat.documents.choices import DocumentKind, DocumentStatus
from giamsat.documents.models import Document
from giamsat.documents.services import ONE_PER_SUPERVISION, can_draft

from . import queries, services
from .choices import FINAL_STATUSES, FindingKind, RecommendationStatus, SupervisionStatus
from .forms import (
    FindingForm,
    MemberForm,
    ProgrammeForm,
    RecommendationForm,
    ResponseForm,
    ScheduleRowForm,
    SessionForm,
    SupervisionEditForm,
    VerifyForm,
    WithdrawForm,
)
from .models import (
    DelegationMember,
    Evidence,
    Finding,
    FindingCategory,
    Recommendation,
    Supervision,
    SupervisionProgramme,
    WorkingSession,
)

LIST_LIMIT = 300


def get_supervision_for_user(user, pk, action="view") -> Supervision:
    return get_object_or_404(
        Supervision.objects.restrict(user, action).select_related("organisation__unit", "programme"), pk=pk
    )


def get_session_for_user(user, pk, action="view") -> WorkingSession:
    return get_object_or_404(
        WorkingSession.objects.restrict(user, action).select_related("supervision__organisation", "organisation"),
        pk=pk,
    )


def get_finding_for_user(user, pk, action="view") -> Finding:
    return get_object_or_404(Finding.objects.restrict(user, action).select_related("supervision"), pk=pk)


def get_recommendation_for_user(user, pk, action="view") -> Recommendation:
    return get_object_or_404(
        Recommendation.objects.restrict(user, action).select_related("supervision__organisation", "addressee"), pk=pk
    )


def _can(user, model, action: str, pk) -> bool:
    return model.objects.restrict(user, action).filter(pk=pk).exists()


def _form_page(request, form, title, supervision=None, *, multipart=False, intro=""):
    return render(
        request,
        "supervision/form.html",
        {"form": form, "title": title, "supervision": supervision, "multipart": multipart, "intro": intro},
    )


def _history(model, ids):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]
    ).order_by("at", "id")


# --------------------------------------------------------------------------------------------- lists


@login_required
def index(request):
    """The supervisions the user sees, with their follow-up at a glance; the annual programmes."""
    if not request.user.can("supervision.view"):
        raise Http404
    today = timezone.localdate()
    rows = Supervision.objects.restrict(request.user, "view").select_related("organisation", "programme")
    status = request.GET.get("status", "")
    if status in SupervisionStatus.values:
        rows = rows.filter(status=status)
    year = request.GET.get("year", "")
    if (chosen_year := as_year(year)) is not None:
        rows = rows.filter(Q(start_on__year=chosen_year) | Q(programme__year=chosen_year))
    visible_recs = Recommendation.objects.restrict(request.user, "view").values("pk")
    rows = rows.annotate(
        n_recommendations=Count("recommendations", filter=Q(recommendations__in=visible_recs), distinct=True),
        n_overdue=Count(
            "recommendations",
            filter=Q(recommendations__in=visible_recs, recommendations__due_on__lt=today)
            & ~Q(recommendations__status__in=FINAL_STATUSES),
            distinct=True,
        ),
        n_sessions=Count(
            "sessions",
            filter=Q(sessions__in=WorkingSession.objects.restrict(request.user, "view").values("pk")),
            distinct=True,
        ),
    )
    shown = list(rows.order_by("-start_on", "-id")[:LIST_LIMIT])
    return render(
        request,
        "supervision/index.html",
        {
            "supervisions": shown,
            "programmes": SupervisionProgramme.objects.restrict(request.user, "view")
            .select_related("organisation")
            .annotate(n=Count("supervisions")),
            "statuses": SupervisionStatus.choices,
            "filters": {"status": status, "year": year},
            "can_create": request.user.can("supervision.change")
            and (request.user.organisation_id or request.user.sees_all),
            "my_recommendations": Recommendation.objects.restrict(request.user, "respond")
            .exclude(status__in=FINAL_STATUSES)
            .select_related("supervision", "addressee")
            .order_by("due_on")[:50],
            "today": today,
        },
    )


@login_required
def recommendations(request):
    """Recommendations by addressee (status, overdue) and the filtered list beneath."""
    if not request.user.can("supervision.view"):
        raise Http404
    today = timezone.localdate()
    rows = Recommendation.objects.restrict(request.user, "view")
    filters = {key: request.GET.get(key, "").strip() for key in ("status", "addressee", "supervision", "overdue")}
    if (supervision_id := as_id(filters["supervision"])) is not None:
        rows = rows.filter(supervision_id=supervision_id)
    summary = queries.recommendations_by_addressee(rows, today)
    totals = queries.status_totals(rows, today)
    listed = rows.select_related("supervision", "addressee")
    if filters["status"] in RecommendationStatus.values:
        listed = listed.filter(status=filters["status"])
    if (addressee_id := as_id(filters["addressee"])) is not None:
        listed = listed.filter(addressee_id=addressee_id)
    if filters["overdue"]:
        listed = listed.overdue(today)
    status_columns = [(s.value, s.label, f"n_{s.value}") for s in RecommendationStatus]
    return render(
        request,
        "supervision/recommendations.html",
        {
            "summary": summary,
            "totals": totals,
            "rows": listed.order_by("due_on", "addressee__name")[:LIST_LIMIT],
            "filters": filters,
            "statuses": RecommendationStatus.choices,
            "status_columns": status_columns,
            "today": today,
        },
    )


@login_required
def limitations(request):
    """Limitation categories across the supervisions and units the user sees: which problems are systemic."""
    if not request.user.can("supervision.view"):
        raise Http404
    findings = Finding.objects.restrict(request.user, "view")
    year = request.GET.get("year", "")
    if (chosen_year := as_year(year)) is not None:
        findings = findings.filter(supervision__start_on__year=chosen_year)
    categories = list(queries.limitation_categories(findings, Recommendation.objects.restrict(request.user, "view")))
    supervisions = findings.filter(kind=FindingKind.LIMITATION).values("supervision").distinct().count()
    return render(
        request,
        "supervision/limitations.html",
        {
            "categories": categories,
            "supervisions": supervisions,
            "unused": FindingCategory.objects.filter(active=True).exclude(
                pk__in=[c["category_id"] for c in categories if c["category_id"]]
            ),
            "year": year,
        },
    )


# --------------------------------------------------------------------------------------------- programmes


@login_required
@answers_repeats
def programme_edit(request, pk=None):
    if not request.user.can("supervision.change"):
        raise Http404
    programme = (
        get_object_or_404(SupervisionProgramme.objects.restrict(request.user, "change"), pk=pk)
        if pk
        else SupervisionProgramme(year=timezone.localdate().year + 1)
    )
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        done = reverse("supervision:index")
        try:
            with sent_once(request) as sent:
                services.do_save_programme(programme, acting_user=request.user, fields=form.cleaned_data)
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu chương trình giám sát năm."))
            return redirect(done)
    return _form_page(request, form, _("Chương trình giám sát năm"))


# --------------------------------------------------------------------------------------------- supervision


@login_required
@answers_repeats
def supervision_edit(request, pk=None):
    if not request.user.can("supervision.change"):
        raise Http404
    supervision = get_supervision_for_user(request.user, pk, "change") if pk else Supervision()
    if not pk and not (request.user.organisation_id or request.user.sees_all):
        raise Http404
    form = SupervisionEditForm(request.POST or None, instance=supervision, user=request.user)
    if pk:
        form.fields["seen"].initial = fingerprint(services.supervision_state(supervision))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plans, seen = data.pop("plans"), data.pop("seen")
        supervised = list(data.pop("supervised"))
        try:
            with sent_once(request) as sent:
                supervision = services.do_save_supervision(
                    supervision, acting_user=request.user, fields=data, plans=plans, supervised=supervised, seen=seen
                )
                sent.leads_to(reverse("supervision:detail", args=[supervision.pk]))
        except AlreadySent as exc:
            return already_sent(request, exc, reverse("supervision:index"))
        except ValidationError as exc:
            stored = Supervision.objects.get(pk=pk) if pk else None
            if not (stored and offer_overwrite(form, exc, services.supervision_state(stored))):
                form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu cuộc giám sát."))
            return redirect(sent.url)
    title = _("Sửa kế hoạch giám sát") if pk else _("Lập kế hoạch giám sát")
    return _form_page(request, form, title, supervision if pk else None)


def _detail_context(request, supervision):
    user = request.user
    today = timezone.localdate()
    can_change = _can(user, Supervision, "change", supervision.pk)
    sessions = (
        WorkingSession.objects.restrict(user, "view").filter(supervision=supervision).select_related("organisation")
    )
    findings = (
        Finding.objects.restrict(user, "view")
        .filter(supervision=supervision)
        .select_related("category", "organisation", "session__organisation")
    )
    recs = (
        Recommendation.objects.restrict(user, "view")
        .filter(supervision=supervision)
        .select_related("addressee")
        .annotate(n_responses=Count("responses"))
    )
    documents = Document.objects.restrict(user, "view").filter(supervision=supervision).select_related("addressee")
    return {
        "supervision": supervision,
        "schedule": supervision.schedule.select_related("organisation"),
        "delegation": supervision.delegation.select_related("user__organisation"),
        "sessions": sessions,
        "results": [f for f in findings if f.kind == FindingKind.RESULT],
        "limitations": [f for f in findings if f.kind == FindingKind.LIMITATION],
        "recommendations": recs,
        "documents": documents,
        "can_change": can_change,
        "can_draft": can_draft(user, supervision),
        # A plan and a decision are issued once: their "Soạn" buttons go once one is issued.
        "kinds": [
            kind
            for kind in DocumentKind
            if not (
                kind in ONE_PER_SUPERVISION
                and any(d.kind == kind and d.status == DocumentStatus.ISSUED for d in documents)
            )
        ],
        "today": today,
        "totals": queries.supervision_totals(supervision, today) if can_change else None,
    }


@login_required
def supervision_detail(request, pk):
    supervision = get_supervision_for_user(request.user, pk)
    context = _detail_context(request, supervision)
    if context["can_change"]:
        ids = {
            Supervision: [supervision.pk],
            WorkingSession: [s.pk for s in context["sessions"]],
            Recommendation: [r.pk for r in context["recommendations"]],
            Document: [d.pk for d in context["documents"]],
        }
        entries = AuditEntry.objects.none()
        for model, pks in ids.items():
            entries = entries | _history(model, pks)
        context["history"] = entries.order_by("-at", "-id")[:100]
    addressees = {r.addressee_id: r.addressee for r in context["recommendations"]}
    context["addressees"] = list(addressees.values())
    return render(request, "supervision/detail.html", context)


@login_required
def overview(request, pk):
    """One printable page: what was supervised, by whom, what was found and where the follow-up stands."""
    supervision = get_supervision_for_user(request.user, pk)
    context = _detail_context(request, supervision)
    today = context["today"]
    recs = Recommendation.objects.restrict(request.user, "view").filter(supervision=supervision)
    context["status_totals"] = queries.status_totals(recs, today)
    context["by_addressee"] = queries.recommendations_by_addressee(recs, today)
    context["categories"] = queries.limitation_categories(
        Finding.objects.restrict(request.user, "view").filter(supervision=supervision), recs
    )
    context["status_columns"] = [(s.value, s.label, f"n_{s.value}") for s in RecommendationStatus]
    return render(request, "supervision/overview.html", context)


@login_required
def schedule_edit(request, pk):
    supervision = get_supervision_for_user(request.user, pk, "change")
    rows = list(supervision.schedule.select_related("organisation"))
    forms_by_row = [
        (
            row,
            ScheduleRowForm(
                request.POST or None,
                prefix=f"s{row.pk}",
                initial={"scheduled_on": row.scheduled_on, "place": row.place},
            ),
        )
        for row in rows
    ]
    if request.method == "POST" and all(form.is_valid() for _row, form in forms_by_row):
        services.do_save_schedule(
            supervision,
            acting_user=request.user,
            rows={row.pk: form.cleaned_data for row, form in forms_by_row},
        )
        messages.success(request, _("Đã lưu lịch giám sát."))
        return redirect("supervision:detail", supervision.pk)
    return render(request, "supervision/schedule.html", {"supervision": supervision, "rows": forms_by_row})


@login_required
def delegation(request, pk):
    supervision = get_supervision_for_user(request.user, pk, "change")
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_member(supervision, acting_user=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã thêm thành viên đoàn giám sát."))
            return redirect("supervision:delegation", supervision.pk)
    return render(
        request,
        "supervision/delegation.html",
        {"supervision": supervision, "members": supervision.delegation.select_related("user"), "form": form},
    )


@login_required
@require_POST
def member_delete(request, pk):
    member = get_object_or_404(DelegationMember.objects.restrict(request.user, "change"), pk=pk)
    services.do_remove_member(member, acting_user=request.user)
    messages.success(request, _("Đã bỏ thành viên khỏi đoàn."))
    return redirect("supervision:delegation", member.supervision_id)


# --------------------------------------------------------------------------------------------- sessions


@login_required
@answers_repeats
def session_edit(request, supervision_pk=None, pk=None):
    if pk:
        session = get_session_for_user(request.user, pk, "change")
        supervision = session.supervision
    else:
        supervision = get_supervision_for_user(request.user, supervision_pk, "change")
        session = WorkingSession(supervision=supervision)
        if (organisation_id := as_id(request.GET.get("organisation"))) is not None:
            session.organisation_id = organisation_id
    form = SessionForm(request.POST or None, instance=session, supervision=supervision, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reports = data.pop("reports")
        try:
            with sent_once(request) as sent:
                session = services.do_save_session(session, acting_user=request.user, fields=data, reports=reports)
                sent.leads_to(reverse("supervision:session", args=[session.pk]))
        except AlreadySent as exc:
            return already_sent(request, exc, reverse("supervision:detail", args=[supervision.pk]))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu buổi làm việc."))
            return redirect(sent.url)
    title = _("Sửa buổi làm việc") if pk else _("Ghi buổi làm việc")
    return _form_page(request, form, title, supervision)


@login_required
def session_detail(request, pk):
    session = get_session_for_user(request.user, pk)
    today = timezone.localdate()
    figures = queries.report_figures(
        session.reports.select_related("request__schedule__plan", "request__unit", "request__schedule"), today
    )
    return render(
        request,
        "supervision/session.html",
        {
            "session": session,
            "supervision": session.supervision,
            "figures": figures,
            "findings": Finding.objects.restrict(request.user, "view")
            .filter(session=session)
            .select_related("category"),
            "can_change": _can(request.user, WorkingSession, "change", session.pk),
            "can_draft": can_draft(request.user, session.supervision),
            "documents": Document.objects.restrict(request.user, "view").filter(session=session),
            "history": _history(WorkingSession, [session.pk]),
        },
    )


# --------------------------------------------------------------------------------------------- findings


@login_required
@answers_repeats
def finding_edit(request, supervision_pk=None, pk=None):
    if pk:
        finding = get_finding_for_user(request.user, pk, "change")
        supervision = finding.supervision
    else:
        supervision = get_supervision_for_user(request.user, supervision_pk, "change")
        finding = Finding(supervision=supervision)
        if (session_pk := as_id(request.GET.get("session"))) is not None:
            session = get_object_or_404(supervision.sessions, pk=session_pk)
            finding.session, finding.organisation = session, session.organisation
        if request.GET.get("kind") in FindingKind.values:
            finding.kind = request.GET["kind"]
    form = FindingForm(request.POST or None, instance=finding, supervision=supervision, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        links = {name: data.pop(name) for name in ("indicators", "tasks", "reports")}
        try:
            with sent_once(request) as sent:
                finding = services.do_save_finding(finding, acting_user=request.user, fields=data, **links)
                if finding.session_id:
                    sent.leads_to(reverse("supervision:session", args=[finding.session_id]))
                else:
                    sent.leads_to(reverse("supervision:detail", args=[supervision.pk]))
        except AlreadySent as exc:
            return already_sent(request, exc, reverse("supervision:detail", args=[supervision.pk]))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu nhận xét."))
            return redirect(sent.url)
    return _form_page(request, form, _("Sửa nhận xét") if pk else _("Thêm kết quả, hạn chế"), supervision)


@login_required
@require_POST
def finding_delete(request, pk):
    finding = get_finding_for_user(request.user, pk, "change")
    services.do_delete_finding(finding, acting_user=request.user)
    messages.success(request, _("Đã xóa nhận xét."))
    return redirect("supervision:detail", finding.supervision_id)


# --------------------------------------------------------------------------------------------- recommendations


@login_required
@answers_repeats
def recommendation_create(request, supervision_pk):
    supervision = get_supervision_for_user(request.user, supervision_pk, "change")
    form = RecommendationForm(
        request.POST or None,
        supervision=supervision,
        user=request.user,
        initial={"made_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = reverse("supervision:detail", args=[supervision.pk])
        try:
            with sent_once(request) as sent:
                made = services.do_create_recommendations(
                    supervision,
                    acting_user=request.user,
                    text=data["text"],
                    addressees=list(data["addressees"]),
                    addressee_kind=data["addressee_kind"],
                    priority=data["priority"],
                    made_on=data["made_on"],
                    findings=list(data["findings"]),
                )
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        except services.FollowUpError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã ghi kiến nghị tới %(n)s nơi nhận; hạn trả lời %(due)s.")
                % {"n": len(made), "due": made[0].due_on.strftime("%d/%m/%Y")},
            )
            return redirect(done)
    intro = _("Thời hạn trả lời: %(n)s ngày làm việc kể từ ngày kiến nghị.") % {"n": supervision.response_days}
    return _form_page(request, form, _("Thêm kiến nghị"), supervision, intro=intro)


@login_required
@answers_repeats
def recommendation_edit(request, pk):
    rec = get_recommendation_for_user(request.user, pk, "change")
    form = RecommendationForm(
        request.POST or None,
        supervision=rec.supervision,
        user=request.user,
        editing=True,
        initial={
            "text": rec.text,
            "addressee_kind": rec.addressee_kind,
            "priority": rec.priority,
            "made_on": rec.made_on,
            "findings": list(rec.findings.values_list("pk", flat=True)),
            "seen": fingerprint(services.recommendation_state(rec)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        findings, seen = list(data.pop("findings")), data.pop("seen")
        done = reverse("supervision:recommendation", args=[rec.pk])
        try:
            with sent_once(request) as sent:
                services.do_update_recommendation(
                    rec, acting_user=request.user, fields=data, findings=findings, seen=seen
                )
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        except services.FollowUpError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if not offer_overwrite(form, exc, services.recommendation_state(rec)):
                form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu kiến nghị."))
            return redirect(done)
    return _form_page(request, form, _("Sửa kiến nghị"), rec.supervision)


@login_required
def recommendation_detail(request, pk):
    rec = get_recommendation_for_user(request.user, pk)
    today = timezone.localdate()
    can_respond = services.can_respond(request.user, rec) and not rec.verified
    can_verify = _can(request.user, Recommendation, "verify", rec.pk) and rec.is_final and not rec.verified
    return render(
        request,
        "supervision/recommendation.html",
        {
            "rec": rec,
            "supervision": rec.supervision,
            "responses": rec.responses.select_related("responded_by").prefetch_related("evidence"),
            "overdue": rec.is_overdue(today),
            "today": today,
            "can_respond": can_respond,
            "can_verify": can_verify,
            "can_change": _can(request.user, Recommendation, "change", rec.pk) and not rec.verified,
            "withdraw_form": WithdrawForm()
            if _can(request.user, Recommendation, "change", rec.pk) and services.withdraw_refused(rec) is None
            else None,
            "response_form": ResponseForm() if can_respond else None,
            "verify_form": VerifyForm() if can_verify else None,
            # A recommendation may rest on several units' findings: each viewer sees only those in their scope.
            "findings": rec.findings.filter(
                pk__in=Finding.objects.restrict(request.user, "view").values("pk")
            ).select_related("category"),
            "history": _history(Recommendation, [rec.pk]),
        },
    )


@login_required
@require_POST
def withdraw(request, pk):
    rec = get_recommendation_for_user(request.user, pk, "change")
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.do_withdraw_recommendation(rec, acting_user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("supervision:recommendation", rec.pk)
    except services.FollowUpError as exc:
        messages.error(request, str(exc))
        return redirect("supervision:recommendation", rec.pk)
    messages.success(
        request, _("Đã rút kiến nghị %(item)s gửi %(addressee)s.") % {"item": rec.item, "addressee": rec.addressee}
    )
    return redirect("supervision:detail", rec.supervision_id)


@login_required
@answers_repeats
def respond(request, pk):
    rec = get_recommendation_for_user(request.user, pk)
    if not services.can_respond(request.user, rec):
        raise Http404
    form = ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = reverse("supervision:recommendation", args=[rec.pk])
        try:
            with sent_once(request) as sent:
                services.do_respond(
                    rec,
                    acting_user=request.user,
                    text=data["text"],
                    status=data["status"],
                    reason=data["reason"],
                    files=form.checked_files,
                )
                sent.leads_to(done)
        except AlreadySent as exc:
            return already_sent(request, exc, done)
        except services.FollowUpError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã gửi trả lời kiến nghị."))
            return redirect(done)
    if request.method == "POST" and request.FILES.getlist("files"):
        # A browser cannot put a file back into a file field: said, or the answer is sent again without them.
        names = ", ".join(f.name for f in request.FILES.getlist("files"))
        messages.warning(
            request, _("Tệp đính kèm chưa được lưu (%(names)s); hãy chọn lại tệp trước khi gửi.") % {"names": names}
        )
    status = 400 if request.method == "POST" else 200
    response = render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Trả lời kiến nghị"),
            "supervision": rec.supervision,
            "multipart": True,
            "rec": rec,
            "submit_label": _("Gửi trả lời"),  # as on the recommendation's page, where the answer was begun
        },
        status=status,
    )
    return response


@login_required
@require_POST
def verify(request, pk):
    rec = get_recommendation_for_user(request.user, pk, "verify")
    form = VerifyForm(request.POST)
    form.is_valid()
    confirm = "confirm" in request.POST
    try:
        services.do_verify(rec, acting_user=request.user, confirm=confirm, note=form.cleaned_data.get("note", ""))
    except (services.FollowUpError, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Đã xác nhận kết quả.") if confirm else _("Đã yêu cầu tiếp tục thực hiện."))
    return redirect("supervision:recommendation", rec.pk)


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("response__recommendation"), pk=pk)
    if not _can(request.user, Recommendation, "view", evidence.response.recommendation_id):
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)
