"""Categories of a person (low income, large family, СОП…), with their dates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import lock

from .. import roles
from ..choices import Category
from ..models import Person, PersonCategory
from .common import person_today
from .consents import require_consent_for


@transaction.atomic
def category_add(*, user, person: Person, category: str, start_date: datetime.date,
                 end_date: datetime.date | None = None, note: str = "") -> PersonCategory:
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права изменять сведения об этом гражданине."),
                          code=ErrorCode.FORBIDDEN)
    errors = {}
    if category not in Category.values:
        errors["category"] = [_("Выберите категорию из списка.")]
    if start_date is None:
        errors["start_date"] = [_("Укажите дату начала.")]
    elif start_date > person_today(person):
        errors["start_date"] = [_("Дата начала не может быть в будущем.")]
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = [_("Дата окончания раньше даты начала.")]
    if errors:
        raise ValidationError(errors)
    require_consent_for(person, _("категорию"))
    if person.categories.filter(category=category, end_date__isnull=True).exists():
        raise ValidationError({"category": [_("Эта категория уже отмечена и не снята.")]})
    item = PersonCategory.objects.create(person=person, category=category, start_date=start_date,
                                         end_date=end_date, note=(note or "").strip(),
                                         created_by=user)
    audit.record(user=user, obj=item, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="person.category_added", summary=item.get_category_display())
    return item


@transaction.atomic
def category_end(*, user, item: PersonCategory, end_date: datetime.date) -> PersonCategory:
    item = lock(PersonCategory, item.pk)
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=item.person_id).exists():
        raise DomainError(_("У вас нет права изменять сведения об этом гражданине."),
                          code=ErrorCode.FORBIDDEN)
    if end_date is None or end_date < item.start_date:
        raise ValidationError({"end_date": [_("Дата окончания не раньше даты начала.")]})
    if item.end_date is not None:
        raise DomainError(_("Категория уже снята."), code=ErrorCode.INVALID_TRANSITION)
    before = audit.snapshot(item)
    item.end_date = end_date
    item.save(update_fields=["end_date"])
    audit.record(user=user, obj=item, action=ChangeAction.UPDATE, before=before,
                 person_id=item.person_id, event_type="person.category_ended",
                 summary=item.get_category_display())
    return item
