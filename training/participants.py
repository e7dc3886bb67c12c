"""Reading a meeting tool's participant export: CSV or XLSX, Chinese or English headings.

Pure parsing and merging: the file becomes ``ParticipantRow`` records, the rows of one person (several
joins and leaves) become one ``Participant`` with the minutes they were in the session. Matching people
to counselors and writing attendance is ``services.attendance_import``'s job. A file with any malformed
row raises ``ParticipantFileError`` listing every problem, so that nothing is written.
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import tablib
from django.utils.translation import gettext as _

from training.enums import Attendance
from training.recurrence import PLATFORM_TIMEZONE

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Someone who joins within this many minutes of the start, or leaves within it of the end, was on time.
GRACE_MINUTES = 10

# Heading (lower case, spaces and punctuation dropped) -> field. Meeting tools differ; these are the
# names Tencent Meeting, DingTalk, Zoom and Teams use in their participant lists.
HEADINGS = {
    "name": {"name", "姓名", "用户名", "参会者", "参会人", "成员", "昵称", "participant", "participantname",
             "username", "displayname", "fullname", "用户昵称", "入会昵称"},
    "email": {"email", "e-mail", "mail", "emailaddress", "useremail", "邮箱", "电子邮件", "电子邮箱", "邮箱地址"},
    "phone": {"phone", "mobile", "phonenumber", "mobilephone", "tel", "telephone", "手机", "手机号", "手机号码",
              "电话", "电话号码", "联系电话"},
    "joined": {"jointime", "joined", "jointimestamp", "firstjoin", "入会时间", "加入时间", "进入时间",
               "首次入会时间", "入会"},
    "left": {"leavetime", "left", "leavetimestamp", "lastleave", "离会时间", "离开时间", "退出时间", "最后离会时间",
             "离会"},
    "minutes": {"minutes", "duration", "durationminutes", "durationmin", "timeinmeeting", "attendanceminutes",
                "时长", "参会时长", "参会时长分钟", "入会时长", "持续时间", "持续时间分钟", "在线时长", "时长分钟"},
}
_FIELD_FOR_HEADING = {heading: name for name, headings in HEADINGS.items() for heading in headings}
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                     "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")


class ParticipantFileError(ValueError):
    """The file cannot be read or has malformed rows; ``problems`` lists them all."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    line: int
    name: str
    email: str
    phone: str
    joined: datetime | None
    left: datetime | None
    minutes: int | None

    @property
    def key(self) -> str:
        return f"email:{self.email}" if self.email else f"phone:{self.phone}"


@dataclass(frozen=True, slots=True)
class Participant:
    """One person's rows merged."""

    key: str
    name: str
    email: str
    phone: str
    minutes: int
    first_joined: datetime | None
    last_left: datetime | None
    lines: tuple[int, ...]


def normalise_heading(value) -> str:
    return re.sub(r"[\s_\-:：()（）\[\]【】]", "", str(value or "")).lower().replace("e-mail", "email")


def normalise_phone(value) -> str:
    """Digits only, without a leading +86 / 0086 (the platform's numbers are Chinese mobiles)."""
    digits = re.sub(r"\D", "", str(value or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def read_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """CSV (UTF-8, with or without BOM, or GB18030 as Chinese Excel writes it) or XLSX, through tablib."""
    if len(content) > MAX_FILE_BYTES:
        raise ParticipantFileError([_("The file is larger than 5 MB.")])
    if not content.strip():
        raise ParticipantFileError([_("The file is empty.")])
    try:
        if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
            return tablib.Dataset().load(content, format="xlsx")
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ParticipantFileError([_("The file is neither UTF-8 nor GB18030 text.")])
        if "\x00" in text:
            raise ParticipantFileError([_("This is not a CSV or XLSX file.")])
        return tablib.Dataset().load(text, format="csv")
    except ParticipantFileError:
        raise
    except Exception as error:  # tablib and openpyxl raise many kinds; the person needs one message
        raise ParticipantFileError([_("The file could not be read as CSV or XLSX (%(error)s).")
                                    % {"error": type(error).__name__}]) from error


def _parse_moment(value, on_day: date, zone: zoneinfo.ZoneInfo) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, time):
        moment = datetime.combine(on_day, value)
    else:
        text = str(value).strip()
        moment = None
        for fmt in _DATETIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            for fmt in _TIME_FORMATS:
                try:
                    moment = datetime.combine(on_day, datetime.strptime(text, fmt).time())
                    break
                except ValueError:
                    continue
        if moment is None:
            raise ValueError(text)
    # the meeting tool writes the platform's local time unless it says otherwise
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _parse_minutes(value) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip().lower().replace("分钟", "").replace("min", "").replace("分", "").strip()
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):  # h:mm[:ss]
        parts = [int(p) for p in text.split(":")]
        return parts[0] * 60 + parts[1] + (1 if len(parts) == 3 and parts[2] >= 30 else 0)
    number = float(text)
    if not 0 <= number <= 24 * 60:
        raise ValueError(text)
    return round(number)


