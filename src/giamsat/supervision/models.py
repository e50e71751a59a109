"""Supervision (giám sát) from the plan to the follow-up of its recommendations (DOMAIN.md §6).

Who sees what is decided in `scoping.py`; every queryset here asks it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from giamsat.core.querysets import ScopedQuerySet
from giamsat.plans.models import validate_reference

from . import scoping
from .choices import (
    FINAL_STATUSES,
    MEMBER_ORDER,
    STATUS_SYMBOLS,
    AddresseeKind,
    FindingKind,
    MemberRole,
    Priority,
    RecommendationStatus,
    SupervisionForm,
    SupervisionStatus,
)

# The statutory time for answering recommendations could not be confirmed (DOMAIN.md §6): each supervision
# sets its own, this is only the default offered, in working days.
DEFAULT_RESPONSE_DAYS = getattr(settings, "GIAMSAT_RECOMMENDATION_RESPONSE_DAYS", 30)


class ProgrammeQuerySet(ScopedQuerySet):
    permission_prefix = "supervision"

    def scope(self, user, action):
        return scoping.programme_scope(user)


class SupervisionProgramme(models.Model):
    """The annual supervision programme of an organisation (chương trình giám sát năm)."""

    # Indexed as the first column of supervision_programme_unique_year.
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan giám sát"),
        on_delete=models.PROTECT,
        related_name="supervision_programmes",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên chương trình"), max_length=300)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("chương trình giám sát năm")
        verbose_name_plural = _("chương trình giám sát năm")
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="supervision_programme_unique_year")
        ]

    def __str__(self):
        return self.title


class SupervisionQuerySet(ScopedQuerySet):
    permission_prefix = "supervision"

    def scope(self, user, action):
        return scoping.supervision_scope(user, action)


def validate_forms(value) -> None:
    unknown = set(value or []) - set(SupervisionForm.values)
    if unknown:
        raise ValidationError(_("Hình thức giám sát không hợp lệ: %(v)s") % {"v": ", ".join(sorted(unknown))})


class Supervision(models.Model):
    """A supervision and its plan (kế hoạch giám sát)."""

    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan giám sát"),
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    programme = models.ForeignKey(
        SupervisionProgramme,
        verbose_name=_("thuộc chương trình giám sát năm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisions",
    )
    title = models.CharField(_("tên cuộc giám sát"), max_length=500)
    reference = models.CharField(
        _("số, ký hiệu kế hoạch"),
        max_length=40,
        blank=True,
        validators=[validate_reference],
        help_text=_("Điền tự động khi ban hành kế hoạch trong hệ thống; hoặc nhập số đã ban hành, ví dụ 45/KH-HLHPN."),
    )
    issued_on = models.DateField(_("ngày ban hành kế hoạch"), null=True, blank=True)
    plans = models.ManyToManyField(
        "plans.Plan", verbose_name=_("kế hoạch, chính sách được giám sát"), blank=True, related_name="supervisions"
    )
    subject_text = models.TextField(
        _("nội dung được giám sát (ghi thêm)"),
        blank=True,
        help_text=_("Chính sách, văn bản chưa có trong hệ thống, ví dụ: các Kế hoạch của UBND tỉnh về …"),
    )
    purpose = models.TextField(_("mục đích, yêu cầu"), blank=True)
    content = models.TextField(_("nội dung giám sát"), blank=True)
    forms = models.JSONField(_("hình thức giám sát"), default=list, blank=True, validators=[validate_forms])
    start_on = models.DateField(_("từ ngày"), null=True, blank=True)
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)
    budget = models.DecimalField(_("kinh phí (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True)
    budget_note = models.CharField(_("nguồn kinh phí"), max_length=300, blank=True)
    coordination = models.TextField(
        _("phối hợp"), blank=True, help_text=_("Thống nhất với Mặt trận Tổ quốc cùng cấp; phối hợp với chính quyền.")
    )
    response_days = models.PositiveSmallIntegerField(
        _("thời hạn trả lời kiến nghị (ngày làm việc)"),
        default=DEFAULT_RESPONSE_DAYS,
        help_text=_("Tính từ ngày đưa ra kiến nghị, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ."),
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=SupervisionStatus.choices, default=SupervisionStatus.DRAFT
    )
    supervised = models.ManyToManyField(
        "units.Organisation",
        verbose_name=_("đơn vị được giám sát"),
        through="SupervisedOrganisation",
        related_name="supervised_in",
        blank=True,
    )
    delegation_decision_text = models.CharField(
        _("quyết định thành lập đoàn (ban hành ngoài hệ thống)"),
        max_length=300,
        blank=True,
        help_text=_("Để trống nếu quyết định được lập và ban hành trong hệ thống."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("cuộc giám sát")
        verbose_name_plural = _("cuộc giám sát")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="supervision_dates_ordered",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")})

    @property
    def forms_display(self) -> list[str]:
        labels = dict(SupervisionForm.choices)
        return [str(labels[f]) for f in self.forms if f in labels]

    @property
    def subject_display(self) -> str:
        parts = [f"{p.reference} ({p.title})" for p in self.plans.all()]
        if self.subject_text:
            parts.append(self.subject_text)
        return "; ".join(parts)


class SupervisedOrganisation(models.Model):
    """An organisation under supervision, with the date of its working session in the schedule."""

    # Indexed as the first column of supervised_organisation_unique.
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="schedule", db_index=False)
    organisation = models.ForeignKey(
        "units.Organisation", verbose_name=_("đơn vị được giám sát"), on_delete=models.PROTECT, related_name="+"
    )
    scheduled_on = models.DateField(_("ngày làm việc dự kiến"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lịch giám sát")
        verbose_name_plural = _("lịch giám sát")
        ordering = ["scheduled_on", "organisation__unit__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supervision", "organisation"], name="supervised_organisation_unique")
        ]

    def __str__(self):
        return f"{self.organisation} · {self.scheduled_on or '—'}"


class SupervisionChild(ScopedQuerySet):
    """Rows seen by whoever sees their supervision, changed by its supervising side."""

    permission_prefix = "supervision"

    def scope(self, user, action):
        if action == "view":
            return scoping.supervision_in(user, "supervision__")
        return scoping.supervising(user, "supervision__")


class DelegationMember(models.Model):
    """A member of the supervision delegation: a user of the system, or an outside person."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="delegation")
    role = models.CharField(_("nhiệm vụ trong đoàn"), max_length=10, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    organisation_name = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = SupervisionChild.as_manager()

    class Meta:
        verbose_name = _("thành viên đoàn giám sát")
        verbose_name_plural = _("thành viên đoàn giám sát")
        # As a decision lists a delegation: head, deputies, members, secretary; then the order given, then entry.
        ordering = [
            "supervision",
            models.Case(
                *(models.When(role=role, then=rank) for rank, role in enumerate(MEMBER_ORDER)),
                default=len(MEMBER_ORDER),
                output_field=models.IntegerField(),
            ),
            "order",
            "id",
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()})"

    def clean(self):
        if self.user_id is None and not self.name.strip():
            raise ValidationError({"name": _("Chọn người dùng hoặc ghi họ và tên người ngoài hệ thống.")})

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return (self.user.full_name or self.user.username) if self.user_id else ""

    @property
    def display_position(self) -> str:
        return self.position or (self.user.position if self.user_id else "")

    @property
    def display_organisation(self) -> str:
        if self.organisation_name:
            return self.organisation_name
        return str(self.user.organisation) if self.user_id and self.user.organisation_id else ""


