"""What a hostile tester typed, and the class of bug behind each: numbers past their limits, totals that no longer
fit, bulk actions that half-apply, invalid forms that still change things, text without limit, absurd dates.

Paths are written out (not reversed by name) so these tests do not depend on how URLs are named.
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.audit import entries_about
from common.models import AuditEntry
from credentialing import limits
from credentialing.enums import ApplicationState, EvidenceCheck, StaffRole
from credentialing.forms.applicant import evidence_form_class
from credentialing.models import (
    Application,
    CriteriaSet,
    EthicsTraining,
    PracticeRecord,
    Qualification,
    SpecialTraining,
)
from credentialing.services import application_transition
from tests.credentialing.factories import (
    ApplicationFactory,
    PracticeRecordFactory,
    UserFactory,
    complete_application,
    png_bytes,
    staff_member,
    with_totp,
)
from tests.credentialing.factories_vetting import verified_application

pytestmark = pytest.mark.django_db
S = ApplicationState
HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def png(name="log.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def practice_post(hours, **changes) -> dict:
    return {"hours": str(hours), "evidence_kind": "log", "description": "Counseling centre",
            "period_start": "2015-09-01", "period_end": "2023-06-30", "upload": png(), **changes}


def ethics_post(hours, **changes) -> dict:
    return {"provider": "Registration system", "hours": str(hours), "approved_by_registry": "on",
            "completed_on": "2021-05-01", "upload": png(), **changes}


@pytest.fixture
def applicant_client(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    client.application = application
    return client


def pages_of(application: Application, client, reviewer_client, coordinator_client) -> dict[str, int]:
    """Every page that shows the application or its totals, with its status code."""
    statuses = {path: client.get(path).status_code
                for path in ("/", "/application/", "/application/history/", "/me/data/")}
    for path in (f"/vetting/{application.pk}/", "/vetting/?state=", "/vetting/statistics/"):
        statuses[path] = reviewer_client.get(path).status_code
    for path in ("/admin/credentialing/application/", f"/admin/credentialing/application/{application.pk}/change/"):
        statuses[path] = coordinator_client.get(path).status_code
    return statuses


@pytest.fixture
def reviewer_client(django_user_model):
    from django.test import Client

    client = Client()
    client.force_login(staff_member(StaffRole.VETTING))
    return client


@pytest.fixture
def coordinator_client():
    from django.test import Client

    client = Client()
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    return client


# --- 1. every number a person types has a limit; stored totals always fit -----------------------------


@pytest.mark.parametrize("hours", ["50000.1", "999999.9", "100000", "1e6", "0", "0.4", "-5", "0.05", "NaN",
                                   "Infinity", "12345678901234567890"])
def test_a_practice_record_past_its_limits_is_refused_with_a_message_and_saves_nothing(applicant_client, hours):
    response = applicant_client.post("/application/evidence/practicerecord/add/", practice_post(hours))
    assert response.status_code == 200
    assert response.context["form"].errors.get("hours")
    assert not PracticeRecord.objects.exists()


@pytest.mark.parametrize(("model", "post", "path", "existing", "extra"), [
    (PracticeRecord, practice_post, "practicerecord", ["50000", "50000"], "0.5"),
    (PracticeRecord, practice_post, "practicerecord", ["30000", "30000", "30000"], "10000.1"),
    (EthicsTraining, ethics_post, "ethicstraining", ["1000"] * 5, "0.5"),
    (EthicsTraining, ethics_post, "ethicstraining", ["999.9"] * 5, "1000"),
])
def test_a_record_that_would_push_the_total_over_its_limit_is_refused_and_every_page_still_answers(
        applicant_client, reviewer_client, coordinator_client, model, post, path, existing, extra):
    application = applicant_client.application
    for hours in existing:
        response = applicant_client.post(f"/application/evidence/{path}/add/", post(hours))
        assert response.status_code == 302, response.context["form"].errors
    response = applicant_client.post(f"/application/evidence/{path}/add/", post(extra))
    assert response.status_code == 200
    assert "at most" in str(response.context["form"].non_field_errors())
    assert model.objects.filter(application=application).count() == len(existing)

    application.refresh_from_db()
    total = sum(Decimal(hours) for hours in existing)
    assert (application.practice_hours if model is PracticeRecord else application.ethics_hours) == total
    application_transition(application_id=application.pk, action="submit", actor=application.applicant)
    statuses = pages_of(application, applicant_client, reviewer_client, coordinator_client)
    assert set(statuses.values()) == {200}, statuses
    export = coordinator_client.post("/admin/credentialing/application/export/", {"format": "0", **{
        f"applicationresource_{column}": "on" for column in ("email", "practice_hours", "ethics_hours_approved")}})
    assert export.status_code == 200
    application.refresh_from_db()
    response = applicant_client.post("/application/withdraw/", {"reason": "", "version": application.version})
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.WITHDRAWN


@pytest.mark.parametrize(("model", "fields"), [
    (PracticeRecord, {"hours": limits.MAX_PRACTICE_HOURS_PER_RECORD + Decimal("0.1")}),
    (EthicsTraining, {"hours": limits.MAX_ETHICS_HOURS_PER_RECORD + Decimal("0.1")}),
    (SpecialTraining, {"hours": limits.MAX_SPECIAL_TRAINING_HOURS + 1, "title": "x", "covers_crisis": True}),
])
def test_the_database_refuses_hours_past_a_records_limit(model, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(application=ApplicationFactory(), **fields)


@pytest.mark.parametrize(("field", "value"), [
    ("practice_hours", limits.MAX_PRACTICE_HOURS_TOTAL + Decimal("0.1")),
    ("ethics_hours", limits.MAX_ETHICS_HOURS_TOTAL + Decimal("0.1")),
    ("practice_hours", Decimal("-1")),
])
def test_the_database_refuses_a_stored_total_past_its_limit(field, value):
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(**{field: value})


def test_the_largest_totals_allowed_fit_the_stored_columns_and_read_back():
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).update(practice_hours=limits.MAX_PRACTICE_HOURS_TOTAL,
                                                         ethics_hours=limits.MAX_ETHICS_HOURS_TOTAL)
    application.refresh_from_db()
    assert (application.practice_hours, application.ethics_hours) == (limits.MAX_PRACTICE_HOURS_TOTAL,
                                                                     limits.MAX_ETHICS_HOURS_TOTAL)


@pytest.mark.parametrize(("field", "value"), [("min_practice_hours", limits.MAX_PRACTICE_HOURS_TOTAL + 1),
                                              ("min_ethics_hours", limits.MAX_ETHICS_HOURS_TOTAL + 1),
                                              ("min_ethics_hours", -1)])
def test_a_criteria_threshold_nobody_could_meet_is_refused(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriteriaSet.objects.create(name="impossible", **{field: value})


@HYPOTHESIS
@given(hours=st.decimals(min_value=-10, max_value=10**7, places=1, allow_nan=False))
def test_the_practice_form_accepts_exactly_the_hours_within_the_limit(hours):
    form = evidence_form_class("practicerecord")(practice_post(hours), {"upload": png()})
    assert ("hours" not in form.errors) == (limits.MIN_HOURS <= hours <= limits.MAX_PRACTICE_HOURS_PER_RECORD)


# --- 2. a bulk action is all or nothing --------------------------------------------------------------------


def _submitted():
    application = complete_application()
    return application_transition(application_id=application.pk, action="submit", actor=application.applicant)


@pytest.mark.parametrize("bad", ["missing", "far_missing", "approved", "draft", "withdrawn"])
def test_bulk_assign_with_one_bad_id_changes_nothing_and_names_it(reviewer_client, bad):
    good = [_submitted(), _submitted()]
    if bad == "missing":
        bad_id = max(a.pk for a in good) + 1000
    elif bad == "far_missing":
        bad_id = 2**62
    else:
        bad_id = verified_application({"approved": S.APPROVED, "draft": S.DRAFT, "withdrawn": S.WITHDRAWN}[bad]).pk
    before = AuditEntry.objects.count()
    ids = [good[0].pk, bad_id, good[1].pk]
    response = reviewer_client.post("/vetting/assign/", {"application_ids": ids, "reviewer": "me"})
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before
    for application in good:
        application.refresh_from_db()
        assert (application.state, application.reviewer_id) == (S.SUBMITTED, None)
    messages = [str(m) for m in reviewer_client.get(response.url).context["messages"]]
    assert any("Nothing was assigned" in m and f"no. {bad_id}" in m for m in messages), messages


@pytest.mark.parametrize("ids", [["1", str(10**30)], ["-3"], ["0"], ["x1"], [str(i) for i in range(1, 520)]])
def test_bulk_assign_with_ids_no_database_holds_answers_a_message(reviewer_client, ids):
    application = _submitted()
    response = reviewer_client.post("/vetting/assign/", {"application_ids": [str(application.pk), *ids],
                                                         "reviewer": "me"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.reviewer_id is None
    assert [str(m) for m in reviewer_client.get(response.url).context["messages"]]


# --- 7. an invalid form changes nothing; every text has a limit; dates are plausible ----------------------


@pytest.mark.parametrize("length", [limits.MAX_NOTE_LENGTH + 1, 10_000, 100_000])
def test_withdrawing_with_a_reason_past_its_limit_withdraws_nothing(applicant_client, length):
    application = applicant_client.application
    response = applicant_client.post("/application/withdraw/", {"reason": "x" * length,
                                                                "version": application.version})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert not entries_about(application).filter(action="application.withdraw").exists()


def test_withdrawing_with_a_reason_within_its_limit_keeps_the_reason(applicant_client):
    application = applicant_client.application
    reason = "y" * limits.MAX_NOTE_LENGTH
    response = applicant_client.post("/application/withdraw/", {"reason": reason, "version": application.version})
    assert response.status_code == 302
    assert entries_about(application).get(action="application.withdraw").reason == reason


@pytest.mark.parametrize("action", ["reject", "request_changes", "approve"])
@pytest.mark.parametrize("length", [limits.MAX_REASON_LENGTH + 1, 50_000])
def test_a_decision_with_a_reason_past_its_limit_changes_nothing(reviewer_client, action, length):
    application = verified_application(S.IN_REVIEW)
    response = reviewer_client.post(f"/vetting/{application.pk}/action/",
                                    {"action": action, "reason": "z" * length, "version": application.version})
    assert response.status_code == 400
    assert response.context["decision_form"].errors["reason"]
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.state, fresh.version, fresh.decision_reason) == (S.IN_REVIEW, application.version, "")


def test_the_services_refuse_text_past_its_limit_whoever_calls_them():
    from credentialing.exceptions import TransitionRefused
    from credentialing.services import evidence_check

    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    reviewer = staff_member(StaffRole.VETTING)
    with pytest.raises(TransitionRefused):
        application_transition(application_id=application.pk, action="reject", actor=reviewer,
                               reason="r" * (limits.MAX_REASON_LENGTH + 1))
    with pytest.raises(TransitionRefused):
        evidence_check(evidence=application.practicerecord_set.get(), actor=reviewer, check_state="not_acceptable",
                       note="n" * (limits.MAX_NOTE_LENGTH + 1))
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW


@pytest.mark.parametrize("length", [limits.MAX_NOTE_LENGTH + 1, 20_000])
def test_a_reviewer_note_past_its_limit_changes_nothing(reviewer_client, length):
    application = verified_application(S.IN_REVIEW, check_state=EvidenceCheck.PENDING)
    item = application.practicerecord_set.get()
    response = reviewer_client.post(f"/vetting/{application.pk}/evidence/practicerecord/{item.pk}/check/",
                                    {"check_state": "not_acceptable", "note": "n" * length})
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.check_state, item.check_note) == (EvidenceCheck.PENDING, "")


@pytest.mark.parametrize(("model", "field"), [(Application, "decision_reason"), (PracticeRecord, "check_note"),
                                              (Qualification, "check_note")])
def test_the_database_refuses_free_text_past_its_limit(model, field):
    if model is Application:
        target = ApplicationFactory()
    else:
        target = verified_application(S.IN_REVIEW).practicerecord_set.get() if model is PracticeRecord else \
            verified_application(S.IN_REVIEW).qualification_set.get()
    limit = model._meta.get_field(field).max_length
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=target.pk).update(**{field: "t" * (limit + 1)})


@pytest.mark.parametrize(("start", "end"), [("2020-05-02", "2020-05-01"), ("2023-01-01", "2019-12-31")])
def test_a_practice_period_that_ends_before_it_starts_is_refused(applicant_client, start, end):
    response = applicant_client.post("/application/evidence/practicerecord/add/",
                                     practice_post("600", period_start=start, period_end=end))
    assert response.status_code == 200 and response.context["form"].errors["period_end"]
    assert not PracticeRecord.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeRecordFactory(period_start=date.fromisoformat(start), period_end=date.fromisoformat(end))


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1949-12-31", "2101-01-01"])
@pytest.mark.parametrize(("path", "post", "field"), [
    ("practicerecord", practice_post, "period_start"),
    ("practicerecord", practice_post, "period_end"),
    ("ethicstraining", ethics_post, "completed_on"),
])
def test_implausible_dates_are_refused(applicant_client, value, path, post, field):
    data = post("600" if path == "practicerecord" else "16", **{field: value})
    if field == "period_start":
        data["period_end"] = ""
    response = applicant_client.post(f"/application/evidence/{path}/add/", data)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not PracticeRecord.objects.exists() and not EthicsTraining.objects.exists()


def test_a_completed_training_cannot_be_dated_in_the_future(applicant_client):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = applicant_client.post("/application/evidence/ethicstraining/add/",
                                     ethics_post("16", completed_on=tomorrow))
    assert response.context["form"].errors["completed_on"]


@pytest.mark.parametrize(("field", "value"), [("issued_on", date(1, 1, 1)), ("expires_on", date(9999, 12, 31))])
def test_the_database_refuses_implausible_qualification_dates(field, value):
    qualification = verified_application(S.IN_REVIEW).qualification_set.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Qualification.objects.filter(pk=qualification.pk).update(**{field: value})


@HYPOTHESIS
@given(value=st.dates())
def test_a_date_is_plausible_exactly_between_the_limits(value):
    from django.core.exceptions import ValidationError

    try:
        limits.validate_plausible_date(value)
    except ValidationError:
        plausible = False
    else:
        plausible = True
    assert plausible == (limits.EARLIEST_DATE <= value <= limits.LATEST_DATE)


def test_evidence_cannot_be_deleted_in_bulk_from_the_admin(coordinator_client):
    """Deleting ticked evidence in the admin would skip the audit trail, the stored totals and the files."""
    application = verified_application(S.IN_REVIEW)
    records = list(PracticeRecord.objects.filter(application=application).values_list("pk", flat=True))
    response = coordinator_client.post("/admin/credentialing/practicerecord/", {
        "action": "delete_selected", "_selected_action": records, "post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert PracticeRecord.objects.filter(pk__in=records).count() == len(records)
