"""The registry's registers as XLSX and CSV (``core.exports``): persons, households,
contacts and the requests to share or transfer a record, exactly as the lists filter them."""

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from berezhno.core.exports import Asker, Column, Register, register_export

from . import roles, selectors
from .filters import PersonFilterSet, ShareRequestFilterSet
from .models import Contact


def _persons(user, data, limit):
    filterset = PersonFilterSet(data or None, request=Asker(user))
    if filterset.is_bound and not filterset.is_valid():
        return None
    return filterset.qs.select_related("territory", "settlement")[:limit]


def _households(user, data, limit):
    q = (data.get("q") or "")[:100]
    return selectors.household_search(user, q=q).prefetch_related("members")[:limit]


def _contacts(user, data, limit):
    start = parse_date(data.get("date_from") or "") if data.get("date_from") else None
    end = parse_date(data.get("date_to") or "") if data.get("date_to") else None
    if (data.get("date_from") and start is None) or (data.get("date_to") and end is None):
        return None
    qs = Contact.objects.restrict(user, roles.VIEW).select_related(
        "person", "author").order_by("-occurred_at", "-id")
    if start is not None:
        qs = qs.filter(occurred_at__date__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__date__lte=end)
    return qs[:limit]


class _Sent:
    """A request the user sees only as its sender: the export names no person of it, so it
    is no read of one (not a model: ``core.audit.log_reads`` leaves it out)."""

    def __init__(self, request):
        self.request = request

    def __getattr__(self, name):
        return getattr(self.request, name)


def _share_requests(user, data, limit):
    filterset = ShareRequestFilterSet(data or None, request=Asker(user),
                                      queryset=selectors.share_requests(user))
    if filterset.is_bound and not filterset.is_valid():
        return None
    return [r if r.held_here else _Sent(r) for r in filterset.qs[:limit]]


def _entered(r) -> str:
    entered = r.entered or {}
    birth = parse_date(entered.get("birth_date") or "") if entered.get("birth_date") else None
    return ", ".join(p for p in (entered.get("name") or "",
                                 birth.strftime("%d.%m.%Y") if birth else "") if p)


def register() -> None:
    register_export(Register(
        code="persons", label=_("Граждане"), kind=roles.PERSON, back="people:list",
        rows=_persons, columns=(
            Column(_("Фамилия"), lambda p: p.surname), Column(_("Имя"), lambda p: p.name),
            Column(_("Отчество"), lambda p: p.patronymic),
            Column(_("Дата рождения"), lambda p: p.birth_date),
            Column(_("Пол"), lambda p: p.get_sex_display()),
            Column(_("СНИЛС"), lambda p: p.snils), Column(_("Телефон"), lambda p: p.phone),
            Column(_("Адрес проживания"), lambda p: p.actual_address),
            Column(_("Населённый пункт"), lambda p: p.settlement.name if p.settlement else ""),
            Column(_("Территория"), lambda p: p.territory.name),
            Column(_("Особое внимание"), lambda p: p.special_attention),
            Column(_("Учёт"), lambda p: p.get_status_display()))))
    register_export(Register(
        code="households", label=_("Домохозяйства"), kind=roles.PERSON,
        back="people:household_list", rows=_households, columns=(
            Column(_("Название"), lambda h: h.name), Column(_("Адрес"), lambda h: h.address),
            Column(_("Территория"), lambda h: h.territory.name),
            Column(_("Членов"), lambda h: sum(1 for m in h.members.all() if m.until is None)),
            Column(_("Доход"), lambda h: h.get_income_level_display()),
            Column(_("Жилищные условия"), lambda h: h.get_housing_conditions_display()))))
    register_export(Register(
        code="contacts", label=_("Контакты"), kind=roles.PERSON, back="people:list",
        rows=_contacts, columns=(
            Column(_("Дата и время"), lambda c: c.occurred_at),
            Column(_("Гражданин"), lambda c: c.person.full_name),
            Column(_("Способ"), lambda c: c.get_channel_display()),
            Column(_("Цель"), lambda c: c.get_purpose_display()),
            Column(_("Итог"), lambda c: c.outcome),
            Column(_("Следующий контакт"), lambda c: c.next_contact_date),
            Column(_("Специалист"), lambda c: c.author.short_name if c.author else ""))))
    register_export(Register(
        code="share_requests", label=_("Запросы доступа к записям"), kind=roles.PERSON,
        back="people:share_requests", rows=_share_requests, columns=(
            Column(_("Номер"), lambda r: r.pk),
            Column(_("Направление"), lambda r: _("входящий") if r.held_here
                   else _("отправленный")),
            Column(_("Гражданин"), lambda r: r.person.full_name if r.held_here else ""),
            Column(_("Сведения запросившего"), _entered),
            Column(_("Запрашивающая территория"), lambda r: r.territory.name),
            Column(_("Кто запросил"), lambda r: r.requested_by.full_name),
            Column(_("Когда запрошено"), lambda r: r.requested_at),
            Column(_("Что просят"), lambda r: r.get_kind_display()),
            Column(_("Основание"), lambda r: r.reason),
            Column(_("Состояние"), lambda r: r.get_status_display()),
            Column(_("Кто решил"), lambda r: r.decided_by.full_name if r.decided_by else ""),
            Column(_("Когда решено"), lambda r: r.decided_at),
            Column(_("Комментарий к решению"), lambda r: r.decision_comment))))
