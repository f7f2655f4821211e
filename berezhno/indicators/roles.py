"""The record kind of aggregate indicators (no personal data) and who reads them."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import VIEW  # noqa: F401  (re-exported for the app's code)

INDICATOR = "indicator"


def register() -> None:
    access.register_kind(INDICATOR, _("показатели практик"))
    for code in ("admin", "head", "district_specialist", "dispatcher", "analyst"):
        access.grant(code, indicator="view")
