from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "berezhno.rights"
    label = "rights"
    verbose_name = _("Права субъектов персональных данных")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.core import access, audit, registry
        from berezhno.core.registry import HomePanel, MenuEntry
        from berezhno.people import extensions

        from . import events, exports, home, roles, selectors  # noqa: F401  (event types)

        roles.register()
        audit.register_write_guard(selectors.blocked_write_refusal)
        registry.register_pages("rights/", "berezhno.rights.urls")
        registry.register_api_route("rights-requests", "berezhno.rights.api.SubjectRequestViewSet",
                                    "rights-request")
        registry.register_api_route("incidents", "berezhno.rights.api.IncidentViewSet",
                                    "incident")
        registry.register_menu(MenuEntry(
            "rights", _("Обращения по ПД"), "rights:list",
            lambda u: access.can(u, roles.RIGHTS, access.VIEW), order=70))
        registry.register_menu(MenuEntry(
            "incidents", _("Инциденты ПД"), "rights:incidents",
            lambda u: access.can(u, roles.INCIDENT, access.VIEW), order=71))
        registry.register_home_panel(HomePanel("rights_due", registry.HOME_CARD,
                                               home.due_panel, order=45,
                                               requires=(roles.RIGHTS, access.VIEW)))
        extensions.register_card_panel(extensions.CardPanel(
            "rights", "rights/_person_panel.html", selectors.person_panel, order=10))
        exports.register()
        from berezhno.core import schedule

        # Daily, once per day whichever worker takes it (decision 0026).
        schedule.register(schedule.Job("rights.remind_due", "berezhno.rights.tasks.remind_due",
                                       daily_at="07:00"))
