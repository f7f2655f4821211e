"""Writes to users, role assignments, organisations and agreements."""

import datetime
from typing import TypedDict, Unpack

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from berezhno.core import access, audit
from berezhno.core.access import can, forget_grants
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import (
    apply_fields,
    check_version,
    lock,
    reject_unknown,
    snapshot_at,
)

from . import roles, two_factor
from .authentication import key_digest, new_key
from .models import Agreement, ApiToken, Organisation, RoleAssignment, User
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

# ------------------------------------------------------------------------ API tokens

TOKEN_FIELDS = ("user", "prefix", "created_at", "expires_at", "revoked_at", "revoked_by")


def _token_snapshot(token: ApiToken) -> dict:
    # Never the digest: the journal shows which key, not anything derived from it.
    return audit.snapshot(token, fields=TOKEN_FIELDS)


@transaction.atomic
def api_token_issue(*, user, second_factor_verified: bool) -> tuple[ApiToken, str]:
    """A new API key for ``user`` itself; the previous active key is revoked.

    Returns the token and the key, which exists only in this return value: the caller shows
    it once. A user who has (or must have) two factors issues keys only from a session that
    passed the second factor."""
    if not user.is_authenticated or not user.is_active:
        raise DomainError(_("Недостаточно прав для этого действия."), code=ErrorCode.FORBIDDEN)
    if two_factor.needs_second_factor(user) and not second_factor_verified:
        raise DomainError(_("Ключ API выпускается только после входа с кодом второго "
                            "фактора."), code=ErrorCode.FORBIDDEN)
    for old in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        _revoke(user=user, token=old)
    key = new_key()
    now = timezone.now()
    token = ApiToken.objects.create(user=user, digest=key_digest(key), prefix=key[:8],
                                    created_at=now,
                                    expires_at=now + settings.BEREZHNO_API_TOKEN_LIFETIME)
    audit.record(user=user, obj=token, action=ChangeAction.CREATE,
                 event_type="api_token.issued", after=_token_snapshot(token),
                 summary=str(token))
    return token, key


def _revoke(*, user, token: ApiToken) -> None:
    before = _token_snapshot(token)
    token.revoked_at = timezone.now()
    token.revoked_by = user
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(user=user, obj=token, action=ChangeAction.UPDATE,
                 event_type="api_token.revoked", before=before, after=_token_snapshot(token),
                 summary=str(token))


def may_revoke_any_token(user) -> bool:
    """Administrators (the right to change users) revoke any user's key."""
    return can(user, roles.USER, roles.CHANGE)


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke a key: its owner, or an administrator for a user in their scope. A key the
    user may not revoke looks exactly like a missing one."""
    owners = (access.restrict_queryset(User.objects.all(), user, roles.CHANGE)
              if may_revoke_any_token(user) else User.objects.none())
    token = (ApiToken.objects.select_for_update()
             .filter(Q(user=user) | Q(user__in=owners), pk=token_id).first())
    if token is None:
        raise DomainError(_("Ключ не найден."), code=ErrorCode.NOT_FOUND)
    if token.revoked_at is not None:
        raise DomainError(_("Этот ключ уже отозван."), code=ErrorCode.INVALID_TRANSITION)
    _revoke(user=user, token=token)
    return token


# ------------------------------------------------------------------------ two factors


def _two_factor_audit(*, user, target: User, event_type: str, enabled: bool | None,
                      summary: str = "") -> None:
    # The change is recorded on the user; no key or code ever goes into the journal.
    state = {"two_factor": enabled}
    before = None if enabled is None else {"two_factor": not enabled}
    audit.record(user=user, obj=target, action=ChangeAction.UPDATE, event_type=event_type,
                 before=before, after=state, summary=summary or target.username)


@transaction.atomic
def two_factor_begin(*, user) -> TOTPDevice:
    """The unconfirmed authenticator of ``user`` (made on the first call): its key is shown
    as a QR code until a code from the app confirms it. Nothing counts before that."""
    if two_factor.totp_device(user) is not None:
        raise DomainError(_("Вход с кодом уже включён."), code=ErrorCode.INVALID_TRANSITION)
    device = two_factor.totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=two_factor.TOTP_NAME,
                                           confirmed=False)
    return device


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=two_factor.RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [two_factor.new_recovery_code() for _i in range(two_factor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=two_factor.recovery_digest(c)) for c in codes)
    return codes


def two_factor_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with its first code; returns the device and the new
    recovery codes (shown once).

    The code is checked in its own transaction before the confirming one, so that a wrong
    code's throttling step (django-otp) is kept when the refusal is raised."""
    device = two_factor.totp_device(user, confirmed=False)
    if device is None or two_factor.totp_device(user) is not None:
        raise DomainError(_("Нет приложения, ожидающего подтверждения: начните настройку "
                            "заново."), code=ErrorCode.INVALID_TRANSITION)
    if (not two_factor.looks_like_totp(code)
            or verify_token(user, device.persistent_id, code.replace(" ", "")) is None):
        raise ValidationError({"code": [_("Код не подошёл. Введите шесть цифр, которые "
                                          "приложение показывает сейчас.")]})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_recovery_codes(user)
        _two_factor_audit(user=user, target=user, event_type="two_factor.enabled",
                          enabled=True)
    return device, codes


