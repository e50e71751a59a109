"""The audit trail: written in the change's own transaction, read by administrators only."""

import datetime
import json

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import factories as f
from factories import PERSONAS
from giamsat.core import audit
from giamsat.core.models import AuditEntry
from giamsat.units.models import Organisation, Unit

AUDIT = reverse("audit_log")


# --- writing -----------------------------------------------------------------------------------------------


def test_record_refuses_to_run_outside_a_transaction(django_db_setup, django_db_blocker):
    # No `db` fixture on purpose: that would wrap the test in a transaction. Nothing is written either way.
    with django_db_blocker.unblock():
        try:
            before = AuditEntry.objects.count()
            assert not transaction.get_connection().in_atomic_block
            with pytest.raises(RuntimeError, match="inside the transaction"):
                audit.record(None, "test.outside")
            assert AuditEntry.objects.count() == before
        finally:
            # Opened outside pytest-django's care (it runs among the last tests): left open on PostgreSQL, it kept
            # the test database from being dropped at the end of the run.
            transaction.get_connection().close()


@pytest.mark.django_db
def test_record_writes_who_did_what_to_which_row(commune_worker):
    unit = Unit.objects.get(structure="legacy", level=1, code=60)
    with transaction.atomic():
        entry = audit.record(commune_worker, "unit.look", unit, changes={"name": ["a", "b"]})
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.action) == (commune_worker, commune_worker.username, "unit.look")
    assert (entry.content_type.model, entry.object_id, entry.object_repr) == ("unit", str(unit.pk), "Tỉnh Bình Thuận")
    assert entry.changes == {"name": ["a", "b"]}
    assert entry.at <= timezone.now()


@pytest.mark.django_db
def test_record_goes_with_its_transaction_when_it_fails(commune_worker):
    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(commune_worker, "test.rolled_back")
        _ = 1 / 0
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_the_entry_keeps_the_name_after_the_account_is_gone(commune_worker):
    with transaction.atomic():
        entry = audit.record(commune_worker, "test.kept")
    commune_worker.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_name == "baove_duclinh"


def test_diff_lists_only_changed_fields_as_plain_values():
    before = {"name": "Xã A", "count": 1, "day": datetime.date(2025, 6, 30), "same": True}
    after = {"name": "Xã B", "count": 1, "day": datetime.date(2025, 7, 1), "same": True}
    assert audit.diff(before, after) == {"name": ["Xã A", "Xã B"], "day": ["2025-06-30", "2025-07-01"]}
    assert audit.diff({}, {"new": None}) == {}
    assert audit.diff({}, {"new": 5}) == {"new": [None, 5]}


# --- reading: /audit/ --------------------------------------------------------------------------------------


def _entry(actor, action, days_ago=0):
    with transaction.atomic():
        entry = audit.record(actor, action)
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - datetime.timedelta(days=days_ago))
    return entry


@pytest.fixture
def entries(db, commune_worker, province_officer):
    AuditEntry.objects.all().delete()  # only this test's entries (rolled back afterwards)
    return {
        "old": _entry(commune_worker, "token.create", days_ago=40),
        "recent": _entry(commune_worker, "password.change", days_ago=2),
        "today": _entry(province_officer, "token.create"),
    }


def _shown(response):
    assert response.status_code == 200
    return {entry.pk for entry in response.context["page_obj"]}


def test_the_admin_sees_the_audit_log(admin_user, client_for, entries):
    response = client_for(admin_user).get(AUDIT)
    # the admin's own login (client_for) is in it too
    assert _shown(response) >= {e.pk for e in entries.values()}
    html = response.content.decode()
    assert "password.change" in html and "baove_duclinh" in html


def test_the_audit_log_names_actions_and_changed_fields_in_words(admin_user, client_for, commune_worker):
    """Administrators read "case.intake" and "risk_level: high": codes, not what happened."""
    unit = f.legacy_province(f.BINH_THUAN)
    with transaction.atomic():
        audit.record(commune_worker, "password.change", unit, changes={"name": ["a", "b"], "comment": "x", "z": 1})
    html = client_for(admin_user).get(AUDIT).content.decode()
    assert f"{audit.label('password.change')} <code" in html and audit.label("password.change") != "password.change"
    assert "<b>Tên</b>: [&#x27;a&#x27;, &#x27;b&#x27;]" in html and "<b>Ý kiến</b>: x" in html
    assert "<b>z</b>: 1" in html  # a key no one named is shown as it is


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "baove"}, {"old", "recent"}),
        ({"actor": "TINH_LAM"}, {"today"}),
        ({"action": "token"}, {"old", "today"}),
        ({"action": "password.change"}, {"recent"}),
        ({"actor": "baove", "action": "token"}, {"old"}),
    ],
)
def test_the_audit_log_filters_by_actor_and_action(admin_user, client_for, entries, params, expected):
    assert _shown(client_for(admin_user).get(AUDIT, params)) == {entries[key].pk for key in expected}


