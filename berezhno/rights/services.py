"""Every write of the rights register: requests (received, extended, closed), the
destruction of a person's data with its act, and incidents."""

import datetime
import uuid
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.cases.models import DeadlineRule
from berezhno.core import access, audit
from berezhno.core.errors import DomainError, ErrorCode, TransitionError
from berezhno.core.models import ChangeAction, DomainEvent, ObjectChange
from berezhno.core.services import check_version, lock, reject_unknown, require_scope
from berezhno.core.workdays import add_working_days, local_today
from berezhno.people.models import Person

from . import retention, roles
from .choices import (
    DEADLINE_CODES,
    EXTENSION_CODE,
    IncidentStatus,
    RequestChannel,
    RequesterKind,
    RequestKind,
    RequestStatus,
)
from .models import DestructionAct, Incident, SubjectRequest

EARLIEST = datetime.date(2000, 1, 1)

# The values of LEGAL.md, used when an administrator has deleted a rule's row.
DEFAULT_RULES = {"rights_access": (10, True), "rights_access_extension": (5, True),
                 "rights_correction": (7, True), "rights_blocking": (7, True),
                 "rights_destruction": (30, False)}


def forbidden(message: str) -> DomainError:
    return DomainError(message, code=ErrorCode.FORBIDDEN)


def _rule(code: str) -> tuple[int, bool]:
    row = DeadlineRule.objects.filter(code=code).values_list("days", "working_days").first()
    return row if row is not None else DEFAULT_RULES[code]


def add_days(start: datetime.date, code: str) -> datetime.date:
    """``start`` plus the days of rule ``code``, in working days (the production calendar,
    ``core.workdays``) or calendar days as the rule says."""
    days, working = _rule(code)
    return add_working_days(start, days) if working else start + datetime.timedelta(days=days)


def request_due(kind: str, received_on: datetime.date,
                purpose_ended_on: datetime.date | None = None) -> datetime.date:
    """The deadline of a request: from the date received (a destruction: from the day the
    purpose was reached or the consent withdrawn, when that is earlier or given)."""
    start = received_on
    if kind == RequestKind.DESTRUCTION and purpose_ended_on is not None:
        start = purpose_ended_on
    return add_days(start, DEADLINE_CODES[RequestKind(kind)])


def _check_date(errors: dict, name: str, value, today: datetime.date, required: bool) -> None:
    if value is None:
        if required:
            errors[name] = [_("Укажите дату.")]
        return
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors[name] = [_("Дата указана неверно.")]
    elif value < EARLIEST:
        errors[name] = [_("Дата не может быть раньше 2000 года.")]
    elif value > today:
        errors[name] = [_("Дата не может быть в будущем.")]


def _numbered(obj: models.Model, prefix: str, on: datetime.date) -> None:
    obj.number = f"{prefix}-{on.year}-{obj.pk:05d}"  # type: ignore[attr-defined]
    obj.save(update_fields=["number"])


# --------------------------------------------------------------------------- requests


