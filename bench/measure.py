"""The measurements. Each runs in its own process (python -m bench measure --what NAME) and returns a dict;
`table` prints them side by side. Times are medians of --runs runs after one warm-up run, the two (or three) sides
of a ratio taking turns in every run."""

import datetime
import io
import resource
import statistics
import sys
import time
from urllib.parse import urlencode

from common import paired_times, say

ORDER = [
    "baseline",
    "matrix_reexpressed",
    "matrix_current",
    "matrix_planpage",
    "cases_list",
    "import_reports",
    "pages_plan",
    "pages_matrix",
    "pages_phase",
    "pages_dashboards",
    "pages_cases",
    "pages_caselist",
    "pages_trend",
    "pages_targets",
    "pages_targets_save",
    "pages_home",
]


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _bench_province():
    from django.db.models import Count

    from giamsat.plans.models import Plan

    plan = (
        Plan.objects.filter(reference__endswith="/KH-BENCH")
        .annotate(n=Count("schedules__requests"))
        .order_by("-n")
        .select_related("issuer__unit")
        .first()
    )
    if plan is None:
        raise SystemExit("no benchmark data here: run python -m bench generate first")
    return plan, plan.issuer.unit


def _client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _fetch(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchall()


# ------------------------------------------------------------------------------------------------ matrix

# The plan's requests of the year first (as the app does: from the schedule), mapped to today's communes through
# a table built in SQL from the units and the conversion table, then their reports and values. The totals
# (breakdown "") are picked inside the sums: `v.breakdown = ''` in WHERE makes SQLite 3.38+ build a Bloom filter
# over all the values of the country on every run (the trap the app avoids too).
ROWS_SQL = """
WITH display(source_id, display_id) AS (
    SELECT u.id, u.id FROM units_unit u WHERE u.parent_id = %(root)s
    UNION ALL
    SELECT s.predecessor_id, s.successor_id FROM units_unitsuccession s JOIN units_unit u ON u.id = s.successor_id
    WHERE u.parent_id = %(root)s AND s.partly = %(false)s
)
SELECT v.indicator_id, d.display_id, q.period_end,
       SUM(CASE WHEN v.breakdown = '' THEN v.value END), SUM(CASE WHEN v.breakdown = '' THEN v.numerator END),
       SUM(CASE WHEN v.breakdown = '' THEN v.denominator END), COUNT(*)
FROM reporting_reportrequest q
JOIN display d ON d.source_id = q.unit_id
JOIN reporting_report r ON r.request_id = q.id
JOIN reporting_indicatorvalue v ON v.report_id = r.id
WHERE q.schedule_id IN (SELECT id FROM reporting_schedule WHERE plan_id = %(plan)s)
  AND q.period_start >= %(start)s AND q.period_end <= %(end)s AND r.status = 'accepted'
GROUP BY v.indicator_id, d.display_id, q.period_end
"""

TOTAL_SQL = """
WITH roots(id) AS (
    SELECT %(root)s
    UNION SELECT s.predecessor_id FROM units_unitsuccession s WHERE s.successor_id = %(root)s AND s.partly = %(false)s
)
SELECT v.indicator_id, q.period_end,
       SUM(CASE WHEN v.breakdown = '' THEN v.value END), SUM(CASE WHEN v.breakdown = '' THEN v.numerator END),
       SUM(CASE WHEN v.breakdown = '' THEN v.denominator END), COUNT(*)
FROM reporting_reportrequest q
JOIN reporting_report r ON r.request_id = q.id
JOIN reporting_indicatorvalue v ON v.report_id = r.id
WHERE q.schedule_id IN (SELECT id FROM reporting_schedule WHERE plan_id = %(plan)s)
  AND q.period_start >= %(start)s AND q.period_end <= %(end)s AND r.status = 'accepted'
  AND q.unit_id IN (
    SELECT u.id FROM units_unit u WHERE u.id IN (SELECT id FROM roots) OR u.parent_id IN (SELECT id FROM roots)
       OR u.province_id IN (SELECT id FROM roots))
GROUP BY v.indicator_id, q.period_end
"""

# The targets of the communes and of the old communes they took over (the app combines the latter per commune).
TARGETS_SQL = """
SELECT t.indicator_id, t.unit_id, t.period_start, t.period_end, t.value, t.baseline_value
FROM plans_target t
WHERE t.indicator_id IN (SELECT id FROM plans_indicator WHERE plan_id = %(plan)s)
  AND t.period_start <= %(end)s AND t.period_end >= %(end)s
  AND t.unit_id IN (
    SELECT u.id FROM units_unit u WHERE u.parent_id = %(root)s OR u.id = %(root)s
    UNION ALL
    SELECT s.predecessor_id FROM units_unitsuccession s JOIN units_unit u ON u.id = s.successor_id
    WHERE (u.parent_id = %(root)s OR u.id = %(root)s) AND s.partly = %(false)s
  )
"""


def _forget_judged(plan) -> None:
    """As after any write to the plan's figures: its stored matrices are no longer current."""
    from giamsat.reporting.models import JudgedMatrix

    JudgedMatrix.objects.filter(plan=plan).delete()


def _draft_saver(plan):
    """A commune's draft of the plan saved with one value changed each time (a 2031 request, with no accepted
    report): what units do all through a reporting period, and no figure of an accepted report changes."""
    import itertools
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from giamsat.accounts.roles import Role
    from giamsat.plans.choices import IndicatorKind
    from giamsat.reporting import services

    _plan, _province, [request] = _import_requests(1)
    writer, _created = get_user_model().objects.get_or_create(username="bench_admin", defaults={"role": Role.ADMIN})
    indicator = plan.indicators.filter(kind=IndicatorKind.COUNT).order_by("order").first()
    counter = itertools.count(1)

    def save():
        values = [services.ValueInput(indicator, value=Decimal(next(counter)))]
        services.do_take_upload(request, acting_user=writer, values=values, from_template=False, template_revision=None)

    return save


def _acceptor(plan, units, year: int):
    """One commune's report of `year`, counted in the matrix, corrected with one figure changed and accepted each
    time: what a leader's matrix sees all through a reporting period, as the province accepts reports."""
    import itertools
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from giamsat.accounts.roles import Role
    from giamsat.plans.choices import IndicatorKind
    from giamsat.reporting import services
    from giamsat.reporting.choices import ReportStatus
    from giamsat.reporting.models import IndicatorValue, Report
    from giamsat.reporting.queries import source_map

    writer, _created = get_user_model().objects.get_or_create(username="bench_admin", defaults={"role": Role.ADMIN})
    indicator = plan.indicators.filter(kind=IndicatorKind.COUNT).order_by("order").first()
    accepted = (
        Report.objects.filter(
            request__schedule__plan=plan,
            request__period_end__year=year,
            request__unit_id__in=list(source_map(units)),
            status=ReportStatus.ACCEPTED,
        )
        .select_related("request")
        .order_by("request__unit_id", "request__period_end")
        .first()
    )
    request = accepted.request
    counter = itertools.count(1)

    def accept():
        # A correction left open by an interrupted run is discarded.
        Report.objects.filter(request=request, status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)).delete()
        current = Report.objects.get(request=request, status=ReportStatus.ACCEPTED)
        correction = services.do_open_correction(current, acting_user=writer)
        # The figure changed as the report form would, without posting the whole form.
        IndicatorValue.objects.filter(report=correction, indicator=indicator, breakdown="").update(
            value=Decimal(next(counter))
        )
        services.do_accept(services.do_submit(correction, acting_user=writer), acting_user=writer)

    return accept


