"""Reads of the СОП register (120-ФЗ), starting from the scope, and the case card's and case
file's СОП section in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    DateField,
    F,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation, RoleAssignment
from berezhno.cases.extensions import CardDeadline, SectionView
from berezhno.cases.models import SupportCase
from berezhno.cases.selectors import case_queryset
from berezhno.core import audit
from berezhno.core.models import AccessKind
from berezhno.core.text import format_phone
from berezhno.core.workdays import local_today
from berezhno.people.declension import GrammaticalCase, person_name_in_case
from berezhno.people.models import HouseholdMember, Person
from berezhno.territories.models import Territory

from . import deadlines, roles
from .choices import SopStatus
from .models import SopRecord, SopReview

# --------------------------------------------------------------------------- СОП (120-ФЗ)


def sop_for_case(case: SupportCase, today: datetime.date) -> list:
    """The case's СОП records, newest first, each with its reviews, ``missed`` deadlines
    and ``next`` deadline."""
    records = list(case.sop_records.select_related("identified_by", "curator", "kdn_addressee",
                                                    "guardianship_addressee")
                   .prefetch_related(Prefetch("reviews", queryset=SopReview.objects
                                              .select_related("author")))
                   .order_by("-identified_on", "-id"))
    for r in records:
        r.case = case
        _mark_sop(r, today)
    return records


def _mark_sop(record: SopRecord, on: deadlines.When_) -> None:
    record.is_open = record.status != SopStatus.REMOVED
    record.missed_list = deadlines.sop_missed(record, on)
    record.next = record.next_deadline()


def sop_get(user, pk, action: str = roles.CHANGE) -> SopRecord:
    """One СОП record whose case is in the user's scope for ``action`` (else
    SopRecord.DoesNotExist → 404)."""
    return audit.read(user, SopRecord.objects.filter(
        case__in=case_queryset(user, action)).select_related(
        "case__person", "case__territory", "curator").get(pk=pk))


def sop_search(user, *, on: deadlines.When_ = None, today: datetime.date | None = None,
               status: str = "", territory=None, curator=None,
               case: SupportCase | int | None = None,
               overdue: bool | None = None) -> QuerySet:
    """The register of families in a socially dangerous position within the user's scope,
    the most urgent deadline first: ``status`` "open" for those not removed (the page's
    default), a stage, or "" / "all" for every record. ``today`` is ``on`` given as a date.
    The page and the API read it through ``filters.SopFilterSet``."""
    on = today if today is not None else on
    qs = SopRecord.objects.restrict(user, roles.VIEW)
    if status == "open":
        qs = qs.exclude(status=SopStatus.REMOVED)
    elif status and status != "all":
        qs = qs.filter(status=status)
    if territory is not None:
        qs = qs.filter(case__territory__in=Territory.objects.filter(
            path__startswith=territory.path))
    if curator is not None:
        qs = qs.filter(curator=curator)
    if case is not None:
        qs = qs.filter(case=case)
    if overdue is not None:
        late = deadlines.sop_overdue_q(on)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    next_due = Case(
        When(status=SopStatus.IDENTIFIED, then="kdn_notice_due"),
        When(status=SopStatus.NOTIFIED, then="first_survey_due"),
        When(status=SopStatus.REGISTERED, then="next_review_due"),
        output_field=DateField())
    return qs.annotate(next_due=next_due).select_related(
        "case__person", "case__territory", "case__responsible", "curator").prefetch_related(
        "reviews").order_by(F("next_due").asc(nulls_last=True), "-identified_on", "-id")


def mark_sop(records, on: deadlines.When_ = None) -> list:
    """Give each record of the register ``missed_list`` and ``next`` (its case's territory
    loaded)."""
    records = list(records)
    for r in records:
        _mark_sop(r, on)
    return records


# --------------------------------------------------------------------------- case sections


def card_section(user, card) -> SectionView:
    """The card's СОП section: the records with their stage actions, the next deadline of
    each in the card's "Сроки", and identification when the family is not on the register
    (the services check the same)."""
    records = sop_for_case(card.case, card.today)
    deadlines_ = [CardDeadline(label=_("СОП: %(what)s до") % {"what": r.next[0]},
                               due=r.next[1], missed=bool(r.missed_list))
                  for r in records if r.next]
    may_add = card.may["change"] and not any(r.is_open for r in records)
    return SectionView(data=records, deadlines=deadlines_, may_add=may_add,
                       shown=bool(records) or may_add)


def file_section(user, doc) -> SectionView:
    records = list(reversed(sop_for_case(doc.case, doc.today)))
    return SectionView(data=records, shown=bool(records))


# --------------------------------------------------------------------------- letters

# The role whose holders sign the centre's letters (the director or the head of department).
SIGNING_ROLE = "head"
LETTER_KINDS = ("kdn", "guardianship")


def addressee_choices(territory: Territory, partner_kind: str) -> QuerySet:
    """Active partner organisations of ``partner_kind`` (``PartnerKind.KDN``,
    ``PartnerKind.GUARDIANSHIP``) of the family's territory or a territory above it: the
    commission of the municipal district first, then the region's."""
    return Organisation.objects.filter(
        kind=OrganisationKind.PARTNER, partner_kind=partner_kind, is_active=True,
        territory_id__in=territory.ancestor_ids()).order_by("-territory__path", "name")


