"""The demo data set: deterministic, complete, consistent with the criteria functions, and usable to sign in."""
import io
from collections import Counter

import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from common.models import AuditEntry
from credentialing import demo
from credentialing.enums import ApplicationState, EvidenceCheck, RoleApplied, StaffRole, Verdict
from credentialing.models import EVIDENCE_MODELS, Application, Institution
from credentialing.selectors import application_with_evidence, evaluate_application
from people.mfa import totp_authenticator
from people.models import User, Volunteer

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--applications", "200", *args, stdout=out)
    return out.getvalue()


def census() -> dict:
    return {
        "states": Counter(Application.objects.values_list("state", flat=True)),
        "verdicts": Counter(Application.objects.values_list("verdict", flat=True)),
        "roles": Counter(Application.objects.values_list("role", flat=True)),
        "institutions": sorted(Institution.objects.values_list("name", flat=True)),
        "names": sorted(Application.objects.values_list("full_name", flat=True)),
        "audit": AuditEntry.objects.count(),
        "evidence": sum(model.objects.count() for model in EVIDENCE_MODELS.values()),
    }


def test_the_same_seed_gives_the_same_data_and_reset_replaces_it():
    output = seed()
    first = census()
    assert "coordinator@demo.example" in output and demo.DEMO_PASSWORD in output

    with pytest.raises(CommandError):
        seed()  # refuses to add a second demo data set
    seed("--reset")
    assert census() == first
    seed("--reset", "--seed", "2")
    assert census()["names"] != first["names"]


def test_every_state_is_present_and_the_shape_is_plausible():
    seed()
    states = Counter(Application.objects.values_list("state", flat=True))
    assert set(states) == set(ApplicationState.values)
    assert sum(states.values()) == 200
    met = Application.objects.filter(verdict=Verdict.MET).count()
    assert 0.35 * 200 <= met <= 0.55 * 200  # about 1,700 of 3,800 at full size
    universities = Institution.objects.filter(kind="university").count()
    assert universities / Institution.objects.count() == pytest.approx(0.82, abs=0.03)
    assert Application.objects.exclude(timezone="Asia/Shanghai").exists()  # overseas volunteers

    approved = Application.objects.filter(state=ApplicationState.APPROVED)
    assert Volunteer.objects.count() == approved.count()
    assert approved.filter(role=RoleApplied.SUPERVISOR, applicant__volunteer__isnull=False).count() == round(
        200 * 200 / 3800)
    assert not Application.objects.filter(state=ApplicationState.APPROVED).exclude(verdict=Verdict.MET).exists()
    assert not Application.objects.filter(state__in=[ApplicationState.REJECTED, ApplicationState.CHANGES_REQUESTED],
                                          decision_reason="").exists()


def test_stored_verdicts_agree_with_the_criteria_functions_and_approvals_are_verified():
    seed()
    for application in Application.objects.order_by("pk")[:60]:
        fresh = application_with_evidence(application.pk)
        assert evaluate_application(fresh).verdict == application.verdict, application.pk
        if application.state == ApplicationState.APPROVED:
            assert evaluate_application(fresh, verified_only=True).verdict == Verdict.MET


