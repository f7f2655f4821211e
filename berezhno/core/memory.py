"""The garbage collector of a long-running server process.

A request leaves cyclic garbage (querysets, compiled SQL, serializer fields refer to each
other), so Python's collector runs every few requests, and now and then a collection of the
oldest generation walks every object of the process — Django, the URL patterns, the
compiled templates, the registries: about 180 000 objects, 30 to 130 ms measured on the
benchmark region's case list (a tenth of the process's time over 100 requests, and the
slowest requests of every run). Those objects live as long as the process.

After the first request has loaded them, the process collects once and *freezes* what is
left (``gc.freeze()``): the frozen objects are never walked again, so the oldest
generation's collections only see what later requests leave. This is what a pre-forking
server does before forking its workers; here each process does it for itself, so the
development server, the WSGI workers and the benchmark behave alike. Setting
``BEREZHNO_GC_FREEZE=0`` turns it off.
"""

import gc
import threading

from django.conf import settings
from django.core.signals import request_finished

_lock = threading.Lock()
_done = False


def freeze_after_first_request(**_kwargs) -> None:
    """Once per process, at the end of its first request: collect, then freeze."""
    global _done
    with _lock:
        if _done:
            return
        _done = True
    request_finished.disconnect(freeze_after_first_request,
                                dispatch_uid="berezhno.core.memory")
    gc.collect()
    gc.freeze()


def install() -> None:
    """Connect the one-time freeze (``CoreConfig.ready``) unless the setting turns it off."""
    if getattr(settings, "BEREZHNO_GC_FREEZE", True) and not _done:
        request_finished.connect(freeze_after_first_request,
                                 dispatch_uid="berezhno.core.memory")
