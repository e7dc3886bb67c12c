"""The training completion certificate from the training records: who gets one, what it prints (read back from
the real PDF), in how many queries, and a new certificate when the records change."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from certificates.enums import CertificateKind, Standing
from certificates.exceptions import CertificateRefused
from certificates.kinds import PLATFORM_ZONE
from certificates.models import Certificate
from people.enums import StaffRole, VolunteerStatus
from people.models import User, Volunteer
from tests.certificates.helpers import pdf_words
from tests.people.factories import staff_member
from tests.training.factories import bulk_counselors, enrol, session, team_member, trainee, volunteer
from training import services
from training.certificates import training_completion_source
from training.enums import Area, Attendance
from training.forms import DEFAULT_AREAS
from training.models import Assessment, Curriculum, Enrolment, Session, Trainee

pytestmark = pytest.mark.django_db
KIND = CertificateKind.TRAINING_COMPLETION
M = services.Mark


def attend(team, person: Trainee, area: str, *, days_ago: int, status: str = Attendance.PRESENT,
           minutes: int | None = None) -> Session:
    """One two-hour session in the past, attended and marked by the training team."""
    lesson = session(area, starts_at=timezone.now() - timedelta(days=days_ago, hours=3))
    [row] = enrol(lesson, person)
    services.attendance_save(session_id=lesson.pk, actor=team, marks={row.pk: M(status, minutes)})
    return lesson


def trained(team, *, full_name: str, language: str = "zh-hans") -> User:
    """A counselor trained through the services: every area's hours attended (skills 9.5 h: four nights and
    one late arrival of 90 minutes) and assessed; the last assessment makes them ready."""
    user = volunteer(full_name=full_name, language=language)
    person = trainee(user)
    day = 30
    for area, (hours, mark) in DEFAULT_AREAS.items():
        for _night in range(int(hours * 60) // 120):
            attend(team, person, area, days_ago=day)
            day -= 1
        if area == Area.SKILLS:
            attend(team, person, area, days_ago=day, status=Attendance.LATE, minutes=90)
            day -= 1
        services.assessment_record(trainee_id=person.pk, area=area, score=mark + 5, assessed_on=timezone.localdate(),
                                   assessor=team)
    user.refresh_from_db()
    return user


@pytest.fixture
def team(version_1):
    return team_member()


def issue(holder, language=None) -> Certificate:
    return certificate_services.certificate_issue(holder=holder, kind=KIND, actor=holder, language=language)


def test_a_counselor_ready_for_duty_gets_the_certificate_with_areas_hours_and_date_in_chinese(team):
    holder = trained(team, full_name="李娜")
    assert holder.volunteer.status == VolunteerStatus.READY
    completed = timezone.localdate(Trainee.objects.get(user=holder).ready_at, PLATFORM_ZONE)

    certificate = issue(holder)

    assert certificate.language == "zh-hans" and certificate.period == ""
    words = pdf_words(certificate_services.certificate_pdf(certificate=certificate))
    for expected in ("培训结业证书", "李娜", f"{completed.year}年{completed.month}月{completed.day}日",
                     "网络咨询技能合格9.5", "咨询伦理合格4", "工作流程与规章制度合格4", "危机干预预案合格6",
                     "平台操作合格2", "合计25.5"):
        assert expected in words, f"{expected!r} missing: {words}"
    assert "Online" not in words


def test_the_same_certificate_in_english_names_the_areas_in_english(team):
    holder = trained(team, full_name="欧阳明月", language="en")
    completed = timezone.localdate(Trainee.objects.get(user=holder).ready_at, PLATFORM_ZONE)

    certificate = issue(holder)

    words = pdf_words(certificate_services.certificate_pdf(certificate=certificate))
    date_words = completed.strftime("%B") + f"{completed.day},{completed.year}"
    for expected in ("CertificateofTraining", "欧阳明月", date_words, "Onlinecounselingskillspassed9.5",
                     "Crisisinterventionplanpassed6", "Total25.5"):
        assert expected in words, f"{expected!r} missing: {words}"
    assert certificate.snapshot["areas"][0] == {"name": "Online counseling skills", "hours": "9.5"}
    assert "网络" not in words


def test_only_counselors_ready_for_duty_with_their_training_complete_qualify(team):
    ready = trained(team, full_name="李娜")
    learning = trainee(volunteer(full_name="在培训"))
    attend(team, learning, Area.SKILLS, days_ago=3)  # one night of five areas
    paused = trained(team, full_name="暂停者")
    Volunteer.objects.filter(user=paused).update(status=VolunteerStatus.PAUSED)

    assert set(training_completion_source(None)) == {ready.pk}
    for person in (learning.user, paused):
        with pytest.raises(CertificateRefused, match="does not qualify"):
            issue(person)


def test_more_hours_make_a_new_certificate_that_supersedes_the_old_and_a_new_file(team, client):
    holder = trained(team, full_name="李娜")
    first = issue(holder)
    first_pdf = certificate_services.certificate_pdf(certificate=first)
    assert issue(holder).pk == first.pk  # nothing changed: the same certificate, the stored file reused

    attend(team, Trainee.objects.get(user=holder), Area.ETHICS, days_ago=1)  # two more hours of ethics
    second = issue(holder)

    first.refresh_from_db()
    assert second.pk != first.pk and (first.standing, first.superseded_by_id) == (Standing.SUPERSEDED, second.pk)
    second_pdf = certificate_services.certificate_pdf(certificate=second)
    assert "咨询伦理合格6" in pdf_words(second_pdf) and "合计27.5" in pdf_words(second_pdf)
    assert "咨询伦理合格4" in pdf_words(first_pdf) and first.file.name != second.file.name
    page = client.get(reverse("certificates:verify", args=[first.code])).content.decode()
    assert "Superseded" in page


def test_the_holder_downloads_it_from_my_certificates_and_nobody_else_but_the_coordinators(team, client):
    holder = trained(team, full_name="李娜")
    client.force_login(holder)
    assert "Training completion" in client.get(reverse("certificates:mine")).content.decode()
    response = client.post(reverse("certificates:download_own", args=[KIND]), {"language": "en"}, follow=True)
    assert response["Content-Type"] == "application/pdf" and "李娜" in pdf_words(response.content)
    certificate = Certificate.objects.get(holder=holder, kind=KIND)

    download = reverse("certificates:download", args=[certificate.pk])
    for someone in (trained(team, full_name="王小明"), staff_member(StaffRole.TRAINING)):
        client.force_login(someone)
        assert client.get(download).status_code == 404
    client.force_login(staff_member(StaffRole.COORDINATOR))
    assert client.get(download).status_code == 200
    client.logout()
    assert client.get(download).status_code == 302


def test_one_still_in_training_is_not_offered_the_certificate(team, client):
    learning = trainee(volunteer(full_name="在培训"))
    client.force_login(learning.user)
    assert "Training completion" not in client.get(reverse("certificates:mine")).content.decode()


def bulk_trained(count: int, start: int) -> list[User]:
    """Counselors who finished the programme, in bulk: one session per area, attended, assessed, ready."""
    users = bulk_counselors(count, start=start)
    version = Curriculum.objects.get(is_current=True)
    now = timezone.now()
    trainees = Trainee.objects.bulk_create(Trainee(user=u, curriculum=version, ready_at=now) for u in users)
    lessons = {area.area: session(area.area, starts_at=now - timedelta(days=2), minutes=area.required_minutes)
               for area in version.areas.all()}
    Enrolment.objects.bulk_create(Enrolment(session=lesson, trainee=t, status=Attendance.PRESENT,
                                            minutes=lesson.minutes) for t in trainees for lesson in lessons.values())
    Assessment.objects.bulk_create(Assessment(trainee=t, area=area, attempt=1, score=90, pass_mark=80, passed=True,
                                              assessed_on=now.date()) for t in trainees for area in lessons)
    Volunteer.objects.filter(user__in=users).update(status=VolunteerStatus.READY)
    return users


def test_the_source_reads_any_number_of_counselors_in_the_same_queries(version_1, django_assert_num_queries):
    bulk_trained(1, start=0)
    with django_assert_num_queries(5):
        assert len(training_completion_source(None)) == 1
    bulk_trained(40, start=1)
    with django_assert_num_queries(5):
        snapshots = training_completion_source(None, "en")
    assert len(snapshots) == 41
    assert {s["total_hours"] for s in snapshots.values()} == {"24"}
    some = list(User.objects.order_by("pk").values_list("pk", flat=True)[:3])
    with django_assert_num_queries(5):
        assert len(training_completion_source(some)) == 3
