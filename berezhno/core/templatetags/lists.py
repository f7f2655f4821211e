"""The shared parts of a list page (docs/development/ui.md, «Filters», «Empty states»,
«Pager»; decision 0036).

``{% filter_panel form %}`` renders a list's filter fields inside the page's own ``<form>``
(which keeps its method, its ``hx-*`` attributes and its id): the search box first, the
other filters in a ``<details class="filters">`` whose summary counts the active ones
(«Фильтры: 2»), then the submit button and «Сбросить». The panel is open in the HTML (so
without JavaScript it is open); ``static/js/app.js`` folds it at phone width when no filter
is active and none has an error.

``{{ form|active_filters }}`` is the number of filters in use (the search included): the
result lists pass it to ``core/_empty.html``, which then says «Ничего не найдено…» with the
reset link instead of the list's own next step.
"""

from django import template

register = template.Library()

_EMPTY = (None, "", False)


def _is_set(value) -> bool:
    if isinstance(value, list | tuple):
        return any(_is_set(v) for v in value)
    if isinstance(value, str):
        return value.strip() != ""
    return value not in _EMPTY


def _field_active(form, bound) -> bool:
    """A filter is active when the submitted value is not empty and is not the value the
    page assumes without it (``form.filter_defaults``: the indicators' quarter, say)."""
    if not getattr(form, "is_bound", False):
        return False
    value = bound.data
    if not _is_set(value):
        return False
    default = getattr(form, "filter_defaults", {}).get(bound.name)
    return default is None or str(value) != str(default)


def _names(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [n.strip() for n in value.split(",") if n.strip()]
    return list(value)


@register.filter
def active_filters(form, search="") -> int:
    """How many of ``form``'s fields filter the list (the search box too, unless its
    names are given to be left out: ``form|active_filters:"q"``)."""
    if form is None or not hasattr(form, "fields"):
        return 0
    skip = set(_names(search))
    return sum(1 for bound in form if bound.name not in skip and _field_active(form, bound))


def _checkbox(bound) -> bool:
    return bound.widget_type in ("checkbox", "flag")


@register.inclusion_tag("core/_filters.html", takes_context=True)
def filter_panel(context, form, search="", reset="", submit="", pickers=None,
                 panel_id="filters", fold=True):
    """The filter panel of ``form`` inside the page's ``<form>``.

    ``search``: the names of the fields shown above the panel (the search box), comma
    separated; ``reset``: the address of the unfiltered list (the page's path); ``submit``:
    the button's text (default «Показать»); ``pickers``: the page's pickers
    (``core/_picker_field.html`` arguments, their fields left out of the plain fields);
    ``panel_id``: the ``<details>``' id when a page has two panels; ``fold=False``: a
    report whose filters are its question (nothing is shown before they are chosen) is
    never folded. The pickers read the chosen record through the request's user."""
    request = context.get("request")
    if not hasattr(form, "fields"):  # a page rendered without its form: the button only
        return {"request": request, "hidden": [], "top_fields": [], "fields": [],
                "pickers": [], "count": 0, "base": 0, "any_active": False,
                "non_field_errors": [], "errors": False, "reset": reset, "submit": submit,
                "panel_id": panel_id, "fold": fold}
    searched = _names(search)
    picked = {p["field"].name for p in (pickers or ())}
    visible = [b for b in form.visible_fields() if b.name not in picked]
    top = [b for b in visible if b.name in searched]
    rest = [b for b in visible if b.name not in searched]
    count = active_filters(form, ",".join(searched))
    total = active_filters(form)
    # The filters inside the panel (app.js recounts them as they change on an htmx page);
    # the rest of ``count`` are hidden filters the address carried (a case's activities).
    inside = sum(1 for b in rest if _field_active(form, b)) + sum(
        1 for name in picked if _field_active(form, form[name]))
    bound = getattr(form, "is_bound", False)
    non_field = list(form.non_field_errors()) if bound else []
    return {
        "request": request, "hidden": [b for b in form.hidden_fields() if b.name not in picked],
        "top_fields": [{"bound": b, "check": _checkbox(b)} for b in top],
        "fields": [{"bound": b, "check": _checkbox(b)} for b in rest],
        "pickers": pickers or [], "count": count, "base": count - inside,
        "any_active": total > 0, "non_field_errors": non_field,
        "errors": bound and (any(b.errors for b in form) or bool(non_field)),
        "reset": reset, "submit": submit, "panel_id": panel_id, "fold": fold,
    }
