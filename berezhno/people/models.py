"""Persons, households, categories, special-category data, consents, documents, contacts."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berezhno.core import dates
from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet
from berezhno.core.text import format_phone, format_snils
from berezhno.core.workdays import local_today

from .choices import (
    SENIOR_AGE,
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
    ShareStatus,
)


def years_ago(today: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone ``years`` old on ``today`` (``core.dates``)."""
    return dates.latest_birth_date(today, years)


def valid_consent_q(prefix: str = "", on: datetime.date | None = None,
                    purpose: str = ConsentPurpose.SOCIAL_SERVICE) -> Q:
    on = on or timezone.localdate()
    return Q(**{
        f"{prefix}purpose": purpose, f"{prefix}is_active": True,
        f"{prefix}valid_from__lte": on,
    }) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on}))


class PersonQuerySet(RestrictedQuerySet):
    def with_consent_flag(self) -> "PersonQuerySet":
        return self.annotate(
            has_consent=Exists(Consent.objects.filter(valid_consent_q(), person=OuterRef("pk")))
        )

    def seniors(self, on: datetime.date | None = None) -> "PersonQuerySet":
        on = on or timezone.localdate()
        return self.filter(
            Q(sex=Sex.FEMALE, birth_date__lte=years_ago(on, SENIOR_AGE["f"]))
            | Q(sex=Sex.MALE, birth_date__lte=years_ago(on, SENIOR_AGE["m"]))
        )

    def current(self) -> "PersonQuerySet":
        return self.filter(status=PersonStatus.ACTIVE)


def person_photo_upload_to(instance, filename: str) -> str:
    return f"people/photos/{uuid.uuid4().hex}"


