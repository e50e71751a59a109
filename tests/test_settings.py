"""The one settings module: hardened in production, WAL on SQLite, keys generated outside the repository."""

import base64
import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections


def _run_django(args, home, **env):
    # Nothing of this test process leaks in: no GIAMSAT_* or DJANGO_* switch (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses), no DATABASE_URL.
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAMSAT_", "DJANGO_")) and k not in {"DATABASE_URL", "PYTHONSTARTUP"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "giamsat.settings", "GIAMSAT_HOME": str(home), **env})
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, timeout=120, cwd=home
    )


def _production_env():
    return {
        "GIAMSAT_PRODUCTION": "1",
        "GIAMSAT_SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "GIAMSAT_DATA_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "GIAMSAT_ALLOWED_HOSTS": "example.org",
    }


def test_the_production_settings_pass_the_deployment_checks(tmp_path):
    result = _run_django(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **_production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_keys_from_the_environment(tmp_path):
    env = _production_env()
    del env["GIAMSAT_SECRET_KEY"]
    result = _run_django(["-m", "django", "check"], tmp_path, **env)
    assert result.returncode != 0
    assert "GIAMSAT_SECRET_KEY" in result.stderr
    assert not (tmp_path / "keys.json").exists()


PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS)"
)


def test_production_ignores_the_debug_switch(tmp_path):
    result = _run_django(["-c", PRINT_SETTINGS], tmp_path, GIAMSAT_DEBUG="1", **_production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "31536000", "['example.org']"]
    assert not (tmp_path / "keys.json").exists()  # production keys never come from a file


def test_the_wsgi_application_starts_with_the_loaded_modules_kept_out_of_full_collections(tmp_path):
    script = (
        "import gc, sys; import giamsat.wsgi as w; "
        "print(callable(w.application), gc.get_freeze_count() > 0, 'giamsat.dashboards.views' in sys.modules)"
    )
    result = _run_django(["-c", script], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def test_a_developer_machine_generates_its_keys_once_into_home(tmp_path):
    script = "from django.conf import settings as s; print(s.SECRET_KEY, *s.DATA_ENCRYPTION_KEYS)"
    first = _run_django(["-c", script], tmp_path)
    assert first.returncode == 0, first.stderr
    keys_file = tmp_path / "keys.json"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    keys = json.loads(keys_file.read_text(encoding="utf-8"))
    assert first.stdout.split() == [keys["secret_key"], *keys["data_keys"]]
    assert len(keys["secret_key"]) >= 50
    assert len(base64.urlsafe_b64decode(keys["data_keys"][0])) == 32  # a Fernet key
    second = _run_django(["-c", script], tmp_path)
    assert second.stdout == first.stdout  # reused, not regenerated: sessions survive a restart


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_connections_use_wal_and_wait_for_the_writer(tmp_path, django_db_blocker):
    # The test database lives in memory, where WAL does not apply; open the configured connection on a file.
    default = connections["default"]
    settings_dict = {**default.settings_dict, "NAME": str(tmp_path / "wal.sqlite3")}
    other = type(default)(settings_dict, alias="wal_check")
    with django_db_blocker.unblock():
        try:
            with other.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA foreign_keys")
                assert cursor.fetchone()[0] == 1
                cursor.execute("PRAGMA busy_timeout")
                assert cursor.fetchone()[0] == 20_000
        finally:
            other.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_and_read_random_pages_cheaply():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_an_operator_may_give_postgresql_options_of_their_own(tmp_path):
    show = "import django; django.setup(); from django.conf import settings as s; print(s.DATABASES['default'])"
    url = "postgres://giamsat:secret@127.0.0.1/giamsat"
    ours = _run_django(["-c", show], tmp_path, DATABASE_URL=url)
    assert "'options': '-c jit=off -c random_page_cost=1.1'" in ours.stdout, ours.stderr
    theirs = _run_django(["-c", show], tmp_path, DATABASE_URL=url, GIAMSAT_PG_OPTIONS="-c random_page_cost=4")
    assert "'options': '-c random_page_cost=4'" in theirs.stdout, theirs.stderr


def test_pages_forbid_inline_and_foreign_scripts_and_no_template_needs_them(client_for, district_officer):
    """No Content-Security-Policy: a text injected into a page could have run as script. The policy allows
    scripts only from our own files, so no template may carry an inline handler or script."""
    response = client_for(district_officer).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    templates = Path(__file__).resolve().parent.parent / "src" / "giamsat" / "templates"
    inline = [
        f"{path.relative_to(templates)}: {found}"
        for path in templates.rglob("*.html")
        for found in re.findall(
            r"\son[a-z]+=\"|<script>|<script\s(?![^>]*\bsrc=)(?![^>]*application/json)", path.read_text()
        )
    ]
    assert inline == []
