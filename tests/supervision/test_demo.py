"""seed_demo fills a week of group sessions, escalations and handover notes; --reset removes them again."""
import io

import pytest
from django.core.management import call_command

from supervision.models import (
    CoordinatorOnCall,
    Escalation,
    GroupPlacement,
    GroupSession,
    HandoverNote,
    HelpSeekerFeedback,
    IndividualSupervision,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_week_of_groups_escalations_and_handovers():
    out = io.StringIO()
    call_command("seed_demo", "--applications", "200", stdout=out)
    assert GroupSession.objects.values("date").distinct().count() == 7
    assert GroupPlacement.objects.exists(), out.getvalue()
    assert Escalation.objects.exists(), out.getvalue()
    assert Escalation.objects.filter(state="closed").exists(), list(Escalation.objects.values_list("state", "notified"))
    assert HandoverNote.objects.exists() and CoordinatorOnCall.objects.exists()
    assert HelpSeekerFeedback.objects.count() == 200 and IndividualSupervision.objects.filter(state="held").exists()
    assert "group sessions: " in out.getvalue()
    call_command("seed_demo", "--applications", "200", "--reset", stdout=io.StringIO())
    assert GroupSession.objects.values("date").distinct().count() == 7
