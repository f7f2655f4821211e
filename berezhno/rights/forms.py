"""Forms of the rights register and the incident register."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.core import access, dates
from berezhno.core.forms import ModelChoiceField

from . import roles, selectors
from .choices import RequestChannel, RequesterKind, RequestKind, RequestStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид обращения"), choices=RequestKind.choices)
    received_on = forms.DateField(validators=[dates.EVENT],
        label=_("Дата получения"), widget=DATE)
    channel = forms.ChoiceField(label=_("Способ получения"), choices=RequestChannel.choices)
    requester_kind = forms.ChoiceField(label=_("Кто обратился"),
                                       choices=RequesterKind.choices)
    requester_name = forms.CharField(label=_("Представитель (ФИО)"), required=False,
                                     max_length=300)
    requester_basis = forms.CharField(label=_("Основание полномочий представителя"),
                                      required=False, max_length=300,
                                      help_text=_("Доверенность, решение об опеке: номер и "
                                                  "дата."))
    subject = forms.CharField(label=_("Суть обращения"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    purpose_ended_on = forms.DateField(validators=[dates.HISTORY],

        label=_("Дата достижения цели или отзыва согласия"), required=False, widget=DATE,
        help_text=_("Для уничтожения: 30 дней считаются от этой даты."))


class ExtendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Мотивированная причина продления"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Результат"), choices=[
        (RequestStatus.DONE, RequestStatus.DONE.label),
        (RequestStatus.REFUSED, RequestStatus.REFUSED.label)])
    answer = forms.CharField(label=_("Ответ гражданину"),
                             widget=forms.Textarea(attrs={"rows": 5}))


class DestroyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    basis = forms.CharField(label=_("Основание уничтожения"), max_length=500,
                            help_text=_("Например: отзыв согласия от 10.03.2026, заявление "
                                        "№ …"))
    confirm = forms.BooleanField(label=_("Понимаю: сведения будут уничтожены безвозвратно"))


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Состояние"), required=False,
                               choices=[("", _("все")), *RequestStatus.choices])
    kind = forms.ChoiceField(label=_("Вид"), required=False,
                             choices=[("", _("все")), *RequestKind.choices])
    overdue = forms.BooleanField(label=_("только просроченные"), required=False)


class IncidentForm(forms.Form):
    territory = ModelChoiceField(label=_("Территория"), queryset=None)
    detected_at = forms.DateTimeField(validators=[dates.EVENT],
        label=_("Когда выявлен"), widget=DATETIME)
    description = forms.CharField(label=_("Что произошло"),
                                  widget=forms.Textarea(attrs={"rows": 3}))
    suspect = ModelChoiceField(label=_("Пользователь, чьи действия проверяются"),
                               queryset=None, required=False)
    period_from = forms.DateField(validators=[dates.PERIOD],
        label=_("Период с"), required=False, widget=DATE)
    period_to = forms.DateField(validators=[dates.PERIOD],
        label=_("Период по"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = access.territories_in_scope(user, roles.INCIDENT, access.ADD).order_by("path")
        self.fields["territory"].queryset = nodes
        if not self.is_bound:
            self.fields["territory"].initial = nodes.values_list("pk", flat=True).first()
        self.fields["suspect"].queryset = selectors.suspects_for(user)


class IncidentUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    notice_sent_at = forms.DateTimeField(validators=[dates.EVENT],
        label=_("Уведомление (24 ч) направлено"),
                                         required=False, widget=DATETIME)
    result_sent_at = forms.DateTimeField(validators=[dates.EVENT],
        label=_("Результаты (72 ч) направлены"),
                                         required=False, widget=DATETIME)
    findings = forms.CharField(label=_("Результаты расследования"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(label=_("Состояние"), choices=[
        ("open", _("расследуется")), ("closed", _("закрыт"))])


class ReportForm(forms.Form):
    """The incident report's filters: a user and a period (no personal data: staff)."""

    MAX_DAYS = 400

    user = ModelChoiceField(label=_("Пользователь"), queryset=None)
    date_from = forms.DateField(validators=[dates.PERIOD],
        label=_("С"), widget=DATE)
    date_to = forms.DateField(validators=[dates.PERIOD],
        label=_("По"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.suspects_for(user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("Конец периода раньше начала."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("date_to", _("Период не длиннее %(n)s дней.")
                               % {"n": self.MAX_DAYS})
            elif start < datetime.date(2000, 1, 1):
                self.add_error("date_from", _("Дата не может быть раньше 2000 года."))
        return data
