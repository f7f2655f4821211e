from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "berezhno.district"
    label = "district"
    verbose_name = _("Участковая социальная служба")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.cases.services import register_default_deadline
        from berezhno.core import access, audit, registry
        from berezhno.core.registry import HomePanel, MenuEntry
        from berezhno.people.roles import SENSITIVE

        from . import events, exports, home, roles, services  # noqa: F401  (events: types)
        from .models import BankEntry

        roles.register_kinds_and_rights()
        roles.register_scopes()
        # An entry with a reason about health (a mental disorder) is special-category data.
        audit.register_sensitive(BankEntry, lambda e: bool(getattr(e, "health_reason", False)),
                                 kind=SENSITIVE)
        registry.register_pages("district/", "berezhno.district.urls")
        registry.register_api_route("district-bank", "berezhno.district.api.BankEntryViewSet",
                                    "district-bank")
        registry.register_menu(MenuEntry(
            "district_bank", _("Банк данных"), "district:bank",
            lambda u: access.can(u, roles.BANK, roles.VIEW, practice=roles.DISTRICT),
            order=85))
        registry.register_home_panel(HomePanel(
            "bank_reviews", registry.HOME_CARD, home.overdue_reviews_panel, order=45,
            roles=("district_specialist",), requires=(roles.BANK, roles.VIEW),
            practice=roles.DISTRICT))
        register_default_deadline(services.REVIEW_DEADLINE, services.REVIEW_DAYS, False)
        exports.register()
