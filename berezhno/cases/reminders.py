"""Reminders of overdue case deadlines to the users responsible for them.

``collect_due`` lists, under keys that name the record and the deadline, what is overdue
today: the decision on need, the programme, plan activities, and what the apps above the
spine add (``register_source``: partners' answers and results, the СОП deadlines).
``sync_case_reminders`` turns that list into the users' open
reminders (``core.Reminder``): new ones open, resolved ones close, re-running changes nothing;
each open reminder also goes to its user by e-mail through the outbox, once per reminder and
due date (``notifications.services.remind_by_email``, decision 0025).
"""

import datetime
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from berezhno.core.services import reminders_sync
from berezhno.notifications.services import remind_by_email

from . import deadlines
from .models import Activity, SupportCase

PREFIX = "cases:"

# Each source: ``on -> {key: (user, due date, text, url)}``, keys starting with PREFIX.
_sources: list[Callable[[deadlines.When_], dict]] = []


def register_source(source: Callable[[deadlines.When_], dict]) -> None:
    """A function listing what else is overdue at ``on`` (from an app's ready())."""
    _sources.append(source)


def collect_due(on: deadlines.When_ = None) -> dict:
    """What is overdue at ``on`` (now by default: each record by its territory's date; a
    date: that date everywhere), by the rules of ``deadlines`` that the lists use."""
    due: dict = {}
    cases = deadlines.with_pending(SupportCase.objects.filter(deadlines.case_overdue_q(on)))
    for case in cases.select_related("responsible", "territory"):
        missed = deadlines.case_missed(case, on)
        if "decision" in missed:
            due[f"{PREFIX}case:{case.pk}:decision"] = (
                case.responsible, case.decision_due,
                _("Просрочено решение о нуждаемости: случай № %(n)s") % {"n": case.number},
                case.get_absolute_url())
        if "programme" in missed:
            due[f"{PREFIX}case:{case.pk}:programme"] = (
                case.responsible, case.programme_due,
                _("Просрочено составление программы: случай № %(n)s") % {"n": case.number},
                case.get_absolute_url())
    activities = Activity.objects.filter(deadlines.activity_overdue_q(on)).select_related(
        "responsible_user", "case__responsible", "partner")
    for a in activities:
        user = a.responsible_user or a.case.responsible
        due[f"{PREFIX}activity:{a.pk}"] = (
            user, a.due_date,
            _("Просрочено мероприятие «%(t)s» (случай № %(n)s)")
            % {"t": a.title, "n": a.case.number},
            reverse("cases:worklist") if a.responsible_user_id else a.case.get_absolute_url())
    for source in _sources:
        due.update(source(on))
    return due


def sync_case_reminders(today: datetime.date | None = None) -> tuple[int, int]:
    """Open and close the reminders of what is overdue: ``today`` (a date) everywhere, or
    by default now, each record in its territory's date; the open ones go out by e-mail."""
    result = reminders_sync(prefix=PREFIX, due=collect_due(today))
    remind_by_email(prefix=PREFIX)
    return result
