"""The daily mail: to the coordinators and the monitoring team, each in their language with the PDF attached, and
never twice for the same day (a retry, the command, two workers at once)."""
import io
import threading
import time
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from pypdf import PdfReader

from people.enums import StaffRole
from reports import services
from reports.models import DailyReportMailing
from reports.selectors import platform_today
from reports.tasks import send_daily_report
from tests.people.factories import staff_member
from tests.reports.factories import day_scenario

DAY = date(2026, 3, 2)


def team():
    return [staff_member(StaffRole.COORDINATOR, language="zh-hans", email="coordinator@example.org"),
            staff_member(StaffRole.MONITORING, language="en", email="monitor@example.org"),
            staff_member(StaffRole.SCHEDULER, email="scheduler@example.org"),
            staff_member(StaffRole.VETTING, email="vetting@example.org")]


@pytest.mark.django_db
def test_the_management_team_gets_the_days_report_in_their_language_with_the_pdf(
        django_capture_on_commit_callbacks):
    day_scenario(DAY)
    team()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers once the mailing commits
        result = send_daily_report.enqueue(DAY.isoformat()).return_value
    assert result == {"day": "2026-03-02", "status": "sent", "recipients": 2}
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["coordinator@example.org", "monitor@example.org"]  # one each, no shared To
    chinese, english = by_address["coordinator@example.org"], by_address["monitor@example.org"]
    assert english.subject == "Daily report 2026-03-02" and chinese.subject == "日报 2026-03-02"
    assert "Coverage rate (counselor-hours covered / wanted): 83%" in english.body
    assert "Crisis escalations raised: 2" in english.body and "/reports/daily/2026-03-02/" in english.body
    assert "覆盖率（已覆盖 / 所需咨询师工时）: 83%" in chinese.body
    for message, heading in ((english, "Dailyreport"), (chinese, "日报")):
        (name, content, mimetype), = message.attachments
        assert (name, mimetype) == ("daily-report-2026-03-02.pdf", "application/pdf")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
        assert heading in text and "SupervisorZhou" in text
    assert DailyReportMailing.objects.get(day=DAY).recipients == 2


@pytest.mark.django_db
def test_a_day_is_mailed_once_whatever_runs_it_again(django_capture_on_commit_callbacks):
    team()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_report_mail(day=DAY).status == "sent"
    sent = len(mail.outbox)
    assert services.daily_report_mail(day=DAY).status == "already_sent"
    assert send_daily_report.enqueue(DAY.isoformat()).return_value["status"] == "already_sent"
    out = io.StringIO()
    call_command("reports_send_daily", "--day", DAY.isoformat(), stdout=out)
    assert "already sent" in out.getvalue()
    assert len(mail.outbox) == sent == 2 and DailyReportMailing.objects.count() == 1


@pytest.mark.django_db
def test_without_a_day_the_task_and_the_command_mail_yesterday():
    team()
    yesterday = date.fromordinal(platform_today().toordinal() - 1)
    assert send_daily_report.enqueue().return_value["day"] == yesterday.isoformat()
    out = io.StringIO()
    call_command("reports_send_daily", stdout=out)
    assert out.getvalue().startswith(f"{yesterday}: already sent")


@pytest.mark.django_db
def test_with_nobody_to_mail_nothing_is_recorded_so_a_later_run_sends():
    assert services.daily_report_mail(day=DAY).status == "no_recipients"
    assert not DailyReportMailing.objects.exists()
    team()
    assert services.daily_report_mail(day=DAY).status == "sent"


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db
def test_a_failing_mail_server_loses_nothing_the_outbox_sends_the_report_later(settings,
                                                                            django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from common.mail import deliver
    from common.models import OutgoingMail

    team()
    settings.EMAIL_BACKEND = "tests.reports.test_mail.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_report_mail(day=DAY).status == "sent"
    waiting = OutgoingMail.objects.filter(kind="reports.daily")
    assert DailyReportMailing.objects.filter(day=DAY).exists() and not mail.outbox
    assert [(m.state, m.attempts, len(m.attachments)) for m in waiting] == [("queued", 1, 1)] * 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(now=timezone.now() + timedelta(hours=1)) == {"sent": 2, "retry": 0, "failed": 0}
    assert sorted(len(m.attachments) for m in mail.outbox) == [1, 1]
    (name, content, mimetype), = mail.outbox[0].attachments
    assert name == "daily-report-2026-03-02.pdf" and content.startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize("day, message", [("2026-02-30", "YYYY-MM-DD"), ("yesterday", "YYYY-MM-DD"),
                                          ("2019-12-31", "no report"), ("2999-01-01", "no report")])
def test_the_command_refuses_a_day_without_a_report(day, message):
    with pytest.raises(CommandError, match=message):
        call_command("reports_send_daily", "--day", day)


@pytest.mark.django_db
def test_the_command_can_leave_the_sending_to_the_worker():
    team()
    out = io.StringIO()
    call_command("reports_send_daily", "--day", DAY.isoformat(), "--enqueue", stdout=out)
    assert "queued for the worker" in out.getvalue()
    assert DailyReportMailing.objects.filter(day=DAY).exists()  # the test settings run tasks at once


class SlowBackend(EmailBackend):
    """Holds the sending a moment, so that a second worker arrives while the first is still sending."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_the_day_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    team()
    settings.EMAIL_BACKEND = "tests.reports.test_mail.SlowBackend"
    barrier = threading.Barrier(2)
    outcomes = []

    def work():
        from django.db import connection as own

        try:
            barrier.wait()
            outcomes.append(services.daily_report_mail(day=DAY).status)
        finally:
            own.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_sent", "sent"]
    assert len(mail.outbox) == 2 and DailyReportMailing.objects.count() == 1


@pytest.mark.django_db
def test_every_morning_at_seven_the_schedule_mails_the_day_before(django_capture_on_commit_callbacks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from common.models import PeriodicRun
    from common.periodic import enqueue_due

    team()
    with django_capture_on_commit_callbacks(execute=True):
        runs = enqueue_due(now=datetime(2026, 3, 3, 7, 5, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert "reports.daily_report" in {run.name for run in runs}
    assert DailyReportMailing.objects.get().day == DAY  # 2026-03-02, the day before
    assert PeriodicRun.objects.get(name="reports.daily_report").due_at == datetime(
        2026, 3, 3, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