def _matrix(vendor, args, year: int, api: str = "dashboards") -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, province = _bench_province()
    user = get_user_model().objects.get(username=f"bench_{province.code}")
    client = _client_for(user)
    today = datetime.date.today().isoformat()
    url = f"/api/dashboards/plans/{plan.pk}/matrix?period={year}&on={today}"
    if api == "plans":  # the plan page's own matrix (reporting.queries), for comparison
        url = f"/api/plans/{plan.pk}/achievement?period={year}"
    params = {
        "root": province.pk,
        "plan": plan.pk,
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year, 12, 31),
        "false": False,
    }
    if vendor == "sqlite":
        params = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in params.items()}

    def endpoint():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def bare():
        with connection.cursor() as cursor:
            return [_fetch(cursor, sql, params) for sql in (ROWS_SQL, TOTAL_SQL, TARGETS_SQL)]

    # Same numbers: the endpoint's actual of the first summed indicator for each row equals the SQL's sum.
    data = endpoint().json()
    if api == "plans":  # a list of rows, the issuer's first
        data = {"rows": [{"unit": {"id": r["unit_id"]}, "cells": r["cells"]} for r in data[1:]]}
    rows, _total, _targets = bare()
    first = data["rows"][0]["cells"][0]["indicator_id"]
    sums: dict[int, float] = {}
    for indicator_id, display, _end, value, _n, _d, _c in rows:
        if indicator_id == first:
            sums[display] = sums.get(display, 0) + float(value or 0)
    checked = 0
    for row in data["rows"]:
        actual = row["cells"][0]["actual"]
        if row["unit"]["id"] in sums:
            assert abs(float(actual) - sums[row["unit"]["id"]]) < 1e-6, (row["unit"], actual, sums[row["unit"]["id"]])
            checked += 1
    with CaptureQueriesContext(connection) as queries:
        again = endpoint().json()
    if api == "plans":
        again = {"rows": [{"unit": {"id": r["unit_id"]}, "cells": r["cells"]} for r in again[1:]]}
    assert again == data, "the matrix read back differs from the one judged"
    say(f"  {len(data['rows'])} units × {len(data['rows'][0]['cells'])} indicators; {checked} rows checked against SQL")

    def app_reads():
        """The endpoint's database work alone: its value aggregate and its targets, with no judging or JSON."""
        tree = tree_for(plan, user, datetime.date.today())
        units = [tree.root, *tree.units]
        mapping = source_map([tree.root]) | source_map(tree.units)
        summed = frozenset(i.pk for i in plan.indicators.all() if summable(i))
        return reported_totals(plan, mapping, period.start, period.end, None, summed), display_targets(
            plan, units, period
        )

    from giamsat.core.periods import Period
    from giamsat.dashboards.queries import tree_for
    from giamsat.reporting.queries import display_targets, reported_totals, source_map, summable

    period = Period.year(year)
    # "endpoint" reads back the matrix that "afresh" (the first request after a write) judged and stored;
    # "after a draft" is the first request after a unit saved a draft, as all through a reporting period, and
    # "after an acceptance" the first after a commune's report was accepted (its row and the total judged again).
    calls = {
        "endpoint": endpoint,
        "afresh": endpoint,
        "after a draft": endpoint,
        "after an acceptance": endpoint,
        "bare SQL": bare,
    }
    if api == "dashboards":
        calls["app SQL"] = app_reads
    tree = tree_for(plan, user, datetime.date.today())
    before = {
        "afresh": lambda: _forget_judged(plan),
        "after a draft": _draft_saver(plan),
        "after an acceptance": _acceptor(plan, tree.units, year),
    }
    timed = paired_times(calls, args.runs, before=before)
    (endpoint_median, endpoint_runs), (sql_median, sql_runs) = timed["endpoint"], timed["bare SQL"]
    reads = {
        "afresh_ms": timed["afresh"][0] * 1000,
        "afresh_runs_ms": [t * 1000 for t in timed["afresh"][1]],
        "after_draft_ms": timed["after a draft"][0] * 1000,
        "after_draft_runs_ms": [t * 1000 for t in timed["after a draft"][1]],
        "after_acceptance_ms": timed["after an acceptance"][0] * 1000,
        "after_acceptance_runs_ms": [t * 1000 for t in timed["after an acceptance"][1]],
    }
    if "app SQL" in timed:
        reads |= {"app_sql_ms": timed["app SQL"][0] * 1000, "app_sql_runs_ms": [t * 1000 for t in timed["app SQL"][1]]}
    return {
        **reads,
        "what": f"matrix {year}" + (" (plan page API)" if api == "plans" else ""),
        "units": len(data["rows"]),
        "indicators": len(data["rows"][0]["cells"]),
        "queries": len(queries.captured_queries),
        "endpoint_ms": endpoint_median * 1000,
        "sql_ms": sql_median * 1000,
        "ratio": endpoint_median / sql_median,
        "endpoint_runs_ms": [t * 1000 for t in endpoint_runs],
        "sql_runs_ms": [t * 1000 for t in sql_runs],
    }


