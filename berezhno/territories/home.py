"""The administrator's home-page card of districts without a specialist (decision 0031)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.core.access import restrict_queryset
from berezhno.core.home import HOME_ROWS, Card, Row

from . import roles
from .models import District


def vacant_districts_panel(request) -> Card:
    qs = restrict_queryset(District.objects.filter(
        specialist__isnull=True, territory__is_active=True), request.user, roles.VIEW
    ).select_related("territory").order_by("territory__path")
    found = list(qs[:HOME_ROWS + 1])
    n = len(found) if len(found) <= HOME_ROWS else qs.count()
    return Card(
        code="vacant_districts", title=_("Участки без специалиста"), count=n,
        count_text=ngettext("%(n)s участок", "%(n)s участков", n) % {"n": n}, urgent=True,
        rows=[Row(text=d.territory.name,
                  url=reverse("admin:territories_district_change", args=[d.pk]))
              for d in found[:HOME_ROWS]],
        more_url=reverse("admin:territories_district_changelist"),
        more_label=_("Все участки"),
        empty=_("На всех участках назначен специалист."))
