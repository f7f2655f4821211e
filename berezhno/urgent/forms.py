"""Forms parse and present input; the services validate the workflow rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.cases.forms import DATE, text_field
from berezhno.core import dates

from .choices import UrgentService


class UrgentActForm(forms.Form):
    act_date = forms.DateField(validators=[dates.EVENT],
                               label=_("Дата акта"), required=False, widget=DATE,
                               help_text=_("Если не указать — сегодня."))
    date_from = forms.DateField(validators=[dates.EVENT],
                                label=_("Услуги оказаны с"), required=False, widget=DATE)
    date_to = forms.DateField(validators=[dates.EVENT], label=_("по"), required=False, widget=DATE)
    notes = text_field(_("Примечание"), rows=2)


class UrgentLineForm(forms.Form):
    service = forms.ChoiceField(label=_("Услуга"), required=False,
                                choices=[("", "—"), *UrgentService.choices])
    description = forms.CharField(label=_("Что именно"), max_length=300, required=False)
    quantity = forms.CharField(label=_("Объём"), max_length=100, required=False)


UrgentLineFormSet = forms.formset_factory(UrgentLineForm, extra=5, max_num=5,
                                          validate_max=True)
