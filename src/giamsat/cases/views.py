"""Case screens. Thin: forms check the input, services change the rows, `restrict` decides what a user sees
(404 otherwise), and every page that shows a case, every print and every export writes the access log first."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from giamsat.accounts.models import User
from giamsat.accounts.roles import Role
from giamsat.core.dates import parse_day
from giamsat.core.once import AlreadySent, already_sent, answers_repeats, sent_once
from giamsat.core.params import as_id, as_year
from giamsat.core.text import fold
from giamsat.reporting.spreadsheet import XLSX_CONTENT_TYPE
from giamsat.units.choices import Level
from giamsat.units.models import Organisation, Unit

from . import clock, documents, exports, forms, queries, services
from .choices import (
    OPEN_STATUSES,
    AccessAction,
    AgeGroup,
    AssessmentKind,
    CaseStatus,
    PlanStatus,
    ReferralStatus,
    RiskLevel,
    SpecialGroup,
)
from .crypto import decrypt, encrypt
from .models import Case, CaseAccess, CaseAssignment, CaseSettings, Consent, Referral
from .permissions import LOCAL_ROLES

PAGE_SIZE = 50
COMMUNE_RESULTS = 15


def _data(request):
    """The POST data of a form, even an empty one (an empty POST must show "required" errors, not a blank form)."""
    return request.POST if request.method == "POST" else None


def _case(request, pk, *actions) -> Case:
    """The case if the user may do one of `actions` on it (the first that allows), else 404."""
    for action in actions or ("view",):
        if services.can(request.user, Case(pk=pk), action):
            return services.get_case(request.user, pk, action)
    raise Http404


# --------------------------------------------------------------------------------------------- lists


@login_required
def index(request):
    """The worker's list of cases with the clock. People who may not see cases get the statistics."""
    user = request.user
    if not user.can("cases.view"):
        if user.can("cases.statistics"):
            return redirect("dashboards:cases")
        if user.can("cases.intake"):
            return redirect("cases:intake")
        raise Http404
    if request.method == "POST":
        return _search(request)
    now = timezone.now()
    rules = CaseSettings.current().rules()
    visible = Case.objects.restrict(user, "view")
    rows = visible.select_related("commune__parent", "commune__province").prefetch_related("harms")
    status = request.GET.get("status", "open")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        rows = rows.exclude(status__in=OPEN_STATUSES)
    if request.GET.get("overdue"):
        rows = rows.filter(status__in=OPEN_STATUSES, next_due_at__lt=now)
    # The area: a unit's id (the links of the overdue counts), or a commune's name typed in the filter.
    unit_pk = as_id(request.GET.get("unit"))
    area = Unit.objects.filter(pk=unit_pk).first() if unit_pk else None
    if unit_pk and area is None:  # a unit gone since the link was made: its area has no case, not every case
        rows = rows.none()
    commune_name = (request.GET.get("commune") or "").strip()[:120]
    rows = queries.in_area(rows, area, commune_name)
    search_key = request.GET.get("s", "")
    query = _searched(request, search_key) or (request.GET.get("q") or "").strip()
    searched_by_name = False
    if query:
        code = query.upper().replace(" ", "")
        if code.startswith("VV-") and code.count("-") == 2:
            _vv, year, number = code.split("-")
            rows = rows.filter(year=as_year(year) or 0, number=as_id(number) or 0)
        else:
            rows = rows.identifiable(user).with_name(query)
            searched_by_name = True
    rows = rows.order_by("next_due_at", "-received_at") if status == "open" else rows.order_by("-received_at")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    if searched_by_name:
        # The name itself is never logged; the cases it found are.
        services.log_access(
            user, list(page.object_list) or None, AccessAction.SEARCH, detail=str(len(page.object_list))
        )
    for case in page.object_list:
        case.next_state = queries.state_of_case(case, now, rules)
    unforwarded = visible.filter(recorded_by=user, forwarded_at__isnull=True) if user.can("cases.intake") else []
    filters = {k: request.GET.get(k, "") for k in ("status", "overdue")}
    filters |= {"commune": commune_name, "unit": str(area.pk) if area else ""}
    kept = filters | ({"s": search_key} if search_key else {"q": request.GET.get("q", "")})
    return render(
        request,
        "cases/index.html",
        {
            "page_obj": page,
            "status": status,
            "filters": filters | {"q": query},
            "query_string": urlencode({k: v for k, v in kept.items() if v}),
            "area": area,
            "unknown_area": bool(unit_pk and area is None),
            "without_area": urlencode({k: v for k, v in kept.items() if v and k not in ("unit", "commune")}),
            "unforwarded": unforwarded,
            "overdue_count": visible.filter(status__in=OPEN_STATUSES, next_due_at__lt=now).count(),
            "incoming": services.incoming_referrals(user).filter(status=ReferralStatus.PENDING).count(),
            "step_labels": queries.STEP_LABELS,
            "state_labels": queries.STATE_LABELS,
            "state_class": queries.STATE_CLASS,
            "searched": bool(query),
            "can_intake": user.can("cases.intake"),
            "can_statistics": user.can("cases.statistics"),
            "sees_duplicates": user.role in LOCAL_ROLES and user.can("cases.identify"),
        },
    )


