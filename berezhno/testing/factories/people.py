"""Persons, households, consents and contacts, through ``people.services``."""

import random
from typing import Any

import factory

from berezhno.people import services
from berezhno.people.models import Consent, Contact, Household, HouseholdMember, Person
from berezhno.people.names import random_person_name

from .base import ServiceFactory, required

CONSENT = {"purpose": "social_service", "subject_address": "г. Тест, ул. Мира, 1",
           "subject_document": "паспорт 5200 123456", "data_list": "ФИО, адрес, СНИЛС"}


def _name_part(index: int):
    """Surname, name or patronymic of the n-th person: a real name in the right gender
    form, the same three parts for one n."""
    return factory.LazyAttributeSequence(
        lambda o, n: random_person_name(random.Random(n), o.sex)[index])  # noqa: S311


class PersonFactory(ServiceFactory):
    """A registered person with a consent for social service (``consent=None``: none).
    Every other ``Person`` field (``birth_date``, ``snils``, ``settlement``) passes through."""

    class Meta:
        model = Person

    user = required("user")
    territory = required("territory")
    sex = "f"
    surname = _name_part(0)
    name = _name_part(1)
    patronymic = _name_part(2)
    consent = factory.LazyFunction(lambda: dict(CONSENT))
    confirm_not_duplicate = True

    @classmethod
    def create_through_service(cls, *, user, consent, confirm_not_duplicate,
                               **data: Any) -> Person:
        return services.person_register(user=user, consent=consent,
                                        confirm_not_duplicate=confirm_not_duplicate, **data)


class HouseholdFactory(ServiceFactory):
    """A household headed by ``head`` (its name and address default from the head)."""

    class Meta:
        model = Household

    user = required("user")
    head = required("head")

    @classmethod
    def create_through_service(cls, *, user, head, **data: Any) -> Household:
        return services.household_create(user=user, head=head, **data)


class HouseholdMemberFactory(ServiceFactory):
    """A person added to a household (a child by default)."""

    class Meta:
        model = HouseholdMember

    user = required("user")
    household = required("household")
    person = required("person")
    relation = "child"

    @classmethod
    def create_through_service(cls, *, user, household, person, relation,
                               **extra: Any) -> HouseholdMember:
        return services.household_add_member(user=user, household=household, person=person,
                                             relation=relation, **extra)


class ConsentFactory(ServiceFactory):
    """A signed consent; the purpose and the 152-ФЗ fields default to ``CONSENT``'s."""

    class Meta:
        model = Consent

    user = required("user")
    person = required("person")

    @classmethod
    def create_through_service(cls, *, user, person, **data: Any) -> Consent:
        return services.consent_record(user=user, person=person, **{**CONSENT, **data})


class ContactFactory(ServiceFactory):
    """A logged call (other fields such as ``occurred_at``, ``next_contact_date`` pass
    through)."""

    class Meta:
        model = Contact

    user = required("user")
    person = required("person")
    channel = "call"
    purpose = "patronage"
    notes = "Уточнены потребности"

    @classmethod
    def create_through_service(cls, *, user, person, **data: Any) -> Contact:
        return services.contact_log(user=user, person=person, **data)
