"""Questionnaires for the administrator: questions, answer types, scoring, which answers
raise which problem. Assessments hold personal data and are never in the admin
(decision 0004)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from berezhno.cases.choices import NeedCircumstance
from berezhno.cases.roles import CATALOGUE
from berezhno.core.admin_base import AuditedAdmin, RoleAdminMixin

from .models import AnswerOption, Question, Questionnaire


class QuestionInline(RoleAdminMixin, admin.StackedInline):
    model = Question
    permission_kind = CATALOGUE
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
    permission_kind = CATALOGUE
    extra = 1
    fields = ["order", "label", "score", "problem", "circumstance"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "circumstance":
            return forms.ChoiceField(label=_("обстоятельство ст. 15 442-ФЗ"), required=False,
                                     choices=[("", "—"), *NeedCircumstance.choices])
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    """A question with its answer variants: scores and the problems they raise."""

    permission_kind = CATALOGUE
    list_display = ["text", "questionnaire", "section", "answer_type", "order"]
    list_filter = ["questionnaire", "answer_type"]
    search_fields = ["text"]
    inlines = [AnswerOptionInline]
