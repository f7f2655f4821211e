"""Forms parse and present input; the services validate the workflow rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.choices import PartnerKind
from berezhno.cases import selectors as case_selectors
from berezhno.cases.forms import DATE, NONE, UserChoiceField, text_field
from berezhno.core import dates
from berezhno.core import forms as fields

from . import selectors
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
    """The notice step and what its letters print (decision 0034): the guardianship part
    only for a record with a threat to a child; the addressees and the signatory offered
    from the family's territory, pre-selected when there is one."""

    date = forms.DateField(validators=[dates.EVENT],
                           label=_("Дата сообщения в КДН и ЗП"), required=False, widget=DATE,
                           help_text=_("Если не указать — сегодня."))
    number = forms.CharField(label=_("Исходящий номер"), max_length=50, required=False,
                             help_text=_("Из журнала исходящей корреспонденции центра."))
    kdn_addressee = fields.ModelChoiceField(
        label=_("КДН и ЗП — адресат"), required=False, queryset=None, empty_label=NONE,
        help_text=_("Из справочника организаций территории семьи; если нужной нет, "
                    "администратор добавит её в разделе «Организации»."))
    measures = text_field(_("Принятые меры"), rows=3, max_length=3000,
                          help_text=_("Что уже сделано центром: выезд, беседа, помощь. "
                                      "Печатается в письме."))
    signatory = UserChoiceField(label=_("Подписывает"), required=False, queryset=None,
                                empty_label=NONE,
                                help_text=_("Руководитель центра, работающий на территории "
                                            "семьи."))
    guardianship_date = forms.DateField(
        validators=[dates.HISTORY],
        label=_("Дата сообщения в орган опеки"), required=False, widget=DATE,
        help_text=_("Обязательна: есть угроза ребёнку (ст. 56 СК РФ)."))
    guardianship_number = forms.CharField(
        label=_("Исходящий номер сообщения в орган опеки"), max_length=50, required=False,
        help_text=_("Свой номер, не тот, что у сообщения в КДН и ЗП."))
    guardianship_addressee = fields.ModelChoiceField(
        label=_("Орган опеки и попечительства — адресат"), required=False, queryset=None,
        empty_label=NONE)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        case = record.case
        kdn = selectors.addressee_choices(case.territory, PartnerKind.KDN)
        heads = selectors.signatory_choices(case)
        self.fields["kdn_addressee"].queryset = kdn
        self.fields["signatory"].queryset = heads
        initial = {"kdn_addressee": _only(kdn), "signatory": _only(heads)}
        if record.child_threat:
            opeka = selectors.addressee_choices(case.territory, PartnerKind.GUARDIANSHIP)
            self.fields["guardianship_addressee"].queryset = opeka
            initial["guardianship_addressee"] = _only(opeka)
        else:
            for name in ("guardianship_date", "guardianship_number", "guardianship_addressee"):
                del self.fields[name]
        for name, value in initial.items():
            if value is not None:
                self.fields[name].initial = value


def _only(queryset):
    """The single choice of a list, to pre-select; None when there are none or several."""
    rows = list(queryset[:2])
    return rows[0].pk if len(rows) == 1 else None


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
