"""The home-page card of data-subject requests overdue or due soon (decision 0031): for
the roles that answer them (``requires`` the request kind's view, ``apps.py``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.core import audit
from berezhno.core.home import HOME_ROWS, Card, Row

from . import selectors


def due_panel(request) -> Card | None:
    rows = selectors.due_soon(request.user)
    if not rows:
        return None  # nothing due: the card would only say so
    audit.log_reads(user=request.user, objects=rows[:HOME_ROWS])
    n = len(rows)
    late = any(r.state["overdue"] for r in rows)  # type: ignore[attr-defined]

    def badge(r) -> tuple[str, str]:
        if r.state["overdue"]:
            return _("просрочено"), "bad"
        return _("осталось раб. дн.: %(n)s") % {"n": r.state["left"]}, "warn"
    return Card(
        code="rights_due", title=_("Обращения по ПД: сроки"), count=n, urgent=late,
        count_text=ngettext("%(n)s обращение", "%(n)s обращений", n) % {"n": n},
        rows=[Row(text=f"№ {r.number} — {r.get_kind_display()}", url=r.get_absolute_url(),
                  badge=badge(r)[0], badge_kind=badge(r)[1],
                  note=_("срок %(d)s") % {"d": r.due_on.strftime("%d.%m.%Y")})
              for r in rows[:HOME_ROWS]],
        more_url=reverse("rights:list"), more_label=_("Все обращения"))
