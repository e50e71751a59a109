"""Writes on documents: draft, edit, issue (numbered from the register, frozen) and delete drafts.

Numbering (docs/supervision.md): a counter row per (issuer, year) is locked with SELECT … FOR UPDATE inside the
issuing transaction and incremented; a unique constraint on (issuer, year, number) backs it up. A number is
taken only when a document is issued, so a draft that is deleted never consumed one, and an issued document
cannot be deleted, so no number is ever freed for reuse. If issuing fails, the transaction rolls the counter
back with it: no gap, no duplicate."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamsat.core import audit
from giamsat.core.uploads import removed_on_failure
from giamsat.supervision.choices import SupervisionStatus
from giamsat.supervision.models import Supervision

from . import pdf as pdf_tools
from .choices import DocumentKind, DocumentStatus
from .drafting import document_data, first_draft, layout_for
from .models import Document, IssuerLayout, NumberCounter
from .render import render_docx

EDITABLE = [
    "summary",
    "place_name",
    "recipients",
    "signature_prefix",
    "signature_body",
    "signer_position",
    "signer_name",
]

# What a draft cannot be without, in the words its form uses.
REQUIRED_MESSAGES = {
    "summary": gettext_lazy("Văn bản cần có trích yếu."),
    "place_name": gettext_lazy("Hãy ghi địa danh, ví dụ Bình Thuận."),
}


audit.LABELS.update(
    {
        "document.draft": gettext_lazy("Soạn dự thảo"),
        "document.save": gettext_lazy("Sửa dự thảo"),
        "document.issue": gettext_lazy("Ban hành"),
        "document.delete": gettext_lazy("Xóa dự thảo"),
        "document.layout": gettext_lazy("Sửa thể thức văn bản"),
    }
)


class DocumentError(Exception):
    """A step that is not allowed now; the message is for the user."""


def can_draft(user, supervision: Supervision) -> bool:
    from giamsat.supervision.scoping import issuing

    return user.can("documents.issue") and (
        user.sees_all or Supervision.objects.filter(pk=supervision.pk).filter(issuing(user)).exists()
    )


def _check(user, document: Document) -> None:
    if not Document.objects.restrict(user, "issue").filter(pk=document.pk).exists():
        raise Http404


def do_create_draft(supervision: Supervision, kind: str, *, acting_user, session=None, addressee=None) -> Document:
    if not can_draft(acting_user, supervision):
        raise Http404
    if kind == DocumentKind.MINUTES and (session is None or session.supervision_id != supervision.pk):
        raise DocumentError(_("Biên bản phải gắn với một buổi làm việc của cuộc giám sát."))
    if kind == DocumentKind.NOTICE and addressee is None:
        raise DocumentError(_("Thông báo kiến nghị phải gửi tới một cơ quan nhận kiến nghị."))
    with transaction.atomic():
        draft = first_draft(kind, supervision, session=session, addressee=addressee, user=acting_user)
        layout = layout_for(supervision.organisation)
        document = Document.objects.create(
            organisation=supervision.organisation,
            kind=kind,
            supervision=supervision,
            session=session if kind == DocumentKind.MINUTES else None,
            addressee=addressee if kind == DocumentKind.NOTICE else None,
            summary=draft.summary[:500],
            place_name=layout.place_name,
            sections=draft.sections,
            recipients="\n".join(draft.recipients),
            signature_prefix=draft.signature_prefix,
            signature_body=draft.signature_body,
            signer_position=draft.signer_position,
            signer_name=draft.signer_name,
            created_by=acting_user,
        )
        audit.record(acting_user, "document.draft", document, {"kind": kind})
    return document


class StaleDraft(DocumentError):
    """The draft was saved by someone else after the user's page was opened. `saved_at` is that save's time."""

    def __init__(self, document: Document):
        when = formats.date_format(timezone.localtime(document.updated_at), "SHORT_DATETIME_FORMAT")
        super().__init__(
            _(
                "Dự thảo vừa được sửa lúc %(when)s, sau khi bạn mở trang này; chưa lưu, chưa ban hành gì. Nội dung "
                "bạn gõ vẫn còn trên trang: tải lại trang để xem bản mới, hoặc bấm lại để ghi đè bằng nội dung của bạn."
            )
            % {"when": when}
        )
        self.saved_at = document.updated_at


def _check_seen(document: Document, seen: datetime.datetime | None) -> None:
    if seen is not None and document.updated_at != seen:
        raise StaleDraft(document)


def do_save_draft(
    document: Document,
    *,
    acting_user,
    fields: dict,
    section_texts: list[str] | None = None,
    seen: datetime.datetime | None = None,
) -> Document:
    """`seen`: the draft's last save as the user's page showed it; a later save is not overwritten (StaleDraft)."""
    _check(acting_user, document)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.is_issued:
            raise DocumentError(_("Văn bản đã ban hành, không sửa được nữa."))
        _check_seen(document, seen)
        # The form refuses these on their fields; the API's PATCH saved them (and, too long, PostgreSQL refused).
        empty = {
            name: message
            for name, message in REQUIRED_MESSAGES.items()
            if name in fields and not str(fields[name] or "").strip()
        }
        if empty:
            raise ValidationError(empty)
        before = model_to_dict(document, fields=EDITABLE)
        for name in EDITABLE:
            if name in fields:
                setattr(document, name, _lf(fields[name]))
        document.full_clean()
        changed_sections = []
        if section_texts is not None:
            sections = [dict(s) for s in document.sections]
            for index, text in enumerate(section_texts[: len(sections)]):
                text = _lf(text)
                if sections[index].get("text", "") != text:
                    changed_sections.append(sections[index].get("heading") or str(index + 1))
                sections[index]["text"] = text
            document.sections = sections
        changes = audit.diff(before, model_to_dict(document, fields=EDITABLE))
        if not changes and not changed_sections:
            # Saved as it was: no new time either, or a colleague's open page would be told it was changed.
            return document
        document.save()
        if changed_sections:
            changes["sections"] = changed_sections
        audit.record(acting_user, "document.save", document, changes)
    return document


def _lf(value):
    """A browser sends a text box's line breaks as CRLF; stored as LF, a text saved unchanged compares equal."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def take_number(organisation, year: int) -> int:
    """The next number of the issuer's register for the year. Must run inside the issuing transaction: the
    counter row stays locked until it commits, so a second issue waits and gets the next number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the issuing transaction")
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(organisation=organisation, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def file_stem(reference: str) -> str:
    """'05/BC-HLHPN' -> '05-BC-HLHPN' (ASCII, for file names)."""
    text = unicodedata.normalize("NFD", reference.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("/", "-")
    return re.sub(r"[^A-Za-z0-9-]", "", text) or "van-ban"


# A supervision has one plan and one decision; minutes, reports and notices may be several.
ONE_PER_SUPERVISION = (DocumentKind.PLAN, DocumentKind.DECISION)


def do_issue(
    document: Document, *, acting_user, on: datetime.date | None = None, seen: datetime.datetime | None = None
) -> Document:
    """Number, date, freeze: the DOCX is written now and kept; the PDF is made from it on first download. `seen`:
    the draft's last save as the user's page showed it; a text changed since is not issued unseen (StaleDraft)."""
    _check(acting_user, document)
    day = on or timezone.localdate()
    with removed_on_failure() as written, transaction.atomic():
        document = Document.objects.select_for_update().select_related("organisation").get(pk=document.pk)
        if document.is_issued:
            raise DocumentError(_("Văn bản này đã được ban hành."))
        _check_seen(document, seen)
        if not document.summary.strip():
            raise DocumentError(_("Văn bản chưa có trích yếu."))
        if document.kind in ONE_PER_SUPERVISION and document.supervision_id:
            # Locked: two plans issued at once for one supervision are checked one after the other.
            supervision = Supervision.objects.select_for_update().get(pk=document.supervision_id)
            # A second plan silently became the supervision's plan while the decision already cited the first.
            issued = (
                Document.objects.filter(
                    supervision_id=document.supervision_id, kind=document.kind, status=DocumentStatus.ISSUED
                )
                .exclude(pk=document.pk)
                .first()
            )
            if issued is not None:
                raise DocumentError(
                    _("Cuộc giám sát này đã có %(kind)s số %(reference)s; không ban hành văn bản thứ hai cùng loại.")
                    % {"kind": document.get_kind_display().lower(), "reference": issued.reference}
                )
            if document.kind == DocumentKind.PLAN and supervision.reference:
                # Its number was typed for a plan issued outside giamsat: issuing here would replace it.
                raise DocumentError(
                    _(
                        "Cuộc giám sát này đã có kế hoạch số %(reference)s (ban hành ngoài hệ thống); không ban hành "
                        "kế hoạch thứ hai."
                    )
                    % {"reference": supervision.reference}
                )
        number = take_number(document.organisation, day.year)
        document.number = number
        document.year = day.year
        document.reference = document.make_reference(number)
        document.issued_on = day
        document.status = DocumentStatus.ISSUED
        document.issued_at = timezone.now()
        document.issued_by = acting_user
        content = render_docx(document_data(document, draft=False))
        document.docx.save(f"{file_stem(document.reference)}.docx", ContentFile(content), save=False)
        written.append(document.docx)
        document.save()
        _after_issue(document)
        audit.record(acting_user, "document.issue", document, {"reference": document.reference, "on": str(day)})
    return document


def _after_issue(document: Document) -> None:
    """What issuing means for the supervision: the plan gets its number; the report moves the status on."""
    supervision = document.supervision
    if supervision is None:
        return
    if document.kind == DocumentKind.PLAN:
        supervision.reference = document.reference
        supervision.issued_on = document.issued_on
        if supervision.status == SupervisionStatus.DRAFT:
            supervision.status = SupervisionStatus.PLANNED
        supervision.save(update_fields=["reference", "issued_on", "status"])
    elif document.kind == DocumentKind.REPORT and supervision.status in (
        SupervisionStatus.DRAFT,
        SupervisionStatus.PLANNED,
        SupervisionStatus.ONGOING,
    ):
        supervision.status = SupervisionStatus.REPORTED
        supervision.save(update_fields=["status"])


def do_delete_draft(document: Document, *, acting_user) -> None:
    _check(acting_user, document)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.is_issued:
            raise DocumentError(_("Văn bản đã ban hành được lưu giữ, không xóa được."))
        audit.record(acting_user, "document.delete", document, {"kind": document.kind, "summary": document.summary})
        document.delete()


def docx_bytes(document: Document) -> bytes:
    """The frozen file of an issued document; a fresh rendering of a draft (marked DỰ THẢO, without number)."""
    if document.is_issued:
        with document.docx.open("rb") as handle:
            return handle.read()
    return render_docx(document_data(document))


def pdf_bytes(document: Document) -> bytes:
    """The PDF: for an issued document converted once from its frozen DOCX and kept; for a draft, a preview.
    Raises pdf.PdfUnavailable with a message for the user."""
    if document.is_issued and document.pdf:
        with document.pdf.open("rb") as handle:
            return handle.read()
    content = pdf_tools.convert_to_pdf(docx_bytes(document))
    if document.is_issued:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            if not locked.pdf:
                locked.pdf.save(f"{file_stem(locked.reference)}.pdf", ContentFile(content), save=False)
                Document.objects.filter(pk=locked.pk).update(pdf=locked.pdf.name)
            document.pdf = locked.pdf
    return content


LAYOUT_FIELDS = [
    "parent_body",
    "issuer_name",
    "place_name",
    "national_name",
    "motto",
    "signature_prefix",
    "signature_body",
    "signer_position",
    "signer_name",
    "archive",
]


def can_manage_layout(user, organisation) -> bool:
    if not user.can("documents.issue"):
        return False
    return user.sees_all or user.organisation_id == organisation.pk


def do_save_layout(organisation, *, acting_user, fields: dict) -> IssuerLayout:
    if not can_manage_layout(acting_user, organisation):
        raise Http404
    with transaction.atomic():
        layout = IssuerLayout.objects.filter(organisation=organisation).first() or layout_for(organisation)
        before = model_to_dict(layout, fields=LAYOUT_FIELDS) if layout.pk else {}
        for name in LAYOUT_FIELDS:
            if name in fields:
                setattr(layout, name, fields[name])
        layout.organisation = organisation
        layout.save()
        audit.record(
            acting_user, "document.layout", layout, audit.diff(before, model_to_dict(layout, fields=LAYOUT_FIELDS))
        )
    return layout
