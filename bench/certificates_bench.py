"""Certificates: one on demand, and a batch of 1,700 admission certificates as one PDF (and as a ZIP).

    .venv/bin/python bench/certificates_bench.py [--people 1700] [--sqlite] [--zip]

PostgreSQL by default (database bench_certificates, dropped and created afresh; DATABASE_URL overrides it),
or a new SQLite file with --sqlite. Makes the approved counselors in bulk (names like the demo's, a fifth
of them choosing English), then measures, through the same services the pages and the command use:
one certificate issued and rendered (first in the process, then warm), and the batch for everyone (issue
plus render, as ``manage.py issue_certificates`` does). Peak memory is the process's maximum resident set.
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
    started = time.perf_counter()
    make_approved_counselors(args.people + 1)
    print(f"{connection.vendor}: {args.people + 1} approved counselors made in {time.perf_counter() - started:.1f} s;"
          f" peak {peak_mb():.0f} MB before rendering")

    calibration = calibration_ms_per_page()
    print(f"calibration        the plain page of STACK.md: {calibration:.0f} ms a page here now "
          f"(9 ms on a quiet machine): this machine is {calibration / 9:.1f}x slower at the moment")

    # One certificate on demand: issue (or find) it and render it to its stored file, as the download does.
    holder = User.objects.order_by("pk").first()
    timings = []
    for attempt in range(3):
        started = time.perf_counter()
        certificate = services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder,
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
    content, result = batches.certificates_issue_missing(kind=CertificateKind.ADMISSION,
                                                          output_format=BatchFormat.MERGED_PDF)
    seconds = time.perf_counter() - started
    valid = Certificate.objects.filter(kind=CertificateKind.ADMISSION, standing=Standing.VALID).count()
    processes = settings.CERTIFICATE_RENDER_PROCESSES
    print(f"batch, one PDF     {result.issued} certificates in {seconds:.1f} s "
          f"({seconds / max(result.issued, 1) * 1000:.0f} ms each; {cpu_seconds() - cpu:.0f} CPU-s in all), "
          f"{len(content) / 1024 / 1024:.1f} MiB; {valid} valid admission certificates now")
    print(f"memory             this process peak {peak_mb():.0f} MB, largest of the {processes} render processes "
          f"{children_peak_mb():.0f} MB: at most {peak_mb() + processes * children_peak_mb():.0f} MB together")

    if args.zip:
        Certificate.objects.exclude(pk=certificate.pk).delete()
        cpu = cpu_seconds()
        started = time.perf_counter()
        content, result = batches.certificates_issue_missing(kind=CertificateKind.ADMISSION,
                                                              output_format=BatchFormat.ZIP)
        seconds = time.perf_counter() - started
        print(f"batch, ZIP         {result.issued} certificates in {seconds:.1f} s ({cpu_seconds() - cpu:.0f} CPU-s), "
              f"{len(content) / 1024 / 1024:.1f} MiB; peak {peak_mb():.0f} MB here, {children_peak_mb():.0f} MB "
              f"in the largest render process")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(other work on the machine slows every figure above but the CPU seconds)")


if __name__ == "__main__":
    main()