def two_factor_check(*, user, code: str) -> Device | None:
    """The device that accepts ``code`` (authenticator or recovery code), or None.

    Each device throttles itself (django-otp: after a failure the next try waits 1, 2, 4…
    seconds); a recovery code is spent when it is used, and that is recorded."""
    code = (code or "").strip()
    if not code:
        return None
    if two_factor.looks_like_totp(code):
        device = two_factor.totp_device(user)
        token = code.replace(" ", "")
    else:
        device = two_factor.recovery_device(user)
        token = two_factor.recovery_digest(code)
    if device is None:
        return None
    with transaction.atomic():
        accepted = verify_token(user, device.persistent_id, token)
        if accepted is not None and isinstance(accepted, StaticDevice):
            left = accepted.token_set.count()
            audit.record_event(user=user, event_type="two_factor.recovery_used", obj=user,
                               summary=_("Осталось кодов восстановления: %(n)s")
                               % {"n": left})
    return accepted


@transaction.atomic
def two_factor_recovery_renew(*, user) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working)."""
    if two_factor.totp_device(user) is None:
        raise DomainError(_("Сначала включите вход с кодом."),
                          code=ErrorCode.INVALID_TRANSITION)
    codes = _new_recovery_codes(user)
    _two_factor_audit(user=user, target=user, event_type="two_factor.recovery_renewed",
                      enabled=None)
    return codes


def two_factor_disable(*, user, code: str) -> None:
    """Switch two factors off for ``user`` itself, confirmed by a current code; refused
    when one of the user's roles requires them. (The code is checked before the removing
    transaction, so that a wrong code's throttling step is kept.)"""
    if two_factor.totp_device(user) is None:
        raise DomainError(_("Вход с кодом не включён."), code=ErrorCode.INVALID_TRANSITION)
    if two_factor.is_required(user):
        raise DomainError(_("Для вашей роли вход с кодом обязателен: отключить его нельзя."),
                          code=ErrorCode.FORBIDDEN)
    if two_factor_check(user=user, code=code) is None:
        raise ValidationError({"code": [_("Код не подошёл.")]})
    with transaction.atomic():
        _remove_devices(user)
        _two_factor_audit(user=user, target=user, event_type="two_factor.disabled",
                          enabled=False)


def _remove_devices(target: User) -> None:
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()


@transaction.atomic
def two_factor_reset(*, user, target: User, reason: str) -> None:
    """Remove ``target``'s devices (a lost phone), from the operator's command line
    (``manage.py reset_two_factor``): the next sign-in sets them up again if required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Укажите основание сброса.")]})
    if not TOTPDevice.objects.filter(user=target).exists():
        raise DomainError(_("У пользователя не включён вход с кодом."),
                          code=ErrorCode.INVALID_TRANSITION)
    _remove_devices(target)
    _two_factor_audit(user=user, target=target, event_type="two_factor.reset", enabled=False,
                      summary=f"{target.username}: {reason}")


# --------------------------------------------------------------------------- reference data


class OrganisationChanges(TypedDict, total=False):
    kind: str
    partner_kind: str
    name: str
    short_name: str
    inn: str
    ogrn: str
    address: str
    phone: str
    email: str
    territory: Model | None  # a Territory (a sibling app: not imported here)
    is_active: bool


class AgreementChanges(TypedDict, total=False):
    organisation: Organisation
    provider: Organisation | None
    number: str
    date: datetime.date
    valid_until: datetime.date | None
    subject: str
    is_active: bool


def _reference_update[M: Organisation | Agreement](
        user, model: type[M], pk: int, expected_version: int | None, changes: dict,
        event_type: str) -> M:
    """Lock, refuse a save over a newer version (409 with the current values), validate
    the record as a whole (the model's own rules), save and audit."""
    obj = lock(model, pk)
    before = audit.snapshot(obj)
    check_version(obj, expected_version, [f.name for f in model._meta.concrete_fields
                                          if f.name not in ("id", "version")], before,
                  snapshot_at(obj, expected_version))
    if apply_fields(obj, changes):
        obj.full_clean()
        obj.version += 1
        obj.save()
        audit.record(user=user, obj=obj, action=ChangeAction.UPDATE, before=before,
                     event_type=event_type, summary=str(obj))
    return obj


@transaction.atomic
def organisation_update(*, user, organisation: Organisation, expected_version: int | None,
                        **changes: Unpack[OrganisationChanges]) -> Organisation:
    """Change the given fields of an organisation (those left out stay as they are)."""
    reject_unknown(changes, OrganisationChanges.__annotations__, "organisation_update")
    _require(user, roles.ORGANISATION, access.CHANGE)
    return _reference_update(user, Organisation, organisation.pk, expected_version,
                             dict(changes), "organisation.saved")


@transaction.atomic
def agreement_file_set(*, user, agreement: Agreement, expected_version: int | None,
                       file: File) -> Agreement:
    """Store the agreement's scan (checked by the caller, ``core.files.check_upload``) on
    the version the client read; the file follows the transaction (decision 0023)."""
    _require(user, roles.AGREEMENT, access.CHANGE)
    return _reference_update(user, Agreement, agreement.pk, expected_version,
                             {"file": file}, "agreement.saved")


@transaction.atomic
def agreement_update(*, user, agreement: Agreement, expected_version: int | None,
                     **changes: Unpack[AgreementChanges]) -> Agreement:
    """Change the given fields of an agreement (its scan is uploaded by itself)."""
    reject_unknown(changes, AgreementChanges.__annotations__, "agreement_update")
    _require(user, roles.AGREEMENT, access.CHANGE)
    return _reference_update(user, Agreement, agreement.pk, expected_version,
                             dict(changes), "agreement.saved")
