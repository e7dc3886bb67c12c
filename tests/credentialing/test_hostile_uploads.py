"""Uploads a hostile tester made: PDFs that run scripts or programs (names hex-escaped, hidden in compressed object
streams), polyglots (a picture or PDF that is also a web page), and downloads named by the uploader."""
import base64
import binascii
import io
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from credentialing.exceptions import UploadRefused
from credentialing.models import PracticeRecord
from credentialing.uploads import EXTENSIONS, download_name, inspect_upload
from tests.credentialing.factories import ApplicationFactory, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A small PDF whose catalog (object 1) gets ``objects[0]`` as extra entries; more objects follow it."""
    catalog_extra, *more = objects or (b"",)
    body = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>endobj\n"
    body += b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    for number, obj in enumerate(more, start=3):
        body += f"{number} 0 obj".encode() + obj + b"endobj\n"
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n" + trailer


def stream(content: bytes, filters: bytes = b"/FlateDecode", *, encode=zlib.compress, kind: bytes = b"") -> bytes:
    data = encode(content)
    return (b"<<" + kind + b"/Filter" + filters + b"/Length " + str(len(data)).encode() + b">>stream\n" + data
            + b"\nendstream\n")


JS_ACTION = b"<</S/JavaScript/JS(app.alert(document.cookie))>>"
OBJECT_STREAM = b"5 0 " + JS_ACTION

HOSTILE_PDFS = {
    "open action runs a script": pdf(b"/OpenAction" + JS_ACTION),
    "open action points at a script object": pdf(b"/OpenAction 3 0 R", JS_ACTION),
    "hex-escaped JavaScript name": pdf(b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"),
    "every letter hex-escaped": pdf(b"/OpenAction<</S/#4A#61#76#61#53#63#72#69#70#74/JS(x)>>"),
    "launch action": pdf(b"/OpenAction<</S/Launch/F(cmd.exe)/P(/c calc)>>"),
    "hex-escaped launch": pdf(b"/OpenAction<</S/#4Caunch/F(calc.exe)>>"),
    "additional actions on a page": pdf(b"/AA<</O<</S/Named/N/Print>>>>"),
    "script hidden in a compressed object stream": pdf(b"", stream(OBJECT_STREAM, kind=b"/Type/ObjStm/N 1/First 4")),
    "script in a hex-wrapped compressed stream": pdf(b"", stream(
        OBJECT_STREAM, b"[/ASCIIHexDecode/FlateDecode]", encode=lambda c: binascii.hexlify(zlib.compress(c)) + b">")),
    "script in an ascii85-wrapped compressed stream": pdf(b"", stream(
        OBJECT_STREAM, b"[/A85/Fl]", encode=lambda c: base64.a85encode(zlib.compress(c)) + b"~>")),
    "script in a plain hex stream": pdf(b"", stream(OBJECT_STREAM, b"/AHx", encode=lambda c: binascii.hexlify(c)
                                                    + b">")),
    "embedded file": pdf(b"/Names<</EmbeddedFiles<</Names[(a.exe)3 0 R]>>>>",
                         b"<</Type/Filespec/EF<</F 4 0 R>>>>"),
    "html between header and end": pdf(b"", b"<<>>\n<html><body><script>alert(1)</script></body></html>\n"),
    "upper-case html in a comment": pdf(b"", b"<<>>\n%<HTML><SCRIPT>alert(1)</SCRIPT>\n"),
    "svg between objects": pdf(b"", b"<<>>\n<svg onload=alert(1)>\n"),
    "html hidden after an endstream": pdf(b"", stream(b"BT ET") + b"<!DOCTYPE html><iframe src=x></iframe>\n"
                                          + b"4 0 obj" + stream(b"BT ET")),
    "html after the end": pdf(trailer=b"<html><script>alert(1)</script></html>"),
    "other data after the end": pdf(trailer=b"MZ\x90\x00\x03 this is an executable"),
}


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


def png_with_text_chunk(text: bytes) -> bytes:
    data = png_bytes()
    chunk = b"tEXt" + b"Comment\x00" + text
    packed = len(text + b"Comment\x00").to_bytes(4, "big") + chunk + zlib.crc32(chunk).to_bytes(4, "big")
    return data[:33] + packed + data[33:]  # after the signature (8) and IHDR (25)


HOSTILE_IMAGES = {
    "png followed by html": ("image/png", png_bytes() + b"<html><script>alert(1)</script></html>"),
    "png followed by other data": ("image/png", png_bytes() + b"PK\x03\x04 a zip archive"),
    "png with html in a text chunk": ("image/png", png_with_text_chunk(b"<script>alert(1)</script>")),
    "jpeg followed by html": ("image/jpeg", jpeg_bytes() + b"<!doctype html><body onload=alert(1)>"),
    "jpeg with svg inside": ("image/jpeg", jpeg_bytes()[:-2] + b"<svg onload=alert(1)>" + b"\xff\xd9"),
}

FINE_FILES = {
    "plain pdf": pdf_bytes(),
    "pdf opening on its first page": pdf(b"/OpenAction[3 0 R/Fit]", b"<</Type/Page>>"),
    "pdf with a compressed page": pdf(b"", stream(b"BT /F1 12 Tf (Certificate of training) Tj ET")),
    "pdf with blank bytes after the end": pdf(trailer=b"\r\n\x00\x00  \n"),
    "png": png_bytes(),
    "png with a harmless text chunk": png_with_text_chunk(b"Scanned at the registry office"),
    "jpeg": jpeg_bytes(),
    "jpeg with a phone maker's trailer": jpeg_bytes() + b"SEFH\x00\x00\x00\x01 maker data",
}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("name", HOSTILE_PDFS)
def test_hostile_pdfs_are_refused_with_a_reason(name):
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(upload("certificate.pdf", HOSTILE_PDFS[name]))
    assert "was refused:" in refused.value.message


@pytest.mark.parametrize("name", HOSTILE_IMAGES)
def test_polyglot_images_are_refused_with_a_reason(name):
    content_type, data = HOSTILE_IMAGES[name]
    Image.open(io.BytesIO(data)).load()  # a real picture: only the extra content makes it hostile
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(upload("scan.png", data))
    assert "was refused:" in refused.value.message


@pytest.mark.parametrize("name", FINE_FILES)
def test_ordinary_files_are_still_accepted(name):
    assert inspect_upload(upload("scan", FINE_FILES[name])) in EXTENSIONS


@settings(max_examples=80, deadline=None)
@given(word=st.sampled_from([b"JavaScript", b"JS", b"Launch", b"AA", b"EmbeddedFile"]), data=st.data())
def test_any_escaping_of_an_active_name_is_seen_through(word, data):
    escaped = b""
    for byte in word:
        if data.draw(st.booleans()):
            code = f"{byte:02x}"
            escaped += b"#" + (code.upper() if data.draw(st.booleans()) else code).encode()
        else:
            escaped += bytes([byte])
    with pytest.raises(UploadRefused):
        inspect_upload(upload("x.pdf", pdf(b"/OpenAction<</S/" + escaped + b"(x)>>")))


@settings(max_examples=40, deadline=None)
@given(tag=st.sampled_from(["html", "script", "iframe", "body", "svg onload=x", "!doctype html"]),
       case=st.sampled_from([str.lower, str.upper, str.title]), where=st.sampled_from(["png", "jpeg", "pdf"]))
def test_markup_anywhere_in_a_file_is_refused(tag, case, where):
    markup = f"<{case(tag)}>".encode()
    data = {"png": png_bytes() + markup, "jpeg": jpeg_bytes() + markup,
            "pdf": pdf(b"", b"<<>>\n" + markup + b"\n")}[where]
    with pytest.raises(UploadRefused):
        inspect_upload(upload("x", data))


def test_a_refused_upload_shows_the_reason_and_stores_nothing(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = client.post("/application/evidence/practicerecord/add/", {
        "hours": "600", "evidence_kind": "log", "description": "Centre", "period_start": "2018-01-01",
        "period_end": "2020-01-01", "upload": upload("log.pdf", HOSTILE_PDFS["open action runs a script"])})
    assert response.status_code == 200
    assert "scripts or actions" in str(response.context["form"].errors["upload"])
    assert not PracticeRecord.objects.exists()


@pytest.mark.parametrize(("uploaded_as", "data", "saved_as", "content_type"), [
    ("report.exe", pdf_bytes(), "report.pdf", "application/pdf"),
    ("poly.html", png_bytes(), "poly.png", "image/png"),
    ("photo.svg", jpeg_bytes(), "photo.jpg", "image/jpeg"),
    ("..\\..\\evil.html.pdf.exe", pdf_bytes(), "evil.pdf", "application/pdf"),
    (".htaccess", png_bytes(), "practicerecord-{pk}.png", "image/png"),
])
def test_downloads_are_named_by_the_content_found(client, uploaded_as, data, saved_as, content_type):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = client.post("/application/evidence/practicerecord/add/", {
        "hours": "600", "evidence_kind": "log", "description": "Centre", "period_start": "2018-01-01",
        "period_end": "2020-01-01", "upload": upload(uploaded_as, data)})
    assert response.status_code == 302, response.context["form"].errors
    record = PracticeRecord.objects.get()
    assert record.original_name.endswith(uploaded_as.rsplit("\\", 1)[-1])  # kept as a label
    download = client.get(f"/evidence/practicerecord/{record.pk}/file/")
    assert download["Content-Type"] == content_type
    assert f'filename="{saved_as.format(pk=record.pk)}"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


@given(name=st.text(max_size=60), content_type=st.sampled_from(sorted(EXTENSIONS)))
def test_a_download_name_always_ends_in_the_contents_extension_only(name, content_type):
    saved = download_name(name, content_type, fallback="evidence-1")
    extension = EXTENSIONS[content_type]
    assert saved.endswith(extension) and saved.count(".") == 1
    assert not re.search(r"[/\\\x00-\x1f\"]", saved)
