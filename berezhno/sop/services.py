"""Every write of the СОП register (120-ФЗ): identification, the notice to the КДН и ЗП, the
first survey, registration with a curator, reviews and removal.

Each stage locks the record with ``select_for_update``, checks the current stage and refuses
an invalid step with a Russian message and no change; each write records the change and its
domain event in the same transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.accounts.choices import PartnerKind
from berezhno.cases.choices import ACTIVE_STATUSES
from berezhno.cases.models import SupportCase
from berezhno.cases.services import (
    case_today,
    deadline,
    lock_case,
    require_case,
    require_status,
    staff_in_scope,
)
from berezhno.core import audit
from berezhno.core.errors import TransitionError
from berezhno.core.models import ChangeAction
from berezhno.people import services as people
from berezhno.people.choices import Category
from berezhno.people.models import PersonCategory

from .choices import SopSource, SopStatus
from .models import SopRecord, SopReview
from .selectors import addressee_choices, signatory_choices

# --------------------------------------------------------------------------- СОП (120-ФЗ)


def _lock_sop(user, record):
    require_case(user, record.case)
    return SopRecord.objects.select_for_update().select_related("case__territory",
                                                                "case__person").get(
        pk=record.pk)


def _sop_date(record, date, field="date") -> datetime.date:
    today = case_today(record.case)
    date = date or today
    if date > today:
        raise ValidationError({field: [_("Дата не может быть в будущем.")]})
    if date < record.identified_on:
        raise ValidationError({field: [_("Дата раньше выявления семьи.")]})
    return date


def _sop_transition(user, record, event, summary, **fields):
    before = audit.snapshot(record)
    for key, value in fields.items():
        setattr(record, key, value)
    record.version += 1
    record.save()
    audit.record(user=user, obj=record, action=ChangeAction.UPDATE, before=before,
                 person_id=record.case.person_id, event_type=event, summary=summary)


@transaction.atomic
def sop_identify(*, user, case: SupportCase, source: str = "", grounds: str = "",
                 identified_on: datetime.date | None = None,
                 child_threat: bool = False) -> SopRecord:
    """Register that the family of a case is in a socially dangerous position."""

    require_case(user, case)
    case = lock_case(case)
    require_status(case, ACTIVE_STATUSES, _("Семья выявляется по действующему случаю."))
    if case.sop_records.exclude(status=SopStatus.REMOVED).exists():
        raise TransitionError(_("Семья уже на учёте как находящаяся в социально опасном "
                                "положении."))
    errors: dict[str, list] = {}
    today = case_today(case)
    identified_on = identified_on or today
    if identified_on > today:
        errors["identified_on"] = [_("Дата выявления — не позже сегодняшнего дня.")]
    if source not in SopSource.values:
        errors["source"] = [_("Укажите, кем выявлена семья.")]
    grounds = (grounds or "").strip()
    if not grounds:
        errors["grounds"] = [_("Опишите признаки социально опасного положения.")]
    if errors:
        raise ValidationError(errors)
    record = SopRecord.objects.create(
        case=case, practice=case.practice, identified_on=identified_on, identified_by=user,
        source=source,
        grounds=grounds, child_threat=bool(child_threat),
        kdn_notice_due=deadline("sop_kdn_notice", identified_on),
        first_survey_due=deadline("sop_first_survey", identified_on))
    audit.record(user=user, obj=record, action=ChangeAction.CREATE, person_id=case.person_id,
                 event_type="sop.identified", summary=grounds[:300])
    return record


@transaction.atomic
def sop_notify_kdn(*, user, record, date: datetime.date | None = None, number: str,
                   guardianship_date: datetime.date | None = None,
                   guardianship_number: str = "", kdn_addressee=None,
                   guardianship_addressee=None, measures: str = "", signatory=None):
    """The notice to the commission for minors (and, for a threat to a child, to the
    guardianship body) is recorded, with what its letters print (decision 0034): the
    outgoing numbers and dates, the addressees (partner organisations of that kind at the
    family's territory or above it), the measures taken, the signatory (a head whose role
    covers the territory) and the executor (the user recording it)."""

    record = _lock_sop(user, record)
    if record.status != SopStatus.IDENTIFIED:
        raise TransitionError(_("Сообщение в КДН и ЗП уже записано."))
    errors: dict[str, list] = {}
    number = (number or "").strip()
    if not number:
        errors["number"] = [_("Укажите исходящий номер сообщения.")]
    territory = record.case.territory
    if kdn_addressee is not None and not addressee_choices(
            territory, PartnerKind.KDN).filter(pk=kdn_addressee.pk).exists():
        errors["kdn_addressee"] = [_("Адресат — КДН и ЗП территории семьи из справочника "
                                     "организаций.")]
    if signatory is not None and not signatory_choices(record.case).filter(
            pk=signatory.pk).exists():
        errors["signatory"] = [_("Сообщение подписывает руководитель, работающий на "
                                 "территории семьи.")]
    fields = {"status": SopStatus.NOTIFIED, "kdn_notice_number": number[:50],
              "kdn_addressee": kdn_addressee, "notice_measures": (measures or "").strip(),
              "notice_signatory": signatory, "notice_executor": user}
    guardianship_number = (guardianship_number or "").strip()
    if record.child_threat:
        if guardianship_date is None:
            errors["guardianship_date"] = [
                _("При угрозе ребёнку укажите дату сообщения в орган опеки (ст. 56 СК РФ).")]
        if not guardianship_number:
            errors["guardianship_number"] = [
                _("При угрозе ребёнку укажите исходящий номер сообщения в орган опеки.")]
        elif guardianship_number == number:
            errors["guardianship_number"] = [
                _("У сообщения в орган опеки свой исходящий номер: он совпадает с номером "
                  "сообщения в КДН и ЗП.")]
        if guardianship_addressee is not None and not addressee_choices(
                territory, PartnerKind.GUARDIANSHIP).filter(
                pk=guardianship_addressee.pk).exists():
            errors["guardianship_addressee"] = [
                _("Адресат — орган опеки и попечительства территории семьи из справочника "
                  "организаций.")]
        fields.update(guardianship_notice_number=guardianship_number[:50],
                      guardianship_addressee=guardianship_addressee)
    if errors:
        raise ValidationError(errors)
    fields["kdn_notice_date"] = _sop_date(record, date)
    if record.child_threat:
        fields["guardianship_notified_on"] = _sop_date(record, guardianship_date,
                                                       "guardianship_date")
    _sop_transition(user, record, "sop.kdn_notified",
                    _("№ %(n)s от %(d)s") % {"n": number,
                                             "d": f"{fields['kdn_notice_date']:%d.%m.%Y}"},
                    **fields)
    return record


@transaction.atomic
def sop_survey(*, user, record, date: datetime.date | None = None, notes: str):
    record = _lock_sop(user, record)
    if record.status != SopStatus.NOTIFIED:
        raise TransitionError(_("Первичное обследование записывается после сообщения в КДН и "
                                "ЗП (сейчас: «%(s)s»).") % {"s": record.get_status_display()})
    date = _sop_date(record, date)
    if not (notes or "").strip():
        raise ValidationError({"notes": [_("Опишите результаты обследования.")]})
    _sop_transition(user, record, "sop.surveyed", notes.strip()[:300],
                    status=SopStatus.SURVEYED, first_survey_on=date,
                    first_survey_notes=notes.strip())
    return record


@transaction.atomic
def sop_register(*, user, record, decision_date: datetime.date, decision_number: str,
                 curator):
    """The commission's decision: the family is on the register with a named curator."""


    record = _lock_sop(user, record)
    if record.status != SopStatus.SURVEYED:
        raise TransitionError(_("Постановка на учёт — после первичного обследования (сейчас: "
                                "«%(s)s»).") % {"s": record.get_status_display()})
    errors = {}
    if decision_date is None:
        errors["decision_date"] = [_("Укажите дату постановления КДН и ЗП.")]
    if not (decision_number or "").strip():
        errors["decision_number"] = [_("Укажите номер постановления.")]
    if curator is None:
        errors["curator"] = [_("Выберите куратора семьи.")]
    elif not staff_in_scope(user, curator, record.case.territory, record.practice):
        errors["curator"] = [_("Куратор должен работать на территории семьи.")]
    if errors:
        raise ValidationError(errors)
    decision_date = _sop_date(record, decision_date, "decision_date")
    _sop_transition(user, record, "sop.registered",
                    _("Постановление № %(n)s; куратор %(c)s")
                    % {"n": decision_number.strip(), "c": curator},
                    status=SopStatus.REGISTERED, decision_date=decision_date,
                    decision_number=decision_number.strip()[:50], curator=curator,
                    next_review_due=deadline("sop_review", decision_date))
    person = record.case.person
    if not PersonCategory.objects.filter(person=person, category=Category.SOP,
                                         end_date__isnull=True).exists():
        people.category_add(user=user, person=person, category=Category.SOP,
                            start_date=decision_date, note=_("постановление КДН и ЗП № %(n)s")
                            % {"n": decision_number.strip()})
    return record


