from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "berezhno.core"
    label = "core"
    verbose_name = _("Ядро")

    def ready(self) -> None:
        from . import lookups  # noqa: F401 - registers ``__any``
