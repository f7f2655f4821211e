"""Every write of the outbox: queue a message (the channel consent checked), send what is
due through the gateways with back-off, take the gateways' delivery reports, retry, cancel,
mark a call or a letter done (decision 0025). Keyword-only, one transaction each, audited.
"""

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.context import acting_as
from berezhno.core.errors import BlockedError, DomainError, ErrorCode
from berezhno.core.idempotency import create_once
from berezhno.core.models import ChangeAction, Reminder
from berezhno.core.services import check_version, lock
from berezhno.people.models import Consent, Person

from . import conf, kinds, roles
from .choices import CANCELLABLE, MANUAL_CHANNELS, RETRYABLE, Channel, Status
from .gateways import GatewayError, gateway_by_code, gateway_for
from .models import Message

logger = logging.getLogger(__name__)

# A message being sent is leased for this long: another worker does not take it, and a
# worker that dies mid-send leaves it to be sent again after the lease.
LEASE = datetime.timedelta(minutes=5)


def _record(message: Message, event: str, *, user=None, before: dict | None = None,
            summary: str = "") -> None:
    action = ChangeAction.CREATE if before is None else ChangeAction.UPDATE
    audit.record(user=user, obj=message, action=action, event_type=event, before=before,
                 person_id=message.person_id, summary=summary or message.subject)


def _wake_worker() -> None:
    """Enqueue the outbox's drain after the commit (the worker sends it)."""
    from .tasks import send_due

    transaction.on_commit(lambda: send_due.enqueue())


# --------------------------------------------------------------------------- queueing


def consent_address(person: Person, channel: str) -> tuple[str | None, str]:
    """The address a valid consent of ``person`` gives for ``channel``, or None and the
    reason of the refusal (shown on the message)."""
    consents = [c for c in Consent.objects.filter(person=person, is_active=True)
                if c.is_valid()]
    if not consents:
        return None, _("У гражданина нет действующего согласия на обработку персональных "
                       "данных: сообщения не отправляются.")
    for consent in consents:
        address = consent.channel_address(channel)
        if address:
            return address, ""
    return None, _("Гражданин не давал согласия на связь по каналу «%(channel)s» (согласие "
                   "на обработку ПД, раздел «Способы связи»).") % {
        "channel": Channel(channel).label}


def message_queue(*, user, kind: str, channel: str, person: Person | None = None,
                  recipient_user=None, context: dict[str, Any] | None = None,
                  link: str = "", dedupe_key: str | None = None) -> Message:
    """Put a message of ``kind`` (a registered kind, rendered with ``context``) to
    ``person`` (over a channel they consented to) or to a staff ``recipient_user`` (by
    their account e-mail) into the outbox. Refused without consent: the message is kept
    with the reason (status ``refused``). ``user`` None: a background job. A message with
    a known ``dedupe_key`` is not queued again (the first one is returned)."""
    errors: dict[str, list[str]] = {}
    if (person is None) == (recipient_user is None):
        errors["person"] = [_("Укажите получателя: гражданина или сотрудника.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Выберите канал.")]
    elif recipient_user is not None and channel != Channel.EMAIL:
        errors["channel"] = [_("Сотрудникам сообщения отправляются по электронной почте.")]
    try:
        kinds.get(kind)
    except KeyError:
        errors["kind"] = [_("Неизвестный вид сообщения.")]
    if errors:
        raise ValidationError(errors)
    if user is not None and person is not None and not Person.objects.restrict(
            user, roles.ADD, kind=roles.NOTIFICATION).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права отправлять сообщения этому гражданину."),
                          code=ErrorCode.FORBIDDEN)
    if dedupe_key and (found := Message.objects.filter(dedupe_key=dedupe_key).first()):
        return found  # before rendering: the common case of a reminder sent already
    context = dict(context or {})
    context.setdefault("name", person.full_name if person is not None
                       else recipient_user.full_name or recipient_user.username)
    subject, body = kinds.render(kind, context)
    if person is not None:
        address, reason = consent_address(person, channel)
    else:
        address = recipient_user.email or None
        reason = "" if address else _("У сотрудника не указан адрес электронной почты в "
                                      "учётной записи.")
    now = timezone.now()
    message = Message(
        kind=kind, channel=channel, person=person, recipient_user=recipient_user,
        address=address or "", subject=subject[:300], body=body, link=link[:300],
        status=Status.QUEUED if address else Status.REFUSED, refusal_reason=reason[:300],
        next_attempt_at=now if address and channel not in MANUAL_CHANNELS else None,
        dedupe_key=dedupe_key or None, created_by=user if user is not None else None)

    def create() -> Message:
        message.save()
        _record(message, "notification.queued" if address else "notification.refused",
                user=user, summary=message.subject if address else reason)
        return message

    if dedupe_key:  # queued by another process meanwhile: that one (core.idempotency)
        saved = create_once(Message, key={"dedupe_key": dedupe_key}, create=create,
                            check=lambda _found: None)
    else:
        with transaction.atomic():
            saved = create()
    if saved is message and message.next_attempt_at is not None:
        _wake_worker()
    return saved


