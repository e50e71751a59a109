# A report accepted moved the plan's version, and the next request for any of the plan's matrices judged all of
# its 10,000 cells again (0.5–0.9 s at national scale) to change one commune's row and the total. The triggers on
# accepted reports and their values now also count the change as "scoped" and record, per unit whose reports
# changed, the plan's version after it (UnitFiguresVersion). A stored matrix whose every change since is scoped
# is brought up to date by those units' rows and the total alone (reporting/judged.py). Other writes (targets,
# indicators, schedules, requests, units, conversion table) move the version only, as before.
#
# ADD COLUMN rather than AddField for the version table: on SQLite, AddField copies a table into a new one, and the
# triggers that write it are tied to its name (docs/architecture.md).

from django.db import migrations, models

PLAN_OF_REPORT = (
    "(SELECT s.plan_id FROM reporting_reportrequest q JOIN reporting_schedule s ON s.id = q.schedule_id"
    " WHERE q.id = {row}.request_id)"
)
UNIT_OF_REPORT = "(SELECT q.unit_id FROM reporting_reportrequest q WHERE q.id = {row}.request_id)"
PLAN_OF_VALUE = "(SELECT i.plan_id FROM plans_indicator i WHERE i.id = {row}.indicator_id)"
UNIT_OF_VALUE = (
    "(SELECT q.unit_id FROM reporting_report rep JOIN reporting_reportrequest q ON q.id = rep.request_id"
    " WHERE rep.id = {row}.report_id)"
)
REPORT_STATUS = "(SELECT rep.status FROM reporting_report rep WHERE rep.id = {row}.report_id)"
ACCEPTED = "'accepted'"  # ReportStatus.ACCEPTED

# table -> (the plan a row feeds, the unit whose reports it belongs to, the test that it concerns an accepted
# report), of a row named {row}
TABLES = {
    "reporting_report": (PLAN_OF_REPORT, UNIT_OF_REPORT, f"{{row}}.status = {ACCEPTED}"),
    "reporting_indicatorvalue": (PLAN_OF_VALUE, UNIT_OF_VALUE, f"{REPORT_STATUS} = {ACCEPTED}"),
}

# As migration 0006 left them.
BUMP = "UPDATE reporting_figuresversion SET version = version + 1 WHERE key IN ({plans});"

# A change counts as scoped only when every row names its unit; otherwise only the version moves.
SCOPED_BUMP = (
    "UPDATE reporting_figuresversion SET version = version + 1, scoped = scoped + CASE WHEN EXISTS "
    "(SELECT 1 FROM ({pairs}) p WHERE p.plan = reporting_figuresversion.key AND p.unit IS NULL) THEN 0 ELSE 1 END "
    "WHERE key IN (SELECT p.plan FROM ({pairs}) p);"
)
RECORD = (
    "INSERT INTO reporting_unitfiguresversion (plan_key, unit_id, version) "
    "SELECT DISTINCT p.plan, p.unit, f.version FROM ({pairs}) p JOIN reporting_figuresversion f ON f.key = p.plan "
    "WHERE p.unit IS NOT NULL "
    "ON CONFLICT (plan_key, unit_id) DO UPDATE SET version = excluded.version;"
)


def _body(pairs: str, plans: str, record: bool) -> str:
    if not record:
        return BUMP.format(plans=plans)
    return SCOPED_BUMP.format(pairs=pairs) + " " + RECORD.format(pairs=pairs)


def _sqlite(table: str, record: bool) -> list[str]:
    feeds, unit, accepted = TABLES[table]

    def pair(row: str) -> str:
        return f"SELECT {feeds.format(row=row)} AS plan, {unit.format(row=row)} AS unit"

    pairs = {"insert": pair("NEW"), "update": f"{pair('NEW')} UNION {pair('OLD')}", "delete": pair("OLD")}
    new, old = feeds.format(row="NEW"), feeds.format(row="OLD")
    plans = {"insert": new, "update": f"{new}, {old}", "delete": old}
    when = {
        "insert": accepted.format(row="NEW"),
        "update": f"{accepted.format(row='NEW')} OR {accepted.format(row='OLD')}",
        "delete": accepted.format(row="OLD"),
    }
    statements = []
    for event in pairs:
        name = f"figures_{table}_{event}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} WHEN {when[event]} "
            f"BEGIN {_body(pairs[event], plans[event], record)} END",
        ]
    return statements


def _postgresql(table: str, record: bool) -> list[str]:
    """The statement triggers stay; their functions are replaced."""
    feeds, unit, accepted = TABLES[table]

    def rows(transition: str, what: str) -> str:
        return f"SELECT {what} FROM {transition} R WHERE {accepted.format(row='R')}"  # noqa: S608 - constants

    def both(transition: str) -> str:
        return rows(transition, f"{feeds.format(row='R')} AS plan, {unit.format(row='R')} AS unit")

    def plan(transition: str) -> str:
        return rows(transition, feeds.format(row="R"))

    pairs = {"insert": both("changed"), "update": f"{both('changed')} UNION {both('was')}", "delete": both("was")}
    plans = {"insert": plan("changed"), "update": f"{plan('changed')} UNION {plan('was')}", "delete": plan("was")}
    return [
        f"CREATE OR REPLACE FUNCTION figures_{table}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_body(pairs[event], plans[event], record)} RETURN NULL; END $$"
        for event in pairs
    ]


def _replace(record: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"figures' triggers for {vendor}")
        make = _sqlite if vendor == "sqlite" else _postgresql
        for table in TABLES:
            for sql in make(table, record):
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_report_saved_from"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE reporting_figuresversion ADD COLUMN scoped bigint NOT NULL DEFAULT 0",
                    "ALTER TABLE reporting_figuresversion DROP COLUMN scoped",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="figuresversion",
                    name="scoped",
                    field=models.BigIntegerField(default=0),
                )
            ],
        ),
        migrations.CreateModel(
            name="UnitFiguresVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("plan_key", models.BigIntegerField()),
                ("unit_id", models.BigIntegerField()),
                ("version", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "phiên bản số liệu của đơn vị",
                "verbose_name_plural": "phiên bản số liệu của đơn vị",
                "constraints": [
                    models.UniqueConstraint(fields=("plan_key", "unit_id"), name="unit_figures_version_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="judgedmatrix",
            name="plan_scoped",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(_replace(record=True), _replace(record=False)),
    ]
