"""Encryption at rest of a case's identifying fields: the child's name is nowhere in the raw SQLite file nor in a
PostgreSQL dump; the search hash is keyed with a key derived from the data keys (not SECRET_KEY); rotating keys
keeps every case readable and findable."""

import os
import shutil
import sqlite3
import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from giamsat.cases import crypto
from giamsat.cases.models import Case, Consent
from giamsat.cases.services import do_record_consent
from test_cases_fixtures import CHILD, CHILD_FOLDED, intake_data

pytest_plugins = ["test_cases_fixtures"]

MARKER = "Cán Bộ Tiếp Nhận Đánh Dấu Demo"  # stored in clear on purpose: proves the copy holds the new rows
SECRETS = [CHILD, CHILD_FOLDED, "Thôn Demo 3", "0900000001", "0900000002", "Mẹ Của Bé Demo", "Trường Tiểu học Demo"]


def _raw(case, *columns):
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM cases_case WHERE id = %s", [case.pk])  # noqa: S608
        return cursor.fetchone()


def test_identifying_columns_hold_fernet_tokens_not_text(case):
    row = _raw(case, "child_name", "reporter_phone", "address_detail", "narrative", "child_birth_date", "school")
    for value in row:
        assert value.startswith("gAAAA")
        assert not any(secret in value for secret in SECRETS)
    assert Case.objects.get(pk=case.pk).child_name == CHILD
    assert Case.objects.get(pk=case.pk).child_birth_date.year == 2016


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the raw file of the embedded database")
def test_the_raw_sqlite_file_does_not_contain_the_child_s_name(hotline_operator, duc_linh, tmp_path):
    from giamsat.cases.services import do_intake

    do_intake(intake_data(duc_linh, receiving_person=MARKER), acting_user=hotline_operator)
    connection.ensure_connection()
    # The bytes SQLite would write to the database file (the test database lives in memory).
    raw = connection.connection.serialize()
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(raw)
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM cases_case").fetchone()[0] >= 1
    assert MARKER.encode() in raw  # the copy does hold this test's rows
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
        assert secret.upper().encode() not in raw


def test_the_search_hash_is_keyed_by_the_data_keys_not_the_secret_key(settings):
    first = crypto.name_hash(CHILD)
    assert first == crypto.name_hash("  tran THI be   demo ")  # accent- and case-insensitive, spaces folded
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert crypto.name_hash(CHILD) == first
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert crypto.name_hash(CHILD) != first
    assert crypto.name_hash("") == "" and crypto.name_hashes("  ") == []


def test_a_case_is_found_by_its_exact_name_only(case):
    assert list(Case.objects.with_name("Tran Thi Be Demo")) == [case]
    assert not Case.objects.with_name("Trần Thị Bé").exists()  # no partial matches: a hash is exact


def test_rotation_re_encrypts_with_the_newest_key_and_keeps_cases_readable(case, commune_worker, settings):
    from django.utils import timezone

    do_record_consent(
        case,
        acting_user=commune_worker,
        basis="consent",
        given_at=timezone.now(),
        child_consent="yes",
        guardian_consented=True,
        guardian_name="Mẹ Của Bé Demo",
        scope="Chia sẻ với trạm y tế",
    )
    old_keys = list(settings.DATA_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.DATA_ENCRYPTION_KEYS = [new_key, *old_keys]
    # Before rotating: old values still read, and the old hash still finds the child.
    assert Case.objects.get(pk=case.pk).child_name == CHILD
    assert Case.objects.with_name(CHILD).filter(pk=case.pk).exists()
    before = _raw(case, "child_name")[0]

    call_command("rotate_case_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115

    settings.DATA_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    after = _raw(case, "child_name")[0]
    assert after != before
    assert Fernet(new_key).decrypt(after.encode()).decode() == CHILD
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.child_name, fresh.guardian_phone, fresh.narrative[:10]) == (CHILD, "0900000002", "Hàng xóm n")
    assert Consent.objects.get(case=case).guardian_name == "Mẹ Của Bé Demo"
    assert Case.objects.with_name(CHILD).filter(pk=case.pk).exists()

    settings.DATA_ENCRYPTION_KEYS = old_keys  # only the retired key: nothing can be read
    with pytest.raises(ImproperlyConfigured):
        Case.objects.get(pk=case.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump of a PostgreSQL database")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_does_not_contain_the_child_s_name(hotline_operator):
    from giamsat.cases.services import do_intake
    from giamsat.units.choices import Level, Structure, UnitType
    from giamsat.units.models import Unit

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    # A transactional test sees only committed rows and empties every table afterwards: bring its own commune.
    province = Unit.objects.create(
        structure=Structure.CURRENT, code=9901, name="Tỉnh Thử Demo", type=UnitType.PROVINCE, level=Level.PROVINCE
    )
    commune = Unit.objects.create(
        structure=Structure.CURRENT,
        code=99001,
        name="Xã Thử Demo",
        type=UnitType.COMMUNE,
        level=Level.COMMUNE,
        parent=province,
    )
    do_intake(intake_data(commune, receiving_person=MARKER), acting_user=hotline_operator)
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [
        "pg_dump",
        "--data-only",
        "--no-owner",
        "-h",
        db.get("HOST") or "localhost",
        "-p",
        str(db.get("PORT") or 5432),
    ]
    command += ["-U", db["USER"], db["NAME"]]
    dump = subprocess.run(command, env=env, capture_output=True, check=True, timeout=120).stdout
    assert MARKER.encode() in dump
    for secret in SECRETS:
        assert secret.encode() not in dump, secret
