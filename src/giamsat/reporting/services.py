"""Writes on reporting: the request schedule and the report workflow
draft → submitted → (returned → submitted)* → accepted, then corrections as new versions."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.core import audit
from giamsat.core.periods import Period, PeriodKind, periods_between
from giamsat.plans.choices import IndicatorKind, breakdown_keys
from giamsat.plans.models import Indicator, Plan

from .choices import Frequency, ReportStatus
from .figures import MAX_DIGITS_BEFORE_POINT
from .models import Activity, BudgetLine, IndicatorValue, Report, ReportRequest, Schedule

audit.LABELS.update(
    {
        "report.start": gettext_lazy("Bắt đầu soạn"),
        "report.save": gettext_lazy("Lưu bản nháp"),
        "report.submit": gettext_lazy("Gửi báo cáo"),
        "report.resubmit": gettext_lazy("Gửi lại báo cáo"),
        "report.return": gettext_lazy("Trả lại để sửa"),
        "report.accept": gettext_lazy("Duyệt"),
        "report.correction": gettext_lazy("Mở bản đính chính"),
        "report.supersede": gettext_lazy("Được thay bằng bản đính chính"),
    }
)


class WorkflowError(Exception):
    """A step that is not allowed now; the message is for the user."""


class InvalidValues(WorkflowError):
    """A value breaks the indicator's rules (negative, numerator above denominator…)."""


class StaleDraft(WorkflowError):
    """Someone saved the draft after this copy was opened. `by_same_page`: the very page that sends this save (its
    autosave landed just before the click), which holds what it saved and more."""

    def __init__(self, message: str, *, by_same_page: bool = False):
        super().__init__(message)
        self.by_same_page = by_same_page


# What a stored value holds besides its key (report, indicator, breakdown); the first three are the numbers.
VALUE_CONTENTS = ("value", "numerator", "denominator", "source", "comment")


@dataclass
class ValueInput:
    indicator: Indicator
    breakdown: str = ""
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    source: str = ""
    comment: str = ""


def _periods(schedule: Schedule):
    if schedule.frequency == Frequency.AD_HOC:
        return [Period(schedule.ad_hoc_start, schedule.ad_hoc_end, PeriodKind.SPAN)]
    return periods_between(PeriodKind(schedule.frequency), schedule.first_year, schedule.last_year)


def do_save_schedule(schedule: Schedule, *, acting_user, fields: dict, units) -> tuple[Schedule, int]:
    """Save a schedule and create its missing requests. Returns the schedule and how many requests were made."""
    if not Plan.objects.restrict(acting_user, "change").filter(pk=schedule.plan_id).exists():
        raise Http404
    for name, value in fields.items():
        setattr(schedule, name, value)
    schedule.full_clean(exclude=["units"])
    with transaction.atomic():
        created = schedule.pk is None
        schedule.save()
        schedule.units.set(units)
        audit.record(
            acting_user,
            "schedule.create" if created else "schedule.update",
            schedule,
            {"units": len(units), "frequency": schedule.frequency},
        )
        made = do_generate_requests(schedule, acting_user=acting_user)
    return schedule, made


def overlapping_requests(schedule: Schedule, units) -> list[ReportRequest]:
    """Requests of the plan's other regular schedules that a regular schedule would overlap for a unit with a
    different period (a yearly report beside half-yearly ones): both would count in the plan's figures. The same
    unit and period is no overlap: the existing request stands (a second schedule made to add a unit forgotten
    in the first). Ad-hoc reports do not count in the figures, so they overlap nothing."""
    if schedule.frequency == Frequency.AD_HOC:
        return []
    periods = list(_periods(schedule))
    if not periods:
        return []
    regular = ReportRequest.objects.filter(schedule__plan_id=schedule.plan_id, unit__in=list(units)).exclude(
        schedule__frequency=Frequency.AD_HOC
    )
    if schedule.pk:
        regular = regular.exclude(schedule=schedule)
    candidates = regular.filter(period_start__lte=periods[-1].end, period_end__gte=periods[0].start).select_related(
        "unit", "schedule"
    )
    wanted = {(p.start, p.end) for p in periods}
    return [
        r
        for r in candidates.order_by("unit__code", "period_start")
        if (r.period_start, r.period_end) not in wanted
        and any(p.start <= r.period_end and r.period_start <= p.end for p in periods)
    ]


