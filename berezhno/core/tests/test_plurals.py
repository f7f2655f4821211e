"""Counted nouns in Russian: three forms (1 год, 2 года, 5 лет) from the compiled catalogue.

The source strings carry two forms (ngettext's singular and plural); the third comes from
``locale/ru/LC_MESSAGES/django.mo``, which is committed so that a fresh clone shows it.
"""

import datetime
import gettext
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from berezhno.testing.factories import PersonFactory

LOCALE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"
COUNTS = (1, 2, 5, 11, 21)


def _plural_entries() -> list[tuple[str, str, list[str]]]:
    """(msgid, msgid_plural, msgstr forms) of every plural entry of the .po file."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        if "msgid_plural" not in block:
            continue

        def field(name, block=block):
            match = re.search(rf'^{re.escape(name)} ((?:".*"\n?)+)', block + "\n", re.M)
            return "".join(re.findall(r'"(.*)"', match.group(1))) if match else None

        forms = [field(f"msgstr[{i}]") for i in range(4)]
        entries.append((field("msgid"), field("msgid_plural"), forms))
    return entries


@pytest.mark.parametrize(("singular", "plural", "expected"), [
    ("%(years)s год", "%(years)s лет",
     ["1 год", "2 года", "5 лет", "11 лет", "21 год"]),
    ("%(q)s: %(score)s балл", "%(q)s: %(score)s баллов",
     ["ДС: 1 балл", "ДС: 2 балла", "ДС: 5 баллов", "ДС: 11 баллов", "ДС: 21 балл"]),
    ("Показан первый %(n)s случай.", "Показаны первые %(n)s случаев.",
     ["Показан первый 1 случай.", "Показаны первые 2 случая.", "Показаны первые 5 случаев.",
      "Показаны первые 11 случаев.", "Показан первый 21 случай."]),
])
def test_three_russian_forms(singular, plural, expected):
    with translation.override("ru"):
        shown = [ngettext(singular, plural, n) % {"years": n, "q": "ДС", "score": n, "n": n}
                 for n in COUNTS]
    assert shown == expected


def test_every_plural_entry_is_translated_and_compiled():
    """A counted noun added without its forms, or a .po edited without compiling, fails."""
    entries = _plural_entries()
    assert len(entries) >= 3
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for msgid, msgid_plural, forms in entries:
        assert all(forms), f"{msgid!r}: a form is missing"
        for n, index in ((1, 0), (3, 1), (5, 2), (11, 2), (21, 0)):
            assert compiled.ngettext(msgid, msgid_plural, n) == forms[index], (msgid, n)


@pytest.mark.parametrize(("shown", "note"), [
    (21, "Показан первый 21 случай."), (22, "Показаны первые 22 случая."),
    (50, "Показаны первые 50 случаев.")])
def test_worklist_note_on_more_cases(shown, note):
    cases = [SimpleNamespace(pk=i, number=str(i), person=SimpleNamespace(full_name="—"),
                             get_status_display="", next_deadline=("", None),
                             overdue_since=None, status="closed", late={})
             for i in range(1, shown + 1)]
    html = render_to_string("cases/worklist.html", {
        "work": {"cases": cases, "more_cases": True}, "me": 1})
    assert note in html


@pytest.mark.django_db
@pytest.mark.parametrize(("years", "label"), [
    (1, "1 год"), (2, "2 года"), (5, "5 лет"), (11, "11 лет"), (21, "21 год")])
def test_person_card_shows_the_age_with_its_noun(client, world, years, label):
    today = datetime.date.today()
    born = today.replace(year=today.year - years, day=min(today.day, 28))
    person = PersonFactory(user=world.user("specialist"), territory=world.d1, sex="m",
                           birth_date=born)
    client.force_login(world.user("specialist"))
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert f"({label})" in page
