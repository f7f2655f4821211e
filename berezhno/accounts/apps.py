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

        _two_factor_plumbing()
        roles.register()
        from .pickers import USER
        registry.register_picker(USER)
        access.register_grant_loader(load_grants)
        access.register_scope(Organisation, kind=roles.ORGANISATION)
        access.register_scope(Department, kind=roles.ORGANISATION)
        access.register_scope(Agreement, kind=roles.AGREEMENT)
        access.register_scope(User, kind=roles.USER)
        access.register_scope(RoleAssignment, kind=roles.USER, territory="territory")
        registry.register_pages("accounts/", "berezhno.accounts.urls")
        from . import home

        # The administrator's reference-data tasks on the home page (decision 0031).
        for code, fn, order, kind in (("no_agreements", home.agreements_panel, 35,
                                       roles.AGREEMENT),
                                      ("no_2fa", home.two_factor_panel, 40, roles.USER)):
            registry.register_home_panel(registry.HomePanel(
                code, registry.HOME_CARD, fn, order=order, roles=("admin",),
                requires=(kind, roles.CHANGE)))
        for prefix, viewset, basename in (
                ("organisations", "OrganisationViewSet", "organisation"),
                ("agreements", "AgreementViewSet", "agreement"),
                ("users", "UserViewSet", "user"),
                ("role-assignments", "RoleAssignmentViewSet", "role-assignment")):
            registry.register_api_route(prefix, f"berezhno.accounts.api.{viewset}", basename)


def _two_factor_plumbing() -> None:
    """Sign-in records whether a code is owed (decision 0015); the devices stay out of the
    admin, whose pages would show an authenticator's key."""
    from django.contrib import admin
    from django.contrib.auth.signals import user_logged_in
    from django.core import checks
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from . import two_factor

    def remember(sender, request, user, **kwargs):
        if request is not None:
            two_factor.remember_device_state(request, user)

    user_logged_in.connect(remember, weak=False, dispatch_uid="berezhno.accounts.two_factor")
    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
    checks.register(two_factor.check_required_roles)
