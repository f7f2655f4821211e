"""Forms parse and present input; the services validate the workflow rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.models import Organisation
from berezhno.core import access, dates
from berezhno.core import forms as fields

from . import roles, selectors
from .choices import (
    EARLY_OUTCOMES,
    CaseStatus,
    Decision,
    Improvement,
    IntakeChannel,
    NeedCircumstance,
    Outcome,
    Practice,
    ProblemSource,
    ServiceForm,
    ServiceType,
    Urgency,
)
from .models import Problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "checks"})
RADIOS = forms.RadioSelect(attrs={"class": "checks"})
ALL = _("все")
NONE = "—"


def text_field(label, rows=3, required=False, **kwargs):
    return forms.CharField(label=label, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class UserChoiceField(fields.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


# --------------------------------------------------------------------------- intake


class CaseForm(forms.Form):
    """The intake data and the cooperation contract (used to open and to edit a case)."""

    practice = forms.ChoiceField(label=_("Практика"), choices=access.practice_choices,
                                 initial=Practice.FAMILY_DISPATCH)
    household = fields.ModelChoiceField(
        label=_("Семья (домохозяйство)"), required=False, queryset=None,
        empty_label=_("— без семьи (одиноко проживающий) —"))
    channel = forms.ChoiceField(label=_("Канал обращения"),
                                choices=[("", "—"), *IntakeChannel.choices], required=False)
    referred_by = fields.ModelChoiceField(
        label=_("Направившая организация"), required=False, queryset=None, empty_label=NONE,
        help_text=_("Обязательно для обращения по направлению школы, полиции, больницы, "
                    "центра занятости, КДН и ЗП."))
    problem_told = text_field(_("Проблема со слов заявителя"), rows=4)
    urgency = forms.ChoiceField(label=_("Срочность"), choices=Urgency.choices,
                                initial=Urgency.ROUTINE)
    circumstances = forms.MultipleChoiceField(
        label=_("Обстоятельства нуждаемости (ст. 15 442-ФЗ)"), required=False,
        choices=NeedCircumstance.choices, widget=CHECKS)
    is_social_support = forms.BooleanField(
        label=_("Социальное сопровождение (ст. 22 442-ФЗ)"), required=False, initial=True)
    responsible = UserChoiceField(label=_("Ответственный (диспетчер, куратор)"),
                                  required=False, queryset=None, empty_label=NONE,
                                  help_text=_("Если не указать — вы."))
    contract_number = forms.CharField(label=_("Номер договора о сотрудничестве"),
                                      required=False, max_length=50)
    contract_date = forms.DateField(validators=[dates.EVENT],
                                    label=_("Дата договора"), required=False, widget=DATE)
    contract_until = forms.DateField(validators=[dates.PLANNED],
                                     label=_("Договор действует до"), required=False,
                                     widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SERVICE_FIELDS = ("practice", "household", "channel", "referred_by", "problem_told",
                      "urgency", "circumstances", "is_social_support", "responsible",
                      "contract_number", "contract_date", "contract_until")

    def __init__(self, *args, user, households, territory=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["referred_by"].queryset = Organisation.objects.filter(
            is_active=True).order_by("name")
        self.fields["responsible"].queryset = selectors.staff_choices(user, territory)
        # Only the practices in which the user may open (or keep) cases.
        choices = access.practice_choices_for(
            user, roles.CASE, roles.CHANGE if editing else roles.ADD)
        self.fields["practice"].choices = choices
        if choices:
            self.fields["practice"].initial = choices[0][0]
        if editing:
            self.fields["responsible"].required = True
            self.fields["responsible"].help_text = ""

    def service_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.SERVICE_FIELDS}


class IntakeForm(CaseForm):
    version = None  # type: ignore[assignment]  # the intake has no version: Django drops the field
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    received_at = forms.DateTimeField(validators=[dates.EVENT],
                                      label=_("Дата и время обращения"), required=False,
                                      widget=DATETIME, help_text=_("Если не указать — сейчас."))
    problems = fields.ModelMultipleChoiceField(
        label=_("Проблемы со слов заявителя (из каталога)"), required=False,
        queryset=Problem.objects.filter(is_active=True), widget=CHECKS)

    field_order = ["received_at", "practice", "household", "channel", "referred_by",
                   "problem_told", "urgency", "circumstances", "problems"]

    def clean_person(self):
        if not self.cleaned_data.get("person"):
            raise forms.ValidationError(_("Выберите заявителя."))
        return self.cleaned_data["person"]

    def service_data(self) -> dict:
        data = super().service_data()
        if self.cleaned_data.get("received_at"):
            data["received_at"] = self.cleaned_data["received_at"]
        return data


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Найти заявителя: ФИО, СНИЛС или телефон"), max_length=100,
                        required=False, widget=forms.TextInput(attrs={"type": "search"}))


# --------------------------------------------------------------------------- decisions


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"), widget=RADIOS, required=False,
        choices=[c for c in Decision.choices if c[0]])
    date = forms.DateField(validators=[dates.EVENT],
                           label=_("Дата решения"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))
    notes = text_field(_("Обоснование (обязательно при отказе)"))

    def clean_notes(self):
        return self.cleaned_data.get("notes") or ""


class ProblemAddForm(forms.Form):
    problem = fields.ModelChoiceField(label=_("Проблема"), queryset=None, empty_label=NONE)
    source = forms.ChoiceField(label=_("Как выявлена"), choices=ProblemSource.choices,
                               initial=ProblemSource.SPECIALIST)
    note = forms.CharField(label=_("Примечание"), required=False, max_length=300)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = Problem.objects.filter(is_active=True).exclude(
            pk__in=case.problems.values("problem_id"))


class ConfirmForm(forms.Form):
    """An action without input: the button is the confirmation."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Причина"), max_length=300, required=False)


