"""Which report page made the last save (Report.saved_from): another window of the same user is not that page.

ADD COLUMN rather than Django's AddField: on SQLite, AddField copies the table into a new one and drops the old, which
the triggers that keep the judged matrices correct (reporting 0004, 0006) do not survive (docs/architecture.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0006_figures_from_accepted_reports_only'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE reporting_report ADD COLUMN saved_from varchar(43) NOT NULL DEFAULT ''",
                    "ALTER TABLE reporting_report DROP COLUMN saved_from",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name='report',
                    name='saved_from',
                    field=models.CharField(blank=True, default='', editable=False, max_length=43),
                ),
            ],
        ),
    ]
