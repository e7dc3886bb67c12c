"""What a request wrote, and what the database holds (as fingerprints): a refused request writes nothing."""
from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Signing in (done before any fingerprint is taken) writes these; nothing else a test request does may.
IGNORED_MODELS = {"sessions.Session"}
IGNORED_FIELDS = {("people.User", "last_login")}


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|ALTER|DROP|CREATE)\b", re.IGNORECASE)
# The session of the visitor (signing in, a message to show on the next page) is theirs, not the service's data.
SESSION_TABLE = re.compile(r"^\s*\w+\s+(INTO\s+|FROM\s+)?\"?django_session\"?", re.IGNORECASE)


class Writes:
    def __init__(self):
        self.statements: list[str] = []

    def tables(self) -> list[str]:
        found = []
        for sql in self.statements:
            match = re.search(r"(?:INTO|UPDATE|FROM)\s+\"?(\w+)\"?", sql, re.IGNORECASE)
            found.append(match.group(1) if match else sql[:60])
        return sorted(set(found))

    def __bool__(self) -> bool:
        return bool(self.statements)


@contextmanager
def writes():
    """The statements that change data (not the visitor's own session) run inside the block."""
    found = Writes()
    with CaptureQueriesContext(connection) as captured:
        yield found
    found.statements = [query["sql"] for query in captured.captured_queries
                        if WRITE.match(query["sql"]) and not SESSION_TABLE.match(query["sql"])]


def _digest(rows) -> str:
    return hashlib.sha1(repr(list(rows)).encode()).hexdigest()


def _fields(model) -> list[str]:
    label = model._meta.label
    return [f.attname for f in model._meta.concrete_fields if (label, f.attname) not in IGNORED_FIELDS]


def fingerprint() -> dict[str, str]:
    """Every table's rows (one query a table)."""
    prints = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in IGNORED_MODELS or model._meta.proxy:
            continue
        prints[label] = _digest(model._base_manager.order_by("pk").values_list(*_fields(model)))
    return prints


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))


def owners_fingerprint(world) -> dict[str, str]:
    """The records of the owners (person A in their three guises): nobody else's own action may change them."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from certificates.models import Certificate
    from credentialing.models import EVIDENCE_MODELS, Application
    from people.models import CalendarFeed, User, Volunteer
    from rostering.models import (
        Assignment,
        AvailabilityException,
        AvailabilityProfile,
        ShiftOffer,
        WeeklyAvailability,
    )
    from supervision.models import (
        CounselingEvaluation,
        Escalation,
        GroupPlacement,
        GroupSession,
        HandoverNote,
        HelpSeekerFeedback,
        IndividualSupervision,
    )
    from training.models import Assessment, Enrolment, Trainee

    owners = [world.people[role].pk for role in ("owner", "owner_applicant", "owner_supervisor")]
    querysets = {
        "user": User.objects.filter(pk__in=owners),
        "volunteer": Volunteer.objects.filter(user__in=owners),
        "email": EmailAddress.objects.filter(user__in=owners),
        "authenticator": Authenticator.objects.filter(user__in=owners),
        "application": Application.objects.filter(applicant__in=owners),
        **{kind: model.objects.filter(application__applicant__in=owners) for kind, model in EVIDENCE_MODELS.items()},
        "calendar": CalendarFeed.objects.filter(user__in=owners),
        "certificate": Certificate.objects.filter(holder__in=owners),
        "trainee": Trainee.objects.filter(user__in=owners),
        "enrolment": Enrolment.objects.filter(trainee__user__in=owners),
        "assessment": Assessment.objects.filter(trainee__user__in=owners),
        "assignment": Assignment.objects.filter(person__in=owners),
        "offer": ShiftOffer.objects.filter(offered_by__in=owners),
        "exception": AvailabilityException.objects.filter(user__in=owners),
        "availability": AvailabilityProfile.objects.filter(user__in=owners),
        "weekly": WeeklyAvailability.objects.filter(user__in=owners),
        "escalation": Escalation.objects.filter(raised_by__in=owners),
        "individual": IndividualSupervision.objects.filter(counselor__in=owners),
        "placement": GroupPlacement.objects.filter(counselor__in=owners),
        "group": GroupSession.objects.filter(supervisor__in=owners),
        "feedback": HelpSeekerFeedback.objects.filter(counselor__in=owners),
        "evaluation": CounselingEvaluation.objects.filter(counselor__in=owners),
        "handover": HandoverNote.objects.filter(author__in=owners),
    }
    return {name: _digest(queryset.order_by("pk").values_list(*_fields(queryset.model)))
            for name, queryset in querysets.items()}
