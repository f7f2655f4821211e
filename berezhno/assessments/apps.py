from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "berezhno.assessments"
    label = "assessments"
    verbose_name = _("Анкеты и диагностика")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.cases import extensions
        from berezhno.core import registry

        from . import events, roles, selectors  # noqa: F401  (events: the event types)
        from .models import Assessment

        roles.register_scopes()
        registry.register_pages("cases/", "berezhno.assessments.urls")
        for prefix, viewset, basename in (
                ("questionnaires", "QuestionnaireViewSet", "questionnaire"),
                ("assessments", "AssessmentViewSet", "assessment")):
            registry.register_api_route(prefix, f"berezhno.assessments.api.{viewset}",
                                        basename)
        extensions.register_case_record(Assessment)
        extensions.register_section(extensions.CaseSection(
            code="assessments", order=10, slot="before_problems",
            card_template="assessments/_card.html", card=selectors.card_section,
            file_template="assessments/_file.html", file=selectors.file_section))
