"""Place the counselors who worked in the past days into a date's group supervision sessions."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from supervision.exceptions import SupervisionError
from supervision.services import groups_place


class Command(BaseCommand):
    help = "Place counselors into a date's group supervision sessions; prints the placed and unplaced counts."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD (platform date)")
        parser.add_argument("--days-back", type=int, default=3, help="counselors who worked in these past days")
        parser.add_argument("--backend", choices=["flow", "mip", "cpsat"], default="flow")
        parser.add_argument("--seconds", type=float, default=30.0)

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}")
        if not 1 <= options["days_back"] <= 60 or not 1 <= options["seconds"] <= 600:
            raise CommandError("--days-back is 1 to 60, --seconds 1 to 600")
        try:
            result = groups_place(day=day, days_back=options["days_back"], backend=options["backend"],
                                  seconds=options["seconds"])
        except SupervisionError as error:
            raise CommandError(str(error))
        reasons: dict[str, int] = {}
        for reason in result.unplaced.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        self.stdout.write(f"{day}: placed {result.placed}, unplaced {len(result.unplaced)} "
                          f"({result.status}, {result.backend}, {result.seconds:.2f} s)")
        for reason, count in sorted(reasons.items()):
            self.stdout.write(f"  unplaced, {reason}: {count}")
