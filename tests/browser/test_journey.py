"""The journey that matters most, in a real browser, in each language: apply, get vetted, see the decision.

An applicant signs up, verifies the e-mail, fills the profile, uploads evidence for the four criteria while the
checklist turns green, submits and sees the status; a vetting team member signs in with an authenticator code,
finds the application in the queue, verifies the evidence, approves it (a double click decides once) and reads
the statistics; the applicant sees the decision, and the e-mail about it in their language.
"""
import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from common.models import AuditEntry
from credentialing.audit import CredentialingAction
from credentialing.enums import ApplicationState, StaffRole
from credentialing.models import Application
from people.models import User, Volunteer
from tests.browser.journeys import LANGUAGES, absolute
from tests.credentialing.factories import kind, png_bytes, scan_pdf
from tests.people.factories import PASSWORD, TOTP_SECRET, staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE = {
    "qualification": {
        "select": {"qualification_kind": lambda: str(kind("registered-psychologist").pk)},
        "fill": {"number": "R-2019-0421", "issuing_body": "Clinical and Counseling Psychology Registration System",
                 "issued_on": "2019-06-01"},
        "file": ("registration.pdf", "application/pdf", scan_pdf("Registration certificate", "R-2019-0421")),
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
        "file": ("training.pdf", "application/pdf", scan_pdf("Crisis intervention", "24 hours, 2022")),
    },
    "practicerecord": {
        "fill": {"hours": "620", "description": "University counseling centre, 2018-2024"},
        "file": ("counseling-log.pdf", "application/pdf", scan_pdf("Counseling log", "620 hours, 2018-2024")),
    },
}


def _confirmation_link() -> str:
    message = next(m for m in mail.outbox if "confirm-email" in m.body)
    return re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_apply_vet_and_see_the_decision(people, language):
    email = f"li.wei.{language}@example.org"

    # --- the applicant signs up and verifies the address ---------------------------------------------
    applicant = people("applicant")
    _ = applicant._
    applicant.goto("/", "landing")
    applicant.follow(applicant.page.get_by_role("link", name=_("Sign up and apply")), "sign-up")
    applicant.page.fill("input[name=email]", email)
    applicant.page.fill("input[name=password1]", PASSWORD)
    applicant.page.fill("input[name=password2]", PASSWORD)
    applicant.follow(applicant.page.locator("form button[type=submit]").last, "check-your-inbox")
    assert User.objects.get(email=email).language == language, "the person's language is the one they signed up in"
    applicant.goto(absolute(applicant.base, _confirmation_link())[len(applicant.base):], "confirm-address")
    applicant.follow(applicant.page.locator("form button[type=submit]").last, "address-confirmed")

    # --- fills the profile ----------------------------------------------------------------------------
    applicant.press("Start my application", "application")
    page = applicant.page
    page.fill("input[name=full_name]", "李伟 Li Wei")
    page.fill("input[name=phone]", "+86 138 0000 1234")
    page.fill("input[name=institution_name]", "Central China Normal University")
    page.fill("input[name=province]", "Hubei")
    page.fill("input[name=city]", "Wuhan")
    page.fill("input[name=languages]", "Mandarin, English")
    applicant.press("Save my profile", "profile-saved")
    expect(page.locator(".messages")).to_be_visible()

    # --- uploads evidence for each criterion and watches the checklist turn green -------------------------------
    checklist_met = page.locator("#checklist .checklist .badge.met")
    expect(checklist_met).to_have_count(0)
    for done, (evidence_kind, data) in enumerate(EVIDENCE.items(), start=1):
        applicant.follow(page.locator(f"section#{evidence_kind}").get_by_role("link", name=_("Add evidence")),
                         f"add-{evidence_kind}")
        for name, value in data.get("select", {}).items():
            page.select_option(f"select[name={name}]", value=value())
        for name, value in data["fill"].items():
            page.fill(f"[name={name}]", value)
        for name in data.get("check", []):
            page.check(f"input[name={name}]")
        filename, mime, content = data["file"]
        page.set_input_files("input[name=upload]", files=[{"name": filename, "mimeType": mime, "buffer": content}])
        applicant.press("Add this evidence", f"checklist-after-{evidence_kind}")
        applicant.expect_message("Your evidence was added.")
        expect(page.locator(f"section#{evidence_kind}").get_by_text(filename).first).to_be_visible()
        expect(page.locator(f"section#{evidence_kind} h2 .badge.met")).to_be_visible()
        expect(checklist_met).to_have_count(done)
    expect(page.locator("#checklist .overall .badge.met")).to_be_visible()

    # --- submits and sees the status ------------------------------------------------------------------
    applicant.press("Submit my application", "submitted")
    application = Application.objects.get(applicant__email=email)
    assert application.state == ApplicationState.SUBMITTED
    applicant.follow(page.get_by_role("link", name=_("Counselor Service")).first, "status")
    expect(page.locator(".application-summary .badge.submitted")).to_have_text(_(ApplicationState.SUBMITTED.label))
    expect(page.locator(".next-step")).to_contain_text(
        _("Your application is waiting for the vetting team. You do not need to do anything; we will write to you."))

    # --- a vetting team member signs in with the authenticator code and finds it in the queue ----------------------
    reviewer = staff_member(StaffRole.VETTING, full_name="Zhao Min", email=f"zhao.min.{language}@example.org",
                            language=language)
    vetting = people("vetting")
    vetting.sign_in(reviewer.email, totp_secret=TOTP_SECRET)
    vetting.menu("vetting-queue", "queue")
    row = vetting.page.locator("tr", has_text="Li Wei")
    expect(row.locator(".badge.submitted")).to_be_visible()
    vetting.follow(row.get_by_role("link", name=re.compile("Li Wei")), "application")
    vetting.press("Start review", "in-review")

    # --- verifies the evidence: one item by its own form, the other three with one click ----------------------
    first = vetting.page.locator("form.check-form").first
    first.locator("input[value=verified]").check()
    vetting.follow(first.get_by_role("button", name=vetting._("Save check")), "one-item-verified")
    expect(vetting.page.locator(".evidence .badge.verified")).to_have_count(1)
    vetting.follow(vetting.page.locator("form[data-verify-all] button"), "all-verified")
    expect(vetting.page.locator(".evidence .badge.verified")).to_have_count(4)
    expect(vetting.page.locator("form[data-verify-all]")).to_have_count(0)  # nothing left to verify

    # --- approves with an impatient double click: decided once ---------------------------------------
    vetting.page.fill("textarea[name=reason]", "Welcome aboard.")
    vetting.page.uncheck("input[name=then]")  # stay on this application to see the decision
    approve = vetting.page.get_by_role("button", name=vetting._("Approve"), exact=True)
    with vetting.page.expect_navigation():
        approve.dblclick()
    vetting.step("approved")
    expect(vetting.page.locator("h1 .badge.approved")).to_have_text(vetting._(ApplicationState.APPROVED.label))
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    assert AuditEntry.objects.filter(action=CredentialingAction.APPROVE, target_id=application.pk).count() == 1
    assert Volunteer.objects.get(user=application.applicant).status == "awaiting_training"
    vetting.follow(vetting.page.get_by_role("link", name=vetting._("Statistics")).first, "statistics")
    expect(vetting.page.get_by_test_id("funnel-3")).to_contain_text("1 (100%)")

    # --- the applicant sees the decision, and has one e-mail about it, in their language ------------------------------
    applicant.page.reload()
    applicant.step("decision")
    expect(page.locator(".application-summary .badge.approved")).to_have_text(_(ApplicationState.APPROVED.label))
    expect(page.locator(".decision-reason")).to_contain_text("Welcome aboard.")
    with translation.override(language):
        subjects = [translation.gettext("Your application is now: %(state)s") % {"state": state.label}
                    for state in (ApplicationState.SUBMITTED, ApplicationState.APPROVED)]
    assert [m.subject for m in mail.outbox if m.to == [email] and "confirm-email" not in m.body] == subjects