def matrix_reexpressed(vendor, args) -> dict:
    """2024: legacy communes' reports re-expressed in today's communes (the conversion table at work)."""
    return _matrix(vendor, args, 2024)


def matrix_current(vendor, args) -> dict:
    """2027: today's communes' own reports."""
    return _matrix(vendor, args, 2027)


def matrix_planpage(vendor, args) -> dict:
    """The same figures through the plan page's API (reporting.queries.achievement_matrix), not the dashboards'."""
    return _matrix(vendor, args, 2027, api="plans")


# ------------------------------------------------------------------------------------------------- cases

CASES_SQL = """
SELECT c.* FROM cases_case c
WHERE c.commune_id IN ({ids}) AND c.status IN ({statuses}) AND c.child_name_hash IN ({hashes})
ORDER BY c.next_due_at, c.received_at DESC
LIMIT 20
"""
CASES_COUNT_SQL = """
SELECT COUNT(*) FROM cases_case c
WHERE c.commune_id IN ({ids}) AND c.status IN ({statuses}) AND c.child_name_hash IN ({hashes})
"""


def cases_list(vendor, args) -> dict:
    """The commune worker's case list, open cases, searched by a name typed without accents."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from giamsat.accounts.roles import Role
    from giamsat.cases.choices import OPEN_STATUSES
    from giamsat.cases.crypto import name_hashes
    from giamsat.cases.models import Case
    from giamsat.core.text import fold

    total = Case.objects.count()
    busiest = Case.objects.values("commune").annotate(n=Count("pk")).order_by("-n").first()
    commune_id = busiest["commune"]
    user, _created = get_user_model().objects.get_or_create(
        username=f"bench_worker_{commune_id}",
        defaults={"role": Role.CHILD_PROTECTION_WORKER, "unit_id": commune_id},
    )
    sample = Case.objects.filter(commune_id=commune_id, status__in=OPEN_STATUSES).order_by("pk").first()
    name = fold(sample.child_name)  # typed without accents: "nguyen van an"
    client = _client_for(user)
    url = "/cases/?" + urlencode({"status": "open", "q": name})
    ids = sorted(user.jurisdiction.ids)
    hashes = name_hashes(name)
    marks = "%s"
    sql = CASES_SQL.format(
        ids=", ".join([marks] * len(ids)),
        statuses=", ".join([marks] * len(OPEN_STATUSES)),
        hashes=", ".join([marks] * len(hashes)),
    )
    count_sql = CASES_COUNT_SQL.format(
        ids=", ".join([marks] * len(ids)),
        statuses=", ".join([marks] * len(OPEN_STATUSES)),
        hashes=", ".join([marks] * len(hashes)),
    )
    params = [*ids, *[str(s) for s in OPEN_STATUSES], *hashes]

    def endpoint():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def bare():
        with connection.cursor() as cursor:
            return _fetch(cursor, count_sql, params), _fetch(cursor, sql, params)

    count, _rows = bare()
    endpoint()
    say(f"  {total:,} cases; commune {commune_id}: {count[0][0]} open cases named like {name!r}")

    # The API's search (POST /api/cases/search) filtered by the commune as well, as the issue words it, against the
    # same bare SQL given only that commune's id. (A commune typed by name instead costs a scan of the 14,000 unit
    # names, 3–4 ms.)
    from giamsat.accounts.services import do_create_token

    _token, secret = do_create_token(acting_user=user, name="bench", days=30)
    api = Client(HTTP_HOST="localhost", headers={"Authorization": f"Bearer {secret}"})
    search = {"name": name, "status": "open", "unit_id": commune_id}
    one = [commune_id, *[str(s) for s in OPEN_STATUSES], *hashes]
    one_sql, one_count_sql = (
        q.format(
            ids=marks,
            statuses=", ".join([marks] * len(OPEN_STATUSES)),
            hashes=", ".join([marks] * len(hashes)),
        )
        for q in (CASES_SQL, CASES_COUNT_SQL)
    )

    def api_search():
        response = api.post("/api/cases/search", search, content_type="application/json")
        assert response.status_code == 200, response.status_code
        return response.json()

    def bare_one():
        with connection.cursor() as cursor:
            return _fetch(cursor, one_count_sql, one), _fetch(cursor, one_sql, one)

    assert api_search()["count"] == bare_one()[0][0][0] == count[0][0], "the API and the bare SQL differ"

    def app_reads():
        """The page's list and count alone, as the view builds them (scope, filter, search, order), no page."""
        user.jurisdiction.__dict__.pop("unit_ids", None)  # looked up by every request, as the scope's other ids
        rows = (
            Case.objects.restrict(user, "view")
            .filter(status__in=OPEN_STATUSES)
            .with_name(name)
            .order_by("next_due_at", "-received_at")
        )
        return rows.count(), list(rows[:20])

    def signed_in():
        """The least a signed-in API request costs here: the token, the user and their jurisdiction, no rows."""
        response = api.get("/api/me")
        assert response.status_code == 200, response.status_code

    calls = {"case list": endpoint, "bare SQL": bare, "app SQL": app_reads}
    calls |= {"API search": api_search, "bare SQL, one": bare_one, "signed in": signed_in}
    timed = paired_times(calls, args.runs)
    (endpoint_median, endpoint_runs), (sql_median, sql_runs) = timed["case list"], timed["bare SQL"]
    (api_median, api_runs), (one_median, one_runs) = timed["API search"], timed["bare SQL, one"]
    in_database = {
        label: _time_in_database(call, args.runs) for label, call in (("page", endpoint), ("API", api_search))
    }
    return {
        "signed_in_ms": timed["signed in"][0] * 1000,
        "signed_in_runs_ms": [t * 1000 for t in timed["signed in"][1]],
        "page_in_database_ms": in_database["page"][0],
        "page_statements": in_database["page"][1],
        "api_in_database_ms": in_database["API"][0],
        "api_statements": in_database["API"][1],
        "api_ms": api_median * 1000,
        "api_sql_ms": one_median * 1000,
        "api_ratio": api_median / one_median,
        "api_runs_ms": [t * 1000 for t in api_runs],
        "api_sql_runs_ms": [t * 1000 for t in one_runs],
        "app_sql_ms": timed["app SQL"][0] * 1000,
        "app_sql_runs_ms": [t * 1000 for t in timed["app SQL"][1]],
        "what": "case list",
        "cases": total,
        "found": count[0][0],
        "endpoint_ms": endpoint_median * 1000,
        "sql_ms": sql_median * 1000,
        "ratio": endpoint_median / sql_median,
        "endpoint_runs_ms": [t * 1000 for t in endpoint_runs],
        "sql_runs_ms": [t * 1000 for t in sql_runs],
    }


