"""Generate a roster from the database, as the scheduler's page does, for schedulers who automate it."""
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rostering import services, solving
from rostering.enums import RunState
from rostering.exceptions import RosterError
from rostering.models import RosterRun


class Command(BaseCommand):
    help = "Build the roster problem from the database, solve it (progress on stderr), save the draft, print its id."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--publish", action="store_true", help="publish the roster when it is saved")

    def handle(self, *, start, days, seconds, publish, **options):
        try:
            # the solve runs here, not in the worker: run_create only queues it after commit
            run = services.run_create(actor=None, start=start, days=days, seconds=seconds, enqueue=False)
            solving.run_solve(run_id=run.pk, on_progress=lambda p: print(p.line(), file=sys.stderr, flush=True))
            run = RosterRun.objects.get(pk=run.pk)
            if run.state != RunState.DRAFT:
                raise CommandError(f"run {run.pk} {run.state}: {run.error}")
            if publish:
                services.run_publish(run_id=run.pk, actor=None)
        except RosterError as error:
            raise CommandError(str(error))
        self.stdout.write(str(run.pk))
