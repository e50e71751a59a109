"""Two-step login in Debian's Chromium: a 111 operator (a role that sees case files) signs in where it is
required, sets it up by typing the key into an "app", keeps the backup codes, and the next login asks for a code."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import factories as f

pytestmark = pytest.mark.browser


def _app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the typed key (base32), as the phone would compute it."""
    from base64 import b32decode

    device = TOTPDevice(key=b32decode(secret.replace(" ", "")).hex())
    return f"{totp(device.bin_key, step=30, t0=-steps_ahead * 30):06d}"


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/cases/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(f.PASSWORD)
    page.locator("form[action$='/login/'] button[type=submit]").click()


def test_an_operator_sets_up_two_step_login_and_is_asked_at_the_next_login(new_page, live_server, settings):
    settings.GIAMSAT_TWO_FACTOR_REQUIRED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a person takes longer than the 1 s wait after a wrong code; the test not
    operator = f.HotlineOperatorFactory(username="tongdai_2fa")

    page = new_page()
    _sign_in(page, live_server, operator.username)
    page.wait_for_url(re.compile(r"/account/two-factor/setup/"))
    assert page.locator(".qr svg").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()

    page.get_by_label("Mã xác thực").fill("123")
    page.get_by_role("button", name="Xác nhận và bật").click()
    assert page.get_by_role("alert").filter(has_text="Mã không đúng").is_visible()

    page.get_by_label("Mã xác thực").fill(_app_code(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()
    page.get_by_test_id("backup-codes").wait_for()
    codes = page.get_by_test_id("backup-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Đã lưu mã, tiếp tục").click()
    page.wait_for_url(re.compile(r"/cases/"))

    later = new_page()
    _sign_in(later, live_server, operator.username)
    later.wait_for_url(re.compile(r"/account/two-factor/verify/"))
    later.get_by_label("Mã xác thực").fill(codes[0])
    later.get_by_role("button", name="Tiếp tục").click()
    later.wait_for_url(re.compile(r"/cases/"))
    assert "/account/" not in later.url
