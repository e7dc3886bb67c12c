"""Sample certificates of every kind as PNG images under docs/ (rendered by WeasyPrint, rasterised by pdftoppm).

    .venv/bin/python tools/certificate_images.py [--dpi 80]

Plain sample data through the same snapshot builders and templates as real certificates; no database.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def samples() -> list[tuple[str, dict]]:
    from certificates import kinds

    return [
        ("certificate-admission", kinds.admission_snapshot(
            holder_name="王小明", language="zh-hans", approved_on=date(2026, 2, 4), institution="华中师范大学",
            qualifications=["注册心理师（中国心理学会临床与咨询心理学注册系统）(X-000123)"], channels=["voice", "text"],
            ethics_hours=Decimal("16"), practice_hours=Decimal("620.5"))),
        ("certificate-admission-en", kinds.admission_snapshot(
            holder_name="欧阳明月 (Ouyang Mingyue)", language="en", approved_on=date(2026, 2, 4),
            institution="University of Toronto",
            qualifications=["Registered counselor or psychologist (X-004217)"], channels=["text"],
            ethics_hours=Decimal("18"), practice_hours=Decimal("1240"))),
        ("certificate-supervisor-appointment", kinds.supervisor_appointment_snapshot(
            holder_name="张伟", language="zh-hans", appointed_on=date(2026, 2, 5), institution="北京大学",
            qualifications=["注册督导师（中国心理学会临床与咨询心理学注册系统）(D-0042)"])),
        ("certificate-training-completion", kinds.training_completion_snapshot(
            holder_name="李娜", language="zh-hans", completed_on=date(2026, 2, 20),
            areas=[("网络咨询技能（含文字共情表达）", 4), ("咨询伦理", 2), ("工作流程与规范", 2), ("危机干预预案", 4),
                   ("平台操作", 2)], assessed=["危机干预预案"])),
        ("certificate-service-record", kinds.service_record_snapshot(
            holder_name="Chen Jing 陈静", language="en", period_start=date(2026, 2, 1), period_end=date(2026, 2, 28),
            shifts={"voice": (12, "48"), "text": (5, "17.5")})),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django

    django.setup()
    from certificates.rendering import Printable, render_pdf

    with tempfile.TemporaryDirectory() as work:
        for name, snapshot in samples():
            pdf = Path(work) / f"{name}.pdf"
            pdf.write_bytes(render_pdf([Printable(kind=snapshot["kind"], language=snapshot["language"],
                                                  code="7KQ2M9XH4TRW8CBN3PDF", issued_on=date(2026, 3, 1),
                                                  snapshot=snapshot)]))
            target = ROOT / "docs" / name
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-singlefile", str(pdf), str(target)], check=True)
            print(f"docs/{name}.png")


if __name__ == "__main__":
    main()
