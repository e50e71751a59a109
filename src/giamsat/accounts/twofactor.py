"""Two-step login (a code from an authenticator app after the password), on django-otp.

Who must: everyone whose role shows child-protection case files (`cases.view`), when
GIAMSAT_TWO_FACTOR_REQUIRED is on (always in production). Anyone may turn it on for themselves; once on, every
login of theirs asks for the code. Ten single-use backup codes are given at set-up for a lost phone; an
administrator can also remove a user's devices in the admin (the user then sets it up again).
API calls with a bearer token are not affected: a token is created from a verified session."""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from giamsat.core import audit
from giamsat.core.jsonapi import error_body

audit.LABELS.update(
    {
        "two_factor.enable": gettext_lazy("Bật xác thực hai bước"),
        "two_factor.backup_codes": gettext_lazy("Tạo mã dự phòng mới"),
        "two_factor.disable": gettext_lazy("Tắt xác thực hai bước"),
    }
)

BACKUP_CODES = 10
# Pages a signed-in user can reach before the second step: the step itself, leaving, and the language switch.
OPEN_PATHS = ("/account/two-factor/setup/", "/account/two-factor/verify/", "/logout/", "/login/", "/i18n/")


def required(user) -> bool:
    return bool(settings.GIAMSAT_TWO_FACTOR_REQUIRED) and user.can("cases.view")


def enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending(request) -> bool:
    """Whether this signed-in session still owes its second step."""
    user = request.user
    return user.is_authenticated and not user.is_verified() and (required(user) or enabled(user))


class SecondFactorMiddleware:
    """Sends a session that owes its second step to it (or to setting it up), and answers its API calls 403.
    Below django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(OPEN_PATHS) or request.path.startswith(settings.STATIC_URL) or not pending(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(error_body(_("Cần xác thực hai bước: đăng nhập lại trên trình duyệt.")), status=403)
        step = "accounts:two_factor_verify" if enabled(request.user) else "accounts:two_factor_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def unconfirmed_device(user) -> TOTPDevice:
    """The device being set up: the same secret on every reload until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as people type it into an app without a camera: base32 in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def do_enable(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a first code from the app; returns the new backup codes, or None when the code is
    wrong (nothing is changed)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(_digits(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_backup_codes(user)
        audit.record(user, "two_factor.enable", user)
    return codes


def do_new_backup_codes(user) -> list[str]:
    with transaction.atomic():
        codes = _new_backup_codes(user)
        audit.record(user, "two_factor.backup_codes", user)
    return codes


def do_disable(user) -> None:
    """Turn two-step login off for oneself; refused (PermissionError) when the role requires it."""
    if required(user):
        raise PermissionError
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(user, "two_factor.disable", user)


def verified_device(user, code: str):
    """The device that accepts `code`, or None: six digits go to the app's device, anything else to the backup
    codes, so a mistyped backup code does not count against the app or the reverse. Each device throttles its
    own failures (django-otp: the wait doubles after each wrong code)."""
    typed = code.replace(" ", "").strip()
    if len(typed) == 6 and typed.isdigit():
        devices, token = TOTPDevice.objects.filter(user=user, confirmed=True), typed
    else:
        devices, token = StaticDevice.objects.filter(user=user), typed.lower()
    with transaction.atomic():
        for device in devices:
            if device.verify_token(token):
                return device
    return None


def throttled(user) -> bool:
    """Whether a device of the user refuses codes for now after wrong ones."""
    devices = (*TOTPDevice.objects.filter(user=user, confirmed=True), *StaticDevice.objects.filter(user=user))
    return any(not device.verify_is_allowed()[0] for device in devices)


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
