"""Record kinds of the territory tree and districts, and the roles' rights on them."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import (  # noqa: F401  (re-exported for the app's code)
    ADD,
    CHANGE,
    DELETE,
    VIEW,
)

TERRITORY = "territory"
DISTRICT = "district"

# Every territorial role reads the tree and the districts (choice fields, the directory).
READERS = ("head", "district_specialist", "dispatcher", "specialist", "patrol_member",
           "patrol_hq", "coordinator", "analyst")


def register() -> None:
    access.register_kind(TERRITORY, _("территории"), administered=True)
    access.register_kind(DISTRICT, _("социальные участки"), administered=True)
    access.grant("admin", territory="view add change delete", district="view add change delete")
    for code in READERS:
        access.grant(code, territory="view", district="view")
    access.grant("partner", territory="view", district="view")
