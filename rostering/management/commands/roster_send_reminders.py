"""Queue the reminders whose time has come, by hand. The workers do it every 15 minutes by themselves (the periodic
job ``rostering.shift_reminders``, rostering/background.py); the mail goes through the worker."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from rostering.selectors import reminders_due
from rostering.tasks import send_shift_reminders


class Command(BaseCommand):
    help = "Queue reminder mails for shifts whose people asked to be reminded by now."

    def handle(self, **options):
        due = [a.pk for a in reminders_due(timezone.now())]
        for start in range(0, len(due), 200):
            send_shift_reminders.enqueue(due[start:start + 200])
        self.stdout.write(f"{len(due)} reminders queued")
