from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BrowseForm(forms.Form):
    on = forms.DateField(
        label=_("Tại ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Trước 01/7/2025 có ba cấp (tỉnh, huyện, xã); từ 01/7/2025 còn hai cấp."),
    )
    q = forms.CharField(label=_("Tìm đơn vị"), required=False, max_length=100)

    def day(self):
        """The chosen date, or today when none or an invalid one was given (the form shows the error)."""
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return timezone.localdate()
