"""Drops the foreign keys' own indexes where another index starts with the same column; why this way: reporting 0005."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0002_initial'),
        ('units', '0002_covered_key_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='document',
                    name='organisation',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='units.organisation', verbose_name='cơ quan ban hành'),
                ),
                migrations.AlterField(
                    model_name='numbercounter',
                    name='organisation',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.organisation'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS documents_document_organisation_id_09c4747c",
                    reverse_sql="CREATE INDEX documents_document_organisation_id_09c4747c ON documents_document (organisation_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS documents_numbercounter_organisation_id_c9795ce0",
                    reverse_sql="CREATE INDEX documents_numbercounter_organisation_id_c9795ce0 ON documents_numbercounter (organisation_id)",
                ),
            ],
        ),
    ]
