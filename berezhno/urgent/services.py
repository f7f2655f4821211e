"""Writing an act of urgent social services (442-ФЗ ст. 21): given to a person at once,
without a programme, by whoever may open cases of the practice where the person lives."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation
from berezhno.cases import roles as case_roles
from berezhno.cases.models import SupportCase
from berezhno.cases.services import default_practice, forbidden
from berezhno.core import access, audit
from berezhno.core.access import territories_in_scope
from berezhno.core.models import ChangeAction
from berezhno.core.workdays import local_today
from berezhno.people.models import Person

from . import roles
from .choices import UrgentService
from .models import UrgentServiceAct, UrgentServiceLine

# --------------------------------------------------------------------------- urgent


@transaction.atomic
def urgent_act_create(*, user, person: Person, lines: list[dict],
                      case: SupportCase | None = None, practice: str = "",
                      date_from: datetime.date | None = None,
                      date_to: datetime.date | None = None,
                      act_date: datetime.date | None = None,
                      provider: Organisation | None = None,
                      notes: str = "") -> UrgentServiceAct:
    """Urgent services given at once, without a programme or contract (442-ФЗ ст. 21)."""
    if not Person.objects.restrict(user, case_roles.VIEW_MINIMAL).filter(pk=person.pk).exists():
        raise forbidden(_("Гражданин вне вашей зоны доступа."))
    practice = case.practice if case is not None else (
        practice or default_practice(user, person.territory))
    if practice not in {p.code for p in access.practices()}:
        raise ValidationError({"practice": [_("Выберите практику.")]})
    if not territories_in_scope(user, roles.CASE, case_roles.ADD, practice=practice).filter(
            pk=person.territory_id).exists():
        raise forbidden(_("У вас нет права оформлять срочные услуги на этой территории."))
    errors: dict[str, list] = {}
    if case is not None and case.person_id != person.pk:
        errors["case"] = [_("Случай относится к другому гражданину.")]
    today = local_today(person.territory)
    act_date = act_date or today
    if date_from is None:
        errors["date_from"] = [_("Укажите, с какой даты оказаны услуги.")]
    if date_to is None:
        errors["date_to"] = [_("Укажите, по какую дату оказаны услуги.")]
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = [_("Дата окончания раньше начала.")]
    if act_date > today or (date_from and date_from > today):
        errors["act_date"] = [_("Дата не может быть в будущем.")]
    provider = provider or getattr(user, "organisation", None)
    if provider is None or provider.kind != OrganisationKind.PROVIDER:
        errors["provider"] = [_("Укажите поставщика социальных услуг.")]
    if not lines:
        errors["lines"] = [_("Перечислите оказанные срочные услуги.")]
    for i, line in enumerate(lines, 1):
        if line.get("service") not in UrgentService.values:
            errors.setdefault("lines", []).append(
                _("Строка %(i)s: выберите вид срочной услуги.") % {"i": i})
        on = line.get("provided_on") or date_from
        if on is not None and date_from and date_to and not date_from <= on <= date_to:
            errors.setdefault("lines", []).append(
                _("Строка %(i)s: дата вне периода акта.") % {"i": i})
    if errors:
        raise ValidationError(errors)
    # refused above when missing (errors["date_from"], ["date_to"], ["provider"])
    assert date_from is not None and date_to is not None and provider is not None
    act = UrgentServiceAct.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", act_date=act_date, person=person, case=case,
        practice=practice,
        territory=person.territory, provider=provider, date_from=date_from, date_to=date_to,
        notes=(notes or "").strip(), created_by=user)
    act.number = f"С-{act_date.year}-{act.pk:05d}"
    act.save(update_fields=["number"])
    for line in lines:
        UrgentServiceLine.objects.create(
            act=act, service=line["service"], description=(line.get("description") or "")[:300],
            quantity=(line.get("quantity") or "")[:100],
            provided_on=line.get("provided_on") or date_from)
    audit.record(user=user, obj=act, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="urgent.act",
                 summary=", ".join(str(UrgentService(line["service"]).label)
                                   for line in lines)[:500])
    return act


