from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamsat.core.docnumbers import parse_reference
from giamsat.core.params import MAX_YEAR, MIN_YEAR
from giamsat.core.periods import Period
from giamsat.core.periods import PeriodKind as Kind
from giamsat.core.querysets import ScopedQuerySet, within_units
from giamsat.reporting import sources

from .choices import (
    Direction,
    Disaggregation,
    IndicatorKind,
    PeriodKind,
    PlanStatus,
    TaskStatus,
    TimeAggregation,
    UnitAggregation,
)


def validate_reference(value: str) -> None:
    try:
        parse_reference(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class Programme(models.Model):
    """A field of work (child protection, people with disabilities…); administrators add more."""

    name = models.CharField(_("tên"), max_length=200, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self):
        return self.name


def plan_scope(user, action: str, path: str = "") -> Q:
    """A plan concerns its issuer's area. Units inside that area see it (the issuer's unit is their
    ancestor); changing it needs the issuer's unit itself inside the user's jurisdiction."""
    return within_units(user.jurisdiction, f"{path}issuer__unit__", with_ancestors=action == "view")


class PlanQuerySet(ScopedQuerySet):
    permission_prefix = "plans"

    def scope(self, user, action):
        return plan_scope(user, action)


class Plan(models.Model):
    reference = models.CharField(
        _("số, ký hiệu"), max_length=40, validators=[validate_reference], help_text=_("Ví dụ: 4525/KH-UBND")
    )
    # Indexed as the first column of plan_unique_reference.
    issuer = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="plans",
        db_index=False,
    )
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    programme = models.ForeignKey(Programme, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="plans")
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))
    legal_basis = models.TextField(_("căn cứ"), blank=True)
    status = models.CharField(_("tình trạng"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    signed_file = models.FileField(_("bản ký (PDF/DOCX)"), upload_to="plans/%Y/", blank=True)
    illustrative = models.BooleanField(
        _("minh họa"), default=False, help_text=_("Dữ liệu minh họa, không phải văn bản thật.")
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-issued_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "reference", "issued_on"], name="plan_unique_reference"),
            models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="plan_years_ordered"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def clean(self):
        # A mistyped year (20230, 0) was saved, and every page that turns the plan's years into dates then failed.
        outside = {
            name: _("Năm phải từ %(first)s đến %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR}
            for name in ("first_year", "last_year")
            if getattr(self, name) is not None and not MIN_YEAR <= getattr(self, name) <= MAX_YEAR
        }
        if outside:
            raise ValidationError(outside)
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("Năm kết thúc phải từ năm bắt đầu trở đi.")})

    @property
    def period(self) -> Period:
        return Period.span(self.first_year, self.last_year)


class Phase(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("tên"), max_length=100)
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["first_year"]

    def __str__(self):
        return self.name


class PlanChild(ScopedQuerySet):
    """Rows that belong to a plan are seen by whoever sees the plan."""

    permission_prefix = "plans"

    def scope(self, user, action):
        return plan_scope(user, action, "plan__")


