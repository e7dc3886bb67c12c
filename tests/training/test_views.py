"""The training pages through the whole stack: who sees what, time zones, fixed query counts."""
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.training.factories import bulk_counselors, enrol, session, supervisor, team_member, trainee, volunteer
from training.enums import Area, Attendance
from training.models import Enrolment, Trainee

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def many_trainees(count: int, start: int = 0) -> list[Trainee]:
    from training.models import Curriculum

    version = Curriculum.objects.get(is_current=True)
    return Trainee.objects.bulk_create(Trainee(user=u, curriculum=version)
                                       for u in bulk_counselors(count, start=start))


def test_the_attendance_page_runs_as_many_queries_for_300_enrolled_as_for_1(client, version_1,
                                                                              django_assert_num_queries):
    trainer = supervisor()
    lesson = session(trainers=[trainer, supervisor()])
    enrol(lesson, *many_trainees(1))
    client.force_login(trainer)
    url = reverse("training:attendance", args=[lesson.pk])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    enrol(lesson, *many_trainees(299, start=1))
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["enrolments"]) == 300
    assert response.content.count(b'type="radio"') == 300 * 5


def test_saving_300_marks_takes_the_same_queries_as_saving_1(client, version_1):
    trainer = supervisor()
    lesson = session(trainers=[trainer])
    client.force_login(trainer)
    url = reverse("training:attendance", args=[lesson.pk])

    def save(rows):
        data = {"version": lesson.__class__.objects.get(pk=lesson.pk).version}
        data.update({f"status-{e.pk}": Attendance.PRESENT for e in rows})
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 302
        return len(queries)

    one = save(enrol(lesson, *many_trainees(1)))
    Enrolment.objects.all().delete()
    assert save(enrol(lesson, *many_trainees(300, start=1))) <= one + 2  # bulk_update batches of 500 rows
    assert Enrolment.objects.filter(status=Attendance.PRESENT, minutes=120).count() == 300


def test_a_posted_sheet_with_a_wrong_row_saves_nothing_and_shows_what_was_typed(client, version_1):
    trainer = supervisor()
    lesson = session(trainers=[trainer])
    good, bad = enrol(lesson, trainee(), trainee())
    client.force_login(trainer)
    response = client.post(reverse("training:attendance", args=[lesson.pk]), {
        f"status-{good.pk}": "present", f"status-{bad.pk}": "late", f"minutes-{bad.pk}": "", "version": 0})
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert "Give the minutes attended." in response.content.decode()
    assert set(Enrolment.objects.values_list("status", flat=True)) == {""}


@pytest.mark.parametrize("who,status", [("the trainer", 200), ("the team", 200), ("another supervisor", 403),
                                        ("a counselor", 403), ("nobody", 302)])
def test_who_may_open_the_attendance_page(client, version_1, who, status):
    trainer = supervisor()
    lesson = session(trainers=[trainer])
    person = trainee()
    enrol(lesson, person)
    users = {"the trainer": trainer, "the team": team_member(), "another supervisor": supervisor(),
             "a counselor": person.user, "nobody": None}
    if users[who]:
        client.force_login(users[who])
    assert client.get(reverse("training:attendance", args=[lesson.pk])).status_code == status


def test_a_counselor_sees_only_their_own_record(client, version_1):
    mine, theirs = trainee(), trainee()
    client.force_login(mine.user)
    assert client.get(reverse("training:counselor", args=[mine.pk])).status_code == 200
    assert client.get(reverse("training:counselor", args=[theirs.pk])).status_code == 403
    for name in ("counselors", "sessions", "report", "behind", "curriculum"):
        assert client.get(reverse(f"training:{name}")).status_code == 403, name
    home = client.get(reverse("training:home"))
    assert home.templates[0].name == "training/my_progress.html"
    assert theirs.user.email not in home.content.decode()


