"""The people app's home-page cards (decision 0031): the person search, the district
specialist's contacts (today's visits; overdue and due this week), the patrol's people
(registered by the user; unidentified persons met) and the social agent's assigned people.

Each is registered for the roles whose work it is (``apps.py``); none lists residents to a
role it is not meant for, and every name it shows was read through the user's scope and is
logged (``core.audit``).
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.core import access, audit
from berezhno.core.home import HOME_ROWS, Action, Card, Row, first_rows
from berezhno.core.workdays import local_today
from berezhno.territories.selectors import home_territory

from . import roles
from .choices import PersonStatus
from .models import Person, PersonAssignment
from .selectors import due_contacts

DUE_LIMIT = 30  # the worklist's nearest contacts (docs/performance.md)


def user_today(user) -> datetime.date:
    return local_today(home_territory(user))


def search_panel(request) -> dict:
    return {}


def _contacts(user) -> tuple[datetime.date, list]:
    """The district's due and overdue contacts, read once for both cards and logged."""
    def read():
        today = user_today(user)
        due = due_contacts(user, limit=DUE_LIMIT, today=today)
        audit.log_reads(user=user, objects=due)
        return today, due
    return access.memo(user, "home_contacts", read)


def _contact_row(c, today) -> Row:
    late = c.next_contact_date < today
    return Row(text=c.person.full_name, url=reverse("people:person", args=[c.person_id]),
               badge=c.next_contact_date.strftime("%d.%m.%Y"),
               badge_kind="bad" if late else ("warn" if c.next_contact_date == today else ""),
               note=_("последний контакт %(d)s") % {
                   "d": timezone.localtime(c.occurred_at).strftime("%d.%m.%Y")})


def today_panel(request) -> Card:
    today, due = _contacts(request.user)
    visits = [c for c in due if c.next_contact_date == today]
    n = len(visits)
    return Card(
        code="today", title=_("Визиты на сегодня"), count=n,
        count_text=ngettext("%(n)s визит", "%(n)s визитов", n) % {"n": n},
        rows=[_contact_row(c, today) for c in visits[:HOME_ROWS]],
        more_rows=[_contact_row(c, today) for c in visits[HOME_ROWS:]],
        empty=_("На сегодня визитов не запланировано. Найдите гражданина и запишите "
                "контакт — дата следующего контакта появится здесь в свой день."),
        actions=[Action(_("Найти гражданина"), reverse("people:list"))])


def due_panel(request) -> Card:
    today, due = _contacts(request.user)
    late = sum(1 for c in due if c.next_contact_date < today)
    n = len(due)
    count = ngettext("%(n)s контакт", "%(n)s контактов", n) % {"n": n}
    if n >= DUE_LIMIT:
        count = _("ближайшие %(count)s") % {"count": count}
    rows = [_contact_row(c, today) for c in due]
    return Card(
        code="due", title=_("Контакты: просроченные и на неделю"), count=n,
        count_text=count, urgent=bool(late),
        note=(ngettext("из них %(n)s просрочен", "из них %(n)s просрочено", late)
              % {"n": late}) if late else "",
        rows=rows[:HOME_ROWS], more_rows=rows[HOME_ROWS:],
        empty=_("Просроченных и запланированных на неделю контактов нет. Записывая "
                "контакт, укажите дату следующего — он появится здесь."))


def registered_panel(request) -> Card:
    """People the user registered (patrol): their own entries, through the scope."""
    user = request.user
    qs = (Person.objects.restrict(user, roles.VIEW_MINIMAL)
          .filter(created_by=user, status=PersonStatus.ACTIVE))
    rows, n = first_rows(qs.order_by("-id"), user=user)
    return Card(
        code="registered", title=_("Зарегистрированы мной"), count=n,
        count_text=ngettext("%(n)s человек", "%(n)s человек", n) % {"n": n},
        rows=[Row(text=_person_label(p), url=reverse("people:person", args=[p.pk]),
                  note=p.meeting_place or "") for p in rows[:HOME_ROWS]],
        more_url=reverse("people:list") + "?registered_by_me=true",
        more_label=_("Все, кого я зарегистрировал"),
        empty=_("Вы ещё никого не зарегистрировали. Встретив человека, которому нужна "
                "помощь, зарегистрируйте его или опишите неустановленное лицо."),
        actions=[Action(_("Неустановленное лицо"), reverse("people:unidentified_create")),
                 Action(_("Зарегистрировать гражданина"), reverse("people:create"),
                        secondary=True)])


def _person_label(p: Person) -> str:
    if p.is_unidentified and not (p.surname or p.name):
        return p.nickname or _("неустановленное лицо")
    return p.full_name


def unidentified_panel(request) -> Card:
    """Unidentified persons met in the user's territory: described, never named."""
    user = request.user
    qs = (Person.objects.restrict(user, roles.VIEW_MINIMAL)
          .filter(is_unidentified=True, status=PersonStatus.ACTIVE))
    rows, n = first_rows(qs.order_by("-id"), user=user)
    return Card(
        code="unidentified", title=_("Неустановленные лица"), count=n,
        count_text=ngettext("%(n)s человек", "%(n)s человек", n) % {"n": n},
        rows=[Row(text=p.nickname or _("без прозвища"),
                  url=reverse("people:person", args=[p.pk]),
                  note=" · ".join(x for x in (p.meeting_place, p.appearance[:80]) if x))
              for p in rows[:HOME_ROWS]],
        more_url=reverse("people:list") + "?unidentified=true",
        more_label=_("Все неустановленные"),
        empty=_("Неустановленных лиц нет. Встретив человека, который не назвался, опишите "
                "его: приметы, место встречи, прозвище."))


def assigned_panel(request) -> Card:
    """The social agent's assigned people (the fields an agent sees of them)."""
    user = request.user
    qs = (PersonAssignment.objects.filter(user=user, is_active=True,
                                          person__status=PersonStatus.ACTIVE)
          .select_related("person"))
    rows, n = first_rows(qs.order_by("person__search_name", "id"), user=user,
                         persons=lambda a: a.person)
    return Card(
        code="assigned", title=_("Мои подопечные"), count=n,
        count_text=ngettext("%(n)s подопечный", "%(n)s подопечных", n) % {"n": n},
        rows=[Row(text=a.person.full_name, url=reverse("people:person", args=[a.person_id]),
                  note=" · ".join(x for x in (a.person.actual_address, a.reason) if x))
              for a in rows[:HOME_ROWS]],
        more_url=reverse("people:list"), more_label=_("Все подопечные"),
        empty=_("За вами пока никто не закреплён: закрепляет координатор или участковый "
                "специалист. Обратитесь к координатору."))
