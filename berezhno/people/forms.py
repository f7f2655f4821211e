"""Forms parse and present input; services validate the domain rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation
from berezhno.core import dates, maps
from berezhno.core import forms as fields
from berezhno.core.access import territories_in_scope
from berezhno.core.text import normalize_snils
from berezhno.people import roles
from berezhno.territories.choices import Level

from . import selectors
from .choices import (
    Category,
    ConsentPurpose,
    ContactChannel,
    ContactPurpose,
    DisabilityGroup,
    DocumentType,
    HousingConditions,
    IncomeLevel,
    LegalBasis,
    PersonStatus,
    Relation,
    Sex,
    ShareKind,
)
from .models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TerritoryChoiceField(fields.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label_with_parent() if obj.level >= Level.SETTLEMENT else obj.name


class PersonForm(forms.ModelForm):
    """Registration and editing of a person's basic record."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    snils = forms.CharField(label=_("СНИЛС"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"placeholder": "123-456-789 01",
                                                          "inputmode": "numeric"}))
    phone = forms.CharField(label=_("Телефон"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"placeholder": "+7 900 123-45-67",
                                                          "inputmode": "tel"}))
    # The map after them fills them (people/_person_map.html).
    latitude = maps.latitude_field(help_text=_(
        "Точка адреса: на карте ниже, «Моё местоположение» или координаты, например "
        "54.989342 и 73.368212."))
    longitude = maps.longitude_field()

    class Meta:
        formfield_callback = dates.formfield
        model = Person
        fields = [
            "surname", "name", "patronymic", "sex", "birth_date", "estimated_birth_year",
            "snils", "passport", "passport_issued", "phone", "messenger", "settlement",
            "territory", "registration_address", "actual_address", "no_fixed_abode",
            "latitude", "longitude", "special_attention", "special_attention_reason",
            "legal_basis",
        ]
        widgets = {"birth_date": DATE}
        field_classes = {"settlement": TerritoryChoiceField, "territory": TerritoryChoiceField}

    def __init__(self, *args, user, action=roles.ADD, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories_in_scope(
            user, roles.PERSON, action).filter(level__gte=Level.MUNICIPALITY).select_related(
            "parent")
        self.fields["territory"].required = False
        self.fields["territory"].help_text = _(
            "Можно не указывать, если выбран населённый пункт: участок определится по нему.")
        self.fields["settlement"].queryset = selectors.settlement_choices(user, action)
        self.fields["legal_basis"].required = False
        self.fields["sex"].required = False
        if self.instance.pk:
            self.fields["snils"].initial = self.instance.snils_display
            self.fields["phone"].initial = self.instance.phone

    def clean_snils(self) -> str:
        # The one СНИЛС validator (core.text), so the form names the problem at once.
        value = self.cleaned_data.get("snils") or ""
        return normalize_snils(value) if value.strip() else ""

    def _post_clean(self):
        # Domain validation happens in the service; the form only parses types.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["legal_basis"] = data.get("legal_basis") or LegalBasis.NONE
        data["sex"] = data.get("sex") or Sex.UNKNOWN
        return data


class UnidentifiedForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["nickname", "sex", "estimated_birth_year", "appearance", "meeting_place",
                  "territory", "latitude", "longitude", "legal_basis"]
        field_classes = {"territory": TerritoryChoiceField}

    photo = forms.FileField(label=_("Фотография"), required=False)
    # Last, next to the map that fills them (people/unidentified_form.html).
    latitude = maps.latitude_field(help_text=_(
        "Место встречи: точка на карте ниже, «Моё местоположение» или координаты, "
        "например 54.989342 и 73.368212."))
    longitude = maps.longitude_field()
    field_order = ["nickname", "sex", "estimated_birth_year", "appearance", "meeting_place",
                   "territory", "legal_basis", "photo", "latitude", "longitude"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories_in_scope(
            user, roles.PERSON, roles.ADD).filter(level__gte=Level.MUNICIPALITY).select_related(
            "parent")
        self.fields["legal_basis"].choices = [c for c in LegalBasis.choices if c[0]]
        self.fields["legal_basis"].initial = LegalBasis.SIGNAL

    def _post_clean(self):
        pass


class ChannelFields(forms.Form):
    """The channel part of a consent: which channels the person agreed to be contacted by
    (decision 0025) and the addresses."""

    by_sms = forms.BooleanField(label=_("Согласен на SMS"), required=False)
    by_call = forms.BooleanField(label=_("Согласен на телефонные звонки"), required=False)
    contact_phone = forms.CharField(label=_("Телефон для SMS и звонков"), max_length=32,
                                    required=False)
    by_email = forms.BooleanField(label=_("Согласен на электронную почту"), required=False)
    contact_email = forms.CharField(label=_("Адрес электронной почты"), max_length=254,
                                    required=False)
    by_messenger = forms.BooleanField(label=_("Согласен на сообщения в мессенджере"),
                                      required=False)
    contact_messenger = forms.CharField(
        label=_("Мессенджер: идентификатор чата"), max_length=100, required=False,
        help_text=_("Сообщает бот учреждения после подписки гражданина."))
    by_letter = forms.BooleanField(label=_("Согласен на письма по почте (по адресу субъекта)"),
                                   required=False)


class ConsentChannelsForm(ChannelFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConsentForm(ChannelFields):
    purpose = forms.ChoiceField(label=_("Цель обработки"), choices=ConsentPurpose.choices)
    valid_from = forms.DateField(validators=[dates.EVENT], label=_("Дата согласия"), widget=DATE)
    valid_until = forms.DateField(validators=[dates.PLANNED],
                                  label=_("Срок действия до"), required=False, widget=DATE,
                                  help_text=_("Пусто — до достижения цели обработки."))
    subject_address = forms.CharField(label=_("Адрес субъекта"), max_length=300)
    subject_document = forms.CharField(
        label=_("Документ, удостоверяющий личность"), max_length=300,
        help_text=_("Вид, серия, номер, кем и когда выдан."))
    representative_name = forms.CharField(label=_("Представитель (ФИО)"), required=False,
                                          max_length=300)
    representative_document = forms.CharField(label=_("Документ о полномочиях представителя"),
                                              required=False, max_length=300)
    data_list = forms.CharField(label=_("Перечень персональных данных"),
                                widget=forms.Textarea(attrs={"rows": 3}))
    processors = forms.CharField(label=_("Лица, обрабатывающие данные по поручению оператора"),
                                 required=False, widget=forms.Textarea(attrs={"rows": 2}))
    recipients = fields.ModelMultipleChoiceField(
        label=_("Кому передаются сведения (для согласия на передачу партнёрам)"),
        queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    scan = forms.FileField(label=_("Скан подписанного согласия"), required=False)

    field_order = ["purpose", "valid_from", "valid_until", "subject_address", "subject_document",
                   "representative_name", "representative_document", "data_list",
                   "processors", "recipients"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.PARTNER, is_active=True).order_by("name")

    DEFAULT_DATA = _(
        "фамилия, имя, отчество; пол; дата рождения; адрес регистрации и проживания; "
        "паспортные данные; СНИЛС; телефон; сведения о составе семьи, доходах, социальном "
        "положении и жилищных условиях")


class ConsentWithdrawForm(forms.Form):
    date = forms.DateField(validators=[dates.EVENT], label=_("Дата отзыва"), widget=DATE)
    reason = forms.CharField(label=_("Основание"), max_length=300,
                             initial=_("Письменное заявление гражданина"))


class ContactForm(forms.Form):
    occurred_at = forms.DateTimeField(
        validators=[dates.EVENT], label=_("Дата и время"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    channel = forms.ChoiceField(label=_("Форма"), choices=ContactChannel.choices)
    purpose = forms.ChoiceField(label=_("Цель"), choices=ContactPurpose.choices)
    notes = forms.CharField(label=_("Содержание"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("Результат"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    next_contact_date = forms.DateField(validators=[dates.PLANNED],
                                        label=_("Дата следующего контакта"), required=False,
                                        widget=DATE)
    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Категория"), choices=Category.choices)
    start_date = forms.DateField(validators=[dates.HISTORY], label=_("С даты"), widget=DATE)
    end_date = forms.DateField(validators=[dates.PLANNED],
                               label=_("По дату"), required=False, widget=DATE)
    note = forms.CharField(label=_("Примечание"), required=False, max_length=300)


class CategoryEndForm(forms.Form):
    end_date = forms.DateField(validators=[dates.PLANNED], label=_("Дата снятия"), widget=DATE)


class SensitiveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    disability_group = forms.ChoiceField(
        label=_("Группа инвалидности"), required=False,
        choices=[("", _("нет")), *DisabilityGroup.choices])
    disability_since = forms.DateField(validators=[dates.HISTORY],
                                       label=_("Установлена"), required=False, widget=DATE)
    disability_until = forms.DateField(validators=[dates.PLANNED],
                                       label=_("Срок до"), required=False, widget=DATE)
    mse_certificate = forms.CharField(label=_("Справка МСЭ (номер)"), required=False,
                                      max_length=60)
    ipra_number = forms.CharField(label=_("ИПРА (номер)"), required=False, max_length=60)
    health_notes = forms.CharField(label=_("Сведения о здоровье"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Вид документа"), choices=DocumentType.choices)
    doc_date = forms.DateField(validators=[dates.HISTORY],
                               label=_("Дата документа"), required=False, widget=DATE)
    title = forms.CharField(label=_("Описание"), required=False, max_length=200)
    file = forms.FileField(label=_("Файл (PDF или изображение)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Основание"), max_length=300)


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Что произошло"), choices=[
        (PersonStatus.DECEASED, _("умер")), (PersonStatus.MOVED_OUT, _("выбыл"))])
    date = forms.DateField(validators=[dates.EVENT], label=_("Дата"), widget=DATE)
    reason = forms.CharField(label=_("Основание (документ, источник сведений)"), max_length=300)


def picked_person(label):
    """A person chosen by search (``core.pickers``, the page's picker): the form carries
    only the chosen id, hidden."""
    return forms.IntegerField(label=label, min_value=1, widget=forms.HiddenInput,
                              error_messages={"required": _("Найдите и выберите гражданина."),
                                              "invalid": _("Найдите и выберите гражданина.")})


class MergeForm(forms.Form):
    other = picked_person(_("Запись, которую присоединить к этой (дубликат)"))
    reason = forms.CharField(label=_("Основание"), max_length=300, required=False)


class HouseholdForm(forms.Form):
    name = forms.CharField(label=_("Наименование"), required=False, max_length=200)
    address = forms.CharField(label=_("Адрес"), required=False, max_length=300)
    income_level = forms.ChoiceField(label=_("Уровень дохода"), choices=IncomeLevel.choices,
                                     required=False)
    per_capita_income = forms.DecimalField(label=_("Среднедушевой доход, ₽"), required=False,
                                           max_digits=10, decimal_places=2, min_value=0)
    housing_conditions = forms.ChoiceField(label=_("Жилищные условия"), required=False,
                                           choices=HousingConditions.choices)
    housing_notes = forms.CharField(label=_("О жилье"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HouseholdCreateForm(HouseholdForm):
    """A new household: also the date since which the head lives in it."""

    since = forms.DateField(validators=[dates.HISTORY], label=_("Глава в домохозяйстве с"),
                            required=False, widget=DATE,
                            help_text=_("Если не указать — сегодняшняя дата."))


class MemberLeaveForm(forms.Form):
    until = forms.DateField(validators=[dates.HISTORY], label=_("Дата выбытия"),
                            required=False, widget=DATE,
                            help_text=_("Если не указать — сегодняшняя дата."))


class MemberForm(forms.Form):
    person = picked_person(_("Гражданин"))
    relation = forms.ChoiceField(label=_("Отношение к главе"),
                                 choices=[c for c in Relation.choices if c[0] != "head"])
    since = forms.DateField(validators=[dates.HISTORY],
                            label=_("С даты"), required=False, widget=DATE)


class ShareRequestForm(forms.Form):
    """The requester's choice: a share of the record or its transfer, and why."""

    kind = forms.ChoiceField(label=_("Что вы просите"), choices=ShareKind.choices,
                             widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Основание"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Например: гражданин переехал к нам и обратился "
                                         "за помощью."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ShareDecisionForm(forms.Form):
    comment = forms.CharField(label=_("Комментарий"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("При отказе или прекращении доступа укажите "
                                          "причину."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
