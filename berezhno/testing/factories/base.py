"""The base of the factories that create through a service."""

from typing import Any

import factory

from berezhno.core.context import acting_as


class ServiceFactory(factory.Factory):
    """Creates by calling ``create_through_service`` with the resolved declarations (and any
    other keyword the test passes), inside a request context so the audit rows are written."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with acting_as("test"):
            return cls.create_through_service(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError(f"{cls.__name__} creates through a service; build() is not supported")

    @classmethod
    def create_through_service(cls, **kwargs: Any) -> Any:
        raise NotImplementedError


def required(name: str):
    """A declaration a test must give (the acting user, the person a record is about)."""

    def fail(_obj):
        raise TypeError(f"{name} is required")

    return factory.LazyAttribute(fail)
