"""Two-step login: required for the roles that see case files (when switched on, as in production), open to
everyone else; set up with an authenticator app, backup codes for a lost phone, throttled guessing."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from giamsat.core.models import AuditEntry

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture
def required(settings):
    settings.GIAMSAT_TWO_FACTOR_REQUIRED = True


@pytest.fixture(autouse=True)
def no_wait_after_a_wrong_code(settings):
    """django-otp makes a device wait 1 s, 2 s, 4 s… after wrong codes; the tests that type one wrong code and
    then the right one at machine speed turn the wait off (test_guessing_is_slowed_down turns it back on)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's phone shows now (or `steps_ahead` periods of 30 s later)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step):06d}"


def enrolled(client, user) -> TOTPDevice:
    """Set up through the pages, as a user would; returns the confirmed device."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 200 and "Mã dự phòng" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_case_worker_must_set_it_up_before_any_page_or_api(required, client_for, commune_worker):
    client = client_for(commune_worker)
    for url in ("/", reverse("cases:index"), reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    api = client.get("/api/cases")
    assert api.status_code == 403 and "xác thực hai bước" in api.json()["message"]


def test_setting_it_up_takes_the_apps_code_then_shows_ten_backup_codes_once(required, client_for, commune_worker):
    client = client_for(commune_worker)
    page = client.get(SETUP + "?next=/cases/").content.decode()
    device = TOTPDevice.objects.get(user=commune_worker, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") and "<svg" in page  # the QR code is drawn here, not fetched
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=commune_worker).count() == 1  # a reload keeps the same key

    wrong = client.post(SETUP, {"code": "000000" if code_for(device) != "000000" else "111111", "next": "/cases/"})
    assert "Mã không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(SETUP, {"code": code_for(device), "next": "/cases/"}).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done)
    assert len(codes) == 10 and 'href="/cases/"' in done
    assert client.get(reverse("cases:index")).status_code == 200  # this session is verified
    assert AuditEntry.objects.filter(action="two_factor.enable", actor=commune_worker).count() == 1


def test_the_next_login_asks_for_the_code_and_a_backup_code_works_once(required, client_for, commune_worker):
    device = enrolled(client_for(commune_worker), commune_worker)
    backup = StaticToken.objects.filter(device__user=commune_worker).first().token
    later = client_for(commune_worker)  # a new login: password done, second step owed
    assert later.get("/cases/")["Location"] == f"{VERIFY}?next=%2Fcases%2F"

    assert "Mã không đúng" in later.post(VERIFY, {"code": "12345"}).content.decode()
    assert later.post(VERIFY, {"code": backup.upper(), "next": "/cases/"})["Location"] == "/cases/"
    assert later.get("/cases/").status_code == 200

    again = client_for(commune_worker)
    assert "Mã không đúng" in again.post(VERIFY, {"code": backup}).content.decode()  # used up
    assert again.post(VERIFY, {"code": code_for(device, steps_ahead=1)})["Location"] == "/"


def test_guessing_is_slowed_down(required, client_for, commune_worker, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first wrong code: longer than the test takes
    device = enrolled(client_for(commune_worker), commune_worker)
    client = client_for(commune_worker)
    client.post(VERIFY, {"code": "000001"})
    # After a wrong code the device waits before it accepts another, even the right one.
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert "chờ một lát" in response.content.decode()
    assert client.get("/cases/").status_code == 302


def test_a_redirect_after_the_step_stays_on_this_site(required, client_for, commune_worker):
    device = enrolled(client_for(commune_worker), commune_worker)
    client = client_for(commune_worker)
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_roles_that_do_not_see_case_files_are_not_asked(required, client_for, supervisor):
    assert client_for(supervisor).get("/").status_code == 200


def test_when_not_required_anyone_may_turn_it_on_and_off(client_for, commune_worker):
    client = client_for(commune_worker)
    assert client.get(reverse("cases:index")).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Bật xác thực hai bước" in profile
    enrolled(client, commune_worker)
    assert client_for(commune_worker).get("/")["Location"].startswith(VERIFY)  # once on, every login asks

    response = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "Đã tắt xác thực hai bước" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=commune_worker).exists()
    assert client_for(commune_worker).get("/").status_code == 200


def test_a_required_user_cannot_turn_it_off(required, client_for, commune_worker):
    client = client_for(commune_worker)
    enrolled(client, commune_worker)
    response = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "không tắt được" in response.content.decode()
    assert TOTPDevice.objects.filter(user=commune_worker, confirmed=True).exists()


def test_new_backup_codes_replace_the_old_ones(client_for, commune_worker):
    client = client_for(commune_worker)
    enrolled(client, commune_worker)
    old = set(StaticToken.objects.filter(device__user=commune_worker).values_list("token", flat=True))
    page = client.post(reverse("accounts:two_factor_backup_codes")).content.decode()
    new = set(re.findall(r"<li><code>([a-z2-7]+)</code></li>", page))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.filter(device__user=commune_worker).values_list("token", flat=True)) == new


def test_the_backup_and_disable_actions_need_a_verified_session(client_for, commune_worker):
    enrolled(client_for(commune_worker), commune_worker)
    unverified = client_for(commune_worker)
    for name in ("accounts:two_factor_backup_codes", "accounts:two_factor_disable"):
        response = unverified.post(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_a_bearer_token_is_not_asked_for_the_second_step(required, api_client_for, commune_worker):
    assert api_client_for(commune_worker).get("/api/cases").status_code == 200


def test_the_english_page_explains_a_wrong_code_in_english(required, client_for, commune_worker):
    client = client_for(commune_worker)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(SETUP)
    response = client.post(SETUP, {"code": "abc"})
    assert "authenticator app" in response.content.decode()


def test_without_two_step_login_there_are_no_backup_codes_to_renew_or_anything_to_turn_off(client_for, supervisor):
    client = client_for(supervisor)
    for name in ("accounts:two_factor_backup_codes", "accounts:two_factor_disable"):
        assert client.post(reverse(name)).status_code == 404


def test_the_pages_of_the_second_step_need_the_password_first(client):
    for url in (SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
