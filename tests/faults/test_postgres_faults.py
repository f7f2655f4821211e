"""The fault run (issue 10, decision 0028): writers creating contacts through the API of
a real WSGI server (gunicorn, the production settings) while the PostgreSQL under it is
restarted twice and killed hard once.

The test starts its own PostgreSQL (``berezhno.testing.pgcluster``: initdb into a temporary
directory, its own port on 127.0.0.1), migrates a database on it and serves it with
gunicorn in a subprocess. It asserts from outside, over HTTP:

- every acknowledged write (201) is in the database exactly once, with the id it was
  acknowledged with; a write whose answer was lost or refused is re-sent with the same
  ``client_uuid`` after recovery and answered with one record;
- every answer during an outage is 503 JSON (the API's error body) with ``Retry-After``,
  a browser page a Russian 503 page; nothing answers 500;
- after recovery nothing fails, also after a restart while the server was idle
  (persistent connections with health checks).

Bounded: at most ``MAX_REQUESTS`` writes over about 25 s of faults (the run, re-sends
included, must end within 90 s); the whole test takes about a minute on two idle cores,
15 s of it the migrations. It runs in the PostgreSQL pass of the
suite (``BEREZHNO_DB=postgres``), or with ``BEREZHNO_FAULT_RUN=1``.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from berezhno.testing.pgcluster import Cluster, fault_run_marks, free_port

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 6
MAX_REQUESTS = 20_000
REQUEST_TIMEOUT = 15
DOWN_SECONDS = 1.5
STEADY_SECONDS = 4.0

pytestmark = fault_run_marks("the fault run")

SETUP = """
import json
from berezhno.accounts.services import api_token_issue
from berezhno.testing.fixtures import build_world
world = build_world()
spec = world.user("specialist")
_, key = api_token_issue(user=spec, second_factor_verified=True)
print("FAULTS " + json.dumps({"key": key, "person": world.p1.pk}))
"""


@dataclass
class Tally:
    acked: dict[str, int] = field(default_factory=dict)  # client id -> record id
    unanswered: set[str] = field(default_factory=set)    # to re-send after recovery
    statuses: Counter = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)         # answers that break the rules
    after_recovery: list[str] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Api:
    def __init__(self, port: int, key: str, person: int) -> None:
        self.port, self.key, self.person = port, key, person

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers={"Authorization": f"Token {self.key}",
                                  "Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def post_contact(self, client_id: str) -> tuple[int, dict, bytes]:
        return self.request("POST", "/api/v1/contacts/", {
            "person": self.person, "channel": "call", "purpose": "information",
            "notes": "fault run", "client_uuid": client_id})


def _outage_answer_ok(status: int, headers: dict, body: bytes) -> bool:
    if status != 503 or not headers.get("Retry-After", "").isdigit():
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return data.get("code") == "unavailable" and "недоступна" in data.get("detail", "")


def _writer(api: Api, tally: Tally, stop: threading.Event, recovered: threading.Event
            ) -> None:
    while not stop.is_set():
        with tally.lock:
            if tally.requests >= MAX_REQUESTS:
                return
            tally.requests += 1
        client_id = str(uuid.uuid4())
        after = recovered.is_set()
        try:
            status, headers, body = api.post_contact(client_id)
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.unanswered.add(client_id)
                tally.statuses[type(exc).__name__] += 1
                tally.bad.append(f"no answer: {exc!r}")
            continue
        with tally.lock:
            tally.statuses[status] += 1
            if status == 201:
                tally.acked[client_id] = json.loads(body)["id"]
            else:
                tally.unanswered.add(client_id)
                if not _outage_answer_ok(status, headers, body):
                    tally.bad.append(f"{status} {body[:200]!r}")
                if after:
                    tally.after_recovery.append(f"{status} {body[:200]!r}")
        if status != 201:
            time.sleep(0.1)  # a client backs off a little (Retry-After is for people)


def _wait_http(api: Api, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-3000:]}")
        try:
            status, _, body = api.request("GET", f"/api/v1/contacts/?person={api.person}")
        except OSError:
            time.sleep(0.2)
            continue
        assert status == 200, body[:300]
        return
    raise AssertionError("gunicorn did not answer in time")


@pytest.fixture
def fault_stack(tmp_path):
    cluster = Cluster().init()
    server = None
    try:
        cluster.start()
        cluster.psql("CREATE DATABASE berezhno_faults")
        env = {**os.environ, **cluster.environ("berezhno_faults"),
               "DJANGO_SETTINGS_MODULE": "config.settings.production",
               "DJANGO_SECRET_KEY": "fault-run-" + "x" * 50,
               "SECURE_SSL_REDIRECT": "0",
               "BEREZHNO_API_USER_RATE": "1000000/minute",
               "DB_CONN_MAX_AGE": "600"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"]):
            subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True, timeout=120,
                           capture_output=True)
        out = subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True,
                             timeout=60, capture_output=True, text=True).stdout
        info = json.loads(out.split("FAULTS ", 1)[1].splitlines()[0])
        port = free_port()
        log = tmp_path / "gunicorn.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn_conf.py")],
            env={**env, "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "2", "WEB_THREADS": "2"},
            cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
        api = Api(port, info["key"], info["person"])
        _wait_http(api, server, log)
        yield cluster, api, log
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.destroy()


def test_writes_survive_restarts_and_a_hard_kill(fault_stack):
    cluster, api, log = fault_stack
    started = time.monotonic()
    tally = Tally()
    stop, recovered = threading.Event(), threading.Event()
    writers = [threading.Thread(target=_writer, args=(api, tally, stop, recovered),
                                daemon=True) for _ in range(WRITERS)]
    for w in writers:
        w.start()
    try:
        time.sleep(STEADY_SECONDS)
        # Two restarts (a clean stop, then one that aborts the sessions), each with the
        # server down long enough for requests to meet the outage, then a hard kill.
        for mode in ("fast", "immediate"):
            cluster.stop(mode)
            time.sleep(DOWN_SECONDS)
            status, headers, body = api.request("GET", "/people/", headers={
                "Cookie": "sessionid=" + "a" * 32, "Accept": "text/html"})
            page_during_outage = (status, headers.get("Retry-After"), body.decode())
            cluster.start()
            time.sleep(STEADY_SECONDS)
        cluster.kill()
        time.sleep(DOWN_SECONDS)
        cluster.start()
        time.sleep(0.5)
        recovered.set()
        time.sleep(STEADY_SECONDS)
    finally:
        stop.set()
        for w in writers:
            w.join(timeout=REQUEST_TIMEOUT + 5)

    # A restart while the server is idle: the next requests, one per worker thread and
    # more, must not fail on the dead persistent connections.
    time.sleep(1)
    cluster.restart("fast")
    time.sleep(1)
    idle_results: list[int] = []
    idle_ids = [str(uuid.uuid4()) for _ in range(8)]

    def one(client_id: str) -> None:
        status, _, _ = api.post_contact(client_id)
        idle_results.append(status)
        if status == 201:
            tally.unanswered.add(client_id)  # checked with the re-sends below

    threads = [threading.Thread(target=one, args=(i,)) for i in idle_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT + 5)

    # Re-send every write whose answer was not 201: one record each, answered 201.
    resent_failures: list[str] = []

    def resend(client_id: str) -> None:
        status, _, body = api.post_contact(client_id)
        with tally.lock:
            if status != 201:
                resent_failures.append(f"{status} {body[:200]!r}")
                return
            record = json.loads(body)["id"]
            if tally.acked.setdefault(client_id, record) != record:
                resent_failures.append(f"{client_id}: {record} != {tally.acked[client_id]}")

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(resend, sorted(tally.unanswered)))

    rows = cluster.psql("SELECT client_uuid, id FROM people_contact "
                        "WHERE client_uuid IS NOT NULL", database="berezhno_faults")
    stored: dict[str, list[int]] = {}
    for line in rows.splitlines():
        client_id, record = line.split("|")
        stored.setdefault(client_id, []).append(int(record))

    elapsed = time.monotonic() - started
    summary = (f"{len(tally.acked)} writes kept, statuses {dict(tally.statuses)}, "
               f"{tally.requests} requests, {elapsed:.0f} s")
    print(summary)
    assert tally.statuses[503] > 0, f"no request met an outage: {summary}"
    assert tally.bad == [], f"answers outside the rules: {tally.bad[:5]} ({summary})"
    assert tally.after_recovery == [], f"failures after recovery: {tally.after_recovery[:5]}"
    assert idle_results == [201] * len(idle_ids), f"after an idle restart: {idle_results}"
    assert resent_failures == [], resent_failures[:5]
    assert {c: [r] for c, r in tally.acked.items()} == stored, "kept writes differ"
    # The browser's page during the outage: Russian, 503, Retry-After.
    status, retry_after, html = page_during_outage
    assert status == 503 and retry_after, (status, html[:300])
    assert "временно недоступ" in html and "<html" in html
    assert " 500 " not in log.read_text()
    assert elapsed < 90, summary
