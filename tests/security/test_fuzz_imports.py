"""The three imports fed hostile rows and malformed files: the applicants' spreadsheet (admin and command), the
meeting tool's attendance list, the platform's help-seeker feedback. Each either imports or says what is wrong
in words, writes nothing when it refuses, and never fails with a server error.

The rows start from a valid one and have some cells replaced by hostile values, so most checks pass and the
hostile value travels as far as it can (the database's limits must be met before it).
"""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentialing.importing import COLUMNS, ImportFileError, check_columns, error_report, load_dataset
from credentialing.models import Application
from credentialing.resources import run_import
from people.models import User
from supervision import services as supervision_services
from supervision.models import HelpSeekerFeedback
from tests.security.hostile import nasty
from tests.security.state import writes
from training import services as training_services
from training.exceptions import TrainingError
from training.models import Enrolment

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

APPLICANT_ROW = {
    "email": "li.na@example.org", "full_name": "李娜", "phone": "13800001111", "institution": "武汉大学",
    "province": "湖北省", "city": "武汉市", "timezone": "Asia/Shanghai", "languages": "中文", "role": "counselor",
    "channels": "voice,text", "qualification_kind": "registered-psychologist", "qualification_number": "R-2019-0001",
    "qualification_issuer": "中国心理学会", "qualification_issued_on": "2019-06-01", "qualification_expires_on": "",
    "ethics_hours_approved": "16", "ethics_hours_other": "4", "special_topics": "trauma,first_aid,crisis",
    "practice_hours": "650", "state": "",
}
ATTENDANCE_HEADINGS = ("姓名", "邮箱", "手机号", "入会时间", "离会时间", "参会时长")
FEEDBACK_HEADINGS = ("session", "date", "counselor_email", "understands", "helpful", "satisfied", "comment",
                     "help_seeker_name")


def _xlsx(headings, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headings))
    for row in rows:
        sheet.append([row.get(heading, "") for heading in headings])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(headings, rows) -> bytes:
    data = tablib.Dataset(headers=list(headings))
    for row in rows:
        data.append([row.get(heading, "") for heading in headings])
    return data.export("csv").encode("utf-8")


def _cell_safe(value: str) -> str:
    # openpyxl refuses control characters in a cell (a spreadsheet cannot hold them): those go in CSV only
    return "".join(char for char in value if char >= " " or char in "\t\n\r")


@st.composite
def hostile_rows(draw, base: dict, columns, *, min_rows: int = 1, max_rows: int = 3):
    """Rows that start from ``base`` with one to three cells replaced by hostile values."""
    rows = []
    for number in range(draw(st.integers(min_value=min_rows, max_value=max_rows))):
        row = dict(base)
        if "email" in row:
            row["email"] = f"person{number}@example.org"
        for column in draw(st.lists(st.sampled_from(columns), min_size=1, max_size=3, unique=True)):
            row[column] = draw(nasty())
        rows.append(row)
    return rows


@st.composite
def broken_files(draw, headings, base: dict) -> tuple[str, bytes]:
    """Files that are not what they say: random bytes, cut workbooks, zips of other things, legacy encodings,
    a NUL, only headings, no headings, thousands of columns."""
    good_xlsx = _xlsx(headings, [base])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("word/document.xml", "<w:document/>")
    kind = draw(st.sampled_from(["bytes", "cut xlsx", "docx", "legacy", "nul", "headings", "empty", "wide",
                                 "html", "bom only"]))
    content = {
        "bytes": draw(st.binary(max_size=300)),
        "cut xlsx": good_xlsx[:draw(st.integers(min_value=0, max_value=len(good_xlsx) - 1))],
        "docx": archive.getvalue(),
        "legacy": _csv(headings, [base]).decode("utf-8").encode("utf-16"),
        "nul": _csv(headings, [base]).replace(b",", b"\x00,", 1),
        "headings": _csv(headings, []),
        "empty": b"",
        "wide": (",".join(f"c{n}" for n in range(5000)) + "\n").encode(),
        "html": b"<html><body><table><tr><td>email</td></tr></table></body></html>",
        "bom only": b"\xef\xbb\xbf",
    }[kind]
    name = draw(st.sampled_from(["list.csv", "list.xlsx", "list.CSV", "list", "list.xlsx.csv", "名单.csv"]))
    return name, content


