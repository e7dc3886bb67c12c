"""scripts/backup and scripts/restore: back up a small database and its files, restore them into an empty
database and folder (a new machine), wipe part of it, restore again; rows and files are counted equal."""
import hashlib
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from credentialing.enums import ApplicationAction
from credentialing.services import application_transition
from tests.credentialing.factories import complete_application

REPO = Path(__file__).resolve().parents[2]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="pg_dump/pg_restore: PostgreSQL (the SQLite test database lives in memory)")


def url(name: str) -> str:
    conf = connection.settings_dict
    credentials = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as db:
        tables = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {table: db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
                for table in tables}


def files_in(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in folder.rglob("*") if path.is_file()}


def script(name: str, *args: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "S3_", "APP_DATA"))}
    env = {**keep, "DATABASE_URL": database_url, "APP_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "config.settings.development"}
    result = subprocess.run([str(REPO / "scripts" / name), *args], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    maintenance = url("postgres")
    with psycopg.connect(maintenance, autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url(name)
    with psycopg.connect(maintenance, autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_on_a_new_machine_and_over_a_damaged_one(tmp_path, settings, empty_database):
    source = tmp_path / "source"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(source / "private")}}}
    for _ in range(3):
        application = complete_application()
        application_transition(application_id=application.pk, action=ApplicationAction.SUBMIT,
                               actor=application.applicant)  # previews are made too (tasks inline here)
    original_rows = row_counts(url(connection.settings_dict["NAME"]))
    original_files = files_in(source / "private")
    assert original_rows["credentialing_application"] == 3 and len(original_files) >= 12

    backup = tmp_path / "backup"
    output = script("backup", str(backup), database_url=url(connection.settings_dict["NAME"]), data_dir=source)
    assert f"{len(original_files)} files" in output.stdout
    assert {path.name for path in backup.iterdir()} == {"database.dump", "files.tar", "manifest.json"}

    target = tmp_path / "target"  # a new machine: an empty database, an empty folder
    script("restore", str(backup), "--yes", database_url=empty_database, data_dir=target)
    assert row_counts(empty_database) == original_rows
    assert files_in(target / "private") == original_files

    # damage it: rows gone, a file gone, a file changed; restoring again puts everything back
    with psycopg.connect(empty_database, autocommit=True) as db:
        db.execute("DELETE FROM credentialing_qualification")
        db.execute("DELETE FROM django_session")
    victim, changed = sorted((target / "private").rglob("*.pdf"))[:2]
    victim.unlink()
    changed.write_bytes(b"tampered")
    script("restore", str(backup), "--yes", database_url=empty_database, data_dir=target)
    assert row_counts(empty_database) == original_rows
    assert files_in(target / "private") == original_files


def test_restore_asks_for_confirmation(tmp_path):
    result = subprocess.run([str(REPO / "scripts" / "restore"), str(tmp_path)], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "--yes" in result.stderr
