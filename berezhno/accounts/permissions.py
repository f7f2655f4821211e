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
                                   access.covered_practices(ra.practices, role)))
    return grants
