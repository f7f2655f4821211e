"""The home page's cards (decision 0031) and the base's own: the user's reminders and roles.

Every panel an app registers (``registry.register_home_panel``) is drawn as one ``Card``
by ``core/_home_card.html``: a heading, a count (``ngettext``: «3 контакта»), a short list
of rows that stack at phone width, a link to the full list, and, when the list is empty, a
sentence that says what to do next. The panel's main action (``action``) is the card's
button, drawn before the list, so that the first card's action is on the first screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import audit
from .access import user_grants
from .models import Reminder

HOME_ROWS = 5  # rows a card lists; the full list is behind its link


@dataclass
class Row:
    """One line of a card: ``text`` (linked to ``url`` when given), a ``note`` under it, a
    ``badge`` before it (``badge_kind``: "bad", "warn", "ok" or "")."""

    text: Any
    url: str = ""
    note: Any = ""
    badge: Any = ""
    badge_kind: str = ""


@dataclass
class Action:
    label: Any
    url: str
    secondary: bool = False


@dataclass
class Card:
    """What a home panel shows. ``count_text`` is the count with its noun, from
    ``ngettext`` (``count`` alone is for the badge's colour and the tests); ``count`` None
    shows no count (a summary card, like the indicators). ``empty``: what to do when there
    is nothing (shown instead of the rows)."""

    code: str
    title: Any
    count: int | None = None
    count_text: str = ""
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    more_label: Any = ""
    empty: Any = ""
    actions: list[Action] = field(default_factory=list)
    urgent: bool = False  # the count is of things overdue: drawn as a warning
    note: Any = ""  # a line under the heading («из них 3 просрочено»)
    more_rows: list[Row] = field(default_factory=list)  # behind «ещё N» on the page


def first_rows(qs, *, user=None, persons=None) -> tuple[list, int]:
    """The card's rows (at most ``HOME_ROWS`` of the ordered ``qs``) and how many there
    are in all, counted only when more than the rows; with ``user`` the rows' persons
    (``persons(row)``, else the rows themselves) are logged as a list read."""
    rows = list(qs[:HOME_ROWS + 1])
    n = len(rows) if len(rows) <= HOME_ROWS else qs.count()
    rows = rows[:HOME_ROWS]
    if user is not None:
        audit.log_reads(user=user, objects=[persons(r) for r in rows] if persons else rows)
    return rows, n


def by_user(code, title, counts, noun, url, *, more_url, more_label, empty) -> Card:
    """A card of counts per staff member (``counts``: (user id or None, n)), the largest
    first, the names read in one query; staff names are not the residents' data."""
    counts = sorted(counts, key=lambda c: (-c[1], c[0] or 0))
    names = {u.pk: u for u in get_user_model().objects.filter(
        pk__in=[pk for pk, _n in counts[:HOME_ROWS] if pk])}
    total = sum(n for _pk, n in counts)
    rows = [Row(text=names[pk].short_name if pk in names else _("не назначен"),
                url=url(pk) if pk else more_url, badge=noun(n), badge_kind="bad")
            for pk, n in counts[:HOME_ROWS]]
    return Card(code=code, title=title, count=total, count_text=noun(total), urgent=True,
                rows=rows, more_url=more_url, more_label=more_label, empty=empty)


def reminders_panel(request) -> Card | None:
    reminders = list(Reminder.objects.filter(user=request.user, closed_at__isnull=True)
                     .order_by("due_on", "id")[:HOME_ROWS + 1])
    if not reminders:
        return None
    n = len(reminders) if len(reminders) <= HOME_ROWS else Reminder.objects.filter(
        user=request.user, closed_at__isnull=True).count()
    return Card(
        code="reminders", title=_("Напоминания: просроченные сроки"), count=n,
        count_text=ngettext("%(n)s напоминание", "%(n)s напоминаний", n) % {"n": n},
        urgent=True,
        rows=[Row(text=r.title, url=r.link, badge=r.due_on.strftime("%d.%m.%Y"),
                  badge_kind="bad") for r in reminders[:HOME_ROWS]])


def roles_panel(request) -> dict:
    return {"grants": user_grants(request.user), "profile": reverse("accounts:profile")}
