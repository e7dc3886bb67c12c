"""Locust users for the load test (driven by bench/load/harness.py; plan in LOAD_PLAN, figures to LOAD_RESULT).

- ``Counselor``: signed in; looks at /shifts/ and has a calendar program fetch the personal feed, again and again.
- ``Applicant``: signed up on an earlier day (verified, signed in); starts an application, fills in the profile,
  uploads four pieces of evidence (two PDFs, two PNGs), submits. Once.
- ``NewApplicant``: registers through the real sign-up form, waits for the verification mail the worker sends
  (read from the server's outbox folder), follows the link, then applies like ``Applicant``. Once.

Every request carries what the reverse proxy would add (X-Forwarded-Proto: https and the client's address in
X-Forwarded-For, a different one per user) and POSTs carry the Origin a browser sends, so the app runs with its
production settings unchanged: HTTPS redirects, secure cookies, CSRF checks, per-client rate limits. Redirects
are followed as a browser does. The load generator plays browser and proxy; the app cannot tell.
"""
from __future__ import annotations

import email
import itertools
import json
import os
import re
import statistics
import time
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path

import gevent
import gevent.event
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

from bench.load.application_form import PROFILE, evidence

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
RESULT = Path(os.environ["LOAD_RESULT"])
MAIL_WAIT_SECONDS = float(os.environ.get("LOAD_MAIL_WAIT", "120"))
# Once every applicant is done, the counselors go on until this many seconds have passed since the start; then
# the run ends by itself (``-t`` stays the upper bound).
MIN_SECONDS = float(os.environ.get("LOAD_MIN_SECONDS", "20"))
# "one-page": the whole application on one page, sent at once; "steps": start a draft, save the profile, add
# each piece of evidence on its own page, submit; "mixed": every other applicant each way.
FLOW = os.environ.get("LOAD_FLOW", "one-page")
# "1": the applicants who signed up earlier (one-page flow) each load the dashboard and the form, then wait until
# all of them have it open and send at once: the submissions themselves as a burst, measured on their own
# (``together`` in the result: from the moment they are let go to the last page after a submission, with the CPU
# every kind of process used meanwhile; LOAD_SERVE_PID names the served app's process).
TOGETHER = os.environ.get("LOAD_TOGETHER") == "1"
SERVE_PID = int(os.environ.get("LOAD_SERVE_PID") or 0)
_flow_turns = itertools.count()

_client_numbers = itertools.count(1)
_applicants = iter(PLAN["applicants"])
_signups = iter(PLAN["signups"])
_counselors = itertools.cycle(PLAN["counselors"])

submitted: list[str] = []
signed_up: list[str] = []
flow_seconds: list[float] = []
submit_times: list[float] = []
flow_starts: list[float] = []
mail_waits: list[float] = []
uploads = 0
finished_applicants = 0
_form_open = 0
_send = gevent.event.Event()
together: dict = {}
BURST_SIZE = len(PLAN["applicants"]) + len(PLAN["signups"])


VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser(FastHttpUser):
    """A browser behind the proxy: its own client address, HTTPS as far as the app knows."""

    abstract = True

    def on_start(self):
        number = next(_client_numbers)
        self.headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"10.{number // 65536 % 256}."
                        f"{number // 256 % 256}.{number % 256}", "Accept-Language": "en"}
        self.origin = {"Origin": self.host.replace("http://", "https://")}
        # The browser's side of the TLS connection the proxy ends: it sends its secure cookies.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))

    def sign_in_with(self, session_key: str) -> None:
        host = self.host.split("//", 1)[1].split(":")[0]
        self.client.cookiejar.set_cookie(Cookie(
            0, "sessionid", session_key, None, False, host, False, False, "/", True, True, None, False, None, None,
            {}))

    def get(self, path: str, *, name: str | None = None, expect: str | None = None) -> str:
        with self.client.get(path, headers=self.headers, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            text = response.text or ""
            if expect and expect not in text:
                response.failure(f"the page lacks {expect!r}")
            return text

    def post(self, path: str, data: dict, *, name: str, to: str, files: dict | None = None) -> str:
        """POST a form as a browser does and follow its redirect, which must lead to ``to``."""
        csrf = self.client.cookiejar._cookies.get(self.host.split("//", 1)[1].split(":")[0], {}).get("/", {}).get(
            "csrftoken")
        form = {**data, "csrfmiddlewaretoken": csrf.value if csrf else ""}
        headers = {**self.headers, **self.origin, "Referer": self.origin["Origin"] + path}
        with self.client.post(path, data=form, files=files, headers=headers, name=name, allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.split("#")[0].endswith(to):
                errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text or "", re.S)
                response.failure(f"status {response.status_code} to {location!r}, expected {to}; {errors[:2]}")
                return ""
        return self.get(location.split("#")[0], name=f"(page after) {name}")

    def apply(self) -> bool:
        """The application, in the run's flow: True when it was submitted."""
        started = time.monotonic()
        flow_starts.append(time.time())
        self.get("/", name="/ (dashboard)")
        one_page = FLOW == "one-page" or (FLOW == "mixed" and next(_flow_turns) % 2 == 0)
        done = self.apply_on_one_page() if one_page else self.apply_step_by_step()
        if done:
            submit_times.append(time.time())
            flow_seconds.append(time.monotonic() - started)
        return done

    def apply_on_one_page(self) -> bool:
        """The one-page form: profile and the four pieces of evidence with their files, sent at once."""
        global uploads
        form_open = bool(self.get("/application/apply/", name="/application/apply/",
                                  expect='name="qualification-upload"'))
        if TOGETHER and isinstance(self, Applicant):
            _wait_for_everyone()
        if not form_open:
            return False
        form = dict(PROFILE)
        files = {}
        for kind, data, upload in evidence(PLAN["qualification_kind"]):
            form.update({f"{kind}-{name}": value for name, value in data.items()})
            files[f"{kind}-upload"] = upload
        page = self.post("/application/apply/", form, name="/application/apply/ (post)", to="/", files=files)
        if "sent to the vetting team" not in page:
            return False
        uploads += len(files)
        return True

    def apply_step_by_step(self) -> bool:
        """Start, profile, four uploads, submit."""
        global uploads
        page = self.post("/application/start/", {}, name="/application/start/", to="/application/")
        version = VERSION.search(page)
        if not version:
            return False
        page = self.post("/application/", {**PROFILE, "version": version.group(1)}, name="/application/ (profile)",
                         to="/application/")
        if not page:
            return False
        for kind, data, (filename, content, content_type) in evidence(PLAN["qualification_kind"]):
            page = self.post(f"/application/evidence/{kind}/add/", data, name="/application/evidence/[kind]/add/",
                             to="/application/", files={"upload": (filename, content, content_type)})
            if not page:
                return False
            uploads += 1
        version = VERSION.search(page)
        if not version:
            return False
        page = self.post("/application/submit/", {"version": version.group(1)}, name="/application/submit/",
                         to="/")
        return "sent to the vetting team" in page


class Counselor(Browser):
    fixed_count = PLAN["counselor_users"]
    wait_time = between(1, 3)

    def on_start(self):
        super().on_start()
        self.me = next(_counselors)
        self.sign_in_with(self.me["session"])

    @task
    def shifts(self):
        self.get("/shifts/", name="/shifts/", expect="</main>")

    @task
    def calendar_feed(self):
        # A calendar program: no session, no cookies; the token in the address is the key.
        with self.client.get(self.me["feed"], headers={**self.headers, "Cookie": ""}, name="/calendar/[token].ics",
                             catch_response=True) as response:
            if response.status_code != 200 or not (response.text or "").startswith("BEGIN:VCALENDAR"):
                response.failure(f"status {response.status_code}")


class Applicant(Browser):
    fixed_count = len(PLAN["applicants"])

    def on_start(self):
        super().on_start()
        try:
            self.me = next(_applicants)
        except StopIteration:
            raise StopUser()
        self.sign_in_with(self.me["session"])

    @task
    def apply_once(self):
        try:
            if self.apply():
                submitted.append(self.me["email"])
        finally:
            _finished()
        raise StopUser()


class _Outbox:
    """The verification links in the server's outbox folder (the file mail backend), read as they arrive."""

    seen: set[str] = set()
    links: dict[str, str] = {}

    @classmethod
    def scan(cls) -> None:
        folder = Path(PLAN["outbox"])
        if not folder.exists():
            return
        for path in folder.iterdir():
            if path.name in cls.seen:
                continue
            cls.seen.add(path.name)
            text = path.read_bytes()
            for raw in text.split(b"-" * 79):
                if not raw.strip():
                    continue
                message = email.message_from_bytes(raw.strip())
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
                        found = re.search(r"/accounts/confirm-email/([^/\s]+)/", body)
                        if found:
                            cls.links[message["To"].strip()] = found.group(0)

    @classmethod
    def link_for(cls, address: str, deadline: float) -> str | None:
        while time.monotonic() < deadline:
            if address in cls.links:
                return cls.links[address]
            cls.scan()
            if address in cls.links:
                return cls.links[address]
            gevent.sleep(0.25)
        return None


class NewApplicant(Browser):
    fixed_count = len(PLAN["signups"])

    def on_start(self):
        super().on_start()
        try:
            self.address = next(_signups)
        except StopIteration:
            raise StopUser()

    @task
    def sign_up_and_apply(self):
        try:
            self._sign_up_and_apply()
        finally:
            _finished()
        raise StopUser()

    def _sign_up_and_apply(self):
        self.get("/accounts/signup/", name="/accounts/signup/")
        page = self.post("/accounts/signup/", {"email": self.address, "password1": PLAN["password"],
                                               "password2": PLAN["password"]},
                         name="/accounts/signup/ (post)", to="/accounts/confirm-email/")
        if not page:
            return
        asked = time.monotonic()
        link = _Outbox.link_for(self.address, asked + MAIL_WAIT_SECONDS)
        if link is None:
            events.request.fire(request_type="MAIL", name="verification mail", response_time=MAIL_WAIT_SECONDS * 1000,
                                response_length=0, exception=RuntimeError("no verification mail arrived"),
                                context={})
            return
        mail_waits.append(time.monotonic() - asked)
        self.get(link, name="/accounts/confirm-email/[key]/")
        if not self.post(link, {}, name="/accounts/confirm-email/[key]/ (post)", to="/"):
            return
        signed_up.append(self.address)
        if self.apply():
            submitted.append(self.address)


_started = time.monotonic()
_environment = None


def _cpu_now() -> dict[str, float]:
    import resource

    from bench.load.harness import cpu_by_kind

    used = cpu_by_kind(SERVE_PID) if SERVE_PID else {}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {**used, "load generator": usage.ru_utime + usage.ru_stime}


def _wait_for_everyone() -> None:
    """The form is open (or failed to open): wait until every such applicant's is, then all send at once."""
    global _form_open
    _form_open += 1
    if _form_open >= len(PLAN["applicants"]) and not _send.is_set():
        together.update(released=time.time(), cpu_before=_cpu_now())
        _send.set()
    _send.wait(timeout=600)


@events.init.add_listener
def _remember(environment, **_kwargs):
    global _environment
    _environment = environment


def _finished() -> None:
    """One applicant is done; after the last one the run ends once MIN_SECONDS have passed."""
    global finished_applicants
    finished_applicants += 1
    if TOGETHER and finished_applicants == BURST_SIZE and "released" in together:
        together.update(done=time.time(), cpu_after=_cpu_now())
    if finished_applicants >= BURST_SIZE and _environment is not None and _environment.runner is not None:
        runner = _environment.runner
        gevent.spawn_later(max(0.0, MIN_SECONDS - (time.monotonic() - _started)), runner.quit)


def _together_figures() -> dict | None:
    """The submissions sent at once: how many, how fast, and what they cost in CPU, per kind of process."""
    if not TOGETHER or "done" not in together:
        return None
    sent = [moment for moment in submit_times if moment >= together["released"]]
    seconds = max(together["done"] - together["released"], 1e-9)
    cpu = {kind: together["cpu_after"][kind] - together["cpu_before"].get(kind, 0.0)
           for kind in together["cpu_after"]}
    return {"submissions": len(sent), "seconds": seconds, "submissions_per_second": len(sent) / seconds,
            "cpu": cpu}


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@events.quitting.add_listener
def _write_result(environment, **_kwargs):
    stats = environment.stats
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        rows.append({
            "name": entry.name, "method": entry.method, "count": entry.num_requests, "failures": entry.num_failures,
            "rps": entry.total_rps, "p50": entry.get_response_time_percentile(0.5) or 0,
            "p95": entry.get_response_time_percentile(0.95) or 0, "p99": entry.get_response_time_percentile(0.99) or 0,
            "max": entry.max_response_time or 0, "avg": entry.avg_response_time,
        })
    total = stats.total
    first, last = (min(flow_starts), max(submit_times)) if flow_starts and submit_times else (0.0, 0.0)
    seconds = max(last - first, 1e-9)
    windows = [sum(1 for moment in submit_times if start <= moment < start + 5) / 5 for start in submit_times]
    result = {
        "requests": rows,
        "total": {"count": total.num_requests, "failures": total.num_failures, "rps": total.total_rps,
                  "p50": total.get_response_time_percentile(0.5) or 0,
                  "p95": total.get_response_time_percentile(0.95) or 0},
        "failures": [{"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
                     for error in stats.errors.values()],
        "submitted": submitted,
        "signed_up": signed_up,
        "together": _together_figures(),
        "burst": {
            "seconds": seconds if submit_times else 0.0,
            "submissions_per_second": len(submit_times) / seconds if submit_times else 0.0,
            "peak_submissions_per_second": max(windows, default=0.0),
            "uploads": uploads,
            "uploads_per_second": uploads / seconds if submit_times else 0.0,
            "flow_p50": statistics.median(flow_seconds) if flow_seconds else 0.0,
            "flow_p95": _percentile(flow_seconds, 0.95),
        },
        "mail_wait": {"p50": statistics.median(mail_waits) if mail_waits else 0.0, "max": max(mail_waits, default=0.0)},
    }
    RESULT.write_text(json.dumps(result, indent=1))
