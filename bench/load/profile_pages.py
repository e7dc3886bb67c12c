"""Profile the load test's hot paths in one process (pyinstrument), against the load test's database.

    .venv/bin/python bench/load/profile_pages.py --database-url postgres://postgres@127.0.0.1:5432/load_bench

Prints the time per request and the query count of each page, and pyinstrument's call tree of the slowest.
Production settings (DEBUG off); the Django test client, so no gunicorn and no network in the figures.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/load_bench")
    parser.add_argument("--data-dir", type=Path, default=Path("var/load-bench"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call trees")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL")
    parser.add_argument("--redis-db", type=int, default=15, help="as load_bench.py: Redis when one answers")
    parser.add_argument("--no-redis", action="store_true", help="the database cache and sessions, even with a Redis")
    args = parser.parse_args()
    from bench.load import harness

    redis_url = "" if args.no_redis else harness.local_redis(args.redis_db)
    env = harness.server_env(database_url=args.database_url, data_dir=args.data_dir, port=8000,
                             secret_key=harness.new_secret_key(), web_concurrency=1, task_workers=0,
                             redis_url=redis_url)
    print(f"cache and sessions in {redis_url or 'the database'}")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from pyinstrument import Profiler

    from people.services import calendar_feed_for

    counselor = harness.counselors_on_the_roster(1)[0]
    feed = f"/calendar/{calendar_feed_for(counselor).token}.ics"
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="127.0.0.1")
    client.force_login(counselor)
    # the load test's calendar programs send no cookies; a browser of the signed-in person does
    calendar_program = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    pages = {"/shifts/": (client, "/shifts/"), "calendar feed (no cookies)": (calendar_program, feed),
             "calendar feed (signed in)": (client, feed), "/ (counselor's dashboard)": (client, "/"),
             "/health/": (client, "/health/")}
    for label, (visitor, url) in pages.items():
        response = visitor.get(url)
        assert response.status_code == 200, (label, response.status_code)
        queries: list[str] = []

        def count(execute, sql, *rest, seen=queries):
            seen.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            visitor.get(url)
        profiler = Profiler(interval=0.0005)
        started, cpu = time.perf_counter(), time.process_time()
        with profiler:
            for _ in range(args.repeat):
                visitor.get(url)
        each = (time.perf_counter() - started) / args.repeat * 1000
        each_cpu = (time.process_time() - cpu) / args.repeat * 1000
        print(f"{label:30} {each:7.1f} ms/request ({each_cpu:5.1f} ms CPU)  {len(queries):3d} queries  "
              f"({len(response.content)} bytes)")
        if args.queries:
            print("\n".join(f"    {sql[:200]}" for sql in queries))
        if args.tree:
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
