"""Small things a hostile tester found: the 429 page's language, and a data directory that does not exist yet."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "尝试次数太多"), ("en", "Too many attempts")])
def test_the_too_many_requests_page_speaks_the_persons_language(settings, language, expected):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "3/m/ip"}
    client = Client()
    client.cookies["django_language"] = language
    responses = [client.post("/accounts/signup/", {"email": f"p{n}@example.org", "password1": "x",
                                                   "password2": "y"}) for n in range(5)]
    limited = responses[-1]
    assert limited.status_code == 429
    page = limited.content.decode()
    assert expected in page and f'lang="{language}"' in page
    assert "Content-Security-Policy" in limited


@pytest.mark.parametrize("depth", [("x", "y"), ("a b", "数据", "var")])
def test_a_fresh_migrate_creates_its_data_directory(tmp_path, depth):
    data_dir = tmp_path.joinpath(*depth)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(APP_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings.development")
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (data_dir / "db.sqlite3").is_file()
