"""Reads for supervision: the reports a session received with their achievement figures (from the reporting
engine, never retyped), and the dashboards, aggregated in the database."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from giamsat.core.text import vietnamese_order
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.models import Report
from giamsat.reporting.queries import UnitRow, achievement_matrix

from .choices import FINAL_STATUSES, FindingKind, RecommendationStatus
from .models import Finding, Recommendation, Supervision

RECEIVED = [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.SUPERSEDED]


@dataclass
class ReportFigures:
    report: Report
    row: UnitRow

    @property
    def share(self):
        return self.row.share


def candidate_reports(supervision: Supervision, organisation, user):
    """Reports of the supervised organisation's unit (of every supervised organisation's unit when None) on the
    supervised plans that the user may see, with what their labels show."""
    if organisation is not None:
        units = Q(request__unit_id=organisation.unit_id)
    else:
        units = Q(request__unit__in=supervision.supervised.values("unit"))
    return (
        Report.objects.restrict(user, "view")
        .filter(units, request__schedule__plan__in=supervision.plans.all(), status__in=RECEIVED)
        .select_related("request__unit", "request__schedule__plan")
        .order_by("request__schedule__plan__reference", "-request__period_end", "-version")
    )


def report_figures(reports, as_of: datetime.date) -> list[ReportFigures]:
    """Each report's unit and period judged by the achievement engine (accepted values only)."""
    figures = []
    for report in reports:
        request = report.request
        plan = request.schedule.plan
        row = achievement_matrix(plan, [request.unit], request.period, as_of)[0]
        figures.append(ReportFigures(report, row))
    return figures


def figures_text(figures: list[ReportFigures]) -> str:
    """The figures as lines for the minutes: share of targets met, then each indicator with a target."""
    lines = []
    for item in figures:
        request = item.report.request
        share = item.share
        period = request.period.official_label.lower()  # the minutes are an official document, in Vietnamese
        lines.append(
            f"- Báo cáo {period} ({request.schedule.plan.reference}) của {request.unit}: "
            f"đạt {share.met}/{share.with_data} chỉ tiêu có số liệu."
        )
        for cell in item.row.cells:
            if cell.target is None or cell.percent is None:
                continue
            actual = cell.actual_shown
            target = _number(cell.target.value)
            lines.append(
                f"  + {cell.indicator.code} {cell.indicator.name}: thực hiện {_number(actual)}/{target}"
                f" {cell.indicator.measure}, đạt {_number(cell.percent)}%."
            )
    return "\n".join(lines)


def _number(value) -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def recommendations_by_addressee(recommendations, today: datetime.date) -> list[dict]:
    """One row per addressee: how many recommendations in each status, how many overdue (one GROUP BY); the most
    overdue first, then by name in Vietnamese order."""
    counts = {
        status.value: Count("id", filter=Q(status=status)) for status in RecommendationStatus
    }  # keys are the status values
    rows = (
        recommendations.values("addressee_id", "addressee__name")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today) & ~Q(status__in=FINAL_STATUSES)),
            verified=Count("id", filter=Q(verified_at__isnull=False)),
            **{f"n_{key}": value for key, value in counts.items()},
        )
        .order_by()
    )
    return sorted(rows, key=lambda row: (-row["overdue"], vietnamese_order(row["addressee__name"])))


def status_totals(recommendations, today: datetime.date) -> dict:
    counts = {f"n_{s.value}": Count("id", filter=Q(status=s)) for s in RecommendationStatus}
    return recommendations.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_on__lt=today) & ~Q(status__in=FINAL_STATUSES)),
        verified=Count("id", filter=Q(verified_at__isnull=False)),
        **counts,
    )


def limitation_categories(findings, recommendations) -> list[dict]:
    """Per category: how many limitations, in how many supervisions, about how many organisations — which
    problems recur across units and supervisions — and how many of `recommendations` (those the user sees)
    answer them: a limitation seen by many is followed by recommendations to units a user may not see."""
    rows = (
        findings.filter(kind=FindingKind.LIMITATION)
        .values("category_id", "category__name")
        .annotate(
            findings=Count("id", distinct=True),
            supervisions=Count("supervision", distinct=True),
            organisations=Count("organisation", distinct=True),
            sessions=Count("session", distinct=True),
            recommendations=Count(
                "recommendations", filter=Q(recommendations__in=recommendations.values("pk")), distinct=True
            ),
        )
        .order_by()
    )
    return sorted(
        rows, key=lambda row: (-row["supervisions"], -row["findings"], vietnamese_order(row["category__name"] or ""))
    )


def supervision_totals(supervision: Supervision, today: datetime.date) -> dict:
    """The overview's numbers, each from one aggregate query."""
    findings = Finding.objects.filter(supervision=supervision).aggregate(
        results=Count("id", filter=Q(kind=FindingKind.RESULT)),
        limitations=Count("id", filter=Q(kind=FindingKind.LIMITATION)),
    )
    schedule = supervision.schedule.aggregate(
        organisations=Count("id"),
        visited=Count(
            "organisation", filter=Q(organisation__in=supervision.sessions.values("organisation")), distinct=True
        ),
    )
    recommendations = status_totals(Recommendation.objects.filter(supervision=supervision), today)
    return {"findings": findings, "schedule": schedule, "recommendations": recommendations}
