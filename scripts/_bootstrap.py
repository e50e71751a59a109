"""Shared helpers for scripts/demo.py and scripts/test.py: the repository's own virtual environment.

Standard library only, so that a fresh clone with nothing but Python 3.11 can run them (Linux, macOS, Windows).
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"
BIN = VENV / ("Scripts" if WINDOWS else "bin")
PYTHON = BIN / ("python.exe" if WINDOWS else "python")
MIN_PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def warn(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n!! {message}\n{bar}\n", file=sys.stderr, flush=True)


def tool(name: str) -> Path:
    """A console script installed in the venv (giamsat, ruff, pytest…)."""
    return BIN / (f"{name}.exe" if WINDOWS else name)


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"giamsat cần Python {'.'.join(map(str, MIN_PYTHON))} trở lên / needs Python "
            f"{'.'.join(map(str, MIN_PYTHON))}+ (đang chạy / running {sys.version.split()[0]})"
        )


def _fingerprint(extra: str) -> str:
    digest = hashlib.sha256()
    digest.update((ROOT / "pyproject.toml").read_bytes())
    digest.update(extra.encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _stamp(extra: str) -> Path:
    return VENV / f".giamsat-install-{extra or 'base'}.stamp"


def _stamp_ok(extra: str) -> bool:
    path = _stamp(extra)
    return path.exists() and path.read_text(encoding="utf-8").strip() == _fingerprint(extra)


def _venv_works() -> bool:
    if not PYTHON.exists():
        return False
    try:
        subprocess.run(
            [str(PYTHON), "-c", "import sys"], check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def ensure_venv(extra: str = "") -> None:
    """Create .venv if missing or broken, and `pip install -e .[extra]` when pyproject.toml (or Python) changed.

    The stamp files inside .venv hold a hash of pyproject.toml, the extra and the Python version. An install with
    the "test" extra also satisfies a request without extra.
    """
    check_python()
    if not _venv_works():
        say(f"Đang tạo môi trường ảo / creating the virtual environment: {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
        except Exception as exc:  # ensurepip missing on some Debian/Ubuntu Pythons
            sys.exit(
                f"Không tạo được môi trường ảo / could not create the virtual environment: {exc}\n"
                "Trên Debian/Ubuntu / on Debian or Ubuntu: apt-get install python3-venv"
            )
    if _stamp_ok(extra) or (not extra and _stamp_ok("test")):
        return
    target = f".[{extra}]" if extra else "."
    say(f"Đang cài đặt… / installing… (pip install -e {target}; lần đầu mất vài phút / a few minutes the first time)")
    for stale in VENV.glob(".giamsat-install-*.stamp"):
        stale.unlink()
    result = subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        sys.exit(f"Cài đặt thất bại / installation failed (pip exit code {result.returncode})")
    _stamp(extra).write_text(_fingerprint(extra), encoding="utf-8")
    say("Đã cài đặt xong / installed")
