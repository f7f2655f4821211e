"""Forms parse and present input; the services validate the bank's rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.cases.forms import CHECKS, DATE, NONE, UserChoiceField, text_field
from berezhno.core import dates
from berezhno.core import forms as fields
from berezhno.people.forms import picked_person

from . import selectors
from .choices import BankReason

VERSION = forms.IntegerField(widget=forms.HiddenInput, required=False)


class _EntryFields(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Причины особого внимания"), choices=BankReason.choices, widget=CHECKS,
        required=False, help_text=_("Одна или несколько."))
    other_reason = forms.CharField(label=_("Иная причина"), max_length=300, required=False,
                                   help_text=_("Обязательна, если выбрано «иное»."))
    household = fields.ModelChoiceField(
        label=_("Домохозяйство"), required=False, queryset=None, empty_label=NONE,
        help_text=_("Если внимания требует вся семья."))
    since = forms.DateField(validators=[dates.HISTORY], label=_("В банке данных с"),
                            required=False, widget=DATE,
                            help_text=_("Если не указать — сегодня."))
    next_review_due = forms.DateField(
        validators=[dates.PLANNED], label=_("Пересмотр до"), required=False, widget=DATE,
        help_text=_("Если не указать — через полгода (срок настраивает администратор)."))
    responsible = UserChoiceField(label=_("Ответственный специалист"), required=False,
                                  queryset=None, empty_label=NONE)
    notes = text_field(_("Примечания"), rows=3, max_length=3000)

    def __init__(self, *args, user, person, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = selectors.responsible_choices(user, territory)
        self.fields["household"].queryset = selectors.household_choices(person)


class BankAddForm(_EntryFields):
    """A citizen picked by search (``core.pickers``), then the entry's fields."""

    person = picked_person(_("Гражданин"))
    field_order = ["person", "reasons", "other_reason", "household", "since",
                   "next_review_due", "responsible", "notes"]


class BankEditForm(_EntryFields):
    version = VERSION


class BankReviewForm(forms.Form):
    held_on = forms.DateField(validators=[dates.EVENT], label=_("Дата пересмотра"),
                              required=False, widget=DATE,
                              help_text=_("Если не указать — сегодня."))
    result = text_field(_("Результат пересмотра"), rows=4, max_length=5000,
                        help_text=_("Что изменилось в положении гражданина, что сделано."))
    next_due = forms.DateField(
        validators=[dates.PLANNED], label=_("Следующий пересмотр до"), required=False,
        widget=DATE, help_text=_("Если не указать — через полгода."))
    version = VERSION


class BankRemoveForm(forms.Form):
    date = forms.DateField(validators=[dates.EVENT], label=_("Дата исключения"),
                           required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))
    reason = forms.CharField(label=_("Причина исключения"), max_length=300, required=False,
                             help_text=_("Например: трудная ситуация преодолена, переезд, "
                                         "смерть гражданина."))
    version = VERSION
