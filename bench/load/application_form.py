"""What the load test's applicants type and send on the one-page form (and step by step): shared by the locust
users and ``profile_apply.py``."""
from __future__ import annotations

import io
from functools import cache


def _pdf(text: str) -> bytes:
    # A small, valid one-page PDF (what a scanner's export looks like to the upload checks).
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@cache
def evidence(qualification_kind: int) -> list[tuple[str, dict, tuple[str, bytes, str]]]:
    """Each criterion's form prefix, its fields and its file (name, content, type)."""
    pdf, png = _pdf("qualification"), _png()
    return [
        ("qualification", {"qualification_kind": str(qualification_kind), "number": "REG-2020-0042",
                           "issuing_body": "Registration system", "issued_on": "2020-01-15", "expires_on": ""},
         ("qualification.pdf", pdf, "application/pdf")),
        ("ethicstraining", {"provider": "Ethics course of the registration system", "hours": "16",
                            "approved_by_registry": "on", "completed_on": "2021-05-01"},
         ("ethics.png", png, "image/png")),
        ("specialtraining", {"title": "Crisis intervention", "provider": "Red Cross", "hours": "24",
                             "completed_on": "2022-03-01", "covers_trauma": "on", "covers_first_aid": "on",
                             "covers_crisis": "on"},
         ("training.pdf", pdf, "application/pdf")),
        ("practicerecord", {"hours": "620", "evidence_kind": "log", "description": "University counseling centre",
                            "period_start": "2018-09-01", "period_end": "2023-06-30"},
         ("practice.png", png, "image/png")),
    ]


PROFILE = {"role": "counselor", "full_name": "Li Wei", "phone": "13912345678", "institution_name": "Wuhan University",
           "province": "Hubei", "city": "Wuhan", "timezone": "Asia/Shanghai", "timezone_other": "",
           "languages": "Chinese, English", "serves_voice": "on", "serves_text": "on"}
