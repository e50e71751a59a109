"""Dashboard pages. Thin: read the choices from the query string, ask `queries`, render the page, or the same
table as XLSX (`exports`) or the chart as SVG. A plan, unit or indicator the user may not see answers 404."""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from giamsat.cases import dashboard as case_dashboard
from giamsat.cases import queries as case_queries
from giamsat.core.dates import out_of_range, parse_day
from giamsat.core.formatting import dmy
from giamsat.core.params import MAX_YEAR, MIN_YEAR, as_id, as_year
from giamsat.core.periods import Period, PeriodKind
from giamsat.core.querysets import within_units
from giamsat.core.text import Vietnamese, slug
from giamsat.plans import queries as plan_queries
from giamsat.plans.models import Indicator, Plan
from giamsat.reporting.models import ReportRequest
from giamsat.reporting.sources import REPORTS as REPORTS_SOURCE
from giamsat.reporting.spreadsheet import XLSX_CONTENT_TYPE, export_rows
from giamsat.supervision import dashboard as supervision_dashboard
from giamsat.supervision.models import Supervision
from giamsat.units.models import Unit

from . import exports, panels, queries
from .charts import Bar, Series, bar_chart, chart_title, line_chart, number_label

REPORTS_LIMIT = 500
# The cases dashboard's units: today's list (cases of old communes counted for the units that took them over), or
# each case's commune as recorded.
UNITS_TODAY, UNITS_RECORDED = "today", "recorded"
CASE_UNIT_LISTS = [
    (True, gettext_lazy("Hiện nay (tỉnh – xã)")),
    (False, gettext_lazy("Ghi trong hồ sơ khi tiếp nhận")),
]
REPORTS_EXPORT_LIMIT = 50_000  # more than the whole country's communes file quarterly in three years (about 40,000)


def get_plan_for_user(user, pk) -> Plan:
    if not user.can("plans.view"):
        raise Http404
    return get_object_or_404(Plan.objects.restrict(user, "view").select_related("issuer__unit", "programme"), pk=pk)


def period_key(period: Period) -> str:
    return f"{period.start:%Y}-{period.end:%Y}-{period.kind}"


def chosen_period(text: str | None, plan: Plan) -> Period | None:
    """'2023-2023-year' (the picker's keys), '2023' or '2021-2025' within the plan; None for anything else."""
    choices = {period_key(p): p for p in plan_queries.plan_periods(plan)}
    text = (text or "").strip()
    if text in choices:
        return choices[text]
    years = period_years(text)
    if years is not None and plan.first_year <= years[0] <= years[1] <= plan.last_year:
        year, until = years
        return Period.year(year) if year == until else Period.span(year, until)
    return None


def period_years(text: str) -> tuple[int, int] | None:
    """'2023' or '2021-2025' as its first and last year, in or outside any plan; None for what is not years."""
    first, _sep, last = text.strip().partition("-")
    year, until = as_year(first), as_year(last or first)
    return None if year is None or until is None else (year, until)


def parse_period(text: str | None, plan: Plan, today: datetime.date) -> Period:
    """The period asked for (`chosen_period`); else the plan's default period."""
    return chosen_period(text, plan) or plan_queries.default_period(plan, today)


def parse_on(text: str | None, period: Period, today: datetime.date, user=None) -> datetime.date:
    """The date asked for; else the old units for a user whose area ended in 2025 (their own unit, or their
    organisation's: their jurisdiction holds the old units only, so today's tree would show them no row), else
    `default_on`."""
    chosen = parse_day(text or "")
    if chosen:
        return chosen
    if user is not None and _area_ended(user, today):
        return queries.LAST_LEGACY_DAY
    return queries.default_on(period, today)


def _area_ended(user, today: datetime.date) -> bool:
    """Whether none of the units of the user's jurisdiction is on today's list (a supervisor of a provincial
    organisation of before the reform, a district officer)."""
    jurisdiction = user.jurisdiction
    if jurisdiction.everywhere or not jurisdiction.ids:
        return False
    return not Unit.objects.filter(pk__in=jurisdiction.ids).valid_on(today).exists()


def on_choices(today: datetime.date, user) -> list[tuple[datetime.date, str]]:
    """The dates of the units offered: before the reform, and today unless none of the user's units is on today's
    list (that choice always fell back to the old list, with a note)."""
    offered = [(queries.LAST_LEGACY_DAY, _("Trước sắp xếp 2025 (tỉnh – huyện – xã)"))]
    if not _area_ended(user, today):
        offered.append((today, _("Hiện nay (tỉnh – xã)")))
    return offered


@dataclass
class Choices:
    """What a dashboard page was asked for, and the links that keep those choices."""

    plan: Plan
    period: Period
    on: datetime.date
    tree: queries.Tree
    today: datetime.date

    def query(self, **changes) -> str:
        params = {"period": period_key(self.period), "on": self.on.isoformat(), "unit": self.tree.root.pk}
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def resolve(user, pk: int, period: str | None, on: str | None, unit: str | int | None) -> Choices:
    """The plan, period, date of the units and root unit asked for; 404 for what the user may not see."""
    plan = get_plan_for_user(user, pk)
    today = timezone.localdate()
    chosen = parse_period(period, plan, today)
    day = parse_on(on, chosen, today, user)
    unit = str(unit or "")
    tree = queries.tree_for(plan, user, day, as_id(unit))
    if tree is None:
        raise Http404
    return Choices(plan, chosen, day, tree, today)


