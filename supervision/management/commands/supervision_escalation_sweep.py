"""Flag escalations nobody claimed within 10 minutes, by hand. The workers do it every minute by themselves (the
periodic job ``supervision.escalation_sweep``, supervision/background.py)."""
from django.core.management.base import BaseCommand

from supervision.services import escalations_flag_unclaimed


class Command(BaseCommand):
    help = "Flag crisis escalations unclaimed for 10 minutes to the coordinators and the next supervisor."

    def handle(self, *args, **options):
        flagged = escalations_flag_unclaimed()
        self.stdout.write(f"flagged {len(flagged)} unclaimed escalation(s){': ' if flagged else ''}"
                          f"{', '.join(f'#{pk}' for pk in flagged)}")
