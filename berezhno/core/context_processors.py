from berezhno.accounts import roles
from berezhno.accounts.permissions import can

from .admin_site import may_administer


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "people": can(user, roles.PERSON, roles.VIEW_MINIMAL),
            "add_person": can(user, roles.PERSON, roles.ADD),
            "households": can(user, roles.HOUSEHOLD, roles.VIEW),
            "audit": can(user, roles.AUDIT, roles.VIEW),
            "cases": can(user, roles.CASE, roles.VIEW),
            "worklist": can(user, roles.ACTIVITY, roles.VIEW),
            "referrals": can(user, roles.REFERRAL, roles.VIEW),
            "board": can(user, roles.CASE, roles.ADD),
            "indicators": can(user, roles.INDICATOR, roles.VIEW),
            "admin": user.is_staff or may_administer(user),
        }
    }