SEARCHES = "case_searches"


def _searched(request, key: str) -> str:
    """The name searched under `key` in this session ("" when none, or when the data key changed since)."""
    token = request.session.get(SEARCHES, {}).get(key) if key else None
    try:
        return decrypt(token) if token else ""
    except ImproperlyConfigured:
        return ""


def _search(request):
    """The list's filter form is posted: a child's name typed in the search box would otherwise sit in the address
    bar, the browser's history and proxy logs. The name stays in the session; the address carries a key to it."""
    params = {k: request.POST.get(k, "") for k in ("status", "overdue", "unit", "commune")}
    query = request.POST.get("q", "").strip()
    if query:
        key = secrets.token_urlsafe(8)
        searches = request.session.get(SEARCHES, {})
        searches[key] = encrypt(query)  # the session table is no place for a child's name in clear
        request.session[SEARCHES] = dict(list(searches.items())[-20:])  # the last 20 searches, for Back
        params["s"] = key
    return redirect(reverse("cases:index") + "?" + urlencode({k: v for k, v in params.items() if v}))


@login_required
def overdue(request):
    """Overdue steps of the cases the user sees, with counts per commune, district or province."""
    if not request.user.can("cases.view"):
        raise Http404
    level = request.GET.get("level", "commune")
    if level not in ("commune", "district", "province"):
        level = "commune"
    visible = Case.objects.restrict(request.user, "view")
    return render(
        request,
        "cases/overdue.html",
        {
            "steps": queries.overdue_steps(visible),
            "counts": queries.overdue_counts(visible, level),
            "level": level,
            "levels": queries.level_choices(),
            "step_labels": queries.STEP_LABELS,
        },
    )


@login_required
def statistics(request):
    """The old address of the case statistics, kept for bookmarks and links: the cases dashboard shows the same
    counts, with small ones hidden so that no sum or difference gives them away (docs/privacy.md)."""
    if not request.user.can("cases.statistics"):
        raise Http404
    query = {}
    for name, day in (("from", "01/01/{}"), ("to", "31/12/{}")):  # this page took years, the dashboard dates
        year = request.GET.get(name, "")
        if as_year(year):
            query[name] = day.format(as_year(year))
    if request.GET.get("level") in ("commune", "district", "province"):
        query["level"] = request.GET["level"]
    return redirect(reverse("dashboards:cases") + (f"?{urlencode(query)}" if query else ""))


# --------------------------------------------------------------------------------------------- intake


def _local_communes(user) -> list[Unit]:
    """The communes a commune-level user works for today (the legacy ones their commune took over are in their
    jurisdiction for old cases, but a new intake refused them)."""
    if user.jurisdiction.everywhere or not user.jurisdiction.ids:
        return []
    units = (
        Unit.objects.filter(pk__in=user.jurisdiction.ids, level=Level.COMMUNE)
        .valid_on(timezone.localdate())
        .select_related("parent", "province")
    )
    return sorted(units, key=lambda u: u.name)[:COMMUNE_RESULTS]


