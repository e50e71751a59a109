"""Forms of the supervision screens: every message translatable and attached to its field."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamsat.core.params import as_id
from giamsat.core.stale import SeenField
from giamsat.core.uploads import UploadRejected, check_upload
from giamsat.plans.models import Indicator, Plan, Task
from giamsat.units.models import Organisation

from .choices import ANSWER_STATUSES, AddresseeKind, FindingKind, MemberRole, Priority, SupervisionForm
from .models import DelegationMember, Finding, FindingCategory, Supervision, SupervisionProgramme, WorkingSession
from .queries import candidate_reports

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATETIME_INPUT = forms.DateTimeInput(format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"})
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y"]
EVIDENCE_KINDS = {"pdf", "docx", "xlsx"}
MAX_EVIDENCE_FILES = 5


def _area(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def organisations_for(user):
    """Organisations a supervisor may name: those in their jurisdiction (with the bodies above it)."""
    return (
        Organisation.objects.restrict(user, "view").select_related("unit").order_by("unit__level", "unit__code", "name")
    )


def member_candidates(user):
    """Users a supervisor may name in a delegation: those of the organisations they see. A member is of the
    supervising side (scoping.supervising), so the API's "any active user" let a supervisor open a supervision to
    someone of another province."""
    from giamsat.accounts.models import User

    visible = Organisation.objects.restrict(user, "view").values("pk")
    return User.objects.filter(is_active=True, organisation__in=visible)


class SupervisionEditForm(forms.ModelForm):
    seen = SeenField()
    supervised = forms.ModelMultipleChoiceField(
        label=_("Đơn vị được giám sát"),
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Giữ Ctrl để chọn nhiều. Ngày làm việc với từng đơn vị nhập ở mục Lịch giám sát."),
    )
    start_on = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    end_on = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS)
    issued_on = forms.DateField(
        label=_("Ngày ban hành kế hoạch"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )

    class Meta:
        model = Supervision
        fields = [
            "organisation",
            "programme",
            "title",
            "plans",
            "subject_text",
            "purpose",
            "content",
            "forms",
            "supervised",
            "start_on",
            "end_on",
            "budget",
            "budget_note",
            "coordination",
            "response_days",
            "status",
            "reference",
            "issued_on",
            "delegation_decision_text",
        ]
        widgets = {
            "subject_text": _area(2),
            "purpose": _area(4),
            "content": _area(5),
            "coordination": _area(3),
            "plans": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forms"] = forms.MultipleChoiceField(
            label=_("Hình thức giám sát"),
            choices=SupervisionForm.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=self.instance.forms,
        )
        own = Organisation.objects.filter(pk=user.organisation_id) if not user.sees_all else Organisation.objects.all()
        if self.instance.pk:
            own = Organisation.objects.filter(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = own
        if own.count() == 1:
            # The form's own initial (from the new, empty instance) would win over the field's: "---------".
            self.initial["organisation"] = own.first().pk
            self.fields["organisation"].empty_label = None
        self.fields["programme"].queryset = SupervisionProgramme.objects.restrict(user, "change")
        self.fields["plans"].queryset = Plan.objects.restrict(user, "view")
        self.fields["plans"].required = False
        self.fields["supervised"].queryset = organisations_for(user)
        if self.instance.pk:
            self.fields["supervised"].initial = list(self.instance.supervised.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        if not data.get("plans") and not (data.get("subject_text") or "").strip():
            self.add_error("subject_text", _("Chọn kế hoạch được giám sát hoặc ghi nội dung được giám sát."))
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = SupervisionProgramme
        fields = ["organisation", "year", "title", "note"]
        widgets = {"note": _area(3)}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.all() if user.sees_all else Organisation.objects.filter(pk=user.organisation_id)
        )


class MemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["role", "user", "name", "position", "organisation_name", "order"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = member_candidates(user).order_by("full_name")
        self.fields["user"].help_text = _("Người có tài khoản; để trống và ghi họ tên nếu là người ngoài hệ thống.")
        self.fields["role"].choices = MemberRole.choices
        self.fields["order"].required = False


class ScheduleRowForm(forms.Form):
    scheduled_on = forms.DateField(
        label=_("Ngày làm việc"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    place = forms.CharField(label=_("Địa điểm"), required=False, max_length=300)


class SessionForm(forms.ModelForm):
    held_at = forms.DateTimeField(label=_("Thời gian"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS)
    reports = forms.ModelMultipleChoiceField(
        label=_("Báo cáo của đơn vị (đã nhận)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Báo cáo đơn vị đã gửi theo kế hoạch được giám sát; kết quả chỉ tiêu hiện ra, không phải nhập lại."
        ),
    )

    class Meta:
        model = WorkingSession
        fields = [
            "organisation",
            "held_at",
            "place",
            "attendees_delegation",
            "attendees_supervised",
            "reports",
            "documents_received",
            "minutes",
        ]
        widgets = {
            "attendees_delegation": _area(2),
            "attendees_supervised": _area(2),
            "documents_received": _area(2),
            "minutes": _area(8),
        }

    def __init__(self, *args, supervision, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.supervision = supervision
        organisations = supervision.supervised.all()
        self.fields["organisation"].queryset = organisations
        # A new session opened from an organisation's row (?organisation=…) has it on the instance already.
        chosen = self.data.get("organisation") or self.instance.organisation_id
        organisation = organisations.filter(pk=chosen_id).first() if (chosen_id := as_id(chosen)) else None
        self.fields["reports"].queryset = candidate_reports(supervision, organisation, user)
        self.fields["reports"].label_from_instance = lambda r: (
            f"{r.request.schedule.plan.reference} · {r.request.unit} · {r.request.period.label} "
            f"({r.get_status_display()})"
        )

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        for report in data.get("reports") or []:
            if organisation is not None and report.request.unit_id != organisation.unit_id:
                self.add_error("reports", _("Chỉ chọn báo cáo của chính đơn vị làm việc."))
                break
        return data


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["kind", "session", "organisation", "text", "cause", "category", "indicators", "tasks", "reports"]
        widgets = {
            "text": _area(4),
            "cause": _area(2),
            "indicators": forms.SelectMultiple(attrs={"size": 5}),
            "tasks": forms.SelectMultiple(attrs={"size": 4}),
            "reports": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, supervision, user, **kwargs):
        from giamsat.reporting.models import Report

        super().__init__(*args, **kwargs)
        plans = supervision.plans.all()
        self.fields["session"].queryset = supervision.sessions.select_related("organisation")
        self.fields["organisation"].queryset = supervision.supervised.all()
        self.fields["category"].queryset = FindingCategory.objects.filter(
            Q(active=True) | Q(pk=self.instance.category_id or 0)
        )
        self.fields["indicators"].queryset = Indicator.objects.filter(plan__in=plans)
        self.fields["tasks"].queryset = Task.objects.filter(plan__in=plans)
        self.fields["tasks"].label_from_instance = lambda t: t.text[:90]
        self.fields["reports"].queryset = (
            Report.objects.restrict(user, "view")
            .filter(request__schedule__plan__in=plans)
            .select_related("request__unit")
        )
        for name in ("indicators", "tasks", "reports"):
            self.fields[name].required = False
        self.fields["cause"].help_text = _("Với hạn chế: nêu nguyên nhân.")

    def clean(self):
        data = super().clean()
        if data.get("kind") == FindingKind.LIMITATION and not data.get("category"):
            self.add_error("category", _("Hãy chọn nhóm hạn chế để theo dõi hạn chế lặp lại."))
        return data


class RecommendationForm(forms.Form):
    seen = SeenField()  # editing only
    text = forms.CharField(label=_("Nội dung kiến nghị"), widget=_area(4))
    addressee_kind = forms.ChoiceField(label=_("Loại nơi nhận"), choices=AddresseeKind.choices)
    addressees = forms.ModelMultipleChoiceField(
        label=_("Gửi tới"),
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Chọn một hoặc nhiều cơ quan; mỗi nơi trả lời và được theo dõi riêng."),
        error_messages={"required": _("Chọn ít nhất một nơi nhận kiến nghị.")},
    )
    priority = forms.ChoiceField(label=_("Mức ưu tiên"), choices=Priority.choices, initial=Priority.NORMAL)
    made_on = forms.DateField(
        label=_("Ngày kiến nghị"),
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
        help_text=_("Hạn trả lời được tính tự động từ ngày này theo số ngày làm việc của cuộc giám sát."),
    )
    findings = forms.ModelMultipleChoiceField(
        label=_("Về các hạn chế"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args, supervision, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressees"].queryset = organisations_for(user)
        self.fields["findings"].queryset = supervision.findings.filter(kind=FindingKind.LIMITATION)
        if editing:
            del self.fields["addressees"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked in ResponseForm.clean_files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ResponseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Kết quả thực hiện"),
        choices=[(s.value, s.label) for s in ANSWER_STATUSES],
        error_messages={"required": _("Chọn kết quả thực hiện.")},
    )
    text = forms.CharField(
        label=_("Nội dung trả lời"),
        widget=_area(5),
        error_messages={"required": _("Hãy ghi nội dung trả lời.")},
    )
    reason = forms.CharField(
        label=_("Lý do không tiếp thu"), widget=_area(2), required=False, help_text=_("Bắt buộc khi không tiếp thu.")
    )
    files = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("PDF, Word (.docx) hoặc Excel (.xlsx); tối đa 5 tệp."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_files: list[tuple[object, str]] = []

    def clean_files(self):
        uploads = self.files.getlist(self.add_prefix("files")) if self.files else []
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("Tối đa %(n)s tệp minh chứng.") % {"n": MAX_EVIDENCE_FILES})
        checked = []
        for upload in uploads:
            try:
                kind = check_upload(upload, allowed=EVIDENCE_KINDS, max_bytes=settings.GIAMSAT_MAX_UPLOAD_BYTES)
            except UploadRejected as exc:
                raise forms.ValidationError(
                    _("Tệp “%(name)s”: %(why)s") % {"name": upload.name, "why": exc.message}
                ) from exc
            checked.append((upload, kind))
        self.checked_files = checked
        return uploads

    def clean(self):
        data = super().clean()
        if data.get("status") == "not_accepted" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Không tiếp thu thì phải nêu lý do."))
        return data


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến của cơ quan giám sát"),
        widget=_area(3),
        required=False,
        help_text=_("Bắt buộc khi yêu cầu tiếp tục thực hiện."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút kiến nghị"),
        max_length=500,
        widget=forms.TextInput,
        help_text=_("Ví dụ: ghi trùng; gửi nhầm nơi nhận. Lý do được lưu trong nhật ký."),
        error_messages={"required": _("Hãy ghi lý do rút kiến nghị.")},
    )
