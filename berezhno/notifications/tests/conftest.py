"""A fake SMS gateway and messenger bot API as a real HTTP server on 127.0.0.1 (a thread
of this test process), and the outbox's settings pointing at it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import Consent

SECRET = "test-callback-secret"


class FakeGateway:
    """What the gateway received and how it answers: ``up`` False answers 503."""

    def __init__(self):
        self.requests: list[dict] = []
        self.up = True
        self.statuses: dict[str, str] = {}  # external id -> status polled
        self._n = 0
        self.lock = threading.Lock()

    def next_id(self) -> str:
        with self.lock:
            self._n += 1
            return f"gw-{self._n}"


def _handler(fake: FakeGateway):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append({"method": "POST", "path": self.path, "body": body,
                                  "auth": self.headers.get("Authorization", "")})
            if not fake.up:
                return self._answer(503, {"error": "maintenance"})
            if self.path == "/messages":
                return self._answer(200, {"id": fake.next_id()})
            if self.path.endswith("/sendMessage"):
                if "/botgood-token/" not in self.path:
                    return self._answer(401, {"ok": False, "description": "Unauthorized"})
                return self._answer(200, {"ok": True, "result": {"message_id": 77}})
            return self._answer(404, {"error": "no such path"})

        def do_GET(self):
            fake.requests.append({"method": "GET", "path": self.path})
            external = self.path.rsplit("/", 1)[-1]
            return self._answer(200, {"status": fake.statuses.get(external, "sent")})

    return Handler


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    fake.url = url
    settings.NOTIFICATIONS = {
        "GATEWAYS": {
            "email": {"BACKEND": "berezhno.notifications.gateways.EmailGateway"},
            "sms": {"BACKEND": "berezhno.notifications.gateways.HttpSmsGateway", "URL": url,
                    "KEY": "sms-key"},
            "messenger": {"BACKEND": "berezhno.notifications.gateways.MessengerBotGateway",
                          "URL": url, "TOKEN": "good-token"},
        },
        "CALLBACK_SECRET": SECRET, "MAX_ATTEMPTS": 3, "BACKOFF_SECONDS": 60,
        "BACKOFF_MAX_SECONDS": 3600, "TIMEOUT_SECONDS": 5, "BATCH": 50,
    }
    yield fake
    server.shutdown()
    server.server_close()


def set_channels(user, person, **channels) -> Consent:
    consent = Consent.objects.filter(person=person, is_active=True,
                                     purpose="social_service").get()
    with acting_as("test"):
        return people.consent_channels_set(user=user, consent=consent,
                                           expected_version=consent.version, **channels)
