import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giamsat.core.querysets import ScopedQuerySet

from .jurisdiction import EVERYWHERE, Jurisdiction, jurisdiction_of_id
from .roles import NATIONWIDE_WITHOUT_UNIT, Role, role_can


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("địa bàn phụ trách"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Người dùng thấy dữ liệu của địa bàn này và các đơn vị trực thuộc."),
    )
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name=_("cơ quan, tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self) -> str:
        # Vietnamese names are kept whole in full_name; Django's first and last name stay empty.
        return self.full_name or super().get_full_name()

    @property
    def sees_all(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def can(self, permission: str) -> bool:
        return self.is_active and (self.is_superuser or role_can(self.role, permission))

    @cached_property
    def jurisdiction(self) -> Jurisdiction:
        """The unit subtrees this user covers: their unit, else their organisation's unit."""
        if self.sees_all or (self.unit_id is None and self.role in NATIONWIDE_WITHOUT_UNIT):
            return EVERYWHERE
        if self.unit_id:
            return jurisdiction_of_id(self.unit_id)
        return jurisdiction_of_id(self.organisation.unit_id if self.organisation_id else None)

    @property
    def jurisdiction_label(self) -> str:
        if self.jurisdiction.everywhere:
            return str(_("Toàn quốc"))
        if self.unit_id:
            return str(self.unit)
        if self.organisation_id:
            return str(self.organisation)
        return str(_("Chưa được phân địa bàn"))


TOKEN_PREFIX = "gs_"  # noqa: S105 (a prefix, not a secret)
# How long a new token may live, in days: a token copied into another system's settings outlives the reason it was
# made unless it runs out by itself. The owner makes a new one before it does (the account page warns).
TOKEN_LIFETIMES = (30, 90, 180, 365)
TOKEN_EXPIRY_WARNING_DAYS = 14


def hash_token(raw: str) -> str:
    # Tokens are 32 random bytes, so a plain SHA-256 is enough; a slow hash would only slow every API call.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(ScopedQuerySet):
    permission_prefix = "tokens"

    def scope(self, user, action):
        return Q(user=user)

    def usable(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token itself is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    # The first characters, shown in lists so the owner can tell tokens apart.
    hint = models.CharField(_("mở đầu"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    read_only = models.BooleanField(
        _("chỉ đọc"), default=False, help_text=_("Mã chỉ đọc được dữ liệu; không ghi, gửi hay duyệt được gì.")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def expires_soon(self) -> bool:
        left = self.expires_at - timezone.now()
        return not self.expired and left.days < TOKEN_EXPIRY_WARNING_DAYS
