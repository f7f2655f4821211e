"""Helpers the registry's pages share: the person looked up in scope, the status of a refused
POST, the one-form page."""

from django.contrib import messages
from django.shortcuts import redirect, render

from berezhno.core.views_utils import (
    apply_service,
    get_or_404,
)
from berezhno.people import roles

from .. import selectors


def _person_or_404(user, pk, action=roles.VIEW, kind=None, seen=roles.VIEW):
    """A person the user sees (``seen``) and may do ``action`` on for record ``kind``.

    Anything else, out of scope or not allowed, is the same 404 as a missing record.
    """
    queryset = selectors.person_queryset(user, seen)
    if kind is not None or action != seen:
        queryset = queryset.restrict(user, action, kind)
    return get_or_404(queryset.select_related("territory", "settlement"), pk=pk)


def _post_status(form) -> int:
    """400 for invalid input, or the status of the service's refusal (403, 409)."""
    error = getattr(form, "domain_error", None)
    return error.status if error is not None else 400


def _simple(request, person, form, call, title, success, template="people/simple_form.html",
            extra=None, done=None):
    """One form on a person's page: a valid POST runs the service and goes back to the
    card (or to ``done``, a checked local address a hand-off came from)."""
    if request.method == "POST" and form.is_valid():
        result = apply_service(form, lambda: call(form.cleaned_data))
        if result is not None:
            messages.success(request, success)
            return redirect(done or person)
    status = _post_status(form) if request.method == "POST" else 200
    return render(request, template, {"form": form, "person": person, "title": title,
                                      **(extra or {})}, status=status)
