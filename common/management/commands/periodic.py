"""``manage.py periodic``: the periodic jobs (``common.periodic``), when each last ran and when it is next due.

The workers tick the schedule by themselves; ``--tick`` enqueues what is due now from this process (safe beside
running workers: each due run is enqueued once).
"""
from django.core.management.base import BaseCommand
from django.utils import timezone

from common.periodic import enqueue_due, periodic_status, platform_zone


class Command(BaseCommand):
    help = "List the periodic jobs with their last and next runs; --tick enqueues what is due now."

    def add_arguments(self, parser):
        parser.add_argument("--tick", action="store_true", help="Enqueue the jobs that are due now.")

    def handle(self, *args, tick: bool, **options):
        zone = platform_zone()
        if tick:
            for run in enqueue_due(worker_id="manage.py periodic"):
                self.stdout.write(f"enqueued {run.name} due {run.due_at.astimezone(zone):%Y-%m-%d %H:%M}")
        for job in periodic_status(now=timezone.now()):
            last = f"{job.last_due.astimezone(zone):%Y-%m-%d %H:%M}" if job.last_due else "never"
            self.stdout.write(f"{job.name:40} {job.schedule:22} last {last:16}  next "
                              f"{job.next_due.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})")
