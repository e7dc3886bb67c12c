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


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


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
    # The shared cache (rate limits, used one-time codes, sessions, written feeds and pages): Redis when set, e.g.
    # redis://cache.internal:6379/0; the database cache otherwise.
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "").strip())
    data_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("APP_DATA_DIR", str(BASE_DIR / "var")))
    )
    # A Django mail backend's dotted path; when set it wins over the choice EMAIL_HOST makes (SMTP, else files).
    email_backend: str = field(default_factory=lambda: os.environ.get("EMAIL_BACKEND", "").strip())
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

    # --- production behind a reverse proxy (config/settings/production.py) ---
    # Redirect plain HTTP to HTTPS (the proxy may do it instead).
    secure_ssl_redirect: bool = field(default_factory=lambda: _bool("DJANGO_SECURE_SSL_REDIRECT", True))
    # The header the TLS-terminating proxy sets to "https"; empty when no proxy sits in front (then it is ignored,
    # since anyone could send it).
    proxy_ssl_header: str = field(
        default_factory=lambda: os.environ.get("DJANGO_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
    )
    # How many proxies of ours append the client's address to X-Forwarded-For (0: trust none of it).
    trusted_proxy_count: int = field(default_factory=lambda: _int("DJANGO_TRUSTED_PROXY_COUNT", 1))
    hsts_seconds: int = field(default_factory=lambda: _int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))

    # --- object storage for evidence, previews and rendered PDFs (S3 protocol); the local private folder when unset
    s3_bucket: str = field(default_factory=lambda: os.environ.get("S3_BUCKET", "").strip())
    s3_endpoint_url: str = field(default_factory=lambda: os.environ.get("S3_ENDPOINT_URL", "").strip())
    s3_access_key_id: str = field(default_factory=lambda: os.environ.get("S3_ACCESS_KEY_ID", ""))
    s3_secret_access_key: str = field(default_factory=lambda: os.environ.get("S3_SECRET_ACCESS_KEY", ""))
    s3_region: str = field(default_factory=lambda: os.environ.get("S3_REGION", "").strip())
    # "path" for servers that want the bucket in the path (MinIO, Ceph, moto); "virtual" or empty otherwise.
    s3_addressing_style: str = field(default_factory=lambda: os.environ.get("S3_ADDRESSING_STYLE", "").strip())
    # A folder inside the bucket, when the bucket is shared.
    s3_prefix: str = field(default_factory=lambda: os.environ.get("S3_PREFIX", "").strip().strip("/"))

    # --- monitoring: /health/ fails when the oldest waiting task has waited longer than this (no worker alive)
    health_queue_max_wait: int = field(default_factory=lambda: _int("HEALTH_QUEUE_MAX_WAIT", 600))

    # --- gunicorn (config/gunicorn.py)
    web_bind: str = field(default_factory=lambda: os.environ.get("WEB_BIND", "127.0.0.1:8000"))
    # Worker processes; 0 means two per CPU core plus one.
    web_concurrency: int = field(default_factory=lambda: _int("WEB_CONCURRENCY", 0))
    web_timeout: int = field(default_factory=lambda: _int("WEB_TIMEOUT", 60))


env = Environment()
