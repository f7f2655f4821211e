"""The outbox: every message to a person or a staff user, over one channel, with its
status, attempts and the gateway's answers (decision 0025)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import Channel, Status


class Message(VersionedModel):
    """One message of the outbox.

    Addressed to a person (``person``: sent only over a channel the person consented to, to
    the address of the consent) or to a staff user (``recipient_user``: by their account
    e-mail; staff are not data subjects of the registry). ``queued`` messages wait for
    ``next_attempt_at``; a gateway's error keeps the message queued with the error and a
    later attempt (exponential back-off) until ``MAX_ATTEMPTS``; the gateway's report or a
    worker's mark turns ``sent`` into ``delivered`` or ``failed``.
    """

    kind = models.CharField(_("вид сообщения"), max_length=64)
    channel = models.CharField(_("канал"), max_length=16, choices=Channel.choices)
    person = models.ForeignKey("people.Person", verbose_name=_("гражданин"), null=True,
                               blank=True, on_delete=models.CASCADE,
                               related_name="messages")
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("сотрудник-получатель"), null=True,
        blank=True, on_delete=models.CASCADE, related_name="messages")
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    subject = models.CharField(_("тема"), max_length=300)
    body = models.TextField(_("текст"))
    link = models.CharField(_("ссылка на запись"), max_length=300, blank=True)
    status = models.CharField(_("состояние"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    refusal_reason = models.CharField(_("причина отказа"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), null=True, blank=True)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    gateway = models.CharField(_("шлюз"), max_length=32, blank=True)
    external_id = models.CharField(_("номер у шлюза"), max_length=100, blank=True)
    dedupe_key = models.CharField(_("ключ повтора"), max_length=200, null=True, blank=True,
                                  unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто создал"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("доставлено"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто отметил"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_message_due"),
            models.Index(fields=["gateway", "external_id"], name="notif_message_external"),
        ]

    def __str__(self) -> str:
        return _("Сообщение № %(n)s: %(s)s") % {"n": self.pk, "s": self.subject}

    def get_absolute_url(self) -> str:
        return reverse("notifications:message", args=[self.pk])

    @property
    def recipient_name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        if self.recipient_user is not None:
            return self.recipient_user.full_name or self.recipient_user.username
        return ""
