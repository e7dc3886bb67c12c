"""Server time and query count of the training pages at the platform's scale, on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_training .venv/bin/python bench/training_bench.py --fresh

Builds its own data set when the database has none (2,000 counselors in the programme, a month of nightly
sessions with 300 enrolled each, their attendance and assessments), then times, through Django's test client
(the whole middleware stack, no network): the attendance page of a 300-person session (as its trainer), a
save of that page's 300 marks, and the programme report and counselor list over 2,000 counselors (as the
training team). Settings are ``config.settings.base`` (DEBUG off) unless DJANGO_SETTINGS_MODULE says otherwise.
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
from bench._database import ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wt_training"
COUNSELORS = 2000
SESSIONS = 30
ENROLLED = 300
BENCH_DOMAIN = "training-bench.example"


def build(seed: int = 1) -> None:
    """2,000 counselors, 30 nightly sessions of 300 enrolled, attendance and assessments, in bulk."""
    from datetime import timedelta

    from allauth.mfa.totp.internal.auth import TOTP
    from django.db import transaction
    from django.utils import timezone

    from people.enums import StaffRole
    from people.services import staff_role_grant
    from tests.training.factories import bulk_counselors, curriculum, supervisor_users
    from training.enums import Area, Attendance
    from training.models import Assessment, Curriculum, Enrolment, Session, Trainee

    rng = random.Random(seed)
    with transaction.atomic():
        version = Curriculum.objects.filter(is_current=True).first() or curriculum(1)
        trainers = supervisor_users(10, domain=BENCH_DOMAIN)
        users = bulk_counselors(COUNSELORS, domain=BENCH_DOMAIN)
        today = timezone.localdate()
        trainees = Trainee.objects.bulk_create(
            Trainee(user=u, curriculum=version, started_on=today - timedelta(days=rng.randint(0, 40)))
            for u in users)
        from django.contrib.auth import get_user_model

        team = get_user_model().objects.create_user(f"team@{BENCH_DOMAIN}", "bench", full_name="Training team")
        staff_role_grant(user=team, role=StaffRole.TRAINING, actor=None)
        TOTP.activate(team, "JBSWY3DPEHPK3PXP")  # staff pages need an authenticator
        zone = timezone.get_default_timezone()
        tonight = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()), zone) \
            + timedelta(hours=20)
        areas = list(Area.values)
        sessions = Session.objects.bulk_create(
            Session(area=areas[n % 5], topic=f"Bench topic {n}", starts_at=tonight - timedelta(days=SESSIONS - 1 - n),
                    ends_at=tonight - timedelta(days=SESSIONS - 1 - n) + timedelta(hours=2), capacity=ENROLLED)
            for n in range(SESSIONS))
        through = Session.trainers.through
        through.objects.bulk_create(through(session_id=s.pk, user_id=trainers[n % len(trainers)].pk)
                                    for n, s in enumerate(sessions))
        statuses = [Attendance.PRESENT] * 7 + [Attendance.LATE, Attendance.EXCUSED, Attendance.ABSENT]
        enrolments = []
        for session in sessions:
            for trainee in rng.sample(trainees, ENROLLED):
                status = rng.choice(statuses)
                minutes = {Attendance.PRESENT: 120, Attendance.LATE: rng.randint(60, 110)}.get(status, 0)
                enrolments.append(Enrolment(session=session, trainee=trainee, status=status, minutes=minutes))
        Enrolment.objects.bulk_create(enrolments, batch_size=2000)
        assessments = [Assessment(trainee=t, area=area, attempt=1, score=rng.randint(50, 100), pass_mark=70,
                                  passed=False, assessor=trainers[0], assessed_on=today)
                       for t in trainees for area in areas if rng.random() < 0.6]
        Assessment.objects.bulk_create(assessments, batch_size=2000)


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
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
    return summary(times, counts, len(response.content))


def summary(times: list[float], counts: list[int], size: int) -> dict:
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, round(0.95 * len(times)) - 1)],
            "queries": counts[0], "fixed": len(set(counts)) == 1, "bytes": size}


def measure_save(client, url: str, session, repeat: int) -> dict:
    """Post the whole sheet (300 marks) with every status changed, so every row is written each time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = list(session.enrolments.values_list("pk", flat=True))
    times, counts = [], []
    for n in range(repeat):
        status = ("present", "excused")[n % 2]
        data = {f"status-{pk}": status for pk in ids}
        data["version"] = type(session).objects.get(pk=session.pk).version
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(url, data)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
        counts.append(len(queries))
    return summary(times, counts, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    ensure_database(os.environ["DATABASE_URL"], fresh=args.fresh)
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from training.models import Session, Trainee

    call_command("migrate", verbosity=0)
    User = get_user_model()
    if not User.objects.filter(email=f"team@{BENCH_DOMAIN}").exists():
        started = time.perf_counter()
        build()
        print(f"built the data set in {time.perf_counter() - started:.1f} s")

    from django.utils import timezone

    session = (Session.objects.filter(topic__startswith="Bench topic", starts_at__lte=timezone.now())
               .order_by("-starts_at")
               .prefetch_related("trainers").first())
    trainer, team = Client(SERVER_NAME="localhost"), Client(SERVER_NAME="localhost")
    trainer.force_login(session.trainers.first())
    team.force_login(User.objects.get(email=f"team@{BENCH_DOMAIN}"))
    attendance = reverse("training:attendance", args=[session.pk])
    pages = [
        ("attendance, 300", trainer, attendance),
        ("programme report", team, reverse("training:report")),
        ("overview", team, reverse("training:home")),
        ("counselor list", team, reverse("training:counselors")),
        ("counselors, stalled", team, reverse("training:counselors") + "?state=stalled"),
    ]
    print(f"{connection.vendor}, {Trainee.objects.count()} counselors in the programme, "
          f"{session.enrolments.count()} enrolled in the measured session, {args.repeat} requests per page")
    print(f"{'page':22} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  fixed  {'KiB':>5}  url")
    for name, client, url in pages:
        r = measure(client, url, args.repeat)
        print(f"{name:22} {r['median']:10.1f} {r['p95']:8.1f} {r['queries']:8d}  {'yes' if r['fixed'] else 'NO':5}"
              f"  {r['bytes'] / 1024:5.0f}  {url}")
    r = measure_save(trainer, attendance, session, max(5, args.repeat // 5))
    print(f"{'save 300 marks':22} {r['median']:10.1f} {r['p95']:8.1f} {r['queries']:8d}  "
          f"{'yes' if r['fixed'] else 'NO':5}  {'':5}  POST {attendance}")


if __name__ == "__main__":
    main()
