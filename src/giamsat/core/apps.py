from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "giamsat.core"
    label = "core"
    verbose_name = _("Nền tảng")
