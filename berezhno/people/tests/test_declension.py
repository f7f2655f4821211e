"""Names in a grammatical case (pytrovich) for the printed forms."""

import pytest

from berezhno.people.declension import (
    GrammaticalCase,
    decline_fio,
    decline_full_name,
    person_name_in_case,
)
from berezhno.people.models import Person


@pytest.mark.parametrize(("parts", "sex", "case", "expected"), [
    (("Иванов", "Иван", "Иванович"), "m", "dative", "Иванову Ивану Ивановичу"),
    (("Иванов", "Иван", "Иванович"), "m", "genitive", "Иванова Ивана Ивановича"),
    (("Иванов", "Иван", "Иванович"), "m", "instrumental", "Ивановым Иваном Ивановичем"),
    (("Иванова", "Мария", "Петровна"), "f", "genitive", "Ивановой Марии Петровны"),
    (("Иванова", "Мария", "Петровна"), "f", "dative", "Ивановой Марии Петровне"),
    (("Семёнова", "Алёна", "Петровна"), "f", "prepositional", "Семёновой Алёне Петровне"),
    # Double surnames decline on both sides.
    (("Римская-Корсакова", "Анна", "Сергеевна"), "f", "dative",
     "Римской-Корсаковой Анне Сергеевне"),
    (("Салтыков-Щедрин", "Михаил", "Евграфович"), "m", "genitive",
     "Салтыкова-Щедрина Михаила Евграфовича"),
    # No patronymic: the other parts still decline, by the recorded sex.
    (("Ким", "Олег", ""), "m", "dative", "Киму Олегу"),
    (("Ким", "Ольга", ""), "f", "dative", "Ким Ольге"),
    # An indeclinable surname stays as it is.
    (("Черных", "Пётр", "Ильич"), "m", "dative", "Черных Петру Ильичу"),
    # Sex not recorded: the patronymic tells the gender.
    (("Петрова", "Анна", "Ивановна"), "u", "genitive", "Петровой Анны Ивановны"),
    (("Петров", "Анатолий", "Иванович"), "u", "dative", "Петрову Анатолию Ивановичу"),
    # Gender cannot be told: the nominative rather than a wrong declension.
    (("Ким", "Саша", ""), "u", "dative", "Ким Саша"),
    # Only a name, or only a surname.
    (("", "Егор", ""), "m", "genitive", "Егора"),
    (("Сидоров", "", ""), "m", "dative", "Сидорову"),
    (("", "", ""), "m", "dative", ""),
    (("Иванов", "Иван", "Иванович"), "m", "nominative", "Иванов Иван Иванович"),
])
def test_decline_fio(parts, sex, case, expected):
    assert decline_fio(*parts, case, sex) == expected


def test_cases_by_enum_and_unknown_case_refused():
    assert decline_fio("Иванов", "Иван", "", GrammaticalCase.ACCUSATIVE, "m") == "Иванова Ивана"
    with pytest.raises(ValueError):
        decline_fio("Иванов", "Иван", "", "vocative", "m")


@pytest.mark.parametrize(("text", "expected"), [
    ("Петров Пётр Петрович", "Петрова Петра Петровича"),
    ("Петрова  Анна  Сергеевна", "Петровой Анны Сергеевны"),
    ("Петров П. П.", "Петров П. П."),  # initials: as typed
    ("ООО «Опека»", "ООО «Опека»"),
    ("Иванов", "Иванов"),
    ("", ""),
])
def test_decline_full_name(text, expected):
    assert decline_full_name(text, "genitive") == expected


def test_person_in_case_keeps_the_label_of_an_unidentified_person():
    person = Person(pk=7, surname="", name="", nickname="Дед", sex="m")
    assert person_name_in_case(person, "dative") == "Неустановленное лицо «Дед»"
    person = Person(pk=8, surname="Орлова", name="Вера", patronymic="Павловна", sex="f")
    assert person_name_in_case(person, "dative") == "Орловой Вере Павловне"
