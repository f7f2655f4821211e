"""Two factors before anything else (decision 0015).

A signed-in browser session whose user has a confirmed device but has not given a code
goes to the code page; a user whose role requires two factors and who has none goes to
set them up. Until then only those pages, signing out and the static catalogue answer;
an API call with such a session gets 403 (``two_factor_required``). Token requests carry
no session and are not concerned: a token is issued only from a verified session.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import two_factor

OPEN_ROUTES = ("accounts:otp_verify", "accounts:otp_setup", "accounts:logout",
               "accounts:login", "javascript-catalog")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def _open_paths(self) -> frozenset[str]:
        if self._open is None:
            self._open = frozenset(reverse(name) for name in OPEN_ROUTES)
        return self._open

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and hasattr(request, "session")
                and not two_factor.is_verified(request)):
            target = self._owed(request, user)
            if target is not None and request.path not in self._open_paths():
                return self._refuse(request, target)
        return self.get_response(request)

    def _owed(self, request, user) -> str | None:
        """The page the session must pass first, or None."""
        state = request.session.get(two_factor.DEVICE_STATE_KEY)
        if state is None:  # a session that started before this rule existed
            state = two_factor.has_device(user)
            request.session[two_factor.DEVICE_STATE_KEY] = state
        if state:
            return "accounts:otp_verify"
        if two_factor.is_required(user):
            return "accounts:otp_setup"
        return None

    def _refuse(self, request, target: str):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "two_factor_required",
                 "detail": _("Сеанс не подтверждён вторым фактором: войдите в систему и "
                             "введите код.")},
                status=403, json_dumps_params={"ensure_ascii": False})
        url = reverse(target)
        if request.method == "GET" and target == "accounts:otp_verify":
            # The path only: a query string may carry a search term (issue 9, point 4).
            url += "?" + urlencode({"next": request.path})
        return redirect(url)
