"""Extension points of the case spine (decision 0011).

The apps above the spine (assessments, referrals, СОП, urgent acts, and the practices to
come) add what they bring to a case from their ``AppConfig.ready()``; the spine reads these
registries and imports none of them:

- ``CaseSection``: a section of the case card and of the case file (PDF), with the actions
  it adds to the card's action bar and the deadlines it adds to the card's "Сроки";
- ``register_case_record``: a model whose rows belong to a case (``case`` FK): it carries
  the case's practice (moved with the case) and its events are in the case's history;
- ``register_close_hook``: what happens to the app's records when a case is closed early;
- deadlines of a case (``deadlines.register_case_deadline``) and reminder sources
  (``reminders.register_source``) live in those modules.

Sections load their rows in a fixed number of queries: the card stays constant in queries
whatever the number of records.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class CardAction:
    """A button of the case card's action bar."""

    label: str
    url: str
    primary: bool = False
    id: str = ""


@dataclass(frozen=True)
class CardDeadline:
    """A line of the card's "Сроки": what is due, by when, whether it is missed."""

    label: str
    due: datetime.date
    missed: bool = False


@dataclass
class SectionView:
    """What a section shows on one card or in one case file: its ``data`` for the template,
    its actions and deadlines, ``may_add`` whether the user may add a record there.
    ``shown`` False leaves the section out (nothing to show and nothing the user may add)."""

    data: Any = None
    may_add: bool = False
    actions: list[CardAction] = field(default_factory=list)
    # Links offered on each activity a partner organisation carries out: (label, url) where
    # the url takes ``?activity=<id>`` (a referral made for the activity).
    partner_activity_links: list[tuple[str, str]] = field(default_factory=list)
    deadlines: list[CardDeadline] = field(default_factory=list)
    shown: bool = True


@dataclass(frozen=True)
class CaseSection:
    """A section an app adds to the case card and the case file.

    ``card(user, card)`` builds the card's view of it (``card`` is the spine's ``CaseCard``
    with ``case``, ``today``, ``may`` and ``problems`` filled); ``file(user, case_file)``
    the case file's. ``slot`` places it on the card: ``"before_problems"`` (what identifies
    problems) or ``"after_plans"`` (what carries the work out)."""

    code: str
    order: int
    card_template: str = ""
    card: Callable[[Any, Any], SectionView] | None = None
    slot: str = "after_plans"
    file_template: str = ""
    file: Callable[[Any, Any], SectionView] | None = None


SLOTS = ("before_problems", "after_plans")

_sections: dict[str, CaseSection] = {}
_records: dict[type[models.Model], tuple[str, bool]] = {}
_close_hooks: list[Callable[..., None]] = []


def register_section(section: CaseSection) -> None:
    if section.slot not in SLOTS:
        raise ValueError(f"unknown case card slot {section.slot!r}")
    _sections[section.code] = section


def sections() -> list[CaseSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.code))


def register_case_record(model: type[models.Model], *, case_field: str = "case",
                         practice: bool = True) -> None:
    """Rows of ``model`` belong to the case in ``case_field``: its history lists their
    events; with ``practice`` they carry the case's practice and follow it."""
    _records[model] = (case_field, practice)


def practice_records() -> dict[type[models.Model], str]:
    """Models that carry their case's practice, with the path to the case."""
    return {m: f for m, (f, practice) in _records.items() if practice}


def history_records() -> dict[type[models.Model], str]:
    """Models whose events belong to the case's history, with the path to the case."""
    return {m: f for m, (f, _practice) in _records.items()}


def register_close_hook(hook: Callable[..., None]) -> None:
    """``hook(user=, case=, date=, early=)`` runs in the transaction that closes the case
    (``early``: the family refused or moved out before the programme was carried out)."""
    _close_hooks.append(hook)


def close_hooks() -> list[Callable[..., None]]:
    return list(_close_hooks)
