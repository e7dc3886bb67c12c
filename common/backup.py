"""Backups of the two things that hold state: the database and the private files (local folder or bucket).

A backup is a folder:

- ``database.dump``: ``pg_dump --format=custom`` (PostgreSQL), or ``database.sqlite3`` (SQLite, a consistent
  copy made with SQLite's online backup);
- ``files.tar``: every object of the private storage (evidence, previews, certificates, batches, imports) under its
  storage name, read through the storage API, so the same command backs up the local folder and a bucket;
- ``manifest.json``: when, which database, how many files and bytes.

Restoring puts both back: ``pg_restore --clean --if-exists`` (the database may be empty or an older copy of the same
service) and every file written back under its own name.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import connections

DATABASE_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "files.tar"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Summary:
    database: str
    files: int
    bytes: int


def _postgres_command(program: str, database: dict) -> tuple[list[str], dict]:
    command = [program, "--no-password", "--dbname", database["NAME"]]
    if database.get("HOST"):
        command += ["--host", database["HOST"]]
    if database.get("PORT"):
        command += ["--port", str(database["PORT"])]
    if database.get("USER"):
        command += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return command, env


def _run(command: list[str], env: dict) -> None:
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[-2000:]}")


def _storage_names(storage: Storage, folder: str = "") -> list[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local folder nothing was ever stored in
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for directory in directories:
        names += _storage_names(storage, f"{folder}/{directory}" if folder else directory)
    return sorted(names)


def _private_storage() -> Storage:
    return storages["default"]


def backup(target: Path) -> Summary:
    """Write a backup into the folder ``target`` (created; it must be empty)."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give each backup its own folder")
    database = connections["default"].settings_dict
    vendor = connections["default"].vendor
    if vendor == "postgresql":
        command, env = _postgres_command("pg_dump", database)
        _run([*command, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / DATABASE_DUMP)],
             env)
    elif vendor == "sqlite":
        source = sqlite3.connect(database["NAME"])
        with sqlite3.connect(target / SQLITE_COPY) as copy:
            source.backup(copy)
        source.close()
    else:
        raise BackupError(f"no backup for a {vendor} database")

    storage = _private_storage()
    count = size = 0
    with tarfile.open(target / FILES, "w") as archive:
        for name in _storage_names(storage):
            member = tarfile.TarInfo(name)
            member.size = storage.size(name)
            member.mtime = int(time.time())
            member.mode = 0o640
            with storage.open(name, "rb") as handle:
                archive.addfile(member, fileobj=handle)  # streamed, never whole in memory
            count += 1
            size += member.size
    summary = Summary(database=vendor, files=count, bytes=size)
    (target / MANIFEST).write_text(json.dumps({
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "database": vendor, "files": count, "bytes": size,
        "storage": settings.STORAGES["default"]["BACKEND"],
    }, indent=1))
    return summary


def restore(source: Path) -> Summary:
    """Put the database and the files of the backup in ``source`` back."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} holds no backup ({MANIFEST} is missing)")
    manifest = json.loads(manifest_path.read_text())
    connection = connections["default"]
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(f"the backup is of a {manifest['database']} database; this service uses {vendor}")
    database = connection.settings_dict
    connection.close()
    if vendor == "postgresql":
        command, env = _postgres_command("pg_restore", database)
        _run([*command, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              str(source / DATABASE_DUMP)], env)
    else:
        with tempfile.NamedTemporaryFile(dir=Path(database["NAME"]).parent, delete=False) as temporary:
            shutil.copyfile(source / SQLITE_COPY, temporary.name)
        os.replace(temporary.name, database["NAME"])

    storage = _private_storage()
    count = size = 0
    with tarfile.open(source / FILES, "r") as archive:
        for member in archive:
            if not member.isfile():
                continue
            handle = archive.extractfile(member)
            if storage.exists(member.name):
                storage.delete(member.name)
            saved = storage.save(member.name, File(handle, name=member.name))
            if saved != member.name:
                raise BackupError(f"{member.name} was stored as {saved}")
            count += 1
            size += member.size
    if count != manifest["files"]:
        raise BackupError(f"the backup lists {manifest['files']} files but holds {count}")
    return Summary(database=vendor, files=count, bytes=size)
