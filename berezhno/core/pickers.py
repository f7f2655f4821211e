"""Picking a record by search, never by its number (decision 0029).

A filter or form that names a person or a user keeps the chosen record's id in the page
(an id is not a search term: it may stay in a GET address), but the user finds the
record by typing a name: the term is POSTed to ``core:pick`` (decision 0017 — a name
never enters an address, a history or a server log), the app that owns the records
answers through its registered ``registry.Picker`` within the user's scope, and each
candidate links back to the page with the record chosen. With htmx the candidates
appear under the field; without JavaScript the same POST answers a page of candidates.

Templates: ``core/_picker_field.html`` inside the page's GET form (the chip of the chosen
record, its hidden id, the search box) and ``core/_picker_form.html`` after it (the POST
form the search box belongs to, through its ``form`` attribute).
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import registry

MIN_TERM = 2
MAX_TERM = 100
_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def back_with(back: str, field: str, value: int | None) -> str:
    """``back`` (a local path with its query) with ``field`` set to ``value`` (or
    removed), on its first page."""
    parts = urlsplit(back)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in (field, "page")]
    if value is not None:
        query.append((field, str(value)))
    encoded = urlencode(query)
    return parts.path + (f"?{encoded}" if encoded else "")


def picker_context(field, code: str, back: str) -> dict:
    """What ``core/_picker_field.html`` and ``core/_picker_form.html`` need for one picked
    field (a bound form field; its value is the chosen id): the candidates link back to
    ``back`` (a GET address of the page) with the field set. A field with a hidden widget
    inside a POST form is carried by the form itself (``_form.html``): include the field
    template with ``carried=True``."""
    picker = registry.picker(code)
    return {"field": field, "code": code, "form_id": f"pick-{field.html_name}",
            "action": reverse("core:pick", args=[code]), "back": back,
            "clear_url": back_with(back, field.html_name, None),
            "prompt": picker.prompt if picker else ""}


def safe_back(request, back: str) -> str:
    if back.startswith("/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return "/"


@require_POST
@login_required
def pick(request, code: str):
    picker = registry.picker(code)
    if picker is None:
        raise Http404
    field = request.POST.get("field", "")
    if not _FIELD.match(field):
        raise Http404
    back = safe_back(request, request.POST.get("back", "/"))
    term = " ".join(request.POST.get("q", "").split())[:MAX_TERM]
    too_short = len(term) < MIN_TERM
    found = [] if too_short else picker.search(request.user, term)
    context = {"picker": picker, "too_short": too_short, "term": term, "back": back,
               "candidates": [(label, back_with(back, field, pk)) for pk, label in found]}
    template = "core/_pick_results.html" if request.headers.get("HX-Request") else \
        "core/pick.html"
    return render(request, template, context)

