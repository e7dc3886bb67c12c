"""Back up the database and the private files into a new folder (scripts/backup; docs/deploy.md)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup of the database (pg_dump, custom format) and of every private file into FOLDER."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new, empty folder")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = backup(folder)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Backed up the {summary.database} database and {summary.files} files "
                          f"({summary.bytes / 1e6:.1f} MB) into {folder}")
