"""Registry of domain event types with Russian labels.

Each app registers its event types at import time of its ``events`` module
(loaded from ``AppConfig.ready``); services record events only of
registered types, so the timeline can always label them.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class EventType:
    code: str
    label: str | Promise
    icon: str = "•"


_registry: dict[str, EventType] = {}


def register(code: str, label, icon: str = "•") -> EventType:
    if code in _registry and _registry[code].label != label:
        raise ValueError(f"event type {code} registered twice")
    et = EventType(code=code, label=label, icon=icon)
    _registry[code] = et
    return et


def get(code: str) -> EventType:
    return _registry[code]


def label(code: str) -> str:
    et = _registry.get(code)
    return str(et.label) if et else code


def all_types() -> list[EventType]:
    return sorted(_registry.values(), key=lambda e: e.code)
