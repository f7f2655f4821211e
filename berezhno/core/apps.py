from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "berezhno.core"
    label = "core"
    verbose_name = _("Ядро")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models import fields

        # The empty choice of a select: Django 6.1's "- Select an option -" has no Russian
        # translation in Django's catalogue and showed in English (the way Django's
        # deprecation of USE_BLANK_CHOICE_DASH names for choosing one's own label).
        fields.BLANK_CHOICE_LABEL = fields.BLANK_CHOICE_DASH[0][1]

        # lookups registers ``__any``; checks registers the registries' system check.
        from . import access, checks, home, lookups, memory, registry, schedule  # noqa: F401
        from .admin_site import may_administer
        from .middleware import stamp_login
        from .models import CalendarDay
        from .registry import HomePanel, MenuEntry, register_home_panel, register_menu

        user_logged_in.connect(stamp_login, dispatch_uid="berezhno.core.stamp_login")
        memory.install()
        # The production calendar is the country's: reference data of the administrator.
        access.register_kind(access.AUDIT, _("журнал аудита"), personal=True)
        access.register_kind(access.CALENDAR, _("производственный календарь"),
                             administered=True)
        access.register_scope(CalendarDay, kind=access.CALENDAR)
        register_menu(MenuEntry("audit", _("Журнал доступа"), "core:audit",
                                lambda u: access.can(u, access.AUDIT, access.VIEW), order=900))
        register_menu(MenuEntry("admin", _("Администрирование"), "admin:index",
                                lambda u: u.is_staff or may_administer(u), order=910))
        # The API's page is in the menu of administrators only; everyone else finds it in
        # the profile, beside their API key.
        register_menu(MenuEntry("api", "API", "api-docs",
                                lambda u: u.is_superuser or may_administer(u), order=990))
        registry.register_api_route("audit/access", "berezhno.core.audit_api.AccessLogViewSet",
                                    "access-log")
        registry.register_api_route("audit/changes",
                                    "berezhno.core.audit_api.ChangeLogViewSet", "change-log")
        # The user's own reminders and roles: for everyone (decision 0031).
        register_home_panel(HomePanel("reminders", registry.HOME_CARD,
                                      home.reminders_panel, order=20))
        register_home_panel(HomePanel("roles", "core/_home_roles.html", home.roles_panel,
                                      order=900))
        # The users' long jobs (decision 0030): expired results go at night.
        schedule.register(schedule.Job("core.clean_jobs", "berezhno.core.tasks.clean_jobs",
                                       daily_at="03:00"))
