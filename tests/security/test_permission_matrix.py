"""The permission matrix: every URL of every app against a visitor of every role, by GET and by POST.

Person A (``owner``, ``owner_applicant``, ``owner_supervisor``) owns the records each URL names; persons B of
every role (and an anonymous visitor) ask for them. The expected answer of each URL is one row of
``tests.security.access``; how refusals look, and why 403 or 404, is written there. Beyond the status:
- no page shows a private marker of A (``SECRETS``) to someone who may not read it;
- a refused POST writes nothing to the database (every statement it runs is captured: not one INSERT,
  UPDATE or DELETE, which is stricter than counting rows), and a POST that acts on the visitor's own
  records leaves A's records as they were;
- the rightful visitor's POST is not refused (and, where marked, does change something: the form posted is
  a valid one, so the refusals above mean something);
- a URL naming a record that does not exist answers without a server error.
"""
from __future__ import annotations

import logging
import time

import pytest
from django.db import transaction

from tests.security.access import MISSING, Rule
from tests.security.state import owners_fingerprint, writes
from tests.security.urls import all_urls, names_a_record, path_of, payload_for, rule_for
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db
OWNERS = ("owner", "owner_applicant", "owner_supervisor")
TEXT_TYPES = ("text/", "application/json")
# POSTing these as a signed-in visitor ends the visitor's session: only the anonymous visitor posts there.
SESSION_ENDING = {"account_logout", "admin:logout"}


class Failed:
    """A request that raised instead of answering (the test client re-raises a view's exception)."""

    status_code = 500

    def __init__(self, error: Exception):
        self.error = error

    def get(self, header, default=None):
        return default

    def __repr__(self) -> str:
        return f"raised {type(self.error).__name__}: {self.error}"


def send(world, role: str, method: str, path: str, data=None):
    try:
        return getattr(world.clients[role], method)(path, data or {})
    except Exception as error:  # noqa: BLE001  (reported as a finding, with the others)
        return Failed(error)


def location(response) -> str:
    return response.get("Location", "") or ""


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and location(response).startswith(("/accounts/login/", "/admin/login/"))


def at_the_admins_door(response) -> bool:
    """A person without Django's staff flag is sent to the admin's sign-in (which refuses them: 403)."""
    return response.status_code == 302 and location(response).startswith("/admin/login/")


def describe(response) -> str:
    if isinstance(response, Failed):
        return repr(response)
    where = f" -> {location(response)}" if response.status_code in (301, 302) else ""
    return f"{response.status_code}{where}"


def allowed_answer(response, rule: Rule | None = None) -> bool:
    if isinstance(response, Failed) or response.status_code >= 500:
        return False
    if rule is not None and rule.anonymous == "public":
        return True  # anyone may ask: a sign-in flow not in progress, say, sends the visitor to its start
    if response.status_code == 404 and rule is not None and rule.none_yet:
        return True  # the person has none yet (recovery codes, say)
    return response.status_code not in (403, 404) and not sent_to_sign_in(response)


def refused_answer(url, rule: Rule, role: str, method: str, response, missing_answer) -> bool:
    if isinstance(response, Failed) or response.status_code >= 500:
        return False
    if response.status_code == 405:  # a page that takes the other method: it shows nothing
        return True
    if role == "anonymous":
        return sent_to_sign_in(response)
    if url.admin and role not in ADMIN_FLAGGED and at_the_admins_door(response):
        return True
    if MISSING in rule.refused and missing_answer is not None:
        return (response.status_code, location(response)) == missing_answer
    return response.status_code in rule.refused


ADMIN_FLAGGED = {"vetting", "scheduler", "coordinator", "training", "monitoring"}
# Django's admin stops everyone without its staff flag at the door (``AdminSite.admin_view``) before any rule
# is asked: in the admin, person A and the anonymous visitor stand for everybody without the flag.
ADMIN_VISITORS = ("anonymous", "owner", *sorted(ADMIN_FLAGGED))


def visitors(url) -> tuple[str, ...]:
    return tuple(role for role in ROLES if role in ADMIN_VISITORS) if url.admin else ROLES


def leaked(world, role: str, path: str, response) -> list[str]:
    """The private markers of A this visitor may not read but the answer shows."""
    if isinstance(response, Failed) or response.status_code != 200 or getattr(response, "streaming", False):
        return []
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return []
    body = response.content.decode("utf-8", "replace")
    return [secret for secret, readers in world.secrets().items()
            if secret and role not in readers and secret not in path and secret in body]


def check_gets(world, url, rule: Rule, path: str) -> list[str]:
    problems = []
    for role in visitors(url):
        response = send(world, role, "get", path)
        may = rule.anonymous == "public" or role in rule.get
        ok = allowed_answer(response, rule) if may else refused_answer(url, rule, role, "get", response, None)
        if not ok:
            problems.append(f"GET {url} ({path}) as {role}: {describe(response)}, expected "
                            f"{'to be let in' if may else 'a refusal ' + str(rule.refused)}")
        for secret in leaked(world, role, path, response):
            problems.append(f"GET {url} ({path}) as {role} shows {secret}")
    return problems


