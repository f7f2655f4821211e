from django.core.management.base import BaseCommand

from berezhno.rights.reminders import sync


class Command(BaseCommand):
    help = ("Open reminders for data-subject requests overdue or due within two working "
            "days and for incident notices; close resolved ones (run daily, idempotent).")

    def handle(self, *args, **options):
        opened, closed = sync()
        self.stdout.write(f"reminders opened: {opened}, closed: {closed}")