def _intake_forms(request, data=None):
    user = request.user
    initial = {
        "received_at": forms.now_initial(),
        "receiving_organisation": str(user.organisation or ""),
        "receiving_person": user.full_name or user.username,
    }
    if user.role == Role.HOTLINE_OPERATOR:
        initial["channel"] = "hotline_111"
    local = _local_communes(user)
    made = [
        forms.ReceiptForm(data, initial=initial),
        forms.ReporterForm(data),
        forms.ChildForm(
            data,
            search_url=reverse("cases:communes"),
            local_communes=local,
            # A commune's own worker records children of their commune: chosen already.
            initial={"commune": local[0].pk} if len(local) == 1 else {},
        ),
        forms.IncidentForm(data),
        forms.CircumstancesForm(data),
    ]
    forward = forms.ForwardForm(data) if user.role not in (*LOCAL_ROLES, Role.COMMUNE_OFFICER) else None
    return made, forward


def _add_service_errors(sections, values: dict) -> None:
    """The service's own checks (a date against another, the commune on the day, the future) on what the forms
    accepted, so that every problem shows at once, not the service's only after the forms' are put right. A
    field the form refused keeps the form's message alone."""
    try:
        services.clean_intake(values)
    except ValidationError as exc:
        refused = {name for form in sections for name in form.errors}
        more = {field: errors for field, errors in exc.message_dict.items() if field not in refused}
        if more:
            forms.apply_errors(sections, ValidationError(more))


@login_required
def intake(request):
    """Mẫu 01: the hotline's and the commune's intake form, one column on a phone."""
    if not request.user.can("cases.intake"):
        raise Http404
    data = request.POST if request.method == "POST" else None
    sections, forward = _intake_forms(request, data)
    once = (request.POST.get("once", "") if data else "")[:40] or secrets.token_urlsafe(16)
    if request.method == "POST":
        valid = all([f.is_valid() for f in sections]) & (forward is None or forward.is_valid())
        values = {}
        for form in sections:
            values.update(form.cleaned_data)
        if not valid:
            _add_service_errors(sections, values)
        else:
            forward_now = True if forward is None else forward.cleaned_data["forward_now"]
            try:
                case = services.do_intake(values, acting_user=request.user, forward_now=forward_now, once=once)
            except services.AlreadyRecorded as exc:
                messages.info(
                    request, _("Phiếu này đã được lưu (vụ việc %(code)s); không lưu lần nữa.") % {"code": exc.case.code}
                )
                if services.can(request.user, exc.case, "view"):
                    return redirect("cases:detail", exc.case.pk)
                return redirect("cases:intake")
            except ValidationError as exc:
                forms.apply_errors(sections, exc)
            except services.CaseError as exc:
                messages.error(request, str(exc))
            else:
                return _after_intake(request, case)
        messages.error(request, _("Chưa lưu: có mục chưa hợp lệ, xem thông báo cạnh từng mục."))
    titles = [
        _("Tiếp nhận"),
        _("Người báo tin"),
        _("Trẻ em"),
        _("Sự việc"),
        _("Hoàn cảnh của trẻ (có thể bổ sung sau)"),
    ]
    # The last section (disability, special circumstances) is folded: a hotline call must be quick.
    folded = [False, False, False, False, True]
    return render(
        request,
        "cases/intake.html",
        {"sections": list(zip(titles, sections, folded, strict=True)), "forward": forward, "once": once},
        status=400 if request.method == "POST" else 200,
    )


def _after_intake(request, case: Case):
    text = _("Đã ghi nhận vụ việc %(code)s.") % {"code": case.code}
    if case.forwarded_at and not case.received_by_commune:
        text += " " + _("Đã chuyển UBND %(commune)s; cán bộ bảo vệ trẻ em được thông báo.") % {
            "commune": case.commune.name
        }
    if case.possible_duplicate and services.identifies_as_commune(request.user, case):
        text += " " + _("Có thể trùng với vụ việc đã có của cùng trẻ: UBND xã sẽ kiểm tra.")
    messages.success(request, text)
    if services.can(request.user, case, "view"):
        return redirect("cases:detail", case.pk)
    return redirect("cases:intake")


