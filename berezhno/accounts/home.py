"""The administrator's home-page cards (decision 0031): reference data that needs work —
partner organisations without an agreement in force, staff signing in without a second
factor. Names of organisations and staff only: no resident's data."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from berezhno.core.access import restrict_queryset
from berezhno.core.home import HOME_ROWS, Card, Row

from . import roles
from .choices import OrganisationKind
from .models import Agreement, Organisation, RoleAssignment, User


def _short(qs, limit=HOME_ROWS) -> tuple[int, list]:
    found = list(qs[:limit + 1])
    return (len(found) if len(found) <= limit else qs.count()), found[:limit]


def agreements_panel(request) -> Card:
    today = timezone.localdate()
    in_force = Agreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), organisation=OuterRef("pk"),
        is_active=True, date__lte=today + datetime.timedelta(days=1))
    qs = restrict_queryset(Organisation.objects.filter(
        kind=OrganisationKind.PARTNER, is_active=True), request.user, roles.VIEW).filter(
        ~Exists(in_force)).order_by("name", "id")
    n, rows = _short(qs)
    return Card(
        code="no_agreements", title=_("Партнёры без действующего соглашения"), count=n,
        count_text=ngettext("%(n)s организация", "%(n)s организаций", n) % {"n": n},
        urgent=True,
        rows=[Row(text=o.short_name or o.name,
                  url=reverse("admin:accounts_organisation_change", args=[o.pk]))
              for o in rows],
        more_url=reverse("admin:accounts_agreement_changelist"),
        more_label=_("Соглашения"),
        empty=_("У всех действующих партнёров есть соглашение о взаимодействии."))


def two_factor_panel(request) -> Card:
    """Staff with a role in force and no confirmed authenticator."""
    has_role = RoleAssignment.objects.filter(user=OuterRef("pk"), is_active=True)
    has_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    qs = restrict_queryset(User.objects.filter(is_active=True), request.user, roles.VIEW
                           ).filter(Exists(has_role), ~Exists(has_device)).order_by(
        "last_name", "first_name", "id")
    n, rows = _short(qs)
    return Card(
        code="no_2fa", title=_("Пользователи без второго фактора"), count=n,
        count_text=ngettext("%(n)s пользователь", "%(n)s пользователей", n) % {"n": n},
        rows=[Row(text=u.short_name, url=reverse("admin:accounts_user_change", args=[u.pk]),
                  note=u.position) for u in rows],
        more_url=reverse("admin:accounts_user_changelist"), more_label=_("Пользователи"),
        empty=_("Все пользователи с ролями входят с кодом из приложения."))
