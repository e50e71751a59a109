from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from giamsat.units.models import Unit

from .dates import parse_day
from .jsonapi import error_body
from .models import AuditEntry


@login_required
def home(request):
    from giamsat.dashboards.tasks import tasks_for  # the apps' lists build on core, not the reverse

    tasks = tasks_for(request.user, timezone.localdate(), timezone.now())
    return render(
        request, "core/home.html", {"unit_count": Unit.objects.restrict(request.user).count(), "tasks": tasks}
    )


@login_required
def audit_log(request):
    if not request.user.can("audit.view"):
        raise Http404
    entries = AuditEntry.objects.restrict(request.user, "view").select_related("content_type")
    filters = {key: request.GET.get(key, "").strip() for key in ("actor", "action", "from", "to")}
    if filters["actor"]:
        entries = entries.filter(actor_name__icontains=filters["actor"])
    if filters["action"]:
        entries = entries.filter(action__icontains=filters["action"])
    if day := parse_day(filters["from"]):
        entries = entries.filter(at__date__gte=day)
    if day := parse_day(filters["to"]):
        entries = entries.filter(at__date__lte=day)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "core/audit_log.html", {"page_obj": page, "filters": filters, "query": query})


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: Django's own page is in English and speaks of tokens. What the user did is
    submit a page opened before their session ended or in another login."""
    message = _(
        "Trang này đã cũ (phiên đăng nhập đã hết hoặc đã đổi) nên yêu cầu chưa được nhận. Hãy tải lại trang (F5) rồi "
        "gửi lại."
    )
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(message), status=403)
    return render(request, "core/refused.html", {"title": _("Yêu cầu chưa được nhận"), "message": message}, status=403)
