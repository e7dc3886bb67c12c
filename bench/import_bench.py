"""Import of 4,000 applicants into an empty database, through the resource the admin and the command use.

    .venv/bin/python bench/import_bench.py [--rows 4000] [--sqlite]

PostgreSQL by default (database bench_import, dropped and created afresh; DATABASE_URL overrides it), or a
new SQLite file with --sqlite. The file is a CSV made by the demo generator's row maker. Prints the dry-run
(validation) time and the import time.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._database import ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_import"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite", action="store_true", help="use a new SQLite file instead of PostgreSQL")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench_import.sqlite3'}"
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("APP_DATA_DIR", str(workdir))
    ensure_database(os.environ["DATABASE_URL"], fresh=True)
    import django

    django.setup()
    import csv

    from django.core.management import call_command
    from django.db import connection

    from common.models import AuditEntry
    from credentialing.demo import import_rows
    from credentialing.importing import COLUMNS, error_report, load_dataset
    from credentialing.models import Application, Institution
    from credentialing.resources import run_import
    from people.models import User

    call_command("migrate", verbosity=0)
    path = workdir / "applicants.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(import_rows(args.rows, args.seed))
    print(f"{connection.vendor}: {args.rows} rows, {path.stat().st_size / 1024:.0f} KiB CSV")

    started = time.perf_counter()
    dataset = load_dataset(path.read_bytes(), path.name)
    parsed = time.perf_counter() - started

    started = time.perf_counter()
    result = run_import(dataset, dry_run=True)
    dry_run = time.perf_counter() - started
    assert not error_report(result), error_report(result)[:5]
    assert not Application.objects.exists()

    started = time.perf_counter()
    result = run_import(dataset)
    imported = time.perf_counter() - started
    assert not error_report(result), error_report(result)[:5]

    count = Application.objects.count()
    print(f"read file         {parsed:6.2f} s")
    print(f"dry run           {dry_run:6.2f} s  (every row validated and judged, written, rolled back)")
    print(f"import            {imported:6.2f} s  {count / imported:7.0f} rows/s")
    print(f"written: {count} applications, {User.objects.count()} users, {Institution.objects.count()} institutions, "
          f"{AuditEntry.objects.count()} audit entries")


if __name__ == "__main__":
    main()
