"""Every form of the service fed hostile input (``tests.security.hostile``): it either validates or gives
errors, never raises; and when it validates, the service the page calls with its data either saves or refuses
with the app's own error (which the page shows as a message): never an IntegrityError, a DataError or any other
server error. A limit the database keeps must be in the form too.

Every Form and ModelForm class defined in the apps is found by walking their modules; a new form that has no
case here fails ``test_every_form_is_fuzzed``. Each example runs in a savepoint: the shared world (built once,
``tests.security.world``) is the same for every example. Runs are reproducible (``derandomize``).
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certificates.exceptions import CertificateRefused
from credentialing.exceptions import CredentialingError
from people.services import PeopleError
from rostering.exceptions import RosterError
from supervision.exceptions import SupervisionError
from tests.security.hostile import form_data
from tests.security.world import png_bytes
from training.exceptions import TrainingError

pytestmark = pytest.mark.django_db
APPS = ("common", "people", "credentialing", "certificates", "training", "rostering", "supervision")
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def project_forms() -> set[type[forms.BaseForm]]:
    """Every form class defined in the apps' modules (forms, admin, filters, views...)."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls for cls in subclasses(forms.BaseForm) if cls.__module__.split(".")[0] in APPS}


@dataclass(frozen=True)
class Case:
    """How the page builds the form, and what it does with valid data (mirroring the view)."""

    build: Callable  # (world, data, files) -> form
    save: Callable | None = None  # (world, form) -> anything; None: the page only reads with it
    refusals: tuple = ()  # the errors the page turns into a message
    files: Callable | None = None  # (world) -> files to post with it
    hints: dict = field(default_factory=dict)  # field -> strategy of values that fit together (valid moods)
    examples: int = 40


def _fresh(model, pk):
    return model.objects.get(pk=pk)


def _draft(world):
    from credentialing.models import Application

    return Application.objects.get(applicant=world.people["applicant"])


def _people():
    from people.models import User, Volunteer

    return User, Volunteer


def _evidence_case(kind: str) -> Case:
    from credentialing import services
    from credentialing.forms.applicant import evidence_form_class

    def save(world, form):
        application = _draft(world)
        services.evidence_add(application_id=application.pk, actor=world.people["applicant"],
                              evidence=form.save(commit=False), upload=form.cleaned_data["upload"])

    return Case(build=lambda world, data, files: evidence_form_class(kind)(data, files), save=save,
                refusals=(CredentialingError, ValidationError),
                files=lambda world: {"upload": SimpleUploadedFile("scan.png", png_bytes(), "image/png")})


def _one_page_submit(world, form):
    """The one-page application of a new person: the fuzzed profile with valid evidence of each criterion."""
    from credentialing import services
    from credentialing.forms.applicant import evidence_form_class
    from credentialing.models import EVIDENCE_MODELS
    from tests.credentialing.test_applicant_views import evidence_post

    User, _Volunteer = _people()
    applicant = User.objects.create(email=f"one-page-{User.objects.count()}@example.org")
    evidence = {}
    for kind in EVIDENCE_MODELS:
        posted = evidence_post(kind)
        record_form = evidence_form_class(kind)(posted, {"upload": posted.pop("upload")})
        assert record_form.is_valid(), record_form.errors
        evidence[kind] = (record_form.save(commit=False), record_form.cleaned_data["upload"])
    if form.cleaned_data["role"] == "supervisor":
        evidence = {"qualification": evidence["qualification"]}
    services.application_submit_complete(applicant=applicant, data=form.profile_data(),
                                         institution_name=form.cleaned_data["institution_name"], evidence=evidence)


