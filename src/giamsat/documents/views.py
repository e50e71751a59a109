"""Documents: the register of the user's documents, editing a draft, issuing it, and the scoped downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamsat.core.models import AuditEntry
from giamsat.core.once import AlreadySent, already_sent, sent_once
from giamsat.core.params import as_year
from giamsat.supervision.models import Supervision
from giamsat.units.models import Organisation

from . import pdf as pdf_tools
from . import services
from .choices import DocumentKind, DocumentStatus
from .drafting import layout_for
from .forms import DocumentForm, LayoutForm
from .models import Document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIST_LIMIT = 300


def get_document_for_user(user, pk, action="view") -> Document:
    return get_object_or_404(
        Document.objects.restrict(user, action).select_related("organisation", "supervision", "addressee", "session"),
        pk=pk,
    )


@login_required
def register(request):
    """Sổ văn bản: the documents the user sees, issued ones by number."""
    if not request.user.can("documents.view"):
        raise Http404
    rows = Document.objects.restrict(request.user, "view").select_related("organisation", "supervision")
    year = request.GET.get("year", "")
    if (chosen_year := as_year(year)) is not None:
        rows = rows.filter(year=chosen_year)
    status = request.GET.get("status", "")
    if status in DocumentStatus.values:
        rows = rows.filter(status=status)
    layouts = []
    if request.user.organisation_id and request.user.can("documents.issue"):
        layouts = [request.user.organisation]
    return render(
        request,
        "documents/register.html",
        {
            "documents": rows.order_by("-year", "-number", "-created_at")[:LIST_LIMIT],
            "filters": {"year": year, "status": status},
            "statuses": DocumentStatus.choices,
            "layouts": layouts,
        },
    )


@login_required
@require_POST
def create(request, supervision_pk, kind):
    supervision = get_object_or_404(Supervision.objects.restrict(request.user, "view"), pk=supervision_pk)
    if kind not in DocumentKind.values or not services.can_draft(request.user, supervision):
        raise Http404
    session = addressee = None
    if kind == DocumentKind.MINUTES:
        session = get_object_or_404(supervision.sessions, pk=request.POST.get("session") or 0)
    if kind == DocumentKind.NOTICE:
        addressee = get_object_or_404(
            Organisation.objects.filter(pk__in=supervision.recommendations.values("addressee")),
            pk=request.POST.get("addressee") or 0,
        )
    try:
        with sent_once(request) as sent:
            document = services.do_create_draft(
                supervision, kind, acting_user=request.user, session=session, addressee=addressee
            )
            sent.leads_to(reverse("documents:detail", args=[document.pk]))
    except AlreadySent as exc:
        return already_sent(request, exc, reverse("supervision:detail", args=[supervision.pk]))
    except services.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("supervision:detail", supervision.pk)
    messages.success(request, _("Đã tạo dự thảo từ dữ liệu cuộc giám sát. Hãy đọc, sửa rồi ban hành."))
    return redirect(sent.url)


@login_required
def detail(request, pk):
    document = get_document_for_user(request.user, pk)
    can_issue = Document.objects.restrict(request.user, "issue").filter(pk=document.pk).exists()
    editing = can_issue and not document.is_issued
    form = DocumentForm(request.POST or None, instance=document) if editing else None
    if request.method == "POST":
        if not editing:
            raise Http404
        issuing = bool(request.POST.get("issue"))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in DocumentForm.Meta.fields}
            seen = form.cleaned_data["seen"]
            try:
                # "Ban hành" sends the edit form: what was typed and not yet saved is saved, then issued.
                if not issuing or form.has_changed():
                    document = services.do_save_draft(
                        document, acting_user=request.user, fields=fields, section_texts=form.section_texts(), seen=seen
                    )
                    seen = document.updated_at
                if issuing:
                    document = services.do_issue(document, acting_user=request.user, seen=seen)
            except services.StaleDraft as exc:
                messages.error(request, str(exc))
                # The page keeps what its user typed; pressed again, it is saved over the colleague's text, knowingly.
                data = request.POST.copy()
                data["seen"] = exc.saved_at.isoformat()
                form = DocumentForm(data, instance=Document.objects.get(pk=document.pk))
                form.is_valid()
            except services.DocumentError as exc:
                messages.error(request, str(exc))
            else:
                if issuing:
                    messages.success(request, _("Đã ban hành văn bản số %(ref)s.") % {"ref": document.reference})
                else:
                    messages.success(request, _("Đã lưu dự thảo."))
                return redirect("documents:detail", document.pk)
    history = AuditEntry.objects.filter(
        content_type__app_label="documents", content_type__model="document", object_id=str(document.pk)
    ).order_by("at", "id")
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "form": form,
            "editing": editing,
            "can_issue": can_issue,
            "pdf_available": pdf_tools.pdf_available(),
            "history": history,
            "layout": layout_for(document.organisation),
            "blanks": blanks_left(document) if editing else [],
        },
    )


def blanks_left(document) -> list[str]:
    """The parts of a draft that still hold a "…" the drafting left where data was missing (a plan's number and
    date not issued yet, a session's end time): named before issuing, so they are filled in, not printed."""
    parts = [(str(_("Trích yếu")), document.summary)] + [
        (section.get("heading") or str(index + 1), section.get("text", ""))
        for index, section in enumerate(document.sections)
    ]
    return [name for name, text in parts if "…" in (text or "")]


@login_required
@require_POST
def issue(request, pk):
    document = get_document_for_user(request.user, pk, "issue")
    try:
        document = services.do_issue(document, acting_user=request.user)
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ban hành văn bản số %(ref)s.") % {"ref": document.reference})
    return redirect("documents:detail", document.pk)


@login_required
@require_POST
def delete(request, pk):
    document = get_document_for_user(request.user, pk, "issue")
    supervision_pk = document.supervision_id
    try:
        services.do_delete_draft(document, acting_user=request.user)
    except services.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("documents:detail", document.pk)
    messages.success(request, _("Đã xóa dự thảo."))
    return redirect("supervision:detail", supervision_pk) if supervision_pk else redirect("documents:register")


def _filename(document: Document, extension: str) -> str:
    stem = services.file_stem(document.reference) if document.reference else f"du-thao-{document.kind}-{document.pk}"
    return f"{services.file_stem(stem)}.{extension}"


@login_required
def download(request, pk, fmt):
    document = get_document_for_user(request.user, pk)
    if fmt == "docx":
        content, content_type = services.docx_bytes(document), DOCX_TYPE
    elif fmt == "pdf":
        try:
            content, content_type = services.pdf_bytes(document), "application/pdf"
        except pdf_tools.PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("documents:detail", document.pk)
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(document, fmt)}"'
    return response


@login_required
def layout(request, organisation_pk):
    organisation = get_object_or_404(Organisation.objects.restrict(request.user, "view"), pk=organisation_pk)
    if not services.can_manage_layout(request.user, organisation):
        raise Http404
    form = LayoutForm(request.POST or None, instance=layout_for(organisation))
    if request.method == "POST" and form.is_valid():
        services.do_save_layout(organisation, acting_user=request.user, fields=form.cleaned_data)
        messages.success(request, _("Đã lưu thể thức văn bản."))
        return redirect("documents:register")
    return render(
        request,
        "supervision/form.html",
        {"form": form, "title": _("Thể thức văn bản của %(org)s") % {"org": organisation}, "documents_back": True},
    )
