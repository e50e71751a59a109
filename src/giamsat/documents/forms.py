import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Document, IssuerLayout
from .services import REQUIRED_MESSAGES


class DocumentForm(forms.ModelForm):
    """The editable parts of a draft; the body's sections are added as one text box each."""

    class Meta:
        model = Document
        fields = [
            "summary",
            "place_name",
            "signature_prefix",
            "signature_body",
            "signer_position",
            "signer_name",
            "recipients",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2}), "recipients": forms.Textarea(attrs={"rows": 4})}

    # The draft as the page showed it (its last save's time): a page opened before a colleague's save must not
    # put the old text back, nor issue a text its user never saw.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = self.instance.updated_at.isoformat() if self.instance.updated_at else ""
        self.section_fields = []
        for index, section in enumerate(self.instance.sections):
            name = f"section_{index}"
            self.fields[name] = forms.CharField(
                label=section.get("heading") or _("Đoạn %(n)s") % {"n": index + 1},
                required=False,
                initial=section.get("text", ""),
                widget=forms.Textarea(attrs={"rows": max(3, min(14, section.get("text", "").count("\n") + 3))}),
            )
            self.section_fields.append(name)
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message

    def clean_seen(self):
        try:
            return datetime.datetime.fromisoformat(self.cleaned_data["seen"])
        except ValueError:
            return None  # an old page without it: saved as before

    def section_texts(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.section_fields]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields if name != "recipients"]

    def body_fields(self):
        return [self[name] for name in self.section_fields]


class LayoutForm(forms.ModelForm):
    class Meta:
        model = IssuerLayout
        fields = [
            "parent_body",
            "issuer_name",
            "place_name",
            "national_name",
            "motto",
            "signature_prefix",
            "signature_body",
            "signer_position",
            "signer_name",
            "archive",
        ]
