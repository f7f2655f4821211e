"""Forms parse and present input; the services validate the workflow rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.cases import selectors as case_selectors
from berezhno.cases.choices import PlanStatus
from berezhno.cases.forms import DATE, NONE, text_field
from berezhno.core import dates
from berezhno.core import forms as fields


class ReferralForm(forms.Form):
    organisation = fields.ModelChoiceField(label=_("Организация-партнёр"), required=False,
                                          queryset=None, empty_label=NONE)
    activity = fields.ModelChoiceField(label=_("Мероприятие программы"), required=False,
                                      queryset=None, empty_label=NONE)
    services = text_field(_("Какая помощь нужна"))
    sent_on = forms.DateField(validators=[dates.EVENT],
                              label=_("Дата направления"), required=False, widget=DATE,
                              help_text=_("Если не указать — сегодня."))
    result_due = forms.DateField(validators=[dates.PLANNED],
                                 label=_("Результат ожидается до"), required=False,
                                 widget=DATE)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = case_selectors.partner_choices()
        self.fields["activity"].queryset = case.activities.exclude(
            plan__status=PlanStatus.SUPERSEDED).select_related("plan")


class ReferralAnswerForm(forms.Form):
    """A partner's answer: accept, reject with a reason, or the result."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(validators=[dates.EVENT], label=_("Дата"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))


class ReferralRejectForm(ReferralAnswerForm):
    reason = forms.CharField(label=_("Причина отказа"), max_length=300, required=False)


class ReferralResultForm(ReferralAnswerForm):
    result = text_field(_("Результат: что сделано для семьи"))


