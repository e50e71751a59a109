"""Signing in and out, language, login throttling (django-axes), password change and reset."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

import factories as f
from factories import PASSWORD
from giamsat.accounts.services import do_create_token
from giamsat.core.models import AuditEntry
from giamsat.units.models import Unit

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
NEW_PASSWORD = "Hoa-phượng-đỏ-2026"


def _login(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password, **extra})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _actions(user):
    return list(AuditEntry.objects.filter(actor=user).order_by("id").values_list("action", flat=True))


# --- the login page and language ---------------------------------------------------------------------------


def test_the_login_page_is_in_vietnamese_by_default(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Quên mật khẩu?" in html


def test_the_login_page_stays_vietnamese_for_a_browser_asking_for_english(client):
    html = client.get(LOGIN, headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


def test_the_language_switch_gives_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    html = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Đăng nhập" not in html
    assert "Quên mật khẩu" not in html


def test_the_language_switch_back_gives_vietnamese(client):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    client.post(reverse("set_language"), {"language": "vi", "next": LOGIN})
    assert "Đăng nhập" in client.get(LOGIN).content.decode()


# --- signing in and out ------------------------------------------------------------------------------------


def test_it_logs_in_and_goes_home(client, commune_worker):
    response = _login(client, commune_worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in(client)
    home = client.get(reverse("home")).content.decode()
    assert commune_worker.full_name in home
    assert "Xã Đức Linh" in home  # the jurisdiction


def test_it_follows_next_after_login(client, commune_worker):
    url = reverse("units:browse")
    response = _login(client, commune_worker, next=url)
    assert response["Location"] == url


def test_it_refuses_a_wrong_password_with_an_error(client, commune_worker):
    response = _login(client, commune_worker, password="not-the-password")
    assert response.status_code == 200
    assert not _logged_in(client)
    errors = response.context["form"].non_field_errors()
    assert errors
    assert errors[0] in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_it_refuses_an_inactive_user(client, commune_worker):
    commune_worker.is_active = False
    commune_worker.save()
    _login(client, commune_worker)
    assert not _logged_in(client)


def test_it_records_login_and_logout_in_the_audit_trail(client, commune_worker):
    _login(client, commune_worker)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not _logged_in(client)
    assert _actions(commune_worker) == ["login", "logout"]
    login = AuditEntry.objects.get(actor=commune_worker, action="login")
    assert login.actor_name == commune_worker.username
    assert login.object_id == str(commune_worker.pk)


def test_it_does_not_log_out_on_a_get(client, commune_worker):
    _login(client, commune_worker)
    assert client.get(reverse("logout")).status_code == 405
    assert _logged_in(client)


def test_anonymous_is_sent_to_login_from_home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_home_counts_the_units_the_user_may_see(commune_worker, client_for):
    response = client_for(commune_worker).get(reverse("home"))
    assert response.context["unit_count"] == Unit.objects.restrict(commune_worker).count() == 7


# --- throttling --------------------------------------------------------------------------------------------


def test_pages_name_the_signed_in_account_by_its_plain_id(client_for):
    """drafts.js keys what it keeps by this id: a Vietnamese page must not print it as "12.345"."""
    user = f.CommuneWorkerFactory(pk=12_345)
    html = client_for(user).get(reverse("home")).content.decode()
    assert 'data-user="12345"' in html


def test_it_locks_out_after_five_failures_even_with_the_right_password(client, commune_worker):
    for _ in range(4):
        assert _login(client, commune_worker, password="sai-mat-khau").status_code == 200
    fifth = _login(client, commune_worker, password="sai-mat-khau")
    assert fifth.status_code == 429
    sixth = _login(client, commune_worker)
    assert sixth.status_code == 429
    assert not _logged_in(client)
    html = sixth.content.decode()
    assert "Tạm khóa đăng nhập" in html
    assert reverse("password_reset") in html
    assert "login" not in _actions(commune_worker)


def test_the_lockout_is_per_user_name(client, commune_worker, other_commune_worker):
    for _ in range(5):
        _login(client, commune_worker, password="sai-mat-khau")
    response = _login(client, other_commune_worker)
    assert response.status_code == 302
    assert _logged_in(client)


def test_a_successful_login_resets_the_failure_count(client, commune_worker):
    for _ in range(4):
        _login(client, commune_worker, password="sai-mat-khau")
    assert _login(client, commune_worker).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        _login(client, commune_worker, password="sai-mat-khau")
    assert _login(client, commune_worker).status_code == 302
    assert _logged_in(client)


# --- password change and reset -----------------------------------------------------------------------------


def test_it_changes_the_password_and_records_it(client, commune_worker):
    _login(client, commune_worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert _logged_in(client)  # the session survives its own password change
    commune_worker.refresh_from_db()
    assert commune_worker.check_password(NEW_PASSWORD)
    assert _actions(commune_worker) == ["login", "password.change"]
    client.post(reverse("logout"))
    assert _login(client, commune_worker, password=PASSWORD).status_code == 200
    assert _login(client, commune_worker, password=NEW_PASSWORD).status_code == 302


def test_a_password_change_revokes_the_users_api_tokens(client, commune_worker):
    """Django ends the user's other sessions on a password change; their API tokens went on working, so a
    password changed because it leaked left a token made with it alive."""
    _token, secret = do_create_token(acting_user=commune_worker, name="máy chủ của Sở", days=90)
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/me").status_code == 200
    _login(client, commune_worker)
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/me").status_code == 401
    entry = AuditEntry.objects.get(action="password.change")
    assert entry.changes == {"tokens_revoked": 1}


def test_it_refuses_a_password_change_with_a_wrong_old_password(client, commune_worker):
    _login(client, commune_worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": "khong-dung", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    commune_worker.refresh_from_db()
    assert commune_worker.check_password(PASSWORD)
    assert "password.change" not in _actions(commune_worker)


def test_it_refuses_a_weak_new_password(client, commune_worker):
    _login(client, commune_worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert "password.change" not in _actions(commune_worker)


def test_it_resets_a_forgotten_password_through_the_emailed_link(client, commune_worker):
    response = client.post(reverse("password_reset"), {"email": commune_worker.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [commune_worker.email]
    link = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    commune_worker.refresh_from_db()
    assert commune_worker.check_password(NEW_PASSWORD)
    assert _actions(commune_worker) == ["password.reset"]
    assert _login(client, commune_worker, password=NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_only_once(client, commune_worker):
    client.post(reverse("password_reset"), {"email": commune_worker.email})
    link = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_it_sends_no_email_for_an_unknown_address_but_answers_the_same(client, commune_worker):
    response = client.post(reverse("password_reset"), {"email": "khong-ai@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