def cases() -> dict[str, Case]:
    """Form class path -> its case."""
    from certificates import batches
    from certificates import forms as certificate_forms
    from certificates import selectors as certificate_selectors
    from certificates import services as certificate_services
    from credentialing import expiry
    from credentialing import services as credentialing_services
    from credentialing.forms import applicant as applicant_forms
    from credentialing.forms import vetting as vetting_forms
    from credentialing.selectors import vetting_staff
    from people import admin as people_admin
    from people import forms as people_forms
    from people import services as people_services
    from rostering import forms as rostering_forms
    from rostering import services as rostering_services
    from rostering.models import AvailabilityProfile, RosterSettings
    from supervision import forms as supervision_forms
    from supervision import services as supervision_services
    from training import forms as training_forms
    from training import selectors as training_selectors
    from training import services as training_services
    from training.models import Curriculum, Session

    User, Volunteer = _people()

    def owner_volunteer(world):
        return _fresh(Volunteer, world.people["owner"].volunteer.pk)

    def series(world, form):
        data = form.cleaned_data
        plan = training_services.SeriesPlan(
            first_day=data["first_day"], last_day=data["last_day"], days_of_week=tuple(data["days_of_week"]),
            areas=form.areas(), topic=data["topic"], trainers=tuple(data["trainers"]), capacity=data["capacity"],
            meeting_url=data["meeting_url"])
        training_services.sessions_create_series(actor=world.people["training"], plan=plan)

    def issue(world, form):
        holder = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if holder is not None:
            certificate_services.certificate_issue(holder=holder, kind=form.cleaned_data["kind"],
                                                   actor=world.people["coordinator"],
                                                   language=form.cleaned_data["language"] or None)

    def assign_run(world, form):
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is not None:
            rostering_services.assignment_add(run_id=world.objects["run"].pk, shift_id=form.cleaned_data["shift"],
                                              user=user, actor=world.people["scheduler"])

    def admin_user(world, form):
        user = form.save()
        people_services.staff_roles_set(user=user, roles=form.cleaned_data["staff_roles"],
                                        actor=world.people["coordinator"])

    individual = lambda world: world.objects["individual"].pk  # noqa: E731
    return {
        # --- people -------------------------------------------------------------------------------------------
        "people.forms.TimezoneFieldsMixin": Case(build=lambda w, d, f: people_forms.TimezoneFieldsMixin(d)),
        "people.forms.ProfileSettingsForm": Case(
            build=lambda w, d, f: people_forms.ProfileSettingsForm(d, instance=_fresh(User, w.people["counselor"].pk)),
            save=lambda w, form: form.save()),
        "people.forms.WorkingProfileForm": Case(
            build=lambda w, d, f: people_forms.WorkingProfileForm(d, instance=owner_volunteer(w)),
            save=lambda w, form: people_services.volunteer_update_profile(
                volunteer_id=form.instance.pk, actor=w.people["owner"], profile=form.profile(),
                expected_version=form.cleaned_data["version"]),
            refusals=(PeopleError,)),
        "people.admin.UserAdminForm": Case(
            build=lambda w, d, f: people_admin.UserAdminForm(d, instance=_fresh(User, w.people["counselor"].pk)),
            save=admin_user, hints={"email": st.sampled_from(["counselor@example.org", "new@example.org"]),
                                    "timezone": st.sampled_from(["Asia/Shanghai", "", "Europe/Paris"])}),
        # --- certificates -------------------------------------------------------------------------------------
        "certificates.forms.LanguageForm": Case(
            build=lambda w, d, f: certificate_forms.LanguageForm(d),
            save=lambda w, form: certificate_services.certificate_issue(
                holder=w.people["owner"], kind="admission", actor=w.people["owner"],
                language=form.cleaned_data["language"]),
            refusals=(CertificateRefused,), hints={"period": st.sampled_from(["", "2026-10", "2026-09..2026-10"])}),
        "certificates.forms.IssueForm": Case(
            build=lambda w, d, f: certificate_forms.IssueForm(d), save=issue, refusals=(CertificateRefused,),
            hints={"period": st.sampled_from(["", "2026-10", "2026-09..2026-10"])}),
        "certificates.forms.RevokeForm": Case(
            build=lambda w, d, f: certificate_forms.RevokeForm(d),
            save=lambda w, form: certificate_services.certificate_revoke(
                certificate_id=w.objects["certificate"].pk, actor=w.people["coordinator"],
                reason=form.cleaned_data["reason"]),
            refusals=(CertificateRefused,)),
        "certificates.forms.BatchForm": Case(
            build=lambda w, d, f: certificate_forms.BatchForm(d),
            save=lambda w, form: batches.batch_request(
                kind=form.cleaned_data["kind"], output_format=form.cleaned_data["output_format"],
                actor=w.people["coordinator"], only_missing=form.cleaned_data["only_missing"],
                period=form.cleaned_data.get("period")),
            refusals=(CertificateRefused,), hints={"period": st.sampled_from(["", "2026-10", "2026-09..2026-10"])}),
        "certificates.forms.FilterForm": Case(
            build=lambda w, d, f: certificate_forms.FilterForm(d),
            save=lambda w, form: list(certificate_selectors.certificates_for_management(
                kind=form.cleaned_data.get("kind", ""), standing=form.cleaned_data.get("standing", ""),
                search=form.cleaned_data.get("q", ""))[:50])),
        # --- credentialing ------------------------------------------------------------------------------------
        "credentialing.forms.applicant.ApplicationProfileForm": Case(
            build=lambda w, d, f: applicant_forms.ApplicationProfileForm(d),
            save=lambda w, form: credentialing_services.application_update_profile(
                application_id=_draft(w).pk, actor=w.people["applicant"],
                data=form.profile_data(), institution_name=form.cleaned_data["institution_name"],
                expected_version=form.cleaned_data["version"]),
            refusals=(CredentialingError,)),
        "credentialing.forms.applicant.OnePageProfileForm": Case(
            build=lambda w, d, f: applicant_forms.OnePageProfileForm(d), save=_one_page_submit,
            refusals=(CredentialingError, ValidationError), examples=15),
        "credentialing.forms.applicant.EvidenceForm": _evidence_case("ethicstraining"),
        "credentialing.forms.applicant.QualificationForm": _evidence_case("qualification"),
        "credentialing.forms.applicant.SpecialTrainingForm": _evidence_case("specialtraining"),
        "credentialing.forms.applicant.PracticeRecordForm": _evidence_case("practicerecord"),
        "credentialing.forms.applicant.WithdrawForm": Case(
            build=lambda w, d, f: applicant_forms.WithdrawForm(d),
            save=lambda w, form: credentialing_services.application_transition(
                application_id=_draft(w).pk, action="withdraw",
                actor=w.people["applicant"], reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"]),
            refusals=(CredentialingError,)),
        "credentialing.forms.vetting.AssignForm": Case(
            build=lambda w, d, f: vetting_forms.AssignForm(d, staff=list(vetting_staff())),
            save=lambda w, form: credentialing_services.applications_assign(
                application_ids=form.cleaned_data["application_ids"], reviewer=form.reviewer_for(w.people["vetting"]),
                actor=w.people["vetting"]),
            refusals=(CredentialingError,)),
        "credentialing.forms.vetting.DecisionForm": Case(
            build=lambda w, d, f: vetting_forms.DecisionForm(d),
            save=lambda w, form: credentialing_services.application_transition(
                application_id=w.objects["review_application"].pk, action=form.cleaned_data["action"],
                actor=w.people["vetting"], reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"]),
            refusals=(CredentialingError,)),
        "credentialing.forms.vetting.EvidenceCheckForm": Case(
            build=lambda w, d, f: vetting_forms.EvidenceCheckForm(d),
            save=lambda w, form: credentialing_services.evidence_check(
                evidence=w.objects["review_practice"], actor=w.people["vetting"],
                check_state=form.cleaned_data["check_state"], note=form.cleaned_data["note"]),
            refusals=(CredentialingError,)),
        "credentialing.forms.vetting.RenewalForm": Case(
            build=lambda w, d, f: vetting_forms.RenewalForm(d),
            save=lambda w, form: expiry.qualification_renew(
                qualification_id=w.objects["owner_qualification"].pk, expires_on=form.cleaned_data["expires_on"],
                actor=w.people["vetting"]),
            refusals=(CredentialingError,)),
        # --- training -----------------------------------------------------------------------------------------
        "training.forms.CurriculumForm": Case(
            build=lambda w, d, f: training_forms.CurriculumForm(d, current=Curriculum.objects.get(is_current=True)),
            save=lambda w, form: training_services.curriculum_new_version(
                actor=w.people["training"], areas=form.area_settings(), note=form.cleaned_data["note"]),
            refusals=(TrainingError,)),
        "training.forms.SeriesForm": Case(
            build=lambda w, d, f: training_forms.SeriesForm(d, supervisors=training_selectors.supervisors()),
            save=series, refusals=(TrainingError,), examples=25,
            hints={"first_day": st.sampled_from(["2026-12-01", "2027-01-01"]),
                   "last_day": st.sampled_from(["2026-12-03", "2027-01-31", "2027-03-05"])}),
        "training.forms.SessionForm": Case(
            build=lambda w, d, f: training_forms.SessionForm(
                d, instance=_fresh(Session, w.objects["training_session"].pk),
                supervisors=training_selectors.supervisors()),
            save=lambda w, form: training_services.session_update(
                session_id=form.instance.pk, actor=w.people["training"], data=form.cleaned_data,
                trainers=form.cleaned_data["trainers"], expected_version=form.cleaned_data["version"]),
            refusals=(TrainingError,),
            hints={"starts_at": st.just("2026-12-01T20:00"),
                   "ends_at": st.sampled_from(["2026-12-01T22:00", "2026-12-02T04:00", "2026-12-02T04:01"])}),
        "training.forms.CancelForm": Case(
            build=lambda w, d, f: training_forms.CancelForm(d),
            save=lambda w, form: training_services.session_cancel(
                session_id=w.objects["other_training_session"].pk, actor=w.people["training"],
                reason=form.cleaned_data["reason"]),
            refusals=(TrainingError,)),
        "training.forms.ImportForm": Case(
            build=lambda w, d, f: training_forms.ImportForm(d, f),
            save=lambda w, form: training_services.attendance_import(
                session_id=w.objects["training_session"].pk, actor=w.people["training"],
                content=form.cleaned_data["file"].read(), filename=form.cleaned_data["file"].name),
            refusals=(TrainingError,),
            files=lambda w: {"file": SimpleUploadedFile("list.csv", b"email,minutes\nowner@example.org,90\n")}),
        "training.forms.AssessmentForm": Case(
            build=lambda w, d, f: training_forms.AssessmentForm(d, areas=["skills", "crisis"]),
            save=lambda w, form: training_services.assessment_record(
                trainee_id=w.objects["trainee"].pk, area=form.cleaned_data["area"], score=form.cleaned_data["score"],
                assessed_on=form.cleaned_data["assessed_on"], assessor=w.people["training"],
                note=form.cleaned_data["note"]),
            refusals=(TrainingError,)),
        "training.forms.PaceForm": Case(
            build=lambda w, d, f: training_forms.PaceForm(d),
            save=lambda w, form: training_selectors.behind_schedule_list(
                idle_days=form.cleaned_data["idle_days"] or 7, max_missed=form.cleaned_data["missed"] or 3)),
        "training.forms.RemindForm": Case(
            build=lambda w, d, f: training_forms.RemindForm(d, trainee_ids=[w.objects["trainee"].pk]),
            save=lambda w, form: training_services.trainees_remind(
                trainee_ids=form.cleaned_data["trainee_ids"], actor=w.people["training"],
                message=form.cleaned_data["message"]),
            refusals=(TrainingError,)),
        # --- rostering ----------------------------------------------------------------------------------------
        "rostering.forms.GenerateForm": Case(
            build=lambda w, d, f: rostering_forms.GenerateForm(d),
            save=lambda w, form: rostering_services.run_create(
                actor=w.people["scheduler"], start=form.cleaned_data["start"], days=form.cleaned_data["days"],
                seconds=form.cleaned_data["seconds"]),
            refusals=(RosterError,)),
        "rostering.forms.AssignForm": Case(build=lambda w, d, f: rostering_forms.AssignForm(d), save=assign_run,
                                           refusals=(RosterError,)),
        "rostering.forms.AvailabilityProfileForm": Case(
            build=lambda w, d, f: rostering_forms.AvailabilityProfileForm(
                d, instance=AvailabilityProfile.objects.filter(user=w.people["counselor"]).first()
                or AvailabilityProfile(user=w.people["counselor"])),
            save=lambda w, form: rostering_services.availability_save(
                user=w.people["counselor"], cells=rostering_forms.parse_grid("a" * 168), profile_form=form)),
        "rostering.forms.RosterSettingsForm": Case(
            build=lambda w, d, f: rostering_forms.RosterSettingsForm(d, instance=RosterSettings.current()),
            save=lambda w, form: rostering_services.roster_rules_update(form=form, actor=w.people["scheduler"]),
            refusals=(RosterError,),
            hints={"night_start": st.sampled_from(["00:00", "23:00", "22:30", ""]),
                   "night_end": st.sampled_from(["07:00", "06:00", "05:30", ""])}),
        "rostering.forms.TemplateExperiencedForm": Case(
            build=lambda w, d, f: rostering_forms.TemplateExperiencedForm(d),
            save=lambda w, form: rostering_services.shift_template_set_experienced(
                template_id=form.cleaned_data["template"], percent=form.cleaned_data["percent"],
                actor=w.people["scheduler"]),
            refusals=(RosterError,),
            hints={"template": st.sampled_from(["1", "2", "999999"])}),
        "rostering.forms.ExperienceMarkForm": Case(
            build=lambda w, d, f: rostering_forms.ExperienceMarkForm(d),
            save=lambda w, form: rostering_services.experience_mark(
                user=_people()[0].objects.filter(email__iexact=form.cleaned_data["email"]).first()
                or w.people["counselor"], actor=w.people["scheduler"]),
            refusals=(RosterError,),
            hints={"email": st.sampled_from(["counselor@example.org", "nobody@example.org"])}),
        "rostering.forms.ShiftTemplateForm": Case(
            build=lambda w, d, f: rostering_forms.ShiftTemplateForm(d),
            save=lambda w, form: rostering_services.shift_template_add(form=form, actor=w.people["scheduler"]),
            refusals=(RosterError,),
            hints={"start_hour": st.integers(min_value=0, max_value=24).map(str),
                   "hours": st.integers(min_value=0, max_value=13).map(str)}),
        "rostering.forms.DemandOverrideForm": Case(
            build=lambda w, d, f: rostering_forms.DemandOverrideForm(d),
            save=lambda w, form: rostering_services.demand_override_set(
                channel=form.cleaned_data["channel"], day=form.cleaned_data["date"],
                start_hour=form.cleaned_data["start_hour"], end_hour=form.cleaned_data["end_hour"],
                wanted=form.cleaned_data["wanted"], actor=w.people["scheduler"]),
            refusals=(RosterError,)),
        "rostering.forms.AvailabilityExceptionForm": Case(
            build=lambda w, d, f: rostering_forms.AvailabilityExceptionForm(d),
            save=lambda w, form: rostering_services.availability_exception_add(
                user=w.people["counselor"], day=form.cleaned_data["date"], start_hour=form.cleaned_data["start_hour"],
                end_hour=form.cleaned_data["end_hour"], kind=form.cleaned_data["kind"]),
            refusals=(RosterError,)),
        "rostering.forms.OfferForm": Case(
            build=lambda w, d, f: rostering_forms.OfferForm(d),
            save=lambda w, form: rostering_services.offer_create(
                assignment_id=w.objects["free_assignment"].pk, actor=w.people["owner"],
                kind=form.cleaned_data["kind"], note=form.cleaned_data["note"]),
            refusals=(RosterError,)),
        # --- supervision --------------------------------------------------------------------------------------
        "supervision.forms.EscalationForm": Case(
            build=lambda w, d, f: supervision_forms.EscalationForm(d),
            save=lambda w, form: supervision_services.escalation_raise(actor=w.people["owner"], **form.cleaned_data),
            refusals=(SupervisionError,)),
        "supervision.forms.CloseForm": Case(
            build=lambda w, d, f: supervision_forms.CloseForm(d),
            save=lambda w, form: supervision_services.escalation_close(
                escalation_id=w.objects["escalation"].pk, actor=w.people["owner_supervisor"], **form.cleaned_data),
            refusals=(SupervisionError,)),
        "supervision.forms.SessionForm": Case(
            build=lambda w, d, f: supervision_forms.SessionForm(d),
            save=lambda w, form: supervision_services.group_session_create(
                actor=w.people["scheduler"], **form.cleaned_data),
            refusals=(SupervisionError,)),
        "supervision.forms.PlaceForm": Case(
            build=lambda w, d, f: supervision_forms.PlaceForm(d),
            save=lambda w, form: supervision_services.groups_place(
                day=timezone.localdate() + timedelta(days=1), actor=w.people["scheduler"],
                days_back=form.cleaned_data["days_back"], seconds=2),
            refusals=(SupervisionError,), examples=15),
        "supervision.forms.SessionRecordForm": Case(
            build=lambda w, d, f: supervision_forms.SessionRecordForm(d),
            save=lambda w, form: supervision_services.session_record(
                session_id=w.objects["group_session"].pk, actor=w.people["owner_supervisor"],
                attendance={w.people["owner"].pk: "present"}, note=form.cleaned_data["note"]),
            refusals=(SupervisionError,)),
        "supervision.forms.HandoverForm": Case(
            build=lambda w, d, f: supervision_forms.HandoverForm(d),
            save=lambda w, form: supervision_services.handover_write(actor=w.people["owner"], **form.cleaned_data),
            refusals=(SupervisionError,)),
        "supervision.forms.IndividualOpenForm": Case(
            build=lambda w, d, f: supervision_forms.IndividualOpenForm(d, referring=True),
            save=lambda w, form: supervision_services.individual_open(
                actor=w.people["coordinator"], reason=form.cleaned_data["reason"],
                counselor=form.cleaned_data.get("counselor")),
            refusals=(SupervisionError,)),
        "supervision.forms.IndividualAssignForm": Case(
            build=lambda w, d, f: supervision_forms.IndividualAssignForm(d),
            save=lambda w, form: supervision_services.individual_assign(
                item_id=individual(w), actor=w.people["coordinator"], supervisor=form.cleaned_data["supervisor"]),
            refusals=(SupervisionError,)),
        "supervision.forms.IndividualScheduleForm": Case(
            build=lambda w, d, f: supervision_forms.IndividualScheduleForm(d),
            save=lambda w, form: supervision_services.individual_schedule(
                item_id=individual(w), actor=w.people["owner_supervisor"], at=form.cleaned_data["at"]),
            refusals=(SupervisionError,)),
        "supervision.forms.IndividualRecordForm": Case(
            build=lambda w, d, f: supervision_forms.IndividualRecordForm(d),
            save=lambda w, form: supervision_services.individual_record(
                item_id=individual(w), actor=w.people["owner_supervisor"], notes=form.cleaned_data["notes"]),
            refusals=(SupervisionError,)),
        "supervision.forms.FeedbackImportForm": Case(
            build=lambda w, d, f: supervision_forms.FeedbackImportForm(d, f),
            save=lambda w, form: supervision_services.feedback_import(
                actor=w.people["monitoring"], content=form.cleaned_data["upload"].read(),
                file_name=form.cleaned_data["upload"].name),
            files=lambda w: {"upload": SimpleUploadedFile("export.csv", b"session,date\n")}),
        "supervision.forms.EvaluationForm": Case(
            build=lambda w, d, f: supervision_forms.EvaluationForm(d),
            save=lambda w, form: supervision_services.evaluation_record(
                actor=w.people["owner_supervisor"], **form.cleaned_data),
            refusals=(SupervisionError,)),
    }


def key_of(form_class) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


CASES = cases()


def test_every_form_is_fuzzed():
    missing = sorted(key_of(cls) for cls in project_forms())
    missing = [key for key in missing if key not in CASES]
    assert not missing, f"forms without a fuzz case in {__name__}.cases(): {missing}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_never_breaks_a_form_or_its_service(world, name):
    case = CASES[name]

    outcomes = {"invalid": 0, "saved": 0, "refused": 0}

    @settings(FUZZ, max_examples=case.examples)
    @given(data=st.data())
    def run(data):
        files = case.files(world) if case.files else None
        posted = data.draw(form_data(case.build(world, {}, None), hints=case.hints))
        with transaction.atomic():
            form = case.build(world, posted, files)
            if not form.is_valid():
                outcomes["invalid"] += 1
            elif case.save is not None:
                try:
                    case.save(world, form)
                except case.refusals:
                    outcomes["refused"] += 1
                else:
                    outcomes["saved"] += 1
            transaction.set_rollback(True)

    run()
    # the data reached the service: a fuzz that only ever met the form's own errors would prove little
    assert case.save is None or outcomes["saved"] + outcomes["refused"] > 0, outcomes
    print(name, outcomes)