@login_required
def communes(request):
    """Live search of communes for the intake form (htmx): those valid on the date of receipt."""
    if not request.user.can("cases.intake"):
        raise Http404
    key = fold(request.GET.get("commune_q", ""))
    day = parse_day(request.GET.get("received_at_0", "")) or timezone.localdate()
    results = []
    if len(key) >= 2:
        results = list(
            Unit.objects.filter(level=Level.COMMUNE, name_folded__contains=key)
            .valid_on(day)
            .select_related("parent", "province")
            .order_by("name", "code")[:COMMUNE_RESULTS]
        )
    return render(
        request,
        "cases/_commune_results.html",
        {"results": [(u, forms.commune_label(u)) for u in results], "query": key, "day": day},
    )


# --------------------------------------------------------------------------------------------- the case page


def _timeline(case: Case, identify: bool) -> list[tuple]:
    events = [(case.received_at, _("Tiếp nhận thông tin (Mẫu 01)"), case.get_channel_display())]
    if case.forwarded_at and not case.received_by_commune:
        events.append((case.forwarded_at, _("Chuyển UBND xã"), case.commune.name))
    for a in case.assessments.all():
        detail = a.get_risk_level_display() if a.risk_level else ""
        if a.kind == AssessmentKind.REVIEW:
            detail = f"{a.get_outcome_display()} · {detail}"
        events.append((a.assessed_at, a.get_kind_display(), detail))
    for m in case.emergency_measures.all():
        events.append((m.taken_at, _("Biện pháp khẩn cấp"), m.get_kind_display()))
    for p in case.plans.all():
        if p.submitted_at:
            events.append((p.submitted_at, _("Trình kế hoạch (Mẫu 04)"), _("Chu kỳ %(n)s") % {"n": p.cycle}))
        if p.approved_at:
            events.append((p.approved_at, _("Phê duyệt kế hoạch (Mẫu 05)"), p.decision_number))
    for s in case.services.all():
        events.append((s.delivered_at, s.get_kind_display(), f"{s.provider} · {s.get_outcome_display()}"))
    for r in case.referrals.all():
        events.append(
            (r.referred_at, _("Chuyển gửi"), f"{services.referral_receiver(r, identify)} · {r.get_status_display()}")
        )
    if case.closed_at:
        events.append((case.closed_at, _("Đóng vụ việc"), case.get_closure_reason_display()))
    return sorted(events, key=lambda e: e[0])


@login_required
def detail(request, pk):
    case = _case(request, pk, "view")
    user = request.user
    services.log_access(user, case, AccessAction.VIEW)
    steps = services.case_clock(case)
    identify = services.can_identify(user, case)
    can_manage = services.can(user, case, "manage")
    can_approve = services.can(user, case, "approve")
    plan = case.plans.filter(cycle=case.cycle).first()
    duplicates = []
    show_duplicate = case.possible_duplicate and services.identifies_as_commune(user, case)
    if identify and show_duplicate:
        duplicates = list(
            Case.objects.restrict(user, "view")
            .filter(pk__in=services.possible_duplicates(case))
            .order_by("received_at")
        )
    today = timezone.localdate()
    consents = list(case.consents.all())
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "steps": steps,
            "step_labels": queries.STEP_LABELS,
            "state_labels": queries.STATE_LABELS,
            "state_class": queries.STATE_CLASS,
            "identify": identify,
            "can_manage": can_manage and case.status in OPEN_STATUSES and case.forwarded_at is not None,
            "can_manage_closed": can_manage and case.status == CaseStatus.CLOSED,
            "can_approve": can_approve and plan is not None and plan.status == PlanStatus.SUBMITTED,
            "can_emergency": (can_manage or can_approve) and case.status in OPEN_STATUSES and case.forwarded_at,
            "can_forward": case.forwarded_at is None and (case.recorded_by_id == user.pk or user.role in LOCAL_ROLES),
            "plan": plan,
            "plans": case.plans.all(),
            "assessments": case.assessments.all(),
            "measures": case.emergency_measures.all(),
            "services_list": case.services.all(),
            "consents": [(c, c.valid_for(case, today)) for c in consents],
            "referrals": [(r, services.referral_receiver(r, identify)) for r in case.referrals.all()],
            "assignments": CaseAssignment.objects.filter(case=case, ended_at__isnull=True).select_related("user"),
            "timeline": _timeline(case, identify),
            "duplicates": duplicates,
            "show_duplicate": show_duplicate,
            "forms_available": [(n, documents.form_name(n)) for n in documents.FORMS],
            "pdf": documents.pdf_available(),
            "age_group": AgeGroup(case.age_group).label,
            "hours": round(case.minutes_to_intervention / 60, 1) if case.minutes_to_intervention is not None else None,
            "late_intervention": any(s.state in (clock.State.DONE_LATE, clock.State.OVERDUE) for s in steps),
            "risk_none": case.risk_level == RiskLevel.NONE,
            "special_groups": [SpecialGroup(g).label for g in case.special_groups],
        },
    )


