"""gunicorn's master warms the app up before forking (config/gunicorn.py, common/warmup.py): without the database,
whose connection must not cross a fork."""
from django.db import connections

from common.warmup import warm_up


def test_the_warm_up_compiles_the_templates_and_opens_no_connection():
    # no django_db mark: any query here would fail the test; nor is a connection opened
    connections.close_all()  # (SQLite's in-memory test database stays open: the same one afterwards)
    before = {alias: connections[alias].connection for alias in connections}
    assert warm_up() > 50
    assert {alias: connections[alias].connection for alias in connections} == before


def test_gunicorn_preloads_the_app_and_closes_connections_before_each_fork():
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.py"))
    assert config["preload_app"] is True
    assert {"when_ready", "pre_fork"} <= set(config)
