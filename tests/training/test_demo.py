"""The training part of the demo data: every stage present, consistent with the readiness function."""
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from people.enums import VolunteerStatus
from people.models import Volunteer
from training import selectors
from training.enums import ReadinessState
from training.models import Session, Trainee

pytestmark = pytest.mark.django_db


def test_the_demo_programme_has_every_stage_and_agrees_with_the_readiness_function():
    call_command("seed_demo", "--applications", "400", stdout=io.StringIO())
    rows = selectors.trainees_with_progress()
    today = selectors.platform_today()
    stages = Counter(selectors.readiness_state(t, r, today, missed=t.missed) for t, r in rows)
    assert set(stages) == {ReadinessState.READY, ReadinessState.IN_TRAINING, ReadinessState.STALLED}
    assert stages[ReadinessState.READY] > stages[ReadinessState.IN_TRAINING] > 0
    # what the demo stored as ready is exactly what the pure function says
    assert all(readiness.ready == (trainee.ready_at is not None) for trainee, readiness in rows)
    # a volunteer still awaiting training is never ready, and every ready one moved on
    for trainee, readiness in rows:
        status = Volunteer.objects.get(user_id=trainee.user_id).status
        assert (status == VolunteerStatus.AWAITING_TRAINING) == (not readiness.ready), trainee

    counselor = Trainee.objects.get(user__email="counselor@demo.example")
    assert selectors.trainee_progress(counselor).ready
    # ready for duty; once the demo roster is published the counselor is serving (active)
    assert Volunteer.objects.get(user=counselor.user).status in (VolunteerStatus.READY, VolunteerStatus.ACTIVE)
    taught = [timezone.localdate(s.starts_at, timezone.get_default_timezone())
              for s in Session.objects.filter(trainers__email="supervisor@demo.example")]
    assert today in taught


def test_reset_removes_the_demo_programme():
    call_command("seed_demo", "--applications", "200", stdout=io.StringIO())
    call_command("seed_demo", "--applications", "200", "--reset", stdout=io.StringIO())
    assert Session.objects.filter(trainers__email="supervisor@demo.example").count() > 0
    assert Trainee.objects.filter(user__email="counselor@demo.example").count() == 1
