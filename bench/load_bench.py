"""Load test: the app served as in production on loopback under a registration burst, counselors' pages, a roster
being generated. Prints throughput, latency percentiles and errors, then counts that nothing was lost.

    .venv/bin/python bench/load_bench.py --fresh                  # new database with the full demo data set
    .venv/bin/python bench/load_bench.py --applicants 300 --counselors 100 --run-time 90s --port 8200

PostgreSQL only (``--database-url``, default a database ``load_bench`` on the local server). The data folder
(evidence, mail outbox, static files) is ``--data-dir``. See bench/README.md for what each user does.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._database import ensure_database  # noqa: E402
from bench.load import harness  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/load_bench")
    parser.add_argument("--fresh", action="store_true", help="drop the database, migrate and seed the demo data")
    parser.add_argument("--applications", type=int, default=3800, help="demo applications seeded with --fresh")
    parser.add_argument("--data-dir", type=Path, default=harness.REPO / "var" / "load-bench")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--web-concurrency", type=int, default=5, help="gunicorn processes")
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--counselors", type=int, default=100)
    parser.add_argument("--applicants", type=int, default=300, help="signed-up applicants who apply at once")
    parser.add_argument("--signups", type=int, default=20, help="applicants who register through the form first")
    parser.add_argument("--flow", choices=["one-page", "steps", "mixed"], default="one-page",
                        help="how applicants apply: the one-page form sent at once, or a draft built step by step")
    parser.add_argument("--together", action="store_true",
                        help="one-page flow: every applicant opens the form first, then all send at once (the "
                             "submissions measured on their own)")
    parser.add_argument("--spawn-rate", type=float, default=100)
    parser.add_argument("--catch-up-seconds", type=float, default=600,
                        help="how long to wait after the run for the queue to empty (previews, notices)")
    parser.add_argument("--run-time", default="300s", help="upper bound; the run ends when the burst is done")
    parser.add_argument("--min-seconds", type=int, default=60,
                        help="the counselors go on at least this long (from the start) after the burst")
    parser.add_argument("--roster-seconds", type=int, default=60,
                        help="solver time of the roster generated during the run (0: none)")
    parser.add_argument("--redis-db", type=int, default=15,
                        help="the Redis database (on 127.0.0.1:6379, emptied) for the cache and the sessions, as in "
                             "production, when one answers")
    parser.add_argument("--no-redis", action="store_true", help="the database cache and sessions, even with a Redis")
    args = parser.parse_args()
    if args.together and args.flow != "one-page":
        parser.error("--together needs --flow one-page")

    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("the load test serves PostgreSQL only (as production does)")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    secret = harness.new_secret_key()
    redis_url = "" if args.no_redis else harness.local_redis(args.redis_db)
    env = harness.server_env(database_url=args.database_url, data_dir=args.data_dir, port=args.port,
                             secret_key=secret, web_concurrency=args.web_concurrency, task_workers=args.task_workers,
                             redis_url=redis_url)
    os.environ.update({k: v for k, v in env.items() if k not in ("SKIP_SETUP",)})

    if args.fresh:
        ensure_database(args.database_url, fresh=True)
    else:
        ensure_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from credentialing.demo import demo_data_exists

    if not demo_data_exists():
        print(f"==> Seeding the demo data ({args.applications} applications, rosters published)", flush=True)
        call_command("seed_demo", applications=args.applications, stdout=open(os.devnull, "w"))
    print("==> Collecting static files", flush=True)
    harness.collectstatic(env)
    tag = time.strftime("%Y%m%d%H%M%S")
    plan_path = args.data_dir / f"plan-{tag}.json"
    plan = harness.prepare_plan(path=plan_path, data_dir=args.data_dir, secret_key=secret,
                                counselors=args.counselors, applicants=args.applicants, signups=args.signups,
                                tag=tag)
    print(f"==> Prepared in {time.perf_counter() - started:.0f} s: {len(plan['counselors'])} counselors, "
          f"{len(plan['applicants'])} applicants, {len(plan['signups'])} sign-ups", flush=True)

    users = plan["counselor_users"] + len(plan["applicants"]) + len(plan["signups"])
    with harness.serve(env, log=args.data_dir / f"serve-{tag}.log") as served:
        base = served.url
        run_id = harness.queue_a_roster(seconds=args.roster_seconds) if args.roster_seconds else None
        print(f"==> Serving at {base} ({args.web_concurrency} gunicorn processes, {args.task_workers} task "
              f"workers, cache and sessions in {redis_url or 'the database'}); roster run {run_id} queued; "
              f"locust with {users} users for {args.run_time}", flush=True)
        load_before = os.getloadavg()
        cpu_before, generator_before = served.cpu(), harness.children_cpu_seconds()
        result = harness.run_locust(plan=plan_path, host=base, users=users, spawn_rate=args.spawn_rate,
                                    run_time=args.run_time, result=args.data_dir / f"result-{tag}.json",
                                    log=args.data_dir / f"locust-{tag}.log",
                                    extra_env={"LOAD_MIN_SECONDS": str(args.min_seconds),
                                               "LOAD_FLOW": args.flow, "LOAD_SERVE_PID": str(served.pid),
                                               "LOAD_TOGETHER": "1" if args.together else ""})
        load_after = os.getloadavg()
        cpu_after = served.cpu()
        cpu = {kind: cpu_after[kind] - cpu_before[kind] for kind in cpu_after}
        cpu["load generator"] = harness.children_cpu_seconds() - generator_before
        after = harness.wait_for_the_queue(served, timeout=args.catch_up_seconds)
        roster = harness.roster_state(run_id) if run_id else None
    outcome = harness.count_outcome(result, data_dir=args.data_dir, count_notices=after["drained"])
    print()
    print(harness.report(result, outcome, roster=roster, flow=args.flow, cpu=cpu, after=after))
    print(f"\nload average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} cores; "
          + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"figures: {args.data_dir / f'result-{tag}.json'}")
    harness.check_outcome(result, outcome)
    print("nothing lost: every submission and every file counted")


if __name__ == "__main__":
    main()
