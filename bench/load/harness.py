"""The load test's moving parts, shared by ``bench/load_bench.py`` (full size) and the short test in the suite.

1. ``prepare_plan`` (in a process where Django is set up on the same database the server uses): signed-in
   counselors with published shifts and their calendar addresses, applicants who signed up earlier (verified,
   signed in), and what the locust users need to know (``plan.json``).
2. ``serve``: ``scripts/serve`` with the production settings on loopback (gunicorn, the task workers,
   WhiteNoise), stopped with SIGTERM as an operator would.
3. ``run_locust``: ``bench/load/locustfile.py`` headless, bounded in users and time; its figures in JSON.
4. ``count_outcome``: every submission the load generator saw succeed is a submitted application in the
   database, with its four evidence records, each with its file in the storage. ``check_outcome`` fails loudly.

Sessions are written straight into the session table (signed with the server's secret key): counselors and
earlier applicants are signed in already, as they would be on a real day, so the run measures the pages and
not one password hash per person (PBKDF2 costs about half a second of a core each, by design). The sign-up path
itself is exercised by ``signups`` users who register through the real form, read the verification mail
from the server's outbox folder (what the worker sent) and follow its link.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
LOAD_DOMAIN = "load.example"
PASSWORD = "load-test-password-2026"


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


def local_redis(db: int) -> str:
    """``redis://127.0.0.1:6379/<db>``, emptied, when a Redis answers there; "" when none does. The load runs use
    it as production does (REDIS_URL: the cache and the sessions in Redis); each caller its own database number,
    emptied first so that nothing of another run's data (feeds, pages by person id) is served."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            if not probe.recv(64).startswith(b"+PONG"):
                return ""
    except OSError:
        return ""
    try:
        import redis
    except ImportError:
        raise RuntimeError("a Redis answers but the redis package is missing: `.venv/bin/python -m pip install -r "
                           "requirements.lock` (or run with --no-redis)") from None

    url = f"redis://127.0.0.1:6379/{db}"
    redis.Redis.from_url(url).flushdb()
    return url