def remind_by_email(*, prefix: str) -> int:
    """An e-mail to each staff user for each of their open reminders under ``prefix`` (the
    home page's reminders: overdue case deadlines, data-subject requests), once per
    reminder and due date. Returns the number of messages queued now."""
    queued = 0
    site = conf.get("SITE_URL").rstrip("/")
    reminders = Reminder.objects.filter(key__startswith=prefix, closed_at__isnull=True
                                        ).select_related("user")
    sent = set(Message.objects.filter(dedupe_key__startswith=f"reminder:{prefix}")
               .values_list("dedupe_key", flat=True))
    for reminder in reminders:
        if not reminder.user.is_active:
            continue
        key = f"reminder:{reminder.key}:{reminder.due_on.isoformat()}"
        if key in sent:
            continue
        message_queue(user=None, kind="reminder", channel=Channel.EMAIL,
                      recipient_user=reminder.user, dedupe_key=key, link=reminder.link,
                      context={"title": reminder.title, "due_on": reminder.due_on,
                               "url": site + reminder.link if reminder.link else ""})
        queued += 1
    return queued


# --------------------------------------------------------------------------- sending


def _backoff(attempts: int) -> datetime.timedelta:
    seconds = conf.get("BACKOFF_SECONDS") * 2 ** max(0, attempts - 1)
    return datetime.timedelta(seconds=min(seconds, conf.get("BACKOFF_MAX_SECONDS")))


def due_q(now: datetime.datetime) -> Q:
    return (Q(status=Status.QUEUED, next_attempt_at__lte=now)
            & ~Q(channel__in=sorted(MANUAL_CHANNELS)))


def _claim(pk: int, now: datetime.datetime) -> Message | None:
    """Take one due message for sending (a lease), or None when another worker has it."""
    with transaction.atomic():
        rows = Message.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            due_q(now), pk=pk)
        message = rows.select_related("person", "recipient_user").first()
        if message is None:
            return None
        message.attempts += 1
        message.next_attempt_at = now + LEASE
        message.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
        return message


def send_one(message: Message, now: datetime.datetime | None = None) -> str:
    """Send a claimed message through its channel's gateway; returns its new status."""
    now = now or timezone.now()
    gateway = gateway_for(message.channel)
    try:
        if gateway is None:
            raise GatewayError(_("Для канала «%(c)s» не настроен шлюз (NOTIFICATIONS).")
                               % {"c": Channel(message.channel).label})
        result = gateway.send(message)
    except GatewayError as exc:
        return _attempt_failed(message, str(exc), now)
    with transaction.atomic():
        current = lock(Message, message.pk)
        before = audit.snapshot(current)
        current.status = Status.DELIVERED if result.delivered else Status.SENT
        current.gateway = gateway.code
        current.external_id = result.external_id[:100]
        current.sent_at = now
        current.delivered_at = now if result.delivered else None
        current.next_attempt_at = None
        current.last_error = ""
        current.save()
        _write(current, "notification.delivered" if result.delivered else "notification.sent",
               before)
    logger.info("message %s sent by %s (%s)", current.pk, gateway.code, current.external_id)
    return current.status


