from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "berezhno.accounts"
    label = "accounts"
    verbose_name = _("Пользователи и организации")

    def ready(self) -> None:
        from . import events  # noqa: F401
