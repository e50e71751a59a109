"""Drops the foreign keys' own indexes where another index starts with the same column; why this way: reporting 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='organisation',
                    name='unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='units.unit', verbose_name='địa bàn'),
                ),
                migrations.AlterField(
                    model_name='unitsuccession',
                    name='predecessor',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='successions', to='units.unit'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS units_organisation_unit_id_f7d35d50",
                    reverse_sql="CREATE INDEX units_organisation_unit_id_f7d35d50 ON units_organisation (unit_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS units_unitsuccession_predecessor_id_dc4e20d8",
                    reverse_sql="CREATE INDEX units_unitsuccession_predecessor_id_dc4e20d8 ON units_unitsuccession (predecessor_id)",
                ),
            ],
        ),
    ]
