"""Child-protection cases (issue 5): intake (Mẫu 01), assessments (02, 03), emergency measures, the support plan
(04) and its approval (05), services, consent, referrals, review and closure; the access log.

Every free-text field and every field that identifies a child or a reporter is an `EncryptedTextField`
(crypto.py). What stays in clear is what statistics and need-to-know scoping need: the commune, dates, sex, age
at receipt, birth year (duplicate check), ethnicity, the categories chosen from lists. `__str__` of every model
here is the pseudonymous case code, because the audit trail copies `str(obj)`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamsat.core.querysets import ScopedQuerySet

from . import clock
from .choices import (
    OPEN_STATUSES,
    RISK_SHORT,
    AccessAction,
    AssessmentKind,
    CaseStatus,
    Channel,
    ChildConsent,
    ClosureReason,
    ConsentBasis,
    DelayReason,
    Disability,
    EmergencyKind,
    Harm,
    OffenderStatus,
    PerpetratorRelation,
    PlanStatus,
    ProtectionLevel,
    ReferralStatus,
    ReporterRelation,
    ReviewOutcome,
    RiskLevel,
    ServiceKind,
    ServiceOutcome,
    Setting,
    Sex,
    age_group,
    ethnicity_choices,
)
from .crypto import EncryptedDateField, EncryptedTextField
from .permissions import LOCAL_ROLES, SUPERVISING_ROLES

User = settings.AUTH_USER_MODEL


class CaseSettings(models.Model):
    """The time limits the decree does not confirm, and the retention period: one row, edited by an administrator
    in the admin. Changing a limit recomputes the due times of the open cases (services.refresh_open_clocks): in
    the administrator's save, or at the next reminders run when there are many."""

    forward_hours = models.PositiveSmallIntegerField(
        _("chuyển UBND xã trong (giờ)"), default=12, help_text=_("Chưa xác nhận được trong văn bản: tự đặt.")
    )
    initial_assessment_hours = models.PositiveSmallIntegerField(
        _("đánh giá nguy cơ ban đầu trong (giờ)"), default=12, help_text=_("Chưa xác nhận được trong văn bản: tự đặt.")
    )
    detailed_assessment_working_days = models.PositiveSmallIntegerField(
        _("đánh giá chi tiết trong (ngày làm việc)"), default=3
    )
    emergency_plan_working_days = models.PositiveSmallIntegerField(
        _("kế hoạch sau biện pháp khẩn cấp trong (ngày làm việc)"), default=5
    )
    emergency_approval_working_days = models.PositiveSmallIntegerField(
        _("phê duyệt sau biện pháp khẩn cấp trong (ngày làm việc)"), default=7
    )
    review_days = models.PositiveSmallIntegerField(_("rà soát sau phê duyệt (ngày)"), default=30)
    emergency_from_escalation = models.BooleanField(
        _("tính 12 giờ khẩn cấp từ lần đánh giá nâng nguy cơ lên cao"),
        default=False,
        help_text=_(
            "Nghị định tính 12 giờ từ khi tiếp nhận thông tin. Chọn mục này nếu, khi một lần đánh giá sau mới thấy "
            "nguy cơ cao, 12 giờ được tính từ lần đánh giá đó. Chưa xác nhận được trong văn bản: tự đặt."
        ),
    )
    warn_hours_short = models.PositiveSmallIntegerField(
        _("báo sắp đến hạn trước (giờ), với hạn tính bằng giờ"), default=3
    )
    warn_hours_long = models.PositiveSmallIntegerField(
        _("báo sắp đến hạn trước (giờ), với hạn tính bằng ngày"), default=24
    )
    reminder_repeat_days = models.PositiveSmallIntegerField(_("nhắc lại việc quá hạn sau (ngày)"), default=1)
    retention_years = models.PositiveSmallIntegerField(
        _("xóa thông tin nhận dạng sau khi đóng (năm)"),
        default=5,
        help_text=_(
            "Vụ việc đã lưu trữ, đóng quá số năm này thì thông tin nhận dạng bị xóa; số liệu thống kê giữ lại."
        ),
    )

    # What the open cases' stored due times were computed with (services.clock_basis): when the limits, the
    # calendar or the holidays library change, it no longer matches and the next reminders run recomputes them.
    clock_basis = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("thiết lập vụ việc")
        verbose_name_plural = _("thiết lập vụ việc")

    def __str__(self):
        return str(_("Thời hạn và lưu giữ vụ việc"))

    @classmethod
    def current(cls) -> "CaseSettings":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls()

    def rules(self) -> clock.Rules:
        return clock.Rules(
            forward_hours=self.forward_hours,
            initial_assessment_hours=self.initial_assessment_hours,
            detailed_assessment_working_days=self.detailed_assessment_working_days,
            emergency_plan_working_days=self.emergency_plan_working_days,
            emergency_approval_working_days=self.emergency_approval_working_days,
            review_days=self.review_days,
            emergency_from_escalation=self.emergency_from_escalation,
            warn_hours_short=self.warn_hours_short,
            warn_hours_long=self.warn_hours_long,
        )


