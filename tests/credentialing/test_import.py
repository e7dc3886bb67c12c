"""Bulk import of applicants: validation, all-or-nothing, verdicts by the criteria functions, export round trip."""
import io
from decimal import Decimal

import pytest
import tablib
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError

from common.models import AuditEntry
from credentialing.enums import ApplicationState, EvidenceCheck, Verdict
from credentialing.importing import COLUMNS
from credentialing.models import (
    Application,
    EthicsTraining,
    Institution,
    PracticeRecord,
    Qualification,
    SpecialTraining,
)
from credentialing.resources import ApplicationResource, run_import
from people.models import User
from tests.credentialing.factories import UserFactory, complete_application

pytestmark = pytest.mark.django_db


def row(**overrides) -> dict:
    values = {
        "email": "li.na@example.org", "full_name": "李娜", "phone": "13800001111", "institution": "武汉大学",
        "province": "湖北省", "city": "武汉市", "timezone": "Asia/Shanghai", "languages": "中文",
        "role": "counselor", "channels": "voice,text", "qualification_kind": "registered-psychologist",
        "qualification_number": "R-2019-0001", "qualification_issuer": "中国心理学会", "qualification_issued_on":
        "2019-06-01", "qualification_expires_on": "", "ethics_hours_approved": "16", "ethics_hours_other": "4",
        "special_topics": "trauma,first_aid,crisis", "practice_hours": "650", "state": "",
    }
    values.update(overrides)
    return values


def dataset(*rows: dict) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(COLUMNS))
    for values in rows:
        data.append([values[column] for column in COLUMNS])
    return data


def test_a_valid_file_creates_applicants_applications_evidence_and_verdicts():
    actor = UserFactory(is_superuser=True, is_staff=True)
    result = run_import(dataset(
        row(),
        row(email="wang.fang@example.org", full_name="王芳", ethics_hours_approved="10", ethics_hours_other="0"),
        row(email="zhao.lei@example.org", role="supervisor", channels="", qualification_kind="registered-supervisor",
            ethics_hours_approved="", special_topics="", practice_hours="", institution="武汉大学"),
    ), actor=actor)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    first = Application.objects.select_related("applicant", "institution").get(applicant__email="li.na@example.org")
    assert first.state == ApplicationState.SUBMITTED and first.submitted_at and first.criteria_set.is_active
    assert first.institution.name == "武汉大学" and Institution.objects.filter(name="武汉大学").count() == 1
    assert first.institution.kind == "university"
    assert not first.applicant.has_usable_password()
    assert EmailAddress.objects.get(user=first.applicant).verified is False
    # imported evidence has no file, so it waits for a reviewer instead of counting as met
    assert first.verdict == Verdict.NEEDS_REVIEW
    assert first.verdict_ethics == Verdict.NEEDS_REVIEW and first.ethics_hours == Decimal("16")
    assert first.practice_hours == Decimal("650")
    assert Qualification.objects.get(application=first).check_state == EvidenceCheck.PENDING
    assert EthicsTraining.objects.filter(application=first).count() == 2  # approved hours and other hours
    assert SpecialTraining.objects.get(application=first).topics() == {"trauma", "first_aid", "crisis"}
    assert PracticeRecord.objects.get(application=first).hours == Decimal("650")
    second = Application.objects.get(applicant__email="wang.fang@example.org")
    assert second.verdict == Verdict.NOT_MET and second.verdict_ethics == Verdict.NOT_MET
    supervisor = Application.objects.get(applicant__email="zhao.lei@example.org")
    assert supervisor.verdict_qualification == Verdict.NEEDS_REVIEW and supervisor.verdict_ethics == ""
    entries = AuditEntry.objects.filter(action="application.imported")
    assert entries.count() == 3 and {e.actor for e in entries} == {actor}


