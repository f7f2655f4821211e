from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UrgentConfig(AppConfig):
    name = "berezhno.urgent"
    label = "urgent"
    verbose_name = _("Срочные социальные услуги")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.cases import extensions
        from berezhno.core import registry

        from . import events, roles, selectors  # noqa: F401  (events: the event types)
        from .models import UrgentServiceAct

        roles.register_scopes()
        registry.register_pages("cases/", "berezhno.urgent.urls")
        registry.register_api_route("urgent-acts", "berezhno.urgent.api.UrgentActViewSet",
                                    "urgent-act")
        extensions.register_case_record(UrgentServiceAct)
        extensions.register_section(extensions.CaseSection(
            code="urgent", order=40, slot="after_plans",
            card_template="urgent/_card.html", card=selectors.card_section,
            file_template="urgent/_file.html", file=selectors.file_section))
