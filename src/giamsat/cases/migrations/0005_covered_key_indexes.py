"""Drops the foreign keys' own indexes where another index starts with the same column; why this way: reporting 0005."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_duplicates_partial_index'),
        ('units', '0002_covered_key_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='commune',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='xã, phường nơi trẻ sinh sống'),
                ),
                migrations.AlterField(
                    model_name='caseassignment',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người được giao'),
                ),
                migrations.AlterField(
                    model_name='caseharm',
                    name='case',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='harms', to='cases.case'),
                ),
                migrations.AlterField(
                    model_name='supportplan',
                    name='case',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='plans', to='cases.case'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS cases_case_commune_id_d18415b7",
                    reverse_sql="CREATE INDEX cases_case_commune_id_d18415b7 ON cases_case (commune_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS cases_caseassignment_user_id_88de3a28",
                    reverse_sql="CREATE INDEX cases_caseassignment_user_id_88de3a28 ON cases_caseassignment (user_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS cases_caseharm_case_id_05f1fc72",
                    reverse_sql="CREATE INDEX cases_caseharm_case_id_05f1fc72 ON cases_caseharm (case_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS cases_supportplan_case_id_2d7fd16b",
                    reverse_sql="CREATE INDEX cases_supportplan_case_id_2d7fd16b ON cases_supportplan (case_id)",
                ),
            ],
        ),
    ]
