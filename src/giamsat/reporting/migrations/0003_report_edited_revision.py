from django.db import migrations, models
from django.db.models import F, Q


def edited_from_uploaded(apps, schema_editor):
    """The last web save is known only as "not the last upload": when the last save was an upload, the web edits
    (if any) came before it; otherwise the last save itself was on the web."""
    Report = apps.get_model("reporting", "Report")
    Report.objects.filter(uploaded_revision=F("revision"), revision__gt=0).update(edited_revision=F("revision") - 1)
    Report.objects.filter(Q(uploaded_revision__isnull=True) | ~Q(uploaded_revision=F("revision"))).filter(
        revision__gt=0
    ).update(edited_revision=F("revision"))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_report_uploaded_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="edited_revision",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(edited_from_uploaded, migrations.RunPython.noop),
        migrations.RemoveField(model_name="report", name="uploaded_revision"),
    ]
