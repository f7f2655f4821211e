from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "berezhno.people"
    label = "people"
    verbose_name = _("Граждане и семьи")

    def ready(self) -> None:
        from . import events  # noqa: F401
