"""The training services through the real database: attendance, import, assessments, readiness, reminders."""
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from common.models import AuditEntry
from people.models import Volunteer
from tests.training.factories import curriculum, enrol, session, supervisor, team_member, trainee, volunteer
from training import services
from training.enums import Area, Attendance, SessionState
from training.exceptions import StaleSession, TrainingError
from training.models import Assessment, Enrolment, Session, Trainee
from training.selectors import ready_for_duty, trainee_progress

pytestmark = pytest.mark.django_db
M = services.Mark


def test_the_trainer_saves_a_whole_session_in_one_go(version_1):
    trainer = supervisor()
    lesson = session(Area.SKILLS, trainers=[trainer])
    people = [trainee() for _ in range(4)]
    rows = enrol(lesson, *people)
    changed = services.attendance_save(session_id=lesson.pk, actor=trainer, marks={
        rows[0].pk: M(Attendance.PRESENT), rows[1].pk: M(Attendance.LATE, 95),
        rows[2].pk: M(Attendance.EXCUSED), rows[3].pk: M(Attendance.ABSENT)})
    assert changed == 4
    stored = {e.pk: (e.status, e.minutes, e.marked_by_id) for e in Enrolment.objects.all()}
    assert stored == {rows[0].pk: ("present", 120, trainer.pk), rows[1].pk: ("late", 95, trainer.pk),
                      rows[2].pk: ("excused", 0, trainer.pk), rows[3].pk: ("absent", 0, trainer.pk)}
    assert trainee_progress(people[1]).area(Area.SKILLS).minutes == 95
    day = timezone.localdate(lesson.starts_at, timezone.get_default_timezone())
    assert set(Trainee.objects.filter(last_progress_on=day).values_list("pk", flat=True)) == {people[0].pk,
                                                                                              people[1].pk}
    assert AuditEntry.objects.filter(action="training.attendance_manual", actor=trainer).count() == 1


def test_one_bad_row_saves_nothing(version_1):
    trainer = supervisor()
    lesson = session(trainers=[trainer])
    rows = enrol(lesson, trainee(), trainee())
    with pytest.raises(TrainingError, match="give the minutes attended"):
        services.attendance_save(session_id=lesson.pk, actor=trainer, marks={
            rows[0].pk: M(Attendance.PRESENT), rows[1].pk: M(Attendance.LEFT_EARLY)})
    with pytest.raises(TrainingError, match="between 0 and 120"):
        services.attendance_save(session_id=lesson.pk, actor=trainer, marks={
            rows[0].pk: M(Attendance.PRESENT), rows[1].pk: M(Attendance.LATE, 500)})
    assert set(Enrolment.objects.values_list("status", flat=True)) == {""}
    assert not AuditEntry.objects.filter(action__startswith="training.attendance").exists()


def test_a_stale_attendance_form_is_refused(version_1):
    trainer = supervisor()
    lesson = session(trainers=[trainer])
    [row] = enrol(lesson, trainee())
    services.attendance_save(session_id=lesson.pk, actor=trainer, marks={row.pk: M(Attendance.ABSENT)},
                             expected_version=0)
    with pytest.raises(StaleSession):
        services.attendance_save(session_id=lesson.pk, actor=trainer, marks={row.pk: M(Attendance.PRESENT)},
                                 expected_version=0)
    assert Enrolment.objects.get().status == Attendance.ABSENT


@pytest.mark.parametrize("who", ["another trainer", "a counselor", "a supervisor teaching nothing"])
def test_only_the_sessions_trainers_and_the_team_mark_attendance(version_1, who):
    lesson = session(trainers=[supervisor()])
    other = session(trainers=[supervisor()])
    [row] = enrol(lesson, trainee())
    actor = {"another trainer": other.trainers.get(), "a counselor": row.trainee.user,
             "a supervisor teaching nothing": supervisor()}[who]
    with pytest.raises(TrainingError, match="Only the session's trainers"):
        services.attendance_save(session_id=lesson.pk, actor=actor, marks={row.pk: M(Attendance.PRESENT)})
    services.attendance_save(session_id=lesson.pk, actor=team_member(), marks={row.pk: M(Attendance.PRESENT)})
    assert Enrolment.objects.get().status == Attendance.PRESENT


