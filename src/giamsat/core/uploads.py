"""Checks on uploaded files, made before anything parses them (DESIGN.md, "Uploads are size-limited and
type-checked before parsing").

`check_upload` looks only at the declared size, the name's extension, the first bytes and, for the Office
formats, the ZIP central directory (zipfile reads the directory at the end of the file, not the members), so a
hostile file costs next to nothing to refuse. Every refusal is an `UploadRejected` whose message is meant for
the user, in Vietnamese (translatable).
"""

import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

KINDS = ("xlsx", "docx", "pdf")
# The part that makes a ZIP an Office document of this kind.
OFFICE_PARTS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}
# A ZIP whose members unpack to more than this many times the size limit is refused (a "zip bomb").
UNPACKED_RATIO = 10

# Names of the streams of an OLE2 compound file, as they appear (UTF-16LE) in its directory sectors.
_OLE_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_OLE_XLS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_OLE_DOC = ("WordDocument".encode("utf-16-le"),)


class UploadRejected(Exception):
    """The file is refused; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _kind_label(kind: str) -> str:
    return {
        "xlsx": _("bảng tính Excel (.xlsx)"),
        "docx": _("văn bản Word (.docx)"),
        "pdf": _("PDF (.pdf)"),
    }[kind]


def format_size(size: int, *, round_up: bool = False) -> str:
    """20971520 -> '20 MB'; 1572864 -> '1,5 MB' (Vietnamese decimal comma); under 1 MB in KB: '1 KB'."""
    if size < 1024 * 1024:
        kilobytes = -(-size // 1024) if round_up else max(1, round(size / 1024))
        return f"{kilobytes} KB"
    tenths = size * 10 / (1024 * 1024)
    tenths = int(-(-tenths // 1)) if round_up else round(tenths)
    whole, rest = divmod(tenths, 10)
    return f"{whole},{rest} MB" if rest else f"{whole} MB"


def _size_of(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is None:
        position = uploaded_file.tell()
        size = uploaded_file.seek(0, 2)
        uploaded_file.seek(position)
    return size


def _scan(fileobj, needles: tuple[bytes, ...], chunk: int = 1 << 20) -> bool:
    """Whether any of `needles` occurs in the file (read in chunks that overlap by the longest needle)."""
    overlap = max(len(n) for n in needles)
    fileobj.seek(0)
    tail = b""
    while block := fileobj.read(chunk):
        window = tail + block
        if any(n in window for n in needles):
            return True
        tail = window[-overlap:]
    return False


def _describe_ole2(fileobj, extension: str) -> str:
    """The message for an OLE2 compound file: an encrypted (password-protected) Office file, or a legacy
    .xls/.doc, told apart by the names of its streams."""
    try:
        if _scan(fileobj, _OLE_ENCRYPTED):
            return _password_message()
        if _scan(fileobj, _OLE_DOC):
            return _legacy_doc_message()
        if _scan(fileobj, _OLE_XLS):
            return _legacy_xls_message()
    finally:
        fileobj.seek(0)
    if extension == "xlsx":
        # An OOXML name over a compound file: what Excel writes when a workbook is saved with a password.
        return _password_message()
    return _("Tệp là định dạng Office đời cũ hoặc đã đặt mật khẩu; hệ thống không đọc được.")


def _password_message() -> str:
    return _(
        "Tệp đang đặt mật khẩu (đã mã hóa) nên hệ thống không đọc được. Hãy mở tệp, gỡ mật khẩu "
        "(Tệp → Thông tin → Bảo vệ tài liệu → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi tải lên."
    )


def _legacy_doc_message() -> str:
    return _("Tệp là văn bản Word đời cũ (.doc). Hãy mở bằng Word và lưu lại dưới dạng .docx rồi tải lên.")


def _legacy_xls_message() -> str:
    return _(
        "Tệp là bảng tính Excel đời cũ (.xls). Hãy mở bằng Excel, chọn Lưu thành (Save As) → "
        "Sổ làm việc Excel (.xlsx), rồi tải tệp .xlsx lên."
    )


def _corrupted_message() -> str:
    return _("Tệp bị hỏng (không mở được nội dung nén). Hãy mở lại tệp trên máy, lưu lại rồi tải lên lần nữa.")


def detect_kind(fileobj, *, extension: str = "", max_unpacked: int | None = None) -> str:
    """The kind of a file from its content ("xlsx", "docx" or "pdf"), or UploadRejected.

    Reads the first bytes and, for a ZIP, its central directory only; leaves the file at position 0.
    `extension` (lower case, no dot) only picks the clearest message when the content is not what it should
    be. `max_unpacked` refuses a ZIP whose members would unpack to more bytes than that."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        raise UploadRejected(_describe_ole2(fileobj, extension))
    if not head.startswith(ZIP_MAGIC):
        if extension in KINDS:
            raise UploadRejected(
                _("Tệp không phải là %(kind)s thật (nội dung không khớp với đuôi tệp).")
                % {"kind": _kind_label(extension)}
            )
        raise UploadRejected(_("Không nhận ra loại tệp này."))
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRejected(_corrupted_message()) from exc
    finally:
        fileobj.seek(0)
    names = {m.filename for m in members}
    if max_unpacked is not None and sum(m.file_size for m in members) > max_unpacked:
        raise UploadRejected(_("Tệp nén bất thường: nội dung giải nén quá lớn. Hệ thống không mở tệp này."))
    for kind, part in OFFICE_PARTS.items():
        if part in names:
            return kind
    if extension in OFFICE_PARTS and {"mimetype", "content.xml"} <= names:
        # OpenDocument (LibreOffice's own .ods/.odt) renamed, or saved in its format under our name.
        raise UploadRejected(
            _(
                "Tệp được lưu theo định dạng OpenDocument của LibreOffice (.ods, .odt), không phải %(kind)s. Hãy mở "
                "tệp, chọn Lưu thành (Save As) và chọn định dạng %(kind)s."
            )
            % {"kind": _kind_label(extension)}
        )
    if extension in OFFICE_PARTS:
        raise UploadRejected(
            _("Tệp không phải là %(kind)s (thiếu phần nội dung chính); có thể tệp bị hỏng.")
            % {"kind": _kind_label(extension)}
        )
    raise UploadRejected(_("Tệp nén này không phải là tài liệu Word hay bảng tính Excel."))


