"""DOCX → PDF through LibreOffice headless (`soffice --headless --convert-to pdf`).

Each conversion runs in its own temporary folder with its own LibreOffice profile (two conversions at once would
otherwise fight over the profile lock), in a new process group so that a conversion that hangs past the timeout
is killed with all its children."""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 120


class PdfUnavailable(Exception):
    """No PDF can be made here now; the message is for the user."""


def soffice_path() -> str | None:
    configured = getattr(settings, "GIAMSAT_SOFFICE", None)
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def convert_to_pdf(docx: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(
            _(
                "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF. Hãy tải bản Word (.docx); quản trị "
                "viên cài gói libreoffice-writer-nogui để có PDF."
            )
        )
    with tempfile.TemporaryDirectory(prefix="giamsat-pdf-") as folder:
        work = Path(folder)
        source = work / "vanban.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            command,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "HOME": str(work)},
        )
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(_("Chuyển sang PDF quá lâu nên đã dừng. Hãy thử lại sau.")) from exc
        result = work / "vanban.pdf"
        if process.returncode != 0 or not result.exists():
            raise PdfUnavailable(
                _("Không chuyển được sang PDF (%(why)s).") % {"why": err.decode(errors="replace").strip()[:200] or "?"}
            )
        return result.read_bytes()
