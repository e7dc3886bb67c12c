"""The one place that reads the process environment.

Every setting that may differ between machines is read here, typed and
defaulted, so the settings modules never touch ``os.environ`` themselves.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


@dataclass(frozen=True)
class Environment:
    debug: bool = field(default_factory=lambda: _bool("DJANGO_DEBUG", False))
    secret_key: str = field(default_factory=lambda: os.environ.get("DJANGO_SECRET_KEY", ""))
    allowed_hosts: list[str] = field(default_factory=lambda: _list("DJANGO_ALLOWED_HOSTS"))
    csrf_trusted_origins: list[str] = field(default_factory=lambda: _list("DJANGO_CSRF_TRUSTED_ORIGINS"))
    # SQLite (embedded) unless DATABASE_URL names another database, e.g. PostgreSQL.
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", ""))
    data_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("APP_DATA_DIR", str(BASE_DIR / "var")))
    )
    email_url: str = field(default_factory=lambda: os.environ.get("EMAIL_BACKEND", ""))
    email_host: str = field(default_factory=lambda: os.environ.get("EMAIL_HOST", ""))
    email_port: int = field(default_factory=lambda: int(os.environ.get("EMAIL_PORT", "587")))
    email_host_user: str = field(default_factory=lambda: os.environ.get("EMAIL_HOST_USER", ""))
    email_host_password: str = field(default_factory=lambda: os.environ.get("EMAIL_HOST_PASSWORD", ""))
    email_use_tls: bool = field(default_factory=lambda: _bool("EMAIL_USE_TLS", True))
    default_from_email: str = field(
        default_factory=lambda: os.environ.get("DEFAULT_FROM_EMAIL", "Counselor Service <noreply@localhost>")
    )
    # Links in e-mails point here.
    site_url: str = field(default_factory=lambda: os.environ.get("SITE_URL", "http://127.0.0.1:8000"))
    wechat_app_id: str = field(default_factory=lambda: os.environ.get("WECHAT_APP_ID", ""))
    wechat_app_secret: str = field(default_factory=lambda: os.environ.get("WECHAT_APP_SECRET", ""))
    # Tasks run in the worker (database queue) unless told to run inline.
    tasks_immediate: bool = field(default_factory=lambda: _bool("TASKS_IMMEDIATE", False))


env = Environment()