# --------------------------------------------------------------------------------------------- steps


def _step_page(request, case, form, title, *, submit=None, intro="", extra=None):
    if request.method == "GET":  # a step's page shows part of the case: it is a view like any other
        services.log_access(request.user, case, AccessAction.VIEW, detail=str(title))
    return render(
        request,
        "cases/step_form.html",
        {"case": case, "form": form, "title": title, "submit": submit or _("Lưu"), "intro": intro, **(extra or {})},
        status=400 if request.method == "POST" else 200,
    )


def _run(request, case, form, call, success: str):
    """Call a service with the form's data; on a domain error put it next to its field and return None."""
    done = reverse("cases:detail", args=[case.pk])
    try:
        with sent_once(request) as sent:
            call(form.cleaned_data)
            sent.leads_to(done)
    except AlreadySent as exc:
        return already_sent(request, exc, done)
    except ValidationError as exc:
        forms.apply_errors([form], exc)
        return None
    except services.CaseError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, success)
    return redirect(done)


@login_required
@answers_repeats
def assess(request, pk, kind):
    case = _case(request, pk, "manage")
    if kind not in forms.ASSESSMENT_FORMS:
        raise Http404
    form_class = forms.ASSESSMENT_FORMS[kind]
    form = form_class(_data(request), initial={"assessed_at": forms.now_initial()})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_assess(case, acting_user=request.user, kind=kind, **d),
            _("Đã ghi kết quả đánh giá."),
        )
        if done:
            return done
    title = AssessmentKind(kind).label
    intro = ""
    if kind == AssessmentKind.INITIAL:
        intro = (
            _(
                "Nguy cơ cao: biện pháp khẩn cấp phải có trong 12 giờ kể từ khi tiếp nhận thông tin, hoặc kể từ lần "
                "đánh giá này nếu lần đánh giá trước chưa thấy nguy cơ cao."
            )
            if CaseSettings.current().emergency_from_escalation
            else _("Nguy cơ cao: biện pháp khẩn cấp phải có trong 12 giờ kể từ khi tiếp nhận thông tin.")
        )
    return _step_page(request, case, form, title, intro=intro)


@login_required
@answers_repeats
def emergency(request, pk):
    case = _case(request, pk, "manage", "approve")
    form = forms.EmergencyForm(_data(request), initial={"taken_at": forms.now_initial()})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_emergency(case, acting_user=request.user, **d),
            _("Đã ghi biện pháp khẩn cấp."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Biện pháp khẩn cấp"))


@login_required
@answers_repeats
def plan_edit(request, pk):
    case = _case(request, pk, "manage")
    plan = case.plans.filter(cycle=case.cycle).first()
    initial = (
        {"objectives": plan.objectives, "activities": plan.activities, "review_on": plan.review_on} if plan else {}
    )
    form = forms.PlanForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST

        def save(data):
            services.do_save_plan(case, acting_user=request.user, **data)
            if submit:
                services.do_submit_plan(case, acting_user=request.user)

        done = _run(
            request,
            case,
            form,
            save,
            _("Đã trình kế hoạch để Chủ tịch UBND xã phê duyệt.") if submit else _("Đã lưu kế hoạch."),
        )
        if done:
            return done
    return _step_page(
        request,
        case,
        form,
        _("Kế hoạch hỗ trợ, can thiệp (Mẫu 04)"),
        extra={"plan_buttons": True, "plan": plan},
    )


@login_required
@answers_repeats
def plan_decide(request, pk):
    case = _case(request, pk, "approve")
    plan = case.plans.filter(cycle=case.cycle, status=PlanStatus.SUBMITTED).first()
    if plan is None:
        raise Http404
    form = forms.DecisionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        approve = "approve" in request.POST
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_decide_plan(case, acting_user=request.user, approve=approve, **d),
            _("Đã phê duyệt kế hoạch.") if approve else _("Đã trả lại kế hoạch để sửa."),
        )
        if done:
            return done
    return _step_page(
        request, case, form, _("Phê duyệt kế hoạch (Mẫu 05)"), extra={"decision_buttons": True, "plan": plan}
    )


