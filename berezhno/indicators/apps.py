from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "berezhno.indicators"
    label = "indicators"
    verbose_name = _("Показатели практик")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.core import access, registry

        from . import roles

        roles.register()
        registry.register_pages("indicators/", "berezhno.indicators.urls")
        registry.register_api_path("indicators/", "berezhno.indicators.api_urls")
        registry.register_menu(registry.MenuEntry(
            "indicators", _("Показатели"), "indicators:report",
            lambda u: access.can(u, roles.INDICATOR, roles.VIEW), order=90))
        from . import family_dispatch  # noqa: F401  (registers the Family Dispatch indicators)
        from . import home as home_cards

        # The quarter's figures for those who read them first of all (decision 0031).
        registry.register_home_panel(registry.HomePanel(
            "indicators", registry.HOME_CARD, home_cards.indicators_panel, order=70,
            roles=("head", "analyst"), requires=(roles.INDICATOR, roles.VIEW)))

        # A practice app may keep its indicators in its own ``indicators.py``.
        autodiscover_modules("indicators")
