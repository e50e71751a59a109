#!/usr/bin/env python3
"""Toàn bộ kiểm thử giamsat / the whole giamsat test suite (also what CI runs, through .ci/run).

    python3 scripts/test.py                 # everything
    python3 scripts/test.py -k units        # other arguments go to both pytest passes
    python3 scripts/test.py --sqlite-only   # quick local run: no PostgreSQL pass

Stages, stopping at the first failure: system packages (as root, apt-get installs what is missing), the virtual
environment (.venv, `pip install -e .[test]` when pyproject.toml changed), ruff check, ruff format --check, missing
migrations, pytest on SQLite, PostgreSQL (started here, with a role whose password is new on every run), pytest on
PostgreSQL. Each pytest pass gets its own empty GIAMSAT_HOME, so tests never touch the demo's ./var.

Without root, whatever is missing (Chromium, PostgreSQL) is skipped with a warning; with CI=true it is a failure.
A PostgreSQL server of your own can be given as GIAMSAT_TEST_DATABASE_URL (the role needs CREATEDB).
Standard library only.
"""

import glob
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # noqa: S405 - parses pytest's own JUnit report
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from _bootstrap import BIN, PYTHON, ROOT, ensure_venv, say, tool, warn

CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
APT = shutil.which("apt-get")
CHROMIUM = Path("/usr/bin/chromium")
PG_ROLE = "giamsat"
PG_DATABASE = "giamsat"


class StageFailed(Exception):
    pass


class StageSkipped(Exception):
    pass


@dataclass
class Run:
    pytest_args: list[str]
    sqlite_only: bool = False
    database_url: str | None = None  # set by the PostgreSQL stage
    homes: list[Path] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=lambda: {"passed": 0, "failed": 0, "skipped": 0})


# --------------------------------------------------------------------------------------------- helpers


def run(command: list[str], what: str, env: dict | None = None, **kwargs) -> None:
    print(f"$ {' '.join(command)}", flush=True)
    result = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, **kwargs)
    if result.returncode != 0:
        raise StageFailed(f"{what} (exit code {result.returncode})")


def project_env(run_state: Run, database_url: str | None = None) -> dict:
    """Environment for project commands: the venv first on PATH, a fresh GIAMSAT_HOME, the chosen database."""
    home = Path(tempfile.mkdtemp(prefix="giamsat-test-home-"))
    run_state.homes.append(home)
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("GIAMSAT_PRODUCTION", None)
    env["GIAMSAT_HOME"] = str(home)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def missing_or_fail(message: str) -> None:
    """Something needed is absent and cannot be installed here: a failure on CI, a loud skip elsewhere."""
    if CI:
        raise StageFailed(f"{message} (CI=true: nothing may be skipped)")
    warn(message)
    raise StageSkipped(message)


# --------------------------------------------------------------------------------------------- system packages


def _dpkg_installed(package: str) -> bool:
    if not shutil.which("dpkg-query"):
        return False
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    return result.returncode == 0 and result.stdout.strip() == "install ok installed"


def postgres_binaries() -> list[str]:
    return sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))


# Debian package -> is it there?  (What the suite needs from the system.)
SYSTEM_PACKAGES: dict[str, Callable[[], bool]] = {
    "postgresql": lambda: bool(postgres_binaries()) and bool(shutil.which("pg_ctlcluster")),
    "chromium": CHROMIUM.exists,
    "gettext": lambda: bool(shutil.which("msgfmt") and shutil.which("xgettext")),
    "fonts-liberation": lambda: _dpkg_installed("fonts-liberation"),
    "fonts-dejavu-core": lambda: _dpkg_installed("fonts-dejavu-core"),
    # Official documents are converted to PDF by LibreOffice (headless, no GUI packages).
    "libreoffice-writer-nogui": lambda: bool(shutil.which("soffice")),
}


def missing_packages(run_state: Run) -> list[str]:
    wanted = [p for p in SYSTEM_PACKAGES if not (run_state.sqlite_only and p == "postgresql")]
    return [p for p in wanted if not SYSTEM_PACKAGES[p]()]


