"""Gateways: how a message leaves (decision 0025). Chosen per channel in settings
(``conf.get("GATEWAYS")``); each takes a message and returns what the gateway answered, or
raises ``GatewayError`` — the outbox then keeps the message queued for a later attempt.

* ``EmailGateway``: Django's e-mail backend (``EMAIL_BACKEND``: SMTP in production, the
  console on a developer's machine);
* ``HttpSmsGateway``: an HTTP SMS gateway, ``POST {URL}/messages`` with
  ``Authorization: Bearer {KEY}`` and ``{"to", "text", "reference"}``, answering
  ``{"id"}``; its status at ``GET {URL}/messages/{id}`` (polling) or by the delivery report
  (``POST /api/v1/notifications/delivery/`` with
  ``Authorization: Bearer {CALLBACK_SECRET}``);
* ``MessengerBotGateway``: a messenger bot HTTP API in the Telegram Bot API's form,
  ``POST {URL}/bot{TOKEN}/sendMessage`` with ``{"chat_id", "text"}``, answering
  ``{"ok": true, "result": {"message_id"}}`` (a message in the chat is delivered).
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from . import conf


class GatewayError(Exception):
    """The gateway did not take the message (down, refused, bad answer)."""


@dataclass
class SendResult:
    external_id: str = ""
    delivered: bool = False


class Gateway:
    code = ""

    def __init__(self, options: dict[str, Any]):
        self.options = options

    def send(self, message) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError

    def poll(self, message) -> str | None:
        """The gateway's status of a sent message (``delivered``/``failed``), None when it
        does not know yet or cannot tell."""
        return None


def _http_json(method: str, url: str, *, body: dict | None = None,
               headers: dict[str, str] | None = None) -> Any:
    if not url.startswith(("http://", "https://")):
        raise GatewayError(f"the gateway URL must be http(s): {url[:60]}")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310
        "Content-Type": "application/json", "Accept": "application/json", **(headers or {})})
    try:
        timeout = conf.get("TIMEOUT_SECONDS")
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise GatewayError(f"HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise GatewayError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
    try:
        return json.loads(raw or b"null")
    except ValueError as exc:
        raise GatewayError("the gateway's answer is not JSON") from exc


class EmailGateway(Gateway):
    code = "email"

    def send(self, message) -> SendResult:
        email = EmailMessage(subject=message.subject, body=message.body,
                             from_email=self.options.get("FROM") or settings.DEFAULT_FROM_EMAIL,
                             to=[message.address],
                             headers={"X-Berezhno-Message": str(message.pk)})
        try:
            email.send()
        except (OSError, Exception) as exc:  # smtplib errors derive from OSError
            raise GatewayError(f"{type(exc).__name__}: {exc}") from exc
        return SendResult(external_id=f"email-{message.pk}")


class HttpSmsGateway(Gateway):
    code = "sms"

    def _url(self, path: str) -> str:
        return self.options["URL"].rstrip("/") + path

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.options.get('KEY', '')}"}

    def send(self, message) -> SendResult:
        answer = _http_json("POST", self._url("/messages"), headers=self._headers(),
                            body={"to": message.address, "text": message.body,
                                  "reference": str(message.pk)})
        if not isinstance(answer, dict) or not answer.get("id"):
            raise GatewayError("the gateway's answer has no message id")
        return SendResult(external_id=str(answer["id"]))

    def poll(self, message) -> str | None:
        answer = _http_json("GET", self._url(f"/messages/{message.external_id}"),
                            headers=self._headers())
        status = answer.get("status") if isinstance(answer, dict) else None
        return status if status in ("delivered", "failed") else None


class MessengerBotGateway(Gateway):
    code = "messenger"

    def send(self, message) -> SendResult:
        url = f"{self.options['URL'].rstrip('/')}/bot{self.options.get('TOKEN', '')}/sendMessage"
        answer = _http_json("POST", url, body={"chat_id": message.address,
                                               "text": f"{message.subject}\n\n{message.body}"})
        if not isinstance(answer, dict) or not answer.get("ok"):
            description = answer.get("description") if isinstance(answer, dict) else ""
            raise GatewayError(f"the bot API refused: {description or answer!r}"[:300])
        result = answer.get("result") or {}
        return SendResult(external_id=str(result.get("message_id", "")), delivered=True)


def gateway_for(channel: str) -> Gateway | None:
    """The gateway configured for ``channel``, None when there is none."""
    options = conf.get("GATEWAYS").get(channel)
    if not options:
        return None
    cls = import_string(options["BACKEND"])
    return cls(options)


def gateway_by_code(code: str) -> Gateway | None:
    for options in conf.get("GATEWAYS").values():
        cls = import_string(options["BACKEND"])
        if cls.code == code:
            return cls(options)
    return None
