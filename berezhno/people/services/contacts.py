"""Contacts with a person: visits, calls, receptions, safe to re-send from a phone."""

import datetime
import uuid
from typing import Required, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.core import audit, dates
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.idempotency import create_once
from berezhno.core.models import ChangeAction

from .. import roles
from ..choices import ContactChannel, ContactPurpose, PersonStatus
from ..models import Contact, Household, Person
from .consents import require_consent_for


class ContactData(TypedDict, total=False):
    """The keyword arguments of ``contact_log`` for a contact given at registration."""

    channel: Required[str]
    purpose: Required[str]
    occurred_at: datetime.datetime | None
    notes: str
    outcome: str
    next_contact_date: datetime.date | None
    client_uuid: uuid.UUID | None


@transaction.atomic
def contact_log(*, user, person: Person, channel: str, purpose: str,
                occurred_at: datetime.datetime | None = None, notes: str = "",
                outcome: str = "", next_contact_date: datetime.date | None = None,
                household: Household | None = None,
                client_uuid: uuid.UUID | None = None) -> Contact:
    """Log an interaction (``occurred_at`` defaults to now). Re-sending with the same
    ``client_uuid`` returns the first record, also when the copies race (``create_once``)."""
    if client_uuid:
        def same_sender(existing: Contact) -> None:
            if existing.person_id != person.pk or existing.author_id != user.pk:
                raise ValidationError({"client_uuid": [_("Идентификатор уже использован.")]})

        return create_once(Contact, key={"client_uuid": client_uuid}, check=same_sender,
                           create=lambda: _create(
                               user=user, person=person, channel=channel, purpose=purpose,
                               occurred_at=occurred_at, notes=notes, outcome=outcome,
                               next_contact_date=next_contact_date, household=household,
                               client_uuid=client_uuid))
    return _create(user=user, person=person, channel=channel, purpose=purpose,
                   occurred_at=occurred_at, notes=notes, outcome=outcome,
                   next_contact_date=next_contact_date, household=household, client_uuid=None)


def _create(*, user, person: Person, channel: str, purpose: str,
            occurred_at: datetime.datetime | None, notes: str, outcome: str,
            next_contact_date: datetime.date | None, household: Household | None,
            client_uuid: uuid.UUID | None) -> Contact:
    if not Person.objects.restrict(user, roles.ADD, kind=roles.CONTACT).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права вносить контакты с этим гражданином."),
                          code=ErrorCode.FORBIDDEN)

    errors = {}
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["occurred_at"] = [_("Дата контакта не может быть в будущем.")]
    elif (message := dates.check(dates.EVENT, occurred_at)) is not None:
        errors["occurred_at"] = [message]  # any caller, not only forms
    if next_contact_date and (message := dates.check(dates.PLANNED,
                                                     next_contact_date)) is not None:
        errors["next_contact_date"] = [message]
    if channel not in ContactChannel.values:
        errors["channel"] = [_("Выберите форму контакта.")]
    if purpose not in ContactPurpose.values:
        errors["purpose"] = [_("Выберите цель контакта.")]
    if next_contact_date and next_contact_date < timezone.localtime(occurred_at).date():
        errors["next_contact_date"] = [_("Следующий контакт не может быть раньше этого.")]
    if household is not None and not household.members.filter(person=person).exists():
        errors["household"] = [_("Гражданин не состоит в этом домохозяйстве.")]
    if person.status == PersonStatus.MERGED:
        errors["person"] = [_("Запись объединена с другой; вносите контакт в основную.")]
    if errors:
        raise ValidationError(errors)
    require_consent_for(person, _("контакт"))
    contact = Contact.objects.create(
        person=person, household=household, occurred_at=occurred_at, author=user,
        channel=channel, purpose=purpose, notes=(notes or "").strip(),
        outcome=(outcome or "").strip(), next_contact_date=next_contact_date,
        client_uuid=client_uuid or None,
    )
    audit.record(user=user, obj=contact, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="contact.logged",
                 summary=f"{contact.get_channel_display()}: {contact.get_purpose_display()}")
    return contact
