"""Certificates to PDF with WeasyPrint: one HTML page per certificate, many pages in one document.

Many certificates are laid out as multi-page documents (200 pages as one document took 1.8 s where 200
documents took 14 s), with one FontConfiguration, one parsed stylesheet and one image cache per process.
A large batch goes in chunks (a 1,700-page document would hold every page's layout in memory at once,
about 1.2 MB a page), rendered by a few processes side by side and joined with pypdf.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from PIL import ImageFile
from pypdf import PdfReader, PdfWriter

from certificates import registry

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let the upload check
# (credentialing/uploads.py) accept images cut short in every process that renders certificates. Our pages
# embed only the QR codes we make, so the flag goes back to what it was.
_load_truncated_images = ImageFile.LOAD_TRUNCATED_IMAGES
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

ImageFile.LOAD_TRUNCATED_IMAGES = _load_truncated_images

# Bump when a template or the stylesheet changes what a certificate looks like: stored files re-render.
RENDER_VERSION = "2"
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
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=0, mask_pattern=0)
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
    """One PDF per page of an already laid-out document (for ZIPs)."""
    return [document.copy([page]).write_pdf() for page in document.pages]


def _render_chunk(printables: list[Printable], split: bool) -> bytes | list[bytes]:
    document = render_document(printables)
    return split_pdfs(document) if split else document.write_pdf()


def _start_process() -> None:
    import django

    django.setup()


def render_many(printables: list[Printable], *, split: bool = False, chunk: int = 100, processes: int = 1,
                on_progress: Callable[[int], None] = lambda done: None) -> bytes | list[bytes]:
    """Every certificate: one merged PDF, or (``split``) one PDF each, in the order given.

    Chunks of ``chunk`` pages are laid out as one document each; with ``processes`` > 1 and more than
    one chunk they are rendered in that many fresh processes (spawned: the caller may hold threads or
    database connections that a fork would copy). ``on_progress`` gets the number done after each chunk.
    """
    chunks = [printables[start:start + chunk] for start in range(0, len(printables), chunk)]
    if not chunks:
        return [] if split else b""
    if processes > 1 and len(chunks) > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(processes, len(chunks)), mp_context=context,
                                 initializer=_start_process) as pool:
            results = _counted(pool.map(_render_chunk, chunks, [split] * len(chunks)), chunks, on_progress)
            return _join(results, split)
    return _join(_counted((_render_chunk(part, split) for part in chunks), chunks, on_progress), split)


def _counted(results: Iterable, chunks: list[list[Printable]], on_progress: Callable[[int], None]) -> Iterator:
    done = 0
    for part, result in zip(chunks, results, strict=True):
        done += len(part)
        yield result
        on_progress(done)


def _join(results: Iterable, split: bool) -> bytes | list[bytes]:
    if split:
        return [pdf for part in results for pdf in part]
    parts = list(results)
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for pdf in parts:
        writer.append(PdfReader(io.BytesIO(pdf)))
    merged = io.BytesIO()
    writer.write(merged)
    return merged.getvalue()
