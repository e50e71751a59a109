import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamsat.core.periods import Period
from giamsat.core.periods import PeriodKind as Kind
from giamsat.core.querysets import ScopedQuerySet
from giamsat.plans.choices import PeriodKind
from giamsat.plans.models import plan_scope

from .choices import ActivityKind, Frequency, FundingSource, ModelType, ReportStatus


class ScheduleQuerySet(ScopedQuerySet):
    permission_prefix = "reporting"

    def scope(self, user, action):
        return plan_scope(user, action, "plan__")


class Schedule(models.Model):
    """Who reports on a plan, how often, and how long after the period the report is due."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="schedules")
    title = models.CharField(_("tên"), max_length=200)
    frequency = models.CharField(_("tần suất"), max_length=10, choices=Frequency.choices)
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    due_days = models.PositiveSmallIntegerField(
        _("hạn nộp (số ngày sau kỳ)"), default=15, help_text=_("Báo cáo đến hạn sau ngày cuối kỳ bấy nhiêu ngày.")
    )
    ad_hoc_start = models.DateField(_("đột xuất: từ ngày"), null=True, blank=True)
    ad_hoc_end = models.DateField(_("đột xuất: đến ngày"), null=True, blank=True)
    units = models.ManyToManyField("units.Unit", verbose_name=_("đơn vị báo cáo"), related_name="+")

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("lịch báo cáo")
        verbose_name_plural = _("lịch báo cáo")
        ordering = ["plan", "first_year"]

    def __str__(self):
        return self.title

    def clean(self):
        # A mistyped year (20230) failed with a server error, and 2205 on a 2021–2025 plan asked for 1,472 reports.
        plan = self.plan
        for name in ("first_year", "last_year"):
            year = getattr(self, name)
            if year is not None and not plan.first_year <= year <= plan.last_year:
                raise ValidationError(
                    {
                        name: _("Năm phải trong thời gian của kế hoạch (%(first)s–%(last)s).")
                        % {"first": plan.first_year, "last": plan.last_year}
                    }
                )
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("Năm kết thúc phải từ năm bắt đầu trở đi.")})
        if self.frequency == Frequency.AD_HOC:
            start, end = self.ad_hoc_start, self.ad_hoc_end
            if not start or not end:
                raise ValidationError({"ad_hoc_start": _("Báo cáo đột xuất cần ngày bắt đầu và kết thúc của kỳ.")})
            if end < start:
                raise ValidationError({"ad_hoc_end": _("Ngày kết thúc phải sau ngày bắt đầu.")})


def request_scope(user, action: str, path: str = "") -> models.Q:
    """The requests (reached through `path`) a user reviews: those of the plans issued in their jurisdiction; and
    views: those too, and those of the units in it. As lists of ids looked up first: as joins, the OR of the plan's
    issuer and the request's unit could use no index, and SQLite read every request of the country due before today
    to count a province officer's overdue ones (0.55 s at national scale, 45 ms with the lists)."""
    if user.jurisdiction.everywhere:
        return models.Q()
    schedules = sorted(Schedule.objects.filter(plan_scope(user, "change", "plan__")).values_list("pk", flat=True))
    q = models.Q(**{f"{path}schedule_id__in": schedules})
    if action == "view":
        q |= models.Q(**{f"{path}unit_id__in": user.jurisdiction.unit_ids})
    return q


# A request is answered once a version was sent: a correction being written does not make it overdue again.
SENT = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED)


class RequestQuerySet(ScopedQuerySet):
    permission_prefix = "reporting"

    def scope(self, user, action):
        # Reviewing is for the plan's owners; viewing also for the reporting unit's own people.
        return request_scope(user, action)

    def overdue(self, today: datetime.date):
        # A correlated NOT EXISTS, probed per request through the reports' request index: exclude() across the
        # relation wrote NOT IN over every sent report of the country (a province's count on PostgreSQL at national
        # scale: 360 ms that way, 161 ms this way).
        sent = Report.objects.filter(request=models.OuterRef("pk"), status__in=SENT)
        return self.filter(due_on__lt=today).exclude(models.Exists(sent))


class ReportRequest(models.Model):
    """One unit's report for one period: created by the schedule, answered by versions of a Report."""

    # Indexed as the first column of request_unique_period.
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="requests", db_index=False)
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    period_kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"), db_index=True)
    due_on = models.DateField(_("hạn nộp"), db_index=True)
    reminded_before_on = models.DateField(null=True, blank=True, editable=False)
    reminded_after_on = models.DateField(null=True, blank=True, editable=False)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        ordering = ["due_on", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "unit", "period_start", "period_end"], name="request_unique_period"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.period.label}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, Kind(self.period_kind))

    @property
    def plan(self):
        return self.schedule.plan

    def is_overdue(self, today: datetime.date) -> bool:
        """RequestQuerySet.overdue's rule for one request (its reports prefetched, or read here)."""
        return self.due_on < today and not any(report.status in SENT for report in self.reports.all())


class ReportQuerySet(ScopedQuerySet):
    permission_prefix = "reporting"

    def scope(self, user, action):
        return request_scope(user, action, "request__")


