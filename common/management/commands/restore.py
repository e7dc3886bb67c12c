"""Restore the database and the private files from a backup folder (scripts/restore; docs/deploy.md)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Put back the database and the private files from a backup FOLDER. Replaces what the database holds: "
            "stop the web processes and the workers first.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="do it (the database's current content is replaced)")

    def handle(self, *args, folder: Path, yes: bool, **options):
        if not yes:
            raise CommandError("Restoring replaces the database's content: stop the service, then run it again "
                               "with --yes.")
        try:
            summary = restore(folder)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Restored the {summary.database} database and {summary.files} files "
                          f"({summary.bytes / 1e6:.1f} MB) from {folder}")