def overlap_message(overlapping: list[ReportRequest]) -> str:
    first = overlapping[0]
    return _(
        "%(unit)s đã có yêu cầu báo cáo kỳ %(period)s (lịch “%(schedule)s”) trùng một phần với kỳ của lịch này, nên "
        "số liệu sẽ bị cộng hai lần. Hãy chọn cùng tần suất với lịch đó, hoặc bỏ đơn vị này (%(count)s yêu cầu trùng)."
    ) % {
        "unit": first.unit.name,
        "period": first.period.label,
        "schedule": first.schedule.title,
        "count": len(overlapping),
    }


def do_generate_requests(schedule: Schedule, *, acting_user) -> int:
    """Create the missing requests (unit × period) of a schedule; a unit and period the plan already asks for in
    another regular schedule is left to that request, so that its report is not asked for and counted twice."""
    if not Schedule.objects.restrict(acting_user, "manage").filter(pk=schedule.pk).exists():
        raise Http404
    if overlapping := overlapping_requests(schedule, schedule.units.all()):
        raise ValidationError({"frequency": overlap_message(overlapping)})
    with transaction.atomic():
        asked = ReportRequest.objects.filter(schedule__plan_id=schedule.plan_id)
        if schedule.frequency == Frequency.AD_HOC:
            asked = asked.filter(schedule=schedule)
        else:
            asked = asked.exclude(schedule__frequency=Frequency.AD_HOC)
        existing = set(asked.values_list("unit_id", "period_start", "period_end"))
        new = [
            ReportRequest(
                schedule=schedule,
                unit=unit,
                period_kind=period.kind.value,
                period_start=period.start,
                period_end=period.end,
                due_on=period.end + datetime.timedelta(days=schedule.due_days),
            )
            for unit in schedule.units.all()
            for period in _periods(schedule)
            if (unit.pk, period.start, period.end) not in existing
        ]
        ReportRequest.objects.bulk_create(new)
        if new:
            audit.record(acting_user, "reporting.requests_created", schedule, {"count": len(new)})
    return len(new)


def value_problems(value: ValueInput) -> dict[str, str]:
    """What is wrong with one reported value, by field ("value", "num", "den"): the rules the form, the
    spreadsheet and the API all apply, so an impossible value can never reach the achievement engine."""
    indicator = value.indicator
    problems = {}
    for key, number in (("value", value.value), ("num", value.numerator), ("den", value.denominator)):
        if number is not None and number < 0:
            problems[key] = _("Không được âm.")
        elif number is not None and abs(number) >= 10**MAX_DIGITS_BEFORE_POINT:
            # The column holds 14 digits before the point: a larger figure made every later read of the report fail.
            problems[key] = _("Số quá lớn (nhiều nhất %(digits)s chữ số trước dấu phẩy).") % {
                "digits": MAX_DIGITS_BEFORE_POINT
            }
    if value.breakdown and value.breakdown not in {key for key, _label in breakdown_keys(indicator.disaggregations)}:
        problems["value"] = _("Chỉ tiêu %(code)s không có phân tổ “%(part)s”.") % {
            "code": indicator.code,
            "part": value.breakdown,
        }
    # A value in the other kind's fields would count as filled in, and never count in the figures (an API call).
    if indicator.kind == IndicatorKind.RATIO and value.value is not None:
        problems["value"] = _("Chỉ tiêu tỷ lệ nhập tử số và mẫu số, không nhập một giá trị.")
    elif indicator.kind != IndicatorKind.RATIO and (value.numerator is not None or value.denominator is not None):
        problems["num"] = _("Chỉ tiêu này nhập một giá trị, không có tử số và mẫu số.")
    if problems:
        return problems
    if indicator.kind == IndicatorKind.RATIO:
        num, den = value.numerator, value.denominator
        if (num is None) != (den is None):
            problems["den" if den is None else "num"] = _("Cần cả tử số và mẫu số.")
        elif num is not None and den == 0 and num != 0:
            problems["den"] = _("Mẫu số bằng 0 thì tử số phải bằng 0.")
        elif num is not None and num > den:
            problems["num"] = _("Tử số không được lớn hơn mẫu số.")
    elif indicator.kind == IndicatorKind.MILESTONE and value.value not in (None, 0, 1):
        problems["value"] = _("Chọn Đạt (1) hoặc Chưa đạt (0).")
    elif indicator.measure == "%" and value.value is not None and value.value > 100:
        problems["value"] = _("Tỷ lệ phần trăm không quá 100.")
    return problems