# --- the applicants' spreadsheet ---------------------------------------------------------------------------

def _import_applicants(content: bytes, name: str, actor):
    """What the admin import and the command do: read, check the columns, import all or nothing."""
    dataset = load_dataset(content, name)
    check_columns(dataset.headers)
    return run_import(dataset, actor=actor)


def test_hostile_applicant_rows_are_imported_or_named_and_nothing_is_half_written(world):
    actor = world.people["coordinator"]
    outcomes = {"imported": 0, "refused": 0}

    @FUZZ
    @given(rows=hostile_rows(APPLICANT_ROW, COLUMNS), as_xlsx=st.booleans())
    def run(rows, as_xlsx):
        if as_xlsx:
            rows = [{key: _cell_safe(value) for key, value in row.items()} for row in rows]
        content = _xlsx(COLUMNS, rows) if as_xlsx else _csv(COLUMNS, rows)
        with transaction.atomic():
            applications, users = Application.objects.count(), User.objects.count()
            try:
                result = _import_applicants(content, "people.xlsx" if as_xlsx else "people.csv", actor)
            except ImportFileError as error:
                assert str(error)
                problems = [str(error)]
            else:
                problems = error_report(result)
            if problems:
                assert all(problem.strip() for problem in problems)
                assert (Application.objects.count(), User.objects.count()) == (applications, users)
            else:
                assert Application.objects.count() == applications + len(rows)
            outcomes["refused" if problems else "imported"] += 1
            transaction.set_rollback(True)

    run()
    assert outcomes["imported"] and outcomes["refused"], outcomes  # both ways were taken


def test_broken_applicant_files_get_a_message_through_the_admin(world):
    client = world.clients["coordinator"]
    form = client.get("/admin/credentialing/application/import/").context["form"]
    formats = {label: value for value, label in form.fields["format"].choices if value != ""}

    @settings(FUZZ, max_examples=25)
    @given(file=broken_files(COLUMNS, APPLICANT_ROW), label=st.sampled_from(sorted(formats)))
    def run(file, label):
        name, content = file
        with transaction.atomic():
            before = Application.objects.count()
            response = client.post("/admin/credentialing/application/import/",
                                   {"import_file": SimpleUploadedFile(name, content), "format": formats[label]})
            assert response.status_code == 200
            assert Application.objects.count() == before
            assert "Traceback" not in response.content.decode()
            transaction.set_rollback(True)

    run()


# --- the training attendance list ---------------------------------------------------------------------------

ATTENDANCE_ROW = {"姓名": "Owner Ada", "邮箱": "owner@example.org", "手机号": "13800000000",
                  "入会时间": "", "离会时间": "", "参会时长": "90"}


def _attendance_import(world, content: bytes, name: str):
    """The import as the attendance page runs it: the result, or the refusal's message (and nothing written)."""
    session = world.objects["training_session"]
    with writes() as written:
        try:
            training_services.attendance_import(session_id=session.pk, actor=world.people["training"],
                                                content=content, filename=name)
        except TrainingError as error:
            assert str(error).strip()
            refused = True
        else:
            refused = False
    if refused:
        assert not written, written.tables()  # a refused file writes nothing at all
    return refused


