from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SopConfig(AppConfig):
    name = "berezhno.sop"
    label = "sop"
    verbose_name = _("Семьи в социально опасном положении")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.cases import extensions, reminders
        from berezhno.cases import roles as case_roles
        from berezhno.cases.services import register_default_deadline
        from berezhno.core import access, registry
        from berezhno.core.registry import MenuEntry

        from . import deadlines, events, roles, selectors  # noqa: F401  (events: types)
        from .models import SopRecord

        roles.register_scopes()
        registry.register_pages("cases/", "berezhno.sop.urls")
        registry.register_api_route("sop", "berezhno.sop.api.SopViewSet", "sop")
        registry.register_menu(MenuEntry(
            "sop", _("СОП"), "sop:list",
            lambda u: access.can(u, case_roles.CASE, case_roles.VIEW), order=80))
        register_default_deadline("sop_kdn_notice", 1, False)
        register_default_deadline("sop_first_survey", 5, False)
        register_default_deadline("sop_review", 90, False)
        extensions.register_case_record(SopRecord)
        extensions.register_section(extensions.CaseSection(
            code="sop", order=30, slot="after_plans",
            card_template="sop/_card.html", card=selectors.card_section,
            file_template="sop/_file.html", file=selectors.file_section))
        deadlines.register()
        reminders.register_source(deadlines.overdue_reminders)

        from . import exports
        exports.register()  # its registers as XLSX and CSV (core.exports)
