"""CSRF everywhere: every URL of the service, posted by someone allowed to post there (signed in as them, with
the form they would send) but from another site (no CSRF token), is refused by the CSRF check and writes
nothing. The same post with the token is let through (so the refusal above is the check's, not the rules')."""
from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.test import Client

from tests.security.state import writes
from tests.security.test_permission_matrix import SESSION_ENDING
from tests.security.urls import all_urls, path_of, payload_for, rule_for
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db
CSRF_FAILURE = "CSRF verification failed"


def poster(rule) -> str:
    if rule.anonymous == "public":
        return "anonymous"
    return rule.control or next((role for role in ROLES if role in rule.posters and role != "anonymous"),
                                next((role for role in ROLES if role in rule.get and role != "anonymous"),
                                     "coordinator"))


@pytest.fixture
def strict_clients(world):
    """A browser per role that enforces CSRF as a real one would be checked."""
    clients = {}
    for role, person in world.people.items():
        client = Client(enforce_csrf_checks=True)
        if person is not None:
            client.force_login(person)
        clients[role] = client
    logger = logging.getLogger("django.security.csrf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # hundreds of expected refusals
    yield clients
    logger.setLevel(level)


def test_every_post_without_a_csrf_token_is_refused_and_writes_nothing(world, strict_clients):
    problems, checked = [], 0
    for url in all_urls():
        rule = rule_for(url)
        if rule is None:
            continue  # the permission matrix names unclassified URLs
        role = poster(rule)
        path = path_of(url, world)
        with transaction.atomic(), writes() as written:
            response = strict_clients[role].post(path, payload_for(url, world))
            transaction.set_rollback(True)
        checked += 1
        if response.status_code != 403 or CSRF_FAILURE not in response.content.decode():
            problems.append(f"POST {url} ({path}) as {role} without a CSRF token: {response.status_code}")
        if written:
            problems.append(f"POST {url} ({path}) as {role} without a CSRF token wrote to {written.tables()}")
    assert checked > 250
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["credentialing:review_action", "rostering:rules", "supervision:handover",
                                  "training:curriculum", "certificates:revoke", "people:calendar_renew",
                                  "account_login", "admin:supervision_coordinatoroncall_add"])
def test_the_same_post_with_its_token_gets_through(world, strict_clients, name):
    url = next(url for url in all_urls() if url.key == name)
    assert name not in SESSION_ENDING
    client = strict_clients[poster(rule_for(url))]
    client.get("/accounts/login/" if name == "account_login" else "/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    with transaction.atomic():
        response = client.post(path_of(url, world), payload_for(url, world), HTTP_X_CSRFTOKEN=token)
        transaction.set_rollback(True)
    assert CSRF_FAILURE not in response.content.decode()
    assert response.status_code in (200, 302)
