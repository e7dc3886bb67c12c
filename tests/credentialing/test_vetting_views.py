"""The vetting team's pages, through the Django test client on the real database.

The full table of transitions is tested at the service level in test_transitions.py; here one
application walks the whole workflow through the service, and the decisions go through the views.
"""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common.audit import entries_about
from credentialing.enums import (
    ApplicationAction,
    ApplicationState,
    EvidenceCheck,
    RoleApplied,
    StaffRole,
    Verdict,
    VolunteerStatus,
)
from credentialing.exceptions import TransitionRefused
from credentialing.models import EVIDENCE_MODELS, Application
from credentialing.services import application_transition
from people.models import Volunteer
from tests.credentialing.factories import (
    ApplicationFactory,
    InstitutionFactory,
    UserFactory,
    complete_application,
    staff_member,
    with_totp,
)
from tests.credentialing.factories_vetting import verified_application

A, S = ApplicationAction, ApplicationState
REASON = "The ethics certificate is cut off; please upload all pages."

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return staff_member(StaffRole.VETTING, full_name="Reviewer Wang")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def submitted(**kwargs) -> Application:
    """A complete counselor application, submitted by its applicant through the service."""
    application = complete_application(**kwargs)
    return application_transition(application_id=application.pk, action=A.SUBMIT, actor=application.applicant)


def evidence_items(application):
    return [item for kind in EVIDENCE_MODELS for item in getattr(application, f"{kind}_set").all()]


def post_decision(client, application, action, reason="", version=None):
    version = application.version if version is None else version
    return client.post(reverse("credentialing:review_action", args=[application.pk]),
                       {"action": action, "reason": reason, "version": version})


def post_check(client, item, check_state=EvidenceCheck.VERIFIED, note=""):
    return client.post(reverse("credentialing:evidence_check", args=[item.application_id, item.kind, item.pk]),
                       {"check_state": check_state, "note": note})


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the workflow through the service ---------------------------------------------------------


