"""Production: refuses to start without a real secret key, allowed hosts and database."""
from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False

_missing = [
    name
    for name, value in (
        ("DJANGO_SECRET_KEY", len(env.secret_key) >= 50 and not env.secret_key.startswith("django-insecure")),
        ("DJANGO_ALLOWED_HOSTS", bool(env.allowed_hosts)),
        ("DATABASE_URL", bool(env.database_url)),
    )
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + " (DJANGO_SECRET_KEY must be at least 50 random characters)."
    )

SECRET_KEY = env.secret_key
ALLOWED_HOSTS = env.allowed_hosts
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# every cookie over HTTPS only and kept from other sites' requests (the language one is no secret, but it is ours)
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
