"""Django admin for reference data: rights come from roles, saves write the same audit rows
as services."""

import secrets
from collections import Counter

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, flatten_fieldsets, quote
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import access, audit, logsafe
from .access import can
from .errors import DomainError
from .models import ChangeAction, VersionedModel
from .services import check_version, snapshot_at
from .views_utils import SeeOther


def is_reference_data(model) -> bool:
    """Whether records of the model are administered reference data (decision 0004): any
    other record (personal data, cases, the audit trail) is never shown by its text in the
    admin — denied by default, so a new app's records are hidden until it says otherwise."""
    kind = access.kind_of(model)
    return kind is not None and kind in access.administered_kinds()


class RoleAdminMixin:
    """Admin rights from ``access.py``: the role's actions on the record kind.

    The kind is the admin's ``permission_kind`` or the model's. Django's own model
    permissions still work for staff given them explicitly; a superuser may do anything.
    Works for ``ModelAdmin`` and ``InlineModelAdmin`` alike.
    """

    permission_kind: str | None = None
    model: type  # given by the ModelAdmin / InlineModelAdmin the mixin is combined with

    def role_allows(self, request, action: str) -> bool:
        kind = self.permission_kind or access.kind_of(self.model)
        return kind is not None and can(request.user, kind, action)

    def has_module_permission(self, request):
        return self.role_allows(request, access.VIEW) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return (self.role_allows(request, access.VIEW)
                or super().has_view_permission(request, obj))

    def has_add_permission(self, request, *args):
        return self.role_allows(request, access.ADD) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return (self.role_allows(request, access.CHANGE)
                or super().has_change_permission(request, obj))

    def has_delete_permission(self, request, obj=None):
        return (self.role_allows(request, access.DELETE)
                or super().has_delete_permission(request, obj))


# ------------------------------------------------------------------ posted search
#
# The changelist's search box may hold a name, a login or an e-mail (the users' list) or
# anything else a ``search_fields`` covers: like the registry's searches (decision 0017) it
# is POSTed, never put in an address. The term is kept in the session under a random key,
# the changelist is shown at ``?sk=<key>`` (with the filters, which are not personal), and
# its page, sort and filter links carry the key, never the term.

SEARCH_KEY = "sk"
SESSION_SEARCHES = "admin_searches"
KEPT_SEARCHES = 20  # a session keeps the last searches only


class PostedSearchChangeList(ChangeList):
    """The changelist whose search term comes from the session (``PostedSearchMixin``)."""

    def get_filters_params(self, params=None):
        lookup = super().get_filters_params(params)
        lookup.pop(SEARCH_KEY, None)
        return lookup

    def get_queryset(self, request, exclude_parameters=None):
        self.query = posted_search_term(request, self.model_admin)
        return super().get_queryset(request, exclude_parameters)


def posted_search_term(request, model_admin) -> str:
    """The term the user posted to this changelist, found by the key in the address."""
    key = request.GET.get(SEARCH_KEY, "")
    kept = request.session.get(SESSION_SEARCHES, {}) if hasattr(request, "session") else {}
    entry = kept.get(key) if key else None
    if not entry or entry.get("model") != model_admin.opts.label_lower:
        return ""
    return entry.get("term", "")


class PostedSearchMixin:
    """The admin changelist's search is POSTed and kept in the session (above); a GET with
    ``?q=`` (an old bookmark, a hand-typed address) is answered 303 without it, unrun."""

    def get_changelist(self, request, **kwargs):
        return PostedSearchChangeList

    @property
    def media(self):
        """Autocomplete widgets post their term too (``admin_site.PostedAutocompleteJsonView``):
        the script that makes select2 do so comes after select2, before the widgets start."""
        extra = "" if settings.DEBUG else ".min"  # the names Django's own media use
        return super().media + forms.Media(js=[
            f"admin/js/vendor/jquery/jquery{extra}.js",
            f"admin/js/vendor/select2/select2.full{extra}.js",
            "admin/js/jquery.init.js", "js/admin-autocomplete.js", "admin/js/autocomplete.js"])

    def changelist_view(self, request, extra_context=None):
        if request.method in ("GET", "HEAD") and logsafe.has_personal(request.GET,
                                                                      (SEARCH_VAR,)):
            messages.info(request, _("Условия поиска не передаются в адресе страницы: "
                                     "введите их в форме."))
            return SeeOther(_address(request, logsafe.without_personal(
                request.GET, (SEARCH_VAR,))))
        if request.method == "POST" and "_search" in request.POST:
            return self._posted_search(request)
        return super().changelist_view(request, extra_context)

    def _posted_search(self, request):
        params = request.POST.copy()
        for name in ("csrfmiddlewaretoken", "_search", SEARCH_VAR, SEARCH_KEY, PAGE_VAR):
            params.pop(name, None)
        params = logsafe.without_personal(params)
        term = request.POST.get(SEARCH_VAR, "").strip()[:200]
        if term:
            kept = dict(request.session.get(SESSION_SEARCHES, {}))
            key = secrets.token_urlsafe(12)
            kept[key] = {"model": self.opts.label_lower, "term": term}
            request.session[SESSION_SEARCHES] = dict(list(kept.items())[-KEPT_SEARCHES:])
            params[SEARCH_KEY] = key
        return SeeOther(_address(request, params))