@transaction.atomic
def request_register(*, user, person: Person, kind: str, received_on: datetime.date | None,
                     channel: str = RequestChannel.IN_PERSON,
                     requester_kind: str = RequesterKind.SUBJECT, requester_name: str = "",
                     requester_basis: str = "", subject: str = "",
                     purpose_ended_on: datetime.date | None = None) -> SubjectRequest:
    """A request received from the person or their representative; its deadline is
    computed now and stored."""
    if not Person.objects.restrict(user, access.ADD, kind=roles.RIGHTS).filter(
            pk=person.pk).exists():
        raise forbidden(_("Гражданин вне вашей зоны доступа."))
    errors: dict[str, list] = {}
    today = local_today(person.territory)
    if kind not in RequestKind.values:
        errors["kind"] = [_("Выберите вид обращения.")]
    if channel not in RequestChannel.values:
        errors["channel"] = [_("Выберите способ получения.")]
    if requester_kind not in RequesterKind.values:
        errors["requester_kind"] = [_("Укажите, кто обратился.")]
    _check_date(errors, "received_on", received_on, today, required=True)
    _check_date(errors, "purpose_ended_on", purpose_ended_on, today, required=False)
    requester_name, requester_basis = requester_name.strip(), requester_basis.strip()
    if requester_kind == RequesterKind.REPRESENTATIVE:
        if not requester_name:
            errors["requester_name"] = [_("Укажите ФИО представителя.")]
        if not requester_basis:
            errors["requester_basis"] = [_("Укажите документ, подтверждающий полномочия "
                                           "представителя.")]
    if kind in (RequestKind.CORRECTION, RequestKind.BLOCKING) and not subject.strip():
        errors["subject"] = [_("Укажите, какие сведения оспариваются и почему.")]
    if errors:
        raise ValidationError(errors)
    assert received_on is not None
    item = SubjectRequest.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", person=person, kind=kind,
        received_on=received_on, channel=channel, requester_kind=requester_kind,
        requester_name=requester_name if requester_kind == RequesterKind.REPRESENTATIVE else "",
        requester_basis=(requester_basis if requester_kind == RequesterKind.REPRESENTATIVE
                         else ""),
        subject=subject.strip(), purpose_ended_on=purpose_ended_on,
        due_on=request_due(kind, received_on, purpose_ended_on),
        responsible=user, created_by=user)
    _numbered(item, "ПД", received_on)
    audit.record(user=user, obj=item, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="rights.received", summary=str(item))
    require_scope(SubjectRequest.objects.restrict(user, access.VIEW), item.pk)
    return item


def _locked_open(user, item: SubjectRequest, action: str,
                 expected_version: int | None) -> tuple[SubjectRequest, dict]:
    if not SubjectRequest.objects.restrict(user, action).filter(pk=item.pk).exists():
        raise forbidden(_("У вас нет права на это действие с обращением."))
    item = lock(SubjectRequest, item.pk)
    before = audit.snapshot(item)
    check_version(item, expected_version, ["status", "due_on", "answer"], before)
    if not item.is_open:
        raise TransitionError(_("Обращение уже закрыто."))
    return item, before


