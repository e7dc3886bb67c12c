"""Sample certificates of every kind as PNG images under docs/ (rendered by WeasyPrint, rasterised by pdftoppm).

    .venv/bin/python manage.py seed_demo        # once: the training and rostering records the last two come from
    .venv/bin/python tools/certificate_images.py [--dpi 80]

Admission and supervisor appointment: plain sample data through the same snapshot builders and templates as real
certificates. Training completion and service record: issued to the demo counselor from the demo's training and
roster records, through the registered sources and the issuing service, as *My certificates* does (so the
database must hold the demo data; they are skipped otherwise).
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
    ]


def from_records() -> list[tuple[str, object]]:
    """The demo counselor's training completion (in Chinese) and service record for the latest month served (in
    English), issued from the database's records."""
    from certificates.enums import CertificateKind
    from certificates.services import certificate_issue
    from people.models import User
    from rostering.certificates import served_periods

    counselor = User.objects.filter(email="counselor@demo.example").first()
    if counselor is None:
        print("No demo data in this database: the training completion and service record images are left as they are.")
        return []
    made = [("certificate-training-completion", certificate_issue(
        holder=counselor, kind=CertificateKind.TRAINING_COMPLETION, actor=counselor, language="zh-hans"))]
    periods = served_periods(counselor.pk)
    if periods:
        made.append(("certificate-service-record", certificate_issue(
            holder=counselor, kind=CertificateKind.SERVICE_RECORD, actor=counselor, language="en",
            period=periods[0])))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django

    django.setup()
    from certificates.rendering import Printable, render_pdf
    from certificates.services import certificate_pdf

    rendered = [(name, render_pdf([Printable(kind=snapshot["kind"], language=snapshot["language"],
                                             code="7KQ2M9XH4TRW8CBN3PDF", issued_on=date(2026, 3, 1),
                                             snapshot=snapshot)]))
                for name, snapshot in samples()]
    rendered += [(name, certificate_pdf(certificate=certificate)) for name, certificate in from_records()]
    with tempfile.TemporaryDirectory() as work:
        for name, content in rendered:
            pdf = Path(work) / f"{name}.pdf"
            pdf.write_bytes(content)
            target = ROOT / "docs" / name
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-singlefile", str(pdf), str(target)], check=True)
            print(f"docs/{name}.png")


if __name__ == "__main__":
    main()