def _time_in_database(call, runs: int) -> tuple[float, int]:
    """Median milliseconds a request spends in the database driver (every statement it runs, and its commits) and
    how many statements: timed in rounds of their own, since timing each statement slows the request a little."""
    from django.db import connection

    rounds: list[list[float]] = []
    statements: list[int] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            rounds[-1].append(time.perf_counter() - started)
            statements[-1] += 1

    commit = connection.commit

    def timed_commit():  # not a statement through the cursor: execute_wrapper does not see it
        started = time.perf_counter()
        try:
            return commit()
        finally:
            rounds[-1].append(time.perf_counter() - started)

    connection.commit = timed_commit
    try:
        for _round in range(runs):
            rounds.append([])
            statements.append(0)
            with connection.execute_wrapper(timer):
                call()
    finally:
        del connection.commit  # the class's method again
    return statistics.median(sum(times) * 1000 for times in rounds), statements[-1]


# ------------------------------------------------------------------------------------------------ import


def _import_requests(n: int):
    """n report requests of the benchmarked province's communes for 2029–2030, made once, with no report."""
    from giamsat.reporting.models import ReportRequest, Schedule

    plan, province = _bench_province()
    schedule, created = Schedule.objects.get_or_create(
        plan=plan,
        title="Bench import",
        defaults={"frequency": "quarter", "first_year": 2031, "last_year": 2032, "due_days": 15},
    )
    if created or not schedule.requests.exists():
        from giamsat.core.periods import periods_between
        from giamsat.units.models import Unit

        communes = list(Unit.objects.filter(parent=province).order_by("code"))
        rows = []
        for period in periods_between("quarter", 2031, 2035):
            for commune in communes:
                rows.append(
                    ReportRequest(
                        schedule=schedule,
                        unit=commune,
                        period_kind="quarter",
                        period_start=period.start,
                        period_end=period.end,
                        due_on=period.end + datetime.timedelta(days=15),
                    )
                )
        ReportRequest.objects.bulk_create(rows)
    return plan, province, list(schedule.requests.select_related("unit", "schedule__plan").order_by("pk")[:n])


