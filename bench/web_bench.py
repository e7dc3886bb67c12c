"""Server time and query count of the main pages, on the configured database, with the full demo data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_credentialing .venv/bin/python bench/web_bench.py [-n 50]

Creates the database if it is missing, migrates it and loads ``seed_demo`` if it has no demo data. Requests go
through Django's test client (the whole middleware stack, no network), signed in as vetting@demo.example
(which has an authenticator, so the two-factor middleware lets it through) and as applicant@demo.example.
Settings are the production-like ``config.settings.base`` (DEBUG off) unless DJANGO_SETTINGS_MODULE says otherwise.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._database import ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_credentialing"


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches (templates, translations, the connection)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, round(0.95 * len(times)) - 1)],
            "queries": counts[0], "fixed": len(set(counts)) == 1, "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--applications", type=int, default=3800, help="demo size if the database is empty")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    ensure_database(os.environ["DATABASE_URL"])
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from credentialing.demo import demo_data_exists
    from credentialing.models import Application
    from people.models import User

    call_command("migrate", verbosity=0)
    if not demo_data_exists():
        started = time.perf_counter()
        call_command("seed_demo", applications=args.applications)
        print(f"seeded the demo data in {time.perf_counter() - started:.1f} s")

    vetting, applicant = Client(SERVER_NAME="localhost"), Client(SERVER_NAME="localhost")
    vetting.force_login(User.objects.get(email="vetting@demo.example"))
    applicant.force_login(User.objects.get(email="applicant@demo.example"))
    in_review = (Application.objects.filter(state="in_review", qualification_set__isnull=False)
                 .order_by("pk").first())
    pages = [
        ("queue", vetting, reverse("credentialing:queue")),
        ("queue, filtered", vetting, reverse("credentialing:queue") + "?state=submitted&verdict=met"),
        ("queue, page 40", vetting, reverse("credentialing:queue") + "?state=&page=40"),
        ("review", vetting, reverse("credentialing:review", args=[in_review.pk])),
        ("statistics", vetting, reverse("credentialing:statistics")),
        ("applicant home", applicant, reverse("credentialing:home")),
    ]
    print(f"{connection.vendor}, {Application.objects.count()} applications, {args.repeat} requests per page")
    print(f"{'page':18} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  fixed  {'KiB':>5}  url")
    for name, client, url in pages:
        r = measure(client, url, args.repeat)
        print(f"{name:18} {r['median']:10.1f} {r['p95']:8.1f} {r['queries']:8d}  {'yes' if r['fixed'] else 'NO':5}"
              f"  {r['bytes'] / 1024:5.0f}  {url}")


if __name__ == "__main__":
    main()