def signatory_choices(case: SupportCase) -> QuerySet:
    """Who may sign the letters of a case: active users with an active head role at the
    case's territory or above it (of the case's provider, when it has one)."""
    territory = case.territory
    today = local_today(territory)
    assignments = RoleAssignment.objects.filter(
        role=SIGNING_ROLE, is_active=True, user__is_active=True,
        territory_id__in=territory.ancestor_ids()).filter(
        Q(include_subtree=True) | Q(territory_id=territory.pk)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if case.provider_id:
        assignments = assignments.filter(user__organisation_id=case.provider_id)
    return get_user_model()._default_manager.filter(
        pk__in=assignments.values("user_id")).order_by("last_name", "first_name", "pk")


@dataclass
class LetterChild:
    """A minor of the family as the letter names them."""

    person: Person
    genitive: str
    birth_date: datetime.date | None
    age: int | None


@dataclass
class NoticeLetter:
    """A letter of the notice step: to the КДН и ЗП (120-ФЗ ст. 9) or to the guardianship
    body (СК РФ ст. 56), from what the step recorded. Only what the addressee needs:
    the applicant (name, birth date), the family's address, the minors (name, birth
    date), the grounds and the measures; no СНИЛС, phones or health data."""

    kind: str
    record: SopRecord
    case: SupportCase
    number: str
    date: datetime.date
    addressee: Organisation | None
    centre: Organisation | None
    applicant: Person
    applicant_genitive: str
    address: str
    children: list
    signatory: object
    executor: object
    printed_at: datetime.datetime

    @property
    def is_kdn(self) -> bool:
        return self.kind == "kdn"

    @property
    def signature_name(self) -> str:
        """The signatory as a signature is deciphered: «Е. П. Маркова»."""
        return initials_surname(self.signatory)

    @property
    def executor_phone(self) -> str:
        phone = getattr(self.executor, "phone", "") or getattr(self.centre, "phone", "")
        return format_phone(phone)

    @property
    def centre_phone(self) -> str:
        return format_phone(getattr(self.centre, "phone", ""))


def initials_surname(user) -> str:
    """«И. О. Фамилия», as under a signature (ГОСТ Р 7.0.97-2016); "" without a user."""
    if user is None:
        return ""
    initials = " ".join(f"{p[0]}." for p in (user.first_name, user.patronymic) if p)
    return " ".join(p for p in (initials, user.last_name) if p) or user.username


def letter_available(record: SopRecord, kind: str) -> bool:
    """Whether the notice step recorded the letter ``kind`` of the record."""
    if kind == "kdn":
        return record.kdn_notice_date is not None and bool(record.kdn_notice_number)
    if kind == "guardianship":
        return (record.child_threat and record.guardianship_notified_on is not None
                and bool(record.guardianship_notice_number))
    return False


def _children(case: SupportCase, on: datetime.date) -> list[LetterChild]:
    """The minors of the case's family on the letter's date (members then, under 18)."""
    if not case.household_id:
        return []
    members = HouseholdMember.objects.filter(household_id=case.household_id).filter(
        Q(since__isnull=True) | Q(since__lte=on)).filter(
        Q(until__isnull=True) | Q(until__gt=on)).exclude(person_id=case.person_id
    ).select_related("person").order_by("person__birth_date", "id")
    children = []
    for m in members:
        age = m.person.age(on)
        if age is not None and age < 18:
            children.append(LetterChild(
                person=m.person, genitive=person_name_in_case(m.person,
                                                              GrammaticalCase.GENITIVE),
                birth_date=m.person.birth_date, age=age))
    return children


def notice_letter(user, pk, kind: str) -> NoticeLetter:
    """The letter ``kind`` of a СОП record for a worker of its case (``CHANGE`` scope; else
    SopRecord.DoesNotExist → 404, also when the step has not recorded that letter).
    Printing it is a read of each person it names, logged as ``print``."""
    if kind not in LETTER_KINDS:
        raise SopRecord.DoesNotExist
    record = SopRecord.objects.filter(case__in=case_queryset(user, roles.CHANGE)).select_related(
        "case__person", "case__household", "case__territory", "case__provider",
        "kdn_addressee", "guardianship_addressee", "notice_signatory__organisation",
        "notice_executor__organisation").get(pk=pk)
    if not letter_available(record, kind):
        raise SopRecord.DoesNotExist
    case = record.case
    person = case.person
    if kind == "kdn":
        number, date, addressee = (record.kdn_notice_number, record.kdn_notice_date,
                                   record.kdn_addressee)
    else:
        number, date, addressee = (record.guardianship_notice_number,
                                   record.guardianship_notified_on,
                                   record.guardianship_addressee)
    if date is None:  # not after letter_available; for the type checker
        raise SopRecord.DoesNotExist
    signatory, executor = record.notice_signatory, record.notice_executor
    centre = case.provider or getattr(signatory, "organisation", None) or getattr(
        executor, "organisation", None)
    if person.no_fixed_abode:
        address = _("без определённого места жительства")
    else:
        address = ((case.household.address if case.household else "")
                   or person.actual_address or person.registration_address)
    children = _children(case, date)
    audit.log_reads(user=user, objects=[record, *(c.person for c in children)],
                    kind=AccessKind.PRINT, detail=f"sop_letter:{kind}:{record.pk}")
    return NoticeLetter(
        kind=kind, record=record, case=case, number=number, date=date, addressee=addressee,
        centre=centre, applicant=person,
        applicant_genitive=person_name_in_case(person, GrammaticalCase.GENITIVE),
        address=address, children=children, signatory=signatory, executor=executor,
        printed_at=timezone.now())