def can_submit(user, request: ReportRequest) -> bool:
    """Only people of the reporting unit itself (not those above, who review it) write its report: the unit
    must be one of the user's own units (their unit, or a unit it took over in 2025), not one below them."""
    return user.can("reporting.submit") and (user.sees_all or request.unit_id in user.jurisdiction.ids)


def can_review(user, request: ReportRequest) -> bool:
    return (
        user.can("reporting.review") and ReportRequest.objects.restrict(user, "review").filter(pk=request.pk).exists()
    )


def get_or_start_draft(request: ReportRequest, *, acting_user) -> Report:
    """The version being written: the open draft or returned report, else a new first version."""
    if not can_submit(acting_user, request):
        raise Http404
    with transaction.atomic():
        return _current_version(request, acting_user)


def _current_version(request: ReportRequest, acting_user) -> Report:
    """get_or_start_draft's work, in the caller's transaction."""
    current = request.reports.order_by("-version").first()
    if current is None:
        # A double-click sends the first upload twice: the second finds the version the first made.
        current, created = Report.objects.get_or_create(
            request=request, version=1, defaults={"updated_by": acting_user}
        )
        if created:
            audit.record(acting_user, "report.start", current)
    return current


def _check_values(values: list[ValueInput]) -> None:
    """Each value's own rules, and one value per indicator and breakdown (an API call could send two; the
    database would refuse the second with a server error)."""
    wrong = [(v.indicator.code, message) for v in values for message in value_problems(v).values()]
    seen: set[tuple[int, str]] = set()
    for v in values:
        if (v.indicator.pk, v.breakdown) in seen:
            part = v.breakdown or _("tổng số")
            wrong.append((v.indicator.code, _("gửi hai lần cho cùng một phân tổ (%(part)s).") % {"part": part}))
        seen.add((v.indicator.pk, v.breakdown))
    if wrong:
        raise InvalidValues("; ".join(f"{code}: {message}" for code, message in wrong))


def do_save_draft(
    report: Report,
    *,
    acting_user,
    revision: int,
    narrative: dict,
    values: list[ValueInput],
    activities: list[dict] | None = None,
    budget: list[dict] | None = None,
) -> Report:
    """Replace the draft's contents (values always; activities and budget when given). `revision` is the
    number the user's copy was opened with; if someone saved in between, nothing is written and StaleDraft
    tells the user to reload."""
    contents = {"revision": revision, "narrative": narrative, "values": values, "activities": activities}
    return _save_draft(report.request, lambda: report, acting_user, contents | {"budget": budget})


def do_save_request_draft(
    request: ReportRequest,
    *,
    acting_user,
    revision: int,
    narrative: dict,
    values: list[ValueInput],
    activities: list[dict] | None = None,
    budget: list[dict] | None = None,
    page: str = "",
) -> Report:
    """do_save_draft for a request whose draft may not be started yet: the values are checked first, and the draft
    is started and written in one transaction, so a refused save leaves no empty draft behind. `page`: the report
    page's token (see Report.saved_from)."""
    contents = {"revision": revision, "narrative": narrative, "values": values, "activities": activities, "page": page}
    started = partial(_current_version, request, acting_user)  # inside the save's transaction
    return _save_draft(request, started, acting_user, contents | {"budget": budget})


