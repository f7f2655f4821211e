"""Request context (user, request id, IP) carried in a context variable.

Services read it to stamp audit rows; management commands and tasks set it
with :func:`acting_as` so their writes are attributed too.
"""

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str = ""
    source: str = "web"


_current: ContextVar[RequestContext | None] = ContextVar("berezhno_request", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id="", source="system")
    return ctx


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_context(ctx: RequestContext):
    return _current.set(ctx)


def reset_context(token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def acting_as(source: str) -> Iterator[RequestContext]:
    """Run a block (command, task) under its own request id."""
    ctx = RequestContext(request_id=new_request_id(), source=source)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
