"""seed_demo gives every volunteer availability and publishes last week's, this week's and next week's rosters."""
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rostering.models import Assignment, AvailabilityProfile, RosterRun

pytestmark = pytest.mark.django_db


def test_the_demo_has_availability_for_everyone_and_published_rosters_with_the_demo_people():
    from people.models import Volunteer

    call_command("seed_demo", "--applications", "200", stdout=io.StringIO())
    assert AvailabilityProfile.objects.count() == Volunteer.objects.count() > 0
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    published = RosterRun.objects.filter(state="published")
    assert sorted(published.values_list("period_start", flat=True)) == [monday - timedelta(days=7), monday,
                                                                        monday + timedelta(days=7)]
    for email in ("counselor@demo.example", "supervisor@demo.example"):
        assert Assignment.objects.filter(run__in=published, person__email=email).exists(), email
    # version 2 rules: experienced people marked, some volunteers' own night limits, the limits kept
    from rostering.models import ExperienceMark

    assert ExperienceMark.objects.exists() and AvailabilityProfile.objects.filter(max_night_shifts_per_week=0).exists()
    for run in published:
        assert run.problem["format"] == "roster-problem/2" and run.problem["rules"]["night"] is not None
        assert any(p["experienced"] and p["role"] == "counselor" for p in run.problem["people"])
        assert run.shifts.filter(min_experienced__gt=0).exists() and run.shifts.filter(night=True).exists()
        limits = {p["id"]: p["max_night_shifts"] for p in run.problem["people"]}
        nights = Counter(f"u{a.person_id}" for a in run.assignments.filter(shift__night=True))
        assert all(count <= limits[person] for person, count in nights.items())
    from rostering.models import DemandLevel, RosterSettings

    peak = RosterSettings.current().peak_counselors
    assert max(DemandLevel.objects.values_list("wanted", flat=True)) == round(peak * 1.1 * 0.56)  # sized to the demo
