"""One person, one record, region-wide (decision 0019).

A СНИЛС is held by one record in the whole region (the unique index ``person_snils_unique``
says so to the database too). When a user types a СНИЛС that a record outside their scope
holds, they are told only that the person is registered elsewhere: the match is logged
(``AccessKind.SNILS_MATCH``) and a request goes to the holding territory to share the record
with the user's territory or to transfer it there. The holder's heads and specialists
approve or refuse it; an approved share makes the person visible in the requesting
territory through the scope rules (``roles.shared_persons``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import AccessKind, ChangeAction
from berezhno.core.services import check_version, lock, snapshot_at
from berezhno.territories.models import Territory

from .. import roles
from ..choices import PersonStatus, ShareKind, ShareStatus
from ..models import Person, PersonShareRequest


class SnilsHeldElsewhere(Exception):  # noqa: N818  (a signal between the service layers)
    """Raised inside a registration or update transaction: a record outside the user's
    scope holds the СНИЛС. The caller rolls its transaction back and opens the request
    (``refuse_held_elsewhere``), so that the request outlives the refused write."""

    def __init__(self, person_id: int, territory: Territory, entered: dict):
        super().__init__(person_id)
        self.person_id = person_id
        self.territory = territory
        self.entered = entered


class SnilsElsewhereError(DomainError):
    """The СНИЛС belongs to a person registered in another territory; a request to share
    the record was sent. Says nothing of that person."""

    code = ErrorCode.DUPLICATE
    status = 409


def snils_holder(snils: str, *, exclude_pk: int | None = None) -> Person | None:
    """The record holding a СНИЛС, anywhere in the region (never shown to the user)."""
    if not snils:
        return None
    qs = Person.objects.filter(snils=snils).exclude(status=PersonStatus.MERGED)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.only("pk", "territory_id").first()


def in_user_scope(user, person_pk: int) -> bool:
    return Person.objects.restrict(user, roles.VIEW).filter(pk=person_pk).exists()


def entered_of(data: dict) -> dict:
    """What the requester typed, kept on the request for the holder to compare."""
    birth = data.get("birth_date")
    parts = [data.get(k) or "" for k in ("surname", "name", "patronymic")]
    return {
        "name": " ".join(p for p in parts if p) or (data.get("nickname") or ""),
        "birth_date": birth.isoformat() if isinstance(birth, datetime.date) else None,
    }


def is_snils_clash(exc: IntegrityError) -> bool:
    return "person_snils_unique" in str(exc) or "people_person.snils" in str(exc)


def refuse_held_elsewhere(*, user, held: SnilsHeldElsewhere) -> SnilsElsewhereError:
    """Log the match, open (or find) the request, and return the error to raise."""
    request, created = share_request_open(user=user, person_id=held.person_id,
                                          territory=held.territory, entered=held.entered)
    if created:
        message = _("Гражданин с таким СНИЛС уже состоит на учёте в другой территории. "
                    "Его сведения вам не показываются. Туда отправлен запрос о "
                    "предоставлении доступа; когда его одобрят, запись откроется у вас. "
                    "Вторую запись создавать не нужно.")
    else:
        message = _("Гражданин с таким СНИЛС уже состоит на учёте в другой территории. "
                    "Его сведения вам не показываются. Запрос о предоставлении доступа "
                    "уже отправлен и ожидает решения.")
    return SnilsElsewhereError(message, field="snils",
                               details={"share_request": request.pk, "elsewhere": True})


@transaction.atomic
def share_request_open(*, user, person_id: int, territory: Territory, entered: dict,
                       kind: str = ShareKind.SHARE, reason: str = ""
                       ) -> tuple[PersonShareRequest, bool]:
    """Open the request of ``territory`` for the person (or find the one pending): the
    match is logged in the access log either way."""
    audit.log_access(user=user, kind=AccessKind.SNILS_MATCH, person_id=person_id,
                     obj_repr=f"person:{person_id}", detail=territory.name)
    existing = PersonShareRequest.objects.filter(
        person_id=person_id, territory=territory, status=ShareStatus.PENDING).first()
    if existing is not None:
        return existing, False
    reason = (reason or "").strip() or _("Попытка регистрации гражданина с тем же СНИЛС.")
    try:
        with transaction.atomic():
            request = PersonShareRequest.objects.create(
                person_id=person_id, territory=territory, kind=kind, requested_by=user,
                reason=reason[:500], entered=entered)
    except IntegrityError:
        # Two attempts of one territory at once: the other one opened it.
        return PersonShareRequest.objects.get(person_id=person_id, territory=territory,
                                              status=ShareStatus.PENDING), False
    audit.record(user=user, obj=request, action=ChangeAction.CREATE, person_id=person_id,
                 event_type="person.share_requested",
                 summary=_("%(kind)s: %(territory)s") % {
                     "kind": request.get_kind_display(), "territory": territory.name})
    return request, True


def _check_share_version(request: PersonShareRequest, expected_version: int | None) -> None:
    """A change made on an older version is refused, naming what changed since the read
    (the person, never shown to the requester, is not among the fields)."""
    check_version(request, expected_version, SHARE_REQUEST_FIELDS, audit.snapshot(request),
                  snapshot_at(request, expected_version))


SHARE_REQUEST_FIELDS = ("kind", "reason", "status", "decided_by", "decision_comment")


def _holder_may_decide(user, request: PersonShareRequest) -> bool:
    return Person.objects.restrict(user, roles.CHANGE).filter(pk=request.person_id).exists()


@transaction.atomic
def share_request_update(*, user, request: PersonShareRequest, expected_version: int | None,
                         kind: str, reason: str) -> PersonShareRequest:
    """The requester asks for a transfer instead of a share, or says why (while pending),
    on the version they read."""
    request = lock(PersonShareRequest, request.pk)
    if request.requested_by_id != user.pk:
        raise DomainError(_("Изменить запрос может только тот, кто его отправил."),
                          code=ErrorCode.FORBIDDEN)
    _check_share_version(request, expected_version)
    if request.status != ShareStatus.PENDING:
        raise DomainError(_("По запросу уже принято решение."),
                          code=ErrorCode.INVALID_TRANSITION)
    errors = {}
    if kind not in ShareKind.values:
        errors["kind"] = [_("Выберите, что вы просите: доступ или передачу записи.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Укажите основание запроса.")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(request)
    if (request.kind, request.reason) == (kind, reason[:500]):
        return request  # nothing changed: no new version, no audit row
    request.kind, request.reason = kind, reason[:500]
    request.version += 1
    request.save(update_fields=["kind", "reason", "version"])
    audit.record(user=user, obj=request, action=ChangeAction.UPDATE, before=before,
                 person_id=request.person_id, event_type="person.share_requested",
                 summary=_("%(kind)s: %(territory)s") % {
                     "kind": request.get_kind_display(), "territory": request.territory.name})
    return request


@transaction.atomic
def share_request_decide(*, user, request: PersonShareRequest, expected_version: int | None,
                         approve: bool, comment: str = "") -> PersonShareRequest:
    """Approve or refuse a pending request, as read (``expected_version``: the requester
    may have asked for a transfer since); only someone who may change the person's record
    (the holding territory's head or specialist) decides. Approving a transfer moves the
    record to the requesting territory."""
    request = lock(PersonShareRequest, request.pk)
    if not _holder_may_decide(user, request):
        raise DomainError(_("Решение по запросу принимает территория, где состоит "
                            "гражданин."), code=ErrorCode.FORBIDDEN)
    _check_share_version(request, expected_version)
    if request.status != ShareStatus.PENDING:
        raise DomainError(_("По запросу уже принято решение."),
                          code=ErrorCode.INVALID_TRANSITION)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": [_("Укажите причину отказа.")]})
    person = lock(Person, request.person_id)
    before = audit.snapshot(request)
    request.status = ShareStatus.APPROVED if approve else ShareStatus.REFUSED
    request.decided_by, request.decided_at = user, timezone.now()
    request.decision_comment = comment[:500]
    request.holder_territory_id = person.territory_id
    request.version += 1
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment",
                                "holder_territory", "version"])
    audit.record(user=user, obj=request, action=ChangeAction.UPDATE, before=before,
                 person_id=person.pk,
                 event_type="person.share_approved" if approve else "person.share_refused",
                 summary=_("%(kind)s: %(territory)s") % {
                     "kind": request.get_kind_display(), "territory": request.territory.name})
    if approve and request.kind == ShareKind.TRANSFER:
        person_before = audit.snapshot(person)
        person.territory = request.territory
        person.version += 1
        person.save(update_fields=["territory", "version", "updated_at"])
        # The record leaves the decider's scope: no scope re-check, by design.
        audit.record(user=user, obj=person, action=ChangeAction.UPDATE, before=person_before,
                     after=audit.snapshot(person), person_id=person.pk,
                     event_type="person.transferred",
                     summary=_("Передан в территорию: %(territory)s") % {
                         "territory": request.territory.name})
    return request


@transaction.atomic
def share_request_revoke(*, user, request: PersonShareRequest, expected_version: int | None,
                         comment: str) -> PersonShareRequest:
    """End an approved share (as read): the requesting territory no longer sees the
    person."""
    request = lock(PersonShareRequest, request.pk)
    if not _holder_may_decide(user, request):
        raise DomainError(_("Прекратить доступ может территория, где состоит гражданин."),
                          code=ErrorCode.FORBIDDEN)
    _check_share_version(request, expected_version)
    if request.status != ShareStatus.APPROVED or request.kind != ShareKind.SHARE:
        raise DomainError(_("Прекратить можно только предоставленный доступ."),
                          code=ErrorCode.INVALID_TRANSITION)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Укажите основание прекращения доступа.")]})
    before = audit.snapshot(request)
    request.status = ShareStatus.REVOKED
    request.decision_comment = comment[:500]
    request.decided_by, request.decided_at = user, timezone.now()
    request.version += 1
    request.save(update_fields=["status", "decision_comment", "decided_by", "decided_at",
                                "version"])
    audit.record(user=user, obj=request, action=ChangeAction.UPDATE, before=before,
                 person_id=request.person_id, event_type="person.share_revoked",
                 summary=request.territory.name)
    return request
