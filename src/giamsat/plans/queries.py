"""Reads for the plan pages: the periods a plan can be judged on and the units it is reported by."""

import datetime

from giamsat.core.periods import Period
from giamsat.reporting.models import Report
from giamsat.units.models import Unit

from .models import Plan


def plan_periods(plan: Plan) -> list[Period]:
    """Each year of the plan, then each phase and the whole plan, as offered in the period picker."""
    years = [Period.year(y) for y in range(plan.first_year, plan.last_year + 1)]
    spans = [Period.span(p.first_year, p.last_year) for p in plan.phases.all()]
    return years + [s for s in spans if s != plan.period] + [plan.period]


def default_period(plan: Plan, today: datetime.date) -> Period:
    """The latest year with an accepted report, else the last year of the plan ended by today; within the plan's
    years either way (a plan shortened after its reports were accepted offered a year it refused to save)."""
    last = (
        Report.objects.filter(request__schedule__plan=plan, status="accepted")
        .order_by("-request__period_end")
        .values_list("request__period_end", flat=True)
        .first()
    )
    year = last.year if last else today.year - 1
    return Period.year(min(max(year, plan.first_year), plan.last_year))


def reporting_units(plan: Plan, user):
    """The units directly below the issuer (the districts of a province plan before 2025, the communes after),
    as far as the user may see them."""
    return Unit.objects.restrict(user, "view").filter(parent=plan.issuer.unit).order_by("code")