def test_attendance_cannot_be_marked_before_the_session_starts(version_1):
    trainer = supervisor()
    lesson = session(trainers=[trainer], starts_at=timezone.now() + timedelta(hours=1))
    [row] = enrol(lesson, trainee())
    with pytest.raises(TrainingError, match="once the session has started"):
        services.attendance_save(session_id=lesson.pk, actor=trainer, marks={row.pk: M(Attendance.PRESENT)})


# --- import ---------------------------------------------------------------------------------------


def _export(lesson, rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "邮箱", "手机号", "入会时间", "离会时间"])
    local = timezone.localtime(lesson.starts_at, timezone.get_default_timezone()).replace(tzinfo=None)
    for name, email, phone, join, leave in rows:
        book.active.append([name, email, phone, local + timedelta(minutes=join), local + timedelta(minutes=leave)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_merges_rows_matches_by_email_or_phone_lists_the_unmatched_and_enrols_walk_ins(version_1):
    trainer = supervisor()
    lesson = session(Area.ETHICS, trainers=[trainer])
    by_email, by_phone, walk_in = trainee(), trainee(), trainee()
    phone = "13912345678"
    Volunteer.objects.filter(user=by_phone.user).update(phone="139-1234-5678")
    rows = {e.trainee_id: e for e in enrol(lesson, by_email, by_phone)}
    content = _export(lesson, [
        ("A", by_email.user.email.upper(), "", 0, 50), ("A", by_email.user.email, "", 45, 120),  # merged: 120
        ("B", "", "+86 " + phone, 20, 120),                                                         # late
        ("C", walk_in.user.email, "", 0, 60),                                                      # left early
        ("Stranger", "nobody@example.org", "", 0, 120)])
    result = services.attendance_import(session_id=lesson.pk, actor=trainer, content=content, filename="x.xlsx")
    assert (result.matched, result.enrolled_walk_ins) == (3, 1)
    assert [p.email for p in result.unmatched] == ["nobody@example.org"]
    marks = {e.trainee_id: (e.status, e.minutes, e.source) for e in Enrolment.objects.all()}
    assert marks == {by_email.pk: ("present", 120, "import"), by_phone.pk: ("late", 100, "import"),
                     walk_in.pk: ("left_early", 60, "import")}
    assert rows[by_email.pk].pk in Enrolment.objects.values_list("pk", flat=True)


def test_a_malformed_import_writes_nothing(version_1):
    trainer = supervisor()
    lesson = session(trainers=[trainer])
    person = trainee()
    enrol(lesson, person)
    content = f"Email,Minutes\n{person.user.email},120\nbroken@example.org,soon\n".encode()
    with pytest.raises(TrainingError, match="Row 3"):
        services.attendance_import(session_id=lesson.pk, actor=trainer, content=content, filename="x.csv")
    assert Enrolment.objects.get().status == Attendance.UNMARKED
    assert Enrolment.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="training.attendance").exists()


# --- assessments and readiness --------------------------------------------------------------------


def _attend_everything(person: Trainee, actor) -> None:
    """Enough attended sessions in every area for the person's version."""
    for area in person.curriculum.areas.all():
        needed = area.required_minutes
        while needed > 0:
            lesson = session(area.area, trainers=[actor] if actor else [])
            [row] = enrol(lesson, person)
            services.attendance_save(session_id=lesson.pk, actor=team_member(), marks={row.pk: M(Attendance.PRESENT)})
            needed -= 120


def _pass_everything(person: Trainee, assessor, *, except_area: str | None = None) -> None:
    for area in person.curriculum.areas.all():
        if area.area != except_area:
            services.assessment_record(trainee_id=person.pk, area=area.area, score=area.pass_mark,
                                       assessed_on=date.today(), assessor=assessor)


def test_a_retake_is_a_new_attempt_and_the_history_is_kept(version_1):
    team = team_member()
    person = trainee()
    first = services.assessment_record(trainee_id=person.pk, area=Area.CRISIS, score=60, assessed_on=date.today(),
                                       assessor=team, note="needs to practise the escalation steps")
    second = services.assessment_record(trainee_id=person.pk, area=Area.CRISIS, score=85, assessed_on=date.today(),
                                        assessor=team)
    assert [(a.attempt, a.score, a.passed) for a in Assessment.objects.all()] == [(1, 60, False), (2, 85, True)]
    assert (first.pass_mark, second.pass_mark) == (80, 80)
    assert trainee_progress(person).area(Area.CRISIS).assessment_met


def test_the_pass_mark_is_that_of_the_counselors_own_version(version_1):
    early = trainee()
    curriculum(2, **{Area.CRISIS: (Decimal("6"), 90)})
    late = trainee()
    team = team_member()
    for person in (early, late):
        services.assessment_record(trainee_id=person.pk, area=Area.CRISIS, score=85, assessed_on=date.today(),
                                   assessor=team)
    assert Assessment.objects.get(trainee=early).passed
    assert not Assessment.objects.get(trainee=late).passed


def test_a_trainer_assesses_only_the_areas_they_teach(version_1):
    trainer = supervisor()
    session(Area.ETHICS, trainers=[trainer])
    person = trainee()
    with pytest.raises(TrainingError, match="trainers of this area"):
        services.assessment_record(trainee_id=person.pk, area=Area.CRISIS, score=90, assessed_on=date.today(),
                                   assessor=trainer)
    services.assessment_record(trainee_id=person.pk, area=Area.ETHICS, score=90, assessed_on=date.today(),
                               assessor=trainer)
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(("score", "when", "message"), [
    (101, date.today(), "between 0 and 100"), (50, date.today() + timedelta(days=2), "future")])
def test_impossible_assessments_are_refused(version_1, score, when, message):
    with pytest.raises(TrainingError, match=message):
        services.assessment_record(trainee_id=trainee().pk, area=Area.SKILLS, score=score, assessed_on=when,
                                   assessor=team_member())


def test_reaching_readiness_moves_the_volunteer_to_ready_audits_and_mails(version_1, django_capture_on_commit_callbacks,
                                                                           mailoutbox):
    team = team_member()
    person = trainee()
    with django_capture_on_commit_callbacks(execute=True):
        _attend_everything(person, None)
        _pass_everything(person, team, except_area=Area.CRISIS)
    assert Volunteer.objects.get(user=person.user).status == "awaiting_training"
    assert list(ready_for_duty()) == []
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(trainee_id=person.pk, area=Area.CRISIS, score=79, assessed_on=date.today(),
                                   assessor=team)
    assert Volunteer.objects.get(user=person.user).status == "awaiting_training"

    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(trainee_id=person.pk, area=Area.CRISIS, score=80, assessed_on=date.today(),
                                   assessor=team)
    volunteer_ = Volunteer.objects.get(user=person.user)
    assert volunteer_.status == "ready"
    assert list(ready_for_duty()) == [volunteer_]
    entry = AuditEntry.objects.get(action="training.ready")
    assert (entry.actor, entry.from_state, entry.to_state) == (team, "awaiting_training", "ready")
    [message] = mailoutbox
    assert message.to == [person.user.email]
    assert "ready for duty" in message.body
    person.refresh_from_db()
    assert person.ready_at is not None


def test_a_newer_curriculum_does_not_take_readiness_away_or_give_it(version_1):
    team = team_member()
    person = trainee()
    _attend_everything(person, None)
    _pass_everything(person, team)
    curriculum(2, **{Area.ETHICS: (Decimal("20"), 70)})
    assert trainee_progress(Trainee.objects.get(pk=person.pk)).ready
    newcomer = trainee()
    assert newcomer.curriculum.version == 2


# --- sessions -------------------------------------------------------------------------------------


def test_a_month_of_nightly_sessions_in_one_step(version_1):
    team, trainers = team_member(), [supervisor(), supervisor()]
    plan = services.SeriesPlan(first_day=date(2027, 1, 1), last_day=date(2027, 1, 31), days_of_week=tuple(range(7)),
                               areas=tuple(Area.values), topic="", trainers=tuple(trainers), capacity=250,
                               meeting_url="https://meeting.example/abc")
    made = services.sessions_create_series(actor=team, plan=plan)
    assert len(made) == Session.objects.count() == 31
    first = Session.objects.order_by("starts_at").first()
    assert timezone.localtime(first.starts_at, timezone.get_default_timezone()).hour == 20
    assert first.minutes == 120
    assert [s.area for s in Session.objects.order_by("starts_at")[:6]] == [*Area.values, Area.SKILLS]
    assert set(first.trainers.all()) == set(trainers)
    with pytest.raises(TrainingError, match="Only the training team"):
        services.sessions_create_series(actor=trainers[0], plan=plan)


def test_cancelling_a_session_tells_the_enrolled(version_1, django_capture_on_commit_callbacks, mailoutbox):
    lesson = session(starts_at=timezone.now() + timedelta(days=1))
    people = [trainee(), trainee()]
    enrol(lesson, *people)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session_id=lesson.pk, actor=team_member(), reason="The trainer is ill.")
    assert Session.objects.get().state == SessionState.CANCELLED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in people)
    assert "The trainer is ill." in mailoutbox[0].body
    with pytest.raises(TrainingError, match="already cancelled"):
        services.session_cancel(session_id=lesson.pk, actor=team_member(), reason="again")


