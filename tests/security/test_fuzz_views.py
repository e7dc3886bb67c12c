"""The fuzzed form data of ``test_fuzz_forms`` posted through the real pages (a sample of them, each as the
person who uses it), and hostile query strings on the pages that read them: never a server error. The test
client re-raises a view's exception, so any crash fails the example with its traceback."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.hostile import form_data, nasty
from tests.security.test_fuzz_forms import CASES
from tests.security.urls import ARGS
from tests.security.world import png_bytes

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@dataclass(frozen=True)
class Page:
    url: str                 # URL name (its arguments: the permission matrix's)
    role: str                # who posts
    form: str = ""           # the form case whose fields are fuzzed
    prefix: str | None = None
    extra: dict = field(default_factory=dict)      # fixed fields the page needs (which form of several)
    hostile_extra: tuple = ()                      # more fields, fuzzed as free text
    files: bool = False


PAGES = [
    Page("credentialing:application_edit", "applicant", "credentialing.forms.applicant.ApplicationProfileForm"),
    Page("credentialing:evidence_add", "applicant", "credentialing.forms.applicant.PracticeRecordForm", files=True),
    Page("credentialing:application_withdraw", "applicant", "credentialing.forms.applicant.WithdrawForm"),
    Page("credentialing:queue_assign", "vetting", "credentialing.forms.vetting.AssignForm"),
    Page("credentialing:review_action", "vetting", "credentialing.forms.vetting.DecisionForm",
         hostile_extra=("then",)),
    Page("credentialing:evidence_check", "vetting", "credentialing.forms.vetting.EvidenceCheckForm"),
    Page("credentialing:qualification_renew", "vetting", "credentialing.forms.vetting.RenewalForm"),
    Page("people:profile_settings", "counselor", "people.forms.ProfileSettingsForm"),
    Page("people:working_profile", "owner", "people.forms.WorkingProfileForm"),
    Page("certificates:issue", "coordinator", "certificates.forms.IssueForm"),
    Page("certificates:revoke", "coordinator", "certificates.forms.RevokeForm"),
    Page("certificates:download_own", "owner", "certificates.forms.LanguageForm"),
    Page("training:series_new", "training", "training.forms.SeriesForm"),
    Page("training:session", "training", "training.forms.SessionForm"),
    Page("training:counselor", "training", "training.forms.AssessmentForm"),
    Page("training:curriculum", "training", "training.forms.CurriculumForm"),
    Page("training:attendance", "owner_supervisor", hostile_extra=("status-{enrolment}", "minutes-{enrolment}",
                                                                   "version")),
    Page("rostering:runs", "scheduler", "rostering.forms.GenerateForm"),
    Page("rostering:assignment_add", "scheduler", "rostering.forms.AssignForm"),
    Page("rostering:rules", "scheduler", "rostering.forms.RosterSettingsForm", extra={"form": "rules"}),
    Page("rostering:rules", "scheduler", "rostering.forms.ShiftTemplateForm", extra={"form": "template"}),
    Page("rostering:rules", "scheduler", "rostering.forms.DemandOverrideForm", extra={"form": "override"}),
    Page("rostering:rules", "scheduler", hostile_extra=("form", "peak", "template")),
    Page("rostering:availability", "counselor", "rostering.forms.AvailabilityProfileForm", hostile_extra=("grid",)),
    Page("rostering:availability_exception", "counselor", "rostering.forms.AvailabilityExceptionForm",
         hostile_extra=("remove",)),
    Page("rostering:hours", "scheduler", hostile_extra=("email", "hours", "reason")),
    Page("rostering:offer_create", "owner", hostile_extra=("kind", "note")),
    Page("rostering:run_replan", "scheduler", hostile_extra=("seconds",)),
    Page("supervision:escalation_new", "owner", "supervision.forms.EscalationForm"),
    Page("supervision:escalation_close", "owner_supervisor", "supervision.forms.CloseForm"),
    Page("supervision:groups", "scheduler", "supervision.forms.SessionForm", prefix="session"),
    Page("supervision:groups_place", "scheduler", "supervision.forms.PlaceForm"),
    Page("supervision:session", "owner_supervisor", "supervision.forms.SessionRecordForm",
         hostile_extra=("attendance-{owner}",)),
    Page("supervision:handover", "owner", "supervision.forms.HandoverForm"),
    Page("supervision:individual_list", "coordinator", "supervision.forms.IndividualOpenForm"),
    Page("supervision:individual", "owner_supervisor", "supervision.forms.IndividualRecordForm",
         extra={"step": "record"}),
    Page("supervision:individual", "owner_supervisor", "supervision.forms.IndividualScheduleForm",
         extra={"step": "schedule"}),
    Page("supervision:individual", "coordinator", "supervision.forms.IndividualAssignForm", extra={"step": "assign"},
         hostile_extra=("step",)),
    Page("supervision:feedback", "owner_supervisor", "supervision.forms.EvaluationForm", prefix="evaluation"),
]
# Pages that read their query string: each parameter fuzzed.
QUERIES = [
    ("credentialing:queue", "vetting", ("state", "reviewer", "q", "verdict", "role", "page", "sort", "province")),
    ("certificates:manage", "coordinator", ("kind", "standing", "q", "page")),
    ("training:counselors", "training", ("state", "q", "page")),
    ("training:sessions", "training", ("when", "page")),
    ("training:behind", "training", ("idle_days", "missed")),
    ("training:report", "training", ("export",)),
    ("rostering:hours", "scheduler", ("month", "format")),
    ("supervision:groups", "scheduler", ("date",)),
    ("supervision:handover", "owner", ("q",)),
    ("credentialing:home", "anonymous", ("next", "page")),
]


def _fill(name: str, world) -> str:
    return name.format(enrolment=world.objects["enrolment"].pk, owner=world.people["owner"].pk)


@pytest.mark.parametrize("target", PAGES,
                         ids=lambda target: f"{target.url}-{target.form.rsplit('.', 1)[-1] or 'fields'}")
def test_fuzzed_posts_never_break_a_page(world, target):
    page = target
    path = reverse(page.url, kwargs=ARGS.get(page.url, lambda w: {})(world))
    client = world.clients[page.role]
    case = CASES.get(page.form)

    @FUZZ
    @given(data=st.data())
    def run(data):
        posted = {}
        if case is not None:
            form = case.build(world, {}, None)
            form.prefix = page.prefix
            posted = data.draw(form_data(form, hints=case.hints))
        for name in page.hostile_extra:
            posted[_fill(name, world)] = data.draw(nasty())
        posted.update(page.extra)
        payload = {key: posted.getlist(key) if hasattr(posted, "getlist") else value
                   for key, value in posted.items()}
        if page.files:
            payload["upload"] = SimpleUploadedFile("scan.png", png_bytes(), "image/png")
        with transaction.atomic():
            response = client.post(path, payload)
            assert response.status_code < 500, response
            transaction.set_rollback(True)

    run()


@pytest.mark.parametrize(("url", "role", "parameters"), QUERIES, ids=[query[0] for query in QUERIES])
def test_hostile_query_strings_never_break_a_page(world, url, role, parameters):
    path = reverse(url)
    client = world.clients[role]

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(parameters), nasty(), max_size=len(parameters)))
    def run(query):
        response = client.get(path, query)
        assert response.status_code < 500, response

    run()


# The edges hypothesis may not meet in 20 examples, tried on every parameter of every page above.
EDGE_QUERY_VALUES = ["0001-01-01", "9999-12-31", "0001-01", "9999-12", "0-0", "2024-13", "-1", "0", "9" * 5000,
                     "\x00", "١٢", "²", "[]", "a" * 3000]


@pytest.mark.parametrize(("url", "role", "parameters"), QUERIES, ids=[query[0] for query in QUERIES])
def test_edge_query_values_never_break_a_page(world, url, role, parameters):
    client = world.clients[role]
    for parameter in parameters:
        for value in EDGE_QUERY_VALUES:
            response = client.get(reverse(url), {parameter: value})
            assert response.status_code < 500, (parameter, value)


EDGE_POST_VALUES = ["\x00", "a\x00b", "NaN", "sNaN", "Infinity", "-0", "1e400", "9" * 5000, "²", "0001-01-01",
                    "a" * 5000, " "]


@pytest.mark.parametrize("target", [page for page in PAGES if page.hostile_extra],
                         ids=lambda target: f"{target.url}-{'-'.join(target.hostile_extra)}")
def test_edge_values_in_plain_fields_never_break_a_page(world, target):
    """Fields a page reads without a form (a note, a search, a number): each edge value in each of them."""
    path = reverse(target.url, kwargs=ARGS.get(target.url, lambda w: {})(world))
    client = world.clients[target.role]
    valid = {"hours": "2", "reason": "Stayed late", "email": world.people["owner"].email, "kind": "handover",
             "form": "curve", "step": "record", "grid": "a" * 168}
    for name in target.hostile_extra:
        for value in EDGE_POST_VALUES:
            payload = {**{_fill(other, world): valid.get(other, "") for other in target.hostile_extra},
                       **target.extra, _fill(name, world): value}
            with transaction.atomic():
                response = client.post(path, payload)
                assert response.status_code < 500, (name, value)
                transaction.set_rollback(True)
