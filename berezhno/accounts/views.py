import time

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.views_utils import add_validation_errors, paginate

from . import selectors, services, two_factor
from .forms import LoginForm, OtpCodeForm, OtpSetupForm
from .models import User


class LoginView(auth_views.LoginView):
    """The password; a user with an authenticator then gives a code (``otp_verify``)
    before the session is signed in at all."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_expired"] = self.request.session.pop("idle_expired", False)
        return context

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_device(user):
            return super().form_valid(form)
        self.request.session[two_factor.PENDING_KEY] = {
            "user": user.pk, "backend": user.backend, "next": self.get_success_url(),
            "at": int(time.time())}
        return redirect("accounts:otp_verify")


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _verifying(request) -> tuple[User | None, str]:
    """Who is giving a code, and where they go next: the signed-in user of an unverified
    session, or the user whose password was just accepted (for a few minutes)."""
    if request.user.is_authenticated:
        return request.user, _safe_next(request, request.POST.get("next")
                                        or request.GET.get("next"))
    pending = request.session.get(two_factor.PENDING_KEY)
    if not pending or time.time() - pending["at"] > two_factor.PENDING_SECONDS:
        request.session.pop(two_factor.PENDING_KEY, None)
        return None, ""
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, _safe_next(request, pending["next"])


def _locked(request):
    return render(request, "accounts/locked_out.html", status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second factor: a code of the app or a recovery code.

    A wrong code counts as a failed sign-in for django-axes (the same limit and cool-off as
    passwords, for the user name and address) and makes the device wait before the next
    try (django-otp's throttling, whatever the address)."""
    user, next_url = _verifying(request)
    if user is None:
        messages.error(request, _("Время на ввод кода истекло. Войдите снова."))
        return redirect("accounts:login")
    if request.user.is_authenticated and (two_factor.is_verified(request)
                                          or not two_factor.has_device(user)):
        request.session[two_factor.DEVICE_STATE_KEY] = two_factor.has_device(user)
        return redirect(next_url)
    credentials = {"username": user.get_username()}
    form = OtpCodeForm(request.POST or None)
    status = 200 if form.is_bound is False or form.is_valid() else 400
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked(request)
        device = services.two_factor_check(user=user, code=form.cleaned_data["code"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _locked(request)
            form.add_error("code", _("Код не подошёл. После неудачной попытки следующая "
                                     "возможна через несколько секунд."))
            status = 400
        else:
            if not request.user.is_authenticated:
                backend = request.session.pop(two_factor.PENDING_KEY)["backend"]
                auth.login(request, user, backend=backend)
            django_otp.login(request, device)
            request.session[two_factor.DEVICE_STATE_KEY] = True
            if isinstance(device, StaticDevice):
                messages.warning(request, _(
                    "Вы вошли по коду восстановления; он больше не действует. Осталось "
                    "кодов: %(n)s. Новые коды — в профиле.") % {"n": device.token_set.count()})
            return redirect(next_url)
    return render(request, "accounts/otp_verify.html",
                  {"form": form, "next": next_url if request.user.is_authenticated else ""},
                  status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Turn on sign-in with a code: scan the QR code, type the first code."""
    user = request.user
    if two_factor.totp_device(user) is not None:
        messages.info(request, _("Вход с кодом уже включён."))
        return redirect("accounts:profile")
    form = OtpSetupForm(request.POST or None)
    status = 200 if form.is_bound is False or form.is_valid() else 400
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_confirm(user=user,
                                                        code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_validation_errors(exc, form)
            status = 400
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = 400
        else:
            django_otp.login(request, device)
            request.session[two_factor.DEVICE_STATE_KEY] = True
            return _show_codes(request, codes, enabled=True)
    device = services.two_factor_begin(user=user)
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": two_factor.qr_data_uri(device),
        "secret": two_factor.secret_text(device),
        "required": two_factor.is_required(user)}, status=status)


def _show_codes(request, codes: list[str], *, enabled: bool):
    # The views calling this are never_cache: the codes are not kept by a browser or proxy.
    return render(request, "accounts/otp_codes.html", {"codes": codes, "enabled": enabled})


@never_cache
@login_required
@require_POST
def otp_recovery(request):
    """New recovery codes (the old ones stop working); without two factors, nothing here."""
    if two_factor.totp_device(request.user) is None:
        raise Http404
    codes = services.two_factor_recovery_renew(user=request.user)
    return _show_codes(request, codes, enabled=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_disable(request):
    """Switch sign-in with a code off (confirmed by a current code)."""
    if two_factor.totp_device(request.user) is None:
        raise Http404
    form = OtpCodeForm(request.POST or None)
    status = 200 if form.is_bound is False or form.is_valid() else 400
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_disable(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_validation_errors(exc, form)
            status = 400
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        else:
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            request.session[two_factor.DEVICE_STATE_KEY] = False
            messages.success(request, _("Вход с кодом отключён."))
            return redirect("accounts:profile")
    return render(request, "accounts/otp_disable.html",
                  {"form": form, "required": two_factor.is_required(request.user)},
                  status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's own page: roles, sign-in with a code, API keys for integrations.

    POST issues a new key (the previous one is revoked); the key is shown once, in this
    response, and never stored."""
    user = request.user
    new_key = None
    status = 200
    if request.method == "POST":
        try:
            _token, new_key = services.api_token_issue(
                user=user, second_factor_verified=two_factor.is_verified(request))
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = exc.status
    assignments = user.role_assignments.filter(is_active=True).select_related(
        "territory", "organisation")
    # never_cache: the page with a new key is not kept by the browser or a proxy.
    return render(request, "accounts/profile.html", {
        "tokens": selectors.own_tokens(user), "new_key": new_key,
        "token_days": settings.BEREZHNO_API_TOKEN_LIFETIME.days,
        "assignments": assignments, "totp": two_factor.totp_device(user),
        "two_factor_required": two_factor.is_required(user),
        "recovery_left": _recovery_left(user),
        "may_revoke_any": services.may_revoke_any_token(user)}, status=status)


def _recovery_left(user) -> int | None:
    device = two_factor.recovery_device(user)
    return device.token_set.count() if device is not None else None


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke a key: one's own, or (administrator) any user's in scope."""
    try:
        services.api_token_revoke(user=request.user, token_id=pk)
    except DomainError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Ключ API отозван."))
    back = "accounts:tokens" if request.POST.get("back") == "tokens" else "accounts:profile"
    return redirect(back)


@login_required
def tokens(request):
    """Administrators: every active API key of the users they manage (no key is shown,
    there is none to show), to revoke."""
    if not services.may_revoke_any_token(request.user):
        raise Http404
    page = paginate(selectors.active_tokens(request.user), request)
    return render(request, "accounts/tokens.html", {"page": page})
