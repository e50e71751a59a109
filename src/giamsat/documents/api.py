"""Documents API: list, read, draft from a supervision, edit a draft, issue, download (scoped)."""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from giamsat.core.jsonapi import BodyId, Id, Year
from giamsat.supervision.models import Supervision
from giamsat.units.models import Organisation

from . import pdf as pdf_tools
from . import services
from .choices import DocumentKind
from .models import Document

router = Router(tags=["documents"])

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class SectionSchema(Schema):
    heading: str = ""
    text: str = ""


class DocumentOut(Schema):
    id: int
    organisation_id: int
    kind: str
    supervision_id: int | None
    session_id: int | None
    addressee_id: int | None
    status: str
    reference: str
    number: int | None
    year: int | None
    issued_on: datetime.date | None
    summary: str
    place_name: str
    sections: list[SectionSchema]
    recipients: str
    signature_prefix: str
    signature_body: str
    signer_position: str
    signer_name: str


class DraftIn(Schema):
    kind: DocumentKind = Field(..., description="KH, QĐ, BB, BC, TB")
    session_id: BodyId | None = Field(None, description="cho biên bản (BB) / for minutes")
    addressee_id: BodyId | None = Field(None, description="cho thông báo (TB) / for a notice")


class DraftEdit(Schema):
    summary: str | None = None
    place_name: str | None = None
    recipients: str | None = None
    signature_prefix: str | None = None
    signature_body: str | None = None
    signer_position: str | None = None
    signer_name: str | None = None
    section_texts: list[str] | None = Field(None, description="văn bản của từng mục, theo thứ tự / each section's text")


def _document(request, pk: int, action: str = "view") -> Document:
    return get_object_or_404(Document.objects.restrict(request.user, action), pk=pk)


def _refused(call):
    try:
        return call()
    except services.DocumentError as exc:
        raise HttpError(409, str(exc)) from exc


@router.get("/documents", response=list[DocumentOut], summary="Văn bản / documents")
@paginate
def list_documents(request, supervision: Id | None = None, year: Year | None = None, status: str | None = None):
    rows = Document.objects.restrict(request.user, "view")
    if supervision:
        rows = rows.filter(supervision_id=supervision)
    if year:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "-number", "-id")


@router.get("/documents/{document_id}", response=DocumentOut, summary="Một văn bản / one document")
def get_document(request, document_id: int):
    return _document(request, document_id)


@router.post(
    "/supervisions/{supervision_id}/documents", response={201: DocumentOut}, summary="Soạn dự thảo / draft from data"
)
def create_draft(request, supervision_id: int, payload: DraftIn):
    supervision = get_object_or_404(Supervision.objects.restrict(request.user, "view"), pk=supervision_id)
    if not services.can_draft(request.user, supervision):
        raise HttpError(404, _("Không tìm thấy."))
    session = get_object_or_404(supervision.sessions, pk=payload.session_id) if payload.session_id else None
    addressee = (
        get_object_or_404(
            Organisation.objects.filter(pk__in=supervision.recommendations.values("addressee")), pk=payload.addressee_id
        )
        if payload.addressee_id
        else None
    )
    document = _refused(
        lambda: services.do_create_draft(
            supervision, payload.kind, acting_user=request.user, session=session, addressee=addressee
        )
    )
    return Status(201, document)


@router.patch("/documents/{document_id}", response=DocumentOut, summary="Sửa dự thảo / edit a draft")
def edit_draft(request, document_id: int, payload: DraftEdit):
    document = _document(request, document_id, "issue")
    fields = {k: v for k, v in payload.dict(exclude={"section_texts"}).items() if v is not None}
    return _refused(
        lambda: services.do_save_draft(
            document, acting_user=request.user, fields=fields, section_texts=payload.section_texts
        )
    )


@router.post("/documents/{document_id}/issue", response=DocumentOut, summary="Ban hành (lấy số) / issue")
def issue(request, document_id: int):
    document = _document(request, document_id, "issue")
    return _refused(lambda: services.do_issue(document, acting_user=request.user))


@router.delete("/documents/{document_id}", response={204: None}, summary="Xóa dự thảo / delete a draft")
def delete_draft(request, document_id: int):
    document = _document(request, document_id, "issue")
    _refused(lambda: services.do_delete_draft(document, acting_user=request.user))
    return 204, None


@router.get("/documents/{document_id}/download", summary="Tải về (docx hoặc pdf) / download", response={200: None})
def download(request, document_id: int, format: str = "docx"):  # noqa: A002 - the query parameter's name
    document = _document(request, document_id)
    if format == "docx":
        content, content_type = services.docx_bytes(document), DOCX_TYPE
    elif format == "pdf":
        try:
            content, content_type = services.pdf_bytes(document), "application/pdf"
        except pdf_tools.PdfUnavailable as exc:
            raise HttpError(503, str(exc)) from exc
    else:
        raise HttpError(422, "format: docx | pdf")
    stem = services.file_stem(document.reference) if document.reference else f"du-thao-{document.pk}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{format}"'
    return response
