"""The case spine's home-page cards (decision 0031): missed deadlines (district specialist,
dispatcher), new intakes and the board's summary (dispatcher), the specialist's activities
due, and the head's overdue cases by specialist. Registered in ``apps.py`` for the roles
whose work they are; every query is a count or a short list through the user's scope.
"""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.core import audit
from berezhno.core.home import HOME_ROWS, Action, Card, Row, by_user, first_rows

from . import deadlines
from .choices import ACTIVE_STATUSES, CaseStatus, PlanStatus, Practice
from .models import Activity, SupportCase
from .selectors import activity_search, case_queryset, mark_activities

# Up to this many overdue cases are counted from the one read of their ids.
COUNT_LIMIT = 2000


def _cases(n: int) -> str:
    return ngettext("%(n)s случай", "%(n)s случаев", n) % {"n": n}


def _list_url(**params) -> str:
    return reverse("cases:list") + "?" + urlencode({"status": "active", **params})


def _overdue_scope(user):
    return case_queryset(user).filter(status__in=ACTIVE_STATUSES).filter(
        deadlines.case_overdue_q())


def _case_row(case) -> Row:
    missed = ", ".join(str(deadlines.deadline_short_label(code)) for code in case.late)
    return Row(text=f"№ {case.number} — {case.person.full_name}", url=case.get_absolute_url(),
               badge=case.overdue_since.strftime("%d.%m.%Y") if case.overdue_since else "",
               badge_kind="bad", note=missed)


def deadlines_panel(request, mine: bool = False) -> Card:
    """Cases of the user's scope with a missed deadline (decision, programme, activity,
    and those the practices add): the first by decision date, shown by the earliest
    missed deadline. ``mine``: only the cases the user is responsible for (the district
    specialist's own work; the dispatcher watches the whole territory)."""
    user = request.user
    qs = _overdue_scope(user)
    if mine:
        qs = qs.filter(responsible=user)
    # The overdue filter is the costly part (a subquery per deadline): it runs once, for
    # the ids in order (their count is the card's), and the shown cases are read by id.
    ids = list(qs.order_by("decision_due", "id").values_list("id", flat=True)[:COUNT_LIMIT])
    n = len(ids) if len(ids) < COUNT_LIMIT else qs.count()
    rows = deadlines.mark_overdue(deadlines.with_pending(
        SupportCase.objects.filter(pk__in=ids[:HOME_ROWS])).select_related(
        "person", "territory").order_by("decision_due", "id"))
    rows = sorted(rows, key=lambda c: (c.overdue_since or c.today, c.pk))
    audit.log_reads(user=user, objects=rows)
    return Card(
        code="my_deadlines" if mine else "deadlines",
        title=_("Просроченные сроки по моим случаям") if mine
        else _("Просроченные сроки по случаям"),
        count=n, count_text=_cases(n), urgent=True, rows=[_case_row(c) for c in rows],
        more_url=_list_url(overdue="on", **({"responsible": user.pk} if mine else {})),
        more_label=_("Все просроченные случаи"),
        empty=_("Просроченных сроков нет. Ближайшие сроки ваших случаев — в рабочем "
                "списке."))


def my_deadlines_panel(request) -> Card:
    return deadlines_panel(request, mine=True)


def intakes_panel(request) -> Card:
    """Family Dispatch intakes awaiting the decision on need, the newest first."""
    user = request.user
    qs = case_queryset(user).filter(practice=Practice.FAMILY_DISPATCH,
                                    status=CaseStatus.INTAKE)
    rows, n = first_rows(qs.select_related("person").order_by("-received_at", "-id"), user=user)
    return Card(
        code="intakes", title=_("Новые обращения"), count=n, count_text=ngettext(
            "%(n)s обращение", "%(n)s обращений", n) % {"n": n},
        rows=[Row(text=f"№ {c.number} — {c.person.full_name}", url=c.get_absolute_url(),
                  badge=c.received_at.strftime("%d.%m.%Y"),
                  note=_("решение до %(d)s") % {"d": c.decision_due.strftime("%d.%m.%Y")})
              for c in rows[:HOME_ROWS]],
        more_url=_list_url(status=CaseStatus.INTAKE, practice=Practice.FAMILY_DISPATCH),
        more_label=_("Все обращения на оценке"),
        empty=_("Новых обращений нет. Примите обращение, когда семья позвонит или придёт."),
        actions=[Action(_("Принять обращение"), reverse("cases:intake"))])


def board_panel(request) -> Card:
    """The board in figures: Family Dispatch cases in work by stage (one grouped count)."""
    user = request.user
    by_status = dict(case_queryset(user).filter(
        practice=Practice.FAMILY_DISPATCH, status__in=ACTIVE_STATUSES).order_by()
        .values("status").annotate(n=Count("pk")).values_list("status", "n"))
    n = sum(by_status.values())
    labels = dict(CaseStatus.choices)
    return Card(
        code="board", title=_("Доска диспетчерской"), count=n, count_text=_cases(n),
        rows=[Row(text=labels[s], url=_list_url(status=s, practice=Practice.FAMILY_DISPATCH),
                  badge=str(by_status[s])) for s in ACTIVE_STATUSES if by_status.get(s)],
        more_url=reverse("cases:board"), more_label=_("Открыть доску"),
        empty=_("В работе нет ни одного случая семейной диспетчерской."))


def activities_panel(request) -> Card:
    """The specialist's open activities of programmes in force, by due date."""
    user = request.user
    found = activity_search(user, mine=True, status="open", plan_status=PlanStatus.APPROVED)
    rows, n = first_rows(found, user=user)
    rows = mark_activities(rows)
    late = (Activity.objects.filter(responsible_user=user)
            .filter(deadlines.activity_overdue_q()).count()) if rows else 0
    return Card(
        code="activities", title=_("Мои мероприятия"), count=n, urgent=bool(late),
        count_text=ngettext("%(n)s мероприятие", "%(n)s мероприятий", n) % {"n": n},
        note=(ngettext("из них %(n)s просрочено", "из них %(n)s просрочено", late)
              % {"n": late}) if late else "",
        rows=[Row(text=a.title, url=a.case.get_absolute_url(),
                  badge=a.due_date.strftime("%d.%m.%Y"),
                  badge_kind="bad" if a.overdue else "",
                  note=f"№ {a.case.number} — {a.case.person.full_name}")
              for a in rows[:HOME_ROWS]],
        more_url=reverse("cases:worklist"), more_label=_("Рабочий список"),
        empty=_("Назначенных вам мероприятий нет. Их назначает ответственный за случай в "
                "утверждённой программе."))


def overdue_by_specialist_panel(request) -> Card:
    """Overdue cases of the head's territory counted by responsible specialist."""
    user = request.user
    counts = list(_overdue_scope(user).order_by().values("responsible_id")
                  .annotate(n=Count("pk")).values_list("responsible_id", "n"))
    return by_user(
        "overdue_cases", _("Просроченные случаи по специалистам"), counts, _cases,
        lambda pk: _list_url(overdue="on", responsible=pk),
        more_url=_list_url(overdue="on"), more_label=_("Все просроченные случаи"),
        empty=_("Просроченных случаев нет."))
