"""Mail the daily report to the management team (yesterday's by default); a day already mailed is not sent again."""
from django.core.management.base import BaseCommand, CommandError

from reports import periods, selectors, services
from reports.tasks import send_daily_report


class Command(BaseCommand):
    help = ("Mail a day's report (platform time; yesterday by default) with its PDF to the coordinators and the "
            "monitoring team, once per day.")

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (platform date); default: yesterday")
        parser.add_argument("--enqueue", action="store_true", help="leave the sending to the worker")

    def handle(self, *args, day=None, enqueue=False, **options):
        today = selectors.platform_today()
        if day:
            chosen = periods.parse_day(day)
            if chosen is None:
                raise CommandError(f"--day must be a date as YYYY-MM-DD, not {day!r}")
            if not periods.day_has_report(chosen, today):
                raise CommandError(f"There is no report for {chosen}: days from {periods.EARLIEST_DAY} to "
                                   f"{periods.latest_day(today)}.")
        else:
            chosen = periods.yesterday(today)
        if enqueue:
            result = send_daily_report.enqueue(chosen.isoformat())
            self.stdout.write(f"{chosen}: queued for the worker (task {result.id})")
            return
        result = services.daily_report_mail(day=chosen)
        if result.status == "sent":
            self.stdout.write(f"{chosen}: sent to {result.recipients} people")
        elif result.status == "already_sent":
            self.stdout.write(f"{chosen}: already sent; nothing done")
        else:
            self.stdout.write(f"{chosen}: nobody holds the coordinator or monitoring role; nothing sent")
