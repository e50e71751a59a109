"""Personal API tokens: shown once, stored as a hash, usable as a bearer token until revoked or expired, and
read-only if their owner chose."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from giamsat.accounts.models import ApiToken
from giamsat.accounts.services import do_create_token, do_revoke_token
from giamsat.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def _bearer(secret) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _create_on_the_page(client, name="Máy chủ tổng hợp của Sở"):
    response = client.post(PROFILE, {"name": name, "days": 90})
    assert response.status_code == 200
    return response


def test_it_shows_a_new_token_once(commune_worker, client_for):
    client = client_for(commune_worker)
    response = _create_on_the_page(client)
    secret = response.context["new_secret"]
    assert secret.startswith("gs_") and len(secret) > 40
    html = response.content.decode()
    assert f'data-testid="new-token">{secret}<' in html
    token = ApiToken.objects.get(user=commune_worker)
    assert token.name == "Máy chủ tổng hợp của Sở"
    later = client.get(PROFILE).content.decode()
    assert secret not in later
    assert f"{token.hint}…" in later  # only the first characters, to tell tokens apart


def test_it_stores_only_the_sha256_of_the_secret(commune_worker, client_for):
    secret = _create_on_the_page(client_for(commune_worker)).context["new_secret"]
    token = ApiToken.objects.get(user=commune_worker)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = ApiToken.objects.filter(pk=token.pk).values(*[f.attname for f in ApiToken._meta.concrete_fields]).get()
    assert not [column for column, value in row.items() if secret in str(value)]
    assert len(token.hint) < len(secret) // 2


def test_it_refuses_a_token_without_a_name(commune_worker, client_for):
    response = client_for(commune_worker).post(PROFILE, {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["new_secret"] is None
    assert not ApiToken.objects.filter(user=commune_worker).exists()


def test_a_bearer_token_authenticates_the_api(commune_worker):
    token, secret = do_create_token(acting_user=commune_worker, name="thử", days=90)
    assert token.last_used_at is None
    response = _bearer(secret).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == commune_worker.username
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_bearer_token_carries_the_jurisdiction_of_its_owner(commune_worker, other_commune_worker):
    _token, secret = do_create_token(acting_user=commune_worker, name="thử", days=90)
    body = _bearer(secret).get("/api/units", {"q": "xa", "structure": "current"}).json()
    assert [item["name"] for item in body["items"]] == ["Xã Đức Linh"]


@pytest.mark.parametrize("header", ["Bearer gs_khong-phai-ma-that", "Bearer ", "Token abc", "gs_abc"])
def test_a_wrong_or_malformed_token_gets_401(db, header):
    response = Client(headers={"Authorization": header}).get("/api/me")
    assert response.status_code == 401
    assert response.json()["errors"] == []


def test_a_revoked_token_gets_401(commune_worker, client_for):
    client = client_for(commune_worker)
    secret = _create_on_the_page(client).context["new_secret"]
    token = ApiToken.objects.get(user=commune_worker)
    assert _bearer(secret).get("/api/me").status_code == 200
    response = client.post(reverse("accounts:revoke_token", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _bearer(secret).get("/api/me").status_code == 401
    page = client.get(PROFILE).content.decode()
    assert "đã thu hồi" in page
    assert f"Đã thu hồi mã {token.name}." in page


def test_the_token_of_a_deactivated_user_gets_401(commune_worker):
    _token, secret = do_create_token(acting_user=commune_worker, name="thử", days=90)
    commune_worker.is_active = False
    commune_worker.save()
    assert _bearer(secret).get("/api/me").status_code == 401


def test_outsider_gets_404_on_revoking_another_users_token(commune_worker, outsider, client_for):
    token, secret = do_create_token(acting_user=commune_worker, name="của người khác", days=90)
    response = client_for(outsider).post(reverse("accounts:revoke_token", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert _bearer(secret).get("/api/me").status_code == 200
    assert not AuditEntry.objects.filter(action="token.revoke").exists()


def test_the_revoke_url_needs_a_post(commune_worker, client_for):
    token, _secret = do_create_token(acting_user=commune_worker, name="thử", days=90)
    assert client_for(commune_worker).get(reverse("accounts:revoke_token", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_sees_only_their_own_tokens(commune_worker, other_commune_worker, client_for):
    do_create_token(acting_user=commune_worker, name="mã của Đức Linh", days=90)
    do_create_token(acting_user=other_commune_worker, name="mã của Hoài Đức", days=90)
    response = client_for(other_commune_worker).get(PROFILE)
    assert [t.name for t in response.context["tokens"]] == ["mã của Hoài Đức"]
    assert "mã của Đức Linh" not in response.content.decode()


def test_it_records_creation_and_revocation_in_the_audit_trail(commune_worker, client_for):
    client = client_for(commune_worker)
    _create_on_the_page(client, name="thử nhật ký")
    token = ApiToken.objects.get(user=commune_worker)
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    client.post(reverse("accounts:revoke_token", args=[token.pk]))  # a second revoke changes nothing
    entries = AuditEntry.objects.filter(action__startswith="token.").order_by("id")
    assert [(e.action, e.actor, e.object_id) for e in entries] == [
        ("token.create", commune_worker, str(token.pk)),
        ("token.revoke", commune_worker, str(token.pk)),
    ]
    assert entries[0].object_repr == str(token)


def test_revoking_through_the_service_checks_the_owner(commune_worker, outsider):
    token, _secret = do_create_token(acting_user=commune_worker, name="thử", days=90)
    with pytest.raises(ApiToken.DoesNotExist):
        do_revoke_token(token, acting_user=outsider)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_new_token_lives_as_long_as_its_owner_chose(commune_worker, client_for):
    client = client_for(commune_worker)
    before = timezone.now()
    client.post(PROFILE, {"name": "một tháng", "days": 30})
    token = ApiToken.objects.get(user=commune_worker)
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)
    assert not token.read_only
    row = client.get(PROFILE).content.decode().split(f'data-testid="token-{token.pk}"')[1].split("</tr>")[0]
    assert date_format(timezone.localtime(token.expires_at), "SHORT_DATETIME_FORMAT") in row
    assert "Đọc và ghi" in row


def test_it_refuses_a_lifetime_not_in_the_list_and_makes_no_token(commune_worker, client_for):
    for days in ("3650", "0", "abc", ""):
        response = client_for(commune_worker).post(PROFILE, {"name": "mãi mãi", "days": days})
        assert response.status_code == 200
        assert response.context["form"].errors["days"] in (
            ["Hãy chọn một thời hạn trong danh sách."],
            ["Trường này là bắt buộc."],
        )
        assert response.context["new_secret"] is None
    with pytest.raises(ValidationError):
        do_create_token(acting_user=commune_worker, name="mãi mãi", days=3650)
    assert not ApiToken.objects.filter(user=commune_worker).exists()


def test_an_expired_token_gets_401_and_the_page_says_so(commune_worker, client_for):
    token, secret = do_create_token(acting_user=commune_worker, name="cũ", days=30)
    assert _bearer(secret).get("/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _bearer(secret).get("/api/me")
    assert response.status_code == 401
    assert "hết hạn" in response.json()["message"]
    row = client_for(commune_worker).get(PROFILE).content.decode().split(f'data-testid="token-{token.pk}"')[1]
    row = row.split("</tr>")[0]
    assert "đã hết hạn" in row
    assert "Thu hồi" not in row  # nothing left to revoke


def test_the_page_warns_two_weeks_before_a_token_expires(commune_worker, client_for):
    token, _secret = do_create_token(acting_user=commune_worker, name="sắp hết", days=30)
    client = client_for(commune_worker)

    def row():
        return client.get(PROFILE).content.decode().split(f'data-testid="token-{token.pk}"')[1].split("</tr>")[0]

    assert "sắp hết hạn" not in row()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=13, hours=23))
    assert "sắp hết hạn: hãy tạo mã mới" in row()


def test_a_read_only_token_reads_but_every_write_gets_403(commune_worker, client_for):
    from giamsat.cases.models import Case

    client = client_for(commune_worker)
    response = client.post(PROFILE, {"name": "chỉ lấy số liệu", "days": 90, "read_only": "on"})
    token = ApiToken.objects.get(user=commune_worker)
    assert token.read_only
    assert "Chỉ đọc" in client.get(PROFILE).content.decode().split(f'data-testid="token-{token.pk}"')[1]
    reader = _bearer(response.context["new_secret"])
    _write, write_secret = do_create_token(acting_user=commune_worker, name="ghi", days=90)
    assert reader.get("/api/me").status_code == 200
    # A token that may write gets as far as checking the body; the read-only one is stopped first, on any row.
    assert _bearer(write_secret).post("/api/cases", {}, content_type="application/json").status_code == 422
    for method, path in [("post", "/api/cases"), ("put", "/api/cases/999999/plan"), ("delete", "/api/documents/1")]:
        response = getattr(reader, method)(path, {}, content_type="application/json")
        assert response.status_code == 403, (method, path)
        assert response.json()["message"] == "Mã truy cập này chỉ được đọc dữ liệu; hãy dùng mã có quyền ghi."
    assert not Case.objects.exists()


def test_a_password_change_revokes_expired_tokens_too(commune_worker):
    """An expired token left unrevoked could be given a new expiry date and work again with the old password's
    leak."""
    from giamsat.accounts.services import do_record_password_change

    expired, _secret = do_create_token(acting_user=commune_worker, name="cũ", days=30)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    do_record_password_change(commune_worker, how="change")
    expired.refresh_from_db()
    assert expired.revoked_at is not None