def test_one_bad_row_writes_nothing_and_the_report_names_row_and_column(capsys):
    data = dataset(
        row(email="a@example.org"),
        row(email="b@example.org", practice_hours="-5", channels="voice,fax"),
        row(email="c@example.org"),
    )
    result = run_import(data)

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert set(invalid.error_dict) == {"practice_hours", "channels"}
    assert "fax" in invalid.error_dict["channels"][0]
    assert not User.objects.exists() and not Application.objects.exists() and not Institution.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_command_prints_the_row_errors_and_writes_nothing(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(dataset(row(), row(email="not-an-address", qualification_issued_on="1.6.2019")).export("csv"),
                    encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_applications", str(path), stdout=out, stderr=out)
    assert "Row 2, email:" in out.getvalue() and "Row 2, qualification_issued_on:" in out.getvalue()
    assert not Application.objects.exists()

    path.write_text(dataset(row()).export("csv"), encoding="utf-8")
    call_command("import_applications", str(path), stdout=out)
    assert "1 applications imported" in out.getvalue()
    assert Application.objects.count() == 1


def test_an_email_twice_in_the_file_or_already_registered_is_refused():
    UserFactory(email="taken@example.org")
    result = run_import(dataset(row(email="dup@example.org"), row(email="DUP@example.org"),
                                row(email="taken@example.org")))

    errors = {invalid.number: invalid.error_dict for invalid in result.invalid_rows}
    assert set(errors) == {2, 3}
    assert "row 1" in errors[2]["email"][0]
    assert "already has an account" in errors[3]["email"][0]
    assert User.objects.count() == 1


def test_unknown_codes_dates_and_timezones_are_reported_per_column():
    result = run_import(dataset(row(role="therapist", qualification_kind="phd", timezone="Mars/Olympus",
                                    special_topics="trauma,yoga", state="approved",
                                    qualification_issued_on="2020-01-01", qualification_expires_on="2019-01-01")))
    [invalid] = result.invalid_rows
    assert set(invalid.error_dict) == {"role", "qualification_kind", "timezone", "special_topics", "state"}
    result = run_import(dataset(row(qualification_issued_on="2020-01-01", qualification_expires_on="2019-01-01",
                                    ethics_hours_approved="many")))
    [invalid] = result.invalid_rows
    assert set(invalid.error_dict) == {"qualification_expires_on", "ethics_hours_approved"}
    assert not Application.objects.exists()


def test_a_dry_run_validates_everything_and_writes_nothing():
    result = run_import(dataset(row(), row(email="second@example.org")), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors() and result.totals["new"] == 2
    assert not User.objects.exists() and not Application.objects.exists()


def test_export_round_trip_gives_the_same_rows():
    complete_application(applicant=UserFactory(email="exported@example.org"), full_name="陈静")
    exported = ApplicationResource().export()
    assert exported.headers == list(COLUMNS)
    [values] = exported.dict
    assert values["email"] == "exported@example.org" and values["practice_hours"] == "600"
    assert values["special_topics"] == "trauma,first_aid,crisis" and values["channels"] == "voice,text"

    # a reimport into an empty database gives back the same rows
    Application.objects.all().delete()
    User.objects.all().delete()
    values["state"] = "submitted"
    result = run_import(dataset(values))
    assert not result.has_validation_errors(), [i.error_dict for i in result.invalid_rows]
    assert ApplicationResource().export().dict == [values]


def test_the_sample_file_in_fixtures_imports(settings):
    out = io.StringIO()
    call_command("import_applications", str(settings.BASE_DIR / "fixtures" / "sample-import.csv"), stdout=out)
    assert "20 applications imported" in out.getvalue()
    assert Application.objects.filter(role="supervisor").exists()
    assert Application.objects.filter(timezone="Europe/London").exists()
    assert Application.objects.filter(verdict=Verdict.NOT_MET).exists()


def test_a_bad_row_after_a_written_batch_still_rolls_back_everything():
    from credentialing.demo import import_rows

    rows = import_rows(ApplicationResource._meta.batch_size + 5, seed=9)
    rows[-2]["qualification_issued_on"] = "yesterday"
    result = run_import(dataset(*rows))

    assert [invalid.number for invalid in result.invalid_rows] == [len(rows) - 1]
    assert not User.objects.exists() and not Application.objects.exists() and not AuditEntry.objects.exists()
    assert not Institution.objects.exists() and not EthicsTraining.objects.exists()


def test_a_csv_with_a_byte_order_mark_and_excel_line_ends_imports(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbf" + dataset(row()).export("csv").replace("\n", "\r\n").encode("utf-8"))
    call_command("import_applications", str(path), stdout=io.StringIO())
    assert Application.objects.get().full_name == "李娜"


def test_an_unreadable_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("email\nlatin1@example.org,é".encode("latin-1"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_applications", str(path))


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 25):  # small enough for one INSERT per table even with SQLite's 999 parameters
        rows = [row(email=f"person{size}-{i}@example.org", institution=f"University {i % 7}") for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            result = run_import(dataset(*rows))
        assert result.totals["new"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_excel_workbook_with_typed_cells_imports(tmp_path):
    """Spreadsheets from earlier intakes come from Excel: numbers are numbers and dates are dates there."""
    from datetime import date

    from openpyxl import Workbook

    typed = {"phone": 13800001111, "qualification_issued_on": date(2019, 6, 1), "ethics_hours_approved": 16,
             "ethics_hours_other": 4.5, "practice_hours": 650, "qualification_expires_on": None, "state": None}
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append([typed.get(column, row()[column]) if column in typed else row()[column] for column in COLUMNS])
    path = tmp_path / "intake.xlsx"
    workbook.save(path)

    call_command("import_applications", str(path), stdout=io.StringIO())

    application = Application.objects.get()
    assert application.phone == "13800001111"
    assert application.qualification_set.get().issued_on == date(2019, 6, 1)
    assert application.practice_hours == Decimal("650")
    assert application.verdict_ethics == Verdict.NEEDS_REVIEW  # imported hours have no file until verified