def _day(days_ago, fmt):
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).strftime(fmt)


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%d/%m/%Y"])
def test_the_audit_log_filters_by_date(admin_user, client_for, entries, fmt):
    client = client_for(admin_user)
    recent = {"actor": "baove", "from": _day(10, fmt)}
    assert _shown(client.get(AUDIT, recent)) == {entries["recent"].pk}
    old = {"actor": "baove", "to": _day(10, fmt)}
    assert _shown(client.get(AUDIT, old)) == {entries["old"].pk}
    window = {"from": _day(3, fmt), "to": _day(1, fmt)}
    assert _shown(client.get(AUDIT, window)) == {entries["recent"].pk}


def test_the_audit_log_ignores_an_unreadable_date(admin_user, client_for, entries):
    response = client_for(admin_user).get(AUDIT, {"actor": "baove", "from": "hôm qua"})
    assert _shown(response) == {entries["old"].pk, entries["recent"].pk}


def test_the_audit_log_pages_by_fifty(admin_user, client_for, db):
    for n in range(55):
        _entry(admin_user, f"test.page{n}")
    client = client_for(admin_user)
    first = client.get(AUDIT, {"action": "test.page"})
    assert len(first.context["page_obj"]) == 50
    assert len(client.get(AUDIT, {"action": "test.page", "page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin_user"], indirect=True)
def test_every_other_persona_gets_404_on_the_audit_log(persona, client_for, entries):
    response = client_for(persona).get(AUDIT)
    assert response.status_code == 404
    assert "password.change" not in response.content.decode()


def test_anonymous_is_sent_to_login_from_the_audit_log(client):
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_the_admin_has_the_audit_log_in_the_menu(admin_user, province_officer, client_for):
    assert f'href="{AUDIT}"' in client_for(admin_user).get(reverse("home")).content.decode()
    assert f'href="{AUDIT}"' not in client_for(province_officer).get(reverse("home")).content.decode()


def test_nobody_edits_or_deletes_the_trail_in_the_admin_site(admin_user, client_for, entries):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_for(admin_user)
    entry = entries["old"]
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "forged"})
    entry.refresh_from_db()
    assert entry.action == "token.create"


# --- changes made in the admin site ------------------------------------------------------------------------


@pytest.fixture
def superuser_client(admin_user, client_for):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return client_for(admin_user)


def test_a_change_in_the_admin_site_is_audited_with_its_fields(superuser_client, admin_user):
    organisation = Organisation.objects.get(name="Ủy ban nhân dân huyện Tánh Linh")
    response = superuser_client.post(
        reverse("admin:units_organisation_change", args=[organisation.pk]),
        {
            "name": "UBND huyện Tánh Linh (đổi tên)",
            "abbreviation": organisation.abbreviation,
            "kind": organisation.kind,
            "unit": organisation.unit_id,
            "parent": "",
            "valid_from": "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change", object_id=str(organisation.pk))
    assert entry.actor == admin_user
    assert entry.changes == {"name": "UBND huyện Tánh Linh (đổi tên)"}


ADMIN_PASSWORD = "Bi-mat-cua-quan-tri-2026"


def test_a_user_added_in_the_admin_site_leaves_no_password_in_the_trail(superuser_client):
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "moi", "usable_password": "true", "password1": ADMIN_PASSWORD, "password2": ADMIN_PASSWORD},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.add", object_repr="moi")
    assert entry.changes.get("username") == "moi"
    assert ADMIN_PASSWORD not in json.dumps(entry.changes, ensure_ascii=False)


def test_a_password_set_in_the_admin_site_is_audited(superuser_client, commune_worker):
    response = superuser_client.post(
        reverse("admin:auth_user_password_change", args=[commune_worker.pk]),
        {"usable_password": "true", "password1": ADMIN_PASSWORD, "password2": ADMIN_PASSWORD},
    )
    assert response.status_code == 302
    commune_worker.refresh_from_db()
    assert commune_worker.check_password(ADMIN_PASSWORD)
    assert AuditEntry.objects.filter(object_id=str(commune_worker.pk), action__startswith="password.").exists()