def test_one_application_through_the_whole_workflow(django_capture_on_commit_callbacks, mailoutbox, reviewer):
    application = complete_application()
    applicant = application.applicant

    def step(action, actor, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            return application_transition(application_id=application.pk, action=action, actor=actor, reason=reason)

    assert step(A.SUBMIT, applicant).state == S.SUBMITTED
    assert step(A.START_REVIEW, reviewer).state == S.IN_REVIEW
    with pytest.raises(TransitionRefused, match="reason"):
        step(A.REQUEST_CHANGES, reviewer, reason="  ")
    assert step(A.REQUEST_CHANGES, reviewer, reason=REASON).state == S.CHANGES_REQUESTED
    assert step(A.RESUBMIT, applicant).state == S.RESUBMITTED
    assert step(A.START_REVIEW, reviewer).state == S.IN_REVIEW
    with pytest.raises(TransitionRefused, match="verified evidence"):
        step(A.APPROVE, reviewer)
    for item in evidence_items(Application.objects.get(pk=application.pk)):
        item.check_state = EvidenceCheck.VERIFIED
        item.save(update_fields=["check_state"])
    approved = step(A.APPROVE, reviewer)

    assert approved.state == S.APPROVED and approved.decided_at is not None
    volunteer = Volunteer.objects.get(user=applicant)
    assert (volunteer.user_id, volunteer.status) == (application.applicant_id, VolunteerStatus.AWAITING_TRAINING)
    trail = list(entries_about(application).filter(to_state__in=S.values)
                 .order_by("pk").values_list("actor_id", "from_state", "to_state", "reason"))
    assert trail == [
        (applicant.pk, S.DRAFT, S.SUBMITTED, ""),
        (reviewer.pk, S.SUBMITTED, S.IN_REVIEW, ""),
        (reviewer.pk, S.IN_REVIEW, S.CHANGES_REQUESTED, REASON),
        (applicant.pk, S.CHANGES_REQUESTED, S.RESUBMITTED, ""),
        (reviewer.pk, S.RESUBMITTED, S.IN_REVIEW, ""),
        (reviewer.pk, S.IN_REVIEW, S.APPROVED, ""),
    ]
    # submit, request changes, resubmit, approve tell the applicant; starting a review does not
    assert [mail.to for mail in mailoutbox] == [[applicant.email]] * 4
    assert REASON in mailoutbox[1].body
    assert "approved" in mailoutbox[3].body


def test_a_rejection_needs_a_reason_and_is_mailed(django_capture_on_commit_callbacks, mailoutbox, reviewer):
    application = verified_application(S.IN_REVIEW)
    with pytest.raises(TransitionRefused):
        application_transition(application_id=application.pk, action=A.REJECT, actor=reviewer, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application_id=application.pk, action=A.REJECT, actor=reviewer, reason=REASON)
    application.refresh_from_db()
    assert application.state == S.REJECTED and application.decision_reason == REASON
    assert not Volunteer.objects.filter(user=application.applicant).exists()
    [mail] = mailoutbox
    assert REASON in mail.body and mail.to == [application.applicant.email]


@pytest.mark.parametrize("state", sorted(S.open()))
def test_the_applicant_may_withdraw_from_every_open_state(state, reviewer):
    application = verified_application(state)
    with pytest.raises(TransitionRefused):
        application_transition(application_id=application.pk, action=A.WITHDRAW, actor=reviewer)
    withdrawn = application_transition(application_id=application.pk, action=A.WITHDRAW,
                                       actor=application.applicant)
    assert withdrawn.state == S.WITHDRAWN
    entry = entries_about(application).get(to_state=S.WITHDRAWN)
    assert (entry.actor_id, entry.from_state) == (application.applicant_id, state)


@pytest.mark.parametrize("state", sorted(S.final()))
@pytest.mark.parametrize("action", A.values)
def test_nothing_moves_a_final_application(state, action, reviewer):
    application = verified_application(state)
    actor = application.applicant if action in (A.SUBMIT, A.RESUBMIT, A.WITHDRAW) else reviewer
    with pytest.raises(TransitionRefused):
        application_transition(application_id=application.pk, action=action, actor=actor, reason=REASON)
    application.refresh_from_db()
    assert (application.state, application.version) == (state, 0)


# --- access -----------------------------------------------------------------------------------


def vetting_urls(application):
    item = application.qualification_set.get()
    return [
        ("get", reverse("credentialing:queue")),
        ("get", reverse("credentialing:statistics")),
        ("get", reverse("credentialing:review", args=[application.pk])),
        ("post", reverse("credentialing:queue_assign")),
        ("post", reverse("credentialing:review_action", args=[application.pk])),
        ("post", reverse("credentialing:evidence_check", args=[application.pk, "qualification", item.pk])),
    ]


def test_anonymous_people_are_sent_to_sign_in(client):
    for method, url in vetting_urls(submitted()):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("roles", [[StaffRole.SCHEDULER], []], ids=["scheduler", "applicant"])
def test_people_outside_the_vetting_team_are_refused(client, roles):
    application = submitted()
    client.force_login(with_totp(UserFactory(roles=roles)))
    for method, url in vetting_urls(application):
        assert getattr(client, method)(url).status_code == 403, url
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_a_coordinator_opens_every_page(client):
    application = submitted()
    client.force_login(staff_member(StaffRole.COORDINATOR))
    for url in (reverse("credentialing:queue"), reverse("credentialing:statistics"),
                reverse("credentialing:review", args=[application.pk])):
        assert client.get(url).status_code == 200


def test_vetting_staff_without_an_authenticator_must_set_one_up_first(client):
    client.force_login(UserFactory(roles=[StaffRole.VETTING]))
    response = client.get(reverse("credentialing:queue"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_unknown_application_or_evidence_kind_is_not_found(reviewer_client):
    application = submitted()
    assert reviewer_client.get(reverse("credentialing:review", args=[application.pk + 1000])).status_code == 404
    url = reverse("credentialing:evidence_check", args=[application.pk, "passport", 1])
    assert reviewer_client.post(url).status_code == 404
    other = submitted()
    item = other.qualification_set.get()
    response = reviewer_client.post(reverse("credentialing:evidence_check",
                                            args=[application.pk, "qualification", item.pk]))
    assert response.status_code == 404


# --- the queue --------------------------------------------------------------------------------


def queue_names(client, **params) -> list[str]:
    response = client.get(reverse("credentialing:queue"), params)
    assert response.status_code == 200
    return [application.full_name for application in response.context["page"]]


def test_the_queue_filters_by_every_field(reviewer_client, reviewer):
    now = timezone.now()
    wuhan = InstitutionFactory(name="Wuhan University", province="Hubei")
    beijing = InstitutionFactory(name="Beijing Normal University", province="Beijing")
    ApplicationFactory(full_name="Draft Dai", state=S.DRAFT)
    ApplicationFactory(full_name="Li Na", state=S.SUBMITTED, institution=wuhan, province="Hubei",
                       verdict=Verdict.MET, submitted_at=now - timedelta(days=3),
                       applicant=UserFactory(email="li.na@example.org"))
    ApplicationFactory(full_name="Zhang Wei", state=S.IN_REVIEW, institution=beijing, province="Beijing",
                       verdict=Verdict.NEEDS_REVIEW, reviewer=reviewer, submitted_at=now - timedelta(days=1),
                       role=RoleApplied.SUPERVISOR)
    other_reviewer = staff_member(full_name="Reviewer Zhao")
    ApplicationFactory(full_name="Chen Jing", state=S.IN_REVIEW, institution=beijing, province="Beijing",
                       verdict=Verdict.NOT_MET, reviewer=other_reviewer, submitted_at=now - timedelta(days=2))

    assert queue_names(reviewer_client) == ["Li Na", "Chen Jing", "Zhang Wei"]  # drafts hidden, oldest first
    assert queue_names(reviewer_client, sort="newest") == ["Zhang Wei", "Chen Jing", "Li Na"]
    assert queue_names(reviewer_client, state=S.IN_REVIEW) == ["Chen Jing", "Zhang Wei"]
    assert queue_names(reviewer_client, verdict=Verdict.MET) == ["Li Na"]
    assert queue_names(reviewer_client, institution="wuhan") == ["Li Na"]
    assert queue_names(reviewer_client, province="beij") == ["Chen Jing", "Zhang Wei"]
    assert queue_names(reviewer_client, role=RoleApplied.SUPERVISOR) == ["Zhang Wei"]
    assert queue_names(reviewer_client, reviewer="me") == ["Zhang Wei"]
    assert queue_names(reviewer_client, reviewer="unassigned") == ["Li Na"]
    assert queue_names(reviewer_client, reviewer=other_reviewer.pk) == ["Chen Jing"]
    assert queue_names(reviewer_client, q="LI.NA@") == ["Li Na"]
    assert queue_names(reviewer_client, q="zhang") == ["Zhang Wei"]
    assert queue_names(reviewer_client, state=S.IN_REVIEW, province="Beijing", reviewer="me") == ["Zhang Wei"]

    response = reviewer_client.get(reverse("credentialing:queue"))
    counts = {row["state"]: row["count"] for row in response.context["state_counts"]}
    assert counts[S.SUBMITTED] == 1 and counts[S.IN_REVIEW] == 2 and counts[S.APPROVED] == 0
    assert S.DRAFT not in counts


def test_the_queue_row_shows_what_a_reviewer_needs(reviewer_client):
    application = submitted(full_name="Li Na", institution=InstitutionFactory(name="Wuhan University"))
    html = reviewer_client.get(reverse("credentialing:queue")).content.decode()
    for text in ("Li Na", application.applicant.email, "Counselor", "Wuhan University", "Submitted",
                 'class="badge small met"', "Assign to me", 'form="bulk-assign"',
                 reverse("credentialing:review", args=[application.pk])):
        assert text in html, text


def test_the_queue_is_paginated_and_the_page_links_keep_the_filters(reviewer_client):
    now = timezone.now()
    Application.objects.bulk_create(
        Application(applicant=UserFactory(), full_name=f"Applicant {n:03d}", state=S.SUBMITTED, province="Hubei",
                    submitted_at=now - timedelta(minutes=200 - n))
        for n in range(120)
    )
    first = reviewer_client.get(reverse("credentialing:queue"), {"province": "Hubei"})
    assert first.context["page"].paginator.count == 120
    assert len(first.context["page"]) == 50
    assert "page=2" in first.content.decode() and "province=Hubei&amp;page=2" in first.content.decode()
    last = reviewer_client.get(reverse("credentialing:queue"), {"province": "Hubei", "page": 3})
    assert [a.full_name for a in last.context["page"]] == [f"Applicant {n:03d}" for n in range(100, 120)]


def test_bulk_assign_moves_waiting_applications_into_review_and_skips_the_reviewers_own(reviewer_client,
                                                                                         reviewer):
    waiting = [submitted() for _ in range(2)]
    in_review = verified_application(S.IN_REVIEW)
    own = submitted(applicant=reviewer)
    ids = [a.pk for a in [*waiting, in_review, own]]
    response = reviewer_client.post(reverse("credentialing:queue_assign"), {
        "application_ids": ids, "reviewer": reviewer.pk, "next": "state=submitted&page=1"})

    assert response.status_code == 302 and response.url == reverse("credentialing:queue") + "?state=submitted&page=1"
    states = dict(Application.objects.filter(pk__in=ids).values_list("pk", "state"))
    reviewers = dict(Application.objects.filter(pk__in=ids).values_list("pk", "reviewer"))
    assert [states[a.pk] for a in waiting] == [S.IN_REVIEW, S.IN_REVIEW]
    assert states[in_review.pk] == S.IN_REVIEW and states[own.pk] == S.SUBMITTED
    assert [reviewers[pk] for pk in ids] == [reviewer.pk, reviewer.pk, reviewer.pk, None]
    assert shown_messages(reviewer_client.get(response.url)) == ["3 applications were assigned."]


def test_assign_to_me_and_to_another_member(reviewer_client, reviewer):
    application = submitted()
    response = reviewer_client.post(reverse("credentialing:queue_assign"), {"application_ids": [application.pk],
                                                              "reviewer": "me", "next": ""})
    assert response.url == reverse("credentialing:queue")
    application.refresh_from_db()
    assert (application.reviewer, application.state) == (reviewer, S.IN_REVIEW)

    colleague = staff_member()
    reviewer_client.post(reverse("credentialing:queue_assign"),
                         {"application_ids": [application.pk], "reviewer": colleague.pk})
    application.refresh_from_db()
    assert application.reviewer == colleague


def test_assigning_without_a_selection_or_to_an_outsider_is_refused(reviewer_client):
    application = submitted()
    scheduler = staff_member(StaffRole.SCHEDULER)
    response = reviewer_client.post(reverse("credentialing:queue_assign"),
                                    {"reviewer": "me", "next": "state=submitted"},
                                    follow=True)
    assert shown_messages(response) == ["Tick at least one application first."]
    response = reviewer_client.post(reverse("credentialing:queue_assign"), {"application_ids": [application.pk],
                                                              "reviewer": scheduler.pk}, follow=True)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.reviewer is None and application.state == S.SUBMITTED


def test_the_next_field_cannot_send_the_reviewer_elsewhere(reviewer_client):
    response = reviewer_client.post(reverse("credentialing:queue_assign"), {"application_ids": [submitted().pk],
                                                              "reviewer": "me", "next": "//evil.example/x"})
    assert response.url == reverse("credentialing:queue")


# --- the vetting screen -----------------------------------------------------------------------


def test_the_review_page_shows_the_profile_the_evidence_and_the_trail(reviewer_client):
    application = submitted(full_name="Li Na", phone="13912345678", languages="Mandarin, English",
                            timezone="Europe/Berlin")
    html = reviewer_client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    item = application.qualification_set.get()
    for text in ("Li Na", "13912345678", "Mandarin, English", "Europe/Berlin", "Hubei", "Wuhan",
                 "Professional qualification", item.number, item.issuing_body, "registration.pdf",
                 reverse("credentialing:evidence_download", args=["qualification", item.pk]),
                 "600", "University counseling centre", "Not yet verified",
                 "Start review", "Submit", "Draft → Submitted"):
        assert text in html, text
    assert f'value="{A.APPROVE}"' not in html  # only once the review started


def test_a_reviewer_verifies_the_evidence_then_approves(reviewer_client, django_capture_on_commit_callbacks,
                                                       mailoutbox):
    application = submitted()
    post_decision(reviewer_client, application, A.START_REVIEW)
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW

    page = reviewer_client.get(reverse("credentialing:review", args=[application.pk]))
    assert page.context["can_approve"] is False
    assert "Still open" in page.content.decode() and "disabled" in page.content.decode()
    response = post_decision(reviewer_client, application, A.APPROVE)
    assert "Approval needs every criterion met by verified evidence" in shown_messages(response)[0]

    for item in evidence_items(application):
        response = post_check(reviewer_client, item)
        assert response.status_code == 302
    application.refresh_from_db()
    assert reviewer_client.get(reverse("credentialing:review", args=[application.pk])).context["can_approve"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = post_decision(reviewer_client, application, A.APPROVE)
    assert response.status_code == 302 and response.url == reverse("credentialing:review", args=[application.pk])
    application.refresh_from_db()
    assert application.state == S.APPROVED
    assert Volunteer.objects.get(user=application.applicant_id).status == VolunteerStatus.AWAITING_TRAINING
    assert [mail.to for mail in mailoutbox] == [[application.applicant.email]]


def test_a_double_click_on_approve_is_told_it_is_already_done(reviewer_client):
    application = verified_application(S.IN_REVIEW)
    assert post_decision(reviewer_client, application, A.APPROVE).status_code == 302
    second = post_decision(reviewer_client, application, A.APPROVE)  # same page, same version
    assert second.status_code == 200
    assert any("already" in message for message in shown_messages(second))
    assert Volunteer.objects.filter(user=application.applicant_id).count() == 1


@pytest.mark.parametrize("action", [A.REQUEST_CHANGES, A.REJECT])
def test_a_decision_without_a_reason_is_refused_in_the_page(reviewer_client, action):
    application = verified_application(S.IN_REVIEW)
    response = post_decision(reviewer_client, application, action, reason=" ")
    assert response.status_code == 200
    assert shown_messages(response) == ["Please give the applicant a reason."]
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_request_changes_through_the_page(reviewer_client, django_capture_on_commit_callbacks, mailoutbox):
    application = verified_application(S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        post_decision(reviewer_client, application, A.REQUEST_CHANGES, reason=REASON)
    application.refresh_from_db()
    assert (application.state, application.decision_reason) == (S.CHANGES_REQUESTED, REASON)
    assert REASON in mailoutbox[0].body


def test_two_reviewers_racing_the_second_is_told_and_keeps_their_text(client, reviewer):
    application = verified_application(S.IN_REVIEW)
    colleague = staff_member(full_name="Reviewer Zhao")
    client.force_login(reviewer)
    page = client.get(reverse("credentialing:review", args=[application.pk]))
    version_seen = page.context["decision_form"]["version"].value()
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    assert other.get(reverse("credentialing:review", args=[application.pk])).status_code == 200

    assert post_decision(other, application, A.APPROVE, version=version_seen).status_code == 302
    response = post_decision(client, application, A.REJECT, reason=REASON, version=version_seen)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reviewer Zhao changed this application since you opened this page" in html
    assert REASON in html  # the typed reason is back in the form
    assert response.context["decision_form"]["reason"].value() == REASON
    application.refresh_from_db()
    assert application.state == S.APPROVED and application.decision_reason == ""


def test_a_stale_page_after_an_evidence_check_is_refused_plainly(reviewer_client):
    application = verified_application(S.IN_REVIEW)
    colleague = staff_member(full_name="Reviewer Zhao")
    from credentialing.services import evidence_check

    evidence_check(evidence=application.qualification_set.get(), actor=colleague, check_state=EvidenceCheck.VERIFIED)
    response = post_decision(reviewer_client, application, A.REJECT, reason=REASON, version=0)
    assert response.status_code == 200
    assert "Somebody else changed this application" in shown_messages(response)[0]
    assert response.context["decision_form"]["reason"].value() == REASON
    assert response.context["decision_form"]["version"].value() == 1  # a second try now goes through
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_not_acceptable_needs_a_note_and_keeps_the_page(reviewer_client):
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    item = application.ethicstraining_set.get()
    response = post_check(reviewer_client, item, EvidenceCheck.NOT_ACCEPTABLE, note="")
    assert response.status_code == 200
    assert "Say why the evidence is not acceptable" in shown_messages(response)[0]
    item.refresh_from_db()
    assert item.check_state == EvidenceCheck.PENDING

    post_check(reviewer_client, item, EvidenceCheck.NOT_ACCEPTABLE, note="Not approved by the registry.")
    item.refresh_from_db()
    assert (item.check_state, item.check_note) == (EvidenceCheck.NOT_ACCEPTABLE, "Not approved by the registry.")
    html = reviewer_client.get(reverse("credentialing:review", args=[application.pk])).content.decode()
    assert "Not approved by the registry." in html and "Not yet verified → Not acceptable" in html


def test_evidence_is_checked_only_in_review(reviewer_client):
    application = submitted()
    item = application.qualification_set.get()
    response = post_check(reviewer_client, item)
    assert "only while the application is in review" in shown_messages(response)[0]
    item.refresh_from_db()
    assert item.check_state == EvidenceCheck.PENDING


def test_a_reviewer_cannot_vet_their_own_application(client):
    member = staff_member(StaffRole.VETTING)
    application = submitted(applicant=member)
    client.force_login(member)
    page = client.get(reverse("credentialing:review", args=[application.pk]))
    html = page.content.decode()
    assert page.context["can_vet"] is False
    assert "You cannot vet this application" in html and "Start review" not in html
    response = post_decision(client, application, A.START_REVIEW)
    assert shown_messages(response) == ["You cannot vet your own application."]
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


# --- statistics -------------------------------------------------------------------------------


def test_the_statistics_match_a_known_set_of_applications(reviewer_client):
    def make(count, **fields):
        for _ in range(count):
            ApplicationFactory(**fields)

    make(2, state=S.DRAFT, verdict=Verdict.MET)  # not applied: left out of the funnel
    make(3, state=S.APPROVED, verdict=Verdict.MET, verdict_qualification=Verdict.MET)
    make(1, state=S.SUBMITTED, verdict=Verdict.MET)
    make(2, state=S.REJECTED, verdict=Verdict.NOT_MET, verdict_practice=Verdict.NOT_MET,
         verdict_ethics=Verdict.NEEDS_REVIEW)
    make(1, state=S.IN_REVIEW, verdict=Verdict.NEEDS_REVIEW, verdict_qualification=Verdict.NEEDS_REVIEW)
    make(1, state=S.WITHDRAWN, verdict=Verdict.NOT_MET, verdict_practice=Verdict.NOT_MET)

    response = reviewer_client.get(reverse("credentialing:statistics"))
    funnel = [(step["count"], step["percent"]) for step in response.context["funnel"]]
    assert funnel == [(8, 100), (4, 50), (3, 38)]
    states = {row["state"]: row["count"] for row in response.context["states"]}
    assert states == {S.SUBMITTED: 1, S.IN_REVIEW: 1, S.CHANGES_REQUESTED: 0, S.APPROVED: 3, S.REJECTED: 2,
                      S.WITHDRAWN: 1}
    failing = {row["criterion"]: (row["not_met"], row["needs_review"]) for row in response.context["by_criterion"]}
    assert failing == {"qualification": (0, 1), "ethics": (0, 2), "special_training": (0, 0), "practice": (3, 0)}
    html = response.content.decode()
    assert "Individual counseling practice" in html and 'style="width: 38%"' in html


def test_a_nonsense_filter_value_shows_the_form_error_not_a_crash(reviewer_client):
    submitted()
    response = reviewer_client.get(reverse("credentialing:queue"),
                                   {"state": "bogus", "reviewer": "999999", "page": "x"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"state", "reviewer"}


def test_the_queue_opens_on_what_is_still_open_and_puts_undated_applications_last(client):
    reviewer = staff_member(StaffRole.VETTING)
    client.force_login(reviewer)
    waiting = ApplicationFactory(state=ApplicationState.SUBMITTED, submitted_at=timezone.now())
    ApplicationFactory(state=ApplicationState.APPROVED, submitted_at=timezone.now())
    never_submitted = ApplicationFactory(state=ApplicationState.WITHDRAWN, submitted_at=None)

    opened = client.get(reverse("credentialing:queue"))
    assert [a.pk for a in opened.context["page"]] == [waiting.pk]

    everything = client.get(reverse("credentialing:queue"), {"state": ""})
    assert len(everything.context["page"]) == 3
    assert everything.context["page"][2].pk == never_submitted.pk
