"""The referrals' home-page cards (decision 0031): the partner's referrals waiting for an
answer and its overdue answers and results; the head's overdue referrals by specialist."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.core import audit
from berezhno.core.home import HOME_ROWS, Card, Row, by_user

from . import deadlines, roles
from .choices import ReferralStatus
from .models import Referral


def _referrals(n: int) -> str:
    return ngettext("%(n)s направление", "%(n)s направлений", n) % {"n": n}


def _inbox(**params) -> str:
    return reverse("referrals:inbox") + ("?" + "&".join(f"{k}={v}" for k, v in params.items())
                                         if params else "")


def _rows(user, qs, badge) -> tuple[int, list[Row]]:
    found = list(qs.select_related("case__person", "case__territory", "organisation")
                 [:HOME_ROWS + 1])
    n = len(found) if len(found) <= HOME_ROWS else qs.count()
    audit.log_reads(user=user, objects=found[:HOME_ROWS])
    return n, [Row(text=f"№ {r.case.number} — {r.case.person.full_name}",
                   url=_inbox(status=r.status),
                   badge=badge(r)[0], badge_kind=badge(r)[1],
                   note=r.services[:120]) for r in found[:HOME_ROWS]]


def waiting_panel(request) -> Card:
    """Referrals addressed to the partner's organisation that wait for its answer."""
    user = request.user
    qs = Referral.objects.restrict(user, roles.VIEW).filter(
        status=ReferralStatus.SENT).order_by("response_due", "id")
    n, rows = _rows(user, qs, lambda r: (
        _("ответить до %(d)s") % {"d": r.response_due.strftime("%d.%m.%Y")}, "warn"))
    return Card(
        code="waiting", title=_("Направления ждут ответа"), count=n, count_text=_referrals(n),
        rows=rows, more_url=_inbox(status=ReferralStatus.SENT),
        more_label=_("Все ожидающие ответа"),
        empty=_("Новых направлений нет. Когда специалист направит к вам гражданина, оно "
                "появится здесь: примите или отклоните его."))


def overdue_panel(request) -> Card:
    """The partner's answers and results past their deadline."""
    user = request.user
    qs = Referral.objects.restrict(user, roles.VIEW).filter(
        deadlines.referral_overdue_q()).order_by("response_due", "id")

    def badge(r):
        due = r.response_due if r.status == ReferralStatus.SENT else r.result_due
        return (_("срок %(d)s") % {"d": due.strftime("%d.%m.%Y")} if due else ""), "bad"
    n, rows = _rows(user, qs, badge)
    return Card(
        code="overdue_answers", title=_("Просроченные ответы и результаты"), count=n,
        count_text=_referrals(n), urgent=True, rows=rows, more_url=_inbox(overdue="on"),
        more_label=_("Все просроченные"),
        empty=_("Просроченных ответов нет: все направления обработаны в срок."))


def overdue_by_specialist_panel(request) -> Card:
    """Referrals of the head's territory whose partner is late, by the case's responsible."""
    counts = list(Referral.objects.restrict(request.user, roles.VIEW)
                  .filter(deadlines.referral_overdue_q()).order_by()
                  .values("case__responsible_id").annotate(n=Count("pk"))
                  .values_list("case__responsible_id", "n"))
    return by_user(
        "overdue_referrals", _("Направления без ответа партнёра по специалистам"), counts,
        _referrals, lambda pk: _inbox(overdue="on"), more_url=_inbox(overdue="on"),
        more_label=_("Все просроченные направления"),
        empty=_("Просроченных направлений нет: партнёры отвечают в срок."))
