"""The supervision dashboard's numbers: recommendations by status and per addressee (through `queries.status_totals`
and `queries.recommendations_by_addressee`, the follow-up page's own aggregates), limitation categories (through
`queries.limitation_categories`) and, new here, the same categories across units: one GROUP BY each."""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from giamsat.core.text import Vietnamese, vietnamese_order

from . import queries
from .choices import FindingKind, RecommendationStatus
from .models import Finding, Recommendation


@dataclass
class CategoryAcross:
    """Limitations per category (rows) and unit of the organisation they are about (columns); general findings
    (about no organisation) have their own column."""

    units: list[tuple[int | None, str]]
    rows: list[tuple[int | None, str, list[int], int]]  # category id, name, count per unit, total


@dataclass
class Dashboard:
    totals: dict
    statuses: list[tuple[str, str, int]]  # status key, label, count
    addressees: list[dict]
    categories: list[dict]
    across: CategoryAcross


FIRST_YEAR, LAST_YEAR = 1900, 9999  # a year outside these is no date the database can compare with


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def visible_rows(user, supervision=None, year: int | None = None):
    """The recommendations and findings the user sees, narrowed to a supervision and the year it started."""
    recommendations = Recommendation.objects.restrict(user, "view")
    findings = Finding.objects.restrict(user, "view")
    if supervision is not None:
        recommendations = recommendations.filter(supervision=supervision)
        findings = findings.filter(supervision=supervision)
    if year is not None:
        recommendations = recommendations.filter(supervision__start_on__year=year)
        findings = findings.filter(supervision__start_on__year=year)
    return recommendations, findings


def categories_across_units(findings) -> CategoryAcross:
    counts = (
        findings.filter(kind=FindingKind.LIMITATION)
        .values_list("category_id", "category__name", "organisation__unit_id", "organisation__unit__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    units: dict[int | None, str] = {}
    cells: dict[tuple[int | None, str], dict[int | None, int]] = {}
    for category_id, category, unit_id, unit, n in counts:
        units.setdefault(unit_id, Vietnamese(unit) if unit else _("Nhận xét chung"))
        cells.setdefault((category_id, Vietnamese(category) if category else _("Chưa phân nhóm")), {})[unit_id] = n
    # Named units alphabetically, the general column last.
    columns = sorted(units.items(), key=lambda item: (item[0] is None, vietnamese_order(item[1])))
    rows = []
    for (category_id, name), by_unit in cells.items():
        line = [by_unit.get(unit_id, 0) for unit_id, _name in columns]
        rows.append((category_id, name, line, sum(line)))
    rows.sort(key=lambda row: (-row[3], vietnamese_order(row[1])))
    return CategoryAcross(columns, rows)


def dashboard(recommendations, findings, today: datetime.date) -> Dashboard:
    """Everything the page, its downloads and the API show. `recommendations` and `findings` are already
    restricted to what the user may see (and filtered by the page's choices)."""
    totals = queries.status_totals(recommendations, today)
    statuses = [(s.value, str(s.label), totals[f"n_{s.value}"]) for s in RecommendationStatus]
    return Dashboard(
        totals=totals,
        statuses=statuses,
        addressees=list(queries.recommendations_by_addressee(recommendations, today)),
        categories=list(queries.limitation_categories(findings, recommendations)),
        across=categories_across_units(findings),
    )
