"""Delete evidence files of rejected and withdrawn applications whose retention period is over (audited)."""
from django.core.management.base import BaseCommand

from credentialing.retention import evidence_files_purge


class Command(BaseCommand):
    help = "Delete evidence files past the retention period set in the admin; records and audit trail stay."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run: bool, **options):
        report = evidence_files_purge(dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"Retention ({report.months} months): {report.files} files of "
                          f"{report.applications} applications {verb}.")
