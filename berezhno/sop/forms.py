"""Forms parse and present input; the services validate the workflow rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.cases import selectors as case_selectors
from berezhno.cases.forms import DATE, NONE, UserChoiceField, text_field
from berezhno.core import dates

from .choices import SopSource

# --------------------------------------------------------------------------- СОП (120-ФЗ)


class SopIdentifyForm(forms.Form):
    identified_on = forms.DateField(validators=[dates.EVENT],
                                    label=_("Дата выявления"), required=False, widget=DATE,
                                    help_text=_("Если не указать — сегодня."))
    source = forms.ChoiceField(label=_("Кем выявлена семья"), choices=SopSource.choices)
    grounds = text_field(_("Признаки социально опасного положения"), rows=4)
    child_threat = forms.BooleanField(
        label=_("Есть угроза жизни или здоровью ребёнка"), required=False,
        help_text=_("Тогда нужно сообщить и в орган опеки и попечительства (ст. 56 СК РФ)."))


class SopNoticeForm(forms.Form):
    date = forms.DateField(validators=[dates.EVENT],
                           label=_("Дата сообщения в КДН и ЗП"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))
    number = forms.CharField(label=_("Исходящий номер"), max_length=50, required=False)
    guardianship_date = forms.DateField(
        validators=[dates.HISTORY],
        label=_("Дата сообщения в орган опеки"), required=False, widget=DATE,
        help_text=_("Обязательна, если есть угроза ребёнку."))


class SopNotesForm(forms.Form):
    """The first survey and a periodic review: a date and what was found or done."""

    date = forms.DateField(validators=[dates.EVENT], label=_("Дата"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))
    notes = text_field(_("Результаты"), rows=5)


class SopRegisterForm(forms.Form):
    decision_date = forms.DateField(validators=[dates.EVENT],
                                    label=_("Дата постановления КДН и ЗП"), required=False,
                                    widget=DATE)
    decision_number = forms.CharField(label=_("Номер постановления"), max_length=50,
                                      required=False)
    curator = UserChoiceField(label=_("Куратор семьи"), required=False, queryset=None,
                              empty_label=NONE)

    def __init__(self, *args, user, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = case_selectors.staff_choices(user, territory)


class SopRemoveForm(forms.Form):
    date = forms.DateField(validators=[dates.EVENT],
                           label=_("Дата снятия с учёта"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))
    reason = forms.CharField(label=_("Основание снятия"), max_length=300, required=False)
    decision_number = forms.CharField(
        label=_("Номер постановления КДН и ЗП о снятии"), max_length=50, required=False,
        help_text=_("Обязателен, если семья была поставлена на учёт."))
