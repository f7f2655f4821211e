"""What apps contribute to the site: pages, API routes, menu entries and home-page panels.

The base (``config.urls``, ``config.api_urls``, the menu in ``base.html``, the home page)
reads these registries and knows no domain app. An app registers in its
``AppConfig.ready()``::

    registry.register_pages("cases/", "berezhno.cases.urls")
    registry.register_api_route("cases", "berezhno.cases.api.CaseViewSet", "case")
    registry.register_menu(MenuEntry("cases", _("Случаи"), "cases:list",
                                     lambda u: access.can(u, CASE, VIEW), order=40))
    registry.register_home_panel(HomePanel("due", registry.HOME_CARD, due_panel,
                                           roles=("district_specialist",), order=40))

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


HOME_CARD = "core/_home_card.html"  # the card every panel is drawn as (core.home.Card)


@dataclass(frozen=True)
class HomePanel:
    """A card of the home page (decision 0031): ``context(request)`` returns the template's
    context (a ``core.home.Card`` for the shared card template), or ``None`` when it has
    nothing for this user.

    Whom it is for is declared, not decided inside ``context``: ``roles`` — the role codes
    it serves (empty: every signed-in user); ``requires`` — ``(kind, action)`` the user's
    assignment of one of those roles must allow; ``practice`` — a practice that
    assignment must cover. A panel is asked for its context only when one of the user's
    own assignments passes all three, so a role the panel does not name never sees it,
    whatever other rights that role has (a patrol member may read the contacts of their
    territory, yet is not shown the district's worklist of residents). A superuser is
    treated as an administrator.
    """

    code: str
    template: str
    context: Callable[[Any], Any]
    order: int = 100
    roles: tuple[str, ...] = ()
    requires: tuple[str, str] | None = None
    practice: str | None = None

    def is_for(self, user) -> bool:
        from . import access

        if not (user is not None and user.is_authenticated and user.is_active):
            return False
        if not self.roles and self.requires is None and self.practice is None:
            return True
        if user.is_superuser:
            return not self.roles or "admin" in self.roles
        for g in access.user_grants(user):
            if self.roles and g.role.code not in self.roles:
                continue
            if self.requires is not None and not g.role.allows(*self.requires):
                continue
            if not g.covers(self.practice):
                continue
            return True
        return False


_home: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _put(_home, panel.code, panel, "home panel")


def home_panel_list() -> list[HomePanel]:
    return sorted(_home.values(), key=lambda p: (p.order, p.code))


def home_panels(request) -> list[tuple[str, Any]]:
    """(template, context) of each panel meant for the user that has something to show,
    in order; only the panels meant for the user run their queries."""
    shown = []
    for panel in home_panel_list():
        if not panel.is_for(request.user):
            continue
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
