"""The report form: values per indicator (and breakdown), narrative, activities and budget. Parsed as a whole:
any error anywhere means nothing is saved, and each error sits next to its field."""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.core.formatting import plain_number
from giamsat.core.vntext import parse_number
from giamsat.plans.choices import IndicatorKind, breakdown_keys

from .choices import FundingSource
from .figures import is_percent, typed_number
from .models import Activity, BudgetLine, Report, Schedule
from .services import ValueInput, value_problems

NARRATIVE = ["results", "limitations", "causes", "proposals"]
MAX_DONG = 10 ** BudgetLine._meta.get_field("allocated").max_digits  # whole dong: no decimal places


def parse_dong(text: str) -> Decimal:
    """An amount in whole đồng as people type it ("50.000.000", "50 000 000 đ"). Raises ValueError with the message
    for the user: not a number, negative, a fraction (it was rounded, and "999…9,9" became too big for the column:
    every later read of the report failed), too big."""
    try:
        amount = parse_number(text)
    except ValueError:
        raise ValueError(_("Nhập một số tiền, ví dụ 50.000.000.")) from None
    if amount < 0:
        raise ValueError(_("Không được âm."))
    if amount != amount.to_integral_value():
        raise ValueError(_("Số tiền tính bằng đồng, không có phần lẻ."))
    if amount >= MAX_DONG:
        raise ValueError(_("Số quá lớn."))
    return amount


class DongField(forms.CharField):
    """A whole-đồng amount read as the budget reads it (`parse_dong`)."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_dong(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = NARRATIVE
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in NARRATIVE}


class ActivityForm(forms.ModelForm):
    value_vnd = DongField(label=gettext_lazy("trị giá (đồng)"), required=False)

    class Meta:
        model = Activity
        fields = ["kind", "name", "held_on", "participants", "model_type", "still_active", "beneficiaries", "value_vnd"]
        widgets = {"held_on": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The table shows each field's label only once, as a column heading: each input carries its own name.
        for form_field in self.fields.values():
            form_field.widget.attrs.setdefault("aria-label", form_field.label)


ActivityFormSet = forms.formset_factory(ActivityForm, extra=2, can_delete=True)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Ý kiến"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Bắt buộc khi trả lại: ghi rõ cần sửa gì."),
    )


@dataclass
class ValueRow:
    """One line of the values table: an indicator's total or one breakdown category."""

    indicator: object
    breakdown: str
    label: str
    prefix: str
    data: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    saved: dict = field(default_factory=dict)  # the saved figures as the page shows them

    @property
    def is_ratio(self) -> bool:
        return self.indicator.kind == IndicatorKind.RATIO

    @property
    def display(self) -> str:
        """The saved value as officials read it: 72.000.000; a ratio as 398 / 400 (99,5%)."""

        def number(key):
            raw = self.data.get(key, "")
            return number_format(parse_number(raw), force_grouping=True) if raw else "–"

        if not self.is_ratio:
            return number("value")
        num, den = self.data.get("num", ""), self.data.get("den", "")
        shown = f"{number('num')} / {number('den')}"
        if num and den and parse_number(den):
            shown += f" ({number_format(100 * parse_number(num) / parse_number(den), 1)}%)"
        return shown


def value_rows(report: Report, indicators, data=None) -> list[ValueRow]:
    """The rows of the values table, filled from the POST data or else from the saved values."""
    saved = {(v.indicator_id, v.breakdown): v for v in report.values.all()} if report.pk else {}
    rows = []
    for indicator in indicators:
        for breakdown, label in [("", ""), *breakdown_keys(indicator.disaggregations)]:
            prefix = f"v-{indicator.pk}-{breakdown or 'total'}"
            row = ValueRow(indicator, breakdown, str(label), prefix)
            if (value := saved.get((indicator.pk, breakdown))) is not None:
                row.saved = {
                    "value": plain_number(value.value),
                    "num": plain_number(value.numerator),
                    "den": plain_number(value.denominator),
                    "source": value.source,
                    "comment": value.comment,
                }
            if data is not None:
                row.data = {
                    k: data.get(f"{prefix}-{k}", "").strip() for k in ("value", "num", "den", "source", "comment")
                }
            else:
                row.data = dict(row.saved)
            rows.append(row)
    return rows


def _number(row: ValueRow, key: str) -> Decimal | None:
    raw = row.data.get(key, "")
    if not raw:
        return None
    if raw == row.saved.get(key):
        # As the page showed it: "2,125" of a count saved from a file is that figure, not a "1,234" to ask about.
        return parse_number(raw)
    try:
        return typed_number(raw, row.indicator, part=key in ("num", "den"), percent=is_percent(row.indicator))
    except ValueError as exc:
        row.errors[key] = str(exc)
        return None


def parse_values(rows: list[ValueRow]) -> list[ValueInput]:
    """Check every row; errors are left on the rows. Milestones take 1 (done) or 0."""
    inputs = []
    for row in rows:
        value, num, den = _number(row, "value"), _number(row, "num"), _number(row, "den")
        candidate = ValueInput(
            indicator=row.indicator,
            breakdown=row.breakdown,
            value=None if row.is_ratio else value,
            numerator=num if row.is_ratio else None,
            denominator=den if row.is_ratio else None,
            source=row.data.get("source", "")[:200],
            comment=row.data.get("comment", ""),
        )
        if not row.errors:
            row.errors.update(value_problems(candidate))
        if not row.errors and (value is not None or num is not None):
            inputs.append(candidate)
    return inputs


def budget_rows(report: Report, data=None) -> list[dict]:
    saved = {b.source: b for b in report.budget_lines.all()} if report.pk else {}
    rows = []
    for source, label in FundingSource.choices:
        row = {"source": source, "label": label, "errors": {}}
        for key in ("allocated", "spent"):
            if data is not None:
                row[key] = data.get(f"b-{source}-{key}", "").strip()
            else:
                row[key] = plain_number(getattr(saved[source], key)) if source in saved else ""
        rows.append(row)
    return rows


def parse_budget(rows: list[dict]) -> list[dict]:
    lines = []
    for row in rows:
        amounts = {}
        for key in ("allocated", "spent"):
            try:
                amounts[key] = parse_dong(row[key]) if row[key] else Decimal(0)
            except ValueError as exc:
                row["errors"][key] = str(exc)
        if not row["errors"] and any(amounts.values()):
            lines.append({"source": row["source"], **amounts})
    return lines


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["title", "frequency", "first_year", "last_year", "due_days", "ad_hoc_start", "ad_hoc_end", "units"]
        widgets = {
            "units": forms.CheckboxSelectMultiple,
            "ad_hoc_start": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
            "ad_hoc_end": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