def _address(request, params) -> str:
    query = params.urlencode()
    return request.path + (f"?{query}" if query else "")


# ------------------------------------------------------------------ optimistic locking
#
# A change form of a versioned record (the record's own form and every inline row) carries
# the version it was read at; the save locks the row (the admin's change view runs in one
# transaction) and refuses a save over a newer version with the API's message: the fields
# changed since the read, with their current values (``core.services.check_version``,
# decision 0022). Nothing is saved: the form, its inline rows and their audit rows alike.

VERSION_FIELD = "loaded_version"


class VersionCheckedForm(forms.ModelForm):
    """The mixin of a versioned record's admin form (``versioned_form``)."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.instance._state.adding:
            self.fields[VERSION_FIELD].initial = self.instance.version

    def clean(self):
        instance = self.instance
        if instance.pk is not None and not instance._state.adding:
            current = _locked(instance)
            if current is not None:
                self._check_version(current)
        return super().clean()

    def _check_version(self, current) -> None:
        loaded = (self.data.get(self.add_prefix(VERSION_FIELD)) or "").strip() or None
        try:
            read = int(loaded) if loaded is not None else None
        except ValueError:
            read = None
        names = {f.name for f in current._meta.concrete_fields} - {"id", "version"}
        try:
            check_version(current, loaded, [n for n in self.fields if n in names],
                          audit.snapshot(current), snapshot_at(current, read))
        except DomainError as exc:
            raise ValidationError(str(exc.message), code="conflict") from exc
        self.cleaned_data[VERSION_FIELD] = read


def _locked(instance):
    """The row as it stands, locked for the rest of the change view's transaction (a plain
    read where no transaction is open)."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
        rows = rows.select_for_update()
    return rows.first()


def is_versioned(model) -> bool:
    return isinstance(model, type) and issubclass(model, VersionedModel)


def versioned_form(form_class):
    """The form with the version check (above), once."""
    if issubclass(form_class, VersionCheckedForm):
        return form_class
    return type(form_class.__name__, (VersionCheckedForm, form_class), {})


def with_version_field(fieldsets, editable: bool):
    """The fieldsets with the hidden version in the first one where the form is editable
    (a read-only page shows no version), never twice."""
    fieldsets = [(name, {**options, "fields": [f for f in options["fields"]
                                               if f != VERSION_FIELD]})
                 for name, options in fieldsets]
    if editable and fieldsets and VERSION_FIELD not in flatten_fieldsets(fieldsets):
        name, options = fieldsets[0]
        fieldsets[0] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
    return fieldsets


class VersionedAdminMixin:
    """``ModelAdmin`` and ``InlineModelAdmin`` alike: a versioned model's form checks the
    version it was read at."""

    model: type

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not is_versioned(self.model):
            return fieldsets
        editable = obj is not None and self.has_change_permission(request, obj)
        return with_version_field(fieldsets, editable)


