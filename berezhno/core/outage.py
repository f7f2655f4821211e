"""A database outage answered as one: 503 with ``Retry-After`` and a Russian message
(decision 0028).

While PostgreSQL restarts or is unreachable, every request fails somewhere — in the
view, in the session or the user lookup, in the access-log insert at the end of the
request. The middleware answers the view's failures; the 500 handler (``handler500`` in
``config.urls``) answers the rest, since Django converts an exception raised by any
middleware into a call of that handler. Both give the same answer: the API's error body
under ``/api/`` (decision 0020), elsewhere a page that needs nothing from the database
(no session, no user, no context processors). Other server errors get the same Russian
treatment with status 500.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _

logger = logging.getLogger("berezhno.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_outage(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from or during, is the database going away."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _stylesheet() -> str:
    # The page must render even before ``collectstatic`` (a manifest without the entry
    # raises): then it goes unstyled.
    try:
        return static("css/app.css")
    except ValueError:
        return ""


def _page(status: int, title: str, message: str) -> HttpResponse:
    html = render_to_string("core/unavailable.html", {
        "title": title, "message": message, "stylesheet": _stylesheet()})
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def outage_response(request) -> HttpResponse:
    detail = _("База данных временно недоступна. Повторите попытку через минуту: "
               "введённые данные не сохранены.")
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"code": "unavailable", "detail": detail}, status=503,
            json_dumps_params={"ensure_ascii": False})
    else:
        response = _page(503, _("Сервис временно недоступен"), detail)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    """The 500 handler: an outage answers 503, anything else a Russian 500."""
    if is_database_outage(sys.exc_info()[1]):
        return outage_response(request)
    detail = _("Внутренняя ошибка сервера. Ошибка записана, администратор её увидит; "
               "повторите попытку позже.")
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "detail": detail}, status=500,
                            json_dumps_params={"ensure_ascii": False})
    return _page(500, _("Ошибка сервера"), detail)


class DatabaseOutageMiddleware:
    """Answer a view that failed on the database with the outage response (and one log
    line instead of a traceback per request while the database is down)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.warning("database unavailable: %s %s: %s", request.method, request.path,
                       str(exception).splitlines()[0] if str(exception) else
                       type(exception).__name__)
        return outage_response(request)
