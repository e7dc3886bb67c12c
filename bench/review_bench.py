"""Server time of the vetting screen of one application with six evidence items, previews cached.

    .venv/bin/python bench/review_bench.py [-n 50]                       # SQLite (a throw-away test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_vetting .venv/bin/python bench/review_bench.py

Builds a throw-away test database (``test_<name>``) with Django's test utilities and the test factories: an
application in review with six evidence items whose files are real documents (three 3-page PDFs, two photos,
one damaged file). Prints the first render (previews made then: 3 x 3 PDF pages and 2 images), then the median
and p95 of ``-n`` renders with the previews cached. Target: under 200 ms. (The page's fixed query count is
pinned by tests/credentialing/test_queue_queries.py.)
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=50)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from PIL import Image

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        import pypdfium2 as pdfium
        from django.test import Client
        from django.urls import reverse

        from credentialing.enums import EvidenceCheck, StaffRole
        from tests.credentialing.factories import EthicsTrainingFactory, PracticeRecordFactory, staff_member
        from tests.credentialing.factories_vetting import verified_application

        def pdf(pages: int) -> bytes:
            document = pdfium.PdfDocument.new()
            for _ in range(pages):
                document.new_page(595, 842)
            buffer = io.BytesIO()
            document.save(buffer)
            return buffer.getvalue()

        def photo() -> bytes:
            buffer = io.BytesIO()
            Image.effect_noise((3000, 2000), 60).convert("RGB").save(buffer, "JPEG")
            return buffer.getvalue()

        reviewer = staff_member(StaffRole.VETTING)
        application = verified_application(check_state=EvidenceCheck.PENDING, reviewer=reviewer)
        EthicsTrainingFactory(application=application)
        PracticeRecordFactory(application=application)
        items = [item for kind in ("qualification", "ethicstraining", "specialtraining", "practicerecord")
                 for item in getattr(application, f"{kind}_set").all()]
        files = [(pdf(3), "application/pdf"), (pdf(3), "application/pdf"), (pdf(3), "application/pdf"),
                 (photo(), "image/jpeg"), (photo(), "image/jpeg"), (b"%PDF-1.4 damaged", "application/pdf")]
        for item, (data, content_type) in zip(items, files, strict=True):
            item.file.save("upload", ContentFile(data), save=False)
            item.content_type = content_type
            item.save()

        client = Client()
        client.force_login(reviewer)
        url = reverse("credentialing:review", args=[application.pk])
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        first = (time.perf_counter() - started) * 1000
        for _ in range(3):
            client.get(url)
        response = client.get(url)
        assert response.status_code == 200 and b"data-evidence-item" in response.content, response.status_code
        times = []
        for _ in range(arguments.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"database: {connection.vendor}; six evidence items (9 PDF pages, 2 photos, 1 damaged file)")
        print(f"first render (previews made): {first:.0f} ms")
        print(f"cached previews, {arguments.repeat} renders: median {statistics.median(times):.1f} ms, "
              f"p95 {times[max(0, round(0.95 * len(times)) - 1)]:.1f} ms, "
              f"{len(response.content) // 1024} KiB; target < 200 ms")
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
