"""Generating, stopping, failing, adjusting, publishing and re-planning a roster run, through the real stack."""
import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rostering import services, solving
from rostering.exceptions import RosterError
from rostering.exports import solution_document
from rostering.models import Assignment, RosterRun
from rostering.selectors import person_key
from tests.rostering.engine.helpers import shared_dir
from tests.rostering.factories import rostered_person, small_demand

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 23)


@pytest.fixture
def team():
    small_demand(peak=3)
    counselors = [rostered_person(tz="Europe/London" if i % 3 == 0 else "Asia/Shanghai", max_hours=24,
                                  target_hours=12) for i in range(8)]
    supervisors = [rostered_person(role="supervisor", max_hours=40, target_hours=24) for _ in range(3)]
    return counselors, supervisors


def generate(django_capture_on_commit_callbacks, days=2, seconds=20, **kwargs) -> RosterRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_create(actor=None, start=MONDAY, days=days, seconds=seconds, **kwargs)
    run.refresh_from_db()
    return run


def referee(tmp_path, run: RosterRun) -> dict:
    problem, solution = tmp_path / "problem.json", tmp_path / "solution.json"
    call_command("roster_export", run=run.pk, output=str(problem), solution=str(solution))
    done = subprocess.run([sys.executable, str(shared_dir() / "check_roster.py"), str(problem), str(solution)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_a_generated_run_becomes_a_draft_with_its_roster_and_progress(team, django_capture_on_commit_callbacks):
    run = generate(django_capture_on_commit_callbacks)
    assert run.state == "draft", run.error
    assert run.assignments.count() > 0
    assert run.best_penalty is not None and run.bound is not None and run.elapsed is not None
    assert run.solver_status in {"optimal", "feasible"}
    assert run.task_id


def test_the_referee_accepts_the_exported_run_with_the_penalty_the_app_shows(
        team, tmp_path, django_capture_on_commit_callbacks):
    run = generate(django_capture_on_commit_callbacks)
    report = referee(tmp_path, run)
    assert report["penalty"] == pytest.approx(run.best_penalty)
    assert report["penalty"] == pytest.approx(solution_document(run)["penalty"])


def test_stop_keeps_the_best_roster(team, django_capture_on_commit_callbacks):
    run = services.run_create(actor=None, start=MONDAY, days=2, seconds=600, enqueue=False)
    services.run_request_stop(run_id=run.pk, actor=None)
    solving.run_solve(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "draft"
    assert run.elapsed < 60  # stopped long before its 600 s
    assert run.assignments.exists()


def test_a_run_whose_worker_died_is_failed_and_can_be_retried(team, django_capture_on_commit_callbacks):
    run = services.run_create(actor=None, start=MONDAY, days=2, seconds=20, enqueue=False)
    RosterRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=5),
                                               heartbeat_at=timezone.now() - timedelta(minutes=4))
    assert services.run_fail_if_dead(run_id=run.pk).state == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        services.run_retry(run_id=run.pk, actor=None)
    run.refresh_from_db()
    assert run.state == "draft" and run.assignments.exists()


def test_a_live_worker_is_not_declared_dead(team):
    run = services.run_create(actor=None, start=MONDAY, days=2, seconds=20, enqueue=False)
    RosterRun.objects.filter(pk=run.pk).update(started_at=timezone.now(), heartbeat_at=timezone.now())
    assert services.run_fail_if_dead(run_id=run.pk).state == "solving"


def test_manual_changes_are_checked_against_the_hard_rules(team, django_capture_on_commit_callbacks):
    counselors, supervisors = team
    run = generate(django_capture_on_commit_callbacks)
    supervisor_shift = run.shifts.filter(role="supervisor").first()
    with pytest.raises(RosterError, match="2-role"):
        services.assignment_add(run_id=run.pk, shift_id=supervisor_shift.pk, user=counselors[0], actor=None)
    assignment = run.assignments.select_related("shift").first()
    with pytest.raises(RosterError, match="already on this shift"):
        services.assignment_add(run_id=run.pk, shift_id=assignment.shift_id, user=assignment.person, actor=None)
    services.assignment_remove(run_id=run.pk, assignment_id=assignment.pk, actor=None)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_publishing_is_atomic_audited_and_mails_everyone(team, django_capture_on_commit_callbacks):
    run = generate(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run_id=run.pk, actor=None, version=run.version)
    run.refresh_from_db()
    assert run.state == "published" and run.published_at
    people = set(run.assignments.values_list("person__email", flat=True))
    assert {m.to[0] for m in mail.outbox} == people
    from common.audit import entries_about

    assert [e.action for e in entries_about(run)][:1] == ["roster.published"]
    with pytest.raises(RosterError):
        services.run_publish(run_id=run.pk, actor=None)  # a double click: refused, nothing changes


def test_a_stale_publish_changes_nothing(team, django_capture_on_commit_callbacks):
    run = generate(django_capture_on_commit_callbacks)
    with pytest.raises(RosterError, match="changed since"):
        services.run_publish(run_id=run.pk, actor=None, version=run.version - 1)
    run.refresh_from_db()
    assert run.state == "draft"


def test_a_second_roster_for_a_published_period_is_refused(team, django_capture_on_commit_callbacks):
    first = generate(django_capture_on_commit_callbacks)
    services.run_publish(run_id=first.pk, actor=None)
    second = generate(django_capture_on_commit_callbacks)
    with pytest.raises(RosterError, match="re-plan"):
        services.run_publish(run_id=second.pk, actor=None)
    second.refresh_from_db()
    assert second.state == "draft"


def test_replanning_keeps_the_past_and_pins_and_publishing_replaces_the_old_roster(
        team, tmp_path, django_capture_on_commit_callbacks, monkeypatch):
    counselors, supervisors = team
    first = generate(django_capture_on_commit_callbacks)
    first = services.run_publish(run_id=first.pk, actor=None)
    # half-way through the period, one counselor drops out
    middle = first.shifts.order_by("start")[first.shifts.count() // 2].start
    monkeypatch.setattr(timezone, "now", lambda: middle)
    past = set(first.assignments.filter(shift__start__lt=middle).values_list("shift__key", "person_id"))
    leaver = first.assignments.filter(shift__start__gte=middle, shift__role="counselor").first().person
    leaver.volunteer.status = "left"
    leaver.volunteer.save()
    replan = generate(django_capture_on_commit_callbacks, replans=first)
    assert replan.state == "draft", replan.error
    assert replan.problem["weights"]["change"] > 0 and replan.problem["previous"]
    pinned = {(p["shift"], p["person"]) for p in replan.problem["pinned"]}
    assert pinned == {(key, person_key(u)) for key, u in past if u != leaver.pk}
    kept = set(replan.assignments.values_list("shift__key", "person_id"))
    assert {(k, u) for k, u in past if u != leaver.pk} <= kept
    assert not replan.assignments.filter(person=leaver, shift__start__gte=middle).exists()
    assert replan.assignments.filter(pinned=True).count() == len(pinned)
    referee(tmp_path, replan)
    services.run_publish(run_id=replan.pk, actor=None)
    first.refresh_from_db()
    assert first.state == "superseded"


def test_roster_generate_command_prints_the_run_and_publishes(team, capsys):
    call_command("roster_generate", "--start", "2026-03-23", "--days", "1", "--seconds", "10", "--publish")
    out = capsys.readouterr()
    run = RosterRun.objects.get(pk=int(out.out.strip()))
    assert run.state == "published"
    assert "penalty" in out.err


def test_roster_export_of_a_period_writes_the_problem(team, tmp_path):
    target = tmp_path / "p.json"
    call_command("roster_export", "--start", "2026-03-23", "--days", "7", "--output", str(target))
    problem = json.loads(target.read_text())
    assert problem["format"] == "roster-problem/2" and len(problem["people"]) == 11


def test_volunteers_ready_for_duty_become_active_when_their_first_roster_is_published(
        django_capture_on_commit_callbacks):
    from people.models import Volunteer

    small_demand(peak=2)
    ready = [rostered_person(status="ready", max_hours=40, target_hours=12) for _ in range(6)]
    # an 8-hour supervisor shift fits in 60 hours a week over one day (60 x 1/7 = 8.6)
    [rostered_person(role="supervisor", status="ready", max_hours=60, target_hours=24) for _ in range(2)]
    run = generate(django_capture_on_commit_callbacks, days=1)
    assert run.state == "draft", run.error
    services.run_publish(run_id=run.pk, actor=None)
    on_roster = set(run.assignments.values_list("person_id", flat=True))
    statuses = dict(Volunteer.objects.values_list("user_id", "status"))
    assert on_roster and all(statuses[u] == "active" for u in on_roster)
    assert all(statuses[p.pk] == "ready" for p in ready if p.pk not in on_roster)
