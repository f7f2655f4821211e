from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "berezhno.cases"
    label = "cases"
    verbose_name = _("Социальное сопровождение")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.core import access, registry
        from berezhno.core.registry import MenuEntry

        from . import events, roles  # noqa: F401  (events: registers the event types)
        from .choices import Practice

        roles.register_kinds_and_rights()
        roles.register_scopes()
        registry.register_pages("cases/", "berezhno.cases.urls")
        for prefix, viewset, basename in (
                ("cases", "CaseViewSet", "case"),
                ("case-problems", "CaseProblemViewSet", "case-problem"),
                ("plans", "PlanViewSet", "plan"),
                ("activities", "ActivityViewSet", "activity"),
                ("problems", "ProblemViewSet", "problem"),
                ("board", "BoardViewSet", "board")):
            registry.register_api_route(prefix, f"berezhno.cases.api.{viewset}", basename)

        def allowed(kind, action, practice=None):
            return lambda u: access.can(u, kind, action, practice)

        for code, label, url, rule, order in (
                ("cases", _("Случаи"), "cases:list", allowed(roles.CASE, roles.VIEW), 40),
                ("worklist", _("Мои мероприятия"), "cases:worklist",
                 allowed(roles.ACTIVITY, roles.VIEW), 50),
                ("board", _("Доска"), "cases:board",
                 allowed(roles.CASE, roles.ADD, Practice.FAMILY_DISPATCH), 70)):
            registry.register_menu(MenuEntry(code, label, url, rule, order=order))

        # Home-page cards for the roles whose work they are (decision 0031).
        from berezhno.core.registry import HomePanel

        from . import home

        card, panel = registry.HOME_CARD, registry.register_home_panel
        case_view = (roles.CASE, roles.VIEW)
        panel(HomePanel("intakes", card, home.intakes_panel, order=25, roles=("dispatcher",),
                        requires=(roles.CASE, roles.ADD), practice=Practice.FAMILY_DISPATCH))
        panel(HomePanel("activities", card, home.activities_panel, order=30,
                        roles=("specialist",), requires=(roles.ACTIVITY, roles.VIEW)))
        panel(HomePanel("overdue_cases", card, home.overdue_by_specialist_panel, order=30,
                        roles=("head",), requires=case_view))
        panel(HomePanel("my_deadlines", card, home.my_deadlines_panel, order=50,
                        roles=("district_specialist",), requires=case_view))
        panel(HomePanel("deadlines", card, home.deadlines_panel, order=50,
                        roles=("dispatcher",), requires=case_view))
        panel(HomePanel("board", card, home.board_panel, order=60, roles=("dispatcher",),
                        requires=case_view, practice=Practice.FAMILY_DISPATCH))

        from . import exports
        exports.register()  # its registers as XLSX and CSV (core.exports)
        from berezhno.core import schedule

        # Daily, once per day whichever worker takes it (decision 0026).
        schedule.register(schedule.Job("cases.remind_overdue",
                                       "berezhno.cases.tasks.remind_overdue",
                                       daily_at="07:00"))
