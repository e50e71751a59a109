"""Drops the foreign keys' own indexes where another index starts with the same column; why this way: reporting 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0003_member_order_by_role'),
        ('units', '0002_covered_key_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='recommendation',
                    name='addressee',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='recommendations', to='units.organisation', verbose_name='gửi tới'),
                ),
                migrations.AlterField(
                    model_name='recommendation',
                    name='supervision',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='supervision.supervision'),
                ),
                migrations.AlterField(
                    model_name='supervisedorganisation',
                    name='supervision',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='schedule', to='supervision.supervision'),
                ),
                migrations.AlterField(
                    model_name='supervisionprogramme',
                    name='organisation',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='supervision_programmes', to='units.organisation', verbose_name='cơ quan giám sát'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS supervision_recommendation_addressee_id_5b553c8c",
                    reverse_sql="CREATE INDEX supervision_recommendation_addressee_id_5b553c8c ON supervision_recommendation (addressee_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS supervision_recommendation_supervision_id_3bef09b9",
                    reverse_sql="CREATE INDEX supervision_recommendation_supervision_id_3bef09b9 ON supervision_recommendation (supervision_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS supervision_supervisedorganisation_supervision_id_2a567e21",
                    reverse_sql="CREATE INDEX supervision_supervisedorganisation_supervision_id_2a567e21 ON supervision_supervisedorganisation (supervision_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS supervision_supervisionprogramme_organisation_id_68507b4c",
                    reverse_sql="CREATE INDEX supervision_supervisionprogramme_organisation_id_68507b4c ON supervision_supervisionprogramme (organisation_id)",
                ),
            ],
        ),
    ]
