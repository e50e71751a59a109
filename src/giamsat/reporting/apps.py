from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def forget_judged_matrices(sender, using="default", apps=global_apps, **kwargs):
    """An upgrade migrates; the code that judges may have changed with it (reporting/judged.py). `apps` is the
    state the migration left: one that stopped short of reporting's tables (`giamsat migrate accounts 0002` on an
    empty database) has none to empty."""
    try:
        judged = apps.get_model("reporting", "JudgedMatrix")
    except LookupError:
        return
    judged.objects.using(using).all().delete()


class ReportingConfig(AppConfig):
    name = "giamsat.reporting"
    label = "reporting"
    verbose_name = _("Báo cáo")

    def ready(self):
        post_migrate.connect(forget_judged_matrices, sender=self)
