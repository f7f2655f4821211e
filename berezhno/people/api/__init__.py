"""REST API of the registry: serializers parse, services write, selectors read.

The viewsets are registered by dotted path (``berezhno.people.api.PersonViewSet``, see
``apps.py``) and ``RegistryAccess`` is shared with other apps, so they are named here.
"""

from .persons import (
    CategoryViewSet,
    ConsentViewSet,
    ContactViewSet,
    DocumentViewSet,
    HouseholdViewSet,
    PersonViewSet,
    RegistryAccess,
    ScopedPersonField,
    ScopedTerritoryField,
    SettlementField,
)

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
]
