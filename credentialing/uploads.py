"""Evidence files are accepted by their content, not their name: PDF, JPEG or PNG, at most 10 MB.

Beyond the type, a file must be only what it claims to be: no PDF with scripts or actions that run on their own,
and no polyglot (a picture or PDF that is also a web page, or carries data after its end).
"""
from __future__ import annotations

import base64
import binascii
import io
import math
import re
import struct
import zlib

import filetype
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from credentialing.exceptions import UploadRefused

ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# The extension a download gets, from the type found in its content (never from the uploader's name).
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

# PDF names that run something: scripts, launching programs, actions on open/close/view of a page or field,
# embedded files and forms that send data. "OpenAction" itself may just open a page; when it runs a script,
# the script's /JS or /JavaScript is found.
ACTIVE_PDF_NAMES = frozenset({b"JS", b"JavaScript", b"Launch", b"AA", b"RichMedia", b"XFA", b"SubmitForm",
                              b"ImportData", b"GoToE", b"EmbeddedFile", b"EmbeddedFiles"})
PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# "stream" inside "endstream" starts nothing: without the look-behind, the bytes between two objects would
# pass for a stream's content and escape the markup check.
PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n(.*?)endstream", re.DOTALL)
# Markup a browser would render as a page. Long enough that compressed picture data does not match by chance.
HTML_MARKERS = re.compile(rb"<(?:!doctype\s+html|html|head[\s>]|body|script|iframe|svg[\s>]|object|embed|"
                          rb"meta[\s>]|img\s|form[\s>]|style|\?php)", re.IGNORECASE)
MAX_INFLATED_BYTES = 50 * 1024 * 1024  # all of a PDF's streams together, inflated (a bomb is refused)


def _decode_names(data: bytes) -> set[bytes]:
    """Every name in the data, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name) for name in PDF_NAME.findall(data)}


def _unwrapped(body: bytes, filters: set[bytes]) -> bytes:
    """Undo the text encodings a stream may be wrapped in before its compression."""
    try:
        if filters & {b"ASCIIHexDecode", b"AHx"}:
            return binascii.unhexlify(re.sub(rb"\s", b"", body).split(b">")[0])
        if filters & {b"ASCII85Decode", b"A85"}:
            return base64.a85decode(re.sub(rb"\s", b"", body).split(b"~>")[0])
    except (ValueError, binascii.Error):
        pass
    return body


def _decoded_streams(data: bytes):
    """The content of each stream as far as it can be decoded (object streams hide objects there)."""
    budget = MAX_INFLATED_BYTES
    for match in PDF_STREAM.finditer(data):
        filters = _decode_names(data[max(0, match.start() - 400):match.start()])
        raw = match.group(1)
        body = _unwrapped(raw, filters)
        if body is not raw:
            yield body
        try:
            inflated = zlib.decompressobj().decompress(body, budget + 1)
        except zlib.error:
            continue  # not Flate (a picture's DCT data, say): nothing of the PDF's structure inside
        budget -= len(inflated)
        if budget < 0:
            raise ValueError("inflates too much")
        yield inflated


def pdf_problem(data: bytes) -> str:
    """Why a PDF is refused ("" when it is fine): scripts and actions, markup, or data after its end."""
    last_eof = data.rfind(b"%%EOF")
    if data[last_eof + 5:].strip(b"\x00\t\n\x0c\r "):
        return _("it carries other data after the end of the PDF")
    outside_streams = PDF_STREAM.sub(b"stream endstream", data)
    if HTML_MARKERS.search(outside_streams):
        return _("it contains web-page markup (HTML)")
    names = _decode_names(outside_streams)
    if b"Encrypt" in names and b"ObjStm" in names:
        return _("it is encrypted in a way that hides its content from our safety check")
    try:
        for part in (outside_streams, *_decoded_streams(data)):
            if _decode_names(part) & ACTIVE_PDF_NAMES:
                return _("it contains scripts or actions that run by themselves (JavaScript, launch actions, "
                         "embedded files, forms)")
    except ValueError:
        return _("its compressed content is far too large")
    return ""


def _png_end(data: bytes) -> int:
    """Where a PNG's last chunk (IEND) ends; -1 if the chunk structure is broken."""
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        chunk_type = data[position + 4:position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return position
    return -1


def image_problem(data: bytes, content_type: str) -> str:
    """Why an image is refused ("" when it is fine): a PNG with data after its end, or markup anywhere.

    JPEGs from some phones carry their maker's data after the picture, so only markup is refused there.
    """
    if content_type == "image/png":
        end = _png_end(data)
        if end < 0 or data[end:].strip(b"\x00\t\n\x0c\r "):
            return _("it carries other data after the end of the picture")
    if HTML_MARKERS.search(data):
        return _("it contains web-page markup (HTML)")
    return ""


def _looks_like_complete_pdf(head: bytes, tail: bytes) -> bool:
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def inspect_upload(upload) -> str:
    """Return the file's real content type, or refuse it with a message the applicant understands."""
    size = upload.size or 0
    limit = settings.MAX_UPLOAD_BYTES
    if size == 0:
        raise UploadRefused(_("The file “%(name)s” is empty.") % {"name": upload.name})
    if size > limit:
        raise UploadRefused(
            _("The file “%(name)s” is %(size)s MB; files may be at most %(limit)d MB.")
            % {"name": upload.name, "size": f"{math.ceil(size / 1024 / 1024 * 10) / 10:.1f}",
               "limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ACCEPTED_TYPES:
        raise UploadRefused(
            _("The file “%(name)s” is not a PDF, JPEG or PNG document (whatever its name says). "
              "Please scan or export it as one of those.") % {"name": upload.name}
        )
    upload.seek(0)
    data = upload.read()
    if content_type == "application/pdf":
        if not _looks_like_complete_pdf(head, data[-2048:]):
            raise UploadRefused(_("The PDF “%(name)s” is damaged or incomplete.") % {"name": upload.name})
        problem = pdf_problem(data)
    else:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            # verify() checks the structure only; decoding catches images cut short
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise UploadRefused(_("The image “%(name)s” is damaged or incomplete.") % {"name": upload.name}) from None
        problem = image_problem(data, content_type)
    if problem:
        raise UploadRefused(
            _("The file “%(name)s” was refused: %(problem)s. For your safety and the reviewers’, please save or "
              "scan the document again as a plain PDF, JPEG or PNG.") % {"name": upload.name, "problem": problem}
        )
    upload.seek(0)
    return content_type


def download_name(original_name: str, content_type: str, fallback: str) -> str:
    """The name a download is saved under: the uploader's name as a label only, the extension from the content.

    "poly.html" that is a PNG is saved as "poly.png"; a name with nothing usable left becomes the fallback.
    """
    stem = original_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].split(".", 1)[0]
    label = slugify(stem, allow_unicode=True)[:80] or fallback
    return label + EXTENSIONS.get(content_type, ".bin")