def server_env(*, database_url: str, data_dir: Path, port: int, secret_key: str, web_concurrency: int,
               task_workers: int, redis_url: str = "") -> dict:
    """The environment of the served app: production settings behind a proxy on loopback; the cache and the
    sessions in Redis when ``redis_url`` is given (``local_redis``), in the database otherwise."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_URL", "S3_", "EMAIL_", "APP_DATA_DIR", "TASKS_", "WEB_",
                                 "REDIS_URL"))}
    return {
        **({"REDIS_URL": redis_url} if redis_url else {}),
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "APP_DATA_DIR": str(data_dir),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(web_concurrency),
        "TASK_WORKERS": str(task_workers),
        "SKIP_SETUP": "1",
        "PYTHONUNBUFFERED": "1",
    }


def collectstatic(env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, env=env, check=True,
                   timeout=300)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


CPU_KINDS = ("web", "task workers", "database", "load generator")


def _cpu_seconds(process) -> float:
    """CPU time of a process, with that of its children it has reaped (a recycled gunicorn worker, a backend)."""
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def cpu_by_kind(serve_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the served app's processes (gunicorn, the task workers) and PostgreSQL's.

    Wall-clock figures on a shared machine say as much about the neighbours as about the app; CPU seconds per
    request or per application say what the app costs, and how many of them two idle cores could serve.
    """
    import psutil

    used = dict.fromkeys(CPU_KINDS[:3], 0.0)
    try:
        tree = [psutil.Process(serve_pid), *psutil.Process(serve_pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    for process in tree:
        with contextlib.suppress(psutil.Error):
            command = " ".join(process.cmdline())
            if "gunicorn" in command:
                used["web"] += _cpu_seconds(process)
            elif "db_worker" in command:
                used["task workers"] += _cpu_seconds(process)
    for process in psutil.process_iter(["name"]):
        with contextlib.suppress(psutil.Error):
            if process.info["name"] and process.info["name"].startswith("postgres"):
                used["database"] += _cpu_seconds(process)
    return used


def children_cpu_seconds() -> float:
    """CPU seconds of this process's reaped children (the load generator, once it has ended)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Served:
    url: str
    pid: int

    def cpu(self) -> dict[str, float]:
        return cpu_by_kind(self.pid)


@contextlib.contextmanager
def serve(env: dict, *, log: Path, startup_seconds: float = 90):
    """``scripts/serve`` in its own process group; yields a ``Served`` (its URL and process) once /health/
    answers 200."""
    base = f"http://{env['WEB_BIND']}"
    with open(log, "wb") as output:
        process = subprocess.Popen([str(REPO / "scripts" / "serve")], cwd=REPO, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + startup_seconds
        while not _healthy(f"{base}/health/"):
            if process.poll() is not None:
                raise RuntimeError(f"scripts/serve ended (status {process.returncode}); see {log}:\n"
                                   + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer /health/ within {startup_seconds} s; see {log}")
            time.sleep(0.5)
        yield Served(base, process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # what Ctrl-C or systemd does: scripts/serve stops its children
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        # Anything of the group still alive (it should not be) is ended too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def run_locust(*, plan: Path, host: str, users: int, spawn_rate: float, run_time: str, result: Path,
               log: Path, extra_env: dict | None = None) -> dict:
    """Headless locust, bounded in users and time; returns the figures the locustfile wrote."""
    command = [PYTHON, "-m", "locust", "-f", str(REPO / "bench" / "load" / "locustfile.py"), "--headless",
               "--host", host, "-u", str(users), "-r", str(spawn_rate), "-t", run_time, "--stop-timeout", "30",
               "--only-summary", "--loglevel", "WARNING"]
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_RESULT": str(result), **(extra_env or {})}
    with open(log, "wb") as output:
        completed = subprocess.run(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   timeout=3600)
    if not result.exists():
        raise RuntimeError(f"locust wrote no result (status {completed.returncode}); see {log}:\n"
                           + log.read_text(errors="replace")[-3000:])
    return json.loads(result.read_text())


# --- in a process where Django is set up on the served database ------------------------------------------------


def _session_for(user, secret_key: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings

    with override_settings(SECRET_KEY=secret_key):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "people.backends.AccountBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key


def counselors_on_the_roster(limit: int) -> list:
    """Counselors with shifts on a published roster (the demo data's), most shifts first."""
    from django.db.models import Count

    from people.models import User
    from rostering.enums import RunState

    return list(User.objects.filter(roster_assignments__run__state=RunState.PUBLISHED, volunteer__role="counselor")
                .annotate(shifts=Count("roster_assignments")).order_by("-shifts", "pk")[:limit])


def prepare_plan(*, path: Path, data_dir: Path, secret_key: str, counselors: int, applicants: int, signups: int,
                 tag: str, counselor_users: int | None = None) -> dict:
    """Signed-in counselors and applicants for the run; the roster to be generated during it is queued too."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from credentialing.models import QualificationKind
    from people.models import User
    from people.services import calendar_feed_for

    on_roster = counselors_on_the_roster(counselors)
    if len(on_roster) < counselors:
        raise RuntimeError(f"only {len(on_roster)} counselors have published shifts; {counselors} wanted")
    counselor_plan = [{"session": _session_for(user, secret_key),
                       "feed": f"/calendar/{calendar_feed_for(user).token}.ics"} for user in on_roster]

    people = User.objects.bulk_create([
        User(email=f"applicant-{tag}-{n}@{LOAD_DOMAIN}", full_name="",
             password=UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(8))
        for n in range(applicants)])
    EmailAddress.objects.bulk_create([EmailAddress(user=user, email=user.email, verified=True, primary=True)
                                      for user in people])
    applicant_plan = [{"email": user.email, "session": _session_for(user, secret_key)} for user in people]

    plan = {
        "tag": tag,
        "counselors": counselor_plan,
        # locust users looking at shifts and feeds; more users than counselors share the counselors' sessions
        "counselor_users": counselor_users or len(counselor_plan),
        "applicants": applicant_plan,
        "signups": [f"signup-{tag}-{n}@{LOAD_DOMAIN}" for n in range(signups)],
        "password": PASSWORD,
        "qualification_kind": QualificationKind.objects.filter(active=True, code="registered-psychologist")
        .values_list("pk", flat=True).get(),
        "outbox": str(data_dir / "sent-mail"),
    }
    path.write_text(json.dumps(plan))
    return plan


def queue_a_roster(*, seconds: int) -> int:
    """A week's roster three weeks ahead, queued for the worker as the scheduler's button does."""
    from django.utils import timezone

    from rostering import services

    today = timezone.localdate()
    start = today - timedelta(days=today.weekday()) + timedelta(days=21)
    return services.run_create(actor=None, start=start, days=7, seconds=seconds, enqueue=True).pk


def roster_state(run_id: int) -> dict:
    from rostering.models import RosterRun

    run = RosterRun.objects.get(pk=run_id)
    return {"run": run.pk, "state": run.state, "assignments": run.assignments.count()}


def wait_for_the_queue(served: Served, *, timeout: float) -> dict:
    """After the burst: wait until no task is waiting or running (the work it queued for later: previews, the
    applicants' notices), and say how long that took and the CPU every kind of process used meanwhile."""
    from django_tasks_db.models import DBTaskResult

    started, before = time.monotonic(), served.cpu()
    busy = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    while busy.exists() and time.monotonic() - started < timeout:
        time.sleep(0.5)
    after = served.cpu()
    return {"drained": not busy.exists(), "seconds": time.monotonic() - started,
            "cpu": {kind: after[kind] - before[kind] for kind in after}}


@dataclass
class Outcome:
    submitted_seen: int  # submissions the load generator saw succeed
    submitted_in_database: int
    evidence_records: int
    evidence_files: int
    files_missing: list[str]
    files_in_folder: int
    signups_seen: int
    signups_verified: int
    notices_sent: int | None = None  # "your application was sent" mails delivered, once the queue has caught up

    @property
    def problems(self) -> list[str]:
        found = []
        if self.submitted_in_database != self.submitted_seen:
            found.append(f"{self.submitted_seen} submissions succeeded but {self.submitted_in_database} "
                         "applications are submitted in the database")
        if self.evidence_records != 4 * self.submitted_seen:
            found.append(f"{self.evidence_records} evidence records for {self.submitted_seen} applications of 4")
        if self.files_missing:
            found.append(f"{len(self.files_missing)} evidence files are missing, e.g. {self.files_missing[:3]}")
        if self.evidence_files != self.evidence_records or self.files_in_folder < self.evidence_files:
            found.append(f"{self.evidence_records} evidence records, {self.evidence_files} with a file, "
                         f"{self.files_in_folder} files in the folder")
        if self.notices_sent is not None and self.notices_sent != self.submitted_seen:
            found.append(f"{self.submitted_seen} applications submitted but {self.notices_sent} of their notices "
                         "were sent")
        if self.signups_verified != self.signups_seen:
            found.append(f"{self.signups_seen} sign-ups confirmed by the load generator, "
                         f"{self.signups_verified} verified addresses in the database")
        return found


def count_outcome(result: dict, *, data_dir: Path, count_notices: bool = False) -> Outcome:
    """Count what is in the database and in the storage against what the load generator saw succeed (and, once
    the queue has caught up, the mail telling each applicant their application was sent)."""
    from allauth.account.models import EmailAddress
    from django.core.files.storage import FileSystemStorage

    from common.enums import MailState
    from common.models import OutgoingMail
    from credentialing.enums import ApplicationState
    from credentialing.models import EVIDENCE_MODELS, Application

    storage = FileSystemStorage(location=str(data_dir / "private"))
    submitted = set(result["submitted"])
    applications = Application.objects.filter(applicant__email__in=submitted, state=ApplicationState.SUBMITTED)
    names = [name for model in EVIDENCE_MODELS.values()
             for name in model.objects.filter(application__in=applications).values_list("file", flat=True)]
    folder = data_dir / "private" / "evidence"
    in_folder = sum(len(files) for _root, _dirs, files in os.walk(folder)) if folder.exists() else 0
    return Outcome(
        submitted_seen=len(submitted),
        submitted_in_database=applications.count(),
        evidence_records=len(names),
        evidence_files=sum(1 for name in names if name),
        files_missing=[name for name in names if name and not storage.exists(name)],
        files_in_folder=in_folder,
        signups_seen=len(result["signed_up"]),
        signups_verified=EmailAddress.objects.filter(email__in=result["signed_up"], verified=True).count(),
        notices_sent=len(submitted & {address for recipients in OutgoingMail.objects.filter(
            kind="credentialing.application_update", state=MailState.SENT).values_list("to", flat=True)
            for address in recipients}) if count_notices else None,
    )


def check_outcome(result: dict, outcome: Outcome) -> None:
    problems = list(outcome.problems)
    if result["failures"]:
        problems.append(f"{sum(f['occurrences'] for f in result['failures'])} requests failed: "
                        + "; ".join(f"{f['name']}: {f['error']} (x{f['occurrences']})" for f in result["failures"][:8]))
    if problems:
        raise AssertionError("The load test lost or failed something:\n  " + "\n  ".join(problems))


FLOWS = {"one-page": "dashboard, the one-page form, sent with its four files, the page after",
         "steps": "start, profile, 4 uploads, submit, with the pages between",
         "mixed": "every other applicant on the one-page form, the others step by step"}


def report(result: dict, outcome: Outcome, *, roster: dict | None = None, flow: str = "one-page",
           cpu: dict | None = None, after: dict | None = None) -> str:
    """The figures as a table."""
    lines = [f"{'request':44} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
             f"{'max ms':>7}"]
    for row in result["requests"]:
        lines.append(f"{row['name'][:44]:44} {row['count']:7d} {row['failures']:5d} {row['rps']:7.1f} "
                     f"{row['p50']:7.0f} {row['p95']:7.0f} {row['p99']:7.0f} {row['max']:7.0f}")
    burst = result["burst"]
    lines += [
        "",
        f"applications submitted: {len(result['submitted'])} in {burst['seconds']:.1f} s "
        f"(first start to last submission): {burst['submissions_per_second']:.1f} submissions/s, "
        f"{burst['uploads']} uploads ({burst['uploads_per_second']:.1f}/s); peak 5-second window "
        f"{burst['peak_submissions_per_second']:.1f} submissions/s",
        f"whole application ({FLOWS[flow]}): "
        f"p50 {burst['flow_p50']:.1f} s, p95 {burst['flow_p95']:.1f} s",
        f"sign-ups through the form and the mailed link: {len(result['signed_up'])} "
        f"(mail waited p50 {result['mail_wait']['p50']:.1f} s, max {result['mail_wait']['max']:.1f} s)",
        f"counted afterwards: {outcome.submitted_in_database} submitted applications, {outcome.evidence_records} "
        f"evidence records, {outcome.evidence_files - len(outcome.files_missing)} of their files in the storage",
    ]
    sent = result.get("together")
    if sent:
        total = sum(sent["cpu"].values())
        count = sent["submissions"] or 1
        lines.append(
            f"sent at once (every form open first): {sent['submissions']} submissions with their four files and "
            f"the page after in {sent['seconds']:.1f} s: {sent['submissions_per_second']:.1f} submissions/s; CPU "
            "meanwhile " + ", ".join(f"{kind} {1000 * sent['cpu'].get(kind, 0) / count:.0f} ms" for kind in CPU_KINDS)
            + f" per submission, {1000 * total / count:.0f} ms in all: two idle cores would take "
            f"{2 * count / total if total else 0:.1f} a second")
    if outcome.notices_sent is not None:
        lines.append(f"notices sent to the applicants once the queue caught up: {outcome.notices_sent}")
    if roster:
        lines.append(f"roster generated during the run: run {roster['run']} {roster['state']}, "
                     f"{roster['assignments']} assignments")
    if cpu:
        total = sum(cpu.values())
        requests = result["total"]["count"] or 1
        lines.append("CPU used during the run: " + ", ".join(f"{kind} {cpu.get(kind, 0):.1f} s"
                                                              for kind in CPU_KINDS)
                     + f"; {total:.1f} s in all, {1000 * total / requests:.1f} ms per request")
        applications = len(result["submitted"])
        if applications:
            per = {kind: cpu.get(kind, 0) / applications for kind in CPU_KINDS}
            # The applications' share: everything but the counselors' pages and the roster (when there are none).
            lines.append("per submitted application (all CPU of the run divided by the applications): "
                         + ", ".join(f"{kind} {1000 * value:.0f} ms" for kind, value in per.items())
                         + f"; {1000 * total / applications:.0f} ms in all: two idle cores would take "
                         f"{2 * applications / total:.1f} applications a second")
    if after:
        later = sum(after["cpu"].values())
        state = "caught up" if after["drained"] else "had NOT caught up"
        lines.append(f"after the run the queue {state} in {after['seconds']:.1f} s (previews, notices): CPU "
                     + ", ".join(f"{kind} {after['cpu'].get(kind, 0):.1f} s" for kind in CPU_KINDS[:3]))
        applications = len(result["submitted"])
        if cpu and applications:
            whole = sum(cpu.values()) + later
            lines.append(f"all CPU per application, the catching up included: {1000 * whole / applications:.0f} ms "
                         f"(two idle cores: {2 * applications / whole:.1f} applications a second, all work done)")
    return "\n".join(lines)
