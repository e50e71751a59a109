from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from giamsat.core.uploads import UploadRejected, check_upload
from giamsat.units.models import Organisation

from .choices import MEASURE_SUGGESTIONS, Disaggregation
from .models import Indicator, Plan, Task

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "reference",
            "issuer",
            "issued_on",
            "title",
            "programme",
            "first_year",
            "last_year",
            "legal_basis",
            "status",
            "replaced_by",
            "signed_file",
        ]
        widgets = {"issued_on": DATE_INPUT, "legal_basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Organisation.objects.restrict(user, "view")
        self.fields["replaced_by"].queryset = Plan.objects.restrict(user, "view")
        # Official file names are long ("Kế hoạch số 1318-KH-UBND ngày … (bản ký).pdf", 128 characters) and were
        # refused over the column's 100; storage shortens the stored name to fit instead.
        self.fields["signed_file"].max_length = None

    def clean_signed_file(self):
        upload = self.cleaned_data.get("signed_file")
        if upload and hasattr(upload, "content_type"):
            try:
                check_upload(upload, allowed={"pdf", "docx"}, max_bytes=settings.GIAMSAT_MAX_UPLOAD_BYTES)
            except UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


class IndicatorForm(forms.ModelForm):
    disaggregations = forms.MultipleChoiceField(
        label=_("Phân tổ"), choices=Disaggregation.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Indicator
        fields = [
            "order",
            "code",
            "name",
            "measure",
            "kind",
            "direction",
            "time_aggregation",
            "unit_aggregation",
            "baseline_value",
            "baseline_year",
            "tolerance",
            "numerator_label",
            "denominator_label",
            "disaggregations",
            "national_code",
            "source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].widget.attrs["list"] = "measure-suggestions"
        self.measure_suggestions = MEASURE_SUGGESTIONS

    def clean_code(self):
        # On the field, in words: the unique constraint's own message came at the top of the form, naming "Plan".
        code = self.cleaned_data["code"]
        if Indicator.objects.filter(plan=self.instance.plan, code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Kế hoạch này đã có chỉ tiêu mã %(code)s."), params={"code": code})
        return code


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["order", "text", "lead", "coordinators", "deadline", "status", "evidence"]
        widgets = {
            "deadline": DATE_INPUT,
            "text": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.restrict(user, "view")
        self.fields["lead"].queryset = organisations
        self.fields["coordinators"].queryset = organisations
