"""The district specialist's home-page card (decision 0031): the bank's overdue reviews."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.core.home import Action, Card, Row, first_rows

from . import selectors


def _entries(n: int) -> str:
    return ngettext("%(n)s пересмотр просрочен", "%(n)s пересмотров просрочено", n) % {"n": n}


def overdue_reviews_panel(request) -> Card:
    """Entries of the specialist's bank whose review date has passed, the oldest first."""
    user = request.user
    today = selectors.bank_today(user)
    rows, n = first_rows(selectors.overdue_reviews(user, today), user=user)
    url = reverse("district:bank") + "?overdue=on"
    return Card(
        code="bank_reviews", title=_("Пересмотр банка данных"), count=n,
        count_text=_entries(n), urgent=bool(n),
        rows=[Row(text=e.person.full_name, url=reverse("district:bank_entry", args=[e.pk]),
                  badge=_("срок %(d)s") % {"d": e.next_review_due.strftime("%d.%m.%Y")},
                  badge_kind="bad") for e in rows],
        more_url=url, more_label=_("Все просроченные пересмотры"),
        empty=_("Просроченных пересмотров нет: банк данных в порядке. Новых граждан, "
                "требующих особого внимания, внесите в банк данных."),
        actions=[Action(_("Банк данных"), reverse("district:bank"))])
