"""The full-scale rostering week end to end from the database: build, solve, save; then /shifts/ with four weeks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_roster .venv/bin/python bench/rostering_bench.py \
        [--counselors 1700] [--supervisors 200] [--seconds 60] [-n 100]

Creates (once) the volunteers, ready for duty, with availability in their own time zones (10% overseas),
under @bench.example addresses, as the demo does: about a third of the counselors marked experienced, a
quarter with a night limit of their own; deletes earlier bench runs; then times each stage of one week:
building the engine's problem (roster-problem/2, the rules at their defaults) from the database (with its
query count), creating the run (problem + shifts), solving in this process with the engine, and saving the
roster in bulk. Each week's roster is judged by the shared referee (check_roster.py, when it is beside the
repository or at ROSTER_SHARED_DIR). Then it publishes four consecutive weeks and measures /shifts/ (median
and p95 over -n requests) for the busiest counselor.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._database import ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wt_roster"
DOMAIN = "bench.example"
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Australia/Sydney",
         "Asia/Tokyo"]


def make_people(counselors: int, supervisors: int) -> None:
    """Volunteers ready for duty with availability; bulk, about 10 s for 1,900 people."""
    from django.db import transaction

    from people.models import User, Volunteer
    from rostering.demo import PATTERNS, weekly_cells
    from rostering.models import AvailabilityProfile, WeeklyAvailability

    rng = random.Random(7)
    with transaction.atomic():
        users = []
        for i in range(counselors + supervisors):
            overseas = rng.random() < 0.1
            users.append(User(email=f"v{i:05d}@{DOMAIN}", full_name=f"Volunteer {i:05d}",
                              timezone=rng.choice(ZONES) if overseas else "Asia/Shanghai"))
        User.objects.bulk_create(users, batch_size=2000)
        users = list(User.objects.filter(email__endswith=f"@{DOMAIN}").order_by("email"))
        roles = ["counselor"] * counselors + ["supervisor"] * supervisors
        volunteers, profiles, cells = [], [], []
        for user, role in zip(users, roles, strict=True):
            r = rng.random()
            voice, text = (True, True) if r < 0.6 else ((True, False) if r < 0.85 else (False, True))
            volunteers.append(Volunteer(user=user, role=role, status="ready", timezone=user.timezone,
                                        serves_voice=voice, serves_text=text))
            maximum = rng.choice([4, 8, 8, 12, 12, 16, 20] if role == "counselor" else [8, 16, 16, 24, 32])
            target = max(4, 4 * round(maximum * rng.choice([0.5, 0.75, 1.0]) / 4))
            profiles.append(AvailabilityProfile(user=user, max_hours_per_week=maximum,
                                                target_hours_per_week=min(target, maximum)))
            pattern = rng.choices([p for p, _ in PATTERNS], [w for _, w in PATTERNS])[0]
            cells += [WeeklyAvailability(user=user, weekday=d, hour=h, kind=k)
                      for (d, h), k in weekly_cells(rng, pattern).items()]
        Volunteer.objects.bulk_create(volunteers, batch_size=2000)
        AvailabilityProfile.objects.bulk_create(profiles, batch_size=2000)
        WeeklyAvailability.objects.bulk_create(cells, batch_size=5000)
    add_version2_people()


def add_version2_people() -> None:
    """The demo's version 2 shapes on the bench people (once): experienced marks and own night limits, drawn
    from a stream of their own so that the version 1 people stay as they were."""
    from django.db import transaction

    from people.models import Volunteer
    from rostering.demo import EXPERIENCED_SHARE, OWN_NIGHT_LIMITS
    from rostering.models import AvailabilityProfile, ExperienceMark

    if ExperienceMark.objects.filter(user__email__endswith=f"@{DOMAIN}").exists():
        return
    rng = random.Random("bench-v2")
    with transaction.atomic():
        marks, limits = [], {}
        for user_id, role in (Volunteer.objects.filter(user__email__endswith=f"@{DOMAIN}").order_by("user__email")
                              .values_list("user_id", "role")):
            limits[user_id] = rng.choices([n for n, _ in OWN_NIGHT_LIMITS], [w for _, w in OWN_NIGHT_LIMITS])[0]
            if role == "counselor" and rng.random() < EXPERIENCED_SHARE:
                marks.append(ExperienceMark(user_id=user_id))
        ExperienceMark.objects.bulk_create(marks, batch_size=2000)
        for limit in (0, 1):
            AvailabilityProfile.objects.filter(user_id__in=[u for u, n in limits.items() if n == limit]).update(
                max_night_shifts_per_week=limit)


def referee_verdict(problem: dict, solution: dict) -> str:
    """check_roster.py's verdict on a roster the app wrote, in one line (or why it could not be asked)."""
    import json
    import subprocess
    import tempfile

    folder = Path(os.environ.get("ROSTER_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared" / "roster")
    if not (folder / "check_roster.py").exists():
        return f"referee not found at {folder}"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "p.json").write_text(json.dumps(problem))
        (Path(tmp) / "s.json").write_text(json.dumps(solution))
        done = subprocess.run([sys.executable, str(folder / "check_roster.py"), f"{tmp}/p.json", f"{tmp}/s.json"],
                              capture_output=True, text=True)
    if done.returncode == 2:
        return f"referee could not read it: {done.stderr.strip()[:200]}"
    report = json.loads(done.stdout)
    parts = report["parts"]
    return (f"referee: {'valid' if report['valid'] else 'INVALID ' + str(report['violations'])[:200]}, "
            f"penalty {report['penalty']:.0f} (uncovered {parts['uncovered_hours']:.0f} h, inexperienced "
            f"{parts.get('inexperienced_hours', 0):.0f} h, night excess {parts.get('night_excess_shifts', 0)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counselors", type=int, default=1700)
    parser.add_argument("--supervisors", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60, help="solver time limit per week")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 3, 2))
    parser.add_argument("-n", "--repeat", type=int, default=100)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    ensure_database(os.environ["DATABASE_URL"])
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from people.models import User
    from rostering import engine, services, solving
    from rostering.exports import solution_document
    from rostering.models import Assignment, RosterRun, RosterSettings
    from rostering.selectors import build_problem, rosterable_counselors, rosterable_supervisors

    call_command("migrate", verbosity=0)
    if not User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        started = time.perf_counter()
        make_people(args.counselors, args.supervisors)
        print(f"created {args.counselors} counselors and {args.supervisors} supervisors in "
              f"{time.perf_counter() - started:.1f} s")
    add_version2_people()  # bench people made before version 2
    for run in RosterRun.objects.order_by("-pk"):
        run.delete()
    rules = RosterSettings.current()
    rules.peak_counselors = 100
    rules.save()
    print(f"{connection.vendor}: {rosterable_counselors().count()} counselors, "
          f"{rosterable_supervisors().count()} supervisors rosterable")

    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        problem = build_problem(start=args.start, days=7)
        build = time.perf_counter() - started
    print(f"build problem   {build:7.2f} s  {len(queries)} queries, {len(problem['people'])} people, "
          f"{len(problem['shifts'])} shifts, {problem['format']}")
    rules = problem["rules"]
    print(f"  rules: {rules['max_consecutive_days']} days in a row, night {rules['night']}, fair share "
          f"{rules['night_fair_share']}; {sum(p['experienced'] for p in problem['people'])} people experienced, "
          f"{sum(1 for p in problem['people'] if p['max_night_shifts'] is not None and p['max_night_shifts'] < 2)}"
          f" with a night limit below 2; {sum(s['min_experienced'] > 0 for s in problem['shifts'])} shifts want "
          f"experienced people")

    weeks = []
    for week in range(4):
        start = args.start + timedelta(days=7 * week)
        started = time.perf_counter()
        run = services.run_create(actor=None, start=start, days=7, seconds=args.seconds, enqueue=False)
        create = time.perf_counter() - started
        solved = {}

        def solve(run=run, solved=solved):
            begin = time.perf_counter()
            solution = engine.solve(run.problem, seconds=args.seconds, workers=2)
            solved.update(solution=solution, seconds=time.perf_counter() - begin)

        solve()
        RosterRun.objects.filter(pk=run.pk).update(started_at=timezone.now())
        started = time.perf_counter()
        solving._run_save_solution(run.pk, solved["solution"])
        save = time.perf_counter() - started
        services.run_publish(run_id=run.pk, actor=None)
        s = solved["solution"]
        weeks.append(run.pk)
        print(f"week {week + 1}: create run (build + shifts) {create:5.2f} s | solve {solved['seconds']:6.2f} s "
              f"({s.status}, penalty {s.penalty:.0f}, bound {s.bound or 0:.0f}, {len(s.assignments)} assignments) | "
              f"save {save:5.2f} s | build + save {create + save:5.2f} s")
        run.refresh_from_db()
        print(f"  {referee_verdict(run.problem, solution_document(run))}")

    busiest = (Assignment.objects.filter(run_id__in=weeks, shift__role="counselor").values("person")
               .order_by().annotate(n=django.db.models.Count("id")).order_by("-n").first())
    user = User.objects.get(pk=busiest["person"])
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = reverse("rostering:shifts")
    for _ in range(3):
        assert client.get(url).status_code == 200
    counted = []  # request_started resets connection.queries, so count through a wrapper
    with connection.execute_wrapper(lambda execute, *a: counted.append(1) or execute(*a)):
        client.get(url)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"/shifts/ with four weeks published ({busiest['n']} shifts for this counselor, "
          f"{Assignment.objects.filter(run_id__in=weeks).count()} assignments in all): "
          f"median {statistics.median(times):.1f} ms, p95 {times[max(0, round(0.95 * len(times)) - 1)]:.1f} ms, "
          f"{len(counted)} queries")


if __name__ == "__main__":
    main()
