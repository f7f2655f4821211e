"""Households: creation with a head, changes, members joining and leaving."""

import datetime
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.access import can, territories_in_scope
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, lock, require_scope
from berezhno.territories.models import Territory

from .. import roles
from ..choices import Relation
from ..models import Household, HouseholdMember, Person
from .common import person_today, reject_unknown
from .consents import require_consent_for


class HouseholdChanges(TypedDict, total=False):
    """The keyword arguments of ``household_update``; a field left out stays as it is."""

    name: str
    address: str
    income_level: str
    per_capita_income: Decimal | None
    housing_conditions: str
    housing_notes: str
    territory: Territory


HOUSEHOLD_FIELDS = tuple(HouseholdChanges.__annotations__)


@transaction.atomic
def household_create(*, user, head: Person, name: str = "", address: str = "",
                     territory: Territory | None = None, income_level: str = "",
                     per_capita_income: Decimal | None = None, housing_conditions: str = "",
                     housing_notes: str = "",
                     since: datetime.date | None = None) -> Household:
    """Create a household headed by ``head``: the name defaults to «Семья <surname>», the
    address to the head's actual address, the territory to the head's; the head is a
    member ``since`` the date given (today where the head lives when none is)."""
    if not can(user, roles.HOUSEHOLD, roles.ADD):
        raise DomainError(_("У вас нет права создавать домохозяйства."),
                          code=ErrorCode.FORBIDDEN)
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=head.pk).exists():
        raise ValidationError({"head": [_("Гражданин не найден.")]})
    require_consent_for(head, _("гражданина в домохозяйство"))
    territory = territory or head.territory
    if not territories_in_scope(user, roles.HOUSEHOLD, roles.ADD).filter(
            pk=territory.pk).exists():
        raise ValidationError({"territory": [_("Эта территория вне вашей зоны доступа.")]})
    if head.memberships.filter(until__isnull=True).exists():
        raise ValidationError({"head": [_("Гражданин уже состоит в другом домохозяйстве.")]})
    household = Household(
        name=(name or "").strip() or _("Семья %(surname)s") % {
            "surname": head.surname or head.full_name},
        address=(address or head.actual_address or "").strip(),
        territory=territory, income_level=income_level or "",
        per_capita_income=per_capita_income,
        housing_conditions=housing_conditions or "",
        housing_notes=(housing_notes or "").strip(),
    )
    if household.per_capita_income is not None and household.per_capita_income < 0:
        raise ValidationError({"per_capita_income": [_("Доход не может быть отрицательным.")]})
    since = _member_date(head, since, "since")
    household.save()
    HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD,
                                   is_head=True, since=since)
    audit.record(user=user, obj=household, action=ChangeAction.CREATE, person_id=head.pk,
                 event_type="household.created", summary=str(household))
    require_scope(Household.objects.restrict(user, roles.VIEW), household.pk)
    return household


def _member_date(person: Person, day: datetime.date | None, field: str) -> datetime.date:
    """The date the user gave, kept as given (decision 0017); today where the person lives
    when none is. Not in the future there."""
    today = person_today(person)
    if day is None:
        return today
    if day > today:
        raise ValidationError({field: [_("Дата не может быть в будущем.")]})
    return day


@transaction.atomic
def household_update(*, user, household: Household, expected_version: int | None,
                     **changes: Unpack[HouseholdChanges]) -> Household:
    """Change the given fields of a household (those left out stay as they are)."""
    reject_unknown(changes, HOUSEHOLD_FIELDS, "household_update")
    household = lock(Household, household.pk)
    if not Household.objects.restrict(user, roles.CHANGE).filter(pk=household.pk).exists():
        raise DomainError(_("У вас нет права изменять это домохозяйство."),
                          code=ErrorCode.FORBIDDEN)
    before = audit.snapshot(household)
    check_version(household, expected_version, (), {})
    income = changes.get("per_capita_income")
    if income is not None and income < 0:
        raise ValidationError({"per_capita_income": [_("Доход не может быть отрицательным.")]})
    if "territory" in changes and not territories_in_scope(
            user, roles.HOUSEHOLD, roles.CHANGE).filter(pk=changes["territory"].pk).exists():
        raise ValidationError({"territory": [_("Эта территория вне вашей зоны доступа.")]})
    if apply_fields(household, dict(changes)):
        household.version += 1
        household.save()
        head_id = household.members.filter(is_head=True, until__isnull=True).values_list(
            "person_id", flat=True).first()
        audit.record(user=user, obj=household, action=ChangeAction.UPDATE, before=before,
                     person_id=head_id, event_type="household.changed", summary=str(household))
    return household


@transaction.atomic
def household_add_member(*, user, household: Household, person: Person, relation: str,
                         since: datetime.date | None = None) -> HouseholdMember:
    household = lock(Household, household.pk)
    if not Household.objects.restrict(user, roles.CHANGE).filter(pk=household.pk).exists():
        raise DomainError(_("У вас нет права изменять это домохозяйство."),
                          code=ErrorCode.FORBIDDEN)
    if not Person.objects.restrict(user, roles.VIEW).filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("Гражданин не найден.")]})
    if relation not in Relation.values or relation == Relation.HEAD:
        raise ValidationError({"relation": [_("Выберите отношение к главе домохозяйства.")]})
    require_consent_for(person, _("гражданина в домохозяйство"))
    if person.memberships.filter(until__isnull=True).exists():
        raise ValidationError({"person": [_("Гражданин уже состоит в домохозяйстве.")]})
    member = HouseholdMember.objects.create(household=household, person=person,
                                            relation=relation,
                                            since=_member_date(person, since, "since"))
    audit.record(user=user, obj=member, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="household.member_added",
                 summary=f"{household}: {member.get_relation_display()}")
    return member


@transaction.atomic
def household_remove_member(*, user, member: HouseholdMember,
                            until: datetime.date | None = None) -> HouseholdMember:
    member = lock(HouseholdMember, member.pk)
    if not Household.objects.restrict(user, roles.CHANGE).filter(
            pk=member.household_id).exists():
        raise DomainError(_("У вас нет права изменять это домохозяйство."),
                          code=ErrorCode.FORBIDDEN)
    if member.until is not None:
        raise DomainError(_("Гражданин уже выбыл из домохозяйства."),
                          code=ErrorCode.INVALID_TRANSITION)
    if member.is_head and member.household.members.filter(until__isnull=True).exclude(
            pk=member.pk).exists():
        raise DomainError(_("Сначала назначьте другого главу домохозяйства."))
    until = _member_date(member.person, until, "until")
    if member.since and until < member.since:
        raise ValidationError({"until": [_("Дата выбытия раньше даты, с которой гражданин "
                                           "состоит в домохозяйстве.")]})
    before = audit.snapshot(member)
    member.until = until
    member.save(update_fields=["until"])
    audit.record(user=user, obj=member, action=ChangeAction.UPDATE, before=before,
                 person_id=member.person_id, event_type="household.member_removed",
                 summary=str(member.household))
    return member
