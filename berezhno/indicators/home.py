"""The indicators' home-page card (decision 0031): the head's and the analyst's figures of
the current quarter for their top territory, with a link to the full report.

A report over a region costs up to a second (docs/performance.md), too much for the most
visited page: the card shows the report's figures of the quarter as they are kept in the
cache (``selectors.evaluate_cached``, decision 0039: per practice, territory, period and
local date). They are aggregates of the territory, the same for every reader of it: no
personal data.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from berezhno.core.access import user_practices
from berezhno.core.home import Card, Row

from . import periods, roles, selectors
from .registry import registry

SHOWN = 4  # the card's figures; the report has them all


def _practice(user) -> str | None:
    mine = user_practices(user, roles.INDICATOR, roles.VIEW)
    for code in dict.fromkeys(i.practice for i in registry):
        if mine is None or code in mine:
            return code
    return None


def figures(practice: str, territory, quarter) -> list[tuple[str, str]]:
    """(name, value shown) of the practice's first indicators: the report's figures, kept
    in the cache for ``selectors.report_cache_seconds()`` (decision 0039)."""
    rows, _computed_at = selectors.evaluate_cached(practice, territory, quarter.start,
                                                   quarter.end)
    return [(str(r.indicator.name), r.display) for r in rows[:SHOWN]]


def indicators_panel(request) -> Card | None:
    user = request.user
    practice = _practice(user)
    if practice is None:
        return None
    territory = selectors.default_territory(user)
    if territory is None:
        return None
    quarter = periods.this_quarter(selectors.today(territory))
    url = reverse("indicators:report") + "?" + urlencode({
        "practice": practice, "territory": territory.pk, "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat()})
    return Card(
        code="indicators",
        title=_("Показатели: %(q)s %(y)s") % {"q": quarter.label, "y": quarter.start.year},
        note=f"{territory.name} · {registry.for_practice(practice)[0].practice_label}",
        rows=[Row(text=name, badge=value, badge_kind="ok") for name, value in
              figures(practice, territory, quarter)],
        more_url=url, more_label=_("Все показатели квартала"),
        empty=_("Показатели за квартал ещё не посчитаны."))
