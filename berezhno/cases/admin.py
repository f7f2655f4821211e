"""Reference data of support cases for the administrator: the problem catalogue, the
deadlines and the regional subsistence minimum (the questionnaires are in
``assessments.admin``). Cases themselves hold personal data and are
never in the admin (decision 0004)."""

from django.contrib import admin

from berezhno.core.admin_base import AuditedAdmin
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

from .models import DeadlineRule, Problem, SubsistenceMinimum


@admin.register(Problem)
class ProblemAdmin(AuditedAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    ordering = ["order", "name"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = ["name", "code", "days", "working_days", "basis"]
    ordering = ["code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what the services look up: fixed once the rule exists.
        return ["code"] if obj is not None else []


@admin.register(SubsistenceMinimum)
class SubsistenceMinimumAdmin(AuditedAdmin):
    list_display = ["region", "year", "per_capita", "basis"]
    list_filter = ["year"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Territory.objects.filter(level=Level.REGION)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
