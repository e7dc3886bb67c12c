"""The monthly (and daily) report on the full demo data: the figures alone, the page, the PDF and the spreadsheets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_reports .venv/bin/python bench/reports_bench.py --fresh
    .venv/bin/python bench/reports_bench.py --sqlite --fresh          # SQLite, in a file of its own

`--fresh` drops the database, migrates it and loads the demo data set (`manage.py seed_demo`, full size: 3,800
applications, about 1,900 volunteers, four weeks of training, two published roster weeks, supervision); without it
an existing demo data set is used. The month measured is the one holding most published roster days (or `--month
YYYY-MM`), the day the busiest day of it (or `--day`). Requests go through Django's test client (the whole
middleware stack) as the demo coordinator; settings `config.settings.base` (DEBUG off). Target: the monthly
report, page and PDF, under 2 s each.
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wt_reports"


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


CPU: list[float] = []  # CPU seconds per call of the last timed() (less sensitive to other jobs than wall time)


def timed(call, repeat: int) -> tuple[list[float], object]:
    result = call()  # warm: templates, fonts, first connection
    times, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        result = call()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    CPU[:] = cpu
    return sorted(times), result


def line(name: str, times: list[float], extra: str = "") -> None:
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"{name:34} {statistics.median(times) * 1000:9.0f} {p95 * 1000:8.0f} {times[0] * 1000:8.0f} "
          f"{statistics.median(CPU) * 1000:8.0f}  {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=10, help="timed runs of each (default 10)")
    parser.add_argument("--fresh", action="store_true", help="drop the database, migrate and seed the demo data")
    parser.add_argument("--sqlite", action="store_true", help="SQLite in var/bench-reports.sqlite3")
    parser.add_argument("--month", help="YYYY-MM (default: the month with most published roster days)")
    parser.add_argument("--day", help="YYYY-MM-DD (default: the day with most people on duty in that month)")
    args = parser.parse_args()

    if args.sqlite:
        path = Path(__file__).resolve().parent.parent / "var" / "bench-reports.sqlite3"
        path.parent.mkdir(exist_ok=True)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
        ensure_database(os.environ["DATABASE_URL"], fresh=args.fresh)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from credentialing.demo import demo_data_exists
    from people.models import User
    from reports import periods, rendering, selectors
    from rostering.models import Assignment, RosterRun

    print(f"load average at the start: {load()} ({os.cpu_count()} cores)")
    call_command("migrate", verbosity=0)
    if not demo_data_exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        print(f"seeded the demo data in {time.perf_counter() - started:.1f} s")

    if args.month:
        first = periods.parse_month(args.month)
    else:
        days: dict = {}
        for run in RosterRun.objects.filter(state="published"):
            for day in periods.Period(run.period_start, run.days).dates:
                key = day.replace(day=1)
                days[key] = days.get(key, 0) + 1
        first = max(days, key=days.get) if days else periods.last_month(selectors.platform_today())
    period = periods.month_period(first)
    zone = selectors.platform_zone()
    start, end = period.bounds(zone)
    if args.day:
        day = periods.parse_day(args.day)
    else:
        busiest = (Assignment.objects.filter(run__state="published", shift__start__gte=start, shift__start__lt=end)
                   .values("shift__start__date").annotate(n=Count("pk")).order_by("-n").first())
        day = busiest["shift__start__date"] if busiest else first
    in_month = Assignment.objects.filter(run__state="published", shift__start__gte=start, shift__start__lt=end)
    print(f"{connection.vendor}; month {first:%Y-%m}: {in_month.count():,} published assignments, "
          f"{in_month.values('person').distinct().count():,} people; day {day}; {args.repeat} timed runs each")

    coordinator = User.objects.get(email="coordinator@demo.example")
    client = Client(SERVER_NAME="localhost")
    client.force_login(coordinator)

    def get(url: str):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    # how slow this machine is right now: STACK.md's plain page (a title, a paragraph, a two-row table) took 9 ms
    # of CPU on a quiet machine
    from weasyprint import HTML

    calibration = ("<h1>Calibration</h1><p>A paragraph of plain text.</p>"
                   "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>")
    HTML(string=calibration).write_pdf(font_config=rendering.font_configuration())
    cpu = time.process_time()
    for _ in range(20):
        HTML(string=calibration).write_pdf(font_config=rendering.font_configuration())
    print(f"calibration page: {(time.process_time() - cpu) / 20 * 1000:.0f} ms of CPU (9 ms on a quiet machine)")
    print(f"{'what':34} {'median ms':>9} {'p95 ms':>8} {'best ms':>8} {'CPU ms':>8}  notes")
    with CaptureQueriesContext(connection) as queries:
        report = selectors.monthly_report(first)
    times, report = timed(lambda: selectors.monthly_report(first), args.repeat)
    line("monthly figures (selectors)", times, f"{len(queries)} queries; coverage {report.figures.coverage.percent}%, "
                                               f"{len(report.hours.people):,} people with hours")
    monthly = reverse("reports:monthly", args=[first])
    times, response = timed(lambda: get(monthly), args.repeat)
    line("monthly page", times, f"{len(response.content) / 1024:.0f} KiB")
    times, response = timed(lambda: get(reverse("reports:monthly_download", args=[first, "pdf"])), args.repeat)
    line("monthly PDF (request)", times, f"{len(response.content) / 1024:.0f} KiB")
    times, pdf = timed(lambda: rendering.monthly_pdf(report, language="zh-hans"), args.repeat)
    line("monthly PDF (rendering alone)", times, f"{len(pdf) / 1024:.0f} KiB, Chinese")
    times, response = timed(lambda: get(reverse("reports:monthly_download", args=[first, "csv"])), args.repeat)
    line("monthly CSV", times, f"{len(response.content) / 1024:.0f} KiB")
    times, response = timed(lambda: get(reverse("reports:monthly_download", args=[first, "xlsx"])), args.repeat)
    line("monthly XLSX", times, f"{len(response.content) / 1024:.0f} KiB")
    with CaptureQueriesContext(connection) as queries:
        selectors.daily_report(day)
    times, _report = timed(lambda: selectors.daily_report(day), args.repeat)
    line("daily figures (selectors)", times, f"{len(queries)} queries")
    times, response = timed(lambda: get(reverse("reports:daily", args=[day])), args.repeat)
    line("daily page", times, f"{len(response.content) / 1024:.0f} KiB")
    times, response = timed(lambda: get(reverse("reports:daily_download", args=[day, "pdf"])), args.repeat)
    line("daily PDF (request)", times, f"{len(response.content) / 1024:.0f} KiB")
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
