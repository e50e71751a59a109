from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "giamsat.cases"
    label = "cases"
    verbose_name = _("Vụ việc trẻ em")

    def ready(self):
        # The plans' computed sources must be known before any plan page or indicator form asks for them.
        from . import sources

        sources.register_all()
