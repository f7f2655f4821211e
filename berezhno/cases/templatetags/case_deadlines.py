"""The deadline column of the case lists (``{% case_deadlines c %}``).

Built in Python rather than by an included template: the column is rendered once per row
of a 50-row page, and an include per row was a third of the page's rendering time.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
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