def _write(message: Message, event: str, before: dict, user=None, summary: str = "") -> None:
    """Audit a status change; a person whose data is blocked (152-ФЗ ст. 21) gets no
    person-linked row — the change itself is not refused: the message has left already."""
    try:
        with transaction.atomic():
            _record(message, event, user=user, before=before, summary=summary)
    except BlockedError:
        _record_unlinked(message, event, before, user, summary)


def _record_unlinked(message, event, before, user, summary) -> None:
    with audit.write_guards_suspended():
        _record(message, event, user=user, before=before, summary=summary)


def _attempt_failed(message: Message, error: str, now: datetime.datetime) -> str:
    with transaction.atomic():
        current = lock(Message, message.pk)
        before = audit.snapshot(current)
        current.last_error = error[:2000]
        if current.attempts >= conf.get("MAX_ATTEMPTS"):
            current.status = Status.FAILED
            current.next_attempt_at = None
            current.save()
            _write(current, "notification.failed", before, summary=error[:300])
        else:
            current.next_attempt_at = now + _backoff(current.attempts)
            current.save()
    logger.warning("message %s: attempt %s failed: %s", message.pk, message.attempts, error)
    return current.status


def send_due(*, now: datetime.datetime | None = None, limit: int | None = None) -> dict:
    """Send every due message (the worker's job): returns the counts by new status."""
    now = now or timezone.now()
    limit = limit or conf.get("BATCH")
    counts: dict[str, int] = {}
    ids = list(Message.objects.filter(due_q(now)).order_by("next_attempt_at", "id")
               .values_list("pk", flat=True)[:limit])
    with acting_as("notifications"):
        for pk in ids:
            message = _claim(pk, now)
            if message is None:
                continue
            status = send_one(message, now)
            counts[status] = counts.get(status, 0) + 1
    return counts


def poll_sent(*, now: datetime.datetime | None = None, older_than: datetime.timedelta =
              datetime.timedelta(minutes=1), limit: int = 200) -> int:
    """Ask the gateways that can tell about messages sent and not yet reported."""
    now = now or timezone.now()
    changed = 0
    rows = Message.objects.filter(status=Status.SENT, sent_at__lte=now - older_than
                                  ).exclude(external_id="").order_by("sent_at")[:limit]
    gateways: dict[str, Any] = {}
    with acting_as("notifications"):
        for message in rows:
            if message.gateway not in gateways:
                gateways[message.gateway] = gateway_by_code(message.gateway)
            gateway = gateways[message.gateway]
            if gateway is None:
                continue
            try:
                status = gateway.poll(message)
            except GatewayError as exc:
                logger.warning("polling message %s: %s", message.pk, exc)
                continue
            if status:
                delivery_report(gateway=message.gateway, external_id=message.external_id,
                                status=status)
                changed += 1
    return changed


@transaction.atomic
def delivery_report(*, gateway: str, external_id: str, status: str,
                    error: str = "") -> Message:
    """The gateway's report on a sent message: ``delivered`` or ``failed``. A report on an
    unknown message raises ``Message.DoesNotExist``; a repeated one changes nothing."""
    if status not in (Status.DELIVERED, Status.FAILED):
        raise ValidationError({"status": [_("Состояние: delivered или failed.")]})
    found = Message.objects.select_for_update().filter(
        gateway=gateway, external_id=external_id).exclude(external_id="").first()
    if found is None:
        raise Message.DoesNotExist(external_id)
    if found.status == status or found.status not in (Status.SENT, Status.DELIVERED,
                                                       Status.FAILED):
        return found
    before = audit.snapshot(found)
    found.status = status
    if status == Status.DELIVERED:
        found.delivered_at = timezone.now()
    else:
        found.last_error = (error or _("Шлюз сообщил: не доставлено."))[:2000]
    found.save()
    _write(found, f"notification.{status}", before, summary=error[:300])
    return found


