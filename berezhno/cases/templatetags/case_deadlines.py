"""The deadline column of the case lists (``{% case_deadlines c %}``) and the rows of the
case list (``{% case_rows page.items %}``).

Built in Python rather than by templates: a row is rendered 50 times a page. An include
per row was a third of the page's rendering time; the rows' template tags, filters and
``{% url %}`` were two thirds of what remained (11 of the page's 18 ms on the benchmark
region, 2 of them in ``reverse``).
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from .. import deadlines
from ..choices import CaseStatus

register = template.Library()


def _date(day) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


@register.simple_tag
def case_deadlines(case) -> SafeString:
    """A case marked by ``deadlines.mark_overdue``: how many working days it is overdue and
    each missed deadline, or the next deadline of the stage, or a dash."""
    if case.overdue_since:
        badge = format_html('<span class="badge bad overdue-days">{}</span>',
                            gettext("просрочка %(n)s раб. дн.") % {"n": case.overdue_days})
        lines = format_html_join("", '<div class="small">{}: {}</div>', (
            (deadlines.deadline_short_label(code), _date(day))
            for code, day in case.late.items()))
        return format_html("{}\n{}", badge, lines)
    if case.status == CaseStatus.INTAKE:
        return format_html('<span class="small">{} {}</span>', gettext("решение до"),
                           _date(case.decision_due))
    if case.status == CaseStatus.PLANNING and not case.programme_date:
        return format_html('<span class="small">{} {}</span>', gettext("программа до"),
                           _date(case.programme_due))
    return format_html('<span class="muted">{}</span>', "—")


_PK = 987654321987654321  # a stand-in id: the card's address is reversed once a page


@register.simple_tag
def case_rows(cases) -> SafeString:
    """The rows of the case list for cases marked by ``deadlines.mark_overdue`` (with their
    applicant, territory and responsible loaded). Each cell names its column for the
    phone's stacked layout (``table.stack``)."""
    card = reverse("cases:case", args=[_PK])
    labels = {"number": gettext("Номер"), "person": gettext("Заявитель"),
              "received": gettext("Обращение"), "status": gettext("Этап"),
              "territory": gettext("Территория"), "responsible": gettext("Ответственный"),
              "deadlines": gettext("Сроки")}
    rows = []
    for c in cases:
        received = _date(localtime(c.received_at))
        urgency = (format_html(' <span class="badge warn">{}</span>', c.get_urgency_display())
                   if c.urgency != "routine" else "")
        flags = format_html_join("", ' <span class="badge warn" title="{}">{}</span>',
                                 ((f.title, f.label) for f in c.flags))
        rows.append(format_html(
            '<tr{}>'
            '<td class="nowrap" data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{}</td>'
            '<td class="nowrap" data-label="{}">{}{}</td>'
            '<td data-label="{}">{}{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td></tr>\n',
            SafeString(' class="overdue"') if c.overdue_since else "",
            labels["number"], card.replace(str(_PK), str(c.pk)), c.number,
            labels["person"], c.person.full_name,
            labels["received"], received, urgency,
            labels["status"], c.get_status_display(), flags,
            labels["territory"], c.territory.name,
            labels["responsible"], c.responsible.short_name if c.responsible else "",
            labels["deadlines"], case_deadlines(c)))
    return SafeString("".join(rows))