def _filled(request, specs_by_code, rng) -> bytes:
    from openpyxl import load_workbook

    from giamsat.reporting.spreadsheet import COLUMNS, FIRST_ROW, REPORT_SHEET, build_template

    wb = load_workbook(io.BytesIO(build_template(request)))
    ws = wb[REPORT_SHEET]
    row = FIRST_ROW
    while ws.cell(row, COLUMNS["code"]).value:
        code = str(ws.cell(row, COLUMNS["code"]).value).strip()
        kind = specs_by_code.get(code)
        if kind == "ratio":
            den = rng.randint(50, 500)
            ws.cell(row, COLUMNS["numerator"]).value = rng.randint(0, den)
            ws.cell(row, COLUMNS["denominator"]).value = den
        elif kind is not None:
            ws.cell(row, COLUMNS["value"]).value = rng.randint(0, 200)
        row += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_reports(vendor, args) -> dict:
    """700 filled report spreadsheets: parse_upload + do_take_upload (the upload page's work), against openpyxl
    reading the same cells (read-only mode) and pandas.read_excel on the same files."""
    import random

    from django.contrib.auth import get_user_model

    from giamsat.accounts.roles import Role
    from giamsat.reporting.models import IndicatorValue
    from giamsat.reporting.spreadsheet import COLUMNS, FIRST_ROW, HEADER_ROW, REPORT_SHEET, parse_upload

    plan, province, requests = _import_requests(args.files)
    # Each file is its own commune's report; one administrator uploads them all (writing needs the unit's own user).
    user, _created = get_user_model().objects.get_or_create(username="bench_admin", defaults={"role": Role.ADMIN})
    specs_by_code = dict(plan.indicators.values_list("code", "kind"))
    rng = random.Random(7)  # noqa: S311 - repeatable synthetic values
    say(f"  building {len(requests)} filled templates")
    started = time.perf_counter()
    files = []
    for index, request in enumerate(requests):
        files.append(_filled(request, specs_by_code, rng))
        if (index + 1) % 100 == 0:
            say(f"    {index + 1}/{len(requests)} files ({time.perf_counter() - started:.0f} s)")
    n_indicators = len(specs_by_code)

    def through_giamsat():
        """What the upload page does with each file, less the request: read it, then save it into the draft."""
        for request, content in zip(requests, files, strict=True):
            parse_upload(request, content).save_into(request, acting_user=user)

    columns = [COLUMNS[k] for k in ("code", "value", "numerator", "denominator")]

    def openpyxl_reading():
        from openpyxl import load_workbook

        cells = 0
        for content in files:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            ws = wb[REPORT_SHEET]
            for row in ws.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW + n_indicators - 1, values_only=True):
                cells += sum(1 for c in columns if row[c - 1] is not None)
            wb.close()
        return cells

    def first_upload():
        """Every timed import is a first upload: the drafts lose their values before it (not timed)."""
        IndicatorValue.objects.filter(report__request__in=requests).delete()

    calls = {"giamsat import": through_giamsat, "openpyxl": openpyxl_reading}
    try:
        import pandas
    except ImportError:
        pandas = None
        say("  pandas is not installed: pip install pandas (bench only)")
    else:

        def pandas_reading():
            for content in files:
                pandas.read_excel(
                    io.BytesIO(content), sheet_name=REPORT_SHEET, header=HEADER_ROW - 1, engine="openpyxl"
                )

        calls["pandas"] = pandas_reading
    say("  parse_upload + save, openpyxl read-only, pandas.read_excel, in turn")
    timed = paired_times(calls, args.import_runs, before={"giamsat import": first_upload})
    (ours, ours_runs), (plain, plain_runs) = timed["giamsat import"], timed["openpyxl"]
    result = {
        "what": f"import {len(files)} spreadsheets",
        "files": len(files),
        "endpoint_ms": ours * 1000,
        "openpyxl_ms": plain * 1000,
        "ratio": ours / plain,
        "endpoint_runs_ms": [t * 1000 for t in ours_runs],
        "openpyxl_runs_ms": [t * 1000 for t in plain_runs],
        "pandas_ms": None,
    }
    if pandas is not None:
        panda, panda_runs = timed["pandas"]
        result |= {
            "pandas_ms": panda * 1000,
            "ratio_pandas": ours / panda,
            "pandas_runs_ms": [t * 1000 for t in panda_runs],
        }
    return result


