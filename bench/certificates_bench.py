"""Certificates: one on demand, and a batch of 1,700 certificates of a kind as one PDF (and as a ZIP).

    .venv/bin/python bench/certificates_bench.py [--kind admission] [--people 1700] [--sqlite] [--zip]

PostgreSQL by default (database bench_certificates, dropped and created afresh; DATABASE_URL overrides it),
or a new SQLite file with --sqlite. Makes the people in bulk (names like the demo's, a fifth of them
choosing English): approved counselors (``admission``), counselors who completed the pre-service
training and are ready for duty (``training-completion``: five areas, twelve sessions and five
assessments each), or counselors who served last month (``service-record``: eight shifts each on a
published roster, a few with corrections). Then it measures, through the same services the pages and the
command use: the kind's source reading everyone, one certificate issued and rendered (first in the
process, then warm), and the batch for everyone (issue plus render, as ``manage.py issue_certificates``
does). Peak memory is the process's maximum resident set.
Targets: one certificate under 0.5 s; 1,700 under 60 s and 1 GB.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._database import ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_certificates"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mb() -> float:
    """The largest finished render process (the batch's pool processes are children of this one)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU used by this process and its finished children: on a shared machine, wall time alone misleads."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def make_approved_counselors(count: int, seed: int = 1) -> None:
    from datetime import date, datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.contrib.auth.hashers import make_password

    from credentialing.demo import person_name
    from credentialing.enums import ApplicationState, EvidenceCheck
    from credentialing.models import (
        Application,
        EthicsTraining,
        Institution,
        PracticeRecord,
        Qualification,
        QualificationKind,
        SpecialTraining,
    )
    from people.models import User

    rng = random.Random(seed)
    password = make_password(None)
    institutions = Institution.objects.bulk_create([Institution(name=f"第{n + 1}大学", province="湖北", city="武汉")
                                                    for n in range(300)])
    users = User.objects.bulk_create([
        User(email=f"counselor{n:05d}@bench.example", full_name=person_name(rng), password=password,
             language="en" if n % 5 == 0 else "zh-hans") for n in range(count)])
    decided = datetime(2026, 2, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    applications = Application.objects.bulk_create([
        Application(applicant=user, full_name=user.full_name, phone="13800000000", province="湖北", city="武汉",
                    institution=rng.choice(institutions), state=ApplicationState.APPROVED, decided_at=decided,
                    submitted_at=decided) for user in users])
    kind = QualificationKind.objects.get(code="registered-psychologist")
    verified = {"check_state": EvidenceCheck.VERIFIED}
    Qualification.objects.bulk_create([
        Qualification(application=a, qualification_kind=kind, number=f"X-{a.pk:06d}", issuing_body="Registry",
                      issued_on=date(2020, 1, 1), **verified) for a in applications])
    EthicsTraining.objects.bulk_create([
        EthicsTraining(application=a, provider="Registry", hours=Decimal(rng.choice([16, 18, 24])),
                       approved_by_registry=True, **verified) for a in applications])
    SpecialTraining.objects.bulk_create([
        SpecialTraining(application=a, title="Crisis intervention", covers_trauma=True, covers_first_aid=True,
                        covers_crisis=True, **verified) for a in applications])
    PracticeRecord.objects.bulk_create([
        PracticeRecord(application=a, hours=Decimal(rng.randint(500, 3000)), **verified) for a in applications])


def _people(count: int, rng: random.Random, *, status: str):
    """Counselors in bulk, with their volunteer records in ``status``."""
    from django.contrib.auth.hashers import make_password

    from credentialing.demo import person_name
    from people.models import User, Volunteer

    password = make_password(None)
    users = User.objects.bulk_create([
        User(email=f"counselor{n:05d}@bench.example", full_name=person_name(rng), password=password,
             language="en" if n % 5 == 0 else "zh-hans") for n in range(count)])
    Volunteer.objects.bulk_create([Volunteer(user=user, role="counselor", status=status, phone="13800000000")
                                   for user in users], batch_size=2000)
    return users


def make_trained_counselors(count: int, seed: int = 1) -> None:
    """Counselors ready for duty who attended every area's hours (two-hour sessions; half of them came late to an
    extra one) and passed every assessment."""
    from datetime import timedelta

    from django.utils import timezone

    from training.enums import Attendance
    from training.forms import DEFAULT_AREAS
    from training.models import Assessment, Curriculum, CurriculumArea, Enrolment, Session, Trainee

    rng = random.Random(seed)
    users = _people(count, rng, status="ready")
    version = Curriculum.objects.create(version=1, is_current=True)
    CurriculumArea.objects.bulk_create(CurriculumArea(curriculum=version, area=code, required_hours=hours,
                                                      pass_mark=mark) for code, (hours, mark) in DEFAULT_AREAS.items())
    now = timezone.now()
    sessions = Session.objects.bulk_create([
        Session(area=code, topic=f"{code} {night}", starts_at=now - timedelta(days=30 - index),
                ends_at=now - timedelta(days=30 - index) + timedelta(hours=2), capacity=2000)
        for index, (code, night) in enumerate((code, night) for code, (hours, _mark) in DEFAULT_AREAS.items()
                                              for night in range(int(hours * 60) // 120))])
    trainees = Trainee.objects.bulk_create([Trainee(user=user, curriculum=version, ready_at=now,
                                                    started_on=(now - timedelta(days=30)).date()) for user in users],
                                           batch_size=2000)
    extra = Session.objects.create(area="skills", topic="skills extra", starts_at=now - timedelta(days=1),
                                   ends_at=now - timedelta(days=1) + timedelta(hours=2), capacity=2000)
    Enrolment.objects.bulk_create([Enrolment(session=lesson, trainee=trainee, status=Attendance.PRESENT, minutes=120)
                                   for trainee in trainees for lesson in sessions]
                                  + [Enrolment(session=extra, trainee=trainee, status=Attendance.LATE,
                                               minutes=rng.choice([60, 90, 100])) for trainee in trainees[::2]],
                                  batch_size=5000)
    Assessment.objects.bulk_create([Assessment(trainee=trainee, area=code, attempt=1, score=rng.randint(mark, 100),
                                               pass_mark=mark, passed=True, assessed_on=now.date())
                                    for trainee in trainees for code, (_hours, mark) in DEFAULT_AREAS.items()],
                                   batch_size=5000)


def last_month():
    from datetime import timedelta

    from django.utils import timezone

    from certificates.periods import Period

    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period(first, first)


def make_served_counselors(count: int, seed: int = 1) -> None:
    """Counselors who served eight shifts each last month on a published roster (every day, four-hour shifts
    on both channels); one in twenty has a correction of their hours."""
    from datetime import datetime, timedelta
    from datetime import time as clock
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from rostering.models import Assignment, HoursCorrection, RosterRun, RosterShift

    rng = random.Random(seed)
    users = _people(count, rng, status="active")
    period = last_month()
    zone = ZoneInfo(settings.TIME_ZONE)
    run = RosterRun.objects.create(period_start=period.first_day, days=28, state="published", problem={})
    days = (period.last_day - period.first_day).days + 1
    shifts = RosterShift.objects.bulk_create([
        RosterShift(run=run, key=f"c-{day}-{hour}-{channel}", role="counselor", channel=channel,
                    start=datetime.combine(period.first_day + timedelta(days=day), clock(hour), tzinfo=zone),
                    end=datetime.combine(period.first_day + timedelta(days=day), clock(hour), tzinfo=zone)
                    + timedelta(hours=4), wanted=count, maximum=count)
        for day in range(days) for hour in range(0, 24, 4) for channel in ("voice", "text")])
    Assignment.objects.bulk_create([Assignment(run=run, shift=shift, person=user)
                                    for user in users for shift in rng.sample(shifts, 8)], batch_size=5000)
    HoursCorrection.objects.bulk_create([HoursCorrection(person=user, month=period.first_day, reason="bench",
                                                         hours=Decimal(rng.choice(["2", "-1.5", "4"])))
                                         for user in users[::20]])


def calibration_ms_per_page(pages: int = 100) -> float:
    """The plain page STACK.md timed at 9 ms a page (200 pages as one document in 1.8 s): how fast this
    machine is right now, so the figures below can be compared with a quiet machine."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    page = ('<section style="page-break-after: always"><h1>录用证书</h1><p>王小明 has met the admission criteria '
            "and was approved on 2026年2月3日.</p><table><tr><th>所在机构</th><td>华中师范大学</td></tr>"
            "<tr><th>专业资质</th><td>注册心理师</td></tr></table></section>")
    fonts = FontConfiguration()
    html = f'<html><body style="font-family: WenQuanYi Micro Hei">{page * pages}</body></html>'
    HTML(string=page).write_pdf(font_config=fonts)
    started = time.perf_counter()
    HTML(string=html).write_pdf(font_config=fonts)
    return (time.perf_counter() - started) / pages * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="admission",
                        choices=["admission", "training-completion", "service-record"])
    parser.add_argument("--people", type=int, default=1700)
    parser.add_argument("--sqlite", action="store_true", help="use a new SQLite file instead of PostgreSQL")
    parser.add_argument("--zip", action="store_true", help="also time the batch as a ZIP of one PDF per person")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="certificates-bench-"))
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench_certificates.sqlite3'}"
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("APP_DATA_DIR", str(workdir))
    ensure_database(os.environ["DATABASE_URL"], fresh=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from certificates import batches, services
    from certificates.enums import BatchFormat, CertificateKind, Standing
    from certificates.models import Certificate
    from people.models import User

    call_command("migrate", verbosity=0)
    kind = args.kind.replace("-", "_")
    period = last_month() if kind == CertificateKind.SERVICE_RECORD else None
    make = {"admission": make_approved_counselors, "training_completion": make_trained_counselors,
            "service_record": make_served_counselors}[kind]
    started = time.perf_counter()
    make(args.people + 1)
    print(f"{connection.vendor}: {args.people + 1} counselors for {args.kind} certificates"
          f"{f' ({period.key})' if period else ''} made in {time.perf_counter() - started:.1f} s;"
          f" peak {peak_mb():.0f} MB before rendering")

    from certificates import registry

    started = time.perf_counter()
    snapshots = registry.spec(kind).snapshots(None, None, period)
    print(f"the source         {len(snapshots)} snapshots read in {(time.perf_counter() - started) * 1000:.0f} ms")

    calibration = calibration_ms_per_page()
    print(f"calibration        the plain page of STACK.md: {calibration:.0f} ms a page here now "
          f"(9 ms on a quiet machine): this machine is {calibration / 9:.1f}x slower at the moment")

    # One certificate on demand: issue (or find) it and render it to its stored file, as the download does.
    holder = User.objects.order_by("pk").first()
    timings = []
    for attempt in range(3):
        started = time.perf_counter()
        certificate = services.certificate_issue(holder=holder, kind=kind, actor=holder, period=period,
                                                 language="en" if attempt % 2 else "zh-hans")
        pdf = services.certificate_pdf(certificate=certificate)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    services.certificate_pdf(certificate=Certificate.objects.get(pk=certificate.pk))
    stored = time.perf_counter() - started
    print(f"one certificate    first {timings[0]:.2f} s (fonts loaded), then {min(timings[1:]):.2f} s; "
          f"from the stored file {stored * 1000:.0f} ms; {len(pdf) / 1024:.0f} KiB")

    # The batch: everyone without one, into one PDF (the command's path).
    from django.conf import settings

    cpu = cpu_seconds()
    started = time.perf_counter()
    content, result = batches.certificates_issue_missing(kind=kind, period=period,
                                                          output_format=BatchFormat.MERGED_PDF)
    seconds = time.perf_counter() - started
    valid = Certificate.objects.filter(kind=kind, standing=Standing.VALID).count()
    processes = settings.CERTIFICATE_RENDER_PROCESSES
    print(f"batch, one PDF     {result.issued} certificates in {seconds:.1f} s "
          f"({seconds / max(result.issued, 1) * 1000:.0f} ms each; {cpu_seconds() - cpu:.0f} CPU-s in all), "
          f"{len(content) / 1024 / 1024:.1f} MiB; {valid} valid {args.kind} certificates now")
    print(f"memory             this process peak {peak_mb():.0f} MB, largest of the {processes} render processes "
          f"{children_peak_mb():.0f} MB: at most {peak_mb() + processes * children_peak_mb():.0f} MB together")

    if args.zip:
        Certificate.objects.exclude(pk=certificate.pk).delete()
        cpu = cpu_seconds()
        started = time.perf_counter()
        content, result = batches.certificates_issue_missing(kind=kind, period=period,
                                                              output_format=BatchFormat.ZIP)
        seconds = time.perf_counter() - started
        print(f"batch, ZIP         {result.issued} certificates in {seconds:.1f} s ({cpu_seconds() - cpu:.0f} CPU-s), "
              f"{len(content) / 1024 / 1024:.1f} MiB; peak {peak_mb():.0f} MB here, {children_peak_mb():.0f} MB "
              f"in the largest render process")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(other work on the machine slows every figure above but the CPU seconds)")


if __name__ == "__main__":
    main()