class CaseQuerySet(ScopedQuerySet):
    """Need-to-know (DESIGN.md, security model): a case is seen by the workers and the chair of its commune (and
    the communes that took it over in 2025), the users assigned to it, the supervising chain (district and
    province officers, pseudonymised), and the person who recorded it until it is forwarded. An administrator is
    not in that list: they see counts and the access log, not children."""

    permission_prefix = "cases"

    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.can(f"cases.{action}"):
            return self.none()
        return self.filter(self.scope(user, action))

    def scope(self, user, action):
        # The ids are looked up first (when restrict() is called) and given as lists: an OR of a correlated EXISTS
        # and joined unit conditions cannot use an index, so every case query scanned the whole table
        # (docs/performance.md, case list). A province is at most ~750 units.
        assigned = CaseAssignment.objects.filter(user=user, ended_at__isnull=True).order_by()
        ids = assigned.values_list("case_id", flat=True)
        if action == "view":  # one round trip for both
            recorded = Case.objects.filter(recorded_by=user, forwarded_at__isnull=True).order_by()
            ids = ids.union(recorded.values_list("pk", flat=True))
        q = Q(pk__in=sorted(ids))
        # A nationwide jurisdiction (administrators) adds no case: need-to-know, not rank.
        local = user.role in LOCAL_ROLES or (action == "view" and user.role in SUPERVISING_ROLES)
        if local and not user.jurisdiction.everywhere:
            q |= Q(commune_id__in=user.jurisdiction.unit_ids)
        return q

    def for_statistics(self, user):
        """Cases counted for a user's statistics: anyone with cases.statistics, over their whole jurisdiction."""
        if user is None or not user.is_authenticated or not user.can("cases.statistics"):
            return self.none()
        if user.jurisdiction.everywhere:
            return self.all()
        return self.filter(commune_id__in=user.jurisdiction.unit_ids)

    def identifiable(self, user):
        """The cases of this (restricted) queryset whose names the user may see, as `services.can_identify` judges
        one case: what a search by name may look in. A search over the others told a district officer which
        case was the named child's, and that the child had one."""
        rows = self.filter(erased_at__isnull=True)
        if user.can("cases.identify") and user.role in LOCAL_ROLES:
            return rows
        assigned = CaseAssignment.objects.filter(user=user, ended_at__isnull=True).values_list("case_id", flat=True)
        return rows.filter(Q(pk__in=list(assigned)) | Q(recorded_by=user, forwarded_at__isnull=True))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_name(self, name: str):
        from .crypto import name_hashes

        hashes = name_hashes(name)
        return self.filter(child_name_hash__in=hashes) if hashes else self.none()


