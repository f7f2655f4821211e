"""Writes to users, role assignments, organisations and agreements."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.core import access, audit
from berezhno.core.access import can, forget_grants
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction

from . import roles
from .models import Organisation, RoleAssignment, User
from .permissions import may_manage_account, set_password_of


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


def role_assignment_errors(*, user, target: User | None, role: str, territory,
                           include_subtree: bool, practices: list[str],
                           instance: RoleAssignment | None = None,
                           new_account: bool = False) -> dict[str, list[str]]:
    """What the grant matrix (decision 0016) has against ``user`` giving ``target`` this
    role here; with ``instance``, against changing that assignment into this one. Empty:
    allowed. The one check of every role assignment, in the API, the admin and services.
    ``new_account``: the account is being created by ``user`` (who sets its password)."""
    errors: dict[str, list[str]] = {}
    known = access.roles()
    if instance is not None and instance.pk is not None and not _may_manage(user, instance):
        errors["__all__"] = [_("Это назначение роли вы изменять не можете: роль или "
                               "территория вне ваших прав на назначение ролей.")]
    if target is not None and target.pk is not None and target.pk == user.pk:
        errors["user"] = [_("Назначать роли самому себе нельзя: это делает другой сотрудник, "
                            "имеющий право назначать эту роль.")]
    if role not in known:
        errors["role"] = [_("Такой роли нет.")]
    elif role not in access.grantable_roles(user):
        errors["role"] = [_("Роль «%(role)s» вы назначать не можете. Её назначают: "
                            "%(granters)s.") % {"role": known[role].label,
                                                "granters": _granter_labels(role)}]
    unknown = set(practices) - {p.code for p in access.practices()}
    if unknown:
        errors["practices"] = [_("Нет таких практик: %(codes)s.")
                               % {"codes": ", ".join(sorted(unknown))}]
    if territory is None or not access.grant_territories(user).filter(
            pk=territory.pk).exists():
        errors["territory"] = [_("Эта территория вне вашей зоны доступа: назначать роли "
                                 "можно только на ваших территориях.")]
    elif "role" not in errors and not unknown and not access.may_grant(
            user, role, territory, include_subtree=include_subtree, practices=practices):
        errors["territory"] = [_("Здесь вы эту роль назначать не можете: только на "
                                 "территориях и в практиках вашего назначения (без "
                                 "нижестоящих территорий, если ваше назначение без них).")]
    if ("role" not in errors and not user.is_superuser
            and access.role_sees_personal_data(known[role])
            and (new_account or set_password_of(user, target))):
        errors.setdefault("user", []).append(_(
            "Вы задавали пароль этого пользователя, поэтому роль с доступом к персональным "
            "данным ему назначает другой сотрудник."))
    return errors


def _granter_labels(role: str) -> str:
    known = access.roles()
    names = [str(known[code].label) for code in access.granters_of(role)]
    return ", ".join(names) if names else str(_("только аварийная учётная запись "
                                                "(суперпользователь)"))


def _may_manage(user, assignment: RoleAssignment) -> bool:
    return access.may_grant(user, assignment.role, assignment.territory,
                            include_subtree=assignment.include_subtree,
                            practices=assignment.practices)


def _require_grant_right(user) -> None:
    if not access.may_grant_any(user):
        raise DomainError(_("Недостаточно прав для этого действия."), code=ErrorCode.FORBIDDEN)


@transaction.atomic
def role_assign(*, user, target: User, role: str, territory, include_subtree: bool = True,
                organisation: Organisation | None = None,
                practices: list[str] | None = None, valid_until=None,
                is_active: bool = True) -> RoleAssignment:
    """Give ``target`` a role at a node; ``practices`` limits it (empty: the role's own).
    Who may give which role where is the grant matrix (``role_assignment_errors``)."""
    _require_grant_right(user)
    practices = sorted(set(practices or []))
    errors = role_assignment_errors(user=user, target=target, role=role, territory=territory,
                                    include_subtree=include_subtree, practices=practices)
    if errors:
        raise ValidationError(errors)
    assignment = RoleAssignment.objects.create(
        user=target, role=role, territory=territory, include_subtree=include_subtree,
        organisation=organisation or target.organisation, practices=practices,
        valid_until=valid_until, is_active=is_active)
    forget_grants(target)
    audit.record(user=user, obj=assignment, action=ChangeAction.CREATE,
                 event_type="role.assigned", summary=str(assignment))
    return assignment


@transaction.atomic
def role_assignment_update(*, user, assignment: RoleAssignment, role: str, territory,
                           include_subtree: bool, organisation: Organisation | None,
                           practices: list[str], valid_until, is_active: bool
                           ) -> RoleAssignment:
    """Change an assignment: both the assignment as it stands and what it becomes must be
    within the user's grant rights."""
    _require_grant_right(user)
    current = RoleAssignment.objects.select_for_update().select_related(
        "territory", "user").get(pk=assignment.pk)
    practices = sorted(set(practices or []))
    errors = role_assignment_errors(user=user, target=current.user, role=role,
                                    territory=territory, include_subtree=include_subtree,
                                    practices=practices, instance=current)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(current)
    for name, value in (("role", role), ("territory", territory),
                        ("include_subtree", include_subtree), ("organisation", organisation),
                        ("practices", practices), ("valid_until", valid_until),
                        ("is_active", is_active)):
        setattr(current, name, value)
    current.version += 1
    current.save()
    forget_grants(current.user)
    audit.record(user=user, obj=current, action=ChangeAction.UPDATE, before=before,
                 event_type="role.changed", summary=str(current))
    return current


@transaction.atomic
def role_assignment_delete(*, user, assignment: RoleAssignment) -> None:
    """Take an assignment away: only one the user could have given."""
    _require_grant_right(user)
    current = RoleAssignment.objects.select_for_update().select_related(
        "territory", "user").get(pk=assignment.pk)
    if current.user_id == user.pk:
        raise ValidationError({"user": [_("Свои назначения ролей изменяет другой "
                                          "сотрудник.")]})
    if not _may_manage(user, current):
        raise ValidationError({"__all__": [_("Это назначение роли вы изменять не можете: "
                                             "роль или территория вне ваших прав на "
                                             "назначение ролей.")]})
    audit.record(user=user, obj=current, action=ChangeAction.DELETE,
                 before=audit.snapshot(current), after=None, event_type="record.deleted",
                 summary=str(current))
    current.delete()
    forget_grants(current.user)


@transaction.atomic
def user_password_set(*, user, target: User, password: str | None) -> User:
    """Set (or, with ``None``, disable) another account's password: only an account the
    user may manage (``permissions.may_manage_account``); audited, since whoever sets a
    password can log in as the account."""
    target = User.objects.select_for_update().get(pk=target.pk)
    if not may_manage_account(user, target):
        raise DomainError(_("Пароль этого пользователя вы менять не можете: у него роль с "
                            "доступом к персональным данным или роль, которую вы не "
                            "назначаете."), code=ErrorCode.FORBIDDEN)
    if password is None:
        target.set_unusable_password()
    else:
        target.set_password(password)
    target.save(update_fields=["password"])
    audit.record(user=user, obj=target, action=ChangeAction.UPDATE,
                 event_type="user.password_set", after={}, summary=target.username)
    return target