class AuditedAdmin(VersionedAdminMixin, PostedSearchMixin, RoleAdminMixin, admin.ModelAdmin):
    """Every admin save and delete, of the record and of its inline rows, writes a change
    record and an event in one transaction."""

    event_type = "record.saved"
    create_event_type: str | None = None  # the event of a new record, if not event_type
    snapshot_exclude: tuple[str, ...] = ("created_at", "updated_at")

    def get_search_results(self, request, queryset, search_term):
        """An autocomplete lists what the asking form offers: the form's admin may narrow
        it with ``limit_autocomplete(request, field_name, queryset)`` (the territories
        where a role may be given, decision 0016)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset,
                                                                   search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            source = _autocomplete_source(self.admin_site, request)
            limit = getattr(source, "limit_autocomplete", None)
            if limit is not None:
                queryset = limit(request, request.GET.get("field_name", ""), queryset)
        return queryset, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        if is_versioned(self.model):
            kwargs["form"] = versioned_form(kwargs.get("form") or self.form)
        return super().get_form(request, obj, change=change, **kwargs)

    def _snapshot(self, obj) -> dict:
        return audit.snapshot(obj, exclude=self.snapshot_exclude)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = None
            if change and obj.pk:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = self._snapshot(previous) if previous else None
                if hasattr(obj, "version"):
                    obj.version = (previous.version if previous else obj.version) + 1
            super().save_model(request, obj, form, change)
            audit.record(user=request.user, obj=obj,
                         action=ChangeAction.UPDATE if change else ChangeAction.CREATE,
                         before=before, after=self._snapshot(obj),
                         event_type=(self.event_type if change
                                     else self.create_event_type or self.event_type),
                         summary=str(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = self._snapshot(obj)
            audit.record(user=request.user, obj=obj, action=ChangeAction.DELETE, before=before,
                         after=None, event_type="record.deleted", summary=str(obj))
            super().delete_model(request, obj)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes with it or is blocked by, except that
        records of personal data and audit rows appear by their kind and number only: a
        user or a territory is linked to citizens, whose names must not show here."""
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        site = self.admin_site

        def describe(obj):
            model, opts = type(obj), obj._meta
            if not is_reference_data(model):
                return capfirst(opts.verbose_name)
            if site.is_registered(model):
                if not site.get_model_admin(model).has_delete_permission(request, obj):
                    perms_needed.add(opts.verbose_name)
                try:
                    url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change",
                                  args=[quote(obj.pk)])
                except NoReverseMatch:
                    pass
                else:
                    return format_html('{}: <a href="{}">{}</a>',
                                       capfirst(opts.verbose_name), url, str(obj))
            return f"{capfirst(opts.verbose_name)}: {obj}"

        to_delete = collector.nested(describe)
        protected = [f"{text} ({n})" if n > 1 else text
                     for text, n in Counter(describe(o) for o in collector.protected).items()]
        model_count = {model._meta.verbose_name_plural: len(found)
                       for model, found in collector.model_objs.items()}
        return to_delete, model_count, perms_needed, protected

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: one audited delete per record."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (departments, coverage, role assignments) are audited like the record."""
        model = formset.model
        event_type = getattr(formset, "audit_event_type", None) or self.event_type
        create_event_type = getattr(formset, "audit_create_event_type", None) or event_type
        with transaction.atomic():
            loaded = [f.instance.pk for f in formset.initial_forms if f.instance.pk]
            previous = {o.pk: o for o in model._default_manager.filter(pk__in=loaded)}
            for f in formset.deleted_forms:
                obj = previous.get(f.instance.pk)
                if obj is not None:
                    audit.record(user=request.user, obj=obj, action=ChangeAction.DELETE,
                                 before=audit.snapshot(obj), after=None,
                                 event_type="record.deleted", summary=str(obj))
            for f in formset.initial_forms:
                obj = previous.get(f.instance.pk)
                if (obj is not None and f not in formset.deleted_forms and f.has_changed()
                        and hasattr(obj, "version")):
                    f.instance.version = obj.version + 1
            formset.save()
            for obj in formset.new_objects:
                audit.record(user=request.user, obj=obj, action=ChangeAction.CREATE,
                             event_type=create_event_type, summary=str(obj))
            for obj, _fields in formset.changed_objects:
                old = previous.get(obj.pk)
                audit.record(user=request.user, obj=obj, action=ChangeAction.UPDATE,
                             before=audit.snapshot(old) if old else None,
                             event_type=event_type, summary=str(obj))


def _autocomplete_source(site, request):
    """The admin of the model whose form asks an autocomplete (its GET parameters)."""
    from django.apps import apps

    try:
        model = apps.get_model(request.GET.get("app_label", ""),
                               request.GET.get("model_name", ""))
    except (LookupError, ValueError):
        return None
    return site._registry.get(model)


class AuditedInlineMixin(VersionedAdminMixin, RoleAdminMixin):
    """An inline whose rights come from roles; ``event_type`` labels its audited changes
    (``create_event_type`` its new rows), the parent admin's event type otherwise. The rows
    of a versioned model check their version (``VersionCheckedForm``)."""

    event_type: str | None = None
    create_event_type: str | None = None

    def get_formset(self, request, obj=None, **kwargs):
        if is_versioned(self.model):
            kwargs["form"] = versioned_form(kwargs.get("form") or self.form)
        formset = super().get_formset(request, obj, **kwargs)
        formset.audit_event_type = self.event_type
        formset.audit_create_event_type = self.create_event_type
        return formset
