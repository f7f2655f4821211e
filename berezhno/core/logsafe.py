"""Personal search terms never reach an address or a log line (issue 9, point 4).

Searches by name, СНИЛС or phone are sent in the body of a POST (decision 0017), so no
address carries them. This module is the second line: the names of the query parameters
that may hold such a term, a function that removes their values from any text that looks
like a request line or an address, and a ``logging.Filter`` wired in ``LOGGING`` for the
development server's access log (``django.server``), ``django.request`` and any WSGI
server's access logger (``gunicorn.access``, ``waitress``), so that an old bookmark or a
hand-typed ``?q=…`` is not written to a log file.
"""

import logging
import re
from collections.abc import Iterable, Mapping

# Query parameters that may carry a name, СНИЛС, phone or another personal term. ``q`` and
# ``search`` are the project's search fields; the rest are what a client or a bookmark of
# another system may send.
PERSONAL_PARAMS = frozenset({
    "q", "search", "term", "query", "snils", "phone", "name", "surname", "patronymic",
    "full_name", "fio", "birth_date", "email",
})
REDACTED = "[removed]"

# ``name=value`` after ``?``, ``&`` or ``;`` in a query string, for a personal name; the value
# ends at the next separator, a space, a quote or the end of the text.
_NAMES = "|".join(sorted(re.escape(p) for p in PERSONAL_PARAMS))
_PARAM = re.compile(r"(?P<lead>[?&;](?:" + _NAMES + r")=)(?P<value>[^&;\s\"'#]*)",
                    re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` with the values of personal query parameters replaced by ``[removed]``."""
    if "=" not in text:
        return text
    return _PARAM.sub(lambda m: m.group("lead") + (REDACTED if m.group("value") else ""),
                      text)


def has_personal(params: Mapping | Iterable[str], names: Iterable[str] = PERSONAL_PARAMS
                 ) -> bool:
    """Whether a query (a QueryDict or the names in it) has a non-empty personal term."""
    wanted = {n.lower() for n in names}
    if isinstance(params, Mapping):
        return any(str(k).lower() in wanted and any(v.strip() for v in _values(params, k))
                   for k in params)
    return any(str(k).lower() in wanted for k in params)


def _values(params: Mapping, key) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist(key) if getlist is not None else [params[key]]
    return [str(v) for v in values]


def without_personal(params, names: Iterable[str] = PERSONAL_PARAMS):
    """A mutable copy of a QueryDict without the personal parameters."""
    wanted = {n.lower() for n in names}
    copy = params.copy()
    for key in list(copy.keys()):
        if key.lower() in wanted:
            del copy[key]
    return copy


def _clean(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bytes):
        return scrub(value.decode("utf-8", "replace"))
    return value


class PersonalDataFilter(logging.Filter):
    """Removes personal query terms from a record's message and arguments (never drops a
    record). Put on the handlers, it covers every logger that propagates to them."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, Mapping):  # a WSGI server's atoms (``%(r)s``)
            record.args = {key: _clean(value) for key, value in args.items()}
        elif isinstance(args, tuple):
            record.args = tuple(_clean(value) for value in args)
        # The whole message too: a term split between the format and its arguments
        # ("?q=%s" % term) is only whole once formatted.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # A server that logs the request line as an attribute (``request_line``, ``r``).
        for name in ("request_line", "r", "uri", "url", "path"):
            value = record.__dict__.get(name)
            if isinstance(value, str):
                record.__dict__[name] = scrub(value)
        return True
