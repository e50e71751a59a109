"""Official documents in the Decree 30/2020 layout, the issuer's layout settings and the numbering register."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamsat.core.docnumbers import Reference
from giamsat.core.querysets import ScopedQuerySet

from .choices import DocumentKind, DocumentStatus

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


class IssuerLayout(models.Model):
    """How an organisation's documents are headed and signed. Socio-political organisations apply Decree 30
    "as appropriate" (Art. 2.2), so every line is the issuer's to set; empty fields fall back to the defaults."""

    organisation = models.OneToOneField(
        "units.Organisation", verbose_name=_("cơ quan ban hành"), on_delete=models.CASCADE, related_name="layout"
    )
    parent_body = models.CharField(
        _("tên cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan ban hành, ví dụ: HỘI LHPN VIỆT NAM. Để trống nếu không có."),
    )
    issuer_name = models.CharField(
        _("tên cơ quan ban hành trên văn bản"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: BAN THƯỜNG VỤ HỘI LHPN TỈNH BÌNH THUẬN. Để trống: tên cơ quan viết hoa."),
    )
    place_name = models.CharField(
        _("địa danh"), max_length=100, blank=True, help_text=_("Ví dụ: Bình Thuận (trong “Bình Thuận, ngày …”).")
    )
    national_name = models.CharField(_("quốc hiệu"), max_length=200, default=NATIONAL_NAME)
    motto = models.CharField(_("tiêu ngữ"), max_length=200, default=MOTTO)
    signature_prefix = models.CharField(
        _("quyền hạn ký"),
        max_length=20,
        blank=True,
        default="TM.",
        help_text=_("TM., KT., TL., TUQ., Q. hoặc để trống."),
    )
    signature_body = models.CharField(
        _("tập thể lãnh đạo"), max_length=200, blank=True, help_text=_("Ví dụ: BAN THƯỜNG VỤ (sau “TM.”).")
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True, default="CHỦ TỊCH")
    signer_name = models.CharField(_("họ tên người ký"), max_length=150, blank=True)
    archive = models.CharField(_("lưu"), max_length=100, default="VT", help_text=_("Dòng cuối “Nơi nhận”: Lưu: VT, …"))

    class Meta:
        verbose_name = _("thể thức văn bản của cơ quan")
        verbose_name_plural = _("thể thức văn bản của cơ quan")

    def __str__(self):
        return str(self.organisation)


class NumberCounter(models.Model):
    """The last number an organisation gave in a year. Locked (select_for_update) while a document is issued."""

    # Indexed as the first column of number_counter_unique_year.
    organisation = models.ForeignKey("units.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ đăng ký số văn bản")
        verbose_name_plural = _("sổ đăng ký số văn bản")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="number_counter_unique_year")]

    def __str__(self):
        return f"{self.organisation} {self.year}: {self.last_number}"


class DocumentQuerySet(ScopedQuerySet):
    permission_prefix = "documents"

    def scope(self, user, action):
        from giamsat.supervision.scoping import document_scope

        return document_scope(user, action)


class Document(models.Model):
    """A document drafted from the supervision's data, edited, then issued: numbered, frozen and kept."""

    # Indexed as the first column of document_unique_number.
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="documents",
        db_index=False,
    )
    kind = models.CharField(_("loại văn bản"), max_length=4, choices=DocumentKind.choices)
    supervision = models.ForeignKey(
        "supervision.Supervision",
        verbose_name=_("cuộc giám sát"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    session = models.ForeignKey(
        "supervision.WorkingSession",
        verbose_name=_("buổi làm việc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    addressee = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("kính gửi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.CharField(_("trích yếu"), max_length=500)
    place_name = models.CharField(_("địa danh"), max_length=100)
    # [{"heading": "I. …", "text": "…"}]: the body as the user last edited it.
    sections = models.JSONField(_("nội dung"), default=list)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    signature_prefix = models.CharField(_("quyền hạn ký"), max_length=20, blank=True)
    signature_body = models.CharField(_("tập thể lãnh đạo"), max_length=200, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=150, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, db_index=True
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, editable=False)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True, editable=False)
    reference = models.CharField(_("số, ký hiệu"), max_length=40, blank=True, editable=False)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    docx = models.FileField(upload_to="documents/%Y/", blank=True, editable=False)
    pdf = models.FileField(upload_to="documents/%Y/", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "-number", "-id"]
        constraints = [
            # The last line of defence behind the locked counter: one number per issuer per year.
            models.UniqueConstraint(
                fields=["organisation", "year", "number"],
                condition=Q(number__isnull=False),
                name="document_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & Q(issued_on__isnull=False)),
                name="document_issued_has_number",
            ),
        ]

    def __str__(self):
        return f"{self.reference or self.get_kind_display()}: {self.summary[:80]}"

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def reference_preview(self) -> str:
        """'05/BC-HLHPN' once issued; '…/BC-HLHPN' while a draft."""
        if self.reference:
            return self.reference
        return f"…/{self.kind}-{self.organisation.abbreviation}"

    def make_reference(self, number: int) -> str:
        return str(Reference(number, self.kind, self.organisation.abbreviation))

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise ValueError("an issued document is kept: it cannot be deleted")
        return super().delete(*args, **kwargs)
