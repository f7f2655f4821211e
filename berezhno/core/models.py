"""Audit trail, domain events and access log shared by every app."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import events

# The labels of fixed choices by field and language: Django's get_FOO_display builds the
# field's choices anew and translates every label on each call (3 ms for the statuses of
# a page of 50 cases on the benchmark machine).
_labels: dict[tuple[int, str | None], dict] = {}


def choice_label(field: models.Field, value):
    """What ``get_FOO_display`` answers, from a table kept per field and language; choices
    given by a callable (registries) are read each time, as Django does."""
    if isinstance(field.choices, (list, tuple)):
        key = (id(field), get_language())
        table = _labels.get(key)
        if table is None:
            table = _labels[key] = {make_hashable(k): str(v) for k, v in field.flatchoices}
        return table.get(make_hashable(value), value)
    return force_str(dict(make_hashable(field.flatchoices)).get(make_hashable(value), value),
                     strings_only=True)


class VersionedModel(models.Model):
    """A record edited by people: carries a version for optimistic locking."""

    version = models.PositiveIntegerField(_("версия"), default=1)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        return choice_label(field, getattr(self, field.attname))


class ChangeAction(models.TextChoices):
    CREATE = "create", _("создание")
    UPDATE = "update", _("изменение")
    DELETE = "delete", _("удаление")
    RESTORE = "restore", _("восстановление")
    MERGE = "merge", _("объединение")
    UNMERGE = "unmerge", _("разъединение")


class ObjectChange(models.Model):
    """One change of one record: who, when, from which request, before and after."""

    # Set on loaded rows whose special-category values are masked (audit.mask_sensitive).
    masked: bool
    hidden_fields: list[str]

    time = models.DateTimeField(_("время"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    request_id = models.CharField(_("идентификатор запроса"), max_length=32, blank=True)
    ip = models.CharField(_("IP-адрес"), max_length=45, blank=True)
    action = models.CharField(_("действие"), max_length=16, choices=ChangeAction.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("тип записи"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("идентификатор записи"))
    object_repr = models.CharField(_("запись"), max_length=300)
    person_id = models.BigIntegerField(_("гражданин"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("до"), null=True, blank=True)
    after = models.JSONField(_("после"), null=True, blank=True)

    class Meta:
        verbose_name = _("изменение записи")
        verbose_name_plural = _("журнал изменений")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_change_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        hidden = getattr(self, "hidden_fields", None)
        if hidden is not None:  # special-category values masked (audit.mask_sensitive)
            return [(name, self.before.get(name) if self.before else None,
                     self.after.get(name) if self.after else None) for name in hidden]
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class DomainEvent(models.Model):
    """A business event of a registered type, shown on the timelines of the records."""

    time = models.DateTimeField(_("время"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    request_id = models.CharField(_("идентификатор запроса"), max_length=32, blank=True)
    event_type = models.CharField(_("тип события"), max_length=64, db_index=True)
    person_id = models.BigIntegerField(_("гражданин"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("тип записи"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    object_id = models.BigIntegerField(_("идентификатор записи"), null=True, blank=True)
    summary = models.CharField(_("описание"), max_length=500, blank=True)
    change = models.ForeignKey(
        ObjectChange, verbose_name=_("изменение"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="events",
    )

    class Meta:
        verbose_name = _("событие")
        verbose_name_plural = _("события")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["person_id", "-time"], name="core_event_person_time")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return events.label(self.event_type)


class AccessKind(models.TextChoices):
    VIEW_CARD = "view_card", _("просмотр карточки")
    VIEW_LIST = "view_list", _("просмотр в списке")
    VIEW_SENSITIVE = "view_sensitive", _("просмотр специальных категорий данных")
    VIEW_DOCUMENT = "view_document", _("просмотр документа")
    EXPORT = "export", _("выгрузка")
    PRINT = "print", _("печать")
    API_READ = "api_read", _("чтение через API")
    # A СНИЛС typed by a user matched a record outside their scope: nothing of it was shown,
    # but the operator learnt that the person is registered elsewhere (decision 0019).
    SNILS_MATCH = "snils_match", _("совпадение СНИЛС с записью вне зоны доступа")


class AccessLog(models.Model):
    """A read of personal data: every card view, special-category read and export."""

    time = models.DateTimeField(_("время"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    request_id = models.CharField(_("идентификатор запроса"), max_length=32, blank=True)
    ip = models.CharField(_("IP-адрес"), max_length=45, blank=True)
    kind = models.CharField(_("вид доступа"), max_length=20, choices=AccessKind.choices)
    person_id = models.BigIntegerField(_("гражданин"), null=True, blank=True)
    object_repr = models.CharField(_("что"), max_length=300, blank=True)
    detail = models.CharField(_("подробности"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("запись журнала доступа")
        verbose_name_plural = _("журнал доступа")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["person_id", "-time"], name="core_access_person_time"),
            models.Index(fields=["user", "-time"], name="core_access_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_repr}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("нерабочий праздничный или перенесённый выходной день")
    WORKING = "working", _("рабочий день (перенесённый рабочий, например суббота)")


class CalendarDay(models.Model):
    """A day of the production calendar that differs from the base rule of ``workdays``.

    The base rule (Saturday and Sunday off, the holidays of Labour Code art. 112) lives in
    code; a row is needed only where the government's decree for a year says otherwise: a
    transferred day off on a weekday, or a Saturday made working. Administrators edit the
    rows, and deadlines use them at once.
    """

    date = models.DateField(_("дата"), unique=True)
    kind = models.CharField(_("вид дня"), max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField(
        _("основание"), max_length=300, blank=True,
        help_text=_("Например: перенос с субботы 3 января, ПП РФ от 24.09.2025 № 1466."),
    )

    class Meta:
        verbose_name = _("день производственного календаря")
        verbose_name_plural = _("производственный календарь")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.get_kind_display()}"


class Reminder(models.Model):
    """Something a user must do by a date, shown on their home page until it is done.

    Reminders are kept in step with the records by ``services.reminders_sync``: a collector
    (for example the case deadlines) lists what is due now under a key; a reminder whose
    key is no longer listed is closed, so re-running never duplicates.
    """

    key = models.CharField(_("ключ"), max_length=120, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кому"),
                             on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField(_("срок"))
    title = models.CharField(_("что сделать"), max_length=300)
    link = models.CharField(_("ссылка"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    closed_at = models.DateTimeField(_("закрыто"), null=True, blank=True)

    class Meta:
        verbose_name = _("напоминание")
        verbose_name_plural = _("напоминания")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["user", "closed_at", "due_on"],
                                name="core_reminder_open")]

    def __str__(self) -> str:
        return self.title


class PeriodicRun(models.Model):
    """One run of a scheduled job for one period (decision 0026): the scheduler inserts the
    row and enqueues the job in one transaction; the unique (job, period) makes a second
    scheduler — on this machine or another — skip it, so a job runs once per period
    whichever worker takes it."""

    job = models.CharField(_("задание"), max_length=100)
    period = models.CharField(_("период"), max_length=40)
    claimed_at = models.DateTimeField(_("поставлено в очередь"), auto_now_add=True)
    task_id = models.CharField(_("номер задачи"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("запуск задания по расписанию")
        verbose_name_plural = _("запуски заданий по расписанию")
        constraints = [models.UniqueConstraint(fields=["job", "period"],
                                               name="core_periodicrun_once")]
        indexes = [models.Index(fields=["claimed_at"], name="core_periodicrun_claimed")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"



class JobState(models.TextChoices):
    QUEUED = "queued", _("в очереди")
    RUNNING = "running", _("выполняется")
    DONE = "done", _("готово")
    FAILED = "failed", _("не выполнено")


def job_result_upload_to(instance, filename: str) -> str:
    return f"jobs/{instance.key.hex}"


class JobProgress(models.Model):
    """A long job a user started from a page (decision 0030): the page enqueues it and
    shows its progress; the worker reports ``done`` of ``total`` every few rows and leaves
    the result in a stored file that only the job's owner may download until ``expires_at``.

    ``params`` are the job's inputs (a register export's filters may hold a name or a
    СНИЛС): kept here rather than in the task's row, and cleared when the job ends."""

    key = models.UUIDField(_("ключ"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("пользователь"),
                             on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("вид задания"), max_length=40)
    label = models.CharField(_("что делается"), max_length=300)
    params = models.JSONField(_("параметры"), default=dict, blank=True)
    state = models.CharField(_("состояние"), max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("обработано"), default=0)
    total = models.PositiveIntegerField(_("всего"), null=True, blank=True)
    error = models.CharField(_("причина ошибки"), max_length=500, blank=True)
    result = models.FileField(_("результат"), upload_to=job_result_upload_to, blank=True)
    result_name = models.CharField(_("имя файла"), max_length=200, blank=True)
    result_type = models.CharField(_("тип файла"), max_length=100, blank=True)
    task_id = models.CharField(_("номер задачи"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    started_at = models.DateTimeField(_("начато"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершено"), null=True, blank=True)
    expires_at = models.DateTimeField(_("хранится до"), db_index=True)

    class Meta:
        verbose_name = _("фоновое задание пользователя")
        verbose_name_plural = _("фоновые задания пользователей")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="core_job_user_created")]

    def __str__(self) -> str:
        return self.label

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
