"""Certificates to PDF with WeasyPrint: one HTML page per certificate, many pages in one document.

A batch is rendered as one multi-page document (200 pages as one document took 1.8 s where 200
documents took 14 s), with one FontConfiguration, one parsed stylesheet and one image cache per thread.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from certificates import registry

# Bump when a template or the stylesheet changes what a certificate looks like: stored files re-render.
RENDER_VERSION = "1"
STYLESHEET = Path(__file__).parent / "templates" / "certificates" / "pdf" / "certificate.css"


@dataclass(frozen=True)
class Printable:
    """Everything one page shows, and nothing read from the database while rendering."""

    kind: str
    language: str
    code: str
    issued_on: date
    snapshot: dict

    @classmethod
    def of(cls, certificate) -> Printable:
        from certificates.kinds import PLATFORM_ZONE

        return cls(kind=certificate.kind, language=certificate.language, code=certificate.code,
                   issued_on=certificate.issued_at.astimezone(PLATFORM_ZONE).date(), snapshot=certificate.snapshot)


def snapshot_digest(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def file_digest(printable: Printable) -> str:
    """What a stored file was rendered from: when this changes, the stored file is stale."""
    material = [RENDER_VERSION, printable.code, printable.language, printable.issued_on.isoformat(),
                snapshot_digest(printable.snapshot)]
    return hashlib.sha256("|".join(material).encode()).hexdigest()


def verification_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[code])


def qr_data_uri(url: str) -> str:
    """A small 1-bit PNG (an SVG of the same code took WeasyPrint 65 ms a page to draw). The mask pattern is
    fixed: choosing the best of eight costs more than it gains for a code printed this large."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=0, mask_pattern=0)
    code.add_data(url)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def page_html(printable: Printable) -> str:
    """One certificate's page (a <section>), in the certificate's language."""
    url = verification_url(printable.code)
    with translation.override(printable.language):
        return render_to_string(registry.spec(printable.kind).template, {
            "c": printable.snapshot,
            "language": printable.language,
            "code": display_code(printable.code),
            "issued_on": printable.issued_on,
            "verify_url": url,
            "qr": qr_data_uri(url),
        })


class _Resources(threading.local):
    """Parsed once per thread and shared by every document it renders."""

    def __init__(self) -> None:
        self.font_config: FontConfiguration | None = None
        self.stylesheet: CSS | None = None
        self.image_cache: dict = {}

    def ready(self) -> _Resources:
        if self.font_config is None:
            self.font_config = FontConfiguration()
            self.stylesheet = CSS(filename=str(STYLESHEET), font_config=self.font_config)
        return self


_resources = _Resources()


def render_document(printables: list[Printable]):
    """One WeasyPrint document, one page per certificate, in the order given."""
    resources = _resources.ready()
    pages = "".join(page_html(printable) for printable in printables)
    html = ('<!doctype html><html><head><meta charset="utf-8"><title>Certificates</title></head>'
            f"<body>{pages}</body></html>")
    document = HTML(string=html, base_url=str(STYLESHEET.parent)).render(
        font_config=resources.font_config, stylesheets=[resources.stylesheet], cache=resources.image_cache,
    )
    if len(document.pages) != len(printables):
        raise RuntimeError(f"{len(printables)} certificates came out as {len(document.pages)} pages; "
                           "a certificate must fit one page.")
    return document


def render_pdf(printables: list[Printable]) -> bytes:
    return render_document(printables).write_pdf()


def split_pdfs(document) -> list[bytes]:
    """One PDF per page of an already laid-out document (for ZIPs and the stored single files)."""
    return [document.copy([page]).write_pdf() for page in document.pages]
