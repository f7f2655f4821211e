"""What apps contribute to the site: pages, API routes, menu entries and home-page panels.

The base (``config.urls``, ``config.api_urls``, the menu in ``base.html``, the home page)
reads these registries and knows no domain app. An app registers in its
``AppConfig.ready()``::

    registry.register_pages("cases/", "berezhno.cases.urls")
    registry.register_api_route("cases", "berezhno.cases.api.CaseViewSet", "case")
    registry.register_menu(MenuEntry("cases", _("Случаи"), "cases:list",
                                     lambda u: access.can(u, CASE, VIEW), order=40))
    registry.register_home_panel(HomePanel("due", "people/_home_due.html", due_panel))

Views and viewsets are given as dotted paths and imported when the URLs are built, so that
``ready()`` does not import the view layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .access import RegistryError

# ------------------------------------------------------------------------ pages and API


@dataclass(frozen=True)
class Pages:
    prefix: str  # "cases/"
    urlconf: str  # "berezhno.cases.urls"


@dataclass(frozen=True)
class ApiRoute:
    prefix: str  # "cases"
    viewset: str  # dotted path
    basename: str


@dataclass(frozen=True)
class ApiPath:
    prefix: str  # "indicators/"
    urlconf: str


_pages: dict[str, Pages] = {}
_api_routes: dict[str, ApiRoute] = {}
_api_paths: dict[str, ApiPath] = {}


def _put(store: dict, key: str, value, what: str) -> None:
    if key in store and store[key] != value:
        raise RegistryError(f"{what} {key!r} registered twice, differently")
    store[key] = value


def register_pages(prefix: str, urlconf: str) -> None:
    """The pages of ``urlconf`` under ``prefix``; several apps may share a prefix (the apps
    above the case spine keep their pages under ``cases/``), their patterns must differ."""
    _put(_pages, urlconf, Pages(prefix, urlconf), "page urlconf")


def register_api_route(prefix: str, viewset: str, basename: str) -> None:
    _put(_api_routes, prefix, ApiRoute(prefix, viewset, basename), "API route")


def register_api_path(prefix: str, urlconf: str) -> None:
    _put(_api_paths, prefix, ApiPath(prefix, urlconf), "API path")


def pages() -> list[Pages]:
    return list(_pages.values())


def api_routes() -> list[tuple[str, Any, str]]:
    """(prefix, viewset class, basename), the viewsets imported now."""
    return [(r.prefix, import_string(r.viewset), r.basename) for r in _api_routes.values()]


def api_paths() -> list[ApiPath]:
    return list(_api_paths.values())


# ------------------------------------------------------------------------ menu


@dataclass(frozen=True)
class MenuEntry:
    """A link of the main menu, shown when ``visible(user)`` is true."""

    code: str
    label: Any
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 100


_menu: dict[str, MenuEntry] = {}


def register_menu(entry: MenuEntry) -> None:
    _put(_menu, entry.code, entry, "menu entry")


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu.values(), key=lambda e: (e.order, e.code))


def menu_for(user) -> list[dict]:
    """The entries the user may see, in order: ``{"code", "label", "url"}``."""
    items = []
    for entry in menu_entries():
        if not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            # The app's pages are not mounted (a trimmed URLconf in a test); a misspelt
            # name in the real URLconf is reported by the system check berezhno.E003.
            continue
        items.append({"code": entry.code, "label": entry.label, "url": url})
    return items


# ------------------------------------------------------------------------ home page


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page: ``context(request)`` returns the template's context, or
    ``None`` when the block is not for this user (or has nothing to show)."""

    code: str
    template: str
    context: Callable[[Any], dict | None]
    order: int = 100


_home: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _put(_home, panel.code, panel, "home panel")


def home_panels(request) -> list[tuple[str, dict]]:
    """(template, context) of each panel that has something for the user, in order."""
    shown = []
    for panel in sorted(_home.values(), key=lambda p: (p.order, p.code)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown


# ------------------------------------------------------------------------ pickers


@dataclass(frozen=True)
class Picker:
    """How a form picks a record by search rather than by its number (``core.pickers``):
    ``search(user, term)`` returns up to a page of ``(pk, label)`` in the user's scope,
    its reads logged; ``label(user, pk)`` the label of a chosen record, or ``None`` when
    the user may not see it. Registered by the app that owns the records."""

    code: str
    search: Callable[[Any, str], list[tuple[int, str]]]
    label: Callable[[Any, int], str | None]
    prompt: Any = ""


_pickers: dict[str, Picker] = {}


def register_picker(picker: Picker) -> None:
    _put(_pickers, picker.code, picker, "picker")


def picker(code: str) -> Picker | None:
    return _pickers.get(code)
