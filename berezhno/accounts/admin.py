from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from berezhno.core.admin_base import AuditedAdmin

from .models import Agreement, Department, Organisation, RoleAssignment, User


class DepartmentInline(admin.TabularInline):
    model = Department
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


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    event_type = "agreement.saved"
    list_display = ["number", "date", "organisation", "valid_until", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["number", "organisation__name", "subject"]
    exclude = ["version"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "territory", "include_subtree", "organisation", "valid_until",
              "is_active"]
    autocomplete_fields = ["territory"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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

    def save_model(self, request, obj, form, change):
        AuditedAdmin.save_model(self, request, obj, form, change)

    event_type = "user.changed"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    event_type = "role.changed"
    list_display = ["user", "role", "territory", "include_subtree", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name", "territory__name"]
    autocomplete_fields = ["territory", "user"]
    exclude = ["version"]