def stage_system_packages(run_state: Run) -> str:
    missing = missing_packages(run_state)
    if not missing:
        return "all present"
    if not (IS_ROOT and APT):
        why = "not root" if APT else "no apt-get"
        missing_or_fail(
            f"Thiếu gói hệ thống / missing system packages: {' '.join(missing)} ({why}, cannot install them).\n"
            f"!! Install them with: sudo apt-get install {' '.join(missing)}\n"
            "!! Until then the PostgreSQL pass and/or the browser tests are skipped."
        )
    say(f"Đang cài đặt gói hệ thống… / installing system packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300"]
    run([*apt, "update"], "apt-get update", env=env)
    run([*apt, "install", "-y", "--no-install-recommends", *missing], "apt-get install", env=env)
    still = missing_packages(run_state)
    if still:
        raise StageFailed(f"still missing after apt-get install: {' '.join(still)}")
    return f"installed {' '.join(missing)}"


# --------------------------------------------------------------------------------------------- venv and checks


def stage_venv(run_state: Run) -> str:
    ensure_venv("test")
    return str(PYTHON.relative_to(ROOT))


def stage_ruff_check(run_state: Run) -> str:
    run([str(tool("ruff")), "check", "."], "ruff check found problems (try: .venv/bin/ruff check --fix .)")
    return ""


def stage_ruff_format(run_state: Run) -> str:
    run(
        [str(tool("ruff")), "format", "--check", "."],
        "ruff format: files need formatting (run: .venv/bin/ruff format .)",
    )
    return ""


def stage_migrations(run_state: Run) -> str:
    run(
        [str(tool("giamsat")), "makemigrations", "--check", "--dry-run"],
        "models changed without a migration (run: .venv/bin/giamsat makemigrations)",
        env=project_env(run_state),
    )
    return ""


# --------------------------------------------------------------------------------------------- pytest


def _junit_counts(path: Path) -> dict[str, int]:
    """passed, failed (with errors), skipped (with xfailed), xfailed: from pytest's JUnit XML report."""
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0}
    if not path.exists():
        return counts
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
        counts["failed"] += failures + errors
        counts["skipped"] += skipped
        counts["passed"] += tests - failures - errors - skipped
        counts["xfailed"] += len(suite.findall("testcase/skipped[@type='pytest.xfail']"))
    return counts


def pytest_pass(run_state: Run, label: str, database_url: str | None) -> str:
    env = project_env(run_state, database_url)
    report = Path(env["GIAMSAT_HOME"]) / "junit.xml"
    command = [str(PYTHON), "-m", "pytest", f"--junitxml={report}", *run_state.pytest_args]
    print(f"$ {' '.join(command)}   [{label}]", flush=True)
    code = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL).returncode
    counts = _junit_counts(report)
    for key in run_state.totals:
        run_state.totals[key] += counts[key]
    detail = f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"
    if counts["xfailed"]:
        detail += f" (of which {counts['xfailed']} xfailed)"
    if code == 5:
        raise StageFailed(f"pytest collected no tests ({label})")
    if code != 0:
        raise StageFailed(f"pytest failed on {label} (exit code {code}): {detail}")
    return detail


def stage_pytest_sqlite(run_state: Run) -> str:
    return pytest_pass(run_state, "SQLite", None)


def stage_pytest_postgres(run_state: Run) -> str:
    if run_state.sqlite_only:
        raise StageSkipped("--sqlite-only")
    if not run_state.database_url:
        raise StageSkipped("no PostgreSQL")
    return pytest_pass(run_state, "PostgreSQL", run_state.database_url)


# --------------------------------------------------------------------------------------------- PostgreSQL


def _as_postgres(command: list[str], what: str, sql: str | None = None) -> str:
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        input=sql,
        capture_output=True,
        text=True,
        cwd="/",
    )
    if result.returncode != 0:
        raise StageFailed(f"{what}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _clusters() -> list[list[str]]:
    out = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
    )
    return [line.split() for line in out.stdout.splitlines() if line.strip()]