def _save_draft(request: ReportRequest, version, acting_user, contents: dict) -> Report:
    if not can_submit(acting_user, request):
        raise Http404
    _check_values(contents["values"])
    with transaction.atomic():
        report = version()
        _write_draft(report, acting_user=acting_user, **contents)
    return report


def _write_draft(
    report: Report,
    *,
    acting_user,
    revision: int,
    narrative: dict,
    values: list[ValueInput],
    activities: list[dict] | None = None,
    budget: list[dict] | None = None,
    from_upload: bool = False,
    page: str = "",
) -> None:
    """do_save_draft's writes, in the caller's transaction (no savepoint of its own: two statements fewer on
    every upload). An upload's file holds totals only, so the breakdowns typed online stay."""
    now = timezone.now()
    updated = Report.objects.filter(
        pk=report.pk, revision=revision, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]
    ).update(
        revision=F("revision") + 1,
        updated_by=acting_user,
        updated_at=now,
        saved_from=page,
        **({} if from_upload else {"edited_revision": F("revision") + 1}),
        **narrative,
    )
    if not updated:
        fresh = Report.objects.get(pk=report.pk)
        if not fresh.editable:
            raise WorkflowError(_("Báo cáo đã gửi hoặc đã duyệt, không sửa được nữa."))
        if page and fresh.saved_from == page:
            raise StaleDraft(
                _(
                    "Bản nháp vừa được tự động lưu ngay trước thao tác này. Hãy kiểm tra số liệu trên trang rồi bấm "
                    "lại."
                ),
                by_same_page=True,
            )
        if fresh.updated_by_id == acting_user.pk:
            # Another window of theirs, an upload or the API: this page does not hold what was saved there.
            raise StaleDraft(
                _(
                    "Bạn vừa lưu báo cáo này ở nơi khác (cửa sổ khác, tệp tải lên hoặc API). Hãy tải lại trang để xem "
                    "bản mới trước khi sửa."
                )
            )
        raise StaleDraft(
            _("Người khác (%(who)s) vừa lưu báo cáo này. Hãy tải lại trang để xem bản mới trước khi sửa.")
            % {"who": fresh.updated_by or "?"}
        )
    if from_upload:
        # do_take_upload read the report in this transaction, and the update matched its revision and an editable
        # status: only what the update set has changed. One statement fewer on every upload.
        report.revision, report.updated_by, report.updated_at = revision + 1, acting_user, now
    else:
        request = report.request  # refresh_from_db forgets it, and the audit entry's text names it
        report.refresh_from_db()
        report.request = request
    before = {  # (indicator id, breakdown) -> (row id, contents)
        (indicator, breakdown): (pk, tuple(contents))
        for pk, indicator, breakdown, *contents in report.values.values_list(
            "pk", "indicator_id", "breakdown", *VALUE_CONTENTS
        )
    }
    # Only the rows whose contents change are replaced: re-saving a draft with a few edits (or re-uploading
    # the same file) writes those few rows, not the whole report. A repeated key still fails on insert.
    kept: set[int] = set()
    if from_upload:
        kept = {pk for (_indicator, breakdown), (pk, _contents) in before.items() if breakdown}
    new = []
    for v in values:
        old = before.get((v.indicator.pk, v.breakdown))
        if old is not None and old[0] not in kept and old[1] == tuple(getattr(v, f) for f in VALUE_CONTENTS):
            kept.add(old[0])
            continue
        new.append((report.pk, v.indicator.pk, v.breakdown, *(getattr(v, f) for f in VALUE_CONTENTS)))
    if len(kept) < len(before):
        report.values.exclude(pk__in=kept).delete()
    _insert_values(new)
    if activities is not None:
        report.activities.all().delete()
        report.activities.bulk_create([Activity(report=report, **a) for a in activities])
    if budget is not None:
        report.budget_lines.all().delete()
        report.budget_lines.bulk_create([BudgetLine(report=report, **b) for b in budget])
    changed = sorted(
        v.indicator.code
        for v in values
        if (old := before.get((v.indicator.pk, v.breakdown))) is None
        or old[1][:3] != (v.value, v.numerator, v.denominator)
    )
    audit.record(acting_user, "report.save", report, {"indicators_changed": changed, "sections": sorted(narrative)})


