"""Settings shared by every deployment. Per-concern modules sit beside this one."""
from __future__ import annotations

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

DEBUG = env.debug
SECRET_KEY = env.secret_key or "insecure-development-key-never-use-in-production"
ALLOWED_HOSTS = env.allowed_hosts or ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # the shared foundations first: their templates (the page shell, allauth's pages) override the libraries'
    "common",
    "people",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "credentialing",
    "certificates",
    "training",
    "rostering",
    "supervision",
    "reports",
]
if env.wechat_app_id:
    INSTALLED_APPS.append("allauth.socialaccount.providers.weixin")

MIDDLEWARE = [
    "common.proxy.ProxiedClientAddressMiddleware",  # REMOTE_ADDR = the client behind our proxies (rate limits)
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "credentialing.headers.PrivatePagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "people.middleware.UserTimezoneMiddleware",
    "people.middleware.StaffMustUseTwoFactorMiddleware",
]

# Content-Security-Policy on every page: scripts and styles only from our own static files (nothing inline);
# data: images for the two-factor QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *(["https://open.weixin.qq.com"] if env.wechat_app_id else [])],
    },
}

# How many reverse proxies of ours append to X-Forwarded-For in front of the app (common/proxy.py); none in
# development, one (nginx) in production.
TRUSTED_PROXY_COUNT = 0

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "common.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite by default; DATABASE_URL selects PostgreSQL in production.
DATA_DIR = env.data_dir
# The data directory holds the SQLite file, evidence, static files and mail: a fresh one is created.
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as error:
    raise ImproperlyConfigured(f"APP_DATA_DIR {DATA_DIR} does not exist and cannot be created: {error}") from error
DATABASES = {
    "default": dj_database_url.parse(
        env.database_url or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=60 if env.database_url else 0,
        # A persistent connection is checked before a request reuses it: a restarted database costs no 500.
        conn_health_checks=bool(env.database_url),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the platform runs on China Standard Time; each user may pick their own zone.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# the site's own named date formats per language ("WEEKDAY_DATE_FORMAT"), on top of Django's (config/formats)
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence, its previews, rendered certificates and batches, uploaded imports: private, never served by the web
# server; every download is a checked view that streams the file from the storage. The local private folder by
# default; S3-compatible object storage when S3_BUCKET is set, so that no web or worker machine keeps state on
# its disk (docs/deploy.md).
LOCAL_PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": "/private-not-served/"},
}


def s3_storage(*, bucket: str, endpoint_url: str = "", access_key: str = "", secret_key: str = "", region: str = "",
               addressing_style: str = "", prefix: str = "") -> dict:
    """django-storages' S3 backend for private files. Without keys boto3 finds credentials itself (instance
    role, AWS_* variables)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region or None,
            "addressing_style": addressing_style or None,
            "location": prefix,
            "default_acl": "private",
            # Never replace an object that has the same name: like the local folder, a clash gets a new name.
            "file_overwrite": False,
            # URLs are never handed out (downloads stream through checked views); were one made, it expires.
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
        },
    }


STORAGES = {
    "default": (
        s3_storage(bucket=env.s3_bucket, endpoint_url=env.s3_endpoint_url, access_key=env.s3_access_key_id,
                   secret_key=env.s3_secret_access_key, region=env.s3_region,
                   addressing_style=env.s3_addressing_style, prefix=env.s3_prefix)
        if env.s3_bucket
        else LOCAL_PRIVATE_STORAGE
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Background work: Django's task API (django-tasks backport) with the database queue.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.tasks_immediate
            else "django_tasks_db.DatabaseBackend"
        ),
        # "later": work nobody is waiting for at that moment (previews ahead of a reviewer, the notice of what
        # happened to an application, which the page has already shown), served by workers at the lowest CPU
        # priority (scripts/serve, LATER_WORKERS): a burst of requests is not slowed by the work it queues.
        "QUEUES": ["default", "later"],
    }
}

# E-mail
DEFAULT_FROM_EMAIL = env.default_from_email
SERVER_EMAIL = env.default_from_email
if env.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.email_host
    EMAIL_PORT = env.email_port
    EMAIL_HOST_USER = env.email_host_user
    EMAIL_HOST_PASSWORD = env.email_host_password
    EMAIL_USE_TLS = env.email_use_tls
    # a mail server that hangs fails the attempt (retried later, common.mail) instead of holding a worker
    EMAIL_TIMEOUT = 30
else:
    # Without a mail server the messages land as files an operator can read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "sent-mail"
# An explicit backend wins (e.g. the console one on a trial machine, or a provider's own); the SMTP settings above
# stay for a backend that reads them, and the mail folder for the file-based one.
if env.email_backend:
    EMAIL_BACKEND = env.email_backend
    EMAIL_FILE_PATH = DATA_DIR / "sent-mail"

SITE_URL = env.site_url
# /health/ answers 503 when the oldest task ready to run has waited longer than this many seconds.
HEALTH_QUEUE_MAX_WAIT = env.health_queue_max_wait
# Shared by the web processes and the workers: rate limits, used one-time codes, the written calendar feeds and My
# shifts contents. The database cache by default (the app needs nothing but its database). With REDIS_URL: Redis,
# shared by every machine like the database, and the sessions read from it first (cached_db: written to the
# database too, so a Redis restarted empty signs nobody out); docs/deploy.md, section 4.
if env.redis_url:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.redis_url,
        # a Redis that hangs fails the request in seconds instead of holding a web process until WEB_TIMEOUT
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        # Django's default of 300 entries would throw written feeds and pages away all day (a feed and a page per
        # volunteer, about 8 kB each) and count the table on every write once above it.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }}

# Seconds a person's written calendar feed is kept; any change to what it shows starts afresh (people/calendar.py).
CALENDAR_FEED_CACHE_SECONDS = 600
# Seconds a person's written *My shifts* content is kept at most; any change to what it shows, or a shift of it
# starting or ending, starts afresh (rostering/shifts_page.py).
SHIFTS_PAGE_CACHE_SECONDS = 600

# The public certificate check: lookups per client address and window (seconds); guessing codes is slow.
CERTIFICATE_VERIFY_RATE_LIMIT = (30, 60)
# Processes that render a large certificate batch side by side (each holds about 150 MB while it works).
CERTIFICATE_RENDER_PROCESSES = 2

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "credentialing:home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
}

from config.settings.accounts import *  # noqa: E402,F403  allauth, MFA, WeChat, permissions

# Who a counselor calls when no supervisor is on duty and no coordinator is on call (shown on the on-duty page).
SUPERVISION_FALLBACK_CONTACT = ""
