"""Reading the meeting tool's participant export: headings in either language, merged rows, malformed files."""
import io
import zoneinfo
from datetime import date, datetime

import openpyxl
import pytest

from training.enums import Attendance
from training.participants import (
    ParticipantFileError,
    merge_participants,
    normalise_phone,
    parse_rows,
    read_dataset,
    status_for,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 1)
START, END = datetime(2026, 12, 1, 20, tzinfo=SHANGHAI), datetime(2026, 12, 1, 22, tzinfo=SHANGHAI)


def rows_of(text: str, name="export.csv"):
    return parse_rows(read_dataset(text.encode("utf-8"), name), DAY)


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_english_headings_with_join_and_leave_times():
    rows = rows_of("Name,Email,Join time,Leave time\nLi Wei,LI.WEI@example.org,2026-12-01 20:02,2026-12-01 21:58\n")
    assert len(rows) == 1
    assert rows[0].email == "li.wei@example.org"
    assert rows[0].joined == datetime(2026, 12, 1, 20, 2, tzinfo=SHANGHAI)


def test_chinese_headings_phone_and_minutes_in_gb18030():
    content = "姓名,手机号,参会时长(分钟)\n王芳,+86 138-0013-8000,95\n".encode("gb18030")
    rows = parse_rows(read_dataset(content, "参会者.csv"), DAY)
    assert (rows[0].name, rows[0].phone, rows[0].minutes) == ("王芳", "13800138000", 95)


def test_xlsx_with_typed_cells_and_time_only_values():
    content = xlsx([["用户名", "邮箱", "入会时间", "离会时间"],
                    ["张伟", "zhang@example.org", datetime(2026, 12, 1, 20, 30), "21:00"]])
    rows = parse_rows(read_dataset(content, "export.xlsx"), DAY)
    assert rows[0].joined == datetime(2026, 12, 1, 20, 30, tzinfo=SHANGHAI)
    assert rows[0].left == datetime(2026, 12, 1, 21, 0, tzinfo=SHANGHAI)


def test_several_join_and_leave_rows_of_one_person_are_merged_and_overlaps_counted_once():
    rows = rows_of(
        "Email,Join time,Leave time\n"
        "a@example.org,20:00,20:40\n"
        "a@example.org,20:30,21:00\n"   # overlaps the first by ten minutes
        "a@example.org,21:30,22:30\n"   # runs past the end: clipped at 22:00
        "b@example.org,19:50,22:05\n")
    people = {p.email: p for p in merge_participants(rows, START, END)}
    assert people["a@example.org"].minutes == 60 + 30
    assert people["a@example.org"].lines == (2, 3, 4)
    assert people["b@example.org"].minutes == 120
    assert status_for(people["b@example.org"], START, END) == Attendance.PRESENT
    assert status_for(people["a@example.org"], START, END) == Attendance.LEFT_EARLY


def test_late_joiner_and_minutes_rows_add_up_but_never_beyond_the_session():
    rows = rows_of("Phone,Minutes,Join time\n13800000001,50,20:40\n13800000001,40,\n13800000002,100,\n"
                   "13800000002,100,\n")
    people = {p.phone: p for p in merge_participants(rows, START, END)}
    assert people["13800000001"].minutes == 90
    assert status_for(people["13800000001"], START, END) == Attendance.LATE
    assert people["13800000002"].minutes == 120


@pytest.mark.parametrize(("text", "problem"), [
    ("Name,Join time\nLi,20:00\n", "No e-mail or phone column"),
    ("Email,Name\na@example.org,A\n", "No minutes column"),
    ("Email,Minutes\na@example.org,95\nb@example.org,lots\n", "Row 3: “lots” is not a number of minutes."),
    ("Email,Minutes\nnot-an-address,95\n", "Row 2: “not-an-address” is not an e-mail address."),
    ("Email,Phone,Minutes\n,,95\n", "Row 2: neither an e-mail address nor a phone number."),
    ("Email,Join time,Leave time\na@example.org,21:00,20:00\n", "Row 2: leaves before joining."),
    ("Email,Join time,Leave time\na@example.org,yesterday,20:00\n", "Row 2: “yesterday” is not a time"),
    ("Email,Minutes\n", "no participant rows"),
])
def test_malformed_files_are_refused_with_every_problem_named(text, problem):
    with pytest.raises(ParticipantFileError) as refused:
        rows_of(text)
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_every_bad_row_is_listed_not_only_the_first():
    with pytest.raises(ParticipantFileError) as refused:
        rows_of("Email,Minutes\nx,1\na@example.org,2\ny,zz\n")
    assert [p.split(":")[0] for p in refused.value.problems] == ["Row 2", "Row 4"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02PK-not-a-zip", b"PK\x03\x04broken zip"])
def test_unreadable_files_are_refused(content):
    with pytest.raises(ParticipantFileError):
        parse_rows(read_dataset(content, "export.xlsx"), DAY)


def test_phone_numbers_lose_the_country_code_and_punctuation():
    assert normalise_phone("+86 138-0013-8000") == normalise_phone("0086 13800138000") == "13800138000"