def test_enrolment_respects_the_capacity_and_is_idempotent(version_1):
    lesson = session(starts_at=timezone.now() + timedelta(days=1), capacity=1)
    first, second = volunteer(), volunteer()
    services.enrolment_add(session_id=lesson.pk, user=first, actor=first)
    services.enrolment_add(session_id=lesson.pk, user=first, actor=first)  # a double click
    with pytest.raises(TrainingError, match="full"):
        services.enrolment_add(session_id=lesson.pk, user=second, actor=second)
    assert Enrolment.objects.count() == 1
    assert Trainee.objects.get(user=first).curriculum == version_1


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_are_all_or_nothing(version_1, django_capture_on_commit_callbacks, mailoutbox):
    team = team_member()
    late = [trainee(started_on=date.today() - timedelta(days=20)) for _ in range(2)]
    ready = trainee(ready_at=timezone.now())
    with pytest.raises(TrainingError, match="nobody was reminded"):
        with django_capture_on_commit_callbacks(execute=True):
            services.trainees_remind(trainee_ids=[late[0].pk, ready.pk], actor=team)
    assert mailoutbox == []
    assert not Trainee.objects.filter(reminded_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.trainees_remind(trainee_ids=[p.pk for p in late], actor=team, message="See you tonight.")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in late)
    assert "See you tonight." in mailoutbox[0].body
    assert "Crisis intervention plan" in mailoutbox[0].body


def test_a_session_edit_from_a_stale_form_or_below_the_enrolled_is_refused(version_1):
    team = team_member()
    lesson = session(starts_at=timezone.now() + timedelta(days=1), capacity=10)
    enrol(lesson, trainee(), trainee(), trainee())
    services.session_update(session_id=lesson.pk, actor=team, data={"topic": "Opening a text conversation"},
                            expected_version=0)
    with pytest.raises(StaleSession):
        services.session_update(session_id=lesson.pk, actor=team, data={"topic": "Other"}, expected_version=0)
    with pytest.raises(TrainingError, match="More people are enrolled"):
        services.session_update(session_id=lesson.pk, actor=team, data={"capacity": 2}, expected_version=1)
    lesson.refresh_from_db()
    assert (lesson.topic, lesson.capacity, lesson.version) == ("Opening a text conversation", 10, 1)
    assert AuditEntry.objects.filter(action="training.session_changed").count() == 1
    with pytest.raises(TrainingError, match="Only the training team"):
        services.session_update(session_id=lesson.pk, actor=supervisor(), data={"topic": "x"})