# ------------------------------------------------------------------------------------------------- pages

# Whole pages as the province's leader opens them. No bare SQL does a page's work, so these are times and their
# growth with the data (with --small-db), to catch what the endpoint ratios do not: a page that loads every target
# of a plan, or renders 10,000 cells through the template engine.
PAGES = {
    "plan": ("plan page (its matrix, 2027)", "/plans/{plan}/?period=2027-2027-year"),
    "matrix": ("dashboard matrix page 2027", "/dashboards/plans/{plan}/?period=2027"),
    # The whole plan: its phase's targets are its years' combined (ten years of targets read and judged).
    "phase": ("dashboard matrix page 2021–2030 (the whole plan)", "/dashboards/plans/{plan}/?period=2021-2030"),
    "dashboards": ("dashboards index", "/dashboards/"),
    "cases": ("cases dashboard (quarters)", "/dashboards/cases/?step=quarter"),
    "caselist": ("case list (the province's open cases, by due time)", "/cases/"),
    "trend": ("trend of an indicator (quarters)", "/dashboards/plans/{plan}/trend/?indicator={indicator}&step=quarter"),
    "targets": ("targets grid 2027 (communes × indicators)", "/plans/{plan}/targets/?period=2027-2027-year"),
    "home": ("home page (what is waiting)", "/"),
}


