"""Drops the foreign keys' own indexes where another index starts with the same column; why this way: reporting 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0001_initial'),
        ('units', '0002_covered_key_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='indicator',
                    name='plan',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='plans.plan'),
                ),
                migrations.AlterField(
                    model_name='plan',
                    name='issuer',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='units.organisation', verbose_name='cơ quan ban hành'),
                ),
                migrations.AlterField(
                    model_name='target',
                    name='indicator',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='plans.indicator'),
                ),
                migrations.AlterField(
                    model_name='target',
                    name='unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='đơn vị'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS plans_indicator_plan_id_428af611",
                    reverse_sql="CREATE INDEX plans_indicator_plan_id_428af611 ON plans_indicator (plan_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS plans_plan_issuer_id_86ee833d",
                    reverse_sql="CREATE INDEX plans_plan_issuer_id_86ee833d ON plans_plan (issuer_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS plans_target_indicator_id_8c154346",
                    reverse_sql="CREATE INDEX plans_target_indicator_id_8c154346 ON plans_target (indicator_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS plans_target_unit_id_890af865",
                    reverse_sql="CREATE INDEX plans_target_unit_id_890af865 ON plans_target (unit_id)",
                ),
            ],
        ),
    ]
