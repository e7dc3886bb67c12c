"""Batches for a cohort (merged PDF or ZIP) through the task, and the command line."""
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from certificates import rendering, services
from certificates.enums import BatchState, CertificateKind, Standing
from certificates.models import Certificate, CertificateBatch
from credentialing.enums import RoleApplied
from people.enums import StaffRole
from tests.certificates.factories import approved
from tests.certificates.helpers import pdf_pages, pdf_text
from tests.people.factories import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return staff_member(StaffRole.COORDINATOR)


@pytest.fixture
def cohort():
    """Three approved counselors (one already holding a certificate) and a supervisor."""
    people = [approved(full_name=name) for name in ("王小明", "李娜", "陈静")]
    approved(full_name="张伟", role=RoleApplied.SUPERVISOR)
    services.certificate_issue(holder=people[0], kind=CertificateKind.ADMISSION, actor=people[0])
    return people


def start_batch(client, django_capture_on_commit_callbacks, **data) -> CertificateBatch:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:batch_new"), {"kind": "admission", **data})
    assert response.status_code == 302
    return CertificateBatch.objects.get()


def test_a_merged_batch_issues_the_missing_certificates_and_renders_them(
        client, coordinator, cohort, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    batch = start_batch(client, django_capture_on_commit_callbacks, output_format="pdf", only_missing="on")

    assert (batch.state, batch.total, batch.done, batch.issued) == (BatchState.DONE, 2, 2, 2)
    download = client.get(reverse("certificates:batch_download", args=[batch.pk]))
    pdf = b"".join(download.streaming_content)
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == 2
    assert "李娜" in text and "陈静" in text and "王小明" not in text and "张伟" not in text
    assert Certificate.objects.filter(kind="admission", standing=Standing.VALID).count() == 3
    page = client.get(reverse("certificates:batch", args=[batch.pk])).content.decode()
    assert "2 certificates newly issued" in page


def test_a_zip_batch_for_everyone_holds_one_pdf_per_person(client, coordinator, cohort,
                                                           django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    batch = start_batch(client, django_capture_on_commit_callbacks, output_format="zip")  # only_missing unticked

    assert (batch.state, batch.total, batch.issued) == (BatchState.DONE, 3, 2)
    with zipfile.ZipFile(io.BytesIO(batch.file.read())) as archive:
        names = archive.namelist()
        texts = [pdf_text(archive.read(name)) for name in names]
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
    assert sorted(name for text in texts for name in ("王小明", "李娜", "陈静") if name in text) == ["李娜", "王小明",
                                                                                                   "陈静"]
    # the one who had a certificate keeps it: the same code is in the ZIP
    kept = Certificate.objects.get(holder=cohort[0])
    assert any(kept.code in name for name in names)


def test_progress_is_reported_for_the_polling_page(client, coordinator, cohort, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    batch = start_batch(client, django_capture_on_commit_callbacks, output_format="pdf", only_missing="on")
    progress = client.get(reverse("certificates:batch_progress", args=[batch.pk])).json()
    assert progress == {"state": "done", "state_label": "Done", "done": 2, "total": 2, "percent": 100,
                        "finished": True}
    page = client.get(reverse("certificates:batch", args=[batch.pk])).content.decode()
    assert "js/certificates.js" in page and "<script>" not in page and "style=" not in page


def test_a_failed_render_issues_nothing(client, coordinator, cohort, monkeypatch, django_capture_on_commit_callbacks):
    def broken(printables):
        raise RuntimeError("the font went away")

    monkeypatch.setattr(rendering, "render_document", broken)
    client.force_login(coordinator)
    batch = start_batch(client, django_capture_on_commit_callbacks, output_format="pdf", only_missing="on")

    assert batch.state == BatchState.FAILED and "the font went away" in batch.error
    assert Certificate.objects.count() == 1  # only the one issued before the batch
    page = client.get(reverse("certificates:batch", args=[batch.pk])).content.decode()
    assert "the font went away" in page


def test_batch_pages_are_for_coordinators_only(client, cohort, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    batch = start_batch(client, django_capture_on_commit_callbacks, output_format="pdf", only_missing="on")
    client.force_login(cohort[1])
    for name in ("batch", "batch_progress", "batch_download"):
        assert client.get(reverse(f"certificates:{name}", args=[batch.pk])).status_code == 403


def test_the_command_issues_for_everyone_without_one_and_says_how_many_and_how_long(cohort, tmp_path, capsys):
    output = tmp_path / "admission.pdf"
    call_command("issue_certificates", "--kind", "admission", "--output", str(output))

    said = capsys.readouterr().out
    assert said.startswith("Issued 2 admission certificates in ") and " s;" in said
    assert pdf_pages(output.read_bytes()) == 2
    assert Certificate.objects.filter(kind="admission", standing=Standing.VALID).count() == 3

    call_command("issue_certificates", "--kind", "admission", "--output", str(tmp_path / "again.pdf"))
    assert capsys.readouterr().out.startswith("Issued 0 admission certificates")
    assert not (tmp_path / "again.pdf").exists()


def test_the_command_refuses_a_kind_without_data_a_bad_period_and_a_bad_output(tmp_path):
    from certificates import registry

    saved = registry.registered()
    registry.register("training_completion", template="certificates/pdf/training_completion.html")
    try:
        with pytest.raises(CommandError, match="no data source"):
            call_command("issue_certificates", "--kind", "training-completion", "--output", str(tmp_path / "t.pdf"))
    finally:
        registry.restore(saved)
    with pytest.raises(CommandError, match=".pdf or .zip"):
        call_command("issue_certificates", "--kind", "admission", "--output", str(tmp_path / "t.docx"))
    with pytest.raises(CommandError, match="cover a period: give --period"):
        call_command("issue_certificates", "--kind", "service-record", "--output", str(tmp_path / "s.pdf"))
    with pytest.raises(CommandError, match="do not cover a period"):
        call_command("issue_certificates", "--kind", "admission", "--period", "2026-11", "--output",
                     str(tmp_path / "a.pdf"))
    for bad, words in (("2026-13", "numbered 1 to 12"), ("November", "Write the period"),
                       ("2025-01..2026-11", "at most 12 months"), ("2026-11..2026-09", "ends before")):
        with pytest.raises(CommandError, match=words):
            call_command("issue_certificates", "--kind", "service-record", "--period", bad, "--output",
                         str(tmp_path / "s.pdf"))
    with pytest.raises(CommandError, match="has not begun"):
        call_command("issue_certificates", "--kind", "service-record", "--period", "2099-01", "--output",
                     str(tmp_path / "s.pdf"))


@pytest.mark.parametrize("processes", [1, 2])
def test_a_batch_in_several_chunks_is_joined_in_order(cohort, monkeypatch, settings, processes, tmp_path):
    """Large batches render in chunks (in parallel processes when configured) and are joined into one PDF."""
    from certificates import batches as certificate_batches

    approved(full_name="赵六")
    monkeypatch.setattr(certificate_batches, "RENDER_CHUNK", 1)
    settings.CERTIFICATE_RENDER_PROCESSES = processes

    content, result = certificate_batches.certificates_issue_missing(kind=CertificateKind.ADMISSION)

    assert result.issued == 3 and pdf_pages(content) == 3
    text = pdf_text(content)
    order = sorted(["李娜", "陈静", "赵六"])  # print order is by name
    assert [text.index(name) for name in order] == sorted(text.index(name) for name in order)