def parse_rows(dataset: tablib.Dataset, session_day: date, *, timezone: str = PLATFORM_TIMEZONE
               ) -> list[ParticipantRow]:
    """Every row of the export, or ``ParticipantFileError`` naming each malformed row and what is wrong."""
    columns = {}
    for index, heading in enumerate(dataset.headers or []):
        name = _FIELD_FOR_HEADING.get(normalise_heading(heading))
        if name and name not in columns:
            columns[name] = index
    problems = []
    if "email" not in columns and "phone" not in columns:
        problems.append(_("No e-mail or phone column was found (headings such as “E-mail”, “邮箱”, “Phone” or "
                          "“手机号”)."))
    if "minutes" not in columns and not {"joined", "left"} <= set(columns):
        problems.append(_("No minutes column and no join and leave time columns were found."))
    if problems:
        raise ParticipantFileError(problems)
    if dataset.height > MAX_ROWS:
        raise ParticipantFileError([_("The file has more than %(count)d rows.") % {"count": MAX_ROWS}])

    zone = zoneinfo.ZoneInfo(timezone)
    rows = []
    for number, raw in enumerate(dataset, start=2):  # line 1 holds the headings
        def cell(name, raw=raw):
            index = columns.get(name)
            value = raw[index] if index is not None and index < len(raw) else None
            return value.strip() if isinstance(value, str) else value

        if all(value in (None, "") for value in raw):
            continue
        email = str(cell("email") or "").strip().lower()
        phone = normalise_phone(cell("phone"))
        row_problems = []
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            row_problems.append(_("“%(value)s” is not an e-mail address") % {"value": email})
        if not email and not phone:
            row_problems.append(_("neither an e-mail address nor a phone number"))
        moments = {}
        for name in ("joined", "left"):
            try:
                moments[name] = _parse_moment(cell(name), session_day, zone)
            except ValueError:
                row_problems.append(_("“%(value)s” is not a time") % {"value": cell(name)})
                moments[name] = None
        try:
            minutes = _parse_minutes(cell("minutes"))
        except ValueError:
            row_problems.append(_("“%(value)s” is not a number of minutes") % {"value": cell("minutes")})
            minutes = 0
        if moments["joined"] and moments["left"] and moments["left"] < moments["joined"]:
            row_problems.append(_("leaves before joining"))
        if minutes is None and not (moments["joined"] and moments["left"]):
            row_problems.append(_("neither minutes nor both a join and a leave time"))
        if row_problems:
            problems.append(_("Row %(row)d: %(problems)s.") % {"row": number, "problems": "; ".join(row_problems)})
            continue
        rows.append(ParticipantRow(line=number, name=str(cell("name") or "").strip(), email=email, phone=phone,
                                   joined=moments["joined"], left=moments["left"], minutes=minutes))
    if problems:
        raise ParticipantFileError(problems)
    if not rows:
        raise ParticipantFileError([_("The file has no participant rows.")])
    return rows


def _merged_minutes(intervals: list[tuple[datetime, datetime]]) -> int:
    total = timedelta()
    current_start, current_end = None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return round(total.total_seconds() / 60)


def merge_participants(rows: list[ParticipantRow], starts_at: datetime, ends_at: datetime) -> list[Participant]:
    """One entry per person: their join/leave intervals clipped to the session and overlaps counted once;
    rows that give only minutes add up. Never more than the session's length."""
    session_minutes = round((ends_at - starts_at).total_seconds() / 60)
    groups: dict[str, list[ParticipantRow]] = {}
    for row in rows:
        groups.setdefault(row.key, []).append(row)
    participants = []
    for key, group in groups.items():
        intervals = [(max(r.joined, starts_at), min(r.left, ends_at)) for r in group
                     if r.joined and r.left and r.minutes is None and min(r.left, ends_at) > max(r.joined, starts_at)]
        minutes = _merged_minutes(intervals) + sum(r.minutes for r in group if r.minutes is not None)
        joins = [r.joined for r in group if r.joined]
        leaves = [r.left for r in group if r.left]
        participants.append(Participant(
            key=key, name=next((r.name for r in group if r.name), ""),
            email=next((r.email for r in group if r.email), ""), phone=next((r.phone for r in group if r.phone), ""),
            minutes=min(minutes, session_minutes), first_joined=min(joins) if joins else None,
            last_left=max(leaves) if leaves else None, lines=tuple(r.line for r in group)))
    return participants


def status_for(participant: Participant, starts_at: datetime, ends_at: datetime) -> str:
    """The attendance a participant's minutes and times amount to."""
    session_minutes = round((ends_at - starts_at).total_seconds() / 60)
    grace = timedelta(minutes=GRACE_MINUTES)
    if participant.minutes <= 0:
        return Attendance.ABSENT
    if participant.minutes >= session_minutes - GRACE_MINUTES:
        return Attendance.PRESENT
    if participant.first_joined and participant.first_joined > starts_at + grace:
        return Attendance.LATE
    return Attendance.LEFT_EARLY
