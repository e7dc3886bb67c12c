"""Evidence files are accepted by their content, not their name: PDF, JPEG or PNG, at most 10 MB.

Beyond the type, a file must be only what it claims to be: no PDF with scripts or actions that run on their own,
and no polyglot (a picture or PDF that is also a web page, or carries data after its end).
"""
from __future__ import annotations

import base64
import binascii
import io
import itertools
import math
import re
import struct
import unicodedata
import warnings
import zipfile
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
# Markup a browser would render as a page. Long enough that compressed picture data does not match by chance.
HTML_MARKERS = re.compile(rb"<(?:!doctype\s+html|html|head[\s>]|body|script|iframe|svg[\s>]|object|embed|"
                          rb"meta[\s>]|img\s|form[\s>]|style|\?php)", re.IGNORECASE)
MAX_INFLATED_BYTES = 50 * 1024 * 1024  # all of a PDF's streams together, inflated (a bomb is refused)
# A certificate, a training record or a log of counseling hours runs to a few pages; a long log perhaps to fifty.
# A PDF of thousands of pages is no document a reviewer can read (and would keep the preview worker busy).
MAX_PDF_PAGES = 100
# A scan of an A4 page at 600 dpi is 35 million pixels; a picture declaring more is refused before it is decoded
# (a small PNG can declare a billion pixels and take gigabytes to open).
MAX_IMAGE_PIXELS = 50_000_000
PDF_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z0-9])")
PDF_OBJECT = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d{1,5}\s+obj(?![A-Za-z0-9])")
# Filters the safety check reads through; an object stream packed with any other cannot be inspected.
READABLE_FILTERS = frozenset({b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"})
KNOWN_FILTERS = READABLE_FILTERS | {b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL", b"CCITTFaxDecode", b"CCF",
                                    b"JBIG2Decode", b"DCTDecode", b"DCT", b"JPXDecode", b"Crypt"}


def _decode_names(data: bytes) -> set[bytes]:
    """Every name in the data, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name
            for name in set(PDF_NAME.findall(data))}


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


def _stream_dictionary(data: bytes, start: int) -> bytes:
    """The dictionary of the stream that starts at ``start``: from its object's "obj" keyword on."""
    window = data[max(0, start - 400):start]
    begins = window.rfind(b"obj")
    return window[begins:] if begins >= 0 else window


class UnreadableObjectStream(ValueError):
    pass


def _stream_spans(data: bytes):
    """(keyword, content start, content end) of each stream, in one pass over the file.

    A regular expression's lazy ``stream(.*?)endstream`` tried again at every "stream" of a file with no
    "endstream" takes time that grows with the square of its size: 140 KB of "stream" lines took half a minute,
    10 MB would hold a web worker for days. Here each byte is looked at about once. "stream" inside "endstream"
    starts nothing: else the bytes between two objects would pass for a stream's content and escape the checks.
    """
    position = 0
    while True:
        keyword = data.find(b"stream", position)
        if keyword < 0:
            return
        content = keyword + 6
        if data[keyword - 3:keyword] == b"end":
            position = content
            continue
        if data[content:content + 2] == b"\r\n":
            content += 2
        elif data[content:content + 1] == b"\n":
            content += 1
        else:
            position = content
            continue
        end = data.find(b"endstream", content)
        if end < 0:
            return  # no stream is complete from here on
        yield keyword, content, end
        position = end + 9


def _outside_streams(data: bytes) -> bytes:
    """The file with every stream's content taken out (what is left is the PDF's objects themselves)."""
    parts, position = [], 0
    for keyword, _content, end in _stream_spans(data):
        parts += [data[position:keyword], b"stream endstream"]
        position = end + 9
    parts.append(data[position:])
    return b"".join(parts)


def _decoded_streams(data: bytes):
    """The content of each stream as far as it can be decoded (object streams hide objects there)."""
    budget = MAX_INFLATED_BYTES
    for keyword, content, end in _stream_spans(data):
        window = data[max(0, keyword - 400):keyword]
        if b"ObjStm" in window or b"#" in window:
            names = _decode_names(_stream_dictionary(data, keyword))
            if b"ObjStm" in names and names & KNOWN_FILTERS - READABLE_FILTERS:
                raise UnreadableObjectStream("packed objects")
        raw = data[content:end]
        if not raw.strip():
            continue
        filters = _decode_names(window)
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
    outside_streams = _outside_streams(data)
    if HTML_MARKERS.search(outside_streams):
        return _("it contains web-page markup (HTML)")
    names = _decode_names(outside_streams)
    if b"Encrypt" in names and b"ObjStm" in names:
        return _("it is encrypted in a way that hides its content from our safety check")
    # counted fast; only a count past the limit is counted again by object number (later edits of a page)
    pages = len(PDF_PAGE_OBJECT.findall(_unescaped(outside_streams) if b"#" in outside_streams else outside_streams))
    if pages > MAX_PDF_PAGES:
        pages = _page_objects(outside_streams)
    try:
        for part in (outside_streams, *_decoded_streams(data)):
            if _decode_names(part) & ACTIVE_PDF_NAMES:
                return _("it contains scripts or actions that run by themselves (JavaScript, launch actions, "
                         "embedded files, forms)")
            if part is not outside_streams:  # objects packed in object streams have no "obj" of their own
                pages += len(PDF_PAGE_OBJECT.findall(_unescaped(part)))
    except UnreadableObjectStream:
        return _("part of it is packed in a way our safety check cannot read")
    except ValueError:
        return _("its compressed content is far too large")
    if pages > MAX_PDF_PAGES:
        return _("it has %(pages)d pages; evidence may have at most %(limit)d (send the pages that show it)") % {
            "pages": pages, "limit": MAX_PDF_PAGES}
    return ""


def _unescaped(data: bytes) -> bytes:
    return PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _page_objects(data: bytes) -> int:
    """How many pages the PDF's own objects are, counted by object number (a page rewritten by a later edit of
    the file counts once). Counted, not read from the page tree, whose count may lie."""
    numbers = set()
    headers = PDF_OBJECT.finditer(data)
    for match, following in itertools.pairwise(itertools.chain(headers, [None])):
        stop = following.start() if following is not None else len(data)  # each byte read once
        end = data.find(b"endobj", match.end(), stop)
        body = data[match.end():end if end >= 0 else stop]
        if (b"Page" in body or b"#" in body) and PDF_PAGE_OBJECT.search(_unescaped(body)):
            numbers.add(match.group(1))
    return len(numbers)


def _zip_inside(data: bytes) -> bool:
    """Whether a ZIP reader (a Java archive, an Office file) would open this file too: a polyglot."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return False


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


def _decode_jpeg(data: bytes) -> None:
    """Decode a JPEG at an eighth of its size: every byte of it is still read (a file cut short raises), but the
    pixels are not built at full size (a phone's 12-megapixel photo: 50 ms instead of 100).

    A PNG needs no decoding here: ``verify()`` walks its chunks to the end and checks each one's checksum (a file
    cut short or changed in transit fails), and ``image_problem`` wants its last chunk at the very end. Its pixels
    are decoded once, by the preview, in the worker (a scanned page: 120 ms of a request's CPU saved)."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()


def inspect_upload(upload) -> str:
    """Return the file's real content type, or refuse it with a message the applicant understands."""
    name = upload_label(upload.name or "")
    size = upload.size or 0
    limit = settings.MAX_UPLOAD_BYTES
    if size == 0:
        raise UploadRefused(_("The file “%(name)s” is empty.") % {"name": name})
    if size > limit:
        raise UploadRefused(
            _("The file “%(name)s” is %(size)s MB; files may be at most %(limit)d MB.")
            % {"name": name, "size": f"{math.ceil(size / 1024 / 1024 * 10) / 10:.1f}",
               "limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ACCEPTED_TYPES:
        raise UploadRefused(
            _("The file “%(name)s” is not a PDF, JPEG or PNG document (whatever its name says). "
              "Please scan or export it as one of those.") % {"name": name}
        )
    upload.seek(0)
    data = upload.read()
    if content_type == "application/pdf":
        if not _looks_like_complete_pdf(head, data[-2048:]):
            raise UploadRefused(_("The PDF “%(name)s” is damaged or incomplete.") % {"name": name})
        problem = pdf_problem(data)
    else:
        too_large = UploadRefused(
            _("The image “%(name)s” has more than %(limit)d million pixels. Please scan it again at a lower "
              "resolution (300 dpi is plenty).") % {"name": name, "limit": MAX_IMAGE_PIXELS // 1_000_000})
        try:
            with warnings.catch_warnings():  # the size is judged below, with a message
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
        except Image.DecompressionBombError:  # Pillow's own, far higher limit
            raise too_large from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise UploadRefused(_("The image “%(name)s” is damaged or incomplete.") % {"name": name}) from None
        if width * height > MAX_IMAGE_PIXELS:
            raise too_large
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            if content_type == "image/jpeg":
                _decode_jpeg(data)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise UploadRefused(_("The image “%(name)s” is damaged or incomplete.") % {"name": name}) from None
        problem = image_problem(data, content_type)
    if not problem and _zip_inside(data):
        problem = _("it is also a ZIP archive (a file of two kinds at once)")
    if problem:
        raise UploadRefused(
            _("The file “%(name)s” was refused: %(problem)s. For your safety and the reviewers’, please save or "
              "scan the document again as a plain PDF, JPEG or PNG.") % {"name": name, "problem": problem}
        )
    upload.seek(0)
    return content_type


# Names Windows keeps for devices, whatever the extension ("con.pdf" cannot be saved there).
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", "clock$", *(f"com{n}" for n in range(10)),
                              *(f"lpt{n}" for n in range(10))})
MAX_NAME_LENGTH = 255  # the stored label (Evidence.original_name)


def upload_label(name: str) -> str:
    """The uploader's file name as a label to show and store: the last part of a path, no control characters
    (a NUL, a right-to-left override that turns "cod.exe.pdf" around), at most 255 characters."""
    name = name.replace("\x00", "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf"))
    return name.strip()[-MAX_NAME_LENGTH:]


def download_name(original_name: str, content_type: str, fallback: str) -> str:
    """The name a download is saved under: the uploader's name as a label only, the extension from the content.

    "poly.html" that is a PNG is saved as "poly.png"; a name with nothing usable left, or a device name of Windows
    ("aux.pdf"), becomes the fallback.
    """
    stem = upload_label(original_name).split(".", 1)[0]
    label = slugify(stem, allow_unicode=True)[:80]
    if not label or label.lower() in WINDOWS_RESERVED:
        label = fallback
    return label + EXTENSIONS.get(content_type, ".bin")
