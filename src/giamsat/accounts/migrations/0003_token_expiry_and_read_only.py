import datetime

from django.db import migrations, models
from django.utils import timezone


def expire_after_a_year(apps, schema_editor):
    """Tokens made before expiry existed run out a year after they were made (the longest a new one may live), and
    not sooner than 30 days after the upgrade: software using an older token gets a month to be given a new one."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    grace = timezone.now() + datetime.timedelta(days=30)
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = max(token.created_at + datetime.timedelta(days=365), grace)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="hết hạn lúc"),
        ),
        migrations.RunPython(expire_after_a_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="hết hạn lúc"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(
                default=False,
                help_text="Mã chỉ đọc được dữ liệu; không ghi, gửi hay duyệt được gì.",
                verbose_name="chỉ đọc",
            ),
        ),
    ]
