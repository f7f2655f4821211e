from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "berezhno.accounts"
    label = "accounts"
    verbose_name = _("Пользователи и организации")

    def ready(self) -> None:
        from berezhno.core import access, registry

        from . import events, roles  # noqa: F401  (events: registers the event types)
        from .models import Agreement, Department, Organisation, RoleAssignment, User
        from .permissions import load_grants

        roles.register()
        access.register_grant_loader(load_grants)
        access.register_scope(Organisation, kind=roles.ORGANISATION)
        access.register_scope(Department, kind=roles.ORGANISATION)
        access.register_scope(Agreement, kind=roles.AGREEMENT)
        access.register_scope(User, kind=roles.USER)
        access.register_scope(RoleAssignment, kind=roles.USER, territory="territory")
        registry.register_pages("accounts/", "berezhno.accounts.urls")
        for prefix, viewset, basename in (
                ("organisations", "OrganisationViewSet", "organisation"),
                ("agreements", "AgreementViewSet", "agreement"),
                ("users", "UserViewSet", "user"),
                ("role-assignments", "RoleAssignmentViewSet", "role-assignment")):
            registry.register_api_route(prefix, f"berezhno.accounts.api.{viewset}", basename)
