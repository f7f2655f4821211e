"""The answer to an unknown address in development too: Russian, JSON under ``/api/``.

With ``DEBUG`` on (``make run``, the demo) Django answers every 404 — an address that
matches no route, a record out of scope — with its English technical page listing the
URL patterns, and the ``handler404`` of ``config/urls.py`` is never called: an API client
of the demo got HTML. This middleware replaces that page by the handler's answer (the
API's JSON error, the site's Russian page). ``BEREZHNO_TECHNICAL_404=1`` keeps Django's
page for a developer who wants the URL list. It sits outside ``CommonMiddleware`` (whose
``APPEND_SLASH`` redirect comes first) and inside ``GZipMiddleware``.
"""

from django.conf import settings

from .api import page_not_found

# A marker of Django's technical 404 template (django/views/templates/technical_404.html).
_TECHNICAL = b'<meta name="robots" content="NONE,NOARCHIVE">'


class NotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and settings.DEBUG
                and not getattr(settings, "BEREZHNO_TECHNICAL_404", False)
                and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")
                and _TECHNICAL in response.content):
            return page_not_found(request, None)
        return response
