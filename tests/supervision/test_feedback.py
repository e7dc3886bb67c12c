"""Help-seeker feedback: imported all or nothing with every bad row named, summarised per counselor for the
counselor, their supervisor and the team, never showing a help-seeker's identity."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from people.enums import StaffRole
from supervision import services
from supervision.models import HelpSeekerFeedback
from tests.people.factories import staff_member
from tests.supervision.factories import volunteer

pytestmark = pytest.mark.django_db
HEAD = "session,date,counselor_email,understands,helpful,satisfied,comment,help_seeker_name,help_seeker_phone\n"


@pytest.fixture
def team():
    return {"monitor": staff_member(StaffRole.MONITORING), "a": volunteer(email="a@example.org", full_name="Ann"),
            "b": volunteer(email="b@example.org", full_name="Bo")}


def csv(*rows) -> bytes:
    return (HEAD + "".join(r + "\n" for r in rows)).encode()


def test_a_good_file_is_imported_without_any_help_seeker_identity(team):
    imported, errors = services.feedback_import(actor=team["monitor"], file_name="export.csv", content=csv(
        "S-1,2026-03-01,a@example.org,5,4,5,Felt heard,Wang Xiaoming,13811112222",
        "S-2,2026-03-01,A@example.org,3,3,2,,Li Hua,13933334444"))
    assert (imported, errors) == (2, [])
    stored = " ".join(str(v) for row in HelpSeekerFeedback.objects.values() for v in row.values())
    assert "Wang Xiaoming" not in stored and "13811112222" not in stored


@pytest.mark.parametrize("row,message", [
    ("S-3,2026-03-01,a@example.org,6,4,5,x,n,p", "1 to 5"),
    ("S-3,2026-03-01,nobody@example.org,5,4,5,x,n,p", "nobody@example.org"),
    ("S-3,01/03/2026,a@example.org,5,4,5,x,n,p", "date"),
    ("S-3,2026-03-01,a@example.org,5,,5,x,n,p", "1 to 5"),
])
def test_a_bad_row_writes_nothing_and_is_named(team, row, message):
    imported, errors = services.feedback_import(actor=team["monitor"], file_name="export.csv", content=csv(
        "S-1,2026-03-01,a@example.org,5,4,5,fine,n,p", row))
    assert imported == 0 and not HelpSeekerFeedback.objects.exists()
    assert any(line.startswith("Row 2") and message in line for line in errors), errors


def test_a_broken_or_incomplete_file_writes_nothing(team):
    _, errors = services.feedback_import(actor=team["monitor"], file_name="x.xlsx", content=b"not a workbook")
    assert errors and not HelpSeekerFeedback.objects.exists()
    _, errors = services.feedback_import(actor=team["monitor"], file_name="x.csv",
                                         content=b"session,date\nS-1,2026-03-01\n")
    assert any("counselor_email" in line for line in errors) and not HelpSeekerFeedback.objects.exists()


def test_an_excel_export_imports_too(team):
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD.strip().split(","))
    sheet.append(["S-9", "2026-03-02", "b@example.org", 4, 4, 4, "ok", "name", "phone"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert services.feedback_import(actor=team["monitor"], file_name="x.xlsx", content=buffer.getvalue()) == (1, [])


def test_the_summary_is_per_counselor_and_each_sees_their_own(client, team):
    services.feedback_import(actor=team["monitor"], file_name="e.csv", content=csv(
        "S-1,2026-03-01,a@example.org,5,4,5,Felt heard,Wang Xiaoming,138",
        "S-2,2026-03-02,a@example.org,3,2,3,,Li Hua,139",
        "S-3,2026-03-02,b@example.org,2,2,1,Too short,Zhao,137"))
    client.force_login(team["monitor"])
    html = client.get(reverse("supervision:feedback")).content.decode()
    assert "Ann" in html and "Bo" in html and "4.0" in html and "Felt heard" in html
    assert "Wang Xiaoming" not in html
    client.force_login(team["a"])
    html = client.get(reverse("supervision:feedback")).content.decode()
    assert "Ann" in html and "Too short" not in html and 'type="file"' not in html
    response = client.post(reverse("supervision:feedback"), {"upload": SimpleUploadedFile("e.csv", csv())})
    assert HelpSeekerFeedback.objects.count() == 3 and response.status_code == 200


def test_the_import_page_lists_the_row_errors(client, team):
    client.force_login(team["monitor"])
    response = client.post(reverse("supervision:feedback"), {"upload": SimpleUploadedFile(
        "e.csv", csv("S-1,2026-03-01,a@example.org,9,4,5,x,n,p"))})
    assert response.status_code == 400 and "Row 1" in response.content.decode()
    assert not HelpSeekerFeedback.objects.exists()


def test_a_supervisor_sees_the_counselors_they_supervise(client, team):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from supervision.models import GroupPlacement, GroupSession

    services.feedback_import(actor=team["monitor"], file_name="e.csv", content=csv(
        "S-1,2026-03-01,a@example.org,5,4,5,Felt heard,n,p", "S-3,2026-03-02,b@example.org,2,2,1,Too short,n,p"))
    supervisor = volunteer("supervisor")
    start = datetime(2026, 3, 3, 19, tzinfo=ZoneInfo("Asia/Shanghai"))
    session = GroupSession.objects.create(date=date(2026, 3, 3), starts_at=start, ends_at=start.replace(hour=20),
                                          supervisor=supervisor, meeting_link="https://meet.example/1")
    GroupPlacement.objects.create(session=session, counselor=team["a"], date=session.date)
    client.force_login(supervisor)
    html = client.get(reverse("supervision:feedback")).content.decode()
    assert "Felt heard" in html and "Too short" not in html


def test_supervisors_evaluate_and_each_sees_what_concerns_them(client, team):
    supervisor, other = volunteer("supervisor", full_name="Sup Evaluator"), volunteer("supervisor")
    client.force_login(supervisor)
    response = client.post(reverse("supervision:feedback"), {
        "evaluation-counselor": team["a"].pk, "evaluation-session_date": "2026-03-01", "evaluation-rapport": "4",
        "evaluation-assessment": "3", "evaluation-intervention": "4", "evaluation-ethics": "5",
        "evaluation-strengths": "Warm and clear", "evaluation-to_improve": "Ask about means earlier"})
    assert response.status_code == 302
    bad = client.post(reverse("supervision:feedback"), {
        "evaluation-counselor": team["a"].pk, "evaluation-session_date": "2026-03-01", "evaluation-rapport": "6",
        "evaluation-assessment": "3", "evaluation-intervention": "4", "evaluation-ethics": "5"})
    assert bad.status_code == 200 and "evaluation-rapport" in bad.content.decode()
    for who, sees in ((team["a"], True), (team["b"], False), (other, False), (team["monitor"], True)):
        client.force_login(who)
        html = client.get(reverse("supervision:feedback")).content.decode()
        assert html.count("Ask about means earlier") == (1 if sees else 0)
    client.force_login(team["a"])
    assert client.post(reverse("supervision:feedback"), {"evaluation-counselor": team["a"].pk}).status_code == 200
    from supervision.models import CounselingEvaluation

    assert CounselingEvaluation.objects.count() == 1
