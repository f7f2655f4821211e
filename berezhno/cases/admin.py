"""Reference data of support cases for the administrator: the problem catalogue, the
questionnaires (questions, answer types, scoring, which answers raise which problem), the
deadlines and the regional subsistence minimum. Cases themselves hold personal data and are
never in the admin (decision 0004)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from berezhno.core.admin_base import AuditedAdmin, RoleAdminMixin
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

from .choices import NeedCircumstance
from .models import (
    AnswerOption,
    DeadlineRule,
    Problem,
    Question,
    Questionnaire,
    SubsistenceMinimum,
)


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


class QuestionInline(RoleAdminMixin, admin.StackedInline):
    model = Question
    permission_kind = "catalogue"
    extra = 0
    show_change_link = True
    fields = ["order", "section", "code", "text", "help_text", "answer_type", "required",
              "threshold", "raise_when_below", "threshold_problem"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(AuditedAdmin):
    list_display = ["title", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [QuestionInline]


class AnswerOptionInline(RoleAdminMixin, admin.TabularInline):
    model = AnswerOption
    permission_kind = "catalogue"
    extra = 1
    fields = ["order", "label", "score", "problem", "circumstance"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "circumstance":
            from django import forms


            return forms.ChoiceField(label=_("обстоятельство ст. 15 442-ФЗ"), required=False,
                                     choices=[("", "—"), *NeedCircumstance.choices])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    """A question with its answer variants: scores and the problems they raise."""

    permission_kind = "catalogue"
    list_display = ["text", "questionnaire", "section", "answer_type", "order"]
    list_filter = ["questionnaire", "answer_type"]
    search_fields = ["text"]
    inlines = [AnswerOptionInline]