def _choices(request, pk, page: bool = False, period_shown: bool = True) -> Choices:
    """What the page asked for (`resolve`). On a page (not a download) a note says what was asked for and could not
    be used: a period or date that cannot be read (the defaults are shown), or what is not on the list of units of
    the date chosen (`fallback`); a unit outside one's jurisdiction stays a 404. Not the period where the page shows
    the plan's whole span whatever it is (the trend): "đang xem Năm 2023" there was untrue."""
    period, on, unit = (request.GET.get(name) for name in ("period", "on", "unit"))
    notes = []
    try:
        choices = resolve(request.user, pk, period, on, unit)
    except Http404:
        instead = fallback(request.user, pk, period, on, unit)
        choices = instead.choices
        notes.append(instead.note())
    else:
        if not_whole := above_one_s_area(choices, unit):
            notes.append(not_whole)
    if period and period_shown and chosen_period(period, choices.plan) is None:
        plan = choices.plan
        words = {"text": period[:40], "shown": choices.period.label, "first": plan.first_year, "last": plan.last_year}
        if period_years(period) is not None:
            notes.append(_("Kế hoạch không có kỳ “%(text)s” (%(first)s–%(last)s): đang xem %(shown)s.") % words)
        else:
            notes.append(_("Không đọc được kỳ “%(text)s”: đang xem %(shown)s.") % words)
    if unit and as_id(unit) is None:
        notes.append(
            _("Không đọc được đơn vị “%(text)s”: đang xem %(shown)s.") % {"text": unit[:40], "shown": choices.tree.name}
        )
    if on and parse_day(on) is None:
        words = {"text": on[:40], "shown": dmy(choices.on), "first": MIN_YEAR, "last": MAX_YEAR - 1}
        if out_of_range(on):
            notes.append(
                _("Năm của ngày “%(text)s” phải từ %(first)s đến %(last)s: đang xem đơn vị hành chính ngày %(shown)s.")
                % words
            )
        else:
            notes.append(_("Không đọc được ngày “%(text)s”: đang xem đơn vị hành chính ngày %(shown)s.") % words)
    if page:
        for note in notes:
            messages.info(request, note)
    return choices


def above_one_s_area(choices: Choices, unit) -> str:
    """What to say when the unit asked for is the plan's, whose totals the user does not cover: the tree then starts
    at the user's own units (`queries.tree_for`), which the page must not pass off as the unit asked for."""
    if as_id(unit) is None or as_id(unit) == choices.tree.root.pk:
        return ""
    return _("Bạn không phụ trách toàn bộ %(asked)s: đang xem %(shown)s.") % {
        "asked": choices.tree.top.name,
        "shown": choices.tree.name,
    }


@dataclass
class Fallback:
    """What a page shows when what was asked for is not on the list of units of the date asked (`day`): `field`
    names the choice that could not be used, "unit" when one's own unit `asked` is not on it, "on" when none of
    one's units is."""

    choices: Choices
    field: str
    asked: Unit | None
    day: datetime.date

    def note(self) -> str:
        if self.field == "unit":
            return _("%(unit)s không có trong danh mục đơn vị hành chính ngày %(day)s: đang xem từ %(shown)s.") % {
                "unit": self.asked.name,
                "day": dmy(self.day),
                "shown": self.choices.tree.name,
            }
        return _(
            "Địa bàn của bạn không có đơn vị nào trong danh mục ngày %(day)s: đang xem theo danh mục ngày %(shown)s."
        ) % {"day": dmy(self.day), "shown": dmy(self.choices.on)}


def fallback(user, pk, period, on, unit) -> Fallback:
    """What a page shows when what was asked for is not there (404 otherwise): one's own unit, not on the list of
    the date chosen after drilling down to it, gives the plan's view on that date; a date whose list has none of
    one's units (an area that ended in 2025, asked for in today's units) gives the last day of the old list."""
    covered = Unit.objects.restrict(user, "view").filter(within_units(user.jurisdiction))
    unit_id = as_id(str(unit or ""))
    asked = covered.filter(pk=unit_id).first() if unit_id else None
    if unit_id and asked is None:
        raise Http404
    try:
        choices = resolve(user, pk, period, on, None)
    except Http404:
        choices = None
    if choices is not None:
        if asked is None or asked.is_valid_on(choices.on) or not _in_plan(choices.plan, user, asked, choices.on):
            raise Http404
        return Fallback(choices, "unit", asked, choices.on)
    legacy = queries.LAST_LEGACY_DAY.isoformat()
    choices = resolve(user, pk, period, legacy, unit_id if asked is not None else None)
    return Fallback(choices, "on", asked, parse_day(on or "") or choices.today)


def _in_plan(plan: Plan, user, unit: Unit, day: datetime.date) -> bool:
    """Whether the plan's tree holds `unit` on the nearest day to `day` that the unit existed: a unit outside the
    plan is a 404 on every date, not a date to choose."""
    nearest = unit.valid_to if unit.valid_to and day > unit.valid_to else unit.valid_from
    return queries.tree_for(plan, user, nearest, unit.pk) is not None


def _page(request, template: str, choices: Choices, tab: str, **context):
    return render(
        request,
        template,
        {
            "plan": choices.plan,
            "period": choices.period,
            "period_key": period_key(choices.period),
            "periods": plan_queries.plan_periods(choices.plan),
            "on": choices.on,
            "on_choices": on_choices(choices.today, request.user),
            "tree": choices.tree,
            "tab": tab,
            "q": choices.query(),
            "choices": choices,
            **context,
        },
    )