def stage_postgres(run_state: Run) -> str:
    if run_state.sqlite_only:
        raise StageSkipped("--sqlite-only")
    given = os.environ.get("GIAMSAT_TEST_DATABASE_URL")
    if given:
        run_state.database_url = given
        return "GIAMSAT_TEST_DATABASE_URL"
    if not IS_ROOT:
        missing_or_fail(
            "Not root: cannot start PostgreSQL here, so the PostgreSQL pass is skipped.\n"
            "!! Give a server as GIAMSAT_TEST_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/giamsat"
            " (a role with CREATEDB)."
        )
    if not (postgres_binaries() and shutil.which("pg_lsclusters") and shutil.which("runuser")):
        missing_or_fail("PostgreSQL server (postgresql-common, runuser) not installed: PostgreSQL pass skipped")
    clusters = _clusters()
    if not clusters:
        version = Path(postgres_binaries()[-1]).parts[-3]
        say(f"Đang tạo cụm PostgreSQL / creating PostgreSQL cluster {version}/main")
        run(["pg_createcluster", version, "main"], "pg_createcluster")
        clusters = _clusters()
    version, name, port, status = clusters[0][:4]
    if not status.startswith("online"):
        say(f"Đang khởi động PostgreSQL / starting PostgreSQL {version}/{name}")
        run(["pg_ctlcluster", version, name, "start"], "pg_ctlcluster start")
    deadline = time.monotonic() + 60
    while True:
        ready = subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", port], stdin=subprocess.DEVNULL, capture_output=True
        )
        if ready.returncode == 0:
            break
        if time.monotonic() > deadline:
            raise StageFailed(f"PostgreSQL {version}/{name} not accepting connections on 127.0.0.1:{port}")
        time.sleep(0.5)
    password = secrets.token_hex(24)  # new every run; never written to a file
    # Constants and a hex string only: nothing from outside reaches this SQL.
    sql = f"""
DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{PG_ROLE}') THEN
    ALTER ROLE {PG_ROLE} WITH LOGIN CREATEDB PASSWORD '{password}';
  ELSE
    CREATE ROLE {PG_ROLE} WITH LOGIN CREATEDB PASSWORD '{password}';
  END IF;
END $$;
SELECT 'create database {PG_DATABASE} owner {PG_ROLE}'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{PG_DATABASE}')\\gexec
"""  # noqa: S608
    # The SQL goes through standard input, so the password never shows in a process list.
    _as_postgres(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", port, "-d", "postgres"], "creating the role", sql)
    run_state.database_url = f"postgres://{PG_ROLE}:{password}@127.0.0.1:{port}/{PG_DATABASE}"
    return f"PostgreSQL {version} on 127.0.0.1:{port}, role {PG_ROLE}"


# --------------------------------------------------------------------------------------------- the stages

# (name, function). A function returns a short note, raises StageSkipped or StageFailed. Add a check by adding a
# line here, e.g. ("i18n", stage_i18n) after "migrations".
STAGES: list[tuple[str, Callable[[Run], str]]] = [
    ("system packages", stage_system_packages),
    ("venv", stage_venv),
    ("ruff check", stage_ruff_check),
    ("ruff format", stage_ruff_format),
    ("migrations", stage_migrations),
    ("pytest (SQLite)", stage_pytest_sqlite),
    ("postgresql", stage_postgres),
    ("pytest (PostgreSQL)", stage_pytest_postgres),
]


def parse(argv: list[str]) -> Run | None:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return None
    sqlite_only = "--sqlite-only" in argv
    return Run(pytest_args=[a for a in argv if a != "--sqlite-only"], sqlite_only=sqlite_only)


def main(argv: list[str]) -> int:
    run_state = parse(argv)
    if run_state is None:
        return 0
    say(f"giamsat tests in {ROOT} (CI={'true' if CI else 'false'}, root={'yes' if IS_ROOT else 'no'})")
    results: list[tuple[str, str, float, str]] = []
    failed = False
    started = time.monotonic()
    try:
        for name, function in STAGES:
            if failed:
                results.append((name, "not run", 0.0, ""))
                continue
            print(f"\n---------- {name} ----------", flush=True)
            t0 = time.monotonic()
            try:
                note = function(run_state)
                status = "ok"
            except StageSkipped as skip:
                status, note = "skipped", str(skip).splitlines()[0]
            except StageFailed as failure:
                status, note = "failed", str(failure).splitlines()[0]
                failed = True
                print(f"\nFAILED: {name}: {failure}", file=sys.stderr, flush=True)
            except KeyboardInterrupt:
                results.append((name, "failed", time.monotonic() - t0, "interrupted"))
                failed = True
                raise
            results.append((name, status, time.monotonic() - t0, note))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
    finally:
        for home in run_state.homes:
            shutil.rmtree(home, ignore_errors=True)

    print("\n========== summary ==========", flush=True)
    width = max(len(name) for name, *_ in results)
    for name, status, seconds, note in results:
        print(f"  {status:<8} {name:<{width}}  {seconds:7.1f}s  {note}")
    print(f"  total time {time.monotonic() - started:.1f}s")
    skipped = [name for name, status, *_ in results if status == "skipped"]
    if skipped and not run_state.sqlite_only:
        print(f"  WARNING: skipped: {', '.join(skipped)}")
    totals = run_state.totals
    print(f"tests: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
