"""Writes on accounts: each one transaction with its audit entry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.core import audit

from .models import TOKEN_LIFETIMES, ApiToken, User, hash_token, new_token_secret

audit.LABELS.update(
    {
        "login": gettext_lazy("Đăng nhập"),
        "logout": gettext_lazy("Đăng xuất"),
        "password.change": gettext_lazy("Đổi mật khẩu"),
        "password.reset": gettext_lazy("Đặt lại mật khẩu"),
        "password.admin_set": gettext_lazy("Quản trị đặt mật khẩu"),
        "token.create": gettext_lazy("Tạo mã truy cập API"),
        "token.revoke": gettext_lazy("Thu hồi mã truy cập API"),
    }
)


def do_create_token(*, acting_user: User, name: str, days: int, read_only: bool = False) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is never stored and can be shown only now. The token works for
    `days` days (one of TOKEN_LIFETIMES)."""
    if not acting_user.can("tokens.manage_own"):
        raise Http404
    if days not in TOKEN_LIFETIMES:
        raise ValidationError({"days": _("Hãy chọn một thời hạn trong danh sách.")})
    secret = new_token_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=acting_user,
            name=name.strip(),
            hint=secret[:10],
            token_hash=hash_token(secret),
            expires_at=timezone.now() + datetime.timedelta(days=days),
            read_only=read_only,
        )
        audit.record(acting_user, "token.create", token, {"days": days, "read_only": read_only})
    return token, secret


def do_revoke_token(token: ApiToken, *, acting_user: User) -> None:
    with transaction.atomic():
        token = ApiToken.objects.restrict(acting_user, "manage_own").select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(acting_user, "token.revoke", token)


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token (not revoked, not expired, its user active) with this secret, its user loaded."""
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    # Writing on every call would serialise API reads behind SQLite's single writer; a minute is precise enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def do_record_password_change(user: User, *, how: str) -> None:
    """Called inside the password views' transaction, after Django saved the new hash. The user's API tokens are
    revoked with it, as Django ends their other sessions: a password changed because it leaked must not leave a
    token made with it working."""
    # Expired ones too: an administrator could otherwise give one a new expiry date.
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    audit.record(user, f"password.{how}", user, {"tokens_revoked": revoked} if revoked else None)