@transaction.atomic
def request_extend(*, user, request: SubjectRequest, expected_version: int | None,
                   reason: str) -> SubjectRequest:
    """An answer to an access request extended once, by the rule's days, with a reason
    (the person is told of it: 152-ФЗ ст. 14 ч. 3, ст. 20 ч. 3)."""
    item, before = _locked_open(user, request, access.CHANGE, expected_version)
    if item.kind != RequestKind.ACCESS:
        raise TransitionError(_("Продлить можно только срок ответа на запрос о доступе."))
    if item.extended:
        raise TransitionError(_("Срок уже продлевался: повторное продление не допускается."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Укажите мотивированную причину продления.")]})
    item.due_on = add_days(item.due_on, EXTENSION_CODE)
    item.extended, item.extension_reason = True, reason.strip()[:500]
    item.extended_at = timezone.now()
    item.version += 1
    item.save(update_fields=["due_on", "extended", "extension_reason", "extended_at",
                             "version", "updated_at"])
    audit.record(user=user, obj=item, action=ChangeAction.UPDATE, before=before,
                 person_id=item.person_id, event_type="rights.extended",
                 summary=_("новый срок %(d)s") % {"d": item.due_on.strftime("%d.%m.%Y")})
    return item


@transaction.atomic
def request_close(*, user, request: SubjectRequest, expected_version: int | None,
                  status: str, answer: str) -> SubjectRequest:
    """The request answered (done) or refused with reasons; a destruction request is done
    only by ``request_destroy``, which leaves the act."""
    item, before = _locked_open(user, request, access.CLOSE, expected_version)
    errors: dict[str, list] = {}
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        errors["status"] = [_("Выберите результат.")]
    if not answer.strip():
        errors["answer"] = [_("Изложите ответ гражданину (при отказе — его основания).")]
    if errors:
        raise ValidationError(errors)
    if item.kind == RequestKind.DESTRUCTION and status == RequestStatus.DONE:
        raise TransitionError(_("Обращение об уничтожении исполняется уничтожением данных "
                                "с составлением акта."))
    _close(user, item, before, status, answer)
    return item


def _close(user, item: SubjectRequest, before: dict, status: str, answer: str) -> None:
    item.status, item.answer = status, answer.strip()
    item.closed_by, item.closed_at = user, timezone.now()
    item.version += 1
    item.save(update_fields=["status", "answer", "closed_by", "closed_at", "version",
                             "updated_at"])
    audit.record(user=user, obj=item, action=ChangeAction.UPDATE, before=before,
                 person_id=item.person_id, event_type="rights.closed",
                 summary=item.get_status_display())


# --------------------------------------------------------------------------- destruction


def _files_of(obj: models.Model) -> list[FieldFile]:
    return [f for f in (getattr(obj, field.name) for field in obj._meta.concrete_fields
                        if isinstance(field, models.FileField)) if f]


def _rows_about(rule: access.ScopeRule, person: Person):
    query = models.Q()
    for path in rule.persons:
        query |= models.Q(**{path: person})
    return rule.model._default_manager.filter(query).distinct()


@transaction.atomic
def request_destroy(*, user, request: SubjectRequest, expected_version: int | None,
                    basis: str, answer: str = "") -> DestructionAct:
    """The retention procedure (``retention``): destroy, anonymise, keep what the law
    requires, mask the audit rows' personal values; leave the act and close the request.
    The blocking guard does not apply to the procedure itself."""
    item, before = _locked_open(user, request, access.CLOSE, expected_version)
    if item.kind != RequestKind.DESTRUCTION:
        raise TransitionError(_("Уничтожение выполняется только по обращению об "
                                "уничтожении."))
    if not basis.strip():
        raise ValidationError({"basis": [_("Укажите основание уничтожения (отзыв согласия, "
                                           "достижение цели обработки).")]})
    person = Person.objects.select_for_update().get(pk=item.person_id)
    destroyed, anonymised, kept = [], [], []
    files: list[FieldFile] = []
    with audit.write_guards_suspended():
        for rule in access.scoped_models():
            if not rule.persons or rule.model is Person:
                continue
            policy = retention.POLICY.get(rule.model._meta.label, retention.KEEP)
            rows = list(_rows_about(rule, person))
            if not rows:
                continue
            line = {"what": str(rule.model._meta.verbose_name_plural), "count": len(rows)}
            if policy == retention.DESTROY:
                for row in rows:
                    files.extend(_files_of(row))
                rule.model._default_manager.filter(pk__in=[r.pk for r in rows]).delete()
                destroyed.append(line)
            else:
                kept.append(line)
        files.extend(_files_of(person))
        if person.birth_date is not None and not person.estimated_birth_year:
            person.estimated_birth_year = person.birth_date.year  # kept for statistics
        for name, value in retention.PERSON_CLEARED.items():
            setattr(person, name, value)
        person.surname = str(retention.ANONYMISED_NAME)
        person.photo = ""
        person.search_name = retention.MASK
        person.version += 1
        person.save()
        anonymised.append({"what": str(Person._meta.verbose_name), "count": 1})
        changes = list(ObjectChange.objects.filter(person_id=person.pk))
        for change in changes:
            change.before = retention.mask_snapshot(change.before)
            change.after = retention.mask_snapshot(change.after)
            change.object_repr = retention.MASK
        ObjectChange.objects.bulk_update(changes, ["before", "after", "object_repr"])
        event_count = DomainEvent.objects.filter(person_id=person.pk).exclude(
            summary="").update(summary=retention.MASK)
        anonymised.append({"what": str(_("записи журнала изменений")), "count": len(changes)})
        anonymised.append({"what": str(_("события истории")), "count": event_count})
        kept.append({"what": str(_("журнал доступа (кто и когда читал сведения)")),
                     "count": None})
        today = local_today(person.territory)
        act = DestructionAct.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:24]}", request=item, act_date=today,
            basis=basis.strip()[:500], destroyed=destroyed, anonymised=anonymised, kept=kept,
            performed_by=user)
        _numbered(act, "АУ", today)
        _close(user, item, before, RequestStatus.DONE,
               answer.strip() or _("Персональные данные уничтожены, акт № %(n)s.")
               % {"n": act.number})
        audit.record(user=user, obj=act, action=ChangeAction.CREATE, person_id=person.pk,
                     event_type="rights.destroyed", summary=str(act))
    # Files go once the rows are gone for good: a rolled-back procedure keeps them.
    transaction.on_commit(lambda: _delete_files(files))
    return act


