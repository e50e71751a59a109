from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def forget_judged_matrices(sender, using="default", **kwargs):
    """An upgrade migrates; the code that judges may have changed with it (reporting/judged.py)."""
    from .models import JudgedMatrix

    JudgedMatrix.objects.using(using).all().delete()


class ReportingConfig(AppConfig):
    name = "giamsat.reporting"
    label = "reporting"
    verbose_name = _("Báo cáo")

    def ready(self):
        post_migrate.connect(forget_judged_matrices, sender=self)