def _page(vendor, args, name: str) -> dict:
    import gzip

    from django.contrib.auth import get_user_model

    plan, province = _bench_province()
    client = _client_for(get_user_model().objects.get(username=f"bench_{province.code}"))
    what, url = PAGES[name]
    url = url.format(plan=plan.pk, indicator=plan.indicators.order_by("order", "pk").first().pk)

    def page():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    body = page().content
    say(f"  {url}: {len(body):,} bytes, {len(gzip.compress(body)):,} gzipped")
    calls = {"page": page}
    if name in JUDGING:  # also the first view after a write, which judges the matrix again
        calls["afresh"] = page
    timed = paired_times(calls, args.runs, before={"afresh": lambda: _forget_judged(plan)})
    median, runs = timed["page"]
    afresh = {}
    if "afresh" in timed:
        afresh = {"afresh_ms": timed["afresh"][0] * 1000, "afresh_runs_ms": [t * 1000 for t in timed["afresh"][1]]}
    return {
        **afresh,
        "what": what,
        "endpoint_ms": median * 1000,
        "endpoint_runs_ms": [t * 1000 for t in runs],
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body)),
    }


JUDGING = ("plan", "matrix", "phase")  # the pages that show a stored matrix (reporting/judged.py)


def pages_plan(vendor, args) -> dict:
    return _page(vendor, args, "plan")


def pages_matrix(vendor, args) -> dict:
    return _page(vendor, args, "matrix")


def pages_phase(vendor, args) -> dict:
    return _page(vendor, args, "phase")


def pages_dashboards(vendor, args) -> dict:
    return _page(vendor, args, "dashboards")


def pages_cases(vendor, args) -> dict:
    return _page(vendor, args, "cases")


def pages_caselist(vendor, args) -> dict:
    return _page(vendor, args, "caselist")


def pages_trend(vendor, args) -> dict:
    return _page(vendor, args, "trend")


def pages_targets(vendor, args) -> dict:
    return _page(vendor, args, "targets")


def pages_home(vendor, args) -> dict:
    return _page(vendor, args, "home")


def pages_targets_save(vendor, args) -> dict:
    """The targets grid posted back as a browser sends it (urlencoded), one cell in ten changed; each run in a
    transaction rolled back, so every run saves the same change."""
    import re

    from django.contrib.auth import get_user_model
    from django.db import transaction

    plan, province = _bench_province()
    client = _client_for(get_user_model().objects.get(username=f"bench_{province.code}"))
    what, url = PAGES["targets"]
    url = url.format(plan=plan.pk)
    html = client.get(url).content.decode()
    cells = re.findall(r'name="(t-\d+-\d+)" id="[^"]*"[^>]*value="([^"]*)"', html)
    posted = {name: (str(int(float(value.replace(",", "."))) + 1) if value and n % 10 == 0 else value)
              for n, (name, value) in enumerate(cells)}  # fmt: skip
    body = urlencode(posted)
    say(f"  {url}: {len(cells):,} cells posted, {sum(1 for n in range(len(cells)) if n % 10 == 0):,} changed")

    def save():
        with transaction.atomic():
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, (url, response.status_code)
            transaction.set_rollback(True)

    median, runs = paired_times({"save": save}, args.runs)["save"]
    return {
        "what": f"targets grid saved ({len(cells):,} cells, 1 in 10 changed)",
        "endpoint_ms": median * 1000,
        "endpoint_runs_ms": [t * 1000 for t in runs],
    }


