"""REST API of the registry: serializers parse, services write, selectors read.

One module per record kind (``persons``, ``categories``, ``consents``, ``contacts``,
``documents``, ``households``, ``share_requests``) and ``common`` for what they share. The
viewsets are registered by dotted path (``berezhno.people.api.PersonViewSet``, see ``apps.py``) and
``RegistryAccess`` is used by other apps, so they are named here.
"""

from .categories import CategoryViewSet
from .common import RegistryAccess, ScopedPersonField, ScopedTerritoryField, SettlementField
from .consents import ConsentViewSet
from .contacts import ContactViewSet
from .documents import DocumentViewSet
from .households import HouseholdViewSet
from .persons import PersonViewSet
from .share_requests import ShareRequestViewSet

__all__ = [
    "CategoryViewSet",
    "ConsentViewSet",
    "ContactViewSet",
    "DocumentViewSet",
    "HouseholdViewSet",
    "PersonViewSet",
    "RegistryAccess",
    "ScopedPersonField",
    "ScopedTerritoryField",
    "SettlementField",
    "ShareRequestViewSet",
]
