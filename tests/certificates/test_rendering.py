"""Every kind in both languages through WeasyPrint, read back with poppler."""
from datetime import date
from decimal import Decimal

import pytest

from certificates import kinds, rendering
from certificates.enums import CertificateKind
from certificates.rendering import Printable
from tests.certificates.factories import ISSUED
from tests.certificates.helpers import page_png, pdf_fonts, pdf_pages, pdf_text

CODE = "ABCD2345EFGH6789JKMN"


def printable(snapshot: dict, code: str = CODE) -> Printable:
    return Printable(kind=snapshot["kind"], language=snapshot["language"], code=code, issued_on=ISSUED,
                     snapshot=snapshot)


def admission(language: str, name: str = "王小明") -> dict:
    return kinds.admission_snapshot(
        holder_name=name, language=language, approved_on=date(2026, 2, 4), institution="华中师范大学",
        qualifications=["Registered psychologist (X-000123)"], channels=["text", "voice"],
        ethics_hours=Decimal("16"), practice_hours=Decimal("620.50"))


def supervisor(language: str) -> dict:
    return kinds.supervisor_appointment_snapshot(
        holder_name="张伟", language=language, appointed_on=date(2026, 2, 5), institution="北京大学",
        qualifications=["Registered supervisor (D-0042)"])


def training(language: str) -> dict:
    return kinds.training_completion_snapshot(
        holder_name="Li Na", language=language, completed_on=date(2026, 2, 20),
        areas=[("Online counseling skills", 4), ("Counseling ethics", "2.5"), ("The crisis intervention plan", 4)],
        assessed=["The crisis intervention plan"])


def service(language: str) -> dict:
    return kinds.service_record_snapshot(
        holder_name="陈静", language=language, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28),
        shifts={"voice": (12, "48"), "text": (5, "17.5")})


# (builder, words that must appear in English, in Chinese, and in both)
CASES = {
    CertificateKind.ADMISSION: (admission, ["Certificate of Admission", "volunteer counselor", "February 4, 2026",
                                            "620.5 hours", "Voice, Text"],
                                ["录用证书", "2026年2月4日", "620.5 小时", "语音、文字"],
                                ["王小明", "华中师范大学", "X-000123", "16"]),
    CertificateKind.SUPERVISOR_APPOINTMENT: (supervisor, ["Certificate of Appointment", "clinical supervisor",
                                                          "February 5, 2026"],
                                             ["督导聘任证书", "2026年2月5日", "临床督导"],
                                             ["张伟", "北京大学", "D-0042"]),
    CertificateKind.TRAINING_COMPLETION: (training, ["Certificate of Training", "February 20, 2026", "Total"],
                                          ["培训结业证书", "2026年2月20日", "合计"],
                                          ["Li Na", "Online counseling skills", "2.5", "10.5"]),
    CertificateKind.SERVICE_RECORD: (service, ["Record of Service", "February 1, 2026", "February 28, 2026",
                                               "Voice", "Text"],
                                     ["服务证明", "2026年2月1日", "2026年2月28日", "语音", "文字"],
                                     ["陈静", "65.5", "17"]),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("kind", list(CASES))
def test_every_kind_prints_its_data_in_the_language_chosen(kind, language):
    build, english, chinese, both = CASES[kind]
    pdf = rendering.render_pdf([printable(build(language))])

    text = pdf_text(pdf)
    # letter-spaced titles come out of pdftotext as "录 用证书": compare without spaces
    bare = text.replace(" ", "")
    assert pdf_pages(pdf) == 1
    for words in (english if language == "en" else chinese) + both:
        assert words.replace(" ", "") in bare, f"{words!r} missing from the {language} {kind} certificate: {text}"
    for words in (chinese if language == "en" else english):
        assert words.replace(" ", "") not in bare, f"{words!r} is in the wrong language on the {language} {kind}"
    assert "ABCD-2345-EFGH-6789-JKMN" in text
    assert f"/certificates/verify/{CODE}/" in text.replace(" ", "")  # the address wraps where it must


def test_chinese_names_come_out_as_glyphs_from_an_embedded_cjk_font(tmp_path):
    pdf = rendering.render_pdf([printable(admission("en", "王小明")), printable(admission("en", "李秀英"))])

    fonts = pdf_fonts(pdf)
    assert fonts and all(font["embedded"] for font in fonts), fonts
    assert any("WenQuanYi" in font["name"] for font in fonts), fonts
    text = pdf_text(pdf)
    assert "王小明" in text and "李秀英" in text
    # Missing glyphs would print both three-character names as the same three empty boxes:
    # the upper part of the two pages (title and name; all else is the same) must look different.
    upper_part = (0, 0, 496, 300)  # pixels at 60 dpi
    first = page_png(pdf, 1, tmp_path, crop=upper_part)
    second = page_png(pdf, 2, tmp_path, crop=upper_part)
    assert first != second


def test_a_batch_is_one_document_with_a_page_per_certificate_in_order():
    snapshots = [admission("zh-hans", name) for name in ("甲一", "乙二", "丙三")] + [admission("en", "Ding Si")]
    printables = [printable(snapshot, code=f"ABCD2345EFGH6789JK{index:02d}")
                  for index, snapshot in enumerate(snapshots)]
    document = rendering.render_document(printables)

    assert len(document.pages) == 4
    separate = rendering.split_pdfs(document)
    assert [pdf_text(pdf).count(name) for pdf, name in zip(separate, ["甲一", "乙二", "丙三", "Ding Si"],
                                                            strict=True)] == [1, 1, 1, 1]
    assert "ABCD-2345-EFGH-6789-JK03" in pdf_text(separate[3])


def test_the_qr_code_encodes_the_public_verification_address():
    image_uri = rendering.qr_data_uri("http://example.org/certificates/verify/ABC/")
    assert image_uri.startswith("data:image/png;base64,")
    assert rendering.verification_url(CODE).endswith(f"/certificates/verify/{CODE}/")


def test_the_file_digest_changes_with_the_data_and_not_otherwise():
    base = printable(admission("en"))
    same = printable(admission("en"))
    renamed = printable(admission("en", "王大明"))
    assert rendering.file_digest(base) == rendering.file_digest(same)
    assert rendering.file_digest(base) != rendering.file_digest(renamed)


def test_rendering_certificates_leaves_the_upload_check_refusing_truncated_images():
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on when imported; the certificates app switches it back."""
    from PIL import ImageFile

    rendering.render_pdf([printable(admission("en"))])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
