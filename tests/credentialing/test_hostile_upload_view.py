"""Every kind of hostile upload, through the applicant's real upload page: each is refused with a message that
says why (or, for a name that is only hostile, stored safely under a random name and shown cleaned), and a
refused file leaves nothing behind: no record, no stored file.

The page limits: PDF, JPEG or PNG by content; at most 10 MB; at most 100 pages (``MAX_PDF_PAGES``: a long log
of counseling hours runs to some fifty) and 50 million pixels (a 600-dpi A4 scan is 35 million).
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentialing.models import PracticeRecord
from credentialing.uploads import MAX_PDF_PAGES
from tests.credentialing.factories import ApplicationFactory, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db
PAGE = "/application/evidence/practicerecord/add/"


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


def zip_bytes(comment: bytes = b"", name: str = "payload.class") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, b"\xca\xfe\xba\xbe not really a class")
        archive.comment = comment
    return buffer.getvalue()


def pdf_with_pages(count: int, *, declared: int | None = None) -> bytes:
    """A PDF of ``count`` blank pages whose page tree says it has ``declared`` (it may lie)."""
    kids = b" ".join(f"{n + 3} 0 R".encode() for n in range(count))
    body = [b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n",
            b"2 0 obj<</Type/Pages/Kids[" + kids + b"]/Count " + str(declared or count).encode() + b">>endobj\n"]
    body += [f"{n + 3} 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n".encode() for n in range(count)]
    return b"".join(body) + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb's first step)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + png_chunk(b"IEND", b""))


def png_with_zip_chunk() -> bytes:
    data = png_bytes()
    return data[:-12] + png_chunk(b"zIPp", zip_bytes()) + data[-12:]


def pdf_with_a_zip_before_its_end() -> bytes:
    """PDF and ZIP at once: the archive sits before the end marker, which hides in the archive's comment."""
    return pdf_bytes()[:-len(b"%%EOF\n")] + zip_bytes(comment=b"\n%%EOF\n")