def test_hostile_attendance_rows_are_imported_or_refused_whole(world):
    @FUZZ
    @given(rows=hostile_rows(ATTENDANCE_ROW, ATTENDANCE_HEADINGS, max_rows=4), as_xlsx=st.booleans())
    def run(rows, as_xlsx):
        if as_xlsx:
            rows = [{key: _cell_safe(value) for key, value in row.items()} for row in rows]
        content = _xlsx(ATTENDANCE_HEADINGS, rows) if as_xlsx else _csv(ATTENDANCE_HEADINGS, rows)
        with transaction.atomic():
            _attendance_import(world, content, "list.xlsx" if as_xlsx else "list.csv")
            transaction.set_rollback(True)

    run()


def test_broken_attendance_files_are_refused_with_a_message(world):
    @settings(FUZZ, max_examples=30)
    @given(file=broken_files(ATTENDANCE_HEADINGS, ATTENDANCE_ROW))
    def run(file):
        with transaction.atomic():
            _attendance_import(world, file[1], file[0])
            transaction.set_rollback(True)

    run()


def test_broken_attendance_files_through_the_page(world):
    client = world.clients["owner_supervisor"]
    path = f"/training/sessions/{world.objects['training_session'].pk}/attendance/"

    @settings(FUZZ, max_examples=15)
    @given(file=broken_files(ATTENDANCE_HEADINGS, ATTENDANCE_ROW))
    def run(file):
        name, content = file
        with transaction.atomic():
            marks = list(Enrolment.objects.values_list("status", "minutes"))
            response = client.post(path, {"import": "1", "file": SimpleUploadedFile(name, content)})
            assert response.status_code in (200, 302)
            if response.status_code == 200 and response.context["import_form"].errors:
                assert list(Enrolment.objects.values_list("status", "minutes")) == marks
            transaction.set_rollback(True)

    run()


# --- the help-seeker feedback export ------------------------------------------------------------------------

FEEDBACK_ROW = {"session": "S-100", "date": "2026-03-01", "counselor_email": "owner@example.org", "understands": "5",
                "helpful": "4", "satisfied": "5", "comment": "Felt heard", "help_seeker_name": "Wang"}


def _feedback_import(world, content: bytes, name: str) -> None:
    before = HelpSeekerFeedback.objects.count()
    imported, errors = supervision_services.feedback_import(actor=world.people["monitoring"], content=content,
                                                            file_name=name)
    if errors:
        assert imported == 0 and all(str(error).strip() for error in errors)
        assert HelpSeekerFeedback.objects.count() == before
    else:
        assert HelpSeekerFeedback.objects.count() == before + imported


def test_hostile_feedback_rows_are_imported_or_refused_whole(world):
    @FUZZ
    @given(rows=hostile_rows(FEEDBACK_ROW, FEEDBACK_HEADINGS, max_rows=3), as_xlsx=st.booleans())
    def run(rows, as_xlsx):
        for number, row in enumerate(rows):
            row.setdefault("session", f"S-{number}")
            if row["session"] == FEEDBACK_ROW["session"]:
                row["session"] = f"S-{100 + number}"
        if as_xlsx:
            rows = [{key: _cell_safe(value) for key, value in row.items()} for row in rows]
        content = _xlsx(FEEDBACK_HEADINGS, rows) if as_xlsx else _csv(FEEDBACK_HEADINGS, rows)
        with transaction.atomic():
            _feedback_import(world, content, "export.xlsx" if as_xlsx else "export.csv")
            transaction.set_rollback(True)

    run()


def test_broken_feedback_files_are_refused_with_a_message_through_the_page(world):
    client = world.clients["monitoring"]

    @settings(FUZZ, max_examples=20)
    @given(file=broken_files(FEEDBACK_HEADINGS, FEEDBACK_ROW))
    def run(file):
        name, content = file
        with transaction.atomic():
            _feedback_import(world, content, name)
            before = HelpSeekerFeedback.objects.count()
            response = client.post("/supervision/feedback/", {"upload": SimpleUploadedFile(name, content)})
            assert response.status_code in (200, 302, 400)
            assert HelpSeekerFeedback.objects.count() == before
            transaction.set_rollback(True)

    run()