def _delete_files(files: list[FieldFile]) -> None:
    for f in files:
        if f.name:
            f.storage.delete(f.name)


# --------------------------------------------------------------------------- incidents


@transaction.atomic
def incident_open(*, user, territory, detected_at: datetime.datetime | None,
                  description: str, suspect=None, period_from: datetime.date | None = None,
                  period_to: datetime.date | None = None) -> Incident:
    """An incident registered at a node of the user's scope; the regulator's notice
    deadlines (24 h, 72 h) run from ``detected_at``."""
    if territory is None or not access.territories_in_scope(
            user, roles.INCIDENT, access.ADD).filter(pk=territory.pk).exists():
        raise ValidationError({"territory": [_("Выберите территорию из вашей зоны.")]})
    errors: dict[str, list] = {}
    now = timezone.now()
    if detected_at is None:
        errors["detected_at"] = [_("Укажите, когда выявлен инцидент.")]
    elif detected_at > now + datetime.timedelta(minutes=5):
        errors["detected_at"] = [_("Время выявления не может быть в будущем.")]
    elif detected_at.date() < EARLIEST:
        errors["detected_at"] = [_("Дата не может быть раньше 2000 года.")]
    if not description.strip():
        errors["description"] = [_("Опишите, что произошло.")]
    today = local_today(territory)
    _check_date(errors, "period_from", period_from, today, required=False)
    _check_date(errors, "period_to", period_to, today, required=False)
    if period_from and period_to and period_to < period_from:
        errors["period_to"] = [_("Конец периода раньше начала.")]
    if errors:
        raise ValidationError(errors)
    assert detected_at is not None
    incident = Incident.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", territory=territory, detected_at=detected_at,
        description=description.strip(), suspect=suspect, period_from=period_from,
        period_to=period_to, created_by=user)
    _numbered(incident, "ИН", today)
    audit.record(user=user, obj=incident, action=ChangeAction.CREATE,
                 event_type="incident.opened", summary=str(incident))
    return incident


class IncidentChanges(TypedDict, total=False):
    notice_sent_at: datetime.datetime | None
    result_sent_at: datetime.datetime | None
    findings: str
    status: str


@transaction.atomic
def incident_update(*, user, incident: Incident, expected_version: int | None,
                    **changes: Unpack[IncidentChanges]) -> Incident:
    """The notices sent, the findings, the incident closed."""
    reject_unknown(changes, IncidentChanges.__annotations__, "incident_update")
    if not Incident.objects.restrict(user, access.CHANGE).filter(pk=incident.pk).exists():
        raise forbidden(_("У вас нет права изменять этот инцидент."))
    item = lock(Incident, incident.pk)
    before = audit.snapshot(item)
    check_version(item, expected_version, list(changes), before)
    errors: dict[str, list] = {}
    now = timezone.now() + datetime.timedelta(minutes=5)
    for name in ("notice_sent_at", "result_sent_at"):
        value: Any = changes.get(name)
        if value is not None and (value > now or value < item.detected_at):
            errors[name] = [_("Время должно быть между выявлением инцидента и текущим "
                              "моментом.")]
    if changes.get("status", item.status) not in IncidentStatus.values:
        errors["status"] = [_("Выберите состояние.")]
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.version += 1
    item.save()
    audit.record(user=user, obj=item, action=ChangeAction.UPDATE, before=before,
                 event_type="incident.updated", summary=str(item))
    return item
