"""Judged matrices kept in the database (giamsat.reporting.judged): read back while nothing has changed, and
computed again after any write that can change a figure, whoever makes it: a service, the ORM or raw SQL (the
database's triggers count every write). Each write below changes what the matrix shows, so a matrix read back
stale would differ from the one computed afresh."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import factories as f
from giamsat.core.periods import Period
from giamsat.plans.models import Indicator, Target
from giamsat.plans.services import do_save_targets
from giamsat.reporting import queries
from giamsat.reporting.choices import ReportStatus
from giamsat.reporting.judged import KEPT_PER_PLAN
from giamsat.reporting.models import FiguresVersion, IndicatorValue, JudgedMatrix, Report, ReportRequest
from giamsat.reporting.services import (
    ValueInput,
    _insert_values,
    do_accept,
    do_open_correction,
    do_save_draft,
    do_submit,
    do_take_upload,
)
from giamsat.units.models import REFORM_DATE, Unit, UnitSuccession
from plan_fixtures import BY_SEX, COUNT, DECREASE, RATIO, set_target
from test_achievement_matrix import DL_2022, DL_2023, TL_2022, TL_2023, report

pytest_plugins = ["plan_fixtures"]

AS_OF = datetime.date(2024, 6, 30)
YEAR = Period.year(2023)


@pytest.fixture
def reported(plan_setup):
    """Accepted reports of both districts for both years; the version rows as migrating leaves them (a test
    database emptied by another test's flush has lost them)."""
    setup = plan_setup
    FiguresVersion.objects.get_or_create(key=0)
    FiguresVersion.objects.get_or_create(key=setup.plan.pk)
    report(setup, "dl", 2022, DL_2022)
    report(setup, "tl", 2022, TL_2022)
    report(setup, "dl", 2023, DL_2023)
    return setup


def shown(setup, period=YEAR) -> list[list[tuple]]:
    """The province's row and its districts' (Tánh Linh left out: its reports count for the province alone), as
    the pages get them."""
    total, rows = queries.matrix_with_total(setup.plan, setup.province, [setup.duc_linh], period, AS_OF)
    return _cells([total, *rows])


def afresh(setup, period=YEAR) -> list[list[tuple]]:
    indicators = list(setup.plan.indicators.all())
    return _cells(queries._with_total(setup.plan, indicators, setup.province, [setup.duc_linh], period, AS_OF)[0])


def _cells(rows) -> list[list[tuple]]:
    return [
        [(c.indicator.pk, c.target, c.actual, c.achieved, c.expected, c.status, c.problem) for c in row.cells]
        for row in rows
    ]


def test_a_matrix_is_read_back_while_nothing_changes(reported):
    first = shown(reported)
    assert JudgedMatrix.objects.filter(plan=reported.plan).count() == 1
    with CaptureQueriesContext(connection) as read:
        again = shown(reported)
    assert again == first == afresh(reported)
    sql = " ".join(q["sql"] for q in read.captured_queries)
    assert "reporting_indicatorvalue" not in sql and "plans_target" not in sql  # read back, not summed again
    assert any(c[3] is not None for row in again for c in row)  # judged cells, not an empty matrix


def _submitted_then_accepted(setup, officer):
    submitted = report(setup, "tl", 2023, TL_2023, status=ReportStatus.SUBMITTED)
    yield
    do_accept(submitted, acting_user=officer)


def _target_saved(setup, officer):
    yield
    do_save_targets(setup.plan, YEAR, {(setup.ind(COUNT).pk, setup.duc_linh.pk): Decimal(30)}, acting_user=officer)


def _target_deleted(setup, officer):
    yield
    Target.objects.filter(indicator=setup.ind(COUNT), unit=setup.province, period_start__year=2023).delete()


def _report_superseded(setup, officer):
    yield
    Report.objects.filter(request=setup.request("dl", 2023)).update(status=ReportStatus.SUPERSEDED)


def _value_changed_in_sql(setup, officer):
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_indicatorvalue SET value = value + 5 WHERE indicator_id = %s",
            [setup.ind(COUNT).pk],
        )


def _value_inserted(setup, officer):
    """A value written the way a saved draft or an upload writes it (COPY on PostgreSQL)."""
    accepted = Report.objects.get(request=setup.request("dl", 2023))
    IndicatorValue.objects.filter(report=accepted, indicator=setup.ind(COUNT)).delete()
    yield
    _insert_values([(accepted.pk, setup.ind(COUNT).pk, "", Decimal(7), None, None, "", "")])


