from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "berezhno.referrals"
    label = "referrals"
    verbose_name = _("Направления партнёрам")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.cases import extensions, reminders
        from berezhno.cases import roles as case_roles
        from berezhno.cases.services import register_default_deadline
        from berezhno.core import access, registry
        from berezhno.core.registry import MenuEntry

        from . import deadlines, events, roles, selectors, services  # noqa: F401
        from .models import Referral

        roles.register_kinds_and_rights()
        roles.register_scopes()
        registry.register_pages("cases/", "berezhno.referrals.urls")
        registry.register_api_route("referrals", "berezhno.referrals.api.ReferralViewSet",
                                    "referral")
        registry.register_menu(MenuEntry(
            "referrals", _("Направления"), "referrals:inbox",
            lambda u: access.can(u, roles.REFERRAL, case_roles.VIEW), order=60))
        from . import home

        # The partner's referrals and the head's late partners (decision 0031).
        card = registry.HOME_CARD
        for code, fn, order, who in (
                ("waiting", home.waiting_panel, 10, ("partner",)),
                ("overdue_answers", home.overdue_panel, 20, ("partner",)),
                ("overdue_referrals", home.overdue_by_specialist_panel, 35, ("head",))):
            registry.register_home_panel(registry.HomePanel(code, card, fn, order=order, roles=who,
                                                   requires=(roles.REFERRAL, roles.VIEW)))
        register_default_deadline("referral_response", 5, True)
        extensions.register_case_record(Referral)
        extensions.register_section(extensions.CaseSection(
            code="referrals", order=20, slot="after_plans",
            card_template="referrals/_card.html", card=selectors.card_section,
            file_template="referrals/_file.html", file=selectors.file_section))
        extensions.register_close_hook(services.withdraw_on_early_close)
        reminders.register_source(deadlines.overdue_reminders)

        from . import exports
        exports.register()  # its registers as XLSX and CSV (core.exports)
