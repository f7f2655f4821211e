"""Writes to users, role assignments, organisations and agreements."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.core import access, audit
from berezhno.core.access import can, forget_grants, territories_in_scope
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction

from . import roles
from .models import Organisation, RoleAssignment, User


def _require(user, kind: str, action: str) -> None:
    if not can(user, kind, action):
        raise DomainError(_("Недостаточно прав для этого действия."), code=ErrorCode.FORBIDDEN)


@transaction.atomic
def user_create(*, user, username: str, password: str, last_name: str, first_name: str,
                patronymic: str = "", organisation: Organisation | None = None,
                position: str = "", email: str = "", phone: str = "",
                validate: bool = True) -> User:
    _require(user, roles.USER, roles.ADD)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("Укажите имя пользователя.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("Такое имя пользователя уже занято.")]})
    new = User(username=username, last_name=last_name.strip(), first_name=first_name.strip(),
               patronymic=patronymic.strip(), organisation=organisation, position=position,
               email=email, phone=phone)
    if validate:
        try:
            validate_password(password, new)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    new.set_password(password)
    new.save()
    audit.record(user=user, obj=new, action=ChangeAction.CREATE, event_type="user.created",
                 after=audit.snapshot(new, exclude=("password", "last_login", "created_at",
                                                    "updated_at")),
                 summary=new.username)
    return new


@transaction.atomic
def role_assign(*, user, target: User, role: str, territory, include_subtree: bool = True,
                organisation: Organisation | None = None,
                practices: list[str] | None = None) -> RoleAssignment:
    """Give ``target`` a role at a node; ``practices`` limits it (empty: the role's own)."""
    _require(user, roles.USER, roles.CHANGE)
    errors = {}
    if role not in access.roles():
        errors["role"] = [_("Такой роли нет.")]
    practices = sorted(set(practices or []))
    unknown = set(practices) - {p.code for p in access.practices()}
    if unknown:
        errors["practices"] = [_("Нет таких практик: %(codes)s.")
                               % {"codes": ", ".join(sorted(unknown))}]
    if territory is None or not territories_in_scope(user, roles.USER, roles.CHANGE).filter(
            pk=territory.pk).exists():
        errors["territory"] = [_("Эта территория вне вашей зоны доступа: назначать роли "
                                 "можно только на ваших территориях.")]
    if errors:
        raise ValidationError(errors)
    assignment = RoleAssignment.objects.create(
        user=target, role=role, territory=territory, include_subtree=include_subtree,
        organisation=organisation or target.organisation, practices=practices)
    forget_grants(target)
    audit.record(user=user, obj=assignment, action=ChangeAction.CREATE,
                 event_type="role.assigned", summary=str(assignment))
    return assignment
