from django.core.management.base import BaseCommand

from berezhno.cases.reminders import sync_case_reminders


class Command(BaseCommand):
    help = "Open reminders for overdue case deadlines and close resolved ones (run daily)."

    def handle(self, *args, **options):
        opened, closed = sync_case_reminders()
        self.stdout.write(f"reminders opened: {opened}, closed: {closed}")