def pdf_with_packed_objects() -> bytes:
    """Objects (here a script) in an object stream packed with LZW, which the safety check does not unpack."""
    packed = b"5 0 <</S/JavaScript/JS(app.alert(1))>>"
    return (b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</Type/ObjStm/N 1/First 4/Filter/LZWDecode/Length " + str(len(packed)).encode()
            + b">>stream\n" + packed + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def too_big() -> bytes:
    content = pdf_bytes()
    return content[:-6] + b"0" * (settings.MAX_UPLOAD_BYTES + 1 - len(content)) + content[-6:]


NOT_ACCEPTED = "is not a PDF, JPEG or PNG document"
REFUSED = [
    # (what, uploaded as, content, the message says)
    ("a program renamed .pdf", "certificate.pdf", lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, NOT_ACCEPTED),
    ("a zip renamed .png", "scan.png", zip_bytes, NOT_ACCEPTED),
    ("a web page renamed .pdf", "certificate.pdf", lambda: b"<!DOCTYPE html><html><script>alert(1)</script>",
     NOT_ACCEPTED),
    ("a shell script renamed .jpg", "photo.jpg", lambda: b"#!/bin/sh\nrm -rf /\n" * 10, NOT_ACCEPTED),
    ("an office document renamed .pdf", "log.pdf", lambda: zip_bytes(name="word/document.xml"), NOT_ACCEPTED),
    ("too big", "huge.pdf", too_big, "files may be at most 10 MB"),
    ("empty", "empty.pdf", lambda: b"", "empty"),
    ("ten thousand pages", "log.pdf", lambda: pdf_with_pages(10_000), "it has 10000 pages"),
    ("one page too many", "log.pdf", lambda: pdf_with_pages(MAX_PDF_PAGES + 1), f"at most {MAX_PDF_PAGES}"),
    ("pages hidden behind a page count of one", "log.pdf", lambda: pdf_with_pages(5_000, declared=1),
     "it has 5000 pages"),
    ("a pdf that runs a script", "log.pdf",
     lambda: pdf_bytes().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>"),
     "scripts or actions"),
    ("a script packed where the check cannot read", "log.pdf", pdf_with_packed_objects, "cannot read"),
    ("a pdf that is also a zip", "log.pdf", pdf_with_a_zip_before_its_end, "also a ZIP archive"),
    ("a jpeg that is also a java archive (GIFAR-like)", "photo.jpg", lambda: jpeg_bytes() + zip_bytes(),
     "also a ZIP archive"),
    ("a png with a zip in a chunk", "scan.png", png_with_zip_chunk, "also a ZIP archive"),
    ("a png that is also a web page", "scan.png", lambda: png_bytes() + b"<html><script>alert(1)</script>",
     "other data after the end"),
    ("a picture of a billion pixels", "scan.png", lambda: png_declaring(40_000, 25_000), "million pixels"),
    ("a picture just over the pixel limit", "scan.png", lambda: png_declaring(10_000, 5_001), "million pixels"),
]


@pytest.fixture
def applicant(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    return client


def stored_files() -> set[str]:
    found = set()
    for folder, _dirs, files in os.walk(default_storage.location):
        found |= {os.path.join(folder, name) for name in files}
    return found


def post(client, name: str, content: bytes):
    return client.post(PAGE, {"hours": "600", "evidence_kind": "log", "description": "Counseling centre",
                              "period_start": "2018-01-01", "period_end": "2020-01-01",
                              "upload": SimpleUploadedFile(name, content, content_type="application/octet-stream")})


@pytest.mark.parametrize(("name", "content", "message"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_a_hostile_upload_is_refused_with_a_reason_and_leaves_nothing(applicant, name, content, message):
    before = stored_files()
    response = post(applicant, name, content())
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("upload", []))
    assert message in errors, errors
    assert message in response.content.decode().replace("&#x27;", "'")  # shown on the page, not only kept
    assert not PracticeRecord.objects.exists()
    assert stored_files() == before


PATH_LIKE = [
    # (uploaded as, the label kept, the download's name)
    ("../../etc/passwd.pdf", "passwd.pdf", "passwd.pdf"),
    ("..\\..\\Windows\\System32\\drivers\\etc\\hosts.pdf", "hosts.pdf", "hosts.pdf"),
    ("/var/www/html/shell.php.pdf", "shell.php.pdf", "shell.pdf"),
    ("report\x00.exe.pdf", "report.exe.pdf", "report.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe", "invoicefdp.pdf"),
    ("CON.pdf", "CON.pdf", "practicerecord-{pk}.pdf"),
    ("aux", "aux", "practicerecord-{pk}.pdf"),
    ("LPT1.pdf", "LPT1.pdf", "practicerecord-{pk}.pdf"),
    ("a" * 300 + ".pdf", ("a" * 300 + ".pdf")[-255:], "a" * 80 + ".pdf"),
    ("证书 2024.pdf", "证书 2024.pdf", "证书-2024.pdf"),
]


@pytest.mark.parametrize(("uploaded_as", "label", "download"), PATH_LIKE, ids=[row[1][:30] for row in PATH_LIKE])
def test_a_path_like_or_hostile_name_is_only_a_label(applicant, uploaded_as, label, download):
    """The name cannot choose where the file goes or what it is called on the reviewer's computer: the file is
    stored under a random name, the label keeps no path or control character, the download its content's
    extension and no device name of Windows."""
    response = post(applicant, uploaded_as, pdf_bytes())
    assert response.status_code == 302, response.context["form"].errors
    record = PracticeRecord.objects.get()
    assert record.original_name == label
    assert record.file.name.startswith("evidence/") and record.file.name.count("/") == 3
    assert os.path.realpath(record.file.path).startswith(os.path.realpath(default_storage.location))
    assert record.file.name.rsplit("/", 1)[-1].removesuffix(".pdf").isalnum()
    page = applicant.get("/application/").content.decode()
    assert "\x00" not in page and "\u202e" not in page
    disposition = applicant.get(f"/evidence/practicerecord/{record.pk}/file/")["Content-Disposition"]
    expected = download.format(pk=record.pk)
    assert f'filename="{expected}"' in disposition or f"filename*=utf-8''{quote(expected)}" in disposition


@pytest.mark.parametrize(("make", "expected"), [(lambda: pdf_with_pages(10_000), "它有 10000 页"),
                                                (lambda: png_declaring(40_000, 25_000), "百万像素"),
                                                (pdf_with_a_zip_before_its_end, "ZIP 压缩包")])
def test_the_reason_is_given_in_the_applicants_language(applicant, make, expected):
    applicant.cookies["django_language"] = "zh-hans"
    response = post(applicant, "证明.pdf", make())
    assert expected in " ".join(response.context["form"].errors["upload"])


@pytest.mark.parametrize("filler", [b"stream\n", b"1 0 obj ", b"/a#41", b"stream\nx\nendstream\n"])
def test_a_file_made_to_be_slow_to_check_is_judged_quickly(filler):
    """The check reads each byte about once: 2 MB of stream keywords without an end once took a regular
    expression hours (the time grew with the square of the size; 140 KB took half a minute)."""
    import time

    from credentialing.uploads import pdf_problem

    data = b"%PDF-1.4\n" + filler * (2_000_000 // len(filler)) + b"%%EOF\n"
    started = time.process_time()
    pdf_problem(data)
    assert time.process_time() - started < 10
