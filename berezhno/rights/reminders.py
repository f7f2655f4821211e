"""Reminders of data-subject requests overdue or due soon, and of incident notices.

``collect_due`` lists under keys naming the record what needs doing now; ``sync`` turns the
list into the responsible users' open reminders (``core.Reminder``, the home page's
reminders block) through ``core.services.reminders_sync``: new keys open, resolved ones
close, re-running changes nothing. Each open reminder also goes to its user by e-mail
through the outbox, once per reminder and due date (decision 0025).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.core.services import reminders_sync
from berezhno.core.workdays import local_today, working_days_between
from berezhno.notifications.services import remind_by_email

from .choices import IncidentStatus, RequestStatus
from .models import Incident, SubjectRequest
from .selectors import SOON_WORKING_DAYS

PREFIX = "rights:"


def collect_due(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    due: dict = {}
    horizon = now.date() + datetime.timedelta(days=SOON_WORKING_DAYS + 5)
    rows = (SubjectRequest.objects.filter(status=RequestStatus.OPEN, due_on__lte=horizon)
            .select_related("responsible", "person__territory"))
    for item in rows:
        today = local_today(item.person.territory)
        if item.due_on < today:
            title = _("Просрочено обращение по персональным данным № %(n)s (срок %(d)s)")
        elif working_days_between(today, item.due_on) <= SOON_WORKING_DAYS:
            title = _("Срок обращения по персональным данным № %(n)s — %(d)s")
        else:
            continue
        due[f"{PREFIX}request:{item.pk}"] = (
            item.responsible, item.due_on,
            title % {"n": item.number, "d": item.due_on.strftime("%d.%m.%Y")},
            item.get_absolute_url())
    for incident in Incident.objects.filter(status=IncidentStatus.OPEN).filter(
            result_sent_at__isnull=True).select_related("created_by"):
        if incident.notice_sent_at is None:
            due[f"{PREFIX}incident:{incident.pk}:notice"] = (
                incident.created_by, timezone.localtime(incident.notice_due).date(),
                _("Инцидент № %(n)s: уведомить Роскомнадзор в течение 24 часов")
                % {"n": incident.number}, incident.get_absolute_url())
        due[f"{PREFIX}incident:{incident.pk}:result"] = (
            incident.created_by, timezone.localtime(incident.result_due).date(),
            _("Инцидент № %(n)s: направить результаты расследования в течение 72 часов")
            % {"n": incident.number}, incident.get_absolute_url())
    return due


def sync(now: datetime.datetime | None = None) -> tuple[int, int]:
    result = reminders_sync(prefix=PREFIX, due=collect_due(now))
    remind_by_email(prefix=PREFIX)
    return result