def _values_deleted(setup, officer):
    yield
    IndicatorValue.objects.filter(indicator=setup.ind(RATIO)).delete()


def _report_added(setup, officer):
    yield
    report(setup, "tl", 2023, TL_2023)  # Tánh Linh counts for the province's row


def _baseline_changed(setup, officer):
    yield
    Indicator.objects.filter(pk=setup.ind(DECREASE).pk).update(baseline_value=Decimal(40))
    Target.objects.filter(indicator=setup.ind(DECREASE)).update(baseline_value=None)


def _request_moved(setup, officer):
    yield
    ReportRequest.objects.filter(pk=setup.request("dl", 2023).pk).update(period_end=datetime.date(2024, 12, 31))


def _district_moved(setup, officer):
    """A change of the units: Đức Linh's reports count for another province."""
    yield
    other = f.legacy_province(f.DAK_NONG)
    Unit.objects.filter(pk=setup.duc_linh.pk).update(parent=other, province=other)


def _succession_added(setup, officer):
    """The conversion table: Tánh Linh taken over wholly by Đức Linh, so its reports count for it."""
    report(setup, "tl", 2023, TL_2023)
    yield
    UnitSuccession.objects.create(
        predecessor=setup.tanh_linh, successor=setup.duc_linh, partly=False, effective=REFORM_DATE
    )


WRITES = [
    _submitted_then_accepted,
    _target_saved,
    _target_deleted,
    _report_superseded,
    _value_changed_in_sql,
    _value_inserted,
    _values_deleted,
    _report_added,
    _baseline_changed,
    _request_moved,
    _district_moved,
    _succession_added,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__.strip("_") for w in WRITES])
def test_every_write_that_changes_a_figure_is_seen(reported, province_officer, write):
    steps = write(reported, province_officer)
    next(steps)
    before = shown(reported)
    assert shown(reported) == before  # read back
    with pytest.raises(StopIteration):
        next(steps)
    after = shown(reported)
    assert after == afresh(reported)
    assert after != before


def test_a_correction_typed_uploaded_and_submitted_leaves_the_stored_matrix_current(
    reported, district_officer, province_officer
):
    """Only accepted reports count, so a draft (typed, uploaded) or a submitted report changes no figure: the
    matrix stored before is read back, not judged again (during a reporting period leaders would otherwise wait
    for a fresh judgement on nearly every visit). Its acceptance is what changes the figures."""
    before = shown(reported)
    versions = dict(FiguresVersion.objects.values_list("key", "version"))
    request = reported.request("dl", 2023)
    corrected = DL_2023 | {COUNT: 20, BY_SEX: 60}
    values = [
        ValueInput(reported.ind(code), numerator=Decimal(v[0]), denominator=Decimal(v[1]))
        if isinstance(v, tuple)
        else ValueInput(reported.ind(code), value=Decimal(v))
        for code, v in corrected.items()
    ]
    correction = do_open_correction(Report.objects.get(request=request), acting_user=district_officer)
    do_take_upload(request, acting_user=district_officer, values=values, from_template=False, template_revision=None)
    correction.refresh_from_db()
    do_save_draft(
        correction,
        acting_user=district_officer,
        revision=correction.revision,
        narrative={"results": "Sửa."},
        values=values,
    )
    submitted = do_submit(correction, acting_user=district_officer)
    assert dict(FiguresVersion.objects.values_list("key", "version")) == versions
    with CaptureQueriesContext(connection) as read:
        assert shown(reported) == before
    assert "reporting_indicatorvalue" not in " ".join(q["sql"] for q in read.captured_queries)

    do_accept(submitted, acting_user=province_officer)
    after = shown(reported)
    assert after == afresh(reported)
    assert after != before


def both(setup, period=YEAR) -> list[list[tuple]]:
    """The province's row and both districts'."""
    total, rows = queries.matrix_with_total(
        setup.plan, setup.province, [setup.duc_linh, setup.tanh_linh], period, AS_OF
    )
    return _cells([total, *rows])


def both_afresh(setup, period=YEAR) -> list[list[tuple]]:
    indicators = list(setup.plan.indicators.all())
    units = [setup.duc_linh, setup.tanh_linh]
    return _cells(queries._with_total(setup.plan, indicators, setup.province, units, period, AS_OF)[0])