def do_take_upload(
    request: ReportRequest,
    *,
    acting_user,
    values: list[ValueInput],
    from_template: bool,
    template_revision,
    template_report_id: int | None = None,
) -> Report:
    """Put an uploaded file's values (totals: the template has no breakdowns) into the request's draft, starting
    it if needed, in one transaction: a refused file leaves no new draft behind. The breakdowns typed online
    stay. Refused when the draft was edited on the web after the template was downloaded (`upload_conflict`)."""
    if not can_submit(acting_user, request):
        raise Http404
    _check_values(values)
    with transaction.atomic():
        report = _current_version(request, acting_user)
        if not report.editable:  # a page opened before the report was sent
            raise WorkflowError(_("Báo cáo đã gửi hoặc đã duyệt, không sửa được nữa."))
        if from_template and upload_conflict(report, template_revision, template_report_id):
            raise StaleDraft(
                _(
                    "Bản nháp đã được sửa trên web (%(who)s, lúc %(when)s) sau khi bạn tải tệp mẫu này. Để "
                    "không ghi đè các sửa đổi đó, tệp chưa được nhận: hãy tải tệp mẫu mới rồi điền lại."
                )
                % {
                    "who": report.updated_by or "?",
                    "when": formats.date_format(timezone.localtime(report.updated_at), "SHORT_DATETIME_FORMAT"),
                }
            )
        _write_draft(
            report, acting_user=acting_user, revision=report.revision, narrative={}, values=values, from_upload=True
        )
    return report


_INSERTED = ("report", "indicator", "breakdown", *VALUE_CONTENTS)


def _insert_values(rows: list[tuple]) -> None:
    """New value rows (in `_INSERTED` order): COPY on PostgreSQL, multi-row INSERTs elsewhere. bulk_create would
    build a model per row and compile its INSERT again for every report: a third of saving an uploaded file."""
    if not rows:
        return
    meta, db = IndicatorValue._meta, transaction.get_connection()  # the connection itself, not its proxy
    fields = [meta.get_field(name) for name in _INSERTED]
    quote = db.ops.quote_name
    # Only the model's own table and column names go into the statement; the values are data or parameters.
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    # Keys and texts go to the driver as they are; only the numbers need the field's conversion (to Decimal), and
    # not an empty one (None stays None).
    prepare = [f.get_db_prep_save if isinstance(f, DecimalField) else None for f in fields]
    prepared = [
        [raw if convert is None or raw is None else convert(raw, db) for convert, raw in zip(prepare, row, strict=True)]
        for row in rows
    ]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # psycopg parses a statement of 480 placeholders again on every call (it keeps only short ones);
            # COPY sends the rows as data: 2.7 → 1.3 ms a report (docs/performance.md, 30/11). The figures'
            # statement triggers fire for COPY as for INSERT.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            return
        head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
        row_marks = f"({', '.join(['%s'] * len(fields))})"
        batch = db.ops.bulk_batch_size(fields, rows) or len(rows)
        for first in range(0, len(rows), batch):
            chunk = prepared[first : first + batch]
            cursor.execute(head + ", ".join([row_marks] * len(chunk)), [raw for row in chunk for raw in row])


def upload_conflict(report: Report, template_revision: int | None, template_report_id: int | None = None) -> bool:
    """True when the draft was edited on the web after the uploaded template was downloaded: taking the file
    would silently undo those edits, even when a later upload (of a fresh template) has carried them on. Uploads
    in between do not count: a corrected copy of the same file may replace the first. A template of another
    version (a correction's numbering starts again) saw none of this version's edits."""
    seen = template_revision if template_report_id in (None, report.pk) else None
    return (report.edited_revision or 0) > (seen or 0)