@login_required
@answers_repeats
def service(request, pk):
    case = _case(request, pk, "manage")
    form = forms.ServiceForm(_data(request), initial={"delivered_at": forms.now_initial()})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_add_service(case, acting_user=request.user, **d),
            _("Đã ghi dịch vụ."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Dịch vụ đã cung cấp"))


@login_required
@answers_repeats
def consent(request, pk):
    case = _case(request, pk, "manage")
    form = forms.ConsentForm(_data(request), initial={"given_at": forms.now_initial()})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_record_consent(case, acting_user=request.user, **d),
            _("Đã ghi nhận sự đồng ý."),
        )
        if done:
            return done
    age = case.age_on(timezone.localdate())
    intro = _(
        "Luật Bảo vệ dữ liệu cá nhân (91/2025/QH15): trẻ từ đủ 7 tuổi cần sự đồng ý của trẻ và của cha, mẹ hoặc "
        "người giám hộ; dưới 7 tuổi cần sự đồng ý của cha, mẹ hoặc người giám hộ; trừ khi để bảo vệ tính mạng, "
        "sức khỏe của trẻ."
    )
    if age is not None:
        intro += " " + _("Trẻ hiện khoảng %(age)s tuổi.") % {"age": age}
    return _step_page(request, case, form, _("Ghi nhận sự đồng ý"), intro=intro)


@login_required
def consent_withdraw(request, pk, consent_pk):
    case = _case(request, pk, "manage")
    record = get_object_or_404(Consent, pk=consent_pk, case=case)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.do_withdraw_consent(record, acting_user=request.user)
        messages.success(request, _("Đã ghi nhận việc rút lại sự đồng ý."))
    except services.CaseError as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", case.pk)


def _organisations(user) -> list[tuple[int, str]]:
    """Bodies a child can be referred to today: those of units abolished in 2025 (a district's office, a merged
    province's department) were offered and accepted."""
    today = timezone.localdate()
    rows = (
        Organisation.objects.restrict(user, "view")
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(unit__in=Unit.objects.valid_on(today))
    )
    return [(o.pk, o.name) for o in rows.order_by("name")[:300]]


