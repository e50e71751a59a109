# A report's values count in the figures only once it is accepted (reporting/queries.py). The triggers of
# migration 0004 moved the plan's version on every write to any report or value, so every draft saved or file
# uploaded made every stored matrix of the plan stale, and during a reporting period the leaders' pages were
# judged afresh nearly every time. They also made every draft save in a plan wait on the same version row until
# its commit. Now reports and values move it only when an accepted report is concerned: before or after the
# write (accepted → superseded, submitted → accepted, an accepted report's values written, deleted or moved).

from django.db import migrations

BUMP = "UPDATE reporting_figuresversion SET version = version + 1 WHERE key IN ({keys});"
PLAN_OF_REPORT = (
    "(SELECT s.plan_id FROM reporting_reportrequest q JOIN reporting_schedule s ON s.id = q.schedule_id"
    " WHERE q.id = {row}.request_id)"
)
PLAN_OF_VALUE = "(SELECT i.plan_id FROM plans_indicator i WHERE i.id = {row}.indicator_id)"
REPORT_STATUS = "(SELECT rep.status FROM reporting_report rep WHERE rep.id = {row}.report_id)"
ACCEPTED = "'accepted'"  # ReportStatus.ACCEPTED

# table -> (the plan a row feeds, the test that the row concerns an accepted report), of a row named {row}
TABLES = {
    "reporting_report": (PLAN_OF_REPORT, f"{{row}}.status = {ACCEPTED}"),
    "reporting_indicatorvalue": (PLAN_OF_VALUE, f"{REPORT_STATUS} = {ACCEPTED}"),
}


def _sqlite(table: str, only_accepted: bool) -> list[str]:
    feeds, accepted = TABLES[table]
    new, old = feeds.format(row="NEW"), feeds.format(row="OLD")
    keys = {"insert": new, "update": f"{new}, {old}", "delete": old}
    when = {
        "insert": accepted.format(row="NEW"),
        "update": f"{accepted.format(row='NEW')} OR {accepted.format(row='OLD')}",
        "delete": accepted.format(row="OLD"),
    }
    statements = []
    for event in keys:
        name = f"figures_{table}_{event}"
        condition = f"WHEN {when[event]} " if only_accepted else ""
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} {condition}"
            f"BEGIN {BUMP.format(keys=keys[event])} END",
        ]
    return statements


def _postgresql(table: str, only_accepted: bool) -> list[str]:
    """The statement triggers stay; their functions are replaced."""
    feeds, accepted = TABLES[table]

    def rows(transition: str) -> str:
        where = f" WHERE {accepted.format(row='R')}" if only_accepted else ""
        return f"SELECT {feeds.format(row='R')} FROM {transition} R{where}"  # noqa: S608 - constants above

    keys = {"insert": rows("changed"), "update": f"{rows('changed')} UNION {rows('was')}", "delete": rows("was")}
    return [
        f"CREATE OR REPLACE FUNCTION figures_{table}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{BUMP.format(keys=selected)} RETURN NULL; END $$"
        for event, selected in keys.items()
    ]


def _replace(only_accepted: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"figures' triggers for {vendor}")
        make = _sqlite if vendor == "sqlite" else _postgresql
        for table in TABLES:
            for sql in make(table, only_accepted):
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_covered_key_indexes"),
    ]

    operations = [
        migrations.RunPython(_replace(only_accepted=True), _replace(only_accepted=False)),
    ]