class DateForm(forms.Form):
    date = forms.DateField(validators=[dates.EVENT], label=_("Дата"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_form = forms.ChoiceField(label=_("Форма социального обслуживания"),
                                     choices=ServiceForm.choices, required=False)
    goal = text_field(_("Цель программы"))
    valid_until = forms.DateField(validators=[dates.PLANNED],
                                  label=_("Срок программы до"), required=False, widget=DATE)


class ActivityForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Вид услуги или мера"),
                                     choices=[("", "—"), *ServiceType.choices], required=False)
    title = forms.CharField(label=_("Мероприятие"), max_length=300, required=False)
    description = text_field(_("Содержание"), rows=2)
    problem = fields.ModelChoiceField(label=_("На решение какой проблемы"), required=False,
                                     queryset=None, empty_label=NONE)
    responsible_user = UserChoiceField(label=_("Исполнитель — специалист"), required=False,
                                       queryset=None, empty_label=NONE)
    partner = fields.ModelChoiceField(label=_("или организация-партнёр"), required=False,
                                     queryset=None, empty_label=NONE)
    due_date = forms.DateField(validators=[dates.PLANNED],
                               label=_("Срок"), required=False, widget=DATE)
    volume = forms.CharField(label=_("Объём"), max_length=100, required=False,
                             help_text=_("Например: 10 занятий по 45 минут."))
    frequency = forms.CharField(label=_("Периодичность"), max_length=100, required=False,
                                help_text=_("Например: 1 раз в неделю."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = Problem.objects.filter(
            pk__in=case.problems.values("problem_id"))
        self.fields["responsible_user"].queryset = selectors.staff_choices(user, case.territory,
                                                                        case.practice)
        self.fields["partner"].queryset = selectors.partner_choices()

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ActivityCompleteForm(forms.Form):
    result = text_field(_("Результат"))
    date = forms.DateField(validators=[dates.EVENT],
                           label=_("Дата завершения"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))


class ActivityFailForm(forms.Form):
    reason = forms.CharField(label=_("Причина невыполнения"), max_length=300, required=False)
    date = forms.DateField(validators=[dates.EVENT], label=_("Дата"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))


class SessionForm(forms.Form):
    held_on = forms.DateField(validators=[dates.EVENT],
                              label=_("Дата занятия"), required=False, widget=DATE,
                              help_text=_("Если не указать — сегодня."))
    duration_minutes = forms.IntegerField(label=_("Продолжительность, мин"), required=False,
                                          min_value=1, max_value=24 * 60)
    notes = text_field(_("Содержание занятия"), rows=4)
    result = text_field(_("Результат"), rows=2)


class ContinueForm(forms.Form):
    reason = text_field(_("Почему сопровождение продолжается (решение, согласованное с семьёй)"))


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(label=_("Результат сопровождения"), required=False,
                                choices=Outcome.choices, widget=RADIOS)
    improved = forms.ChoiceField(label=_("Ответ семьи: улучшилась ли её ситуация"),
                                 required=False, choices=Improvement.choices,
                                 widget=RADIOS)
    notes = text_field(_("Анализ результатов"), rows=4)
    date = forms.DateField(validators=[dates.EVENT],
                           label=_("Дата закрытия"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        if case.status != CaseStatus.REVIEW:
            # Before the plan is carried out only the family's refusal or move closes it.
            self.fields["outcome"].choices = [c for c in Outcome.choices
                                              if c[0] in EARLY_OUTCOMES]
            self.fields["outcome"].help_text = _(
                "Пока мероприятия программы не завершены, случай закрывается только при "
                "отказе семьи от сопровождения или её выбытии.")


