from . import registry
from .admin_site import may_administer


def navigation(request) -> dict:
    """The main menu: the entries the apps registered that this user may see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menu = registry.menu_for(user)
    return {"menu": menu, "nav": {**{item["code"]: True for item in menu},
                                  "admin": user.is_staff or may_administer(user)}}
