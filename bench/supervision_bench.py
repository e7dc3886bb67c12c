"""Supervision figures: group placement at full scale (both backends) and the on-duty page under load.

    .venv/bin/python bench/supervision_bench.py                      # placement (both backends) + page
    .venv/bin/python bench/supervision_bench.py --only placement --seconds 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_superv .venv/bin/python bench/supervision_bench.py --only page

Placement: 2,000 counselors into a week of daily groups led by 200 supervisors (each leads one group a week,
capacity 12: about 29 groups a day, 2,400 seats). Counselors are free in the evening, in the daytime, at the
weekend or scattered (the shapes of the roster instances); 70% had a supervisor last time. Pure Python
(supervision.placement), no database. Target: proven optimal or within 1% in 30 s.

Page: /supervision/on-duty/ with a published week (200 supervisors, 2,000 counselors on 4-hour shifts),
signed in as a counselor, through Django's test client (the whole middleware stack). The data is written
inside a transaction that is rolled back at the end, so the database is left as it was. Target: p95 < 100 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HOURS = (10, 14, 19, 21)
PATTERNS = {"evening": (19, 21), "daytime": (10, 14), "weekend": (10, 14, 19, 21), "scattered": HOURS}


def week_instance(seed: int = 1, counselors: int = 2000, supervisors: int = 200, capacity: int = 12):
    from supervision.placement import Counselor, Session

    rng = random.Random(seed)
    sessions, slot_of = [], {}
    for sid in range(supervisors):
        day, hour = sid % 7, HOURS[rng.randrange(len(HOURS))]
        sessions.append(Session(sid, 10_000 + sid, capacity))
        slot_of[sid] = (day, hour)
    people = []
    for cid in range(counselors):
        pattern = rng.choices(list(PATTERNS), [40, 20, 15, 25])[0]
        days = {d for d in range(7) if (pattern != "weekend" or d >= 5) and rng.random() < 0.6}
        hours = set(PATTERNS[pattern]) if pattern != "scattered" else set(rng.sample(HOURS, 2))
        free = frozenset(s for s, (d, h) in slot_of.items() if d in days and h in hours)
        last = 10_000 + rng.randrange(supervisors) if rng.random() < 0.7 else None
        people.append(Counselor(cid, free, last))
    return sessions, people


def bench_placement(seconds: float) -> None:
    from supervision.placement import evaluate, place

    sessions, people = week_instance()
    pairs = sum(len(p.available) for p in people)
    print(f"placement: {len(people)} counselors, {len(sessions)} groups, {sum(s.capacity for s in sessions)} seats, "
          f"{pairs} (counselor, group) pairs")
    print("| backend | status | seconds | placed | unplaced | continuity | fullest | objective | bound | gap |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in ("flow", "mip", "cpsat"):
        result = place(sessions, people, backend=backend, seconds=seconds, relative_gap=1e-4)
        evaluate(sessions, people, result.assignments)  # the independent check
        print(f"| {backend} | {result.status} | {result.seconds:.2f} | {len(result.assignments)} | "
              f"{len(result.unplaced)} | {result.continuity} | {result.fullest} | {result.objective:,.0f} | "
              f"{result.bound:,.1f} | {100 * result.gap:.3f}% |")
        reasons: dict[str, int] = {}
        for reason in result.unplaced.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        print(f"  unplaced by reason: {reasons}")


def bench_page(repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from people.models import User, Volunteer
    from rostering.models import Assignment, RosterRun, RosterShift

    settings.ALLOWED_HOSTS = ["*"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        stamp = int(time.time())
        users = User.objects.bulk_create([User(email=f"bench-{stamp}-{i}@bench.example", full_name=f"Bench {i}")
                                          for i in range(2200)])
        Volunteer.objects.bulk_create([Volunteer(user=u, role="supervisor" if i < 200 else "counselor",
                                                 status="active", serves_voice=True, serves_text=i % 3 != 0,
                                                 phone="13800000000", share_contact=True)
                                       for i, u in enumerate(users)])
        run = RosterRun.objects.create(period_start=now.date(), days=7, state="published")
        start = now - timedelta(days=3)
        shifts, assignments = [], []
        for block in range(42):  # a week of 4-hour blocks
            begin = start + timedelta(hours=4 * block)
            shifts.append(RosterShift(run=run, key=f"s-{block}", role="supervisor", channel="", start=begin,
                                      end=begin + timedelta(hours=4), wanted=5, maximum=10))
            for channel in ("voice", "text"):
                shifts.append(RosterShift(run=run, key=f"c-{block}-{channel}", role="counselor", channel=channel,
                                          start=begin, end=begin + timedelta(hours=4), wanted=50, maximum=60))
        RosterShift.objects.bulk_create(shifts)
        by_key = {s.key: s for s in RosterShift.objects.filter(run=run)}
        rng = random.Random(1)
        for block in range(42):
            for sup in rng.sample(users[:200], 5):
                assignments.append(Assignment(run=run, shift=by_key[f"s-{block}"], person=sup))
            for channel in ("voice", "text"):
                for person in rng.sample(users[200:], 50):
                    assignments.append(Assignment(run=run, shift=by_key[f"c-{block}-{channel}"], person=person))
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        client = Client()
        client.force_login(users[500])
        url = "/supervision/on-duty/"
        for _ in range(3):
            assert client.get(url).status_code == 200
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
            client.get(url)
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and b"on-duty-supervisor" in response.content
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"on-duty page ({connection.vendor}, {len(assignments)} published assignments, {repeat} requests): "
              f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms, "
              f"{len(queries)} queries")
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["placement", "page"])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("-n", "--repeat", type=int, default=200)
    args = parser.parse_args()
    if args.only in (None, "placement"):
        bench_placement(args.seconds)
    if args.only in (None, "page"):
        bench_page(args.repeat)


if __name__ == "__main__":
    main()