def check_upload(uploaded_file, *, allowed: set[str], max_bytes: int | None = None) -> str:
    """Check an uploaded file before anything parses it; return its kind ("xlsx", "pdf" or "docx").

    Checks, in order: the size (`uploaded_file.size`, refused above `max_bytes`, by default
    settings.GIAMSAT_MAX_UPLOAD_BYTES), the extension (one of `allowed`), then the content: the magic bytes and,
    for .xlsx/.docx, the ZIP directory must hold the document's main part. A password-protected workbook, a
    legacy .xls or .doc, and a corrupted ZIP each get their own message. The file is left at position 0.
    Raises UploadRejected with a message for the user."""
    unknown = set(allowed) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    if max_bytes is None:
        max_bytes = settings.GIAMSAT_MAX_UPLOAD_BYTES

    size = _size_of(uploaded_file)
    if size > max_bytes:
        raise UploadRejected(
            _("Tệp quá lớn (%(size)s). Dung lượng tối đa là %(limit)s.")
            % {"size": format_size(size, round_up=True), "limit": format_size(max_bytes)}
        )
    if size == 0:
        raise UploadRejected(_("Tệp rỗng (0 byte)."))

    extension = PurePath(getattr(uploaded_file, "name", "") or "").suffix.lower().lstrip(".")
    accepted = ", ".join(_kind_label(k) for k in KINDS if k in allowed)
    if extension not in allowed:
        if extension == "xls" and "xlsx" in allowed:
            raise UploadRejected(_legacy_xls_message())
        if extension == "doc" and "docx" in allowed:
            raise UploadRejected(_legacy_doc_message())
        raise UploadRejected(_("Chỉ nhận tệp %(kinds)s.") % {"kinds": accepted})

    kind = detect_kind(uploaded_file, extension=extension, max_unpacked=max_bytes * UNPACKED_RATIO)
    if kind != extension:
        raise UploadRejected(
            _("Nội dung tệp là %(actual)s nhưng tên tệp có đuôi .%(extension)s. Hãy kiểm tra lại tệp.")
            % {"actual": _kind_label(kind), "extension": extension}
        )
    return kind


# The files of the removed_on_failure block being run, so that an enclosing one takes them over.
_written: ContextVar[list | None] = ContextVar("written_files", default=None)


@contextmanager
def removed_on_failure():
    """Yields a list for the files (FieldFile) a save writes; if the block fails, they are deleted. Put outside the
    transaction (`with removed_on_failure() as written, transaction.atomic():`): a FileField writes its file at
    once, and a rolled-back save left it in storage with no row pointing to it. Inside another such block (whose
    transaction encloses this one's, as core.once's does), the files are handed to it when this block ends well:
    they are deleted if the enclosing transaction fails, even at its commit."""
    written: list = []
    enclosing = _written.get()
    reset = _written.set(written)
    try:
        yield written
    except BaseException:
        for field_file in written:
            field_file.storage.delete(field_file.name)
        raise
    else:
        if enclosing is not None:
            enclosing.extend(written)
    finally:
        _written.reset(reset)
