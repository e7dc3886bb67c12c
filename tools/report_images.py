"""The first page of the daily and the monthly report (PDF, Chinese by default) as PNG images under docs/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_reports .venv/bin/python tools/report_images.py \\
        [--month YYYY-MM] [--day YYYY-MM-DD] [--language zh-hans] [--dpi 80]

Reads the database it is given (run `manage.py seed_demo` first); the month defaults to the one with most
published roster days, the day to its busiest. Rendered by WeasyPrint as on the download, rasterised by pdftoppm.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month")
    parser.add_argument("--day")
    parser.add_argument("--language", default="zh-hans")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.db.models import Count

    from reports import periods, rendering, selectors
    from rostering.models import Assignment, RosterRun

    if args.month:
        first = periods.parse_month(args.month)
    else:
        counts: dict = {}
        for run in RosterRun.objects.filter(state="published"):
            for day in periods.Period(run.period_start, run.days).dates:
                counts[day.replace(day=1)] = counts.get(day.replace(day=1), 0) + 1
        first = max(counts, key=counts.get)
    start, end = periods.month_period(first).bounds(selectors.platform_zone())
    if args.day:
        day = periods.parse_day(args.day)
    else:
        day = (Assignment.objects.filter(run__state="published", shift__start__gte=start, shift__start__lt=end)
               .values("shift__start__date").annotate(n=Count("pk")).order_by("-n").first()["shift__start__date"])
    documents = {
        "report-daily": rendering.daily_pdf(selectors.daily_report(day), language=args.language),
        "report-monthly": rendering.monthly_pdf(selectors.monthly_report(first), language=args.language),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, pdf in documents.items():
            source = Path(folder) / f"{name}.pdf"
            source.write_bytes(pdf)
            target = ROOT / "docs" / name
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                            str(source), str(target)], check=True)
            print(f"{target}.png ({day if name == 'report-daily' else first:%Y-%m-%d})")


if __name__ == "__main__":
    main()