def _xlsx(request, headers, rows, title: str, name: str, about: list[tuple[str, str]]) -> HttpResponse:
    """The table as XLSX, with a sheet saying what it is, when and by whom it was exported, and where from."""
    about = [
        *about,
        (_("Xuất lúc"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
        (_("Người xuất"), request.user.get_full_name() or request.user.get_username()),
        (_("Địa chỉ"), request.build_absolute_uri()),
    ]
    response = HttpResponse(export_rows(headers, rows, title=title, about=about), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _file_name(*parts) -> str:
    """'ket-qua_1318-kh-ubnd_tinh-lam-dong_nam-2027': ASCII, safe in a Content-Disposition header."""
    return "_".join(slug(str(part)) for part in parts if part)


def _file_stem(choices: Choices, what: str) -> str:
    return _file_name(what, choices.plan.reference, choices.tree.name, choices.period.label)


def _plan_about(choices: Choices, *what: tuple[str, str]) -> list[tuple[str, str]]:
    """The plan, the unit, `what` the table covers (by default the chosen period) and the date of the units."""
    return [
        (pgettext("một kế hoạch", "Kế hoạch"), f"{choices.plan.reference} – {choices.plan.title}"),
        (_("Đơn vị"), choices.tree.name),
        *(what or [(_("Kỳ"), choices.period.label)]),
        (_("Đơn vị hành chính theo ngày"), dmy(choices.on)),
    ]


def years_note(choices: Choices) -> str:
    """What the figures of a period of several years lack: the years without an accepted report (empty if none)."""
    years = queries.years_without_reports(choices.tree, choices.period, choices.today)
    if not years:
        return ""
    if len(years) == choices.period.end.year - choices.period.start.year + 1:
        return _("Chưa năm nào của kỳ này có báo cáo được duyệt: chưa có số liệu lấy từ báo cáo.")
    return ngettext(
        "Năm %(years)s chưa có báo cáo nào được duyệt: số liệu lấy từ báo cáo của kỳ này chỉ gồm các năm đã có, còn "
        "chỉ tiêu tính cả năm ấy.",
        "Các năm %(years)s chưa có báo cáo nào được duyệt: số liệu lấy từ báo cáo của kỳ này chỉ gồm các năm đã có, "
        "còn chỉ tiêu tính cả các năm ấy.",
        len(years),
    ) % {"years": year_runs(years)}


def year_runs(years: list[int]) -> str:
    """2021, 2023–2025: consecutive years as a span."""
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def requests_note(result: queries.Compliance) -> str:
    """What the compliance table lacks: the years asked for without any request (empty if none)."""
    years = result.years_without_requests
    if not years:
        return ""
    if not result.periods:
        return ngettext(
            "Chưa có yêu cầu báo cáo nào cho các đơn vị này trong năm %(years)s.",
            "Chưa có yêu cầu báo cáo nào cho các đơn vị này trong các năm %(years)s.",
            len(years),
        ) % {"years": year_runs(years)}
    return ngettext(
        "Năm %(years)s chưa có yêu cầu báo cáo nào cho các đơn vị này: bảng không có cột của năm ấy, và tỷ lệ đúng "
        "hạn chỉ tính các năm đã có yêu cầu.",
        "Các năm %(years)s chưa có yêu cầu báo cáo nào cho các đơn vị này: bảng không có cột của các năm ấy, và tỷ "
        "lệ đúng hạn chỉ tính các năm đã có yêu cầu.",
        len(years),
    ) % {"years": year_runs(years)}


def units_note(matrix: queries.Matrix | None) -> str:
    """What the total row lacks: the units whose targets have no figure from an accepted report in the period, rows
    or units counted only in the total (empty if none)."""
    unreported = queries.units_without_figures(matrix)
    if not unreported.units and not unreported.outside:
        return ""
    if not unreported.total_has_figures:  # the total row shows it too
        return _("Chưa có số liệu nào từ báo cáo được duyệt trong kỳ này.")
    root = matrix.total.unit.name
    notes = []
    if unreported.units:
        notes.append(
            ngettext(
                "%(n)s trong %(total)s đơn vị có chỉ tiêu chưa có số liệu từ báo cáo được duyệt trong kỳ này "
                "(%(names)s): dòng %(root)s chưa gồm số liệu của đơn vị ấy, còn chỉ tiêu của dòng ấy tính cho cả "
                "địa bàn.",
                "%(n)s trong %(total)s đơn vị có chỉ tiêu chưa có số liệu từ báo cáo được duyệt trong kỳ này "
                "(%(names)s): dòng %(root)s chưa gồm số liệu của các đơn vị ấy, còn chỉ tiêu của dòng ấy tính cho cả "
                "địa bàn.",
                len(unreported.units),
            )
            % {
                "n": len(unreported.units),
                "total": unreported.targeted,
                "names": _named(unreported.units),
                "root": root,
            }
        )
    if unreported.outside:
        notes.append(
            ngettext(
                "%(n)s trong %(total)s đơn vị không có dòng riêng trong bảng (đơn vị cũ, số liệu chỉ tính ở dòng "
                "%(root)s) có chỉ tiêu mà chưa có số liệu từ báo cáo được duyệt trong kỳ này: %(names)s.",
                "%(n)s trong %(total)s đơn vị không có dòng riêng trong bảng (đơn vị cũ, số liệu chỉ tính ở dòng "
                "%(root)s) có chỉ tiêu mà chưa có số liệu từ báo cáo được duyệt trong kỳ này: %(names)s.",
                len(unreported.outside),
            )
            % {
                "n": len(unreported.outside),
                "total": unreported.outside_targeted,
                "names": _named(unreported.outside),
                "root": root,
            }
        )
    return " ".join(notes)


def _named(units: list) -> str:
    names = ", ".join(unit.name for unit in units[:UNITS_NAMED])
    return names + ", …" if len(units) > UNITS_NAMED else names


UNITS_NAMED = 5  # a province's 100 communes without reports would fill the page


def _noted(choices: Choices, *more: str) -> list[tuple[str, str]]:
    """The plan's "about" lines, and the years without reports (or any other note given) when there are some."""
    notes = [note for note in (years_note(choices), *more) if note]
    return [*_plan_about(choices), *((_("Lưu ý"), note) for note in notes)]


# ------------------------------------------------------------------------------------------------ pages


@login_required
def index(request):
    """The plans the user may see, each with its reports overdue; and the other capabilities' panels."""
    today = timezone.localdate()
    plans = list(Plan.objects.restrict(request.user, "view").select_related("issuer__unit", "programme"))
    # Counted for the listed plans only: the requests' scope alone (an OR over the plan's issuer and the request's
    # unit) made SQLite walk every plan's requests in the country (0.25-0.39 s at national scale).
    overdue = dict(
        ReportRequest.objects.restrict(request.user, "view")
        .filter(schedule__plan__in=[plan.pk for plan in plans])
        .overdue(today)
        .values("schedule__plan")
        .annotate(n=Count("pk", distinct=True))
        .values_list("schedule__plan", "n")
    )
    rows = [(plan, overdue.get(plan.pk, 0)) for plan in plans]
    return render(
        request,
        "dashboards/index.html",
        {"plans": rows, "panels": panels.for_user(request.user, today), "tab": "index"},
    )


@login_required
def plan_matrix(request, pk):
    choices = _choices(request, pk, page=True)
    result = queries.plan_matrix(choices.tree, choices.period, choices.today)
    sort = request.GET.get("sort", "code")
    rows = queries.sort_rows(result.rows, sort, result.indicators)
    if not queries.known_sort(sort, result.indicators):
        messages.info(request, _("Không sắp xếp được theo “%(text)s”: đang xếp theo mã đơn vị.") % {"text": sort[:40]})
        sort = "code"
    return _page(
        request,
        "dashboards/matrix.html",
        choices,
        "matrix",
        matrix=result,
        rows=rows,
        sort=sort,
        years_note=years_note(choices),
        units_note=units_note(result),
        hidden_note=_matrix_hidden_note(result),
        columns=[_column(indicator, sort) for indicator in result.indicators],
        drillable=_drillable(choices.tree),
    )


def _matrix_hidden_note(result: queries.Matrix) -> str:
    """What "ẩn" means, where a cell says it (a tooltip, which phones do not show, was all there was)."""
    rows = [result.total, *result.rows] if result.total else result.rows
    if not any(cell.hidden for row in rows for cell in row.cells):
        return ""
    return _(
        "“ẩn”: số vụ việc dưới 3, hoặc ô được ẩn để không suy ra được số như vậy bằng phép trừ; chỉ tiêu có ô ẩn "
        "không tính vào số chỉ tiêu đạt hay chưa có số liệu."
    )


def _column(indicator: Indicator, sort: str) -> tuple[Indicator, str, str]:
    """An indicator's heading: the sort its link asks for (best first, then the reverse) and its aria-sort."""
    key = f"ind{indicator.pk}"
    if sort == f"-{key}":
        return indicator, key, "descending"
    return indicator, f"-{key}", "ascending" if sort == key else ""


def _drillable(tree: queries.Tree) -> set[int]:
    """Units that have units below them on the tree's date (their name drills down)."""
    return set(
        Unit.objects.filter(parent__in=tree.units).valid_on(tree.on).values_list("parent_id", flat=True).distinct()
    )


@login_required
def plan_matrix_xlsx(request, pk):
    choices = _choices(request, pk)
    result = queries.plan_matrix(choices.tree, choices.period, choices.today)
    # In the order the page showed them: the total first, then the units as sorted there.
    result.rows = queries.sort_rows(result.rows, request.GET.get("sort", "code"), result.indicators)
    headers, rows = exports.matrix_table(result)
    title = _("Kết quả đạt chỉ tiêu")
    return _xlsx(
        request,
        headers,
        rows,
        title,
        _file_stem(choices, pgettext("tên tệp", "kết quả")),
        _noted(choices, units_note(result)),
    )


@login_required
def plan_unmet(request, pk):
    choices = _choices(request, pk, page=True)
    result = queries.unmet(choices.tree, choices.period, choices.today, request.user)
    return _page(
        request,
        "dashboards/unmet.html",
        choices,
        "unmet",
        years_note=years_note(choices),
        units_note=units_note(result.matrix),
        **result._asdict(),
    )


@login_required
def plan_unmet_xlsx(request, pk):
    choices = _choices(request, pk)
    result = queries.unmet(choices.tree, choices.period, choices.today, request.user)
    headers, rows = exports.unmet_table(result)
    title = _("Chỉ tiêu chưa đạt")
    stem = _file_stem(choices, pgettext("tên tệp", "chưa đạt"))
    return _xlsx(request, headers, rows, title, stem, _noted(choices, units_note(result.matrix)))


def _trend_inputs(request, choices: Choices, page: bool = False):
    """`trend_inputs` of the address. On the page an indicator not in the plan (an old bookmark, one deleted since)
    gives the first with a note, as an unreadable period does; a download of it stays a 404."""
    wanted, step = request.GET.get("indicator", ""), request.GET.get("step", "")
    if page and step and step not in queries.STEPS:
        messages.info(request, _("Không đọc được bước “%(text)s”: đang xem theo năm.") % {"text": step[:40]})
    try:
        return trend_inputs(request.user, choices, wanted, step)
    except Http404:
        if not (page and wanted):
            raise
    found = trend_inputs(request.user, choices, "", step)
    messages.info(
        request,
        _("Kế hoạch không có chỉ tiêu “%(text)s”: đang xem %(shown)s.") % {"text": wanted[:40], "shown": found[1].code},
    )
    return found


def trend_inputs(user, choices: Choices, wanted, step):
    """The indicator (the plan's first when none is asked for; 404 for another plan's) and the points."""
    indicators = list(Indicator.objects.restrict(user, "view").filter(plan=choices.plan))
    if not indicators:
        raise Http404
    wanted = str(wanted or "")
    indicator = next((i for i in indicators if str(i.pk) == wanted), None)
    if wanted and indicator is None:
        raise Http404
    indicator = indicator or indicators[0]
    step = step if step in queries.STEPS else PeriodKind.YEAR
    subject = choices.tree.subject
    points = queries.trend(choices.plan, indicator, subject, step, choices.today, user, choices.tree)
    return indicators, indicator, step, points


def _trend_svg(choices: Choices, indicator: Indicator, points) -> str:
    title = f"{indicator.code}. {indicator.name} — {choices.tree.subject.name}"
    series = [
        Series(_("Thực hiện"), [p.actual for p in points], "#0b57a4"),
        Series(_("Chỉ tiêu giao"), [p.target for p in points], "#8a1c1c", dash="7 5", marker="square"),
    ]
    labels = [p.period.label for p in points]
    # Nothing to draw because the figures are hidden is not "no data".
    hidden = any(p.cell.hidden for p in points)
    empty = _("Các số liệu của biểu đồ này đều bị ẩn.") if hidden else ""
    return line_chart(title, labels, series, key="trend", y_label=indicator.measure, empty=empty, **_marks())


@login_required
def plan_trend(request, pk):
    choices = _choices(request, pk, page=True, period_shown=False)
    indicators, indicator, step, points = _trend_inputs(request, choices, page=True)
    return _page(
        request,
        "dashboards/trend.html",
        choices,
        "trend",
        indicators=indicators,
        indicator=indicator,
        indicator_id=indicator.pk,
        step=step,
        points=points,
        svg=mark_safe(_trend_svg(choices, indicator, points)),  # noqa: S308 - built by charts.py, every text escaped
        subject=choices.tree.subject,
        aggregate=choices.tree.root.pk if choices.tree.whole else None,
        units=[choices.tree.root, *choices.tree.units] if choices.tree.whole else choices.tree.units,
    )


@login_required
def plan_trend_svg(request, pk):
    choices = _choices(request, pk)
    _indicators, indicator, step, points = _trend_inputs(request, choices)
    name = _file_name(
        pgettext("tên tệp", "xu hướng"), choices.plan.reference, choices.tree.subject.name, indicator.code
    )
    return _svg(_trend_svg(choices, indicator, points), f"{name}.svg")


@login_required
def plan_trend_xlsx(request, pk):
    choices = _choices(request, pk)
    _indicators, indicator, step, points = _trend_inputs(request, choices)
    headers, rows = exports.trend_table(indicator, choices.tree.subject, points)
    about = _plan_about(choices, (_("Chỉ tiêu"), f"{indicator.code} – {indicator.name}"))
    name = _file_name(
        pgettext("tên tệp", "xu hướng"), choices.plan.reference, choices.tree.subject.name, indicator.code
    )
    return _xlsx(request, headers, rows, _("Xu hướng"), name, about)


def _year(request, choices: Choices) -> int | None:
    return parse_year(request.GET.get("year", ""), choices, period_asked=bool(request.GET.get("period")))


def partial_span(period: str | None, choices: Choices) -> bool:
    """Whether the period asked for is a span of years other than the plan's: reporting compliance has no such view."""
    return bool(period) and choices.period.kind != PeriodKind.YEAR and choices.period != choices.plan.period


def parse_year(text: str | None, choices: Choices, period_asked: bool = False) -> int | None:
    """A year of the plan, None for "all"; else the year of a period chosen on the other tabs (a tab changed kept
    the period and lost the year: "Năm 2021" above a table of 2023), the whole plan for its whole span; else the
    last year with a report due (within the plan)."""
    text = str(text or "")
    plan = choices.plan
    if text == "all":
        return None
    if (year := as_year(text)) is not None and plan.first_year <= year <= plan.last_year:
        return year
    period = choices.period
    if period_asked and period.kind == PeriodKind.YEAR and plan.first_year <= period.start.year <= plan.last_year:
        return period.start.year
    if period_asked and period == plan.period:
        return None
    # The latest year with a report already due; the plan's first year when none is.
    last_due = (
        ReportRequest.objects.filter(schedule__plan=choices.plan, due_on__lte=choices.today)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    year = last_due.year if last_due else choices.plan.first_year
    return min(max(year, choices.plan.first_year), choices.plan.last_year)


@login_required
def plan_compliance(request, pk):
    choices = _choices(request, pk, page=True)
    year = _year(request, choices)
    asked = request.GET.get("year", "")
    if asked not in ("", "all") and year != as_year(asked):
        plan = choices.plan
        messages.info(
            request,
            _("Kế hoạch không có năm “%(text)s” (%(first)s–%(last)s): đang xem %(shown)s.")
            % {
                "text": asked[:40],
                "first": plan.first_year,
                "last": plan.last_year,
                "shown": year or _("cả thời kỳ kế hoạch"),
            },
        )
    if not asked and partial_span(request.GET.get("period"), choices):
        # The other tabs' period is a span this tab cannot show: said, not silently replaced by a year.
        words = {"period": choices.period.label, "shown": year or _("cả thời kỳ kế hoạch")}
        messages.info(
            request, _("Thẻ này xem từng năm hoặc cả kế hoạch, không xem %(period)s: đang xem %(shown)s.") % words
        )
    chosen = asked == "all" or (year is not None and year == as_year(asked))
    if chosen:
        # The year chosen here is the period of the other tabs: "Năm 2022" here, then the matrix, showed 2023.
        choices = replace(choices, period=Period.year(year) if year else choices.plan.period)
    result = queries.compliance(choices.tree, year, choices.today, request.user)
    return _page(
        request,
        "dashboards/compliance.html",
        choices,
        "compliance",
        compliance=result,
        requests_note=requests_note(result),
        year=year,
        # Carried by the links only when chosen: a year worked out from a phase would replace the phase.
        year_param=(year or "all") if chosen else None,
        years=list(range(choices.plan.first_year, choices.plan.last_year + 1)),
        drillable=_drillable(choices.tree),
    )


@login_required
def plan_compliance_xlsx(request, pk):
    choices = _choices(request, pk)
    year = _year(request, choices)
    result = queries.compliance(choices.tree, year, choices.today, request.user)
    headers, rows = exports.compliance_table(result, year)
    about = _plan_about(choices, (_("Năm"), str(year) if year else _("Cả kế hoạch")))
    if note := requests_note(result):
        about.append((_("Lưu ý"), note))
    whole = pgettext("tên tệp", "cả kế hoạch")
    name = _file_name(pgettext("tên tệp", "báo cáo đúng hạn"), choices.plan.reference, choices.tree.name, year or whole)
    return _xlsx(request, headers, rows, _("Tình hình báo cáo"), name, about)


@login_required
def plan_reports(request, pk):
    """The reports behind a row of the matrix: the requests of the units that count for it in the period."""
    if not request.user.can("reporting.view"):
        raise Http404
    choices = _choices(request, pk, page=True)
    found = queries.reports_behind(choices.tree, choices.period, request.user, REPORTS_LIMIT)
    for req in found.requests:
        req.latest_status_label = queries.latest_status_label(req.latest_status)
    computed = [i.code for i in choices.plan.indicators.all() if i.source != REPORTS_SOURCE]
    return _page(
        request,
        "dashboards/reports.html",
        choices,
        "reports",
        requests=found.requests,
        truncated=found.more,
        computed=", ".join(computed),
        years_note=years_note(choices),
    )


@login_required
def plan_reports_xlsx(request, pk):
    if not request.user.can("reporting.view"):
        raise Http404
    choices = _choices(request, pk)
    found = queries.reports_behind(choices.tree, choices.period, request.user, REPORTS_EXPORT_LIMIT)
    headers, rows = exports.reports_table(found.requests)
    about = _noted(choices)
    if found.more:
        about.append((_("Lưu ý"), _("Chỉ có %(n)s yêu cầu đầu tiên; hãy chọn đơn vị cấp dưới.") % {"n": len(rows)}))
    title = _("Các báo cáo tạo nên số liệu")
    return _xlsx(request, headers, rows, title, _file_stem(choices, pgettext("tên tệp", "báo cáo")), about)


# ------------------------------------------------------------------------------------------ cases panel


@dataclass
class CaseChoices:
    """What the cases dashboard was asked for: receipt dates, unit (None: the whole jurisdiction), the level
    of the unit table and whether it is in today's units, and the step of the time series."""

    start: datetime.date | None
    end: datetime.date | None
    unit: Unit | None
    level: str
    step: str
    errors: list[str]
    units_today: bool = True
    levels: tuple[str, ...] = ("commune", "district", "province")  # those the user may have (`unit_levels`)
    area: str = ""  # the user's area by name, for headings and printouts ("Toàn bộ địa bàn của bạn" named nothing)

    def query(self) -> str:
        """The query string that keeps these choices (for the download links)."""
        params = {
            "from": dmy(self.start),
            "to": dmy(self.end),
            "unit": self.unit.pk if self.unit else "",
            "level": self.level,
            "units": UNITS_TODAY if self.units_today else UNITS_RECORDED,
            "step": self.step,
        }
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def area_name(user) -> str:
    """The user's area by name: their unit's, else their organisation's, or the whole country."""
    unit = user.unit if user.unit_id else (user.organisation.unit if user.organisation_id else None)
    return _("Toàn quốc") if unit is None or user.jurisdiction.everywhere else Vietnamese(unit.name)


def case_choices(user, params) -> CaseChoices:
    """The choices from a query string; 404 without cases.statistics or for a unit outside the jurisdiction."""
    if not user.can("cases.statistics"):
        raise Http404
    unit = case_dashboard.unit_for(user, params.get("unit"))
    levels = case_dashboard.unit_levels(user)
    level = params.get("level")
    step = params.get("step")
    days, errors = {}, []
    for name, label in (("from", _("Tiếp nhận từ ngày")), ("to", _("đến ngày"))):
        text = (params.get(name) or "").strip()
        days[name] = parse_day(text)
        if text and days[name] is None and out_of_range(text):
            errors.append(
                _("%(field)s: năm của “%(text)s” phải từ %(first)s đến %(last)s; không lọc theo ngày này.")
                % {"field": label, "text": text, "first": MIN_YEAR, "last": MAX_YEAR - 1}
            )
        elif text and days[name] is None:
            # Said, not silently dropped: the figures would otherwise cover a range the user did not ask for.
            errors.append(
                _("%(field)s: “%(text)s” không phải ngày (dd/mm/yyyy); không lọc theo ngày này.")
                % {"field": label, "text": text}
            )
    if (days["from"] or days["to"]) and not case_dashboard.days_chosen(user):
        days, errors = {"from": None, "to": None}, [str(case_dashboard.NO_DAYS)]
    if days["from"] and days["to"] and days["from"] > days["to"]:
        days["from"], days["to"] = days["to"], days["from"]
        errors.append(
            _("Hai ngày bị đảo thứ tự; đã lọc từ %(start)s đến %(end)s.")
            % {"start": dmy(days["from"]), "end": dmy(days["to"])}
        )
    return CaseChoices(
        start=days["from"],
        end=days["to"],
        unit=unit,
        level=level if level in levels else levels[0],
        step=step if step in case_dashboard.STEPS_OVER_TIME else case_dashboard.YEAR,
        errors=errors,
        units_today=case_dashboard.units_today(user, params.get("units"), days["to"]),
        levels=levels,
        area=area_name(user),
    )


def case_unit_choices(user) -> list[Unit]:
    """Units to narrow the cases dashboard to: the user's own units and the provinces and districts within them
    (provinces only for a nationwide user: a list of every district would be unusable); none to those from whom
    small counts are hidden, who may not narrow (`cases.dashboard.unit_for`)."""
    if case_dashboard.small_counts_hidden(user):
        return []
    jurisdiction = user.jurisdiction
    if jurisdiction.everywhere:
        units = Unit.objects.filter(level=1)
    else:
        units = Unit.objects.filter(Q(pk__in=jurisdiction.ids) | (within_units(jurisdiction) & Q(level__lte=2)))
    return list(units.order_by("structure", "level", "name"))


def _case_data(request):
    choices = case_choices(request.user, request.GET)
    cases = case_dashboard.counted_cases(request.user, unit=choices.unit, start=choices.start, end=choices.end)
    dash = case_dashboard.dashboard(
        cases,
        unit_level=choices.level,
        units_today=choices.units_today,
        step=choices.step,
        span=(choices.start, choices.end),
        area=request.user.jurisdiction,
    )
    small = case_dashboard.small_counts_hidden(request.user)
    view = case_dashboard.shown(dash, small)
    return choices, view, small, exports.cases_sheets(view, small)


def _marks() -> dict:
    """Decimal mark and thousands separator of the page's language for the charts' numbers."""
    return {"decimal_mark": ".", "thousands": ","} if get_language() == "en" else {}


def _count_bars(sheet: exports.Sheet) -> list[Bar]:
    marks = _marks()
    return [
        Bar(
            str(label),
            Decimal(n) if isinstance(n, int) else None,
            number_label(Decimal(n), **marks) if isinstance(n, int) else str(n),
        )
        for label, n in sheet.rows
    ]


def case_chart(name: str, sheets: dict) -> str | None:
    """One chart of the cases dashboard as SVG; None for a name it does not have."""
    marks = _marks()
    if name in ("harm", "channel", "unit", "age", "sex"):
        sheet = sheets[name]
        return bar_chart(sheet.title, _count_bars(sheet), key=f"cases-{name}", empty=sheet.empty, **marks)
    if name == "steps":
        bars = []
        for label, on_time, counted, percent in sheets["steps"].rows:
            if counted == str(case_dashboard.HIDDEN):  # said, as in the table: "–" is for none to count
                shown = counted
            elif percent is None:
                shown = "–"
            else:
                counts = "/".join(number_label(Decimal(n), **marks) for n in (on_time, counted))
                shown = f"{number_label(percent, **marks)}% ({counts})"
            bars.append(Bar(label, percent, shown))
        return bar_chart(sheets["steps"].title + " (%)", bars, key="cases-steps", colour="#2f7d32", **marks)
    periods = sheets["periods"].rows[:-1]  # the last row is the whole range
    labels = [row[0] for row in periods]
    # No point to draw though there are periods: their figures hidden, or none yet (no step due, no intervention).
    hidden = any(value == str(case_dashboard.HIDDEN) for row in periods for value in row)
    empty = sheets["periods"].empty or (_("Các số liệu của biểu đồ này đều bị ẩn.") if hidden else "")
    mark = str(case_dashboard.HIDDEN)
    if name == "ontime":
        styles = [("#0b57a4", "", "circle"), ("#8a1c1c", "7 5", "square"), ("#2f7d32", "2 4", "triangle")]
        styles.append(("#6a3d9a", "10 3 2 3", "diamond"))
        series = []
        for index, (rule, style) in enumerate(zip(case_dashboard.STEP_RULES, styles, strict=True)):
            values = [row[2 + 3 * index + 2] for row in periods]
            series.append(Series(str(rule.short), values, *style))
        counted = [row[2 + 3 * index + 1] for row in periods for index in range(len(case_dashboard.STEP_RULES))]
        title = _("Tỷ lệ đúng hạn từng bước theo thời gian (%)") + _gaps(mark in counted)
        return line_chart(title, labels, series, key="cases-ontime", y_label="%", empty=empty, **marks)
    if name == "median":
        values = [row[-1] for row in periods]
        # A median is hidden beside a hidden count of cases intervened (`cases.dashboard.shown`).
        gaps = _gaps(any(row[-2] == mark for row in periods))
        title = _("Trung vị số giờ từ tiếp nhận đến can thiệp đầu tiên") + gaps
        series = [Series(_("Trung vị (giờ)"), values, "#0b57a4")]
        return line_chart(title, labels, series, key="cases-median", y_label=_("giờ"), empty=empty, **marks)
    return None


def _gaps(hidden: bool) -> str:
    """Said in a line chart's title: a line through the points shown alone read as if the hidden periods had no
    data (review of 02/12/2026)."""
    return _(" (kỳ có số liệu bị ẩn không được vẽ)") if hidden else ""


CASE_CHARTS = ("harm", "channel", "unit", "age", "sex", "steps", "ontime", "median")


@login_required
def cases_panel(request):
    """Cases in counts only (no codes, no names) over the user's jurisdiction or one unit of it."""
    choices, view, small, sheets = _case_data(request)
    charts = {name: mark_safe(case_chart(name, sheets)) for name in CASE_CHARTS}  # noqa: S308 - charts.py escapes
    return render(
        request,
        "dashboards/cases.html",
        {
            "tab": "cases",
            "today": timezone.localdate(),
            "choices": choices,
            "q": choices.query(),
            "view": view,
            "small": small,
            "hidden_note": exports.hidden_note() if small else "",
            "withheld_note": exports.withheld_note(),
            "new_communes_note": NEW_COMMUNES_NOTE,
            "total_hidden": not isinstance(view.total, int),
            "sheets": sheets,
            "count_tables": [sheets[t.name] for t in view.tables],
            "median": view.median_hours,
            "charts": charts,
            "units": case_unit_choices(request.user),
            "levels": [(key, label) for key, label in case_queries.level_choices() if key in choices.levels],
            "unit_lists": [(UNITS_TODAY if today else UNITS_RECORDED, label) for today, label in CASE_UNIT_LISTS],
            "steps": [(case_dashboard.YEAR, _("Năm")), (case_dashboard.QUARTER, _("Quý"))],
        },
    )


# The districts' table in the units the cases were recorded in: a case of a commune made on 01/7/2025 has no
# district, and its row was the province's ("Tỉnh Lâm Đồng 3" among the old districts, read as the province's
# total by a reviewer).
NEW_COMMUNES_NOTE = gettext_lazy(
    "Vụ việc ghi ở xã, phường, đặc khu từ 01/7/2025 (không còn cấp huyện) được tính ở dòng của tỉnh."
)


def _case_about(choices: CaseChoices, table: str) -> list[tuple[str, str]]:
    """What a cases download covers, as the page's form says it: the unit, the days, the table's own choice."""
    days = f"{dmy(choices.start) or '…'} – {dmy(choices.end) or '…'}" if choices.start or choices.end else _("Tất cả")
    about = [
        (_("Địa bàn"), choices.unit.name if choices.unit else choices.area),
        (_("Ngày tiếp nhận"), days),
    ]
    if table == "unit":
        levels = dict(case_queries.level_choices())
        about.append((_("Bảng theo đơn vị cấp"), str(levels[choices.level])))
        about.append((_("Bảng đơn vị theo danh mục"), dict(CASE_UNIT_LISTS)[choices.units_today]))
        if choices.level == "district" and not choices.units_today:
            about.append((_("Lưu ý"), str(NEW_COMMUNES_NOTE)))
    if table in ("periods", "ontime", "median"):
        about.append((_("Theo thời gian"), _("Quý") if choices.step == case_dashboard.QUARTER else _("Năm")))
    return about


def _case_file_name(choices: CaseChoices, table: str, title: str) -> str:
    """Named in the user's language after the table's or chart's title, with the area, the dates and the step."""
    quarterly = table in ("periods", "ontime", "median") and choices.step == case_dashboard.QUARTER
    step = _("theo quý") if quarterly else ""
    unit = choices.unit.name if choices.unit else ""
    return _file_name(pgettext("tên tệp", "vụ việc"), title, unit, choices.start, choices.end, step)


@login_required
def cases_panel_xlsx(request, table):
    choices, _view, _small, sheets = _case_data(request)
    if table not in sheets:
        raise Http404
    sheet = sheets[table]
    about = _case_about(choices, table)
    name = _case_file_name(choices, table, sheet.title)
    title = _("Vụ việc trẻ em: %(table)s") % {"table": sheet.title}  # "Theo hình thức" alone did not say of what
    return _xlsx(request, sheet.headers, sheet.export_rows(), title, name, about)


@login_required
def cases_panel_svg(request, chart):
    choices, _view, _small, sheets = _case_data(request)
    svg = case_chart(chart, sheets)
    if svg is None:
        raise Http404
    return _svg(svg, f"{_case_file_name(choices, chart, chart_title(svg))}.svg")


def _svg(svg: str, name: str) -> HttpResponse:
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------ supervision panel


@dataclass
class SupervisionChoices:
    supervision: Supervision | None
    year: int | None
    notes: list[str] = field(default_factory=list)  # what was asked for and could not be read

    def query(self) -> str:
        params = {"supervision": self.supervision.pk if self.supervision else "", "year": self.year or ""}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def supervision_choices(user, params) -> SupervisionChoices:
    """404 without supervision.view, or for a supervision the user may not see; what cannot be read is said and
    left out."""
    if not user.can("supervision.view"):
        raise Http404
    notes = []
    wanted = str(params.get("supervision") or "").strip()
    supervision = None
    if wanted and as_id(wanted) is None:
        notes.append(_("Không đọc được cuộc giám sát “%(text)s”: đang xem tất cả.") % {"text": wanted[:40]})
    elif wanted:
        supervision = get_object_or_404(Supervision.objects.restrict(user, "view"), pk=as_id(wanted))
    asked = str(params.get("year") or "").strip()
    year = as_year(asked)
    if asked and year is None and asked.isascii() and asked.isdigit() and len(asked) == 4:  # "24" reads as a typo
        span = {"year": asked[:40], "first": MIN_YEAR, "last": MAX_YEAR}
        notes.append(_("Năm %(year)s ngoài khoảng %(first)s–%(last)s: đang xem mọi năm.") % span)
    elif asked and year is None:
        notes.append(_("Không đọc được năm “%(text)s” (dạng 2023): đang xem mọi năm.") % {"text": asked[:40]})
    return SupervisionChoices(supervision, year, notes)


def _supervision_data(request):
    choices = supervision_choices(request.user, request.GET)
    recommendations, findings = supervision_dashboard.visible_rows(request.user, choices.supervision, choices.year)
    dash = supervision_dashboard.dashboard(recommendations, findings, timezone.localdate())
    return choices, dash, exports.supervision_sheets(dash)


def supervision_chart(name: str, dash, sheets: dict) -> str | None:
    marks = _marks()

    def bars(rows):
        return [Bar(str(label), Decimal(n), number_label(Decimal(n), **marks)) for label, n in rows]

    if name == "statuses":
        rows = [(label, n) for _k, label, n in dash.statuses]
        return bar_chart(sheets["statuses"].title, bars(rows), key="supervision-statuses", **marks)
    if name == "overdue":
        rows = [(row["addressee__name"], row["overdue"]) for row in dash.addressees if row["overdue"]]
        title = _("Kiến nghị quá hạn theo nơi nhận")
        return bar_chart(title, bars(rows), key="supervision-overdue", colour="#8a1c1c", **marks)
    if name == "categories":
        rows = [(row[0], row[3]) for row in sheets["categories"].rows]
        title = _("Số hạn chế theo nhóm")
        return bar_chart(title, bars(rows), key="supervision-categories", colour="#6a3d9a", **marks)
    return None


SUPERVISION_CHARTS = ("statuses", "overdue", "categories")


@login_required
def supervision_panel(request):
    """Recommendations by status and overdue per addressee; limitation categories across units."""
    choices, dash, sheets = _supervision_data(request)
    for note in choices.notes:
        messages.info(request, note)
    charts = {name: mark_safe(supervision_chart(name, dash, sheets)) for name in SUPERVISION_CHARTS}  # noqa: S308
    return render(
        request,
        "dashboards/supervision.html",
        {
            "tab": "supervision",
            "choices": choices,
            "q": choices.query(),
            "dash": dash,
            "sheets": sheets,
            "charts": charts,
            "today": timezone.localdate(),
            "supervisions": Supervision.objects.restrict(request.user, "view").order_by("-start_on", "title"),
        },
    )


@login_required
def supervision_panel_xlsx(request, table):
    choices, _dash, sheets = _supervision_data(request)
    if table not in sheets:
        raise Http404
    sheet = sheets[table]
    about = [
        (
            _("Cuộc giám sát"),
            str(choices.supervision) if choices.supervision else _("Tất cả cuộc giám sát bạn được xem"),
        ),
        (_("Năm"), str(choices.year) if choices.year else _("Tất cả các năm")),
    ]
    name = _supervision_file_name(choices, sheet.title)
    return _xlsx(request, sheet.headers, sheet.rows, sheet.title, name, about)


@login_required
def supervision_panel_svg(request, chart):
    choices, dash, sheets = _supervision_data(request)
    svg = supervision_chart(chart, dash, sheets)
    if svg is None:
        raise Http404
    return _svg(svg, f"{_supervision_file_name(choices, chart_title(svg))}.svg")


def _supervision_file_name(choices: SupervisionChoices, title: str) -> str:
    supervision = choices.supervision.pk if choices.supervision else ""
    return _file_name(pgettext("tên tệp", "giám sát"), title, supervision, choices.year)
