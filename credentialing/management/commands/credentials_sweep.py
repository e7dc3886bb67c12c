"""The daily sweep: expiry notices, pauses and restorations, then the evidence retention purge.

The workers run it every day at 03:15 platform time by themselves (the periodic job
``credentialing.credentials_sweep``, credentialing/background.py); this command runs it by hand, e.g. for a
given date. Idempotent (everything done is remembered in the database), so it is safe to run as often as you
like, and again after a restart; see the README (“Daily sweep”).
"""
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from credentialing.expiry import credentials_sweep
from credentialing.retention import evidence_files_purge


class Command(BaseCommand):
    help = "Send qualification expiry notices, pause and restore volunteers, delete evidence past retention."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD); for tests and catch-up.")
        parser.add_argument("--skip-retention", action="store_true", help="Do not delete evidence files.")

    def handle(self, *args, today: str | None, skip_retention: bool, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {today}")
        report = credentials_sweep(today=day)
        self.stdout.write(f"Expiry: {len(report.notices)} notices, {len(report.paused)} paused, "
                          f"{len(report.restored)} restored.")
        if not skip_retention:
            now = timezone.now() if not today else timezone.make_aware(datetime.combine(day, time(12)))
            purge = evidence_files_purge(now=now)
            self.stdout.write(f"Retention ({purge.months} months): {purge.files} files of "
                              f"{purge.applications} applications deleted.")
