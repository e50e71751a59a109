import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import queries
from .choices import Level
from .forms import BrowseForm
from .models import REFORM_DATE, Organisation, Unit

SEARCH_LIMIT = 50


def get_unit_for_user(user, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.restrict(user, "view").select_related("parent", "province"), pk=pk)


@login_required
def browse(request):
    form = BrowseForm(request.GET or None)
    day = form.day()
    visible = Unit.objects.restrict(request.user, "view")
    # A wrong date must not cost the user their search text.
    query = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else form.data.get("q", "").strip()
    results = None
    if query:
        results = list(
            visible.search(query).select_related("parent").order_by("level", "-valid_from", "name")[: SEARCH_LIMIT + 1]
        )
    context = {
        "form": form,
        "day": day,
        "query": query,
        "results": results[:SEARCH_LIMIT] if results is not None else None,
        "more_results": results is not None and len(results) > SEARCH_LIMIT,
        "roots": visible.valid_on(day).filter(level=Level.PROVINCE).order_by("code"),
        "legacy_day": REFORM_DATE - datetime.timedelta(days=1),
        "today": timezone.localdate(),
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "units/_search_results.html", context)
    return render(request, "units/browse.html", context)


@login_required
def children(request, pk):
    unit = get_unit_for_user(request.user, pk)
    day = BrowseForm(request.GET or None).day()
    rows = Unit.objects.restrict(request.user, "view").valid_on(day).filter(parent=unit).order_by("code")
    return render(request, "units/_children.html", {"children": rows, "day": day})


@login_required
def detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    today = timezone.localdate()
    visible = Unit.objects.restrict(request.user, "view")
    successors = queries.successors(unit)
    predecessors = queries.predecessors(unit)
    homes = [] if unit.is_valid_on(today) else queries.current_units_for(unit, today)
    linked = {link.unit.pk for link in successors + predecessors + homes}
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": visible.filter(parent=unit).order_by("code"),
        "successors": successors,
        "predecessors": predecessors,
        "homes": homes,
        "openable": set(visible.filter(pk__in=linked).values_list("pk", flat=True)),
        "organisations": Organisation.objects.restrict(request.user, "view").filter(unit=unit),
        "today": today,
    }
    return render(request, "units/detail.html", context)
