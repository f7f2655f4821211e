"""Small helpers shared by the service modules of the registry."""

import datetime

from berezhno.core.services import reject_unknown, require_scope  # noqa: F401  (re-exported)
from berezhno.core.text import normalize_name
from berezhno.core.workdays import local_today

from .. import roles
from ..models import Person


def is_empty(value: object) -> bool:
    return value in (None, "", False)


def person_field_label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))


def person_today(person: Person) -> datetime.date:
    """Today where the person lives: "not in the future" is judged by the person's
    territory's time zone (Omsk is three hours ahead of the server's Moscow date)."""

    return local_today(person.territory)


def search_name(p: Person) -> str:
    return normalize_name(" ".join(x for x in (p.surname, p.name, p.patronymic) if x)
                          or p.nickname)


def person_scope_check(user, person: Person) -> None:
    require_scope(Person.objects.restrict(user, roles.VIEW_MINIMAL), person.pk)
