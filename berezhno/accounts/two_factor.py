"""Two-factor authentication (decision 0015) on django-otp's TOTP and static devices.

A user has two factors when they have a *confirmed* TOTP device (an authenticator app);
their recovery codes are a static device beside it. A session counts as verified when
``django_otp.login`` has stored the device that accepted a code (``DEVICE_ID_SESSION_KEY``).
Whether the user had a device when the session started is kept in the session
(``DEVICE_STATE_KEY``, set at sign-in), so the middleware decides without a query.

Recovery codes are stored as the first 16 hex digits of their SHA-256 (django-otp's
``StaticToken`` column holds 16 characters): a code is 16 random base32 characters
(80 bits), so the stored digest cannot be turned back into a usable code.
"""

import base64
import hashlib
import secrets

import segno
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from berezhno.core import access

DEVICE_STATE_KEY = "_2fa_device"  # True when the signed-in user has a confirmed device
PENDING_KEY = "_2fa_pending"  # password accepted, code awaited: {user, backend, next, at}
PENDING_SECONDS = 300
RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def totp_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()


def has_device(user) -> bool:
    return bool(user.is_authenticated) and TOTPDevice.objects.filter(
        user=user, confirmed=True).exists()


def is_required(user) -> bool:
    """Whether the user's roles require two factors (``BEREZHNO_2FA_REQUIRED_ROLES``).

    The roles come from the grants the access engine loads once per request anyway."""
    codes = list(settings.BEREZHNO_2FA_REQUIRED_ROLES)
    if not codes or not user.is_authenticated:
        return False
    if user.is_superuser and "admin" in codes:
        return True
    return access.has_role(user, *codes)


def needs_second_factor(user) -> bool:
    """The user has two factors or must have them."""
    return has_device(user) or is_required(user)


def is_verified(request) -> bool:
    """The session passed the second factor."""
    return request.session.get(DEVICE_ID_SESSION_KEY) is not None


def remember_device_state(request, user) -> None:
    """Called at every sign-in (``user_logged_in``): whether a code is owed."""
    if hasattr(request, "session"):
        request.session[DEVICE_STATE_KEY] = has_device(user)


def normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t")


def recovery_digest(code: str) -> str:
    return hashlib.sha256(normalise_recovery(code).encode()).hexdigest()[:16]


def new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def looks_like_totp(code: str) -> bool:
    code = code.replace(" ", "")
    return len(code) in (6, 8) and code.isascii() and code.isdigit()


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32 in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The provisioning QR code as an SVG ``data:`` URI (drawn here, nothing fetched)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def check_required_roles(app_configs=None, **kwargs):
    """System check: every code of BEREZHNO_2FA_REQUIRED_ROLES names a role."""
    from django.core.checks import Error

    unknown = sorted(set(settings.BEREZHNO_2FA_REQUIRED_ROLES) - set(access.roles()))
    if not unknown:
        return []
    return [Error(f"BEREZHNO_2FA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                  hint="Use role codes of accounts/roles.py (head, patrol_hq, admin, ...).",
                  id="berezhno.E2FA")]
