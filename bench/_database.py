"""Shared by the benchmarks: make sure the database named by a URL exists (PostgreSQL), optionally empty."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the PostgreSQL database of ``url`` if it is missing; ``fresh`` drops it first. SQLite: nothing."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if fresh:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
