"""Drops the foreign keys' own indexes where another index starts with the same column (tests/test_schema.py).

Only the indexes are dropped (the state changes through AlterField): on SQLite, AlterField would copy each table
into a new one, for hours on a national database, and the copy would lose the triggers that keep the stored
matrices correct (reporting 0004).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0002_covered_key_indexes'),
        ('reporting', '0004_judged_matrices'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='budgetline',
                    name='report',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='budget_lines', to='reporting.report'),
                ),
                migrations.AlterField(
                    model_name='indicatorvalue',
                    name='indicator',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='plans.indicator'),
                ),
                migrations.AlterField(
                    model_name='judgedmatrix',
                    name='plan',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='plans.plan'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='request',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='reporting.reportrequest'),
                ),
                migrations.AlterField(
                    model_name='reportrequest',
                    name='schedule',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='requests', to='reporting.schedule'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS reporting_budgetline_report_id_c8063026",
                    reverse_sql="CREATE INDEX reporting_budgetline_report_id_c8063026 ON reporting_budgetline (report_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS reporting_indicatorvalue_indicator_id_a725e5ec",
                    reverse_sql="CREATE INDEX reporting_indicatorvalue_indicator_id_a725e5ec ON reporting_indicatorvalue (indicator_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS reporting_judgedmatrix_plan_id_e46ecc58",
                    reverse_sql="CREATE INDEX reporting_judgedmatrix_plan_id_e46ecc58 ON reporting_judgedmatrix (plan_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS reporting_report_request_id_c89c1687",
                    reverse_sql="CREATE INDEX reporting_report_request_id_c89c1687 ON reporting_report (request_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS reporting_reportrequest_schedule_id_fb95330a",
                    reverse_sql="CREATE INDEX reporting_reportrequest_schedule_id_fb95330a ON reporting_reportrequest (schedule_id)",
                ),
            ],
        ),
    ]