@pytest.mark.parametrize("language", LANGUAGES)
def test_apply_on_one_page_after_a_mistake(people, language):
    """An applicant with every document at hand applies on one page on a phone: a first try with the phone
    number missing comes back with the mistake marked and nothing sent; the second is sent whole."""
    from tests.people.factories import UserFactory

    person = UserFactory(full_name="", language=language, email=f"wang.fang.{language}@example.org")
    applicant = people("applicant-one-page", user=person, viewport={"width": 390, "height": 844})
    _ = applicant._
    page = applicant.page
    applicant.goto("/", "dashboard")
    applicant.follow(page.get_by_role("link", name=_("Documents at hand? Apply on one page")), "one-page-form")

    def fill_everything(*, phone: str) -> None:
        page.fill("input[name=full_name]", "王芳 Wang Fang")
        page.fill("input[name=phone]", phone)
        page.fill("input[name=institution_name]", "Beijing Normal University")
        page.fill("input[name=province]", "Beijing")
        page.fill("input[name=city]", "Beijing")
        page.fill("input[name=languages]", "Mandarin")
        for evidence_kind, data in EVIDENCE.items():
            for name, value in data.get("select", {}).items():
                page.select_option(f"select[name={evidence_kind}-{name}]", value=value())
            for name, value in data["fill"].items():
                page.fill(f"[name={evidence_kind}-{name}]", value)
            for name in data.get("check", []):
                page.check(f"input[name={evidence_kind}-{name}]")
            filename, mime, content = data["file"]
            page.set_input_files(f"input[name={evidence_kind}-upload]",
                                 files=[{"name": filename, "mimeType": mime, "buffer": content}])

    fill_everything(phone="")
    applicant.press("Send my application", "mistake-marked")
    expect(page.locator(".form-errors").first).to_contain_text(_("Nothing was sent yet: please correct what is "
                                                                 "marked below."))
    expect(page.locator(".field.has-error input[name=phone]")).to_be_visible()
    expect(page.locator("input[name=institution_name]")).to_have_value("Beijing Normal University")  # kept
    assert not Application.objects.filter(applicant=person).exists()

    fill_everything(phone="+86 139 0000 5678")
    applicant.press("Send my application", "sent")
    applicant.expect_message("Your application was sent to the vetting team. We will write to you when there is "
                             "news.")
    expect(page.locator(".application-summary .badge.submitted")).to_have_text(_(ApplicationState.SUBMITTED.label))
    application = Application.objects.get(applicant=person)
    assert application.state == ApplicationState.SUBMITTED and application.phone == "+86 139 0000 5678"
    assert sum(len(getattr(application, f"{kind_name}_set").all()) for kind_name in EVIDENCE) == 4
