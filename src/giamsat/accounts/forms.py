from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import TOKEN_LIFETIMES


def _lifetimes():
    """Called for each form (a callable's choices are), so that they come in the user's language."""
    return [(days, ngettext("%(days)d ngày", "%(days)d ngày", days) % {"days": days}) for days in TOKEN_LIFETIMES]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"),
        max_length=100,
        help_text=_("Ví dụ: máy chủ tổng hợp của Sở. Mã chỉ hiện một lần, hãy sao chép ngay."),
    )
    days = forms.TypedChoiceField(
        label=_("Thời hạn sử dụng"),
        coerce=int,
        choices=_lifetimes,
        initial=90,
        help_text=_("Hết hạn, mã thôi dùng được; hãy tạo mã mới trước ngày đó."),
        error_messages={"invalid_choice": _("Hãy chọn một thời hạn trong danh sách.")},
    )
    read_only = forms.BooleanField(
        label=_("Chỉ đọc"),
        required=False,
        help_text=_("Mã chỉ đọc được dữ liệu; không ghi, gửi hay duyệt được gì. Nên chọn khi chỉ cần lấy số liệu."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Hãy đặt tên gợi nhớ cho mã."))
        return name


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits), or with `backup` also a backup code."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("Hãy nhập mã.")},
    )

    def __init__(self, *args, backup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng (mỗi mã dùng một lần).")
            if backup
            else _("6 chữ số đang hiện trong ứng dụng xác thực.")
        )
        if backup:
            self.fields["code"].widget.attrs["inputmode"] = "text"
