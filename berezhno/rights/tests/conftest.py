import datetime

import pytest

from berezhno.core.context import acting_as
from berezhno.rights import services
from berezhno.testing.fixtures import make_user


@pytest.fixture
def spec(world):
    return world.user("specialist")


@pytest.fixture
def head(world):
    return world.user("head")


@pytest.fixture
def other_head(world):
    """The head of the other municipality (Тарский район)."""
    with acting_as("test"):
        return make_user("head2", "head", world.mun2, world.provider, last_name="Чужая")


def register(user, person, kind="access", received_on=datetime.date(2025, 12, 30), **extra):
    with acting_as("test"):
        return services.request_register(user=user, person=person, kind=kind,
                                         received_on=received_on, **extra)
