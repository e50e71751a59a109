"""Forms of the case screens. They check types and required fields; the rules of the domain (a commune valid at
the time, a child under 16, consent before a referral…) are checked by the services, whose `ValidationError`s the
views put back next to the same fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from giamsat.units.choices import Level
from giamsat.units.models import Unit

from .choices import (
    AssessmentKind,
    Channel,
    ChildConsent,
    ClosureReason,
    ConsentBasis,
    DelayReason,
    Disability,
    EmergencyKind,
    Harm,
    OffenderStatus,
    PerpetratorRelation,
    ProtectionLevel,
    ReporterRelation,
    ReviewOutcome,
    RiskLevel,
    ServiceKind,
    ServiceOutcome,
    Setting,
    Sex,
    SpecialGroup,
    ethnicity_choices,
)

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
TIME_ATTRS = {"placeholder": "hh:mm", "inputmode": "numeric", "autocomplete": "off"}
DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs=DATE_ATTRS)


def day_field(label):
    """An optional date as one text box (dd/mm/yyyy), refused in the same words as a date and time."""
    return forms.DateField(
        label=label, required=False, widget=DATE_INPUT, error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")}
    )


def when_field(label, required=True, help_text=""):
    """Date and time as two text boxes (dd/mm/yyyy, hh:mm), never the browser's date picker."""
    return forms.SplitDateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.SplitDateTimeWidget(
            date_format="%d/%m/%Y", time_format="%H:%M", date_attrs=DATE_ATTRS, time_attrs=TIME_ATTRS
        ),
        error_messages={
            "invalid_date": _("Ngày không hợp lệ (dd/mm/yyyy)."),
            "invalid_time": _("Giờ không hợp lệ (hh:mm)."),
            "incomplete": _("Hãy nhập cả ngày và giờ."),
            "required": _("Hãy nhập ngày và giờ."),
        },
    )


def now_initial():
    return timezone.localtime().replace(second=0, microsecond=0)


def commune_label(unit: Unit) -> str:
    parts = [unit.name]
    if unit.parent_id and unit.parent_id != unit.province_id:
        parts.append(unit.parent.name)
    if unit.province_id:
        parts.append(unit.province.name)
    text = ", ".join(parts)
    if unit.valid_to:
        text += " " + str(_("(đến %(day)s)") % {"day": unit.valid_to.strftime("%d/%m/%Y")})
    return text


class CommunePicker(forms.Widget):
    """Communes as radio buttons: the user's own few listed, any other found by a live search (htmx) among the
    communes valid on the date of receipt."""

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url
        self.options: list[Unit] = []

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        field_id = attrs.get("id", f"id_{name}")
        chosen = None
        if value not in (None, ""):
            chosen = Unit.objects.filter(pk=value, level=Level.COMMUNE).select_related("parent", "province").first()
        options = list(self.options)
        if chosen is not None and chosen not in options:
            options.insert(0, chosen)
        radios = format_html_join(
            "",
            '<label class="radio"><input type="radio" name="{}" value="{}"{}> {}</label>',
            (
                (name, unit.pk, " checked" if chosen is not None and unit.pk == chosen.pk else "", commune_label(unit))
                for unit in options
            ),
        )
        return format_html(
            '<div class="commune-picker">'
            '<input type="search" id="{}" name="{}_q" placeholder="{}" autocomplete="off" '
            'aria-describedby="{}_helptext" hx-get="{}" hx-trigger="input changed delay:300ms, search" '
            'hx-target="#{}_results" '
            'hx-include="[name=received_at_0]" hx-sync="this:replace">'
            '<div id="{}_results" class="choices" aria-live="polite">{}</div></div>',
            field_id,
            name,
            _("Gõ tên xã, phường để tìm (không cần dấu)"),
            field_id,
            self.search_url,
            field_id,
            field_id,
            radios,
        )


class ReceiptForm(forms.Form):
    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=[("", "—"), *Channel.choices])
    received_at = when_field(_("Thời điểm tiếp nhận"))
    receiving_organisation = forms.CharField(label=_("Cơ quan tiếp nhận"), max_length=200, required=False)
    receiving_person = forms.CharField(label=_("Người tiếp nhận"), max_length=150, required=False)