def baseline(vendor, args) -> dict:
    """Django set up and connected, nothing else: the memory every other figure starts from."""
    from django.db import connection

    connection.ensure_connection()
    return {"what": "baseline (Django loaded)"}


# Each name in ORDER is a function of this module.
MEASUREMENTS = {name: globals()[name] for name in ORDER}


def table(results: list[dict]) -> str:
    head = f"{'measurement':<32} {'database':<28} {'ours ms':>10} {'bare ms':>10} {'ratio':>6}"
    lines = [head + f" {'pandas ms':>10} {'RSS MB':>7}"]
    for r in results:
        if "error" in r:
            lines.append(f"{r.get('what', '?'):<32} {r['db']:<28} failed")
            continue
        bare = r.get("sql_ms", r.get("openpyxl_ms"))
        lines.append(
            f"{r['what'] + (' (scale 0.1)' if r.get('small') else ''):<32} {r['db'][:28]:<28} "
            f"{_n(r.get('endpoint_ms')):>10} {_n(bare):>10} {_n(r.get('ratio'), 2):>6} {_n(r.get('pandas_ms')):>10} "
            f"{_n(r.get('max_rss_mb'), 0):>7}"
        )
        if r.get("afresh_ms") is not None:
            lines.append(
                f"{'  afresh (first after a write)':<32} {'':<28} {_n(r['afresh_ms']):>10} {_n(bare):>10} "
                f"{_n(r['afresh_ms'] / bare if bare else None, 2):>6}"
            )
        if r.get("after_draft_ms") is not None:
            lines.append(
                f"{'  after a draft saved':<32} {'':<28} {_n(r['after_draft_ms']):>10} {_n(bare):>10} "
                f"{_n(r['after_draft_ms'] / bare if bare else None, 2):>6}"
            )
        if r.get("after_acceptance_ms") is not None:
            lines.append(
                f"{'  after a report accepted':<32} {'':<28} {_n(r['after_acceptance_ms']):>10} {_n(bare):>10} "
                f"{_n(r['after_acceptance_ms'] / bare if bare else None, 2):>6}"
            )
        if r.get("api_ms") is not None:
            lines.append(
                f"{'  API search in the commune':<32} {'':<28} {_n(r['api_ms']):>10} {_n(r['api_sql_ms']):>10} "
                f"{_n(r['api_ratio'], 2):>6}"
            )
        if r.get("app_sql_ms") is not None:
            lines.append(
                f"{'  its database reads alone':<32} {'':<28} {_n(r['app_sql_ms']):>10} {_n(bare):>10} "
                f"{_n(r['app_sql_ms'] / bare, 2):>6}"
            )
        if r.get("signed_in_ms") is not None:
            lines.append(
                f"{'  a signed-in API request, no row':<32} {'':<28} {_n(r['signed_in_ms']):>10} "
                f"{_n(r['api_sql_ms']):>10} {_n(r['signed_in_ms'] / r['api_sql_ms'], 2):>6}"
            )
            for label, key, its_bare in (
                ("  the page in the database", "page", bare),
                ("  the API in the database", "api", r["api_sql_ms"]),
            ):
                statements = f"{r[key + '_statements']} statements"
                lines.append(
                    f"{label:<32} {statements:<28} {_n(r[key + '_in_database_ms']):>10} {_n(its_bare):>10} "
                    f"{_n(r[key + '_in_database_ms'] / its_bare, 2):>6}"
                )
    full = {r["what"]: r for r in results if not r.get("small") and "endpoint_ms" in r}
    for r in results:
        if r.get("small") and r["what"] in full and "endpoint_ms" in r:
            big = full[r["what"]]
            line = f"growth ×10 data, {r['what']}: endpoint ×{big['endpoint_ms'] / r['endpoint_ms']:.2f}"
            if "sql_ms" in r:
                line += f", bare SQL ×{big['sql_ms'] / r['sql_ms']:.2f}"
            lines.append(line)
    return "\n".join(lines)


def _n(value, places=1) -> str:
    return "–" if value is None else f"{value:,.{places}f}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use python -m bench")
