"""Deployment settings, checked in fresh processes with the environment a server would have."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-for-the-test-only-9f8e7d",
    "DJANGO_ALLOWED_HOSTS": "counselors.example.org",
    "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/none",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "WECHAT_", "S3_", "EMAIL_", "REDIS_URL"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = manage("check", env=env)
        assert result.returncode != 0
        assert missing in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_the_deployment_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_wechat_login_is_offered_only_when_its_keys_are_configured(tmp_path):
    # Straight after a fresh clone there is no migrated database: the probe must not need one. An empty data
    # directory proves it (a query would fail on the missing tables).
    probe = ("from allauth.socialaccount import providers; from django.conf import settings; "
             "print(sorted(p.id for p in providers.registry.get_class_list()), "
             "sorted(settings.SOCIALACCOUNT_PROVIDERS))")
    fresh = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "APP_DATA_DIR": str(tmp_path)}
    without = manage("shell", "-c", probe, env=fresh)
    assert without.returncode == 0, without.stderr
    assert "weixin" not in without.stdout
    with_keys = manage("shell", "-c", probe, env={**fresh, "WECHAT_APP_ID": "wx123", "WECHAT_APP_SECRET": "s3cret"})
    assert with_keys.returncode == 0, with_keys.stderr
    assert with_keys.stdout.count("weixin") == 2  # the provider is installed and configured
    assert not any(tmp_path.iterdir()), "the probe created files (a database?) in the data directory"


def test_the_deployment_check_is_clean_with_object_storage_and_the_documented_variables(tmp_path):
    documented = {
        **PRODUCTION_ENV, "APP_DATA_DIR": str(tmp_path), "DJANGO_CSRF_TRUSTED_ORIGINS": "https://counselors.example.org",
        "SITE_URL": "https://counselors.example.org", "DJANGO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "S3_BUCKET": "counselor-files", "S3_ENDPOINT_URL": "https://s3.example.org", "S3_REGION": "cn-north-1",
        "S3_ACCESS_KEY_ID": "key", "S3_SECRET_ACCESS_KEY": "secret", "EMAIL_HOST": "smtp.example.org",
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=documented)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PROBE = ("from django.conf import settings as s; import json; print(json.dumps({"
         "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), 'redirect': s.SECURE_SSL_REDIRECT, "
         "'exempt': s.SECURE_REDIRECT_EXEMPT, 'hsts': s.SECURE_HSTS_SECONDS, "
         "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], "
         "'files': s.STORAGES['default']['BACKEND'], 'static': s.STORAGES['staticfiles']['BACKEND'], "
         "'cache': [s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']], 'sessions': s.SESSION_ENGINE}))")


def probe(tmp_path, **env) -> dict:
    import json

    result = manage("shell", "--no-imports", "-c", PROBE, env={**PRODUCTION_ENV, "APP_DATA_DIR": str(tmp_path), **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_behind_a_proxy_by_default_and_configurable(tmp_path):
    default = probe(tmp_path)
    assert default["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert default["redirect"] is True and default["hsts"] == 31536000 and default["cookies"] == [True, True]
    assert default["exempt"] == ["^health/$"]  # the load balancer probes over plain HTTP
    assert default["files"] == "django.core.files.storage.FileSystemStorage"
    assert default["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"

    custom = probe(tmp_path, DJANGO_PROXY_SSL_HEADER="X-Scheme", DJANGO_SECURE_SSL_REDIRECT="false",
                   DJANGO_HSTS_SECONDS="3600", S3_BUCKET="files")
    assert custom["proxy"] == ["HTTP_X_SCHEME", "https"]
    assert custom["redirect"] is False and custom["hsts"] == 3600
    assert custom["files"] == "storages.backends.s3.S3Storage"
    assert probe(tmp_path, DJANGO_PROXY_SSL_HEADER="")["proxy"] is None  # no proxy: the header is not trusted


def test_a_secret_key_of_few_distinct_characters_is_refused():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "ab" * 40})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_the_cache_and_sessions_are_in_redis_when_REDIS_URL_is_set_and_in_the_database_otherwise(tmp_path):
    default = probe(tmp_path)
    assert default["cache"] == ["django.core.cache.backends.db.DatabaseCache", "django_cache"]
    assert default["sessions"] == "django.contrib.sessions.backends.db"

    redis = probe(tmp_path, REDIS_URL="redis://cache.internal:6379/3")
    assert redis["cache"] == ["django.core.cache.backends.redis.RedisCache", "redis://cache.internal:6379/3"]
    # read from Redis, written through to the database: a Redis restarted empty signs nobody out
    assert redis["sessions"] == "django.contrib.sessions.backends.cached_db"

    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env={**PRODUCTION_ENV, "APP_DATA_DIR": str(tmp_path), "REDIS_URL": "redis://cache.internal:6379/3"})
    assert result.returncode == 0, result.stderr


def test_email_backend_from_the_environment_wins_over_the_choice_email_host_makes(tmp_path):
    probe_mail = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"

    def backend(**env) -> str:
        result = manage("shell", "--no-imports", "-c", probe_mail,
                        env={**PRODUCTION_ENV, "APP_DATA_DIR": str(tmp_path), **env})
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    console = "django.core.mail.backends.console.EmailBackend"
    assert backend() == "django.core.mail.backends.filebased.EmailBackend"
    assert backend(EMAIL_HOST="smtp.example.org") == "django.core.mail.backends.smtp.EmailBackend"
    assert backend(EMAIL_BACKEND=console) == console
    assert backend(EMAIL_BACKEND=console, EMAIL_HOST="smtp.example.org") == console
    assert backend(EMAIL_BACKEND="  ") == "django.core.mail.backends.filebased.EmailBackend"  # blank: unset
