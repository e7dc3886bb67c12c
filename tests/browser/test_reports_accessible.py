"""The report pages as the management team sees them, in both languages and on a phone: axe-core finds nothing
(WCAG 2.1 AA), the charts are images with names, the date pickers lead to the reports."""
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from people.enums import StaffRole
from tests.browser.test_vetting_pace import signed_in
from tests.people.factories import staff_member
from tests.reports.factories import day_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = date(2026, 3, 2)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_report_pages_are_accessible(live_server, context, page: Page, axe, language):
    base = live_server.url
    day_scenario(DAY)
    signed_in(context, staff_member(StaffRole.MONITORING), base, language)
    for path in ("/reports/", f"/reports/daily/{DAY}/", "/reports/monthly/2026-03/"):
        response = page.goto(base + path)
        assert response.status == 200
        for details in page.locator("details").all():
            details.locator("summary").click()  # the tables behind the charts are checked too
        axe(page)
    expect(page.get_by_role("img", name="Coverage by day and hour" if language == "en" else "按日期和小时的覆盖",
                            exact=False)).to_be_visible()
    page.goto(base + "/reports/")
    page.locator("#pick-day").fill("2026-03-02")
    page.locator("#pick-day").press("Enter")
    expect(page).to_have_url(f"{base}/reports/daily/2026-03-02/")
    axe(page)


def test_the_daily_report_fits_a_phone(live_server, context, page: Page, axe):
    base = live_server.url
    day_scenario(DAY)
    signed_in(context, staff_member(StaffRole.COORDINATOR), base, "en")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/reports/daily/{DAY}/")
    axe(page)
    # nothing but the chart's own scroller is wider than the screen
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