# --------------------------------------------------------------------------- people's actions


def _locked_for(user, message: Message, expected_version: int | None) -> tuple[Message, dict]:
    current = lock(Message, message.pk)
    if not Message.objects.restrict(user, roles.CHANGE).filter(pk=current.pk).exists():
        raise DomainError(_("У вас нет права управлять этим сообщением."),
                          code=ErrorCode.FORBIDDEN)
    before = audit.snapshot(current)
    check_version(current, expected_version, ["status"], before)
    return current, before


@transaction.atomic
def message_retry(*, user, message: Message, expected_version: int | None) -> Message:
    """Send again: a failed message (or a queued one, now); a refused one after the consent
    is checked again (the person may have agreed to the channel since)."""
    current, before = _locked_for(user, message, expected_version)
    if current.status not in RETRYABLE | {Status.REFUSED}:
        raise DomainError(_("Это сообщение повторить нельзя: оно уже %(s)s.")
                          % {"s": current.get_status_display()},
                          code=ErrorCode.INVALID_TRANSITION)
    if current.status == Status.REFUSED:
        if current.person is not None:
            address, reason = consent_address(current.person, current.channel)
        else:
            assert current.recipient_user is not None
            address = current.recipient_user.email or None
            reason = current.refusal_reason
        if not address:
            raise DomainError(reason, code=ErrorCode.NO_CONSENT)
        current.address = address
        current.refusal_reason = ""
    current.status = Status.QUEUED
    current.attempts = 0
    current.next_attempt_at = (None if current.channel in MANUAL_CHANNELS
                               else timezone.now())
    current.version += 1
    current.save()
    _write(current, "notification.retried", before, user=user)
    if current.next_attempt_at is not None:
        _wake_worker()
    return current


@transaction.atomic
def message_cancel(*, user, message: Message, expected_version: int | None) -> Message:
    current, before = _locked_for(user, message, expected_version)
    if current.status not in CANCELLABLE:
        raise DomainError(_("Отменить можно только сообщение в очереди."),
                          code=ErrorCode.INVALID_TRANSITION)
    current.status = Status.CANCELLED
    current.next_attempt_at = None
    current.version += 1
    current.save()
    _write(current, "notification.cancelled", before, user=user)
    return current


@transaction.atomic
def message_mark_done(*, user, message: Message, expected_version: int | None,
                      reached: bool, note: str = "") -> Message:
    """A call made or a letter handed to the post by a worker: ``reached`` — the person
    was reached (delivered), else not (failed, the note says why)."""
    current, before = _locked_for(user, message, expected_version)
    if current.channel not in MANUAL_CHANNELS:
        raise DomainError(_("Отметка о выполнении — только для звонков и писем."),
                          code=ErrorCode.INVALID_TRANSITION)
    if current.status not in (Status.QUEUED, Status.SENT):
        raise DomainError(_("Сообщение уже закрыто."), code=ErrorCode.INVALID_TRANSITION)
    note = (note or "").strip()
    if not reached and not note:
        raise ValidationError({"note": [_("Укажите, почему не удалось связаться.")]})
    now = timezone.now()
    current.attempts += 1
    current.status = Status.DELIVERED if reached else Status.FAILED
    current.sent_at = current.sent_at or now
    current.delivered_at = now if reached else None
    current.last_error = "" if reached else note[:2000]
    current.done_by = user
    current.gateway = "manual"
    current.version += 1
    current.save()
    _write(current, "notification.delivered" if reached else "notification.failed", before,
           user=user, summary=note[:300])
    return current
