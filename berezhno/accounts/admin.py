from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from berezhno.core import access, audit, dates
from berezhno.core.admin_base import AuditedAdmin, AuditedInlineMixin
from berezhno.core.files import check_upload
from berezhno.core.models import ChangeAction

from . import roles, services
from .models import Agreement, Department, Organisation, RoleAssignment, User
from .permissions import may_manage_account


class DepartmentInline(AuditedInlineMixin, admin.TabularInline):
    model = Department
    event_type = "organisation.saved"
    extra = 0
    fields = ["name", "head_name", "phone"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    event_type = "organisation.saved"
    list_display = ["name", "kind", "partner_kind", "phone", "is_active"]
    list_filter = ["kind", "partner_kind", "is_active"]
    search_fields = ["name", "short_name", "inn"]
    inlines = [DepartmentInline]
    exclude = ["version"]


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        formfield_callback = dates.formfield
        model = Agreement
        fields = ["organisation", "provider", "number", "date", "valid_until", "subject",
                  "file", "is_active"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new file, not the one already stored
            check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        date, until = data.get("date"), data.get("valid_until")
        if date and until and until < date:
            self.add_error("valid_until", _("Срок действия раньше даты."))
        return data


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    form = AgreementAdminForm
    event_type = "agreement.saved"
    exclude = ["version"]
    list_display = ["number", "date", "organisation", "valid_until", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["number", "organisation__name", "subject"]


class RoleChoiceField(forms.ChoiceField):
    """Offers the roles the user may give; a crafted value of another known role passes
    the field so that the grant matrix says in Russian why it is refused."""

    def valid_value(self, value) -> bool:
        return value in access.roles()


class RoleAssignmentForm(forms.ModelForm):
    """The practices as check boxes of the registered practices (none: the role's own).

    ``request_user`` (set by the admin per request) is the one who grants: the form offers
    the roles they may give and checks the whole assignment against the grant matrix
    (``services.role_assignment_errors``, decision 0016)."""

    role = RoleChoiceField(label=_("роль"))
    practices = forms.MultipleChoiceField(
        label=_("Практики"), required=False, choices=access.practice_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Не отмечено — практики роли по умолчанию (у руководителя — все)."))

    request_user = None

    class Meta:
        formfield_callback = dates.formfield
        model = RoleAssignment
        fields = ["role", "territory", "include_subtree", "organisation", "practices",
                  "valid_until", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = access.roles()
        offered = set(access.grantable_roles(self.request_user)) if self.request_user else set()
        if self.instance.pk:
            offered.add(self.instance.role)
        self.fields["role"].choices = [("", "---------"), *(
            (code, role.label) for code, role in known.items() if code in offered)]

    def clean_practices(self):
        return sorted(set(self.cleaned_data.get("practices") or []))

    def clean(self):
        data = super().clean()
        if self.request_user is None or not data.get("role"):
            return data
        # The admin's "user" field, or the inline's parent (the account of the page).
        target = data.get("user") or (self.instance.user if self.instance.user_id else None)
        if self.instance.pk and not self.has_changed():
            return data
        errors = services.role_assignment_errors(
            user=self.request_user, target=target, role=data["role"],
            territory=data.get("territory"), include_subtree=bool(data.get("include_subtree")),
            practices=data.get("practices") or [],
            instance=self._saved_instance() if self.instance.pk else None,
            # A row of the page that creates the account: its creator sets the password.
            new_account=target is not None and target.pk is None)
        for name, messages in errors.items():
            field = self.fields.get(name)
            shown = field is not None and not field.widget.is_hidden
            for message in messages:
                self.add_error(name if shown else None, message)
        return data

    def _saved_instance(self) -> RoleAssignment:
        # The assignment as stored: what the user may manage is checked on that.
        return RoleAssignment.objects.select_related("territory").get(pk=self.instance.pk)


class RoleAssignmentFormSet(forms.BaseInlineFormSet):
    """A row marked for deletion is one the user could have given (the grant matrix)."""

    request_user = None

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            obj = form.instance
            if obj.pk is None or self.request_user is None:
                continue
            current = RoleAssignment.objects.select_related("territory").get(pk=obj.pk)
            if not access.may_grant(self.request_user, current.role, current.territory,
                                    include_subtree=current.include_subtree,
                                    practices=current.practices):
                raise forms.ValidationError(_(
                    "Назначение «%(assignment)s» вы снять не можете: роль или территория вне "
                    "ваших прав на назначение ролей.") % {"assignment": current})


def _for_request(form_class, request):
    return type(form_class.__name__, (form_class,), {"request_user": request.user})


class ScopedAssignmentsMixin:
    """Role assignments are territorial: a role administrator sees them on the territories
    of their own assignment (Django's model permissions see them all), and is offered only
    the territories where they may give roles (the grant matrix)."""

    def _unscoped(self, request, perm: str) -> bool:
        return request.user.has_perm(f"accounts.{perm}_roleassignment")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._unscoped(request, "view"):
            return qs
        return qs.restrict(request.user, roles.VIEW)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "territory":
            kwargs["queryset"] = access.grant_territories(request.user)
        elif db_field.name == "user":
            kwargs["queryset"] = User.objects.exclude(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def limit_autocomplete(self, request, field_name: str, queryset):
        """The choices an autocomplete of this admin's form lists (``AuditedAdmin``)."""
        if field_name == "territory":
            return queryset.filter(pk__in=access.grant_territories(request.user).values("pk"))
        if field_name == "user":
            return queryset.exclude(pk=request.user.pk)
        return queryset


class RoleAssignmentInline(ScopedAssignmentsMixin, AuditedInlineMixin, admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    formset = RoleAssignmentFormSet
    event_type = "role.changed"
    create_event_type = "role.assigned"
    extra = 0
    fields = ["role", "territory", "include_subtree", "organisation", "practices",
              "valid_until", "is_active"]
    autocomplete_fields = ["territory"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _for_request(self.form, request)
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    def _may_edit(self, request, obj) -> bool:
        # One's own assignments are given and changed by someone else; a protected
        # account's page is read-only (UserAdmin).
        return obj is None or (obj.pk != request.user.pk
                               and may_manage_account(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return (self._may_edit(request, obj) and access.may_grant_any(request.user)
                and super().has_add_permission(request, obj))

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    event_type = "user.changed"
    create_event_type = "user.created"
    snapshot_exclude = ("password", "last_login", "created_at", "updated_at")
    list_display = ["username", "last_name", "first_name", "patronymic", "organisation",
                    "is_active"]
    list_filter = ["is_active", "organisation", "role_assignments__role"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Сотрудник"), {"fields": ["last_name", "first_name", "patronymic", "position",
                                     "organisation", "department", "phone", "email"]}),
        (_("Доступ"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    inlines = [RoleAssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Django's own flags open everything: only a superuser may set them.
            fields += ["is_staff", "is_superuser"]
        return fields

    def has_change_permission(self, request, obj=None):
        # Never a superuser's account, nor one with a personal-data role: whoever sets a
        # password (or the login, or the e-mail) can act as its holder (decision 0016).
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_manage_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Django's page (it checks ``has_change_permission``), audited: who set whose
        password is what the grant matrix asks before a personal-data role is given."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if (request.method == "POST" and response.status_code == 302
                    and response["Location"] != request.get_full_path()):
                target = User.objects.get(pk=unquote(id))
                audit.record(user=request.user, obj=target, action=ChangeAction.UPDATE,
                             event_type="user.password_set", after={},
                             summary=target.username)
        return response

    def save_formset(self, request, form, formset, change):
        """Role assignments go through the services (the grant matrix); other inline rows
        are audited by ``AuditedAdmin``."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        save_assignments(request, formset, target=form.instance)
        return None


def save_assignments(request, formset, *, target) -> None:
    """The rows of a role-assignment inline, each through its service."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    with transaction.atomic():
        for f in formset.deleted_forms:
            if f.instance.pk is not None:
                services.role_assignment_delete(user=request.user, assignment=f.instance)
                formset.deleted_objects.append(f.instance)
        for f in formset.forms:
            if f in formset.deleted_forms or not f.has_changed():
                continue
            fields = _assignment_fields(f.cleaned_data)
            if f.instance.pk is None:
                saved = services.role_assign(user=request.user, target=target, **fields)
                formset.new_objects.append(saved)
            else:
                saved = services.role_assignment_update(user=request.user,
                                                        assignment=f.instance, **fields)
                formset.changed_objects.append((saved, f.changed_data))


def _assignment_fields(data: dict) -> dict:
    return {"role": data["role"], "territory": data["territory"],
            "include_subtree": bool(data.get("include_subtree")),
            "organisation": data.get("organisation"), "practices": data.get("practices") or [],
            "valid_until": data.get("valid_until"), "is_active": bool(data.get("is_active"))}


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAssignmentsMixin, AuditedAdmin):
    form = RoleAssignmentForm
    event_type = "role.changed"
    create_event_type = "role.assigned"
    list_display = ["user", "role", "territory", "include_subtree", "practices_shown",
                    "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name", "territory__name"]
    autocomplete_fields = ["territory", "user"]
    fields = ["user", *RoleAssignmentForm.Meta.fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = _for_request(self.form, request)
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # An assignment stays with its user: another user gets an assignment of their own.
        return ["user"] if obj is not None else []

    def _may_manage(self, request, obj) -> bool:
        return obj is None or (obj.user_id != request.user.pk and access.may_grant(
            request.user, obj.role, obj.territory, include_subtree=obj.include_subtree,
            practices=obj.practices))

    def has_add_permission(self, request):
        return access.may_grant_any(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Through the services: the grant matrix again, in the transaction, and the
        audit rows."""
        fields = _assignment_fields(form.cleaned_data)
        if change:
            saved = services.role_assignment_update(user=request.user, assignment=obj,
                                                    **fields)
        else:
            saved = services.role_assign(user=request.user, target=form.cleaned_data["user"],
                                         **fields)
        obj.pk, obj.version = saved.pk, saved.version
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.role_assignment_delete(user=request.user, assignment=obj)

    @admin.display(description=_("практики"))
    def practices_shown(self, obj) -> str:
        return ", ".join(obj.practice_labels) or str(_("все"))
