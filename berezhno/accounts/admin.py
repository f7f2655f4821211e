from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import territories_in_scope
from berezhno.core.admin_base import AuditedAdmin, AuditedInlineMixin
from berezhno.core.files import check_upload

from . import roles
from .models import Agreement, Department, Organisation, RoleAssignment, User


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


class ScopedAssignmentsMixin:
    """Role assignments are territorial: a role administrator sees and grants them only on
    the territories of their own assignment (Django's model permissions see them all)."""

    def _unscoped(self, request, perm: str) -> bool:
        return request.user.has_perm(f"accounts.{perm}_roleassignment")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._unscoped(request, "view"):
            return qs
        return qs.restrict(request.user, roles.VIEW)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "territory" and not self._unscoped(request, "change"):
            kwargs["queryset"] = territories_in_scope(request.user, roles.USER, roles.CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleAssignmentForm(forms.ModelForm):
    """The practices as check boxes of the registered practices (none: the role's own)."""

    practices = forms.MultipleChoiceField(
        label=_("Практики"), required=False, choices=access.practice_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Не отмечено — практики роли по умолчанию (у руководителя — все)."))

    class Meta:
        model = RoleAssignment
        fields = ["role", "territory", "include_subtree", "organisation", "practices",
                  "valid_until", "is_active"]

    def clean_practices(self):
        return sorted(set(self.cleaned_data.get("practices") or []))


class RoleAssignmentInline(ScopedAssignmentsMixin, AuditedInlineMixin, admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    event_type = "role.changed"
    create_event_type = "role.assigned"
    extra = 0
    fields = ["role", "territory", "include_subtree", "organisation", "practices",
              "valid_until", "is_active"]
    autocomplete_fields = ["territory"]


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
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # nor their password: that would be the same as being them
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


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

    @admin.display(description=_("практики"))
    def practices_shown(self, obj) -> str:
        return ", ".join(obj.practice_labels) or str(_("все"))
