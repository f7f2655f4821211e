"""``make run``: the web server, the task worker and the scheduler as one command."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Run the development web server, the django-tasks database worker and the "
            "scheduler together (decision 0026); Ctrl-C or the end of any of them stops all.")

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, addr: str, noreload: bool, **options):
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        web = [*manage, "runserver", addr, *(["--noreload"] if noreload else [])]
        commands = {
            "web": web,
            # One task at a time, a second between polls: the outbox leaves within seconds.
            "worker": [*manage, "db_worker", "--interval", "1"],
            "scheduler": [*manage, "run_scheduler", "--interval", "20"],
        }
        # Each in its own process group: the signal reaches runserver's reloader child too.
        children = {name: subprocess.Popen(cmd, start_new_session=True)  # noqa: S603
                    for name, cmd in commands.items()}
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                ended = [name for name, p in children.items() if p.poll() is not None]
                if ended:
                    self.stderr.write(f"{', '.join(ended)} stopped: stopping the others")
                    break
                time.sleep(0.5)
        finally:
            for p in children.values():
                _signal_group(p, signal.SIGTERM)
            deadline = time.monotonic() + 10
            for p in children.values():
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _signal_group(p, signal.SIGKILL)
                    p.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
