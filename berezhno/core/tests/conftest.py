"""Fixtures of the base's tests."""

import io
import logging

import pytest


@pytest.fixture
def log_output():
    """The output of the handlers LOGGING configures, captured."""
    streams = []
    for name in ("console", "server"):
        handler = logging.getHandlerByName(name)
        assert handler is not None, name
        stream = io.StringIO()
        streams.append((handler, handler.setStream(stream), stream))
    yield lambda: "".join(s.getvalue() for _h, _old, s in streams)
    for handler, old, _stream in streams:
        handler.setStream(old)
