"""The service record from the published rosters: which hours count as served, what the certificate prints
(read back from the real PDF), in how many queries, the period it covers, and a new one when the hours change."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from certificates import services as certificate_services
from certificates.enums import BatchState, CertificateKind, Standing
from certificates.exceptions import CertificateRefused
from certificates.kinds import PLATFORM_ZONE, SUPERVISION
from certificates.models import Certificate, CertificateBatch
from certificates.periods import Period
from people.enums import StaffRole
from rostering import services
from rostering.certificates import served_periods, service_record_source
from rostering.models import ShiftOffer
from rostering.selectors import hours_by_person
from tests.certificates.helpers import pdf_pages, pdf_words
from tests.people.factories import UserFactory, VolunteerFactory, staff_member
from tests.rostering.factories import published_run, worked_shift

pytestmark = pytest.mark.django_db
KIND = CertificateKind.SERVICE_RECORD


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PLATFORM_ZONE)


def person(full_name: str, *, role: str = "counselor", language: str = "zh-hans"):
    user = UserFactory(full_name=full_name, language=language)
    VolunteerFactory(user=user, role=role, status="active")
    return user


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def en_date(day: date) -> str:
    return date_format(day, "F j, Y").replace(" ", "")


@pytest.fixture
def month() -> Period:
    """A whole month that is over: the one before last."""
    today = timezone.localdate(timezone=PLATFORM_ZONE)
    first = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    return Period(first, first)


@pytest.fixture
def coordinator():
    return staff_member(StaffRole.COORDINATOR)


@pytest.fixture
def served(month):
    """陈静 served four voice shifts (16 h, the last one running past midnight into the next month) and three
    text shifts (11 h) in ``month`` and has 2.5 hours added by a scheduler; she handed one shift to 王小明;
    shifts of a replaced roster, of a draft and of the month before do not count. 张伟 supervised twice."""
    chen, wang = person("陈静"), person("王小明", language="en")
    zhang = person("张伟", role="supervisor", language="en")
    first, last = month.first_day, month.last_day
    run = published_run(first, days=28)
    for offset in (1, 4, 8):
        worked_shift(run, [chen], start=at(first + timedelta(days=offset), 8), channel="voice")
    worked_shift(run, [chen], start=at(last, 22), channel="voice")  # until 02:00 the next month
    worked_shift(run, [chen], start=at(first + timedelta(days=2), 12), channel="text")
    worked_shift(run, [chen], start=at(first + timedelta(days=5), 12), channel="text")
    worked_shift(run, [chen], start=at(first + timedelta(days=11), 18), hours=3, channel="text")
    [handed] = worked_shift(run, [wang], start=at(first + timedelta(days=13), 8), channel="voice")
    ShiftOffer.objects.create(assignment=handed, offered_by=chen, taken_by=wang, state="taken")
    for offset in (3, 9):
        worked_shift(run, [zhang], start=at(first + timedelta(days=offset), 8), hours=8, channel="", role="supervisor")
    replaced = published_run(first, days=28, state="superseded")
    worked_shift(replaced, [chen], start=at(first + timedelta(days=15), 8), channel="voice")
    draft = published_run(first, days=28, state="draft")
    worked_shift(draft, [chen], start=at(first + timedelta(days=16), 8), channel="voice")
    before = published_run(first - timedelta(days=28), days=28)
    worked_shift(before, [chen], start=at(first - timedelta(days=1), 20), channel="voice")
    services.hours_correct(person=chen, month=first, hours="2.5", reason="Phone shift outside the roster",
                           actor=None)
    services.hours_correct(person=chen, month=first - timedelta(days=1), hours="4", reason="Earlier month",
                           actor=None)
    return {"chen": chen, "wang": wang, "zhang": zhang}


def issue(holder, period, language=None) -> Certificate:
    return certificate_services.certificate_issue(holder=holder, kind=KIND, actor=holder, language=language,
                                                  period=period)


def test_the_record_prints_the_hours_served_by_channel_and_the_corrections_in_chinese(served, month):
    certificate = issue(served["chen"], month)

    assert certificate.period == month.key
    assert certificate.snapshot["by_channel"] == [{"channel": "voice", "shifts": 4, "hours": "16"},
                                                  {"channel": "text", "shifts": 3, "hours": "11"}]
    words = pdf_words(certificate_services.certificate_pdf(certificate=certificate))
    for expected in ("服务证明", "陈静", zh_date(month.first_day), zh_date(month.last_day), "语音416", "文字311",
                     "排班人员核定的调整+2.5", "合计729.5", "志愿心理咨询师"):
        assert expected in words, f"{expected!r} missing: {words}"


def test_the_record_in_english_and_a_supervisors_duty_shifts(served, month):
    chen = issue(served["chen"], month, language="en")
    words = pdf_words(certificate_services.certificate_pdf(certificate=chen))
    for expected in ("RecordofService", "陈静", en_date(month.first_day), en_date(month.last_day), "Voice416",
                     "Text311", "Correctionsrecordedbytheschedulers+2.5", "Total729.5", "volunteercounselor"):
        assert expected in words, f"{expected!r} missing: {words}"

    zhang = issue(served["zhang"], month)
    assert zhang.language == "en" and zhang.snapshot["role"] == "supervisor"
    assert zhang.snapshot["by_channel"] == [{"channel": SUPERVISION, "shifts": 2, "hours": "16"}]
    words = pdf_words(certificate_services.certificate_pdf(certificate=zhang))
    for expected in ("张伟", "volunteerclinicalsupervisor", "Supervisiononduty216", "Total216"):
        assert expected in words, f"{expected!r} missing: {words}"


def test_the_total_is_what_the_schedulers_hours_page_says_for_the_month(served, month):
    snapshots = service_record_source(None, None, month)
    page = {row["user"].pk: row["total"] for row in hours_by_person(month.first_day.year, month.first_day.month)}
    assert {pk: Decimal(s["total_hours"]) for pk, s in snapshots.items()} == {
        pk: Decimal(str(total)) for pk, total in page.items()}
    assert Decimal(snapshots[served["wang"].pk]["total_hours"]) == 4  # the shift handed to him is his


def test_a_period_of_several_months_adds_them_up(served, month):
    before = Period.month((month.first_day - timedelta(days=1)).year, (month.first_day - timedelta(days=1)).month)
    both = Period(before.first_month, month.last_month)
    snapshot = service_record_source([served["chen"].pk], "en", both)[served["chen"].pk]
    assert (snapshot["period_start"], snapshot["period_end"]) == (both.first_day.isoformat(),
                                                                  month.last_day.isoformat())
    assert (snapshot["total_shifts"], snapshot["served_hours"], snapshot["corrections"]) == (8, "31", "+6.5")


def test_a_month_still_running_counts_the_shifts_worked_so_far_and_ends_today(month):
    chen = person("陈静")
    now = timezone.now()
    run = published_run(timezone.localdate(now, PLATFORM_ZONE) - timedelta(days=3), days=7)
    worked_shift(run, [chen], start=now - timedelta(hours=5), hours=4)
    worked_shift(run, [chen], start=now - timedelta(hours=1), hours=4)  # under way
    worked_shift(run, [chen], start=now + timedelta(hours=3), hours=4)  # to come
    started = (now - timedelta(hours=5)).astimezone(PLATFORM_ZONE).date()
    period = Period.month(started.year, started.month)

    snapshot = service_record_source(None, None, period)[chen.pk]

    assert (snapshot["total_shifts"], snapshot["total_hours"]) == (1, "4")
    assert snapshot["period_end"] == min(period.last_day, timezone.localdate(now, PLATFORM_ZONE)).isoformat()
    assert served_periods(chen.pk) == [period]
    with pytest.raises(CertificateRefused, match="has not begun"):
        issue(chen, Period.month(period.last_month.year + 1, 1))


def test_changed_hours_make_a_new_record_that_supersedes_the_old_and_other_months_stay_valid(served, month, client):
    chen = served["chen"]
    first = issue(chen, month)
    assert issue(chen, month).pk == first.pk
    earlier = Period.month((month.first_day - timedelta(days=1)).year, (month.first_day - timedelta(days=1)).month)
    other_month = issue(chen, earlier)

    services.hours_correct(person=chen, month=month.first_day, hours="-1", reason="Left an hour early", actor=None)
    second = issue(chen, month)

    first.refresh_from_db()
    other_month.refresh_from_db()
    assert (first.standing, first.superseded_by_id) == (Standing.SUPERSEDED, second.pk)
    assert other_month.standing == Standing.VALID and second.standing == Standing.VALID
    words = pdf_words(certificate_services.certificate_pdf(certificate=second))
    assert "合计728.5" in words and "+1.5" in words
    page = client.get(reverse("certificates:verify", args=[first.code])).content.decode()
    assert "Superseded" in page and "for the same period" in page


def test_the_source_reads_any_number_of_people_in_the_same_queries(month, django_assert_num_queries):
    run = published_run(month.first_day, days=28)
    people = [person(f"咨询师{n}") for n in range(31)]
    worked_shift(run, people[:1], start=at(month.first_day, 8))
    with django_assert_num_queries(3):
        assert len(service_record_source(None, None, month)) == 1
    for offset, who in enumerate(people[1:]):
        worked_shift(run, [who, people[0]], start=at(month.first_day + timedelta(days=1 + offset % 20), 8 + offset % 3),
                     channel="text" if offset % 2 else "voice")
    with django_assert_num_queries(3):
        snapshots = service_record_source(None, "en", month)
    assert len(snapshots) == 31 and snapshots[people[0].pk]["total_shifts"] == 31
    with django_assert_num_queries(2):
        assert served_periods(people[0].pk) == [month]


def test_the_holder_picks_a_month_on_my_certificates_and_only_they_and_the_coordinators_download(
        served, month, client, coordinator):
    chen = served["chen"]
    client.force_login(chen)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert f'value="{month.key}"' in page and date_format(month.first_day, "F Y") in page

    response = client.post(reverse("certificates:download_own", args=[KIND]),
                           {"language": "zh-hans", "period": month.key}, follow=True)
    assert response["Content-Type"] == "application/pdf" and "合计729.5" in pdf_words(response.content)
    assert month.key in response["Content-Disposition"]
    certificate = Certificate.objects.get(holder=chen, kind=KIND)

    refused = client.post(reverse("certificates:download_own", args=[KIND]),
                          {"language": "zh-hans", "period": "2001-01"}, follow=True)
    assert "served no shifts in 2001-01" in refused.content.decode()
    download = reverse("certificates:download", args=[certificate.pk])
    for someone in (served["wang"], staff_member(StaffRole.SCHEDULER)):
        client.force_login(someone)
        assert client.get(download).status_code == 404
    client.force_login(coordinator)
    assert client.get(download).status_code == 200


def test_the_coordinators_issue_one_and_a_batch_for_a_month(served, month, client, coordinator,
                                                            django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    missing = client.post(reverse("certificates:issue"), {"email": served["chen"].email, "kind": KIND}, follow=True)
    assert "Give the months this certificate covers." in missing.content.decode()
    client.post(reverse("certificates:issue"), {"email": served["chen"].email, "kind": KIND, "period": month.key})
    assert Certificate.objects.get(kind=KIND).period == month.key

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:batch_new"), {"kind": KIND, "period": month.key, "output_format": "pdf",
                                                        "only_missing": "on"})
    batch = CertificateBatch.objects.get()
    assert (batch.state, batch.period, batch.total, batch.issued) == (BatchState.DONE, month.key, 2, 2)
    pdf = b"".join(client.get(reverse("certificates:batch_download", args=[batch.pk])).streaming_content)
    assert pdf_pages(pdf) == 2 and "张伟" in pdf_words(pdf) and "王小明" in pdf_words(pdf)


def test_the_command_issues_a_month_for_everyone_who_served(served, month, tmp_path, capsys):
    output = tmp_path / "service.pdf"
    call_command("issue_certificates", "--kind", "service-record", "--period", month.key, "--output", str(output))
    assert capsys.readouterr().out.startswith(f"Issued 3 service_record certificates for {month.key} in ")
    assert pdf_pages(output.read_bytes()) == 3
    assert set(Certificate.objects.filter(kind=KIND, period=month.key).values_list("holder__full_name", flat=True)
               ) == {"陈静", "王小明", "张伟"}
