"""An HTTP load run against a Berezhno server on this machine (issue 10, decision 0027).

A fixed mix of the pages people use most, cycled by every connection in the same order:
person search (POSTed, decision 0017), a person card, the worklist (the home page), the
case list and the Family Dispatch indicators of the last quarter — all as the busiest
district's specialist, signed in once through the login page. ``connections`` threads keep
one HTTP connection each and send requests back to back until ``seconds`` have passed or
``max_requests`` were sent; the run prints requests per second and the percentiles of the
answer times, overall and per page.

Only addresses of this machine are accepted (127.0.0.0/8, ::1, localhost). The run reads
the database it is configured with (the one the server serves) to choose the persons and
search terms; it writes nothing there itself — the pages write what they always write
(the access log of the cards, the session of the sign-in).
"""

import http.client
import ipaddress
import random
import re
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from berezhno.indicators import periods
from berezhno.indicators.selectors import today
from berezhno.people.models import Person
from berezhno.territories.models import District

from .generate import GENERATED_PASSWORD


class LoadRunError(Exception):
    pass


def local_only(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise LoadRunError("The address must be http://HOST:PORT of this machine.")
    if parts.hostname != "localhost":
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            raise LoadRunError("Only 127.0.0.1, ::1 or localhost are accepted.") from None
        if not address.is_loopback:
            raise LoadRunError("Only addresses of this machine (loopback) are accepted.")
    return parts


@dataclass
class Request:
    kind: str
    method: str
    path: str
    form: dict | None = None


@dataclass
class Result:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(t) for t in self.times.values())

    def all_times(self) -> list[float]:
        return sorted(t for times in self.times.values() for t in times)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def plan(*, seed: int = 7) -> tuple[str, list[Request]]:
    """The user name and the fixed cycle of requests (from the configured database)."""
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    busiest = (Person.objects.values("territory_id").annotate(n=Count("id"))
               .order_by("-n").first())
    if busiest is None:
        raise LoadRunError("No persons: run generate_data first.")
    district = District.objects.select_related("territory", "specialist").get(
        pk=busiest["territory_id"])
    if district.specialist is None:
        raise LoadRunError("The busiest district has no specialist.")
    ids = list(Person.objects.filter(territory_id=district.pk, status="active")
               .order_by("id").values_list("id", "surname")[:2000])
    sample = rng.sample(ids, min(20, len(ids)))
    fragments = sorted({surname[:5].lower() for _, surname in sample if surname})[:10]
    quarter = periods.last_quarter(today(district.territory))
    indicators = (f"/indicators/?practice=family_dispatch&territory={district.pk}"
                  f"&start={quarter.start:%Y-%m-%d}&end={quarter.end:%Y-%m-%d}")
    cycle: list[Request] = []
    for index in range(max(len(sample), len(fragments))):
        cycle += [
            Request("search", "POST", "/people/", {"q": fragments[index % len(fragments)]}),
            Request("card", "GET", f"/people/{sample[index % len(sample)][0]}/"),
            Request("worklist", "GET", "/"),
            Request("case list", "GET", "/cases/"),
            Request("indicators", "GET", indicators),
        ]
    return district.specialist.get_username(), cycle


class Session:
    """A signed-in browser: the session and CSRF cookies, one keep-alive connection."""

    def __init__(self, parts: urllib.parse.SplitResult, cookies: dict[str, str]):
        self.parts = parts
        self.cookies = dict(cookies)
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.parts.hostname, self.parts.port or 80,
                                          timeout=60)

    def send(self, method: str, path: str, form: dict | None = None
             ) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Host": self.parts.netloc}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.parts.netloc}{path}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the kept-alive connection between two requests.
                self.conn.close()
                self.conn = self._connect()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = self._connect()
        return response.status, data, dict(response.getheaders())


def sign_in(parts: urllib.parse.SplitResult, username: str, password: str) -> dict[str, str]:
    session = Session(parts, {})
    status, page, _ = session.send("GET", "/accounts/login/")
    if status != 200:
        raise LoadRunError(f"The login page answered {status}.")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise LoadRunError("No CSRF token on the login page.")
    session.cookies.setdefault("csrftoken", "")
    status, _, _ = session.send("POST", "/accounts/login/", {
        "username": username, "password": password,
        "csrfmiddlewaretoken": token.group(1).decode()})
    if status != 302 or "sessionid" not in session.cookies:
        raise LoadRunError(f"Signing in as {username} failed ({status}).")
    return session.cookies


def run(url: str, *, connections: int = 20, seconds: float = 30, max_requests: int = 5000,
        password: str = GENERATED_PASSWORD, seed: int = 7, log=print) -> Result:
    parts = local_only(url)
    if not 1 <= connections <= 100:
        raise LoadRunError("Connections: 1 to 100.")
    if not 0 < seconds <= 300:
        raise LoadRunError("Seconds: more than 0, at most 300.")
    username, cycle = plan(seed=seed)
    cookies = sign_in(parts, username, password)
    log(f"Signed in as {username}; {connections} connections, at most {seconds:g} s and "
        f"{max_requests} requests; a cycle of {len(cycle)} requests.")
    result = Result()
    lock = threading.Lock()
    sent = 0
    deadline = time.monotonic() + seconds

    def connection(number: int) -> None:
        nonlocal sent
        session = Session(parts, cookies)
        position = (number * 7) % len(cycle)
        while time.monotonic() < deadline:
            with lock:
                if sent >= max_requests:
                    return
                sent += 1
            request = cycle[position]
            position = (position + 1) % len(cycle)
            started = time.perf_counter()
            try:
                status, _, _ = session.send(request.method, request.path, request.form)
            except OSError as exc:
                with lock:
                    result.errors[f"{request.kind}: {type(exc).__name__}"] += 1
                session = Session(parts, cookies)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    result.times[request.kind].append(elapsed)
                else:
                    result.errors[f"{request.kind}: {status}"] += 1

    threads = [threading.Thread(target=connection, args=(n,), daemon=True)
               for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    result.seconds = time.monotonic() - started
    return result


def report(result: Result) -> list[str]:
    times = result.all_times()
    rate = result.count / result.seconds if result.seconds else 0.0
    lines = [f"{result.count} answers in {result.seconds:.1f} s: {rate:.1f} requests/s, "
             f"p50 {percentile(times, 0.5) * 1000:.0f} ms, "
             f"p95 {percentile(times, 0.95) * 1000:.0f} ms, "
             f"errors {sum(result.errors.values())}"]
    for kind, values in sorted(result.times.items()):
        lines.append(f"  {kind:<11} {len(values):>6}  p50 {percentile(values, 0.5) * 1000:6.0f} ms"
                     f"  p95 {percentile(values, 0.95) * 1000:6.0f} ms")
    for kind, n in sorted(result.errors.items()):
        lines.append(f"  error {kind}: {n}")
    return lines