class Case(models.Model):
    # Pseudonymous code "VV-2023-0012": year of receipt and a number within it.
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    number = models.PositiveIntegerField(_("số"), editable=False)
    status = models.CharField(_("tình trạng"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)

    # Intake (Mẫu 01)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    receiving_organisation = models.CharField(_("cơ quan tiếp nhận"), max_length=200, blank=True)
    receiving_person = models.CharField(_("người tiếp nhận"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("người ghi"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    received_by_commune = models.BooleanField(_("UBND xã trực tiếp tiếp nhận"), default=False)
    forwarded_at = models.DateTimeField(_("chuyển UBND xã lúc"), null=True, blank=True)

    reporter_anonymous = models.BooleanField(_("người báo tin giấu tên"), default=False)
    reporter_name = EncryptedTextField(_("họ tên người báo tin"))
    reporter_phone = EncryptedTextField(_("điện thoại người báo tin"))
    reporter_address = EncryptedTextField(_("địa chỉ người báo tin"))
    reporter_relation = models.CharField(
        _("quan hệ với trẻ"), max_length=20, choices=ReporterRelation.choices, blank=True
    )

    child_name = EncryptedTextField(_("họ tên trẻ"))
    child_name_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    child_birth_date = EncryptedDateField(_("ngày sinh"))
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    age_years = models.PositiveSmallIntegerField(_("tuổi khi tiếp nhận"), null=True, blank=True)
    age_estimated = models.BooleanField(_("tuổi ước tính"), default=False)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(_("dân tộc"), max_length=30, choices=ethnicity_choices(), blank=True)
    # Indexed as the first column of the list's indexes below.
    commune = models.ForeignKey(
        "units.Unit",
        verbose_name=_("xã, phường nơi trẻ sinh sống"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address_detail = EncryptedTextField(_("địa chỉ cụ thể (thôn, tổ, số nhà)"))
    school = EncryptedTextField(_("trường, lớp"))
    disability = models.CharField(_("khuyết tật"), max_length=20, choices=Disability.choices, default=Disability.NONE)
    special_groups = models.JSONField(_("nhóm hoàn cảnh đặc biệt"), default=list, blank=True)
    guardian_name = EncryptedTextField(_("họ tên cha, mẹ, người chăm sóc"))
    guardian_phone = EncryptedTextField(_("điện thoại cha, mẹ, người chăm sóc"))

    incident_on = models.DateField(_("ngày xảy ra sự việc"), null=True, blank=True)
    setting = models.CharField(_("nơi xảy ra"), max_length=20, choices=Setting.choices, default=Setting.UNKNOWN)
    perpetrator_relation = models.CharField(
        _("quan hệ của người bị nghi gây hại với trẻ"),
        max_length=20,
        choices=PerpetratorRelation.choices,
        default=PerpetratorRelation.UNKNOWN,
    )
    immediate_danger = models.BooleanField(_("trẻ đang gặp nguy hiểm ngay"), default=False)
    narrative = EncryptedTextField(_("nội dung sự việc"))

    # Current assessment
    risk_level = models.CharField(_("mức độ nguy cơ"), max_length=10, choices=RiskLevel.choices, blank=True)
    protection_level = models.CharField(_("cấp độ bảo vệ"), max_length=15, choices=ProtectionLevel.choices, blank=True)

    # The clock, kept up to date by services.refresh_clock (computed, never typed): the current cycle, and the
    # first cycle's facts that the statistics and plan indicators aggregate in the database.
    cycle = models.PositiveSmallIntegerField(_("chu kỳ"), default=1)
    cycle_started_at = models.DateTimeField(_("chu kỳ bắt đầu"))
    next_step = models.CharField(_("bước kế tiếp"), max_length=30, blank=True)
    next_due_at = models.DateTimeField(_("hạn gần nhất"), null=True, blank=True, db_index=True)
    emergency_required = models.BooleanField(_("cần biện pháp khẩn cấp"), null=True, blank=True)
    emergency_due_at = models.DateTimeField(null=True, blank=True)
    emergency_at = models.DateTimeField(_("biện pháp khẩn cấp lúc"), null=True, blank=True)
    plan_due_at = models.DateTimeField(null=True, blank=True)
    plan_at = models.DateTimeField(_("lập kế hoạch lúc"), null=True, blank=True)
    approval_due_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    first_intervention_at = models.DateTimeField(_("can thiệp, hỗ trợ đầu tiên lúc"), null=True, blank=True)
    minutes_to_intervention = models.PositiveIntegerField(null=True, blank=True)
    delay_reason = models.CharField(_("lý do chậm can thiệp"), max_length=20, choices=DelayReason.choices, blank=True)
    delay_note = EncryptedTextField(_("ghi chú về chậm trễ"))

    offender_status = models.CharField(
        _("xử lý đối tượng vi phạm"), max_length=20, choices=OffenderStatus.choices, default=OffenderStatus.UNKNOWN
    )
    possible_duplicate = models.BooleanField(_("có thể trùng"), default=False)
    # The intake form's one-time token: the same form sent twice (a double tap on a slow link) records one case.
    intake_token = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # see case_duplicate_idx
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closure_reason = models.CharField(_("lý do đóng"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = EncryptedTextField(_("ghi chú khi đóng"))
    archived_at = models.DateTimeField(_("lưu trữ lúc"), null=True, blank=True)
    erased_at = models.DateTimeField(_("đã xóa thông tin nhận dạng lúc"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="case_unique_code")]
        indexes = [
            models.Index(fields=["commune", "received_at"]),
            # The list and its counts: the communes of a jurisdiction, open cases, by due time (overdue). The list's
            # second sort key too, so that SQLite's top-50 sort of a province's open cases compares index entries
            # and reads only the kept rows: without it, it read every open case's row (0.09 s of a 0.13 s page,
            # docs/performance.md).
            models.Index(fields=["commune", "status", "next_due_at", "received_at"], name="case_list_idx"),
            models.Index(fields=["status", "next_due_at"]),
            models.Index(fields=["received_at"]),
            # The recorder's unforwarded cases (need-to-know, the intake list): few rows, found without a scan.
            models.Index(fields=["recorded_by"], condition=Q(forwarded_at__isnull=True), name="case_unforwarded_idx"),
            # The few duplicates only. A full index on the column let SQLite, without statistics (a table just
            # rebuilt by a migration, or never analysed, as on most installations), take "not a duplicate"
            # (IS NULL) for a rare value and read the whole table through it instead of a jurisdiction's
            # communes: 1 s a pass over a province's cases at a million cases, 0.2 s at 100,000.
            models.Index(fields=["duplicate_of"], condition=Q(duplicate_of__isnull=False), name="case_duplicate_idx"),
        ]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"VV-{self.year}-{self.number:04d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def risk_short(self) -> str:
        return str(RISK_SHORT[self.risk_level]) if self.risk_level else ""

    @property
    def age_group(self) -> str:
        return age_group(self.age_years)

    def age_on(self, day: datetime.date) -> int | None:
        """The child's age in whole years on a day: from the date of birth, else from the age at receipt."""
        if self.child_birth_date:
            born = self.child_birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.age_years is not None:
            received = timezone.localtime(self.received_at).date()
            return self.age_years + max(0, (day - received).days // 365)
        return None

    def harm_codes(self) -> list[str]:
        return [h.kind for h in self.harms.all()]

    def harm_labels(self) -> list[str]:
        return [str(Harm(h.kind).label) for h in self.harms.all()]


class CaseHarm(models.Model):
    # Indexed as the first column of case_harm_unique.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="harms", db_index=False)
    kind = models.CharField(_("hình thức"), max_length=30, choices=Harm.choices)

    class Meta:
        verbose_name = _("hình thức xâm hại")
        verbose_name_plural = _("hình thức xâm hại")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_harm_unique")]
        indexes = [models.Index(fields=["kind", "case"])]

    def __str__(self):
        return f"{self.case} · {self.kind}"


class CaseAssignment(models.Model):
    """Who works on a case beyond its commune: assigned workers, a receiving organisation's staff."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    # Indexed as the first column of the user-and-case index.
    user = models.ForeignKey(
        User, verbose_name=_("người được giao"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    assigned_at = models.DateTimeField(_("giao lúc"), default=timezone.now)
    assigned_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["assigned_at"]
        indexes = [models.Index(fields=["user", "case"])]

    def __str__(self):
        return f"{self.case} → {self.user_id}"


class CaseChild(ScopedQuerySet):
    """Rows of a case are seen by whoever sees the case."""

    permission_prefix = "cases"

    def restrict(self, user, action: str = "view"):
        return self.filter(case__in=Case.objects.restrict(user, action).values("pk"))

    def scope(self, user, action):  # pragma: no cover - restrict is overridden
        raise NotImplementedError


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    cycle = models.PositiveSmallIntegerField(_("chu kỳ"), default=1)
    kind = models.CharField(_("loại"), max_length=10, choices=AssessmentKind.choices)
    assessed_at = models.DateTimeField(_("thời điểm đánh giá"))
    assessed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    risk_level = models.CharField(_("mức độ nguy cơ"), max_length=10, choices=RiskLevel.choices, blank=True)
    protection_level = models.CharField(_("cấp độ bảo vệ"), max_length=15, choices=ProtectionLevel.choices, blank=True)
    child_stable = models.BooleanField(_("trẻ ổn định"), null=True, blank=True)
    outcome = models.CharField(_("kết luận rà soát"), max_length=12, choices=ReviewOutcome.choices, blank=True)
    findings = EncryptedTextField(_("tình trạng của trẻ, kết quả đánh giá"))
    needs = EncryptedTextField(_("nhu cầu của trẻ"))
    meeting = EncryptedTextField(_("thành phần, kết luận cuộc họp"))

    objects = CaseChild.as_manager()

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["assessed_at", "pk"]

    def __str__(self):
        return f"{self.case} · {self.kind}"


class EmergencyMeasure(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_measures")
    cycle = models.PositiveSmallIntegerField(_("chu kỳ"), default=1)
    kind = models.CharField(_("biện pháp"), max_length=20, choices=EmergencyKind.choices)
    taken_at = models.DateTimeField(_("thời điểm áp dụng"))
    decided_by = models.CharField(_("người quyết định"), max_length=150, blank=True)
    description = EncryptedTextField(_("nội dung, nơi tạm trú"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = CaseChild.as_manager()

    class Meta:
        verbose_name = _("biện pháp khẩn cấp")
        verbose_name_plural = _("biện pháp khẩn cấp")
        ordering = ["taken_at", "pk"]

    def __str__(self):
        return f"{self.case} · {self.kind}"


class SupportPlan(models.Model):
    """The support/intervention plan of one cycle (Mẫu 04) and its approval by the commune chair (Mẫu 05)."""

    # Indexed as the first column of case_plan_per_cycle.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans", db_index=False)
    cycle = models.PositiveSmallIntegerField(_("chu kỳ"), default=1)
    status = models.CharField(_("tình trạng"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    objectives = EncryptedTextField(_("mục tiêu hỗ trợ"))
    activities = EncryptedTextField(_("hoạt động, dịch vụ, người thực hiện, thời gian"))
    review_on = models.DateField(_("ngày dự kiến rà soát"), null=True, blank=True)
    drafted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    drafted_at = models.DateTimeField(_("soạn lúc"), default=timezone.now)
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_number = models.CharField(_("số quyết định phê duyệt"), max_length=40, blank=True)
    chair_comment = EncryptedTextField(_("ý kiến của Chủ tịch UBND xã"))

    objects = CaseChild.as_manager()

    class Meta:
        verbose_name = _("kế hoạch hỗ trợ, can thiệp")
        verbose_name_plural = _("kế hoạch hỗ trợ, can thiệp")
        ordering = ["cycle"]
        constraints = [models.UniqueConstraint(fields=["case", "cycle"], name="case_plan_per_cycle")]

    def __str__(self):
        return f"{self.case} · {self.cycle}"


class Service(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    cycle = models.PositiveSmallIntegerField(_("chu kỳ"), default=1)
    kind = models.CharField(_("dịch vụ"), max_length=20, choices=ServiceKind.choices)
    provider = models.CharField(_("đơn vị cung cấp"), max_length=200)
    delivered_at = models.DateTimeField(_("thời điểm cung cấp"))
    outcome = models.CharField(_("kết quả"), max_length=20, choices=ServiceOutcome.choices)
    note = EncryptedTextField(_("ghi chú"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = CaseChild.as_manager()

    class Meta:
        verbose_name = _("dịch vụ đã cung cấp")
        verbose_name_plural = _("dịch vụ đã cung cấp")
        ordering = ["delivered_at", "pk"]
        indexes = [models.Index(fields=["kind", "delivered_at"])]

    def __str__(self):
        return f"{self.case} · {self.kind}"


class Consent(models.Model):
    """Consent to share or refer (Law 91/2025/QH15, DOMAIN.md §7): for a child of 7 or more, the child's and the
    parent's or guardian's; below 7 the parent's or guardian's; or the exempting basis "protection of life and
    health"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    basis = models.CharField(_("căn cứ"), max_length=20, choices=ConsentBasis.choices)
    given_at = models.DateTimeField(_("thời điểm"))
    child_consent = models.CharField(_("ý kiến của trẻ"), max_length=12, choices=ChildConsent.choices, blank=True)
    guardian_consented = models.BooleanField(_("cha, mẹ, người giám hộ đồng ý"), default=False)
    guardian_name = EncryptedTextField(_("người đồng ý (cha, mẹ, người giám hộ)"))
    scope = EncryptedTextField(_("chia sẻ thông tin gì, với ai, để làm gì"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)

    objects = CaseChild.as_manager()

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        ordering = ["given_at", "pk"]

    def __str__(self):
        return f"{self.case} · {self.basis} · {self.given_at:%d/%m/%Y}"

    def valid_for(self, case: "Case", on: datetime.date) -> bool:
        """Whether this record allows referring or sharing on a day."""
        if self.withdrawn_at is not None:
            return False
        if self.basis == ConsentBasis.VITAL_INTEREST:
            return True
        if not self.guardian_consented:
            return False
        age = case.age_on(on)
        if age is not None and age < 7:
            return True
        # Seven or more, or age unknown (then the stricter rule): the child must agree too.
        return self.child_consent == ChildConsent.YES


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    consent = models.ForeignKey(Consent, verbose_name=_("sự đồng ý"), on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("chuyển đến (cơ quan trong hệ thống)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_name = models.CharField(_("chuyển đến"), max_length=200)
    reason = EncryptedTextField(_("lý do, nhu cầu chuyển gửi"))
    referred_at = models.DateTimeField(_("chuyển lúc"))
    referred_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    responded_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    response_note = EncryptedTextField(_("ý kiến của nơi nhận"))

    objects = CaseChild.as_manager()

    class Meta:
        verbose_name = _("chuyển gửi")
        verbose_name_plural = _("chuyển gửi")
        ordering = ["referred_at", "pk"]

    def __str__(self):
        return f"{self.case} → {self.to_name}"


class CaseAccess(models.Model):
    """Every view, print and export of a case: who, when, which case, what, and why when a reason is asked."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("tên đăng nhập"), max_length=150)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="accesses")
    case_code = models.CharField(_("mã vụ việc"), max_length=20, blank=True, db_index=True)
    action = models.CharField(_("thao tác"), max_length=20, choices=AccessAction.choices)
    detail = models.CharField(_("chi tiết"), max_length=200, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lượt truy cập hồ sơ")
        verbose_name_plural = _("nhật ký truy cập hồ sơ")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action} {self.case_code}"


class ReminderSent(models.Model):
    """One reminder claimed: the unique key makes a second run (or a parallel one) send nothing."""

    key = models.CharField(max_length=80, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=30)
    kind = models.CharField(max_length=10)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("lượt nhắc hạn")
        verbose_name_plural = _("lượt nhắc hạn")

    def __str__(self):
        return self.key