class Report(models.Model):
    """A version of a unit's report. Accepted versions are locked; a correction opens the next version."""

    # Indexed as the first column of report_unique_version.
    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="reports", db_index=False)
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    results = models.TextField(_("kết quả đạt được"), blank=True)
    limitations = models.TextField(_("hạn chế"), blank=True)
    causes = models.TextField(_("nguyên nhân"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    # Bumped on every save of the draft: a save that carries an older number was made on a stale copy.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # The revision of the last save made on the web (not by a spreadsheet upload): an uploaded template
    # downloaded before it would silently undo that edit.
    edited_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The report page (its token, one per page opened) that made the last save; "" for an upload or the API. A page
    # whose save lost the race to its own autosave may go on; another window of the same user may not.
    saved_from = models.CharField(max_length=43, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("ý kiến người xem xét"), blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["request", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="report_unique_version")]

    def __str__(self):
        return f"{self.request} (lần {self.version})"

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class IndicatorValue(models.Model):
    # The report keeps its own index although the unique cell starts with it: without it SQLite builds a temporary
    # index over every value to sum a province's reports (0.37 → 2.1 s at a tenth of the national data). It costs
    # little to write, as a report's values sit together in it. The indicator has none: it leads the dashboards'
    # index below, and its own would cost each saved value a write far from the others (python -m bench, import).
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey("plans.Indicator", on_delete=models.PROTECT, related_name="values", db_index=False)
    # "" for the total; otherwise "sex=nu", "age_group=6-11"… one cell of the breakdown.
    breakdown = models.CharField(_("phân tổ"), max_length=60, blank=True, default="")
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("tử số"), max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=18, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["report", "indicator", "breakdown"], name="value_unique_cell")]
        indexes = [models.Index(fields=["indicator", "report"])]

    def __str__(self):
        shown = self.value if self.value is not None else f"{self.numerator}/{self.denominator}"
        return f"{self.indicator_id}{'/' + self.breakdown if self.breakdown else ''}: {shown}"


class Activity(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("loại hoạt động"), max_length=16, choices=ActivityKind.choices)
    name = models.CharField(_("nội dung"), max_length=300)
    held_on = models.DateField(_("ngày"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    model_type = models.CharField(_("loại mô hình"), max_length=30, choices=ModelType.choices, blank=True)
    still_active = models.BooleanField(_("còn hoạt động"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("số người được hỗ trợ"), null=True, blank=True)
    value_vnd = models.DecimalField(_("trị giá (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["report", "kind", "held_on", "id"]

    def __str__(self):
        return self.name


class BudgetLine(models.Model):
    # Indexed as the first column of budget_unique_source.
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="budget_lines", db_index=False)
    source = models.CharField(_("nguồn kinh phí"), max_length=12, choices=FundingSource.choices)
    allocated = models.DecimalField(_("được cấp (đồng)"), max_digits=18, decimal_places=0, default=0)
    spent = models.DecimalField(_("đã chi (đồng)"), max_digits=18, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("kinh phí")
        verbose_name_plural = _("kinh phí")
        constraints = [models.UniqueConstraint(fields=["report", "source"], name="budget_unique_source")]

    def __str__(self):
        return f"{self.get_source_display()}: {self.spent}/{self.allocated}"


class FiguresVersion(models.Model):
    """How many times the figures behind a plan's matrices have changed (key: the plan's id), or what every
    plan's depend on (key 0: the units and the conversion table). Only the database's triggers write it
    (migrations 0004, 0006, 0008), on every insert, update and delete, whoever writes; `judged` reads it."""

    key = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
    # Of those changes, the ones to accepted reports and their values, each of which names the units whose reports
    # changed (UnitFiguresVersion): a matrix stored before only such changes needs only those units' rows again.
    scoped = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản số liệu")
        verbose_name_plural = _("phiên bản số liệu")

    def __str__(self):
        return f"{self.key}: {self.version}"


class UnitFiguresVersion(models.Model):
    """The plan's version at the last change to a unit's accepted reports or their values (`FiguresVersion.scoped`).
    Written by the database's triggers only (migration 0008); one row per plan and unit."""

    plan_key = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("phiên bản số liệu của đơn vị")
        verbose_name_plural = _("phiên bản số liệu của đơn vị")
        constraints = [models.UniqueConstraint(fields=["plan_key", "unit_id"], name="unit_figures_version_unique")]

    def __str__(self):
        return f"{self.plan_key}/{self.unit_id}: {self.version}"


class JudgedMatrix(models.Model):
    """A matrix as judged (`judged.kept`), stored under the versions of the figures it was computed from: read
    back while they are unchanged, brought up to date row by row after changes to accepted reports only."""

    # Indexed as the first column of judged_matrix_unique_key.
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=64)  # what was asked: units, indicators, period, date judged on (SHA-256)
    plan_version = models.BigIntegerField()
    plan_scoped = models.BigIntegerField(default=0)
    all_version = models.BigIntegerField()
    # The cells, and the sums and source map they were judged from, as zlib-compressed JSON (judged._payload).
    payload = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ma trận đã tính")
        verbose_name_plural = _("ma trận đã tính")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="judged_matrix_unique_key")]

    def __str__(self):
        return f"{self.plan_id}/{self.key[:12]} ({self.plan_version}, {self.all_version})"