class Person(VersionedModel):
    """A resident known to the service: identified, or met and not yet identified."""

    surname = models.CharField(_("фамилия"), max_length=100, blank=True)
    name = models.CharField(_("имя"), max_length=100, blank=True)
    patronymic = models.CharField(_("отчество"), max_length=100, blank=True)
    sex = models.CharField(_("пол"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("дата рождения"), null=True, blank=True)
    estimated_birth_year = models.PositiveSmallIntegerField(
        _("примерный год рождения"), null=True, blank=True,
        help_text=_("Если точная дата рождения неизвестна."),
    )
    snils = models.CharField(_("СНИЛС"), max_length=11, blank=True, db_index=True)
    passport = models.CharField(_("паспорт (серия и номер)"), max_length=30, blank=True)
    passport_issued = models.CharField(_("кем и когда выдан паспорт"), max_length=300,
                                       blank=True)
    phone = models.CharField(_("телефон"), max_length=16, blank=True, db_index=True)
    messenger = models.CharField(_("мессенджер"), max_length=100, blank=True)
    registration_address = models.CharField(_("адрес регистрации"), max_length=300,
                                            blank=True)
    actual_address = models.CharField(_("адрес фактического проживания"), max_length=300,
                                      blank=True)
    no_fixed_abode = models.BooleanField(_("без определённого места жительства"),
                                         default=False)
    settlement = models.ForeignKey(
        "territories.Territory", verbose_name=_("населённый пункт"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="residents",
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("участок или территория учёта"),
        on_delete=models.PROTECT, related_name="persons",
    )
    latitude = models.DecimalField(_("широта"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("долгота"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    special_attention = models.BooleanField(_("требует особого внимания"), default=False)
    special_attention_reason = models.CharField(_("причина особого внимания"), max_length=300,
                                                blank=True)
    legal_basis = models.CharField(
        _("законное основание обработки без согласия"), max_length=16,
        choices=LegalBasis.choices, blank=True, default=LegalBasis.NONE,
    )
    is_unidentified = models.BooleanField(_("личность не установлена"), default=False)
    nickname = models.CharField(_("прозвище, как представился"), max_length=100, blank=True)
    appearance = models.TextField(_("приметы, внешний вид"), blank=True)
    meeting_place = models.CharField(_("место встречи"), max_length=300, blank=True)
    photo = models.FileField(_("фотография"), upload_to=person_photo_upload_to, blank=True)
    status = models.CharField(_("состояние учёта"), max_length=16, choices=PersonStatus.choices,
                              default=PersonStatus.ACTIVE, db_index=True)
    status_date = models.DateField(_("дата"), null=True, blank=True)
    status_reason = models.CharField(_("основание"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("объединён с"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="merged_from",
    )
    search_name = models.CharField(_("имя для поиска"), max_length=310, db_index=True,
                                   editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто зарегистрировал"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    objects = PersonQuerySet.as_manager()

    # Held without consent: enough to identify the person and place them, nothing more.
    MINIMAL_FIELDS = frozenset({
        "surname", "name", "patronymic", "sex", "birth_date", "estimated_birth_year",
        "settlement", "territory", "legal_basis", "is_unidentified", "status", "status_date",
        "status_reason",
    })
    # Fields an agent sees of an assigned person.
    AGENT_FIELDS = ("surname", "name", "patronymic", "phone", "actual_address")

    class Meta:
        verbose_name = _("гражданин")
        verbose_name_plural = _("граждане")
        ordering = ["search_name", "id"]
        indexes = [
            models.Index(fields=["territory", "status", "search_name"],
                         name="person_territory_name"),
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # The birth date by person, without the persons table: the indicators read the
            # age of every member of the families counted (docs/performance.md, "Indicator
            # charts"). Key columns rather than INCLUDE, which SQLite lacks.
            models.Index(fields=["id", "birth_date", "estimated_birth_year"],
                         name="person_birth_by_id"),
        ]
        constraints = [
            # One person, one record, region-wide (decision 0019): a СНИЛС is held by one
            # record; a record merged into another keeps its СНИЛС for the undo.
            models.UniqueConstraint(
                fields=["snils"], condition=~Q(snils="") & ~Q(status=PersonStatus.MERGED),
                name="person_snils_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.pk])


    @property
    def full_name(self) -> str:
        parts = [p for p in (self.surname, self.name, self.patronymic) if p]
        if parts:
            return " ".join(parts)
        if self.nickname:
            return _("Неустановленное лицо «%(nick)s»") % {"nick": self.nickname}
        # Never the record's number (issue 11): the card says more (appearance, place).
        return str(_("Неустановленное лицо"))

    @property
    def snils_display(self) -> str:
        return format_snils(self.snils)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    def today(self) -> datetime.date:
        """Today where the person lives: ages and "not in the future" are judged by the
        territory's date, not the server's (Omsk's day starts three hours before Moscow's)."""
        return local_today(self.territory)

    def age(self, on: datetime.date | None = None) -> int | None:
        """Full years (ГК РФ ст. 192, ``core.dates.age_on``), on ``on`` or today where the
        person lives."""
        on = on or self.today()
        if self.birth_date:
            return dates.age_on(self.birth_date, on)
        if self.estimated_birth_year:
            return on.year - self.estimated_birth_year
        return None

    def is_senior(self, on: datetime.date | None = None) -> bool:
        threshold = SENIOR_AGE.get(self.sex)
        if threshold is None or self.birth_date is None:
            return False
        return dates.has_reached(self.birth_date, threshold, on or self.today())


class PersonCategory(models.Model):
    """A category (low income, homeless, СОП…) a person belongs to, with dates."""

    person = models.ForeignKey(Person, verbose_name=_("гражданин"), on_delete=models.CASCADE,
                               related_name="categories")
    category = models.CharField(_("категория"), max_length=32, choices=Category.choices)
    start_date = models.DateField(_("дата начала"))
    end_date = models.DateField(_("дата окончания"), null=True, blank=True)
    note = models.CharField(_("примечание"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("кто внёс"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("категория гражданина")
        verbose_name_plural = _("категории гражданина")
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["category", "end_date"], name="category_active")]

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class SensitiveInfo(VersionedModel):
    """Special-category data (health, disability details): own permission, every read logged."""

    person = models.OneToOneField(Person, verbose_name=_("гражданин"), on_delete=models.CASCADE,
                                  related_name="sensitive", primary_key=True)
    disability_group = models.CharField(_("группа инвалидности"), max_length=8,
                                        choices=DisabilityGroup.choices, blank=True)
    disability_since = models.DateField(_("инвалидность установлена"), null=True, blank=True)
    disability_until = models.DateField(_("срок инвалидности до"), null=True, blank=True,
                                        help_text=_("Пусто — бессрочно."))
    mse_certificate = models.CharField(_("справка МСЭ (номер)"), max_length=60, blank=True)
    ipra_number = models.CharField(_("ИПРА (номер)"), max_length=60, blank=True)
    health_notes = models.TextField(_("сведения о здоровье"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("сведения о здоровье")
        verbose_name_plural = _("сведения о здоровье")

    def __str__(self) -> str:
        return str(_("Сведения о здоровье"))


class Household(VersionedModel):
    """A family or household: members with relations, income level, housing conditions."""

    name = models.CharField(_("наименование"), max_length=200, blank=True,
                            help_text=_("Например: «Семья Ивановых»."))
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("участок или территория учёта"),
        on_delete=models.PROTECT, related_name="households",
    )
    income_level = models.CharField(_("уровень дохода"), max_length=16,
                                    choices=IncomeLevel.choices, blank=True)
    per_capita_income = models.DecimalField(_("среднедушевой доход, ₽"), max_digits=10,
                                            decimal_places=2, null=True, blank=True)
    housing_conditions = models.CharField(_("жилищные условия"), max_length=16,
                                          choices=HousingConditions.choices, blank=True)
    housing_notes = models.TextField(_("о жилье"), blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("домохозяйство (семья)")
        verbose_name_plural = _("домохозяйства (семьи)")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        if self.name:
            return self.name
        return (_("Домохозяйство: %(address)s") % {"address": self.address} if self.address
                else str(_("Домохозяйство без названия")))

    def get_absolute_url(self) -> str:
        return reverse("people:household", args=[self.pk])


class HouseholdMember(models.Model):
    """A person in a household with their relation to its head."""
    # Set on loaded rows by the selectors for display (not fields).
    age: int | None


    household = models.ForeignKey(Household, verbose_name=_("домохозяйство"),
                                  on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name=_("гражданин"), on_delete=models.PROTECT,
                               related_name="memberships")
    relation = models.CharField(_("родственное отношение"), max_length=16,
                                choices=Relation.choices)
    is_head = models.BooleanField(_("глава домохозяйства"), default=False)
    since = models.DateField(_("с"), null=True, blank=True)
    until = models.DateField(_("по"), null=True, blank=True)

    class Meta:
        verbose_name = _("член домохозяйства")
        verbose_name_plural = _("члены домохозяйства")
        ordering = ["-is_head", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(until__isnull=True),
                                    name="member_one_current_household"),
            models.UniqueConstraint(fields=["household"],
                                    condition=Q(is_head=True, until__isnull=True),
                                    name="household_one_head"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_relation_display()}"


def consent_scan_upload_to(instance, filename: str) -> str:
    return f"consents/{uuid.uuid4().hex}"


DEFAULT_CONSENT_ACTIONS = _(
    "сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), "
    "извлечение, использование, передача (предоставление, доступ), обезличивание, "
    "блокирование, удаление, уничтожение; смешанная обработка, с передачей по внутренней "
    "сети оператора"
)
DEFAULT_WITHDRAWAL = _(
    "Согласие может быть отозвано письменным заявлением, поданным оператору лично или "
    "направленным по почте. Обработка прекращается, а данные уничтожаются в течение 30 дней "
    "с даты поступления отзыва, если иное не предусмотрено федеральным законом."
)


class Consent(VersionedModel):
    """Written consent to personal-data processing for one purpose (152-ФЗ ст. 9)."""

    person = models.ForeignKey(Person, verbose_name=_("субъект персональных данных"),
                               on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("цель обработки"), max_length=32,
                               choices=ConsentPurpose.choices)
    subject_address = models.CharField(_("адрес субъекта"), max_length=300)
    subject_document = models.CharField(
        _("документ, удостоверяющий личность субъекта"), max_length=300,
        help_text=_("Вид, серия, номер, кем и когда выдан."),
    )
    representative_name = models.CharField(_("представитель субъекта (ФИО)"), max_length=300,
                                           blank=True)
    representative_document = models.CharField(
        _("документ представителя и реквизиты доверенности"), max_length=300, blank=True
    )
    operator = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("оператор"), on_delete=models.PROTECT,
        related_name="consents",
    )
    data_list = models.TextField(_("перечень персональных данных"))
    processors = models.TextField(
        _("лица, осуществляющие обработку по поручению оператора"), blank=True
    )
    recipients = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("кому передаются сведения"), blank=True,
        related_name="consents_received",
        help_text=_("Для согласия на передачу сведений: организации-партнёры, которым "
                    "гражданин разрешил передавать его данные."),
    )
    actions = models.TextField(_("действия и способы обработки"), default=DEFAULT_CONSENT_ACTIONS)
    valid_from = models.DateField(_("дата согласия"))
    valid_until = models.DateField(_("срок действия до"), null=True, blank=True,
                                   help_text=_("Пусто — до достижения цели обработки."))
    withdrawal_procedure = models.TextField(_("порядок отзыва"), default=DEFAULT_WITHDRAWAL)
    scan = models.FileField(_("скан подписанного согласия"), upload_to=consent_scan_upload_to,
                            blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто оформил"),
                                 on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("действует"), default=True)
    withdrawn_at = models.DateField(_("дата отзыва"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("основание отзыва"), max_length=300, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто принял отзыв"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # The channels the person agreed to be contacted by (decision 0025); the notifications
    # outbox sends only over these, to the address given here.
    by_sms = models.BooleanField(_("согласен на SMS"), default=False)
    by_email = models.BooleanField(_("согласен на электронную почту"), default=False)
    by_messenger = models.BooleanField(_("согласен на сообщения в мессенджере"), default=False)
    by_call = models.BooleanField(_("согласен на телефонные звонки"), default=False)
    by_letter = models.BooleanField(_("согласен на письма по почте"), default=False)
    contact_phone = models.CharField(_("телефон для SMS и звонков"), max_length=16, blank=True)
    contact_email = models.CharField(_("адрес электронной почты"), max_length=254, blank=True)
    contact_messenger = models.CharField(
        _("мессенджер: идентификатор чата"), max_length=100, blank=True,
        help_text=_("Идентификатор чата с ботом учреждения (сообщает бот после подписки)."))

    CHANNEL_FIELDS = {"sms": "by_sms", "email": "by_email", "messenger": "by_messenger",
                      "call": "by_call", "letter": "by_letter"}

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("согласие на обработку персональных данных")
        verbose_name_plural = _("согласия на обработку персональных данных")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "purpose"], condition=Q(is_active=True),
                                    name="consent_one_active_per_purpose"),
        ]

    def __str__(self) -> str:
        return _("Согласие от %(date)s: %(purpose)s") % {
            "date": self.valid_from.strftime("%d.%m.%Y"), "purpose": self.get_purpose_display(),
        }

    def is_valid(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.is_active and self.valid_from <= on and (
            self.valid_until is None or self.valid_until >= on
        )

    def channel_address(self, channel: str) -> str | None:
        """Where the person agreed to be contacted over ``channel``; None without consent
        to it (or with no address)."""
        flag = self.CHANNEL_FIELDS.get(channel)
        if flag is None or not getattr(self, flag):
            return None
        address = {"sms": self.contact_phone, "call": self.contact_phone,
                   "email": self.contact_email, "messenger": self.contact_messenger,
                   "letter": self.subject_address}[channel]
        return address or None

    def channels(self) -> list[str]:
        """The channels consented to, in the order of ``CHANNEL_FIELDS``."""
        return [c for c, flag in self.CHANNEL_FIELDS.items() if getattr(self, flag)]


def document_upload_to(instance, filename: str) -> str:
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class PersonDocument(models.Model):
    """A scan or photo attached to a person's record."""

    person = models.ForeignKey(Person, verbose_name=_("гражданин"), on_delete=models.CASCADE,
                               related_name="documents")
    doc_type = models.CharField(_("вид документа"), max_length=32, choices=DocumentType.choices)
    doc_date = models.DateField(_("дата документа"), null=True, blank=True)
    title = models.CharField(_("описание"), max_length=200, blank=True)
    file = models.FileField(_("файл"), upload_to=document_upload_to)
    original_name = models.CharField(_("имя файла"), max_length=200)
    content_type = models.CharField(_("тип содержимого"), max_length=100)
    size = models.PositiveIntegerField(_("размер, байт"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто загрузил"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("загружен"), auto_now_add=True)
    is_deleted = models.BooleanField(_("удалён"), default=False)
    deleted_reason = models.CharField(_("причина удаления"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("документ")
        verbose_name_plural = _("документы")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.get_doc_type_display()


class Contact(models.Model):
    """An interaction with a person (visit, call, reception…)."""

    person = models.ForeignKey(Person, verbose_name=_("гражданин"), on_delete=models.CASCADE,
                               related_name="contacts")
    household = models.ForeignKey(Household, verbose_name=_("домохозяйство"),
                                  on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="contacts")
    occurred_at = models.DateTimeField(_("дата и время"), db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("специалист"),
                               on_delete=models.PROTECT, related_name="contacts")
    channel = models.CharField(_("форма"), max_length=16, choices=ContactChannel.choices)
    purpose = models.CharField(_("цель"), max_length=16, choices=ContactPurpose.choices)
    notes = models.TextField(_("содержание"), blank=True)
    outcome = models.TextField(_("результат"), blank=True)
    next_contact_date = models.DateField(_("дата следующего контакта"), null=True, blank=True)
    client_uuid = models.UUIDField(_("идентификатор клиента"), null=True, blank=True,
                                   unique=True)
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("контакт")
        verbose_name_plural = _("контакты")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="contact_person_time"),
                   models.Index(fields=["next_contact_date"], name="contact_next_date"),
                   # The worklist: a district's people, each with its contacts due by a
                   # date — one index probe per person instead of reading all its contacts.
                   models.Index(fields=["person", "next_contact_date"],
                                name="contact_person_next",
                                condition=models.Q(next_contact_date__isnull=False))]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%d.%m.%Y}"



class PersonAssignment(models.Model):
    """A person assigned to a user by work: an agent's ward, a case worker's client."""

    person = models.ForeignKey(Person, verbose_name=_("гражданин"), on_delete=models.CASCADE,
                               related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("исполнитель"),
                             on_delete=models.CASCADE, related_name="person_assignments")
    reason = models.CharField(_("основание"), max_length=200)
    is_active = models.BooleanField(_("действует"), default=True)
    assigned_at = models.DateTimeField(_("назначено"), auto_now_add=True)

    class Meta:
        verbose_name = _("закрепление гражданина")
        verbose_name_plural = _("закрепления граждан")
        indexes = [models.Index(fields=["user", "is_active"], name="assignment_user_active")]

    def __str__(self) -> str:
        return f"{self.person} → {self.user}"


class PersonMerge(models.Model):
    """A merge of ``source`` into ``target``, with what moved, so it can be undone."""

    source = models.ForeignKey(Person, verbose_name=_("объединённая запись"),
                               on_delete=models.PROTECT, related_name="merges_as_source")
    target = models.ForeignKey(Person, verbose_name=_("основная запись"),
                               on_delete=models.PROTECT, related_name="merges_as_target")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто объединил"),
                                  on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("когда объединены"), auto_now_add=True)
    reason = models.CharField(_("основание"), max_length=300, blank=True)
    moved = models.JSONField(_("перенесённые записи"), default=dict)
    source_before = models.JSONField(_("объединённая запись до объединения"), default=dict)
    target_before = models.JSONField(_("основная запись до объединения"), default=dict)
    unmerged_at = models.DateTimeField(_("когда разъединены"), null=True, blank=True)
    unmerged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто разъединил"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("объединение записей")
        verbose_name_plural = _("объединения записей")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class PersonShareRequest(models.Model):
    """A territory's request to the territory holding a person's record: share it (the
    requesting territory sees the person too) or transfer it (the record moves there).

    Opened when a user registers or enters a СНИЛС that a record outside their scope holds
    (decision 0019); the requester learns nothing of that record until it is approved.
    """

    person = models.ForeignKey(Person, verbose_name=_("гражданин"), on_delete=models.PROTECT,
                               related_name="share_requests")
    kind = models.CharField(_("что просят"), max_length=16, choices=ShareKind.choices,
                            default=ShareKind.SHARE)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("запрашивающая территория"),
        on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто запросил"), on_delete=models.PROTECT,
        related_name="+")
    requested_at = models.DateTimeField(_("когда запрошено"), auto_now_add=True)
    reason = models.CharField(_("основание"), max_length=500, blank=True)
    # What the requester typed (name, birth date): lets the holder check that it is the
    # same person; the requester's own input, not the holder's record.
    entered = models.JSONField(_("сведения запрашивающего"), default=dict, blank=True)
    status = models.CharField(_("состояние"), max_length=16, choices=ShareStatus.choices,
                              default=ShareStatus.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("кто решил"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("когда решено"), null=True, blank=True)
    decision_comment = models.CharField(_("комментарий к решению"), max_length=500,
                                        blank=True)
    # The territory that held the record when the request was decided (a transfer moves it).
    holder_territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("территория, где состоял гражданин"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Optimistic locking (``core.services.check_version``): the requester's edit and the
    # holder's decision are made on the version read (a share approved as a transfer would
    # move the record).
    version = models.PositiveIntegerField(_("версия"), default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("запрос доступа к записи гражданина")
        verbose_name_plural = _("запросы доступа к записям граждан")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["territory", "status"], name="share_territory_status")]
        constraints = [
            # One open request of a territory for a person: a second attempt finds it.
            models.UniqueConstraint(fields=["person", "territory"],
                                    condition=Q(status=ShareStatus.PENDING),
                                    name="share_one_pending"),
        ]

    def __str__(self) -> str:
        return _("Запрос доступа от %(date)s") % {
            "date": timezone.localtime(self.requested_at).strftime("%d.%m.%Y")
            if self.requested_at else "—"}