class Task(models.Model):
    """A task or solution (nhiệm vụ, giải pháp) of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung"))
    lead = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    coordinators = models.ManyToManyField(
        "units.Organisation", verbose_name=_("cơ quan phối hợp"), blank=True, related_name="coordinated_tasks"
    )
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    evidence = models.TextField(_("kết quả, minh chứng"), blank=True)

    objects = PlanChild.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ, giải pháp")
        verbose_name_plural = _("nhiệm vụ, giải pháp")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.text[:80]


class Indicator(models.Model):
    # Indexed as the first column of indicator_unique_code.
    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="indicators", db_index=False
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    measure = models.CharField(_("đơn vị tính"), max_length=30)
    kind = models.CharField(_("loại"), max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.COUNT)
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    time_aggregation = models.CharField(
        _("cộng theo thời gian"), max_length=10, choices=TimeAggregation.choices, default=TimeAggregation.SUM
    )
    unit_aggregation = models.CharField(
        _("cộng theo đơn vị"), max_length=10, choices=UnitAggregation.choices, default=UnitAggregation.SUM
    )
    baseline_value = models.DecimalField(_("giá trị cơ sở"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("năm cơ sở"), null=True, blank=True)
    tolerance = models.DecimalField(
        _("sai số cho phép"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Với chỉ tiêu duy trì: đạt khi lệch khỏi mục tiêu không quá mức này."),
    )
    numerator_label = models.CharField(_("tử số"), max_length=200, blank=True)
    denominator_label = models.CharField(_("mẫu số"), max_length=200, blank=True)
    disaggregations = models.JSONField(
        _("phân tổ"), default=list, blank=True, help_text=_("Một hoặc nhiều: sex, age_group, ethnicity.")
    )
    national_code = models.CharField(
        _("mã chỉ tiêu thống kê"),
        max_length=10,
        blank=True,
        help_text=_("Theo Thông tư 13/2021/TT-BLĐTBXH, ví dụ 0101."),
    )
    source = models.CharField(
        _("nguồn số liệu"),
        max_length=60,
        default="reports",
        help_text=_("reports: do đơn vị báo cáo; hoặc một nguồn tính tự động."),
    )

    objects = PlanChild.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def clean(self):
        unknown = set(self.disaggregations or []) - set(Disaggregation.values)
        if unknown:
            raise ValidationError(
                {"disaggregations": _("Phân tổ không hợp lệ: %(v)s") % {"v": ", ".join(sorted(unknown))}}
            )
        twice = sorted({d for d in self.disaggregations or [] if (self.disaggregations or []).count(d) > 1})
        if twice:  # each breakdown's rows would be asked for twice on the report form
            raise ValidationError({"disaggregations": _("Phân tổ ghi hai lần: %(v)s") % {"v": ", ".join(twice)}})
        if self.kind == IndicatorKind.RATIO and self.unit_aggregation == UnitAggregation.SUM:
            raise ValidationError({"unit_aggregation": _("Chỉ tiêu tỷ lệ không cộng được giữa các đơn vị.")})
        if self.kind != IndicatorKind.RATIO and self.unit_aggregation == UnitAggregation.RATIO:
            raise ValidationError({"unit_aggregation": _("Chỉ chỉ tiêu tỷ lệ mới tính lại từ tử số, mẫu số.")})
        if self.source not in sources.names():
            raise ValidationError({"source": _("Nguồn số liệu không có: %(s)s") % {"s": self.source}})
        if self.direction == Direction.MAINTAIN and self.tolerance is None:
            raise ValidationError({"tolerance": _("Chỉ tiêu duy trì cần sai số cho phép.")})
        # The API reached the engine with what no form would offer: a negative tolerance inverts the maintain band.
        negative = {
            name: _("Không được âm.")
            for name in ("tolerance", "baseline_value")
            if getattr(self, name) is not None and getattr(self, name) < 0
        }
        if negative:
            raise ValidationError(negative)
        if self.baseline_year is not None and not MIN_YEAR <= self.baseline_year <= MAX_YEAR:
            raise ValidationError(
                {
                    "baseline_year": _("Năm cơ sở phải từ %(first)s đến %(last)s.")
                    % {"first": MIN_YEAR, "last": MAX_YEAR}
                }
            )

    @property
    def is_ratio(self) -> bool:
        return self.kind == IndicatorKind.RATIO

    @property
    def is_additive(self) -> bool:
        return self.unit_aggregation == UnitAggregation.SUM

    @property
    def unit_aggregation_label(self) -> str:
        """How a unit's figure is made from those below it, as the legend says it: a computed source works out each
        unit's figure from its own records (the province's median delay is the median of all its cases, not an
        average of its districts'), whatever `unit_aggregation` says."""
        if self.source != sources.REPORTS:
            return _("mỗi đơn vị tính thẳng từ hồ sơ của mình")
        return self.get_unit_aggregation_display()


class TargetQuerySet(ScopedQuerySet):
    permission_prefix = "plans"

    def scope(self, user, action):
        # Another district's targets are its business; one's own and those above are visible.
        return plan_scope(user, action, "indicator__plan__") & within_units(
            user.jurisdiction, "unit__", with_ancestors=action == "view"
        )


class Target(models.Model):
    """The target of an indicator for a unit and a period (a year or a phase)."""

    # Each key leads an index below (target_unique_cell, the unit-and-period index), so neither has its own.
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets", db_index=False)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period_kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    value = models.DecimalField(_("chỉ tiêu"), max_digits=18, decimal_places=4)
    # A decrease is measured from each unit's own starting point; the indicator's baseline is the fallback.
    baseline_value = models.DecimalField(
        _("giá trị cơ sở của đơn vị"), max_digits=18, decimal_places=4, null=True, blank=True
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_start", "period_end"], name="target_unique_cell"
            )
        ]
        indexes = [models.Index(fields=["unit", "period_end"])]

    def __str__(self):
        return f"{self.indicator.code} · {self.unit} · {self.period.label}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, Kind(self.period_kind))