def check_posts(world, url, rule: Rule, path: str) -> list[str]:
    problems = []
    data = payload_for(url, world)
    public = rule.anonymous == "public"
    posters = set(rule.posters)
    roles = [role for role in visitors(url) if role == "anonymous" or url.key not in SESSION_ENDING]
    with transaction.atomic():
        for role in [role for role in roles if role not in posters and not public]:
            missing_answer = None
            if MISSING in rule.refused and role != "anonymous":
                answer = send(world, role, "post", path_of(url, world, missing=True), data)
                missing_answer = (answer.status_code, location(answer))
            with writes() as written:
                response = send(world, role, "post", path, data)
            may_view = role in rule.get
            ok = (not isinstance(response, Failed) and response.status_code < 500) if may_view else \
                refused_answer(url, rule, role, "post", response, missing_answer)
            if not ok:
                problems.append(f"POST {url} ({path}) as {role}: {describe(response)}, expected "
                                f"{'no change' if may_view else 'a refusal ' + str(rule.refused)}")
            if written:
                problems.append(f"POST {url} ({path}) as {role} (not allowed to change anything) wrote to "
                                f"{', '.join(written.tables())}")
        transaction.set_rollback(True)
    if rule.own_only or public:
        with transaction.atomic():
            before = owners_fingerprint(world)
            others = [role for role in roles if (role in posters or public) and role not in OWNERS]
            for role in others:
                response = send(world, role, "post", path, data)
                if isinstance(response, Failed) or response.status_code >= 500:
                    problems.append(f"POST {url} ({path}) as {role}: {describe(response)}")
            after = owners_fingerprint(world)
            difference = [name for name in before if before[name] != after[name]]
            if difference:
                problems.append(f"POST {url} by {', '.join(others)} (their own records only) changed the owners' "
                                f"{', '.join(difference)}")
            transaction.set_rollback(True)
    control = rule.control or next((role for role in roles if role in posters and role != "anonymous"), "")
    if control and not public:
        with transaction.atomic():
            with writes() as written:
                response = send(world, control, "post", path, data)
            if not allowed_answer(response, rule):
                problems.append(f"POST {url} ({path}) as {control}: {describe(response)}, expected to be let in")
            elif rule.changes and not written:
                problems.append(f"POST {url} ({path}) as {control} changed nothing: is the test's form valid? "
                                f"{describe(response)}")
            transaction.set_rollback(True)
    return problems


def check_missing_record(world, url, rule: Rule) -> list[str]:
    """A record that does not exist: never a server error, whoever asks; a made-up key (a calendar address, a
    certificate code) is plainly not found, for everyone."""
    problems = []
    path = path_of(url, world, missing=True)
    if rule.anonymous == "public":
        for role in ROLES:
            response = send(world, role, "get", path)
            if response.status_code != 404:
                problems.append(f"GET {url} ({path}) as {role}, a made-up key: {describe(response)}, expected 404")
    asker = rule.control or next((role for role in ROLES if role in rule.get and role != "anonymous"), "coordinator")
    with transaction.atomic():
        for method in ("get", "post"):
            response = send(world, asker, method, path, payload_for(url, world) if method == "post" else None)
            if isinstance(response, Failed) or response.status_code >= 500:
                problems.append(f"{method.upper()} {url} ({path}) as {asker}, a record that does not exist: "
                                f"{describe(response)}")
        transaction.set_rollback(True)
    return problems


def test_every_url_is_classified():
    unclassified = sorted({url.key for url in all_urls() if rule_for(url) is None})
    assert not unclassified, ("these URLs are not in tests/security/access.py: say who may reach them "
                              f"(ACCESS, ADMIN_MODELS or ADMIN_PAGE_RULES): {unclassified}")


@pytest.fixture
def quiet_refusals():
    """Thousands of refusals are expected here: Django's log line (with its traceback) for each is noise."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_no_one_reaches_what_is_not_theirs(world, quiet_refusals):
    problems, timings = [], []
    for url in all_urls():
        rule = rule_for(url)
        if rule is None:
            continue  # test_every_url_is_classified names it
        started = time.perf_counter()
        path = path_of(url, world)
        problems += check_gets(world, url, rule, path)
        problems += check_posts(world, url, rule, path)
        if names_a_record(url, world):
            problems += check_missing_record(world, url, rule)
        timings.append((time.perf_counter() - started, url.key))
    slowest = ", ".join(f"{key} {seconds:.2f}s" for seconds, key in sorted(timings, reverse=True)[:5])
    assert not problems, f"{len(problems)} findings (slowest URLs: {slowest}):\n" + "\n".join(problems)
