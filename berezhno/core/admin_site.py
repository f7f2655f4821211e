"""The administration site: open to the roles that manage reference data (roles.py)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _

from . import access
from .access import can


def may_administer(user) -> bool:
    """Whether the user's roles let them add, change or delete some reference data (the
    record kinds the apps registered as administered, decision 0004)."""
    return any(can(user, kind, action) for kind in access.administered_kinds()
               for action in (access.ADD, access.CHANGE, access.DELETE))


class AdminSite(admin.AdminSite):
    site_header = _("Бережно: администрирование")
    site_title = _("Бережно")
    index_title = _("Справочники и пользователи")

    def has_permission(self, request):
        """Staff, as in Django, or a role that manages reference data (the administrator).

        What each of them may see and change is decided per model by ``RoleAdminMixin``.
        """
        user = request.user
        return bool(user.is_active and (user.is_staff or may_administer(user)))


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` with the site above (listed in INSTALLED_APPS instead)."""

    default_site = "berezhno.core.admin_site.AdminSite"