class ReporterForm(forms.Form):
    reporter_anonymous = forms.BooleanField(label=_("Người báo tin giấu tên"), required=False)
    reporter_name = forms.CharField(label=_("Họ tên người báo tin"), max_length=150, required=False)
    reporter_phone = forms.CharField(
        label=_("Điện thoại"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    reporter_relation = forms.ChoiceField(
        label=_("Quan hệ với trẻ"), choices=[("", "—"), *ReporterRelation.choices], required=False
    )
    reporter_address = forms.CharField(label=_("Địa chỉ người báo tin"), max_length=300, required=False)


class ChildForm(forms.Form):
    child_name = forms.CharField(
        label=_("Họ tên trẻ"), max_length=150, required=False, help_text=_("Để trống nếu chưa biết.")
    )
    child_birth_date = day_field(_("Ngày sinh"))
    age_years = forms.IntegerField(
        label=_("Hoặc tuổi ước tính"),
        required=False,
        min_value=0,
        max_value=15,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Khi chưa biết ngày sinh."),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=ethnicity_choices(), required=False)
    commune = forms.CharField(label=_("Xã, phường nơi trẻ sinh sống (tại thời điểm tiếp nhận)"))
    address_detail = forms.CharField(label=_("Thôn, tổ, số nhà"), max_length=300, required=False)
    school = forms.CharField(label=_("Trường, lớp"), max_length=200, required=False)
    guardian_name = forms.CharField(label=_("Họ tên cha, mẹ, người chăm sóc"), max_length=150, required=False)
    guardian_phone = forms.CharField(
        label=_("Điện thoại cha, mẹ, người chăm sóc"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def __init__(self, *args, search_url: str = "", local_communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        picker = CommunePicker(search_url=search_url)
        picker.options = list(local_communes)
        self.fields["commune"].widget = picker
        self.fields["commune"].error_messages["required"] = _("Hãy chọn xã, phường nơi trẻ sinh sống.")


class CircumstancesForm(forms.Form):
    disability = forms.ChoiceField(
        label=_("Khuyết tật"), choices=Disability.choices, initial=Disability.NONE, required=False
    )
    special_groups = forms.MultipleChoiceField(
        label=_("Trẻ em có hoàn cảnh đặc biệt (Điều 10 Luật Trẻ em)"),
        choices=SpecialGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class IncidentForm(forms.Form):
    harms = forms.MultipleChoiceField(
        label=_("Hình thức xâm hại, tai nạn thương tích"),
        choices=Harm.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một hình thức xâm hại hoặc tai nạn, thương tích.")},
    )
    immediate_danger = forms.BooleanField(
        label=_("Trẻ đang gặp nguy hiểm ngay (cần can thiệp khẩn cấp)"), required=False
    )
    incident_on = day_field(_("Ngày xảy ra sự việc (nếu biết)"))
    setting = forms.ChoiceField(label=_("Nơi xảy ra"), choices=Setting.choices, initial=Setting.UNKNOWN)
    perpetrator_relation = forms.ChoiceField(
        label=_("Quan hệ của người bị nghi gây hại với trẻ"),
        choices=PerpetratorRelation.choices,
        initial=PerpetratorRelation.UNKNOWN,
    )
    narrative = forms.CharField(
        label=_("Nội dung sự việc"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Hãy ghi tóm tắt sự việc.")},
    )


class ForwardForm(forms.Form):
    forward_now = forms.BooleanField(
        label=_("Chuyển ngay cho UBND xã nơi trẻ sinh sống"),
        required=False,
        initial=True,
        help_text=_("Bỏ chọn nếu cuộc gọi còn tiếp diễn; sau khi chuyển, bạn không xem được hồ sơ nữa."),
    )


class InitialAssessmentForm(forms.Form):
    assessed_at = when_field(_("Thời điểm đánh giá"))
    risk_level = forms.ChoiceField(label=_("Mức độ nguy cơ"), choices=RiskLevel.choices, widget=forms.RadioSelect)
    protection_level = forms.ChoiceField(
        label=_("Cấp độ bảo vệ"), choices=ProtectionLevel.choices, widget=forms.RadioSelect
    )
    findings = forms.CharField(label=_("Nhận định ban đầu"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DetailedAssessmentForm(forms.Form):
    assessed_at = when_field(_("Thời điểm họp, đánh giá"))
    findings = forms.CharField(label=_("Tình trạng của trẻ"), widget=forms.Textarea(attrs={"rows": 4}))
    needs = forms.CharField(label=_("Nhu cầu của trẻ"), widget=forms.Textarea(attrs={"rows": 4}))
    meeting = forms.CharField(
        label=_("Thành phần, kết luận cuộc họp"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    risk_level = forms.ChoiceField(
        label=_("Mức độ nguy cơ (nếu thay đổi)"), choices=[("", "—"), *RiskLevel.choices], required=False
    )


ASSESSMENT_FORMS = {AssessmentKind.INITIAL: InitialAssessmentForm, AssessmentKind.DETAILED: DetailedAssessmentForm}


class EmergencyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Biện pháp"), choices=EmergencyKind.choices, widget=forms.RadioSelect)
    taken_at = when_field(_("Thời điểm áp dụng"))
    decided_by = forms.CharField(label=_("Người quyết định (Chủ tịch UBND xã)"), max_length=150, required=False)
    description = forms.CharField(
        label=_("Nội dung, nơi tạm trú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanForm(forms.Form):
    objectives = forms.CharField(label=_("Mục tiêu"), widget=forms.Textarea(attrs={"rows": 4}))
    activities = forms.CharField(
        label=_("Hoạt động, dịch vụ, người thực hiện, thời gian"), widget=forms.Textarea(attrs={"rows": 6})
    )
    review_on = day_field(_("Ngày dự kiến rà soát"))


class DecisionForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định phê duyệt"), max_length=40, required=False, help_text=_("Ví dụ: 12/QĐ-UBND")
    )
    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi trả lại: ghi rõ cần sửa gì."),
    )


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dịch vụ"), choices=ServiceKind.choices)
    provider = forms.CharField(label=_("Đơn vị, người cung cấp"), max_length=200)
    delivered_at = when_field(_("Thời điểm cung cấp"))
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=ServiceOutcome.choices)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(forms.Form):
    basis = forms.ChoiceField(label=_("Căn cứ"), choices=ConsentBasis.choices, widget=forms.RadioSelect)
    given_at = when_field(_("Thời điểm"))
    child_consent = forms.ChoiceField(
        label=_("Ý kiến của trẻ"), choices=[("", "—"), *ChildConsent.choices], required=False
    )
    guardian_consented = forms.BooleanField(label=_("Cha, mẹ hoặc người giám hộ đồng ý"), required=False)
    guardian_name = forms.CharField(label=_("Họ tên cha, mẹ, người giám hộ"), max_length=150, required=False)
    scope = forms.CharField(
        label=_("Chia sẻ thông tin gì, với ai, để làm gì"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferralForm(forms.Form):
    consent = forms.TypedChoiceField(label=_("Sự đồng ý đã ghi nhận"), coerce=int, required=False)
    to_organisation = forms.TypedChoiceField(
        label=_("Chuyển đến cơ quan trong hệ thống"), coerce=int, required=False, empty_value=None
    )
    to_name = forms.CharField(
        label=_("Hoặc tên nơi nhận"), max_length=200, required=False, help_text=_("Khi nơi nhận chưa dùng giamsat.")
    )
    referred_at = when_field(_("Thời điểm chuyển gửi"))
    reason = forms.CharField(label=_("Lý do, nhu cầu chuyển gửi"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, consents=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].choices = [("", "—"), *consents]
        self.fields["to_organisation"].choices = [("", "—"), *organisations]


class RespondForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến của nơi nhận"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OffenderForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng xử lý đối tượng vi phạm"), choices=OffenderStatus.choices)


class DelayForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do chậm can thiệp"), choices=DelayReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    assessed_at = when_field(_("Thời điểm rà soát"))
    risk_level = forms.ChoiceField(label=_("Mức độ nguy cơ hiện nay"), choices=RiskLevel.choices)
    child_stable = forms.BooleanField(label=_("Trẻ đã ổn định"), required=False)
    outcome = forms.ChoiceField(label=_("Kết luận"), choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do đóng"), choices=ClosureReason.choices, widget=forms.RadioSelect)
    duplicate_of = forms.CharField(
        label=_("Mã vụ việc bị trùng"), max_length=20, required=False, help_text=_("Ví dụ: VV-2023-0012")
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập của người được giao"), max_length=150)


class ExportForm(forms.Form):
    identified = forms.BooleanField(
        label=_("Kèm họ tên, ngày sinh, địa chỉ của trẻ"),
        required=False,
        help_text=_("Chỉ khi thật cần; lý do sẽ được ghi vào nhật ký truy cập."),
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: gửi Công an huyện theo yêu cầu số …; không ghi tên trẻ (nhật ký không bị xóa)."),
    )

    def clean(self):
        data = super().clean()
        if data.get("identified") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Hãy ghi lý do cần xuất dữ liệu có tên."))
        return data


def apply_errors(forms_: list[forms.Form], error: ValidationError) -> None:
    """Put a service's field errors next to the field in whichever form has it; the rest on the first form."""
    for field, messages in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
        target = next((f for f in forms_ if field in f.fields), forms_[0])
        for message in messages:
            target.add_error(field if field in target.fields else None, message)
