from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "berezhno.territories"
    label = "territories"
    verbose_name = _("Территории")

    def ready(self) -> None:
        from . import events  # noqa: F401
