"""Writes on plans: each one transaction with its audit entry, after checking the user may change the plan."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.core import audit
from giamsat.core.periods import Period
from giamsat.core.uploads import removed_on_failure
from giamsat.units.models import Unit

from .models import Indicator, Plan, Target, Task
from .queries import plan_periods
from .spreadsheet import check_target, clearing_refused

audit.LABELS.update(
    {
        "plan.create": gettext_lazy("Tạo kế hoạch"),
        "plan.update": gettext_lazy("Sửa kế hoạch"),
        "indicator.create": gettext_lazy("Thêm chỉ tiêu"),
        "indicator.update": gettext_lazy("Sửa chỉ tiêu"),
        "task.create": gettext_lazy("Thêm nhiệm vụ"),
        "task.update": gettext_lazy("Sửa nhiệm vụ"),
        "targets.update": gettext_lazy("Giao chỉ tiêu"),
    }
)


def _check_change(user, plan: Plan | None = None, issuer=None) -> None:
    if plan is not None and not Plan.objects.restrict(user, "change").filter(pk=plan.pk).exists():
        raise Http404
    if issuer is not None and not user.can("plans.change"):
        raise Http404
    if issuer is not None and not (user.sees_all or user.jurisdiction.covers(issuer.unit)):
        raise Http404


def _save(obj, *, acting_user, action: str, fields: dict, written: list | None = None, many=None) -> object:
    """`written` (core.uploads.removed_on_failure) gets the files this save writes: new uploads among `fields`.
    `many`: {many-to-many field: its new rows}, set before the audit entry is written, so that it holds them."""
    # The stored row, not `obj`: a bound ModelForm has already copied the new values onto the instance.
    before = _as_dict(type(obj).objects.get(pk=obj.pk)) if obj.pk else {}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, rows in (many or {}).items():
        getattr(obj, name).set(rows)
    if written is not None:
        written += [getattr(obj, name) for name, value in fields.items() if isinstance(value, UploadedFile)]
    audit.record(acting_user, action, obj, audit.diff(before, _as_dict(obj)))
    return obj


def _as_dict(obj) -> dict:
    """The row's fields for the audit, its many-to-many ones as the names they hold (model_to_dict gives objects)."""
    data = model_to_dict(obj)
    for field in obj._meta.many_to_many:
        if field.name in data:
            data[field.name] = "; ".join(sorted(str(row) for row in data[field.name]))
    return data


def do_save_plan(plan: Plan, *, acting_user, fields: dict) -> Plan:
    # The signed file is written as the row is saved; a save that fails after it leaves no file behind.
    with removed_on_failure() as written, transaction.atomic():
        if plan.pk:
            _check_change(acting_user, plan)
        _check_change(acting_user, issuer=fields.get("issuer", getattr(plan, "issuer", None)))
        action = "plan.create" if not plan.pk else "plan.update"
        return _save(plan, acting_user=acting_user, action=action, fields=fields, written=written)


# What the stored numbers mean: a count's 10 read as a ratio's 10 %, a report's value as no data at all.
MEANING = ("kind", "direction")


def do_save_indicator(indicator: Indicator, *, acting_user, fields: dict) -> Indicator:
    with transaction.atomic():
        _check_change(acting_user, indicator.plan)
        if indicator.pk:
            stored = Indicator.objects.select_for_update().get(pk=indicator.pk)
            changed = [name for name in MEANING if name in fields and fields[name] != getattr(stored, name)]
            if changed and (stored.targets.exists() or stored.values.exists()):
                raise ValidationError(
                    {
                        name: _(
                            "Chỉ tiêu đã có chỉ tiêu kế hoạch hoặc số liệu báo cáo: đổi loại hoặc chiều sẽ làm các số "
                            "đã nhập bị hiểu sai. Hãy thêm một chỉ tiêu mới."
                        )
                        for name in changed
                    }
                )
        return _save(
            indicator,
            acting_user=acting_user,
            action="indicator.create" if not indicator.pk else "indicator.update",
            fields=fields,
        )


def do_save_task(task: Task, *, acting_user, fields: dict, coordinators=None) -> Task:
    with transaction.atomic():
        _check_change(acting_user, task.plan)
        action = "task.create" if not task.pk else "task.update"
        many = {"coordinators": coordinators} if coordinators is not None else None
        return _save(task, acting_user=acting_user, action=action, fields=fields, many=many)


