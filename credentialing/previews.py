"""Pictures of evidence files for the review screen: images re-encoded, PDF pages rendered by pdfium.

Previews are made once, on the first request that needs them (or in the worker), and kept in the private
storage under ``previews/<stored file name>/``: ``pages.json`` says how many pages there are (or
that the file could not be read), ``<n>.jpg`` is page n. The review page reads only ``pages.json`` (no
database query); the pictures are served by a checked view. A file that cannot be read gets a manifest with
``error`` and the page shows a placeholder instead of failing.
"""
from __future__ import annotations

import io
import json
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from credentialing.models import Evidence
from credentialing.uploads import MAX_IMAGE_PIXELS

logger = logging.getLogger(__name__)

# Limits: a preview is for looking, not for archiving; a hostile 500-page PDF must not fill the disk.
MAX_PREVIEW_PAGES = 10
MAX_PREVIEW_PIXELS = 1600 * 2200  # about an A4 page at 190 dpi
PREVIEW_WIDTH = 1400  # pixels; zooming in the browser enlarges this picture
PREVIEW_VERSION = 2  # bump when the rendering changes, so old previews are made again (2: JPEG pages)


def preview_folder(evidence: Evidence) -> str:
    # Named after the stored file (a random name), not the record: a new file never meets an old preview.
    return f"previews/{evidence.file.name}"


def _manifest_name(evidence: Evidence) -> str:
    return f"{preview_folder(evidence)}/pages.json"


def preview_page_name(evidence: Evidence, page: int) -> str:
    return f"{preview_folder(evidence)}/{page}.jpg"


def _scaled(width: float, height: float) -> float:
    """The scale that makes a page PREVIEW_WIDTH wide but never more than MAX_PREVIEW_PIXELS in all."""
    if width <= 0 or height <= 0:
        raise ValueError("empty page")
    scale = PREVIEW_WIDTH / width
    if width * height * scale * scale > MAX_PREVIEW_PIXELS:
        scale = (MAX_PREVIEW_PIXELS / (width * height)) ** 0.5
    return scale


# JPEG, at a quality and without colour subsampling that keep small print sharp: the worker writes a picture per
# page of every file submitted, and a scanned page (1400 px wide, its grain and all) takes 14 ms instead of PNG's
# 160 (zlib's fastest level; 770 at its default), at less than half the size; a clean page 8 ms instead of 22.
JPEG_QUALITY = 90


def _picture(image) -> bytes:
    buffer = io.BytesIO()
    if image.mode not in ("RGB", "RGBX", "L"):  # what JPEG holds as it is (a conversion copies the whole page)
        image = image.convert("RGB")
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


def _render_pdf(data: bytes) -> tuple[list[bytes], int]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        total = len(document)
        pages = []
        for index in range(min(total, MAX_PREVIEW_PAGES)):
            page = document[index]
            try:
                width, height = page.get_size()
                # RGBX: the picture shares pdfium's buffer instead of copying the page to reorder its bytes
                bitmap = page.render(scale=_scaled(width, height), prefer_bgrx=True, rev_byteorder=True)
                pages.append(_picture(bitmap.to_pil()))
            finally:
                page.close()
        return pages, total
    finally:
        document.close()


def _render_image(data: bytes) -> tuple[list[bytes], int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        # Refuse a decompression bomb before decoding it, by the size its header declares, against the uploads'
        # own limit. Pillow's global Image.MAX_IMAGE_PIXELS is left alone: it is the whole process's, shared with
        # every thread, and Pillow's own (higher) guard stays in force.
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ValueError(f"{width}x{height} pixels is more than the {MAX_IMAGE_PIXELS} an upload may have")
        image.load()
        picture = image.convert("RGB")
    scale = min(1.0, _scaled(*picture.size))
    if scale < 1.0:
        picture = picture.resize((max(1, int(picture.width * scale)), max(1, int(picture.height * scale))))
    return [_picture(picture)], 1


def make_preview(evidence: Evidence) -> dict:
    """Render the evidence file's pages into the storage and return the manifest (also stored)."""
    manifest: dict = {"version": PREVIEW_VERSION, "pages": 0, "total": 0, "error": ""}
    try:
        with evidence.file.open("rb") as handle:
            data = handle.read()
        if evidence.content_type == "application/pdf":
            pages, total = _render_pdf(data)
        elif evidence.content_type in ("image/jpeg", "image/png"):
            pages, total = _render_image(data)
        else:
            raise ValueError(f"no preview for {evidence.content_type!r}")
        if not pages:
            raise ValueError("no pages")
    except Exception as error:  # any unreadable file: a placeholder, never a broken page
        logger.warning("No preview for %s %s: %s", evidence.kind, evidence.pk, error)
        manifest["error"] = "unreadable"
    else:
        previews_delete(evidence.file.name)  # an earlier rendering's pages (another format, more pages)
        for number, picture in enumerate(pages, start=1):
            name = preview_page_name(evidence, number)
            default_storage.save(name, ContentFile(picture))
        manifest.update(pages=len(pages), total=total)
    default_storage.delete(_manifest_name(evidence))
    default_storage.save(_manifest_name(evidence), ContentFile(json.dumps(manifest).encode()))
    return manifest


def preview_of(evidence: Evidence, *, make: bool = True) -> dict | None:
    """The manifest of the evidence's preview, made now if missing (``make=False``: None if missing)."""
    if not evidence.file:
        return None
    try:
        with default_storage.open(_manifest_name(evidence), "rb") as handle:
            manifest = json.loads(handle.read())
        if manifest.get("version") == PREVIEW_VERSION:
            return manifest
    except (FileNotFoundError, ValueError):
        pass
    return make_preview(evidence) if make else None


def previews_delete(file_name: str) -> None:
    """Remove the stored previews of an evidence file (the file itself is being deleted)."""
    folder = f"previews/{file_name}"
    try:
        _folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
