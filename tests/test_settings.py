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
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "WECHAT_"))}
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
