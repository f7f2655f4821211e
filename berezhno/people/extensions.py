"""What apps above the registry add to the person card: a panel registry.

An app registers a panel in its ``AppConfig.ready()``::

    extensions.register_card_panel(CardPanel("rights", "rights/_person_panel.html",
                                             selectors.person_panel, order=10))

``context(request, person)`` returns the template's context (as ``panel``), or ``None``
when the panel has nothing for this user. Panels are shown above the card's sections, in
order; each costs its own queries, so a panel reads in bulk and only what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from berezhno.core.access import RegistryError


@dataclass(frozen=True)
class CardPanel:
    code: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


_panels: dict[str, CardPanel] = {}


def register_card_panel(panel: CardPanel) -> None:
    if panel.code in _panels and _panels[panel.code] != panel:
        raise RegistryError(f"person card panel {panel.code!r} registered twice")
    _panels[panel.code] = panel


def card_panels(request, person) -> list[tuple[str, dict]]:
    """(template, context) of each panel with something for the user, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.code)):
        context = panel.context(request, person)
        if context is not None:
            shown.append((panel.template, context))
    return shown
