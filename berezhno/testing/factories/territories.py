"""Territories and districts, through ``territories.services``."""

from typing import Any

import factory

from berezhno.territories import services
from berezhno.territories.choices import Level
from berezhno.territories.models import District, Territory

from .accounts import root_user
from .base import ServiceFactory


class TerritoryFactory(ServiceFactory):
    """A settlement by default; other fields (``time_zone``, ``kind``) pass through."""

    class Meta:
        model = Territory

    user = factory.LazyFunction(root_user)
    level = Level.SETTLEMENT
    parent = None
    name = factory.Sequence(lambda n: f"Село Тестовое {n + 1}")

    @classmethod
    def create_through_service(cls, *, user, level, parent, name, **data: Any) -> Territory:
        return services.territory_create(user=user, level=level, parent=parent, name=name,
                                         **data)


class DistrictFactory(ServiceFactory):
    """A district (участок) in ``parent``: its territory node, then the district's own
    fields (``specialist``, ``phone``, …) when any is given."""

    class Meta:
        model = District

    user = factory.LazyFunction(root_user)
    parent = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Участок {n + 1}")

    @classmethod
    def create_through_service(cls, *, user, parent, name, **data: Any) -> District:
        territory = services.territory_create(user=user, level=Level.DISTRICT, parent=parent,
                                              name=name)
        district = District.objects.get(territory=territory)
        if data:
            district = services.district_update(user=user, district=district,
                                                expected_version=district.version, **data)
        return district