class SessionQuerySet(ScopedQuerySet):
    permission_prefix = "supervision"

    def scope(self, user, action):
        if action == "view":
            return scoping.session_scope(user)
        return scoping.supervising(user, "supervision__")


class WorkingSession(models.Model):
    """A working session (buổi làm việc) of the delegation with a supervised organisation."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="sessions")
    organisation = models.ForeignKey(
        "units.Organisation", verbose_name=_("đơn vị được giám sát"), on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(_("thời gian"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    attendees_delegation = models.TextField(_("thành phần đoàn giám sát"), blank=True)
    attendees_supervised = models.TextField(_("thành phần đơn vị được giám sát"), blank=True)
    reports = models.ManyToManyField(
        "reporting.Report",
        verbose_name=_("báo cáo của đơn vị (đã nhận)"),
        blank=True,
        related_name="supervision_sessions",
    )
    documents_received = models.TextField(_("văn bản, tài liệu khác đã nhận"), blank=True)
    minutes = models.TextField(_("nội dung buổi làm việc (biên bản)"), blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("buổi làm việc")
        verbose_name_plural = _("buổi làm việc")
        ordering = ["supervision", "held_at", "id"]

    def __str__(self):
        return f"{self.organisation} · {self.held_at:%d/%m/%Y}"


class FindingCategory(models.Model):
    """A kind of limitation, to see which problems recur across units and supervisions (configurable)."""

    name = models.CharField(_("tên"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("nhóm hạn chế")
        verbose_name_plural = _("nhóm hạn chế")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class FindingQuerySet(ScopedQuerySet):
    permission_prefix = "supervision"

    def scope(self, user, action):
        if action == "view":
            return scoping.finding_scope(user)
        return scoping.supervising(user, "supervision__")


class Finding(models.Model):
    """A result the delegation acknowledged or a limitation it found, with its cause."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="findings")
    session = models.ForeignKey(
        WorkingSession,
        verbose_name=_("buổi làm việc"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu là nhận xét chung cho các đơn vị."),
    )
    kind = models.CharField(_("loại"), max_length=12, choices=FindingKind.choices)
    text = models.TextField(_("nội dung"))
    cause = models.TextField(_("nguyên nhân"), blank=True)
    category = models.ForeignKey(
        FindingCategory,
        verbose_name=_("nhóm hạn chế"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    indicators = models.ManyToManyField(
        "plans.Indicator", verbose_name=_("chỉ tiêu liên quan"), blank=True, related_name="+"
    )
    tasks = models.ManyToManyField("plans.Task", verbose_name=_("nhiệm vụ liên quan"), blank=True, related_name="+")
    reports = models.ManyToManyField(
        "reporting.Report", verbose_name=_("báo cáo liên quan"), blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhận xét, phát hiện")
        verbose_name_plural = _("nhận xét, phát hiện")
        ordering = ["supervision", "kind", "order", "id"]
        indexes = [models.Index(fields=["kind", "category"])]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.kind == FindingKind.LIMITATION and self.category_id is None:
            raise ValidationError({"category": _("Hãy chọn nhóm hạn chế để theo dõi hạn chế lặp lại.")})


class RecommendationQuerySet(ScopedQuerySet):
    permission_prefix = "supervision"

    def scope(self, user, action):
        return scoping.recommendation_scope(user, action)

    def overdue(self, today: datetime.date):
        return self.filter(due_on__lt=today).exclude(status__in=FINAL_STATUSES)

    def deadline_from_made_on(self):
        """Those whose deadline is still `made_on` plus the supervision's days, so follows a change of either. Not a
        reopened one: its deadline counts from the day it was reopened (a reopening always writes its reason in
        verification_note, a confirmation sets verified_at), and counted again from made_on it was overdue at once.
        Not one answered for good or verified either: its deadline is history."""
        return self.filter(verified_at__isnull=True, verification_note="").exclude(status__in=FINAL_STATUSES)


class Recommendation(models.Model):
    """A recommendation (kiến nghị, đề nghị) to one addressee. One recommendation made to several addressees is
    one row per addressee with the same `item` number, so that each answers and is followed up on its own."""

    # Indexed as the first column of recommendation_unique_addressee.
    supervision = models.ForeignKey(
        Supervision, on_delete=models.CASCADE, related_name="recommendations", db_index=False
    )
    item = models.PositiveSmallIntegerField(_("kiến nghị số"), default=1)
    # Indexed as the first column of the addressee-and-status index.
    addressee = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("gửi tới"),
        on_delete=models.PROTECT,
        related_name="recommendations",
        db_index=False,
    )
    addressee_kind = models.CharField(
        _("loại nơi nhận"), max_length=12, choices=AddresseeKind.choices, default=AddresseeKind.SUPERVISED
    )
    text = models.TextField(_("nội dung kiến nghị"))
    priority = models.CharField(_("mức ưu tiên"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    findings = models.ManyToManyField(
        Finding, verbose_name=_("về các hạn chế"), blank=True, related_name="recommendations"
    )
    made_on = models.DateField(_("ngày kiến nghị"))
    # Computed by the service from made_on and the supervision's response_days; never typed by a user.
    due_on = models.DateField(_("hạn trả lời"), db_index=True, editable=False)
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
        db_index=True,
    )
    not_accepted_reason = models.TextField(_("lý do không tiếp thu"), blank=True)
    verified_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_note = models.TextField(_("ý kiến của cơ quan giám sát"), blank=True)
    reminded_before_on = models.DateField(null=True, blank=True, editable=False)
    reminded_after_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["supervision", "item", "addressee__unit__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supervision", "item", "addressee"], name="recommendation_unique_addressee")
        ]
        indexes = [models.Index(fields=["addressee", "status"])]

    def __str__(self):
        return f"{self.item}. {self.addressee}: {self.text[:60]}"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on < today and self.status not in FINAL_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def status_symbol(self) -> str:
        return STATUS_SYMBOLS[RecommendationStatus(self.status)]


class Response(models.Model):
    """The addressee's answer: what was done, the status it claims, and evidence files."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField(_("nội dung trả lời"))
    status = models.CharField(_("kết quả thực hiện"), max_length=20, choices=RecommendationStatus.choices)
    reason = models.TextField(_("lý do không tiếp thu"), blank=True)
    responded_at = models.DateTimeField(_("trả lời lúc"), auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("trả lời kiến nghị")
        verbose_name_plural = _("trả lời kiến nghị")
        ordering = ["recommendation", "responded_at", "id"]

    def __str__(self):
        return f"{self.recommendation_id}: {self.get_status_display()}"


class Evidence(models.Model):
    """A file sent with an answer (PDF, DOCX or XLSX), checked before it is stored; downloaded only through the
    scoped view."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to="supervision/evidence/%Y/")
    name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=8)
    size = models.PositiveBigIntegerField(_("dung lượng"))

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["response", "id"]

    def __str__(self):
        return self.name
