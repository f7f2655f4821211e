"""The register of data-subject requests (152-ФЗ ст. 14, 20, 21), the destruction acts
and the register of personal-data incidents (ст. 21 ч. 3.1)."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import (
    IncidentStatus,
    RequestChannel,
    RequesterKind,
    RequestKind,
    RequestStatus,
)


class SubjectRequest(VersionedModel):
    """A request of a person (or their representative) about their personal data: its
    deadline is computed from the received date by the rule of its kind and stored."""

    number = models.CharField(_("номер"), max_length=32, unique=True)
    person = models.ForeignKey("people.Person", verbose_name=_("гражданин"),
                               on_delete=models.PROTECT, related_name="subject_requests")
    kind = models.CharField(_("вид обращения"), max_length=16, choices=RequestKind.choices)
    received_on = models.DateField(_("дата получения"))
    channel = models.CharField(_("способ получения"), max_length=16,
                               choices=RequestChannel.choices, default=RequestChannel.IN_PERSON)
    requester_kind = models.CharField(_("кто обратился"), max_length=16,
                                      choices=RequesterKind.choices,
                                      default=RequesterKind.SUBJECT)
    requester_name = models.CharField(_("представитель (ФИО)"), max_length=300, blank=True)
    requester_basis = models.CharField(
        _("основание полномочий представителя"), max_length=300, blank=True,
        help_text=_("Доверенность, решение об опеке: номер и дата."))
    subject = models.TextField(_("суть обращения"), blank=True,
                               help_text=_("Какие сведения уточнить, что проверить, почему."))
    purpose_ended_on = models.DateField(
        _("дата достижения цели или отзыва согласия"), null=True, blank=True,
        help_text=_("Для уничтожения: срок считается от этой даты."))
    due_on = models.DateField(_("срок исполнения"), db_index=True)
    extended = models.BooleanField(_("срок продлён"), default=False)
    extension_reason = models.CharField(_("причина продления"), max_length=500, blank=True)
    extended_at = models.DateTimeField(_("когда продлён"), null=True, blank=True)
    status = models.CharField(_("состояние"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN, db_index=True)
    answer = models.TextField(_("ответ"), blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ответственный"),
                                    on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто зарегистрировал"),
                                   on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто закрыл"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(_("когда закрыто"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("обращение субъекта персональных данных")
        verbose_name_plural = _("обращения субъектов персональных данных")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["person", "kind", "status"],
                                name="rights_request_person")]

    def __str__(self) -> str:
        return f"№ {self.number}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("rights:request", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today


class DestructionAct(models.Model):
    """The act of destruction of a person's data (the retention procedure,
    ``docs/user-guide/data-subject-rights.md``): what was destroyed, what anonymised and
    what kept by law, with counts only — the act itself holds no destroyed data."""

    number = models.CharField(_("номер акта"), max_length=32, unique=True)
    request = models.OneToOneField(SubjectRequest, verbose_name=_("обращение"),
                                   on_delete=models.PROTECT, related_name="act")
    act_date = models.DateField(_("дата акта"))
    basis = models.CharField(_("основание"), max_length=500)
    destroyed = models.JSONField(_("уничтожено"), default=list)
    anonymised = models.JSONField(_("обезличено"), default=list)
    kept = models.JSONField(_("сохранено по закону"), default=list)
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто уничтожил"),
                                     on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(_("когда"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("акт об уничтожении персональных данных")
        verbose_name_plural = _("акты об уничтожении персональных данных")
        ordering = ["-act_date", "-id"]

    def __str__(self) -> str:
        return f"№ {self.number}"


class Incident(VersionedModel):
    """A personal-data incident (152-ФЗ ст. 21 ч. 3.1): the regulator is notified within
    24 hours of detection and of the investigation's results within 72 hours."""

    NOTICE_HOURS = 24
    RESULT_HOURS = 72

    number = models.CharField(_("номер"), max_length=32, unique=True)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("территория"),
                                  on_delete=models.PROTECT, related_name="+")
    detected_at = models.DateTimeField(_("когда выявлен"))
    description = models.TextField(_("что произошло"))
    suspect = models.ForeignKey(settings.AUTH_USER_MODEL,
                                verbose_name=_("пользователь, чьи действия проверяются"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    period_from = models.DateField(_("период с"), null=True, blank=True)
    period_to = models.DateField(_("период по"), null=True, blank=True)
    notice_sent_at = models.DateTimeField(_("уведомление в Роскомнадзор (24 ч) направлено"),
                                          null=True, blank=True)
    result_sent_at = models.DateTimeField(_("результаты расследования (72 ч) направлены"),
                                          null=True, blank=True)
    findings = models.TextField(_("результаты расследования"), blank=True)
    status = models.CharField(_("состояние"), max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто завёл"),
                                   on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("инцидент с персональными данными")
        verbose_name_plural = _("инциденты с персональными данными")
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return f"№ {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("rights:incident", args=[self.pk])

    @property
    def notice_due(self) -> datetime.datetime:
        return self.detected_at + datetime.timedelta(hours=self.NOTICE_HOURS)

    @property
    def result_due(self) -> datetime.datetime:
        return self.detected_at + datetime.timedelta(hours=self.RESULT_HOURS)

    def notice_overdue(self, now: datetime.datetime) -> bool:
        return self.notice_sent_at is None and now > self.notice_due

    def result_overdue(self, now: datetime.datetime) -> bool:
        return self.result_sent_at is None and now > self.result_due
