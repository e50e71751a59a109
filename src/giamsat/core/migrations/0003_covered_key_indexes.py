"""Drops the foreign keys' own indexes where another index starts with the same column; why this way: reporting 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_calendarday'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditentry',
                    name='content_type',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to='contenttypes.contenttype', verbose_name='loại đối tượng'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS core_auditentry_content_type_id_797ef574",
                    reverse_sql="CREATE INDEX core_auditentry_content_type_id_797ef574 ON core_auditentry (content_type_id)",
                ),
            ],
        ),
    ]
