"""The queue and the vetting screen run a fixed number of queries, whatever the number of rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credentialing.enums import ApplicationState, StaffRole, Verdict
from credentialing.models import Application
from people.models import User
from tests.credentialing.factories import (
    EthicsTrainingFactory,
    InstitutionFactory,
    PracticeRecordFactory,
    QualificationFactory,
    SpecialTrainingFactory,
    staff_member,
)
from tests.credentialing.factories_vetting import verified_application

pytestmark = pytest.mark.django_db
STATES = [ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW, ApplicationState.RESUBMITTED,
          ApplicationState.APPROVED]


def add_applications(count: int, *, reviewers: list[User], start: int = 0) -> None:
    """Many applications at once, varied in everything a queue row shows."""
    institutions = [InstitutionFactory(name=f"Institution {n}") for n in range(3)]
    applicants = User.objects.bulk_create(
        User(email=f"bulk{start + n}@example.org", full_name=f"Applicant {start + n}", password="!")
        for n in range(count)
    )
    Application.objects.bulk_create(
        Application(
            applicant=applicant, full_name=applicant.full_name, state=STATES[n % len(STATES)],
            institution=institutions[n % 3], province="Hubei", submitted_at=timezone.now(),
            reviewer=None if n % 3 == 2 else reviewers[(n // 3) % len(reviewers)],
            verdict=Verdict.MET, verdict_qualification=Verdict.MET, verdict_ethics=Verdict.NEEDS_REVIEW,
            verdict_special_training=Verdict.NOT_MET, verdict_practice=Verdict.MET,
        )
        for n, applicant in enumerate(applicants)
    )


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


FILTERS = {"state": "", "reviewer": "me", "q": "applicant", "verdict": "met", "institution": "institution",
           "province": "hub", "role": "counselor", "sort": "newest"}


@pytest.mark.parametrize("params", [{}, {"state": "", "page": "2"}, FILTERS],
                         ids=["first page", "second page", "filtered"])
def test_the_queue_runs_as_many_queries_for_100_rows_as_for_1(client, django_assert_num_queries, params):
    reviewers = [staff_member(StaffRole.VETTING), staff_member(StaffRole.COORDINATOR)]
    client.force_login(reviewers[0])
    add_applications(1, reviewers=reviewers)
    with_one_row = queries_for(client, reverse("credentialing:queue"), params)

    add_applications(99, reviewers=reviewers, start=1)
    with django_assert_num_queries(with_one_row):
        response = client.get(reverse("credentialing:queue"), params)
    assert response.status_code == 200
    mine = Application.objects.filter(reviewer=reviewers[0]).count()
    assert len(response.context["page"]) == (mine if params is FILTERS else 50)


def test_the_review_page_runs_as_many_queries_for_5_items_per_criterion_as_for_1(client,
                                                                                django_assert_num_queries):
    reviewer = staff_member(StaffRole.VETTING)
    client.force_login(reviewer)
    application = verified_application(ApplicationState.IN_REVIEW, reviewer=reviewer)
    url = reverse("credentialing:review", args=[application.pk])
    with_one_item = queries_for(client, url)

    for factory in (QualificationFactory, EthicsTrainingFactory, SpecialTrainingFactory, PracticeRecordFactory):
        for _ in range(4):
            factory(application=application, checked_by=reviewer)
    with django_assert_num_queries(with_one_item):
        response = client.get(url)
    assert sum(len(section["items"]) for section in response.context["sections"]) == 20
