from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "giamsat.cases"
    label = "cases"
    verbose_name = _("Vụ việc trẻ em")

    def ready(self):
        # The plans' computed sources must be known before any plan page or indicator form asks for them.
        from giamsat.core.models import calendar_changed

        from . import services, sources

        sources.register_all()
        calendar_changed.connect(services.on_calendar_changed, dispatch_uid="cases.on_calendar_changed")