def test_a_counselor_cannot_post_an_assessment_of_their_own(client, version_1):
    mine = trainee()
    client.force_login(mine.user)
    response = client.post(reverse("training:counselor", args=[mine.pk]),
                           {"area": Area.SKILLS, "score": 100, "assessed_on": "2026-01-01"})
    assert response.status_code == 403


@pytest.mark.parametrize(("day", "expected"), [
    (datetime(2027, 1, 15, 20, tzinfo=SHANGHAI), "12:00–14:00"),   # London on GMT
    (datetime(2027, 3, 27, 20, tzinfo=SHANGHAI), "12:00–14:00"),   # the night before the clocks go forward
    (datetime(2027, 3, 28, 20, tzinfo=SHANGHAI), "13:00–15:00"),   # BST from 28 March 2027
])
def test_a_london_volunteer_sees_the_sessions_in_london_time_across_the_dst_change(client, version_1, day, expected,
                                                                                   monkeypatch):
    user = volunteer(timezone="Europe/London")
    lesson = session(starts_at=day)
    monkeypatch.setattr(timezone, "now", lambda: day - timedelta(days=1))
    client.force_login(user)
    response = client.get(reverse("training:home"))
    html = response.content.decode()
    assert f'data-testid="session-time">{expected}</span>' in html
    assert "Europe/London" in html
    assert lesson.pk in [s.pk for s in response.context["upcoming"]]


def test_the_platform_zone_sees_20_to_22(client, version_1):
    user = volunteer()
    tomorrow = timezone.localtime(timezone.now(), SHANGHAI) + timedelta(days=1)
    session(starts_at=tomorrow.replace(hour=20, minute=0, second=0, microsecond=0))
    client.force_login(user)
    html = client.get(reverse("training:home")).content.decode()
    assert 'data-testid="session-time">20:00–22:00</span>' in html


def test_a_counselor_enrols_in_an_upcoming_session_from_their_page(client, version_1):
    user = volunteer()
    lesson = session(starts_at=timezone.now() + timedelta(days=1))
    client.force_login(user)
    response = client.post(reverse("training:enrol", args=[lesson.pk]), follow=True)
    assert "You are enrolled." in response.content.decode()
    assert Enrolment.objects.get().trainee.user == user


def test_the_team_pages_render(client, version_1):
    client.force_login(team_member())
    person = trainee()
    lesson = session(trainers=[supervisor()])
    enrol(lesson, person)
    for name, args in (("home", []), ("sessions", []), ("series_new", []), ("session", [lesson.pk]),
                       ("counselors", []), ("counselor", [person.pk]), ("behind", []), ("report", []),
                       ("curriculum", [])):
        assert client.get(reverse(f"training:{name}", args=args)).status_code == 200, name


@pytest.mark.parametrize("export", ["counselors.csv", "counselors.xlsx", "sessions.csv", "sessions.xlsx"])
def test_reports_export(client, version_1, export):
    client.force_login(team_member())
    person = trainee()
    enrol(session(), person)
    response = client.get(reverse("training:report"), {"export": export})
    assert response.status_code == 200
    if export == "counselors.csv":
        assert person.user.email in response.content.decode("utf-8-sig")
    if export.endswith("xlsx"):
        assert response.content[:2] == b"PK"


def test_the_programme_report_runs_a_fixed_number_of_queries(client, version_1, django_assert_num_queries):
    client.force_login(team_member())
    lesson = session()
    enrol(lesson, *many_trainees(1))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("training:report")).status_code == 200
    enrol(session(Area.ETHICS), *many_trainees(100, start=1))
    with django_assert_num_queries(len(one)):
        assert client.get(reverse("training:report")).status_code == 200


def test_the_counselors_export_shows_a_formula_like_name_instead_of_running_it(client, version_1):
    client.force_login(team_member())
    person = trainee()
    person.user.full_name = '=HYPERLINK("http://evil.example","x")'
    person.user.save()
    enrol(session(), person)
    text = client.get(reverse("training:report"), {"export": "counselors.csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and ',=HYPERLINK(' not in text
