from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "berezhno.territories"
    label = "territories"
    verbose_name = _("Территории")

    def ready(self) -> None:
        from berezhno.core import access, registry

        from . import events, roles  # noqa: F401  (events: registers the event types)
        from .models import District, DistrictCoverage, Street, Territory

        roles.register()
        access.register_tree(Territory)
        access.register_scope(Territory, kind=roles.TERRITORY)
        access.register_scope(District, kind=roles.DISTRICT)
        # Not restricted querysets; registered so the admin knows them as reference data.
        access.register_scope(Street, kind=roles.TERRITORY)
        access.register_scope(DistrictCoverage, kind=roles.DISTRICT)
        registry.register_pages("find-specialist/", "berezhno.territories.urls")
        from . import home

        registry.register_home_panel(registry.HomePanel(
            "vacant_districts", registry.HOME_CARD, home.vacant_districts_panel, order=30,
            roles=("admin",), requires=(roles.DISTRICT, roles.CHANGE)))
        registry.register_api_path("directory/", "berezhno.territories.api_urls")
        registry.register_api_route("territories", "berezhno.territories.api.TerritoryViewSet",
                                    "territory")
        registry.register_api_route("districts", "berezhno.territories.api.DistrictViewSet",
                                    "district")
        registry.register_menu(registry.MenuEntry(
            "directory", _("Справочник участков"), "territories:directory", lambda u: True,
            order=980))
