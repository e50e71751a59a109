"""The eight limitations the seed names (Bình Thuận Women's Union supervision, 2023) as the first categories."""

from django.db import migrations

from giamsat.supervision.choices import SEED_CATEGORIES


def seed(apps, schema_editor):
    FindingCategory = apps.get_model("supervision", "FindingCategory")
    for order, name in enumerate(SEED_CATEGORIES, start=1):
        FindingCategory.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