def test_an_acceptance_judges_again_only_the_rows_it_changes(reported, province_officer, caplog):
    """A report accepted changes its unit's row and the total: those are summed and judged again, the other rows
    are read back. Several acceptances since the matrix was stored are caught up at once."""
    caplog.set_level(logging.DEBUG, logger="giamsat.reporting.judged")
    before = both(reported)
    do_accept(report(reported, "tl", 2023, TL_2023, status=ReportStatus.SUBMITTED), acting_user=province_officer)
    after = both(reported)
    assert "2 of 3 rows judged again" in caplog.text
    assert after == both_afresh(reported)
    assert after[0] != before[0] and after[2] != before[2]
    assert after[1] == before[1]  # Đức Linh's, read back

    caplog.clear()
    Report.objects.filter(request=reported.request("dl", 2023)).update(status=ReportStatus.SUPERSEDED)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_indicatorvalue SET value = value + 5 WHERE indicator_id = %s",
            [reported.ind(COUNT).pk],
        )
    caught_up = both(reported)
    assert "3 of 3 rows judged again" in caplog.text
    assert caught_up == both_afresh(reported) != after
    assert both(reported) == caught_up  # stored as brought up to date, and read back


def test_a_change_other_than_to_accepted_reports_judges_the_whole_matrix_again(reported, province_officer, caplog):
    caplog.set_level(logging.DEBUG, logger="giamsat.reporting.judged")
    both(reported)
    do_accept(report(reported, "tl", 2023, TL_2023, status=ReportStatus.SUBMITTED), acting_user=province_officer)
    set_target(reported.ind(COUNT), reported.duc_linh, 2023, 31)  # after the acceptance, before the next request
    with CaptureQueriesContext(connection) as judged_again:
        assert both(reported) == both_afresh(reported)
    assert "judged again" not in caplog.text
    assert any("plans_target" in q["sql"] for q in judged_again.captured_queries)


def test_an_acceptance_outside_the_matrix_changes_none_of_its_rows(reported, province_officer, caplog):
    """Tánh Linh's report counts for neither Đức Linh nor Đắk Nông."""
    caplog.set_level(logging.DEBUG, logger="giamsat.reporting.judged")
    units = [reported.duc_linh, f.legacy_province(f.DAK_NONG)]
    before = _cells(queries.achievement_matrix(reported.plan, units, YEAR, AS_OF))
    do_accept(report(reported, "tl", 2023, TL_2023, status=ReportStatus.SUBMITTED), acting_user=province_officer)
    after = _cells(queries.achievement_matrix(reported.plan, units, YEAR, AS_OF))
    assert "0 of 2 rows judged again" in caplog.text
    indicators = list(reported.plan.indicators.all())
    assert after == before == _cells(queries._matrix(reported.plan, indicators, units, YEAR, AS_OF)[0])


def test_an_acceptance_counted_through_the_conversion_table_is_refreshed_by_the_stored_map(
    reported, province_officer, caplog
):
    """Tánh Linh taken over wholly by Đức Linh before the matrix is stored: its report, accepted afterwards,
    counts for Đức Linh's row by the source map kept with the matrix (the units and the table unchanged since)."""
    caplog.set_level(logging.DEBUG, logger="giamsat.reporting.judged")
    UnitSuccession.objects.create(
        predecessor=reported.tanh_linh, successor=reported.duc_linh, partly=False, effective=REFORM_DATE
    )
    before = shown(reported)
    do_accept(report(reported, "tl", 2023, TL_2023, status=ReportStatus.SUBMITTED), acting_user=province_officer)
    with CaptureQueriesContext(connection) as refreshed:
        after = shown(reported)
    assert "2 of 2 rows judged again" in caplog.text
    assert not any("units_unitsuccession" in q["sql"] for q in refreshed.captured_queries)
    assert after == afresh(reported) and after[1] != before[1]
    assert shown(reported) == after  # stored as brought up to date, and read back


