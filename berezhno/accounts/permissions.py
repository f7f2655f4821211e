"""The source of a user's grants for the access engine (``core.access``): their active
role assignments, with the practices each one covers."""

from django.db.models import Q
from django.utils import timezone

from berezhno.core import access

from .models import RoleAssignment


def load_grants(user) -> list[access.Grant]:
    """The user's active role assignments (registered as the engine's grant loader)."""
    today = timezone.localdate()
    known = access.roles()
    grants = []
    for ra in (RoleAssignment.objects.filter(user=user, is_active=True)
               .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
               .select_related("territory")):
        role = known.get(ra.role)
        if role is None:
            continue  # a role whose app is no longer installed grants nothing
        grants.append(access.Grant(role, ra.territory_id, ra.territory.path,
                                   ra.include_subtree, ra.organisation_id,
                                   access.covered_practices(ra.practices, role),
                                   ra.territory.time_zone))
    return grants


# Events that mean "this actor set the account's password" (the account was created with
# a password, or the password was set in the admin).
PASSWORD_EVENTS = ("user.created", "user.password_set")


def set_password_of(actor, target) -> bool:
    """Whether ``actor`` ever set ``target``'s password, by the audit trail: who did can
    log in as the account, so they do not give it access to personal data (decision 0016)."""
    from django.contrib.contenttypes.models import ContentType

    from berezhno.core.models import DomainEvent

    if actor is None or target is None or target.pk is None:
        return False
    return DomainEvent.objects.filter(
        actor_id=actor.pk, event_type__in=PASSWORD_EVENTS, object_id=target.pk,
        content_type=ContentType.objects.get_for_model(type(target))).exists()


def holds_personal_role(target) -> bool:
    """Whether any of the account's role assignments, active or not, is of a role that
    reads personal data."""
    known = access.roles()
    return any(access.role_sees_personal_data(known[code])
               for code in target.role_assignments.values_list("role", flat=True)
               if code in known)


def may_manage_account(user, target) -> bool:
    """Whether ``user`` may change ``target``'s account (password, name, login, e-mail,
    active flag) or delete it: never a superuser's unless a superuser; never the account of
    a holder of a personal-data role unless a superuser (whoever sets a password can act as
    its holder); otherwise every role assignment of the account must be one the user may
    give (the grant matrix). One's own account stays one's own."""
    if not access._active(user) or target is None:
        return False
    if user.is_superuser:
        return True
    if target.is_superuser:
        return False
    if target.pk is None:
        return True
    if target.pk == user.pk:
        return True
    if holds_personal_role(target):
        return False
    return all(access.may_grant(user, ra.role, ra.territory, include_subtree=ra.include_subtree,
                                practices=ra.practices)
               for ra in target.role_assignments.select_related("territory"))
