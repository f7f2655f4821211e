"""Names in a grammatical case, for documents: «выдано Иванову Ивану Ивановичу».

Names are stored in the nominative as surname, name and patronymic; a printed form that needs
another case declines them here with pytrovich (the Petrovich rules), never by hand. A name
the rules do not know passes through unchanged, and when the gender cannot be told (the sex
is not recorded and the parts do not show it) the nominative is printed: a name left in the
nominative reads as a quotation, a name declined for the wrong gender reads as a mistake.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from pytrovich import Case, Gender, NamePart, PetrovichDeclinationMaker, PetrovichGenderDetector

from berezhno.people.choices import Sex

if TYPE_CHECKING:
    from berezhno.people.models import Person


class GrammaticalCase(StrEnum):
    """The six Russian cases, by the English names templates use (``|fio:"dative"``)."""

    NOMINATIVE = "nominative"
    GENITIVE = "genitive"
    DATIVE = "dative"
    ACCUSATIVE = "accusative"
    INSTRUMENTAL = "instrumental"
    PREPOSITIONAL = "prepositional"


_CASES = {
    GrammaticalCase.GENITIVE: Case.GENITIVE,
    GrammaticalCase.DATIVE: Case.DATIVE,
    GrammaticalCase.ACCUSATIVE: Case.ACCUSATIVE,
    GrammaticalCase.INSTRUMENTAL: Case.INSTRUMENTAL,
    GrammaticalCase.PREPOSITIONAL: Case.PREPOSITIONAL,
}


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def _gender(sex: str, surname: str, name: str, patronymic: str) -> tuple[Gender, bool] | None:
    """The gender to decline with and whether it is a recorded fact (pytrovich treats a known
    gender more strictly than a detected one); None when it cannot be told."""
    if sex == Sex.MALE:
        return Gender.MALE, True
    if sex == Sex.FEMALE:
        return Gender.FEMALE, True
    detected = _detector().detect(lastname=surname or None, firstname=name or None,
                                  middlename=patronymic or None)
    if detected == Gender.ANDROGYNOUS:
        return None
    return detected, False


def decline_fio(surname: str, name: str, patronymic: str,
                case: GrammaticalCase | str, sex: str = Sex.UNKNOWN) -> str:
    """«Фамилия Имя Отчество» in ``case``; a missing part is left out.

    ``sex`` is the person's ``Sex`` value ("m", "f", "u"); for "u" the gender is detected from
    the parts (the patronymic decides when there is one). Falls back to the nominative when no
    surname and no name are given or the gender cannot be told.
    """
    surname, name, patronymic = (p.strip() for p in (surname or "", name or "",
                                                     patronymic or ""))
    parts = [(NamePart.LASTNAME, surname), (NamePart.FIRSTNAME, name),
             (NamePart.MIDDLENAME, patronymic)]
    nominative = " ".join(value for _part, value in parts if value)
    target = GrammaticalCase(case)
    if target == GrammaticalCase.NOMINATIVE or not (surname or name):
        return nominative
    gender = _gender(sex, surname, name, patronymic)
    if gender is None:
        return nominative
    maker = _maker()
    return " ".join(
        maker.make(part, gender[0], _CASES[target], value, known_gender=gender[1])
        for part, value in parts if value)


def decline_full_name(full_name: str, case: GrammaticalCase | str,
                      sex: str = Sex.UNKNOWN) -> str:
    """A name typed as one line («Петров Пётр Петрович», e.g. a representative's) in ``case``.

    Only two or three words are read as surname, name and patronymic; anything else (an
    organisation, initials, a note) is returned as typed.
    """
    words = (full_name or "").split()
    if len(words) not in (2, 3) or any("." in w for w in words):
        return full_name
    surname, name, patronymic = (*words, "")[:3]
    return decline_fio(surname, name, patronymic, case, sex)


def person_name_in_case(person: Person, case: GrammaticalCase | str) -> str:
    """A person's full name in ``case``; an unidentified person keeps the nominative label."""
    if not (person.surname or person.name):
        return person.full_name
    return decline_fio(person.surname, person.name, person.patronymic, case, person.sex)
