"""The real background worker (django-tasks-db) sends what the web request queued."""
import io

import pytest
from django.core.management import call_command

from credentialing.enums import ApplicationAction
from credentialing.services import application_transition
from tests.credentialing.factories import complete_application

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_the_mail_queued_by_a_submission(settings, mailoutbox):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    application = complete_application()
    application_transition(application_id=application.pk, action=ApplicationAction.SUBMIT,
                           actor=application.applicant)
    assert mailoutbox == []  # queued, not sent by the request
    # the mail to the applicant and the previews of the evidence for the reviewer
    assert sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)) == [
        "credentialing.tasks.make_previews", "credentialing.tasks.send_application_update"]

    # scripts/serve's task workers take every queue but "later": nothing of the submission is theirs
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 "--exclude-queues", "later", verbosity=0)
    assert mailoutbox == []
    assert set(DBTaskResult.objects.filter(status="READY").values_list("queue_name", flat=True)) == {"later"}

    # its worker for the later queue (the lowest CPU priority) renders the mail and the previews; the mail's
    # delivery is the task workers' again (mail goes first in their queue)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "later",
                 "--no-periodic", verbosity=0)
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*",
                 "--exclude-queues", "later", verbosity=0)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.applicant.email]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_previews_wait_behind_the_work_people_wait_for():
    """A burst of submissions queues a preview job each; mail and roster solves must not wait behind them."""
    from credentialing import tasks as credentialing_tasks
    from rostering import tasks as rostering_tasks

    previews = credentialing_tasks.make_previews.priority
    assert previews < credentialing_tasks.send_application_update.priority
    assert all(previews < task.priority for task in vars(rostering_tasks).values()
               if hasattr(task, "priority") and hasattr(task, "enqueue"))


def test_mail_goes_ahead_of_every_other_task():
    """A sign-up waits for the verification link while a worker may have previews or a solve queued."""
    import importlib

    from common.mail import deliver_mail

    modules = ("common.tasks", "people.tasks", "credentialing.tasks", "certificates.batches", "training.tasks",
               "rostering.tasks", "supervision.tasks", "reports.tasks")
    others = [task for module in modules for task in vars(importlib.import_module(module)).values()
              if hasattr(task, "priority") and hasattr(task, "enqueue")]
    assert others and all(deliver_mail.priority > task.priority for task in others if task is not deliver_mail)


def test_previews_are_jpeg_pictures_that_keep_small_print_sharp():
    """The worker writes a picture per page of every submitted file: JPEG (a scanned page in a tenth of PNG's time),
    at a high quality and without colour subsampling (small print keeps its edges)."""
    from PIL import Image, JpegImagePlugin

    from credentialing.previews import _picture

    written = _picture(Image.effect_noise((200, 100), 40).convert("RGBA"))
    picture = Image.open(io.BytesIO(written))
    assert picture.format == "JPEG" and picture.size == (200, 100)
    assert JpegImagePlugin.get_sampling(picture) == 0  # 4:4:4


def test_a_pdf_page_keeps_its_colours_in_the_preview():
    """pdfium renders into RGBX shared with the picture (no copy to reorder the bytes): red stays red."""
    from PIL import Image
    from weasyprint import HTML

    from credentialing.previews import _render_pdf

    pdf = HTML(string='<div style="background:#d00000;width:300px;height:200px"></div>').write_pdf()
    pages, total = _render_pdf(pdf)
    picture = Image.open(io.BytesIO(pages[0]))
    assert total == 1 and picture.format == "JPEG"
    red, green, blue = picture.getpixel((250, 200))
    assert red > 180 and green < 40 and blue < 40
