"""Evidence files are judged by their content: PDF, JPEG or PNG, complete, within the size limit."""
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentialing.exceptions import UploadRefused
from credentialing.uploads import inspect_upload
from tests.credentialing.factories import pdf_bytes


def image_bytes(image_format: str) -> bytes:
    """A noisy picture, so the compressed file is large enough to cut short."""
    noise = random.Random(7).randbytes(64 * 64 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), noise).save(buffer, image_format)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's content type is whatever the name suggests; the inspection must not trust it.
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("certificate.pdf", pdf_bytes(), "application/pdf"),
    ("scan.jpg", image_bytes("JPEG"), "image/jpeg"),
    ("scan.png", image_bytes("PNG"), "image/png"),
    ("really-a-png.pdf", image_bytes("PNG"), "image/png"),
    ("really-a-pdf.jpeg", pdf_bytes(), "application/pdf"),
    ("no-extension", image_bytes("JPEG"), "image/jpeg"),
])
def test_real_documents_are_accepted_by_their_content(name, content, expected):
    file = upload(name, content)
    assert inspect_upload(file) == expected
    assert file.tell() == 0  # ready to be stored from the start


def test_a_file_at_the_size_limit_is_accepted(settings):
    settings.MAX_UPLOAD_BYTES = 4096
    content = pdf_bytes()
    padded = content[:-6] + b"%" + b"x" * (4096 - len(content) - 2) + b"\n" + content[-6:]
    assert len(padded) == 4096
    assert inspect_upload(upload("big.pdf", padded)) == "application/pdf"


def _too_big() -> bytes:
    from django.conf import settings

    content = pdf_bytes()
    return content[:-6] + b"0" * (settings.MAX_UPLOAD_BYTES + 1 - len(content)) + content[-6:]


REFUSED = [
    ("empty.pdf", lambda: b"", "is empty"),
    ("huge.pdf", _too_big, "at most 10 MB"),
    ("notes.pdf", lambda: b"These are my notes, honestly a PDF.\n" * 20, "not a PDF, JPEG or PNG"),
    ("page.pdf", lambda: b"<!DOCTYPE html><html><body><h1>Certificate</h1></body></html>", "not a PDF, JPEG or PNG"),
    ("certificate.docx", docx_bytes, "not a PDF, JPEG or PNG"),
    ("archive.pdf", docx_bytes, "not a PDF, JPEG or PNG"),
    ("animation.gif", lambda: image_bytes("GIF"), "not a PDF, JPEG or PNG"),
    ("cut.pdf", lambda: pdf_bytes()[:-7], "damaged or incomplete"),
    ("cut.png", lambda: image_bytes("PNG")[:100], "damaged or incomplete"),
    ("cut-tail.png", lambda: image_bytes("PNG")[:-30], "damaged or incomplete"),
]


@pytest.mark.parametrize(("name", "make_content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_unacceptable_files_are_refused_by_name(name, make_content, message):
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(upload(name, make_content()))
    assert message in refused.value.message
    assert f"“{name}”" in refused.value.message


def test_the_size_refusal_gives_the_size():
    with pytest.raises(UploadRefused, match=r"is 10\.1 MB; files may be at most 10 MB"):
        inspect_upload(upload("huge.pdf", _too_big()))


def test_a_truncated_jpeg_is_refused():
    content = image_bytes("JPEG")
    with pytest.raises(UploadRefused, match="damaged or incomplete"):
        inspect_upload(upload("cut.jpg", content[: len(content) // 2]))


def test_a_png_changed_in_transit_is_refused_by_its_checksums():
    """A PNG's pixels are not decoded in the request; each chunk's checksum still catches a changed byte."""
    content = bytearray(image_bytes("PNG"))
    data_at = content.index(b"IDAT") + 4 + 100  # inside the pixel data, checksum left as it was
    content[data_at] ^= 0xFF
    with pytest.raises(UploadRefused, match="damaged or incomplete"):
        inspect_upload(upload("changed.png", bytes(content)))


def test_pictures_are_checked_without_building_their_full_size_pixels(monkeypatch):
    """The upload check reads every byte but builds no full-size picture: a PNG is not decoded (the preview in the
    worker does that), a JPEG is decoded at an eighth of its size."""
    from PIL import ImageFile

    decoded_sizes = []
    real_load = ImageFile.ImageFile.load

    def load(image):
        decoded_sizes.append((image.format, image.size))
        return real_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    noise = random.Random(3).randbytes(640 * 480 * 3)
    for image_format in ("PNG", "JPEG"):
        buffer = io.BytesIO()
        Image.frombytes("RGB", (640, 480), noise).save(buffer, image_format)
        assert inspect_upload(upload(f"scan.{image_format.lower()}", buffer.getvalue())).startswith("image/")
    assert decoded_sizes == [("JPEG", (80, 60))]
