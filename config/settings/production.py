"""Production: refuses to start without a real secret key, allowed hosts and database."""
from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False

_missing = [
    name
    for name, value in (
        ("DJANGO_SECRET_KEY", len(env.secret_key) >= 50 and len(set(env.secret_key)) >= 5
                              and not env.secret_key.startswith("django-insecure")),
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

# Behind a TLS-terminating reverse proxy (docs/deploy.md): the proxy tells Django the request came over HTTPS.
# Only trust the header when a proxy that overwrites it sits in front: DJANGO_PROXY_SSL_HEADER= (empty) otherwise.
if env.proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + env.proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env.secure_ssl_redirect
# The client's address for the rate limits comes from X-Forwarded-For, as appended by this many proxies.
TRUSTED_PROXY_COUNT = env.trusted_proxy_count
# The load balancer's health probe may come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.hsts_seconds
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

# Static files: hashed names (cached for a year by browsers and the proxy) and pre-compressed copies, served by
# WhiteNoise from STATIC_ROOT; `collectstatic` runs at every deployment (scripts/serve does).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}  # noqa: F405
