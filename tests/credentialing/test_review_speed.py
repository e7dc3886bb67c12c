"""The vetting screen at the platform's pace: previews, verify every item, the next application in my queue."""
import io

import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from common.audit import entries_about
from credentialing.audit import CredentialingAction
from credentialing.enums import ApplicationState, EvidenceCheck, StaffRole
from credentialing.exceptions import BulkActionRefused, StaleApplication
from credentialing.models import EVIDENCE_MODELS, Application
from credentialing.previews import MAX_PREVIEW_PAGES, MAX_PREVIEW_PIXELS, PREVIEW_VERSION, preview_of
from credentialing.services import evidence_verify_all
from tests.credentialing.factories import QualificationFactory, staff_member
from tests.credentialing.factories_vetting import verified_application

pytestmark = pytest.mark.django_db


def pdf_with_pages(count: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(595, 842)  # A4 in points
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_file(item, data: bytes, content_type: str, name: str):
    item.file.save(name, ContentFile(data), save=False)
    item.content_type = content_type
    item.original_name = name
    item.save()
    return item


@pytest.fixture
def reviewer():
    return staff_member(StaffRole.VETTING)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def items_of(application):
    return [item for kind in EVIDENCE_MODELS for item in getattr(application, f"{kind}_set").all()]


# --- previews ------------------------------------------------------------------------------------------------


def test_a_multi_page_pdf_is_rendered_page_by_page_and_served_inline(reviewer_client):
    application = verified_application(check_state=EvidenceCheck.PENDING)
    item = with_file(application.qualification_set.get(), pdf_with_pages(3), "application/pdf", "cert.pdf")
    page = reviewer_client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    urls = [reverse("credentialing:evidence_preview", args=[application.pk, "qualification", item.pk, n])
            for n in (1, 2, 3)]
    for url in urls:
        assert f'src="{url}"' in page
    response = reviewer_client.get(urls[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert picture.width * picture.height <= MAX_PREVIEW_PIXELS
    assert picture.height > picture.width  # a portrait A4 page
    assert reviewer_client.get(urls[0].replace("/1.jpg", "/4.jpg")).status_code == 404


def test_a_long_pdf_is_previewed_up_to_the_page_cap(reviewer_client):
    application = verified_application()
    item = with_file(application.qualification_set.get(), pdf_with_pages(MAX_PREVIEW_PAGES + 2), "application/pdf",
                     "long.pdf")
    assert preview_of(item) | {} == {"version": PREVIEW_VERSION, "pages": MAX_PREVIEW_PAGES,
                                     "total": MAX_PREVIEW_PAGES + 2, "error": ""}
    page = reviewer_client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    assert f"First {MAX_PREVIEW_PAGES} of {MAX_PREVIEW_PAGES + 2} pages shown" in page


def test_an_image_is_shown_inline_scaled_down(reviewer_client):
    application = verified_application()
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), "teal").save(buffer, "JPEG")
    item = with_file(application.ethicstraining_set.get(), buffer.getvalue(), "image/jpeg", "photo.jpg")
    url = reverse("credentialing:evidence_preview", args=[application.pk, "ethicstraining", item.pk, 1])
    page = reviewer_client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    assert f'src="{url}"' in page
    picture = Image.open(io.BytesIO(b"".join(reviewer_client.get(url).streaming_content)))
    assert picture.size == (1400, 1050)


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says it is `width` x `height` pixels (a decompression bomb's shape)."""
    import struct
    import zlib

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "teal").save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


def test_an_image_preview_leaves_pillows_global_limit_alone_and_refuses_a_bomb_before_decoding(monkeypatch):
    """Pillow's Image.MAX_IMAGE_PIXELS is the whole process's: rendering a preview must not set it (it did, on
    every render). A picture whose header claims more pixels than an upload may have is refused unread."""
    from PIL import ImageFile

    from credentialing.previews import make_preview
    from credentialing.uploads import MAX_IMAGE_PIXELS

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 123_456_789)
    application = verified_application()
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "teal").save(buffer, "PNG")
    item = with_file(application.ethicstraining_set.get(), buffer.getvalue(), "image/png", "small.png")
    assert make_preview(item)["pages"] == 1
    assert Image.MAX_IMAGE_PIXELS == 123_456_789

    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size) or real_load(image))
    bomb = png_claiming(10_000, MAX_IMAGE_PIXELS // 10_000 + 1)
    with Image.open(io.BytesIO(bomb)) as probe:
        assert probe.size[0] * probe.size[1] > MAX_IMAGE_PIXELS  # the header says so, and opens
    item = with_file(application.practicerecord_set.get(), bomb, "image/png", "bomb.png")
    assert make_preview(item)["error"] == "unreadable"
    assert decoded == [] and Image.MAX_IMAGE_PIXELS == 123_456_789


def test_a_broken_file_shows_a_placeholder_not_an_error(reviewer_client):
    application = verified_application()
    with_file(application.practicerecord_set.get(), b"%PDF-1.4 this is not really a PDF", "application/pdf", "x.pdf")
    response = reviewer_client.get(reverse("credentialing:review", args=[application.pk]))
    assert response.status_code == 200
    assert "This file cannot be shown" in response.content.decode()


def test_previews_are_made_once_and_then_read_from_storage(reviewer_client, monkeypatch):
    application = verified_application()
    item = with_file(application.qualification_set.get(), pdf_with_pages(2), "application/pdf", "cert.pdf")
    url = reverse("credentialing:review", args=[application.pk])
    assert reviewer_client.get(url).status_code == 200  # makes every item's preview
    first = preview_of(item)
    assert default_storage.exists(f"previews/{item.file.name}/2.jpg")
    monkeypatch.setattr("credentialing.previews.make_preview", lambda evidence: pytest.fail("rendered again"))
    assert preview_of(item) == first
    assert reviewer_client.get(url).status_code == 200


def test_previews_need_the_vetting_team(client):
    application = verified_application()
    item = with_file(application.qualification_set.get(), pdf_with_pages(1), "application/pdf", "cert.pdf")
    client.force_login(application.applicant)
    url = reverse("credentialing:evidence_preview", args=[application.pk, "qualification", item.pk, 1])
    assert client.get(url).status_code == 403


# --- verify every item ---------------------------------------------------------------------------------------


def test_verify_all_marks_every_item_in_one_step_and_audits_each(reviewer_client, reviewer):
    application = verified_application(check_state=EvidenceCheck.PENDING, reviewer=reviewer)
    response = reviewer_client.post(reverse("credentialing:verify_all", args=[application.pk]),
                                    {"version": application.version})
    assert response.status_code == 302
    assert {item.check_state for item in items_of(application)} == {EvidenceCheck.VERIFIED}
    assert {item.checked_by_id for item in items_of(application)} == {reviewer.pk}
    checked = [e for e in entries_about(application) if e.action == CredentialingAction.EVIDENCE_CHECKED]
    assert len(checked) == 4 and all(e.data["all_at_once"] for e in checked)
    application.refresh_from_db()
    assert application.verdict == "met"


def test_verify_all_changes_nothing_when_an_item_was_judged_not_acceptable(reviewer):
    application = verified_application(check_state=EvidenceCheck.PENDING)
    refused = application.ethicstraining_set.get()
    refused.check_state = EvidenceCheck.NOT_ACCEPTABLE
    refused.save()
    with pytest.raises(BulkActionRefused, match="not acceptable"):
        evidence_verify_all(application_id=application.pk, actor=reviewer)
    assert sorted(item.check_state for item in items_of(application)) == sorted(
        [EvidenceCheck.PENDING] * 3 + [EvidenceCheck.NOT_ACCEPTABLE])
    assert not [e for e in entries_about(application) if e.action == CredentialingAction.EVIDENCE_CHECKED]


def test_verify_all_refuses_a_stale_page_and_a_decided_application(reviewer):
    application = verified_application(check_state=EvidenceCheck.PENDING)
    with pytest.raises(StaleApplication):
        evidence_verify_all(application_id=application.pk, actor=reviewer, expected_version=application.version + 1)
    decided = verified_application(ApplicationState.REJECTED, check_state=EvidenceCheck.PENDING)
    with pytest.raises(Exception, match="only while the application is in review"):
        evidence_verify_all(application_id=decided.pk, actor=reviewer)
    assert {item.check_state for item in items_of(application) + items_of(decided)} == {EvidenceCheck.PENDING}


def test_the_applicant_cannot_verify_their_own_evidence():
    applicant_reviewer = staff_member(StaffRole.VETTING)
    application = verified_application(check_state=EvidenceCheck.PENDING, applicant=applicant_reviewer)
    with pytest.raises(Exception, match="may not vet"):
        evidence_verify_all(application_id=application.pk, actor=applicant_reviewer)


# --- save and open the next application in my queue -----------------------------------------------------------


def test_approving_opens_the_next_application_in_my_queue(reviewer_client, reviewer):
    current = verified_application(reviewer=reviewer)
    following = verified_application(reviewer=reviewer)
    verified_application(reviewer=staff_member(StaffRole.VETTING))  # somebody else's
    response = reviewer_client.post(reverse("credentialing:review_action", args=[current.pk]),
                                    {"action": "approve", "version": current.version, "then": "next"})
    assert response.status_code == 302
    assert response["Location"] == reverse("credentialing:review", args=[following.pk])
    assert Application.objects.get(pk=current.pk).state == ApplicationState.APPROVED
    # the last one: back to my queue
    response = reviewer_client.post(reverse("credentialing:review_action", args=[following.pk]),
                                    {"action": "approve", "version": following.version, "then": "next"})
    assert response["Location"] == reverse("credentialing:queue") + "?reviewer=me"


def test_the_next_key_opens_the_next_application_without_deciding(reviewer_client, reviewer):
    current = verified_application(reviewer=reviewer)
    following = verified_application(reviewer=reviewer)
    response = reviewer_client.get(reverse("credentialing:review_next", args=[current.pk]))
    assert response["Location"] == reverse("credentialing:review", args=[following.pk])
    assert Application.objects.get(pk=current.pk).state == ApplicationState.IN_REVIEW


def test_the_page_lists_the_shortcuts_and_loads_them_from_a_static_file(reviewer_client, reviewer):
    application = verified_application(check_state=EvidenceCheck.PENDING, reviewer=reviewer)
    QualificationFactory(application=application)
    page = reviewer_client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    assert "js/vetting.js" in page and "<kbd>v</kbd>" in page and "<kbd>n</kbd>" in page
    assert "Verify all 5 items" in page
    assert "<script>" not in page and "style=" not in page


def test_submitting_makes_the_previews_in_the_worker(django_capture_on_commit_callbacks):
    from credentialing.services import application_transition
    from tests.credentialing.factories import complete_application

    application = complete_application()
    item = with_file(application.qualification_set.get(), pdf_with_pages(2), "application/pdf", "cert.pdf")
    assert preview_of(item, make=False) is None
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application_id=application.pk, action="submit", actor=application.applicant)
    assert preview_of(item, make=False)["pages"] == 2
