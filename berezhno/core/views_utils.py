"""Small helpers shared by the HTML views."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import audit, logsafe
from .errors import DomainError
from .models import AccessKind


def add_validation_errors(exc: ValidationError, form, *others) -> None:
    """Put each field error on the first form that has the field, the rest on ``form``."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.error_dict.items():
        target_form = next((f for f in (form, *others) if field in f.fields), form)
        target = field if field in target_form.fields else None
        for error in errors:
            target_form.add_error(target, error)


def apply_service(form, call: Callable):
    """Run a service; put its refusal on the form. Returns the result or None."""
    try:
        return call()
    except ValidationError as exc:
        add_validation_errors(exc, form)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        form.domain_error = exc
    return None


def get_or_404(queryset, **lookup):
    """A scoped lookup: out of scope and missing are the same 404."""
    try:
        found = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    audit.log_request_read(found)  # the page shows it: a read by the request's user
    return found


@dataclass
class Page:
    """A page of a list without counting the whole list: constant cost at any depth."""

    items: list
    number: int
    has_next: bool
    size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def paginate(queryset, request, size: int = 50, *, read_kind: str = AccessKind.VIEW_LIST,
             read_detail: str = "") -> Page:
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    number = min(number, 10000)
    start = (number - 1) * size
    rows = list(queryset[start:start + size + 1])
    # A page of personal records is a read of each (152-ФЗ): logged at the request's end.
    # ``read_kind``: a page that shows as much as a card (the partner's inbox) says so.
    audit.log_reads(user=getattr(request, "user", None), objects=rows[:size],
                    kind=read_kind, detail=read_detail or request.path[:200])
    return Page(items=rows[:size], number=number, has_next=len(rows) > size, size=size)


def pager_query(params: QueryDict) -> str:
    """A list's filters for its pager's links (``templates/_pager.html``): the address's
    parameters without ``page``, so each link keeps the filters and names one page."""
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


# ------------------------------------------------------------------ searches by POST


class SeeOther(HttpResponseRedirect):
    """303: the browser follows with a GET of the new address and forgets the old one."""

    status_code = 303


def search_by_post(*params: str):
    """For a list whose search fields ``params`` may hold a name, СНИЛС or phone (decision
    0017): such a term is only taken from the body of a POST. A GET that carries one (an old
    bookmark, a hand-typed address) is answered 303 with the same address without it, the
    term never executed and never put in another address (not even the login page's
    ``next``: put this decorator above ``login_required``). Other filters stay."""
    names = params or ("q",)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in ("GET", "HEAD") and logsafe.has_personal(request.GET, names):
                rest = logsafe.without_personal(request.GET, names)
                rest.pop("page", None)
                messages.info(request, _("Условия поиска по ФИО, СНИЛС или телефону не "
                                         "передаются в адресе страницы: введите их в форме."))
                query = rest.urlencode()
                return SeeOther(request.path + (f"?{query}" if query else ""))
            return view(request, *args, **kwargs)

        wrapped.search_params = names
        return wrapped

    return decorator


def search_data(request) -> QueryDict | None:
    """The filters of a list page: the POST body of a search, or the (non-personal)
    filters of a GET's address; None when there are none (the unfiltered list)."""
    if request.method == "POST":
        data = request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
        return data
    return request.GET if request.GET else None


def safe_next(value: str | None) -> str:
    """A ``next`` address a page may send the user back to after a hand-off (register a
    citizen and come back to the intake): a relative path of this site only
    (``/cases/intake/?…``), never another host, scheme, a protocol-relative ``//host`` or
    a backslash trick; anything else is ``""`` (no way back offered)."""
    value = (value or "").strip()
    if (not value.startswith("/") or value.startswith("//") or "\\" in value
            or any(ord(c) < 32 for c in value)):
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not url_has_allowed_host_and_scheme(
            value, allowed_hosts=None):
        return ""
    return value
