"""Special-category data of a person (health, disability): its own permission and
consent."""

import datetime
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.errors import ConsentRequiredError, DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version

from .. import roles
from ..choices import ConsentPurpose
from ..models import Consent, Person, SensitiveInfo, valid_consent_q
from .common import person_today, reject_unknown


class SensitiveChanges(TypedDict, total=False):
    """The keyword arguments of ``sensitive_update``; a field left out stays as it is."""

    disability_group: str
    disability_since: datetime.date | None
    disability_until: datetime.date | None
    mse_certificate: str
    ipra_number: str
    health_notes: str


SENSITIVE_FIELDS = tuple(SensitiveChanges.__annotations__)


@transaction.atomic
def sensitive_update(*, user, person: Person, expected_version: int | None,
                     **changes: Unpack[SensitiveChanges]) -> SensitiveInfo:
    """Special-category data: needs its own permission and a special-category consent."""
    reject_unknown(changes, SENSITIVE_FIELDS, "sensitive_update")
    if not Person.objects.restrict(user, roles.CHANGE, kind=roles.SENSITIVE).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права вносить сведения о здоровье."),
                          code=ErrorCode.FORBIDDEN)
    if not Consent.objects.filter(valid_consent_q(purpose=ConsentPurpose.SPECIAL_CATEGORY),
                                  person=person).exists():
        raise ConsentRequiredError(_(
            "Сведения о здоровье — специальная категория персональных данных: нужно "
            "отдельное письменное согласие на их обработку (152-ФЗ ст. 10)."))
    info, created = SensitiveInfo.objects.select_for_update().get_or_create(person=person)
    before = audit.snapshot(info)
    if not created:
        check_version(info, expected_version, (), {})
    cleaned: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v)
                               for k, v in changes.items()}
    since, until = cleaned.get("disability_since"), cleaned.get("disability_until")
    if since and since > person_today(person):
        raise ValidationError({"disability_since": [_("Дата не может быть в будущем.")]})
    if since and until and until < since:
        raise ValidationError({"disability_until": [_("Срок раньше даты установления.")]})
    if apply_fields(info, cleaned):
        info.version += 1
        info.save()
        audit.record(user=user, obj=info, action=ChangeAction.UPDATE, before=before,
                     person_id=person.pk, event_type="person.sensitive_changed")
    return info
