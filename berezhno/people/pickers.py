"""The person picker (``core.pickers``): a citizen found by name, СНИЛС or phone within
the user's scope, shown by name, birth date and settlement; every candidate shown is a
logged read."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berezhno.core import audit
from berezhno.core.registry import Picker

from . import roles
from .selectors import person_queryset, person_search

PAGE = 20


def _label(person) -> str:
    parts = [person.full_name]
    if person.birth_date:
        parts.append(_("%(date)s г. р.") % {"date": person.birth_date.strftime("%d.%m.%Y")})
    elif person.estimated_birth_year:
        parts.append(_("около %(year)s г. р.") % {"year": person.estimated_birth_year})
    if person.settlement_id:
        parts.append(str(person.settlement.name))
    return ", ".join(parts)


def search(user, term: str) -> list[tuple[int, str]]:
    found = list(person_search(user, q=term, status="").select_related("settlement")
                 .order_by("search_name", "pk")[:PAGE])
    audit.log_reads(user=user, objects=found, detail=_("выбор гражданина"))
    return [(p.pk, _label(p)) for p in found]


def label(user, pk: int) -> str | None:
    person = person_queryset(user, roles.VIEW).select_related("settlement").filter(pk=pk).first()
    if person is None:
        return None
    audit.log_reads(user=user, objects=[person], detail=_("выбор гражданина"))
    return _label(person)


PERSON = Picker("person", search, label,
                prompt=gettext_lazy("Фамилия, имя, СНИЛС или телефон"))
