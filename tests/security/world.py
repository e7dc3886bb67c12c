"""One small service with everything in it, built once for the security tests: the owners of private records
(person A in their three guises) and one visitor of every role (persons B), each with a signed-in client.

The owners:
- ``owner``: a counselor on duty (approved application, certificate, calendar address, shifts and offers,
  an escalation, individual and group supervision, help-seeker feedback, an evaluation, a handover note, a
  training record with an assessment);
- ``owner_applicant``: an applicant whose application is in review (evidence files, previews);
- ``owner_supervisor``: the supervisor who works with A (leads A's group, holds A's individual supervision,
  claimed A's escalation, teaches A's training session).

Their private texts are unique markers (``SECRETS``), so a page that shows one to the wrong person is found
by a plain search of its body.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.utils import timezone
from PIL import Image

from credentialing.enums import ApplicationState, EvidenceCheck, RoleApplied
from people.enums import StaffRole, VolunteerRole, VolunteerStatus

ROLES = ("anonymous", "owner", "owner_applicant", "owner_supervisor", "applicant", "counselor", "supervisor",
         "trainer", "vetting", "scheduler", "coordinator", "training", "monitoring")
STAFF_ROLES = {"vetting": StaffRole.VETTING, "scheduler": StaffRole.SCHEDULER, "coordinator": StaffRole.COORDINATOR,
               "training": StaffRole.TRAINING, "monitoring": StaffRole.MONITORING}

# marker -> the roles allowed to read it (nobody else may see it on any page)
SECRETS = {
    "SECRET-ESCALATION-RISK": {"owner", "owner_supervisor", "monitoring", "coordinator"},
    "SECRET-INDIVIDUAL-NOTES": {"owner", "owner_supervisor", "coordinator"},
    "SECRET-FEEDBACK-COMMENT": {"owner", "owner_supervisor", "monitoring", "coordinator"},
    "SECRET-EVALUATION-STRENGTHS": {"owner", "owner_supervisor", "monitoring", "coordinator"},
    "SECRET-ASSESSMENT-NOTE": {"owner", "owner_supervisor", "trainer", "training", "coordinator"},
    "SECRET-PRACTICE-DESCRIPTION": {"owner_applicant", "vetting", "coordinator"},
    "SECRET-QUALIFICATION-NUMBER": {"owner_applicant", "vetting", "coordinator"},
    "SECRET-HANDOVER-TEXT": {"owner", "owner_supervisor", "counselor", "supervisor", "trainer", "scheduler",
                             "coordinator", "monitoring"},
}


@dataclass
class World:
    people: dict = field(default_factory=dict)   # role -> user (None for anonymous)
    clients: dict = field(default_factory=dict)  # role -> Client, signed in as that person
    objects: dict = field(default_factory=dict)  # name -> record
    calendar_token: str = ""
    certificate_code: str = ""

    def secrets(self) -> dict[str, set[str]]:
        return {**SECRETS, self.calendar_token: {"owner"}, self.certificate_code: {"owner", "coordinator"}}


def png_bytes(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _volunteer(role: str, **user_fields):
    from tests.people.factories import UserFactory, VolunteerFactory

    user = UserFactory(**user_fields)
    VolunteerFactory(user=user, role=role, status=VolunteerStatus.ACTIVE)
    return user


def _people() -> dict:
    from tests.certificates.factories import approved
    from tests.people.factories import UserFactory, staff_member

    people = {"anonymous": None}
    owner = approved(full_name="Owner Ada", email="owner@example.org", language="en")
    owner.volunteer.status = VolunteerStatus.ACTIVE
    owner.volunteer.save(update_fields=["status"])
    people["owner"] = owner
    people["owner_applicant"] = UserFactory(full_name="Owner Applicant Abe", email="owner.applicant@example.org")
    people["owner_supervisor"] = _volunteer(VolunteerRole.SUPERVISOR, full_name="Owner Supervisor Sam",
                                            email="owner.supervisor@example.org")
    people["applicant"] = UserFactory(full_name="Other Applicant Bea", email="applicant@example.org")
    people["counselor"] = _volunteer(VolunteerRole.COUNSELOR, full_name="Other Counselor Ben",
                                     email="counselor@example.org")
    people["supervisor"] = _volunteer(VolunteerRole.SUPERVISOR, full_name="Other Supervisor Bob",
                                      email="supervisor@example.org")
    people["trainer"] = _volunteer(VolunteerRole.SUPERVISOR, full_name="Other Trainer Bel", email="trainer@example.org")
    for role, staff_role in STAFF_ROLES.items():
        # with Django's admin flag too: the admin's door is open to them, so the rules inside are what is tested
        people[role] = staff_member(staff_role, full_name=f"Staff {role.title()}", email=f"{role}@example.org",
                                    is_staff=True)
    return people


def _credentialing(world: World) -> None:
    from credentialing import previews
    from credentialing.models import Application, PracticeRecord, Qualification
    from credentialing.selectors import active_criteria_set
    from credentialing.services import application_refresh_verdict
    from tests.credentialing.factories import ApplicationFactory, PracticeRecordFactory, QualificationFactory, kind

    people, objects = world.people, world.objects
    approved_application = Application.objects.get(applicant=people["owner"])
    objects["owner_application"] = approved_application
    objects["owner_qualification"] = Qualification.objects.get(application=approved_application)

    application = ApplicationFactory(applicant=people["owner_applicant"], full_name="Owner Applicant Abe",
                                     role=RoleApplied.COUNSELOR, state=ApplicationState.IN_REVIEW,
                                     criteria_set=active_criteria_set())
    qualification = QualificationFactory(
        application=application, number="SECRET-QUALIFICATION-NUMBER",
        qualification_kind=kind("registered-psychologist"),
        file=ContentFile(png_bytes(), name="registration.png"), content_type="image/png",
        original_name="registration.png")
    practice = PracticeRecordFactory(application=application, description="SECRET-PRACTICE-DESCRIPTION",
                                     hours=Decimal("620"), check_state=EvidenceCheck.PENDING)
    application_refresh_verdict(application)
    previews.make_preview(qualification)
    objects.update(review_application=Application.objects.get(pk=application.pk), review_qualification=qualification,
                   review_practice=practice)

    draft = ApplicationFactory(applicant=people["applicant"], full_name="Other Applicant Bea")
    objects["other_practice"] = PracticeRecordFactory(application=draft, description="The other applicant's log")
    assert PracticeRecord.objects.filter(application__applicant=people["owner_applicant"]).count() == 1


def _certificates(world: World) -> None:
    from certificates import services
    from certificates.enums import BatchState, CertificateKind
    from certificates.models import CertificateBatch

    certificate = services.certificate_issue(holder=world.people["owner"], kind=CertificateKind.ADMISSION,
                                             actor=world.people["owner"])
    world.objects["certificate"] = certificate
    world.certificate_code = certificate.code
    batch = CertificateBatch.objects.create(kind=CertificateKind.ADMISSION, requested_by=world.people["coordinator"],
                                            state=BatchState.DONE, total=1, done=1, finished_at=timezone.now())
    batch.file.save("batch.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    world.objects["batch"] = batch


def _people_records(world: World) -> None:
    from people.services import calendar_feed_for

    world.calendar_token = calendar_feed_for(world.people["owner"]).token


def _training(world: World) -> None:
    from tests.training.factories import curriculum, enrol, session, trainee
    from training.enums import Area
    from training.models import Assessment, Curriculum

    people, objects = world.people, world.objects
    if not Curriculum.objects.filter(is_current=True).exists():
        curriculum(1)
    record = trainee(people["owner"])
    started = timezone.now() - timedelta(hours=3)
    taught = session(Area.CRISIS, starts_at=started, trainers=[people["owner_supervisor"]], topic="Crisis plan")
    other = session(Area.SKILLS, starts_at=started - timedelta(days=1), trainers=[people["trainer"]],
                    topic="Empathy in text")
    (enrolment,) = enrol(taught, record)
    assessment = Assessment.objects.create(trainee=record, area=Area.SKILLS, attempt=1, score=75, pass_mark=60,
                                           passed=True, assessor=people["trainer"], assessed_on=timezone.localdate(),
                                           note="SECRET-ASSESSMENT-NOTE")
    objects.update(trainee=record, training_session=taught, other_training_session=other, enrolment=enrolment,
                   assessment=assessment)


def _rostering(world: World) -> None:
    from rostering import services
    from rostering.enums import OfferKind, OfferState, RunState
    from rostering.models import AvailabilityException, RosterRun, ShiftOffer
    from tests.rostering.factories import rostered_person, small_demand
    from tests.supervision.factories import on_shift, published_run

    people, objects = world.people, world.objects
    small_demand(peak=1)
    # (a one-day roster allows a seventh of the weekly hours: enough for one supervisor's shift)
    rostered_person(role="supervisor", max_hours=84, target_hours=40)
    start = timezone.localdate() + timedelta(days=30)
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = services.run_create(actor=people["scheduler"], start=start, days=1, seconds=5)
    draft = RosterRun.objects.get(pk=draft.pk)
    assert draft.state == RunState.DRAFT, draft.error
    objects["run"] = draft
    objects["run_assignment"] = draft.assignments.select_related("shift").first()
    objects["run_shift"] = objects["run_assignment"].shift

    published = published_run()
    soon = timezone.now() + timedelta(days=2)
    owner = people["owner"]
    offered = on_shift(owner, soon, run=published)
    dropped = on_shift(owner, soon + timedelta(days=1), run=published)
    objects["free_assignment"] = on_shift(owner, soon + timedelta(days=2), run=published)
    objects["offer"] = ShiftOffer.objects.create(assignment=offered, kind=OfferKind.HANDOVER, offered_by=owner)
    objects["drop_offer"] = ShiftOffer.objects.create(assignment=dropped, kind=OfferKind.DROP, offered_by=owner,
                                                      state=OfferState.NEEDS_SCHEDULER)
    objects["availability_exception"] = AvailabilityException.objects.create(
        user=owner, date=timezone.localdate() + timedelta(days=10), start_hour=8, end_hour=12, kind="unavailable")
    # the owner and their supervisor are on shift now: handover notes are written at the end of a shift
    on_shift(owner, timezone.now() - timedelta(hours=1), run=published)
    on_shift(people["owner_supervisor"], timezone.now() - timedelta(hours=1), run=published)
    for role in ("counselor", "supervisor", "trainer"):
        on_shift(people[role], timezone.now() - timedelta(hours=1), run=published)


def _supervision(world: World) -> None:
    from supervision.enums import Attendance, EscalationState, IndividualOrigin, IndividualState
    from supervision.models import (
        CoordinatorOnCall,
        CounselingEvaluation,
        Escalation,
        GroupPlacement,
        GroupSession,
        HandoverNote,
        HelpSeekerFeedback,
        IndividualSupervision,
    )

    people, objects = world.people, world.objects
    owner, supervisor = people["owner"], people["owner_supervisor"]
    now = timezone.now()
    escalation = Escalation.objects.create(raised_by=owner, channel="voice", risk="SECRET-ESCALATION-RISK",
                                           state=EscalationState.CLAIMED, claimed_by=supervisor, claimed_at=now)
    escalation.notified.set([supervisor])
    individual = IndividualSupervision.objects.create(
        counselor=owner, origin=IndividualOrigin.REQUEST, requested_by=owner, reason="A hard call last night",
        state=IndividualState.SCHEDULED, supervisor=supervisor, scheduled_at=now + timedelta(days=1),
        notes="SECRET-INDIVIDUAL-NOTES")
    starts = now + timedelta(hours=5)
    group = GroupSession.objects.create(date=timezone.localdate(starts), starts_at=starts,
                                        ends_at=starts + timedelta(hours=1), supervisor=supervisor,
                                        meeting_link="https://meet.example.org/group")
    GroupPlacement.objects.create(session=group, counselor=owner, date=group.date, attendance=Attendance.UNKNOWN)
    HelpSeekerFeedback.objects.create(session_ref="S-OWNER-1", session_date=timezone.localdate(), counselor=owner,
                                      understands=4, helpful=4, satisfied=5, comment="SECRET-FEEDBACK-COMMENT")
    CounselingEvaluation.objects.create(counselor=owner, supervisor=supervisor, session_date=timezone.localdate(),
                                        rapport=4, assessment=4, intervention=4, ethics=5,
                                        strengths="SECRET-EVALUATION-STRENGTHS")
    note = HandoverNote.objects.create(author=owner, shift_start=now - timedelta(hours=5),
                                       shift_end=now - timedelta(hours=1), happened="SECRET-HANDOVER-TEXT")
    on_call = CoordinatorOnCall.objects.create(user=people["coordinator"], phone="13800000009",
                                               starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
    objects.update(escalation=escalation, individual=individual, group_session=group, handover_note=note,
                   on_call=on_call)


def _admin_rows(world: World) -> None:
    """One row of every model the admin shows, so that each change page has something to open."""
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from django_tasks_db.models import DBTaskResult

    app = SocialApp.objects.create(provider="weixin", name="WeChat", client_id="wx-id", secret="wx-secret")
    from tests.people.factories import UserFactory

    # of a person outside the roles: with WeChat not configured, their connections page could not list it
    account = SocialAccount.objects.create(user=UserFactory(), provider="weixin", uid="someone-wechat-uid")
    SocialToken.objects.create(app=app, account=account, token="SECRET-SOCIAL-TOKEN")
    world.objects["social_app"] = app
    from credentialing.models import CredentialNotice, NoticeKind, RetentionPolicy

    RetentionPolicy.objects.get_or_create(id=1)
    CredentialNotice.objects.create(qualification=world.objects["owner_qualification"],
                                    volunteer=world.people["owner"].volunteer, kind=NoticeKind.values[0],
                                    expires_on=timezone.localdate() + timedelta(days=20))
    from common.models import OutgoingMail, PeriodicRun, WorkerProcess
    from credentialing.models import ApplicationImport
    from reports.models import DailyReportMailing

    OutgoingMail.objects.create(subject="Your application", body="A decision about you", from_email="a@b.c",
                                to=[world.people["owner"].email], state="failed", attempts=8)
    PeriodicRun.objects.create(name="supervision.escalation_sweep", due_at=timezone.now())
    WorkerProcess.objects.create(worker_id="world-worker", hostname="web-1", pid=4242)
    ApplicationImport.objects.create(stored_name="imports/world.csv", rows=3,
                                     requested_by=world.people["coordinator"])
    DailyReportMailing.objects.create(day=timezone.localdate() - timedelta(days=1), recipients=2)
    world.objects["task_result"] = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"run_id": world.objects["run"].pk}}, task_path="rostering.tasks.solve_run",
        backend_name="default", run_after=timezone.now(), exception_class_path="", traceback="")


def build_world() -> World:
    world = World()
    world.people = _people()
    _credentialing(world)
    _certificates(world)
    _people_records(world)
    _training(world)
    _rostering(world)
    _supervision(world)
    _admin_rows(world)
    for role, person in world.people.items():
        client = Client()
        if person is not None:
            client.force_login(person)
        world.clients[role] = client
    return world