def test_a_unit_shown_beside_the_old_unit_it_took_over_does_not_inherit_its_targets_on_a_refresh(
    reported, province_officer, caplog
):
    """Tánh Linh, taken over by Đức Linh, is a row of its own, so its targets stay its own: Đức Linh, without a
    target for the year, has none, whether the matrix is judged whole or only Đức Linh's row again."""
    caplog.set_level(logging.DEBUG, logger="giamsat.reporting.judged")
    UnitSuccession.objects.create(
        predecessor=reported.tanh_linh, successor=reported.duc_linh, partly=False, effective=REFORM_DATE
    )
    Target.objects.filter(unit=reported.duc_linh, period_start__year=2023).delete()
    units = [reported.tanh_linh, reported.duc_linh]
    queries.achievement_matrix(reported.plan, units, YEAR, AS_OF)
    Report.objects.filter(request=reported.request("dl", 2023)).delete()
    do_accept(report(reported, "dl", 2023, DL_2023, status=ReportStatus.SUBMITTED), acting_user=province_officer)
    after = _cells(queries.achievement_matrix(reported.plan, units, YEAR, AS_OF))
    assert "1 of 2 rows judged again" in caplog.text
    indicators = list(reported.plan.indicators.all())
    assert after == _cells(queries._matrix(reported.plan, indicators, units, YEAR, AS_OF)[0])
    assert all(cell[1] is None for cell in after[1]) and any(cell[1] is not None for cell in after[0])


def test_one_units_matrix_and_a_plan_with_case_figures_are_not_kept(reported):
    """A report's own figures (supervision) cost less to judge than to store; case figures change with the clock
    (a case's 12 hours running out), not only with writes."""
    queries.achievement_matrix(reported.plan, [reported.duc_linh], YEAR, AS_OF)
    assert not JudgedMatrix.objects.exists()
    Indicator.objects.filter(pk=reported.ind(COUNT).pk).update(source="cases.received")
    shown(reported)
    assert not JudgedMatrix.objects.exists()


def test_stale_and_surplus_matrices_are_dropped_when_one_is_stored(reported):
    shown(reported, Period.year(2022))
    set_target(reported.ind(COUNT), reported.duc_linh, 2023, 31)
    shown(reported)
    [kept] = JudgedMatrix.objects.filter(plan=reported.plan)
    versions = dict(FiguresVersion.objects.values_list("key", "version"))
    assert (kept.plan_version, kept.all_version) == (versions[reported.plan.pk], versions[0])
    for year in range(2000, 2001 + KEPT_PER_PLAN):
        queries.achievement_matrix(reported.plan, [reported.duc_linh, reported.tanh_linh], Period.year(year), AS_OF)
    assert JudgedMatrix.objects.filter(plan=reported.plan).count() == KEPT_PER_PLAN


def test_migrating_forgets_every_matrix(reported):
    """New code may judge differently; an upgrade migrates."""
    shown(reported)
    call_command("migrate", verbosity=0)
    assert not JudgedMatrix.objects.exists()


def test_a_migration_that_stops_short_of_reporting_leaves_the_matrices_alone(reported):
    """`giamsat migrate accounts 0002` on an empty database failed at the end: "no such table:
    reporting_judgedmatrix". The state it leaves has no such model, and nothing is asked of the database."""
    from django.db.migrations.state import ProjectState

    from giamsat.reporting.apps import forget_judged_matrices

    shown(reported)
    with CaptureQueriesContext(connection) as asked:
        forget_judged_matrices(sender=None, apps=ProjectState().apps)
    assert asked.captured_queries == []
    assert JudgedMatrix.objects.exists()


REFUSE_STORE = {
    "sqlite": [
        "CREATE TRIGGER refuse_store BEFORE INSERT ON reporting_judgedmatrix BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_store() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_store BEFORE INSERT ON reporting_judgedmatrix "
        "FOR EACH ROW EXECUTE FUNCTION refuse_store()",
    ],
}


def test_a_matrix_the_database_refuses_to_store_is_served_all_the_same(reported, caplog):
    """The store is a cache: when the database refuses it (SQLite busy with another writer, here a trigger that
    raises), the page gets its matrix, nothing half-written stays, and the log says so."""
    with connection.cursor() as cursor:
        for statement in REFUSE_STORE[connection.vendor]:
            cursor.execute(statement)
    assert shown(reported) == afresh(reported)
    assert not JudgedMatrix.objects.exists()
    assert f"Judged matrix of plan {reported.plan.pk} not stored" in caplog.text
    assert shown(reported) == afresh(reported)  # and the next request tries again