class StaleTargets(Exception):
    """Cells someone else changed after the user's page showed them: {(indicator id, unit id): stored value now}."""

    def __init__(self, cells: dict[tuple[int, int], Decimal | None]):
        super().__init__(cells)
        self.cells = cells


def do_save_targets(
    plan: Plan,
    period: Period,
    values: dict[tuple[int, int], Decimal | None],
    *,
    acting_user,
    expected: dict[tuple[int, int], Decimal | None] | None = None,
) -> int:
    """Set the targets of a period from a grid {(indicator id, unit id): value}; an empty cell removes the
    target, a cell not in the grid is left as it is. Returns how many cells changed.

    `expected`: what the user's page showed in the cells of `values` they changed. A cell whose stored value is no
    longer that (a colleague saved it meanwhile) raises StaleTargets and nothing is saved; cells without one are
    written as sent (the file upload, the API)."""
    with transaction.atomic():
        _check_change(acting_user, plan)
        # The plan's target saves take turns, so that the comparison with `expected` still holds at the write.
        Plan.objects.select_for_update().only("pk").get(pk=plan.pk)
        if (period.start, period.end) not in {(p.start, p.end) for p in plan_periods(plan)}:
            raise ValidationError(
                {
                    "period": _("Kỳ %(period)s không thuộc kế hoạch (%(first)s–%(last)s).")
                    % {"period": period.label, "first": plan.first_year, "last": plan.last_year}
                }
            )
        indicators = {i.pk: i for i in plan.indicators.all()}
        # Targets go to the issuer's unit and the units directly below it, nowhere else.
        units = {
            u.pk: u for u in Unit.objects.filter(Q(pk=plan.issuer.unit_id) | Q(parent=plan.issuer.unit_id)).only("name")
        }
        bad = [key for key, value in values.items() if key[1] not in units or (value is not None and value < 0)]
        if bad:
            raise ValidationError(
                _("Chỉ tiêu âm hoặc giao cho đơn vị không thuộc kế hoạch: %(cells)s")
                % {"cells": ", ".join(f"{i}/{u}" for i, u in bad)}
            )
        existing = {
            (indicator_id, unit_id): (pk, value, baseline)
            for pk, indicator_id, unit_id, value, baseline in Target.objects.filter(
                indicator__plan=plan, unit_id__in=units, period_start=period.start, period_end=period.end
            ).values_list("pk", "indicator_id", "unit_id", "value", "baseline_value")
        }
        stale = {}
        for key, shown in (expected or {}).items():
            current = existing.get(key, (None, None, None))[1]
            if current not in (shown, values[key]):  # the same value saved twice is no conflict
                stale[key] = current
        if stale:
            raise StaleTargets(stale)
        # A province's grid is up to 10,000 cells: a changed cell is written again (delete, then one bulk insert)
        # rather than updated row by row; nothing refers to a target's id.
        changed, removed, written, wrong = {}, [], [], []
        for (indicator_id, unit_id), value in values.items():
            if indicator_id not in indicators:
                raise Http404
            pk, current, baseline = existing.get((indicator_id, unit_id), (None, None, None))
            if current == value:
                continue
            # The page and the file have checked this cell already; the API has not.
            if value is None and baseline is not None:
                message = clearing_refused(indicators[indicator_id], baseline)
                wrong.append(_("%(unit)s: %(message)s") % {"unit": units[unit_id].name, "message": message})
                continue
            if value is not None:
                try:
                    check_target(value, indicators[indicator_id], baseline)
                except ValueError as exc:
                    wrong.append(_("%(unit)s: %(message)s") % {"unit": units[unit_id].name, "message": exc})
                    continue
            changed[f"{indicator_id}/{unit_id}"] = [
                None if current is None else str(current),
                None if value is None else str(value),
            ]
            if pk is not None:
                removed.append(pk)
            if value is not None:
                written.append(
                    Target(
                        indicator_id=indicator_id,
                        unit_id=unit_id,
                        period_kind=period.kind.value,
                        period_start=period.start,
                        period_end=period.end,
                        value=value,
                        baseline_value=baseline,
                    )
                )
        if wrong:
            raise ValidationError({"value": wrong})
        for first in range(0, len(removed), 500):
            Target.objects.filter(pk__in=removed[first : first + 500]).delete()
        Target.objects.bulk_create(written, batch_size=500)
        if changed:
            audit.record(acting_user, "targets.update", plan, {"period": period.official_label, "cells": changed})
    return len(changed)
