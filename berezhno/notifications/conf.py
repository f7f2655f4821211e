"""The outbox's settings: ``NOTIFICATIONS`` in the Django settings over these defaults, the
gateways' addresses and secrets from the environment (decision 0025).

    NOTIFICATIONS = {
        "GATEWAYS": {  # channel -> gateway; a channel without one keeps its messages queued
            "email": {"BACKEND": "berezhno.notifications.gateways.EmailGateway"},
            "sms": {"BACKEND": "berezhno.notifications.gateways.HttpSmsGateway",
                    "URL": "https://sms.example/api", "KEY": "..."},
            "messenger": {"BACKEND": "berezhno.notifications.gateways.MessengerBotGateway",
                          "URL": "https://api.telegram.org", "TOKEN": "..."},
        },
        "CALLBACK_SECRET": "...",  # the delivery-report endpoint's shared secret
        "MAX_ATTEMPTS": 8, "BACKOFF_SECONDS": 60, "BACKOFF_MAX_SECONDS": 6 * 3600,
        "TIMEOUT_SECONDS": 10,
    }
"""

import os
from typing import Any

from django.conf import settings


def _env_gateways() -> dict[str, dict[str, Any]]:
    gateways: dict[str, dict[str, Any]] = {
        "email": {"BACKEND": "berezhno.notifications.gateways.EmailGateway"}}
    if os.environ.get("BEREZHNO_SMS_URL"):
        gateways["sms"] = {"BACKEND": "berezhno.notifications.gateways.HttpSmsGateway",
                           "URL": os.environ["BEREZHNO_SMS_URL"],
                           "KEY": os.environ.get("BEREZHNO_SMS_KEY", "")}
    if os.environ.get("BEREZHNO_MESSENGER_URL"):
        gateways["messenger"] = {
            "BACKEND": "berezhno.notifications.gateways.MessengerBotGateway",
            "URL": os.environ["BEREZHNO_MESSENGER_URL"],
            "TOKEN": os.environ.get("BEREZHNO_MESSENGER_TOKEN", "")}
    return gateways


DEFAULTS: dict[str, Any] = {
    "MAX_ATTEMPTS": 8,
    "BACKOFF_SECONDS": 60,
    "BACKOFF_MAX_SECONDS": 6 * 3600,
    "TIMEOUT_SECONDS": 10,
    "BATCH": 200,
}


def get(name: str) -> Any:
    own = getattr(settings, "NOTIFICATIONS", {})
    if name in own:
        return own[name]
    if name == "GATEWAYS":
        return _env_gateways()
    if name == "SITE_URL":  # links in messages
        return os.environ.get("BEREZHNO_SITE_URL", "http://127.0.0.1:8000")
    if name == "CALLBACK_SECRET":
        return os.environ.get("BEREZHNO_NOTIFY_CALLBACK_SECRET", "")
    return DEFAULTS[name]
