"""The user picker (``core.pickers``): a staff member found by name or login, for those
who read the audit journal or administer (the journal's "who" filter)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from berezhno.core import access
from berezhno.core.admin_site import may_administer
from berezhno.core.registry import Picker

from .models import User

PAGE = 20


def _may(user) -> bool:
    return user.is_superuser or access.can(user, access.AUDIT, access.VIEW) \
        or may_administer(user)


def _label(person: User) -> str:
    return f"{person.full_name} ({person.username})"


def search(user, term: str) -> list[tuple[int, str]]:
    if not _may(user):
        return []
    condition = Q()
    for token in term.split()[:3]:
        condition &= (Q(last_name__icontains=token) | Q(first_name__icontains=token)
                      | Q(patronymic__icontains=token) | Q(username__icontains=token))
    found = User.objects.filter(condition, is_active=True).order_by(
        "last_name", "first_name", "pk")[:PAGE]
    return [(u.pk, _label(u)) for u in found]


def label(user, pk: int) -> str | None:
    if not _may(user):
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    return _label(found) if found is not None else None


USER = Picker("user", search, label, prompt=gettext_lazy("Фамилия или логин"))
