"""``{% load declension %}``: ``{{ person|fio:"dative" }}`` prints «Иванову Ивану Ивановичу».

A ``Person`` is declined by its sex and name parts; a string (a name typed as one line, such
as a representative's) is read as surname, name and patronymic when it has two or three words
and is printed as typed otherwise.
"""

from django import template

from berezhno.people.declension import decline_full_name, person_name_in_case
from berezhno.people.models import Person

register = template.Library()


@register.filter
def fio(value: Person | str | None, case: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Person):
        return person_name_in_case(value, case)
    return decline_full_name(str(value), case)
