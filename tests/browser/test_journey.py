"""The journey that matters most, in a real browser: apply, get vetted, see the decision.

An applicant signs up, verifies the e-mail, fills the application, uploads evidence and submits; a
vetting team member signs in with an authenticator code, verifies each item and approves; the
applicant sees the decision.
"""
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from credentialing.enums import ApplicationState, StaffRole
from credentialing.models import Application
from people.models import Volunteer
from tests.browser.axe import add_axe
from tests.credentialing.factories import pdf_bytes, png_bytes
from tests.people.factories import PASSWORD, fresh_totp, staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE = {
    "qualification": {
        "select": {"qualification_kind": "Registered counselor or psychologist (national clinical and counseling "
                                         "psychology registration system)"},
        "fill": {"number": "R-2019-0421", "issuing_body": "Clinical and Counseling Psychology Registration System",
                 "issued_on": "2019-06-01"},
        "file": ("registration.pdf", "application/pdf", pdf_bytes("registration")),
    },
    "ethicstraining": {
        "fill": {"provider": "Registration system ethics course", "hours": "18", "completed_on": "2021-04-10"},
        "check": ["approved_by_registry"],
        "file": ("ethics-certificate.png", "image/png", png_bytes()),
    },
    "specialtraining": {
        "fill": {"title": "Crisis intervention and psychological first aid", "provider": "Red Cross Society",
                 "hours": "24", "completed_on": "2022-03-01"},
        "check": ["covers_trauma", "covers_first_aid", "covers_crisis"],
        "file": ("training.pdf", "application/pdf", pdf_bytes("training")),
    },
    "practicerecord": {
        "fill": {"hours": "620", "description": "University counseling centre, 2018-2024"},
        "file": ("counseling-log.pdf", "application/pdf", pdf_bytes("log")),
    },
}


def _confirmation_link() -> str:
    message = next(m for m in mail.outbox if "confirm-email" in m.body)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)


def _submit(page: Page, text: str) -> None:
    """Click and wait for the page the server answers with (not merely for the current one to be loaded)."""
    with page.expect_navigation():
        page.get_by_role("button", name=text).click()


def _submit_form(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()


def test_apply_vet_and_see_the_decision(live_server, page: Page, browser, axe):
    base = live_server.url

    # --- the applicant signs up and verifies the address ---------------------------------------
    page.goto(f"{base}/")
    axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Sign up and apply").click()
    axe(page)
    page.fill("input[name=email]", "li.wei@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _submit_form(page)
    axe(page)
    link = _confirmation_link().replace("http://testserver", base).replace("http://127.0.0.1:8000", base)
    page.goto(re.sub(r"^https?://[^/]+", base, link))
    axe(page)
    _submit_form(page)
    axe(page)

    # --- fills the application -----------------------------------------------------------------
    page.goto(f"{base}/")
    axe(page)
    _submit(page, "Start my application")
    axe(page)
    page.fill("input[name=full_name]", "李伟 Li Wei")
    page.fill("input[name=phone]", "+86 138 0000 1234")
    page.fill("input[name=institution_name]", "Central China Normal University")
    page.fill("input[name=province]", "Hubei")
    page.fill("input[name=city]", "Wuhan")
    page.fill("input[name=languages]", "Mandarin, English")
    _submit(page, "Save my profile")
    axe(page)
    expect(page.locator(".messages")).to_be_visible()

    for kind, data in EVIDENCE.items():
        page.goto(f"{base}/application/evidence/{kind}/add/")
        axe(page)
        for name, label in data.get("select", {}).items():
            page.select_option(f"select[name={name}]", label=label)
        for name, value in data["fill"].items():
            page.fill(f"[name={name}]", value)
        for name in data.get("check", []):
            page.check(f"input[name={name}]")
        filename, mime, content = data["file"]
        page.set_input_files("input[name=upload]", files=[{"name": filename, "mimeType": mime, "buffer": content}])
        _submit_form(page)
        axe(page)
        expect(page.get_by_text(filename).first).to_be_visible()

    page.goto(f"{base}/application/")
    axe(page)
    expect(page.locator(".checklist .badge.not_met")).to_have_count(0)
    _submit(page, "Submit my application")
    axe(page)
    expect(page.locator(".badge.submitted").first).to_be_visible()
    application = Application.objects.get(applicant__email="li.wei@example.org")
    assert application.state == ApplicationState.SUBMITTED

    # --- a vetting team member signs in with the authenticator code --------------------------------
    reviewer = staff_member(StaffRole.VETTING, full_name="Zhao Min")
    staff_context = add_axe(browser.new_context(locale="en-GB"))
    staff = axe.watch(staff_context.new_page())
    staff.goto(f"{base}/accounts/login/")
    axe(staff)
    staff.fill("input[name=login]", reviewer.email)
    staff.fill("input[name=password]", PASSWORD)
    _submit_form(staff)
    axe(staff)
    code_field = staff.locator("input[name=code]")
    expect(code_field).to_be_visible()
    # the code is read when it is typed, never in the last seconds of its window (the server also forgives
    # one window of drift: MFA_TOTP_TOLERANCE)
    code_field.fill(fresh_totp())
    _submit(staff, "Sign In")
    axe(staff)
    expect(staff.locator("nav.menu [data-menu=vetting-queue]")).to_be_visible()

    staff.goto(f"{base}/vetting/?state=submitted")
    axe(staff)
    with staff.expect_navigation():
        staff.get_by_role("link", name=re.compile("Li Wei")).first.click()
    axe(staff)
    _submit(staff, "Start review")
    axe(staff)
    for index in range(4):
        form = staff.locator("form.check-form").nth(index)
        form.locator("input[value=verified]").check()
        with staff.expect_navigation():
            form.get_by_role("button", name="Save check").click()
        axe(staff)
    expect(staff.locator(".evidence .badge.verified")).to_have_count(4)
    staff.fill("textarea[name=reason]", "Welcome aboard.")
    staff.uncheck("input[name=then]")  # stay on this application to see the decision
    _submit(staff, "Approve")
    axe(staff)
    expect(staff.locator(".badge.approved").first).to_be_visible()
    staff_context.close()

    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    assert Volunteer.objects.get(user=application.applicant).status == "awaiting_training"

    # --- the applicant sees the decision -------------------------------------------------------
    page.goto(f"{base}/")
    axe(page)
    expect(page.locator(".badge.approved").first).to_be_visible()
    assert any("approved" in m.subject.lower() for m in mail.outbox)
