"""Import applicants from a CSV or XLSX file, all or nothing, through the same resource as the admin."""
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentialing.importing import error_report, load_dataset
from credentialing.resources import run_import


class Command(BaseCommand):
    help = "Import applicants with their applications and evidence from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate every row; write nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            dataset = load_dataset(file.read_bytes(), file.name)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}")
        started = time.perf_counter()
        result = run_import(dataset, dry_run=dry_run)
        errors = error_report(result)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} problems in {len(dataset)} rows; nothing was imported.")
        verb = "would be imported (dry run)" if dry_run else "imported"
        self.stdout.write(f"{result.totals['new']} applications {verb} in {time.perf_counter() - started:.1f} s.")
