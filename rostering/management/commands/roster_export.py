"""Write the roster problem the app would solve, or a saved run's problem and roster (SPEC files)."""
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rostering.exports import solution_document
from rostering.models import RosterRun
from rostering.selectors import build_problem


class Command(BaseCommand):
    help = "Export a roster problem (--start/--days) or a saved run (--run) as roster-problem/roster-solution JSON."

    def add_arguments(self, parser):
        parser.add_argument("--start", type=date.fromisoformat)
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--run", type=int)
        parser.add_argument("--output", required=True, help="the problem file to write")
        parser.add_argument("--solution", help="with --run: the roster file to write")

    def handle(self, *, start, days, run, output, solution, **options):
        if (run is None) == (start is None):
            raise CommandError("Give either --run ID or --start YYYY-MM-DD.")
        if run is None:
            if solution:
                raise CommandError("--solution needs --run.")
            if not 1 <= days <= 28:
                raise CommandError("--days must be 1 to 28.")
            problem = build_problem(start=start, days=days)
        else:
            try:
                saved = RosterRun.objects.get(pk=run)
            except RosterRun.DoesNotExist:
                raise CommandError(f"No roster run {run}.")
            problem = saved.problem
            if solution:
                if not saved.assignments.exists() and saved.state not in ("draft", "published", "superseded"):
                    raise CommandError(f"Run {run} has no roster yet ({saved.state}).")
                with open(solution, "w", encoding="utf-8") as handle:
                    json.dump(solution_document(saved), handle, ensure_ascii=False, indent=1)
        with open(output, "w", encoding="utf-8") as handle:
            json.dump(problem, handle, ensure_ascii=False, indent=1)
        self.stdout.write(output)
