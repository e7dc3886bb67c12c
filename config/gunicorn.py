"""gunicorn's settings, for scripts/serve and production: ``gunicorn -c config/gunicorn.py``.

Every value that may differ between machines comes from ``config.env`` (WEB_BIND, WEB_CONCURRENCY,
WEB_TIMEOUT); anything else can be added per run with gunicorn's own GUNICORN_CMD_ARGS, e.g.
``GUNICORN_CMD_ARGS="--access-logfile -"`` (the reverse proxy usually keeps the access log).
"""
import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env  # noqa: E402

wsgi_app = "config.wsgi:application"
bind = [address.strip() for address in env.web_bind.split(",") if address.strip()]
# Synchronous workers behind a buffering reverse proxy (nginx): the proxy absorbs slow clients and uploads.
worker_class = "sync"
# The app is imported once, in the master, before the processes are forked: a process starts (and is replaced after
# max_requests) in milliseconds instead of the seconds Django's setup takes, and they share the imported code's
# memory. Safe with the database: Django connects lazily, on a request's first query, so the master holds no
# connection (and closes any, pre_fork below, so that no process inherits one to share). The price: `kill -HUP`
# forks new processes from the code already loaded; a new release needs a restart (docs/deploy.md, Upgrading).
preload_app = True
workers = env.web_concurrency or multiprocessing.cpu_count() * 2 + 1
timeout = env.web_timeout
graceful_timeout = 30
# Recycle a worker now and then so that a slow leak never grows for weeks; jitter keeps them from all restarting
# at once.
max_requests = 5000
max_requests_jitter = 500
# The proxy on this machine may say which scheme and client address a request came with.
forwarded_allow_ips = "127.0.0.1,::1"
errorlog = "-"
loglevel = "info"
proc_name = "counselor-service"
# No control socket: several gunicorns (staging beside production) would fight over the one in $HOME.
control_socket_disable = True


def when_ready(server):
    """Once, in the master, before the first fork: the work every process would do on its first request
    (common/warmup.py)."""
    from common.warmup import warm_up

    server.log.info("warmed up: %d templates compiled before forking", warm_up())


def pre_fork(server, worker):
    """No database connection crosses a fork: two processes talking over one socket corrupt each other's
    queries. Django opens none while loading; this makes sure of it."""
    from django.db import connections

    connections.close_all()
