"""The report pages and downloads: who may open them, which dates exist, what the files hold."""
import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from people.enums import StaffRole
from reports.selectors import platform_today
from tests.people.factories import UserFactory, staff_member
from tests.reports.factories import day_scenario, person

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)
MARCH = date(2026, 3, 1)
PAGES = [reverse("reports:index"), f"/reports/daily/{DAY}/", "/reports/monthly/2026-03/",
         f"/reports/daily/{DAY}/report.csv", "/reports/monthly/2026-03/report.xlsx"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("path", PAGES)
def test_people_outside_the_management_team_are_refused(client, path):
    for user in (person(), staff_member(StaffRole.VETTING), staff_member(StaffRole.TRAINING), UserFactory()):
        client.force_login(user)
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", [StaffRole.COORDINATOR, StaffRole.MONITORING, StaffRole.SCHEDULER])
def test_the_management_team_and_the_schedulers_read_the_reports(client, role):
    client.force_login(staff_member(role))
    for path in PAGES[:3]:
        assert client.get(path).status_code == 200
    body = client.get(reverse("credentialing:home")).content.decode()
    assert f'href="{reverse("reports:index")}"' in body  # the menu entry


@pytest.mark.parametrize("path", [
    "/reports/daily/2026-02-30/", "/reports/daily/2026-13-01/", "/reports/daily/0001-01-01/",
    "/reports/daily/0000-01-01/", "/reports/daily/2019-12-31/", "/reports/daily/9999-12-31/",
    "/reports/daily/2026-3-2/", "/reports/daily/2026-02-30/report.pdf", "/reports/daily/2026-03-02/report.exe",
    "/reports/monthly/2026-13/", "/reports/monthly/2026-00/", "/reports/monthly/0001-01/", "/reports/monthly/9999-12/",
    "/reports/monthly/2019-12/", "/reports/monthly/2026-13/report.csv", "/reports/monthly/2026-03/report.doc",
])
def test_a_day_or_month_without_a_report_is_not_found(client, path):
    client.force_login(staff_member(StaffRole.COORDINATOR))
    assert client.get(path).status_code == 404


def test_far_ahead_is_not_found_but_the_coming_weeks_are(client):
    client.force_login(staff_member(StaffRole.COORDINATOR))
    today = platform_today()
    assert client.get(reverse("reports:daily", args=[today + timedelta(days=14)])).status_code == 200
    assert client.get(reverse("reports:daily", args=[today + timedelta(days=400)])).status_code == 404


def test_the_index_links_yesterday_and_last_month_and_takes_a_date(client):
    client.force_login(staff_member(StaffRole.MONITORING))
    today = platform_today()
    body = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:daily", args=[today - timedelta(days=1)]) in body
    first = date(today.year, today.month, 1)
    last_month = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    assert reverse("reports:monthly", args=[last_month]) in body
    assert client.get(reverse("reports:index"), {"day": "2026-03-02"})["Location"] == "/reports/daily/2026-03-02/"
    assert client.get(reverse("reports:index"), {"month": "2026-03"})["Location"] == "/reports/monthly/2026-03/"
    refused = client.get(reverse("reports:index"), {"day": "2026-02-30"})
    assert refused.status_code == 200 and "Choose a day between 2020-01-01" in refused.content.decode()
    refused = client.get(reverse("reports:index"), {"month": "2026-13"})
    assert "Choose a month between 2020-01" in refused.content.decode()


def test_the_daily_page_shows_the_figures_the_heatmap_and_links_to_its_neighbours(client):
    day_scenario(DAY)
    client.force_login(staff_member(StaffRole.COORDINATOR))
    response = client.get(reverse("reports:daily", args=[DAY]))
    body = response.content.decode()
    assert 'data-testid="coverage-rate">83%<' in body
    assert 'data-testid="escalation-counts">2 / 2 / 1<' in body
    assert 'data-testid="application-counts">2 / 2<' in body
    assert "Supervisor Zhou" in body and "Empathy in text" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="daily-heatmap"' in body
    assert ">3/2<" in body  # voice at 08:00: 3 on duty, 2 wanted
    assert 'href="/reports/daily/2026-03-01/" rel="prev"' in body and 'href="/reports/daily/2026-03-03/" rel="next"' \
        in body
    assert 'href="/reports/monthly/2026-03/"' in body
    assert " style=" not in body


def test_times_on_the_page_are_platform_time_for_a_reader_overseas(client):
    day_scenario(DAY)
    client.force_login(staff_member(StaffRole.COORDINATOR, timezone="America/New_York"))
    body = client.get(reverse("reports:daily", args=[DAY])).content.decode()
    assert "08:00–16:00" in body and "03-02 20:00" in body


def test_the_monthly_page_shows_the_heatmap_trends_and_tables(client):
    day_scenario(DAY)
    client.force_login(staff_member(StaffRole.MONITORING))
    body = client.get(reverse("reports:monthly", args=[MARCH])).content.decode()
    assert 'id="monthly-heatmap"' in body and 'id="trend-coverage"' in body and 'id="trend-applications"' in body
    assert 'data-testid="days"' in body and 'data-testid="funnel"' in body and 'data-testid="hours"' in body
    assert "30 days had no published roster" in body
    assert 'href="/reports/monthly/2026-02/" rel="prev"' in body and 'href="/reports/monthly/2026-04/" rel="next"' \
        in body


def test_the_csv_has_every_section_and_keeps_a_formula_as_text(client):
    day_scenario(DAY)
    person(full_name="=HYPERLINK(\"http://evil.example\",\"x\")")
    from tests.reports.factories import at, run, shift

    evil = person(full_name="=1+2")
    shift(run(date(2026, 3, 20)), at(date(2026, 3, 20), 8), 4, people=[evil])
    client.force_login(staff_member(StaffRole.COORDINATOR))
    response = client.get(reverse("reports:monthly_download", args=[MARCH, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="monthly-report-2026-03.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffSummary")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[2][0] == "Coverage rate (counselor-hours covered / wanted)"
    for title in ("Days", "Coverage by day and hour", "Hours per person", "Training by area", "Applicant funnel",
                  "Training sessions"):
        assert [title] in rows
    evil_rows = [row for row in rows if row and "1+2" in row[0]]
    assert [(row[0], row[2]) for row in evil_rows] == [("'=1+2", "Counselor")]
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_daily_csv_holds_the_hand_computed_figures(client):
    day_scenario(DAY)
    client.force_login(staff_member(StaffRole.COORDINATOR))
    text = client.get(reverse("reports:daily_download", args=[DAY, "csv"])).content.decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Coverage rate (counselor-hours covered / wanted)", "83%"] in rows
    assert ["Text: shifts short of people", "1"] in rows
    assert ["Crisis escalations raised", "2"] in rows and ["Applications rejected", "1"] in rows
    assert ["08:00", "2", "3", "1", "1", "1", "1", "100"] in rows
    assert ["10:00", "2", "3", "1", "0", "1", "1", "66"] in rows
    assert ["16:00", "0", "0", "0", "0", "0", "0", ""] in rows  # nobody wanted: no percentage
    assert ["Supervisor Zhou", "2026-03-02 08:00", "2026-03-02 16:00"] in rows


def test_the_xlsx_has_one_sheet_per_section(client):
    day_scenario(DAY)
    client.force_login(staff_member(StaffRole.SCHEDULER))
    response = client.get(reverse("reports:monthly_download", args=[MARCH, "xlsx"]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Days", "Coverage by day and hour", "Hours per person", "Training by area",
                               "Applicant funnel", "Training sessions"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Crisis escalations raised"] == 4 and summary["Applications received"] == 2
    people = {row[0]: row[8] for row in book["Hours per person"].iter_rows(min_row=2, values_only=True)}
    assert people["Supervisor Zhou"] == 8 and people["Text A"] == 2  # numbers a spreadsheet can add up
    assert book["Coverage by day and hour"]["J3"].value == 100  # 2 March, 08:00
    assert book["Coverage by day and hour"]["J4"].value is None  # 3 March: no published roster


def test_the_pdf_in_chinese_has_chinese_headings_and_names(client):
    day_scenario(DAY)
    person(full_name="王小明")
    from tests.reports.factories import at, run, shift

    shift(run(date(2026, 3, 20)), at(date(2026, 3, 20), 8), 4, people=[person(full_name="王小明")])
    client.force_login(staff_member(StaffRole.COORDINATOR, language="zh-hans"))
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("reports:monthly_download", args=[MARCH, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert "月报" in text and "覆盖率" in text and "王小明" in text
    fonts = {str(font.get("/BaseFont")) for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()
             for font in [font.get_object()]}
    assert any("WenQuanYi" in name for name in fonts), fonts
    response = client.get(reverse("reports:daily_download", args=[DAY, "pdf"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert "日报" in text and "值班督导" in text and "SupervisorZhou" in text