def missing_values(report: Report) -> list[Indicator]:
    """Indicators the unit must report (source: reports) with no total value yet."""
    filled = {
        v.indicator_id
        for v in report.values.filter(breakdown="")
        if v.value is not None or (v.numerator is not None and v.denominator is not None)
    }
    return [i for i in report.request.schedule.plan.indicators.filter(source="reports") if i.pk not in filled]


def do_submit(report: Report, *, acting_user) -> Report:
    if not can_submit(acting_user, report.request):
        raise Http404
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not report.editable:
            raise WorkflowError(_("Chỉ gửi được báo cáo đang soạn hoặc bị trả lại."))
        missing = missing_values(report)
        if missing:
            raise WorkflowError(_("Còn thiếu số liệu: %(codes)s.") % {"codes": ", ".join(i.code for i in missing)})
        was = report.status
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = acting_user
        report.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit.record(acting_user, "report.resubmit" if was == ReportStatus.RETURNED else "report.submit", report)
    return report


def _review(report: Report, acting_user, status: str, comment: str, action: str, revision: int | None) -> Report:
    """`revision`: the one the reviewer's page showed (None: not checked, an API call without it)."""
    if not can_review(acting_user, report.request):  # first: nothing is said to someone who may not review
        raise Http404
    if status == ReportStatus.RETURNED and not comment:
        raise WorkflowError(_("Hãy ghi ý kiến để đơn vị biết cần sửa gì."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise WorkflowError(_("Chỉ xem xét được báo cáo đã gửi."))
        if revision is not None and revision != report.revision:
            # Returned, edited and sent again while the reviewer's page was open: what they read is not this.
            raise WorkflowError(
                _("Báo cáo đã được sửa và gửi lại sau khi bạn mở trang; hãy xem lại nội dung trước khi xem xét.")
            )
        report.status = status
        report.reviewed_at = timezone.now()
        report.reviewed_by = acting_user
        report.review_comment = comment
        report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
        audit.record(acting_user, action, report, {"comment": comment} if comment else None)
        if status == ReportStatus.ACCEPTED:
            # The accepted correction replaces the version it corrects; each keeps a row saying by which.
            for older in report.request.reports.select_for_update().filter(
                status=ReportStatus.ACCEPTED, version__lt=report.version
            ):
                older.status = ReportStatus.SUPERSEDED
                older.save(update_fields=["status"])
                audit.record(acting_user, "report.supersede", older, {"by_version": report.version})
    return report


def do_return(report: Report, *, acting_user, comment: str, revision: int | None = None) -> Report:
    return _review(report, acting_user, ReportStatus.RETURNED, comment.strip(), "report.return", revision)


def do_accept(report: Report, *, acting_user, comment: str = "", revision: int | None = None) -> Report:
    return _review(report, acting_user, ReportStatus.ACCEPTED, comment.strip(), "report.accept", revision)


def do_open_correction(report: Report, *, acting_user) -> Report:
    """A correction of an accepted report: a new version with the same contents, to edit and submit."""
    if not can_submit(acting_user, report.request):
        raise Http404
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.ACCEPTED:
            raise WorkflowError(_("Chỉ mở bản đính chính cho báo cáo đã duyệt."))
        if report.request.reports.filter(version__gt=report.version).exists():
            raise WorkflowError(_("Đã có bản đính chính đang soạn."))
        fields = ["results", "limitations", "causes", "proposals"]
        new = Report.objects.create(
            request=report.request,
            version=report.version + 1,
            updated_by=acting_user,
            **{f: getattr(report, f) for f in fields},
        )
        for related in ("values", "activities", "budget_lines"):
            manager = getattr(report, related)
            copies = []
            for row in manager.all():
                row.pk, row.report = None, new
                copies.append(row)
            manager.model.objects.bulk_create(copies)
        audit.record(acting_user, "report.correction", new, {"from_version": report.version})
    return new