@login_required
@answers_repeats
def referral(request, pk):
    case = _case(request, pk, "manage")
    today = timezone.localdate()
    usable = [
        (c.pk, str(c.get_basis_display()) + " · " + timezone.localtime(c.given_at).strftime("%d/%m/%Y %H:%M"))
        for c in case.consents.all()
        if c.valid_for(case, today)
    ]
    form = forms.ReferralForm(
        _data(request),
        consents=usable,
        organisations=_organisations(request.user),
        initial={"referred_at": forms.now_initial()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = case.consents.filter(pk=data.pop("consent")).first() if data.get("consent") else None
        data.pop("consent", None)
        org_id = data.pop("to_organisation")
        organisation = Organisation.objects.restrict(request.user, "view").filter(pk=org_id).first() if org_id else None
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_refer(
                case, acting_user=request.user, consent=chosen, to_organisation=organisation, **data
            ),
            _("Đã chuyển gửi."),
        )
        if done:
            return done
    intro = "" if usable else _("Chưa có sự đồng ý nào còn hiệu lực: hãy ghi nhận sự đồng ý trước khi chuyển gửi.")
    return _step_page(request, case, form, _("Chuyển gửi"), intro=intro, extra={"consent_link": not usable})


@login_required
def referrals_incoming(request):
    """Referrals addressed to the user's organisation."""
    rows = services.incoming_referrals(request.user).select_related("case__commune").order_by("-referred_at")
    if not request.user.can("cases.view"):
        raise Http404
    return render(request, "cases/referrals_incoming.html", {"referrals": rows})


@login_required
def referral_respond(request, referral_pk):
    referral_obj = get_object_or_404(Referral.objects.select_related("case__commune"), pk=referral_pk)
    # The receiving organisation reads the reason while it decides; once answered, the case page is its way in
    # (if it accepted, and while it is assigned), not this page.
    receiver = (
        services.incoming_referrals(request.user).filter(pk=referral_obj.pk, status=ReferralStatus.PENDING).exists()
    )
    if not receiver and not services.can(request.user, referral_obj.case, "manage"):
        raise Http404
    form = forms.RespondForm(_data(request))
    if request.method == "GET":
        services.log_access(request.user, referral_obj.case, AccessAction.VIEW, detail=_("Chuyển gửi"))
    if request.method == "POST" and form.is_valid():
        accept = "accept" in request.POST
        try:
            services.do_respond_referral(referral_obj, acting_user=request.user, accept=accept, **form.cleaned_data)
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tiếp nhận.") if accept else _("Đã ghi nhận việc từ chối."))
            if services.can(request.user, referral_obj.case, "view"):
                return redirect("cases:detail", referral_obj.case_id)
            return redirect("cases:referrals_incoming")
    return render(
        request,
        "cases/referral_respond.html",
        {
            "referral": referral_obj,
            "case": referral_obj.case,
            "form": form,
            "age_group": AgeGroup(referral_obj.case.age_group).label,
            "receiver": receiver,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@answers_repeats
def offender(request, pk):
    case = _case(request, pk, "manage")
    form = forms.OffenderForm(_data(request), initial={"status": case.offender_status})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_set_offender_status(case, acting_user=request.user, **d),
            _("Đã cập nhật tình trạng xử lý đối tượng vi phạm."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Xử lý đối tượng vi phạm"))


@login_required
@answers_repeats
def delay(request, pk):
    case = _case(request, pk, "manage")
    form = forms.DelayForm(_data(request), initial={"reason": case.delay_reason})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_record_delay(case, acting_user=request.user, **d),
            _("Đã ghi lý do chậm can thiệp."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Lý do chậm can thiệp"))


@login_required
@answers_repeats
def review(request, pk):
    case = _case(request, pk, "manage")
    form = forms.ReviewForm(_data(request), initial={"assessed_at": forms.now_initial()})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_review(case, acting_user=request.user, **d),
            _("Đã ghi kết quả rà soát."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Rà soát, đánh giá lại"))


@login_required
@answers_repeats
def close(request, pk):
    case = _case(request, pk, "manage")
    form = forms.CloseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = (data.pop("duplicate_of") or "").strip().upper()
        other = None
        if code.startswith("VV-") and code.count("-") == 2:
            _vv, year, number = code.split("-")
            if as_year(year) and as_id(number):
                other = (
                    Case.objects.restrict(request.user, "view").filter(year=as_year(year), number=as_id(number)).first()
                )
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_close(case, acting_user=request.user, duplicate_of=other, **data),
            _("Đã đóng vụ việc."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Đóng vụ việc"))


@login_required
@answers_repeats
def reopen(request, pk):
    case = _case(request, pk, "manage")
    form = forms.ReopenForm(_data(request))
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            case,
            form,
            lambda d: services.do_reopen(case, acting_user=request.user, **d),
            _("Đã mở lại vụ việc: bắt đầu chu kỳ mới với đánh giá nguy cơ."),
        )
        if done:
            return done
    return _step_page(request, case, form, _("Mở lại vụ việc"))


def _post_action(request, pk, action, call, success):
    """A button: the case is looked up first (404 for those who may not), then only POST is accepted."""
    case = _case(request, pk, action)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        call(case)
        messages.success(request, success)
    except services.CaseError as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", case.pk) if services.can(request.user, case, "view") else redirect("cases:index")


@login_required
def forward(request, pk):
    return _post_action(
        request,
        pk,
        "view",
        lambda case: services.do_forward(case, acting_user=request.user),
        _("Đã chuyển UBND xã; cán bộ bảo vệ trẻ em được thông báo."),
    )


@login_required
def archive(request, pk):
    return _post_action(
        request, pk, "manage", lambda case: services.do_archive(case, acting_user=request.user), _("Đã lưu trữ.")
    )


@login_required
def dismiss_duplicate(request, pk):
    return _post_action(
        request,
        pk,
        "manage",
        lambda case: services.do_dismiss_duplicate(case, acting_user=request.user),
        _("Đã bỏ đánh dấu có thể trùng."),
    )


@login_required
@answers_repeats
def assign(request, pk):
    case = _case(request, pk, "manage")
    form = forms.AssignForm(_data(request))
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(username=form.cleaned_data["username"].strip(), is_active=True).first()
        if person is None:
            form.add_error("username", _("Không có người dùng này."))
        else:
            done = _run(
                request,
                case,
                form,
                lambda d: services.do_assign(case, acting_user=request.user, user=person),
                _("Đã phân công."),
            )
            if done:
                return done
    return _step_page(request, case, form, _("Phân công thêm người"))


@login_required
def unassign(request, pk, assignment_pk):
    case = _case(request, pk, "manage")
    assignment = get_object_or_404(CaseAssignment, pk=assignment_pk, case=case)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.do_unassign(assignment, acting_user=request.user)
    messages.success(request, _("Đã thôi phân công."))
    return redirect("cases:detail", case.pk)


# --------------------------------------------------------------------------------------------- print, export


@login_required
def print_form(request, pk, number, fmt="docx"):
    case = _case(request, pk, "view")
    if number not in documents.FORMS or fmt not in ("docx", "pdf") or not services.can_identify(request.user, case):
        raise Http404
    services.log_access(request.user, case, AccessAction.PRINT, detail=f"{documents.form_name(number)} ({fmt})")
    content = documents.build_docx(case, number)
    filename = f"{case.code}-mau-{number:02d}"
    if fmt == "pdf":
        pdf = documents.to_pdf(content)
        if pdf is None:
            messages.error(request, _("Không tạo được PDF (chưa cài LibreOffice); hãy tải bản DOCX."))
            return redirect("cases:detail", case.pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    else:
        response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export(request):
    """The cases the user sees as a spreadsheet: pseudonymous, or with names for cases.identify and a reason."""
    user = request.user
    if not user.can("cases.view"):
        raise Http404
    form = forms.ExportForm(_data(request))
    if request.method == "POST" and form.is_valid():
        identified = form.cleaned_data["identified"]
        if identified and not user.can("cases.identify"):
            raise Http404
        cases = Case.objects.restrict(user, "view").select_related("commune__parent", "commune__province")
        if identified:
            cases = cases.filter(Q(commune__isnull=False))
            cases = [c for c in cases.prefetch_related("harms") if services.can_identify(user, c)]
        else:
            cases = list(cases.prefetch_related("harms"))
        action = AccessAction.EXPORT_IDENTIFIED if identified else AccessAction.EXPORT
        services.log_access(user, cases, action, detail=str(len(cases)), reason=form.cleaned_data.get("reason", ""))
        content = exports.workbook(cases, identified=identified)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="vu-viec-{stamp}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "cases/export.html",
        {"form": form, "can_identify": user.can("cases.identify")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def access_log(request):
    """Who viewed, printed or exported which case, for an administrator to review."""
    if not request.user.can("cases.audit"):
        raise Http404
    entries = CaseAccess.objects.all()
    filters = {k: request.GET.get(k, "").strip() for k in ("user", "case", "action", "from", "to")}
    if filters["user"]:
        entries = entries.filter(username__icontains=filters["user"])
    if filters["case"]:
        entries = entries.filter(case_code__icontains=filters["case"].upper())
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if day := parse_day(filters["from"]):
        entries = entries.filter(at__date__gte=day)
    if day := parse_day(filters["to"]):
        entries = entries.filter(at__date__lte=day)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/access_log.html",
        {
            "page_obj": page,
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "actions": AccessAction.choices,
        },
    )