@transaction.atomic
def sop_review(*, user, record, date: datetime.date | None = None, notes: str):
    record = _lock_sop(user, record)
    if record.status != SopStatus.REGISTERED:
        raise TransitionError(_("Пересмотр проводится, пока семья на учёте."))
    date = _sop_date(record, date)
    if record.decision_date and date < record.decision_date:
        raise ValidationError({"date": [_("Дата пересмотра раньше постановки на учёт.")]})
    if not (notes or "").strip():
        raise ValidationError({"notes": [_("Опишите итоги работы с семьёй за период.")]})
    next_due = deadline("sop_review", date)
    review = SopReview.objects.create(record=record, held_on=date, author=user,
                                      notes=notes.strip(), next_due=next_due)
    _sop_transition(user, record, "sop.reviewed", notes.strip()[:300],
                    next_review_due=next_due)
    return review


@transaction.atomic
def sop_remove(*, user, record, date: datetime.date | None = None, reason: str,
               decision_number: str = ""):
    record = _lock_sop(user, record)
    if record.status == SopStatus.REMOVED:
        raise TransitionError(_("Семья уже снята с учёта."))
    date = _sop_date(record, date)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите основание снятия с учёта.")]})
    if record.status == SopStatus.REGISTERED and not (decision_number or "").strip():
        raise ValidationError({"decision_number": [
            _("Семья на учёте по постановлению КДН и ЗП: укажите номер постановления о "
              "снятии.")]})
    _sop_transition(user, record, "sop.removed", reason.strip()[:300],
                    status=SopStatus.REMOVED, removed_on=date,
                    removal_reason=reason.strip()[:300],
                    removal_decision_number=(decision_number or "").strip()[:50],
                    next_review_due=None)
    for item in PersonCategory.objects.filter(person=record.case.person,
                                              category=Category.SOP, end_date__isnull=True):
        people.category_end(user=user, item=item, end_date=max(date, item.start_date))
    return record
