from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"),
        max_length=100,
        help_text=_("Ví dụ: máy chủ tổng hợp của Sở. Mã chỉ hiện một lần, hãy sao chép ngay."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Hãy đặt tên gợi nhớ cho mã."))
        return name
