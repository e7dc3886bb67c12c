"""The load test in short: the app served as in production (scripts/serve: gunicorn, a task worker, WhiteNoise,
production settings) on loopback, a burst of applicants applying with uploads (a few of them signing up through the
form and the mailed link) while counselors look at their shifts and calendar feeds and a roster is generated.
Asserts no request failed and nothing was lost; it does not assert speed (bench/load_bench.py measures that).
"""
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bench.load import harness
from tests.ports import free_port
from tests.rostering.factories import rostered_person, small_demand

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True)]

APPLICANTS, SIGNUPS, COUNSELOR_USERS = 8, 2, 10
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "later"]}}


def database_url() -> str:
    conf = connection.settings_dict
    credentials = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def published_week() -> None:
    """Counselors and supervisors with a published roster this week, through the real services."""
    from rostering import services, solving

    small_demand(peak=3)
    for _ in range(6):
        rostered_person(max_hours=24, target_hours=12)
    for _ in range(3):
        rostered_person(role="supervisor", max_hours=40, target_hours=24)
    today = timezone.localdate()
    run = services.run_create(actor=None, start=today - timedelta(days=today.weekday()), days=7, seconds=5,
                              enqueue=False)
    solving.run_solve(run_id=run.pk)
    services.run_publish(run_id=run.pk, actor=None)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="served as in production: PostgreSQL only (the SQLite file is not for several processes)")
def test_a_short_burst_loses_nothing_and_fails_nothing(tmp_path, settings):
    published_week()
    secret = harness.new_secret_key()
    port = free_port()
    env = harness.server_env(database_url=database_url(), data_dir=tmp_path, port=port, secret_key=secret,
                             web_concurrency=2, task_workers=1, redis_url=harness.local_redis(14))
    harness.collectstatic(env)
    plan_path = tmp_path / "plan.json"
    plan = harness.prepare_plan(path=plan_path, data_dir=tmp_path, secret_key=secret, counselors=3,
                                applicants=APPLICANTS, signups=SIGNUPS, tag="ci", counselor_users=COUNSELOR_USERS)
    with harness.serve(env, log=tmp_path / "serve.log") as served:
        base = served.url
        settings.TASKS = DATABASE_QUEUE  # queued for the served worker, not run in this process
        run_id = harness.queue_a_roster(seconds=5)
        result = harness.run_locust(plan=plan_path, host=base, users=COUNSELOR_USERS + APPLICANTS + SIGNUPS,
                                    spawn_rate=50, run_time="60s", result=tmp_path / "result.json",
                                    log=tmp_path / "locust.log",
                                    extra_env={"LOAD_MIN_SECONDS": "8", "LOAD_FLOW": "mixed"})
        # what the burst queued for later (previews, the applicants' notices) is done by the served workers
        after = harness.wait_for_the_queue(served, timeout=120)
    assert after["drained"], "the queue caught up after the burst"
    outcome = harness.count_outcome(result, data_dir=tmp_path, count_notices=True)
    print(harness.report(result, outcome, roster=harness.roster_state(run_id), flow="mixed", after=after))

    harness.check_outcome(result, outcome)
    assert len(result["submitted"]) == APPLICANTS + SIGNUPS, "every applicant got through"
    assert len(result["signed_up"]) == SIGNUPS
    assert outcome.notices_sent == APPLICANTS + SIGNUPS, "every applicant was told, once the burst was over"
    assert outcome.submitted_in_database == APPLICANTS + SIGNUPS and outcome.evidence_records == 4 * (
        APPLICANTS + SIGNUPS)
    counted = {row["name"]: row["count"] for row in result["requests"]}
    assert counted["/shifts/"] > 0 and counted["/calendar/[token].ics"] > 0
    # both ways of applying were taken: the one-page form and the draft built step by step
    assert counted["/application/apply/ (post)"] > 0 and counted["/application/submit/"] > 0
    assert len(plan["counselors"]) == 3
