import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from berezhno.core import schedule
from berezhno.core.context import acting_as


class Command(BaseCommand):
    help = ("Enqueue the scheduled jobs (daily reminders, the outbox) when their period comes; "
            "safe to run on several nodes at once: a job runs once per period (decision 0026).")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0,
                            help="seconds between two checks (default 30)")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            with acting_as("scheduler"):
                started = schedule.run_due()
            for code in started:
                self.stdout.write(f"enqueued {code}")
            if once or not running:
                return
            slept = 0.0
            while running and slept < interval:
                time.sleep(0.5)
                slept += 0.5
            if not running:
                return
            close_old_connections()  # a connection dropped while idle is not reused