def test_evidence_files_are_stored_once_and_can_be_read():
    seed()
    names = Counter(record.file.name for model in EVIDENCE_MODELS.values() for record in model.objects.all())
    shared = [name for name, count in names.items() if count > 1]
    assert sorted(shared) == ["demo/evidence-sample.pdf", "demo/evidence-sample.png"]
    with default_storage.open("demo/evidence-sample.pdf", "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    # the demo applicant may remove evidence from the draft (which deletes the file): it has copies of its own
    applicant = Application.objects.get(applicant__email="applicant@demo.example")
    own = [record.file.name for model in EVIDENCE_MODELS.values() for record in model.objects.filter(
        application=applicant)]
    assert own and all(name.startswith(demo.OWN_FILES_PREFIX) for name in own)
    assert all(default_storage.exists(name) for name in own)
    assert EVIDENCE_MODELS["qualification"].objects.filter(check_state=EvidenceCheck.NOT_ACCEPTABLE).exists()


@pytest.mark.parametrize("email, state, role", [
    ("applicant@demo.example", ApplicationState.DRAFT, None),
    ("counselor@demo.example", ApplicationState.APPROVED, None),
    ("supervisor@demo.example", ApplicationState.APPROVED, None),
    ("vetting@demo.example", None, StaffRole.VETTING),
    ("scheduler@demo.example", None, StaffRole.SCHEDULER),
    ("coordinator@demo.example", None, StaffRole.COORDINATOR),
    ("monitoring@demo.example", None, StaffRole.MONITORING),
])
def test_demo_accounts_can_sign_in(client, email, state, role):
    seed()
    assert client.login(email=email, password=demo.DEMO_PASSWORD)
    user = User.objects.get(email=email)
    assert user.emailaddress_set.get().verified
    if state:
        assert Application.objects.get(applicant=user).state == state
    if role:
        assert role in user.staff_roles()
        # the two-factor middleware lets staff with an authenticator through
        assert client.get("/").status_code == 200


def test_totp_code_prints_a_code_allauth_accepts():
    seed()
    out = io.StringIO()
    call_command("totp_code", "vetting@demo.example", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    authenticator = totp_authenticator(User.objects.get(email="vetting@demo.example"))
    secret = decrypt(authenticator.data["secret"])
    assert secret == demo.DEMO_TOTP_SECRET
    assert validate_totp_code(secret, code)
    assert not validate_totp_code(secret, f"{(int(code) + 1) % 1000000:06d}")
    with pytest.raises(CommandError):
        call_command("totp_code", "applicant@demo.example")


def test_the_demo_trail_looks_like_the_one_the_services_write():
    """Same actions, targets and subjects as a real application's trail: built by the same helper, the state
    changes checked against the workflow table, volunteers and staff roles made by the people services."""
    from django.contrib.contenttypes.models import ContentType

    from common.actions import registered_actions

    seed()
    application_type = ContentType.objects.get_for_model(Application)
    trail = AuditEntry.objects.filter(target_type=application_type)
    assert set(AuditEntry.objects.values_list("action", flat=True)) <= set(registered_actions())
    # every entry of an application is about its applicant
    applicants = dict(Application.objects.values_list("pk", "applicant_id"))
    assert all(subject == applicants[target] for target, subject in trail.values_list("target_id", "subject_id"))
    # evidence events name records that exist, as evidence_add and evidence_check record them
    evidence_ids = {(model._meta.model_name, pk) for model in EVIDENCE_MODELS.values()
                    for pk in model.objects.values_list("pk", flat=True)}
    named = [(entry.data["evidence"]["kind"], entry.data["evidence"]["id"])
             for entry in trail.filter(action__startswith="evidence.")]
    assert named and set(named) <= evidence_ids
    assert trail.filter(action="evidence.added").count() == len(evidence_ids)
    # approval made every volunteer through volunteer_create's bulk twin, and said so
    volunteers = Volunteer.objects.count()
    created = AuditEntry.objects.filter(action="volunteer.created")
    assert created.count() == volunteers and not created.filter(subject=None).exists()
    assert {entry.data["application"] for entry in created} == set(
        Application.objects.filter(state=ApplicationState.APPROVED).values_list("pk", flat=True))
    # the demo staff got their roles through the staff-role service
    granted = AuditEntry.objects.filter(action="staff.role_granted")
    # the training app's part of the demo adds the training team's account
    assert set(granted.values_list("data__role", flat=True)) == {"vetting", "scheduler", "coordinator", "training",
                                                                   "monitoring"}


def test_approved_volunteers_carry_the_working_profile_of_their_application():
    seed()
    for volunteer in Volunteer.objects.select_related("user")[:20]:
        application = Application.objects.get(applicant=volunteer.user, state=ApplicationState.APPROVED)
        assert (volunteer.timezone, volunteer.phone, volunteer.languages, volunteer.serves_voice,
                volunteer.serves_text) == (application.timezone, application.phone, application.languages,
                                           application.serves_voice, application.serves_text)
