"""The administration site: open to the roles that manage reference data (roles.py)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import access, admin_names, logsafe
from .access import can


def may_administer(user) -> bool:
    """Whether the user's roles let them add, change or delete some reference data (the
    record kinds the apps registered as administered, decision 0004)."""
    return any(can(user, kind, action) for kind in access.administered_kinds()
               for action in (access.ADD, access.CHANGE, access.DELETE))


class PostedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete (a user's name, a territory…) takes the typed term from the
    body of a POST (``static/js/admin-autocomplete.js`` makes select2 send it so): a GET
    carrying a term is refused unrun, as a changelist's ``?q=`` is (decision 0017)."""

    def get(self, request, *args, **kwargs):
        if logsafe.has_personal(request.GET, ("term",)):
            return JsonResponse({"error": gettext(
                "Условия поиска не передаются в адресе: отправьте их в теле запроса.")},
                status=400)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # The parameters Django's view reads from the address, taken from the body.
        params = request.POST.copy()
        params.pop("csrfmiddlewaretoken", None)
        request.GET = params
        return super().get(request, *args, **kwargs)


class AdminSite(admin.AdminSite):
    site_header = _("Бережно: администрирование")
    site_title = _("Бережно")
    index_title = _("Справочники и пользователи")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin, the project's and those Django and the libraries register (groups,
        devices, tasks…), searches by POST (``admin_base.PostedSearchMixin``)."""
        from .admin_base import PostedSearchMixin

        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, PostedSearchMixin):
            admin_class = type(admin_class.__name__, (PostedSearchMixin, admin_class),
                               {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        return admin_names.rename(super().get_app_list(request, app_label))

    def autocomplete_view(self, request):
        return PostedAutocompleteJsonView.as_view(admin_site=self)(request)

    def has_permission(self, request):
        """Staff, as in Django, or a role that manages reference data (the administrator).

        What each of them may see and change is decided per model by ``RoleAdminMixin``.
        """
        user = request.user
        return bool(user.is_active and (user.is_staff or may_administer(user)))


class AdminConfig(DjangoAdminConfig):
    """``django.contrib.admin`` with the site above (listed in INSTALLED_APPS instead)."""

    default_site = "berezhno.core.admin_site.AdminSite"
