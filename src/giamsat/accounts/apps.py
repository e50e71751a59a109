from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "giamsat.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from . import signals  # noqa: F401  (audit of logins)
