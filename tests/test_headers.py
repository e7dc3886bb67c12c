"""Headers on every page: a Content-Security-Policy without 'unsafe-inline' (and pages that need none), and
``Cache-Control: private, no-store`` on everything a signed-in person sees."""
import re

import pytest
from django.test import Client

from credentialing.enums import StaffRole
from tests.credentialing.factories import PASSWORD, UserFactory, complete_application, staff_member, with_totp
from tests.credentialing.factories_vetting import verified_application

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
APPLICANT_PAGES = ["/", "/application/", "/application/history/", "/application/withdraw/", "/me/settings/",
                   "/application/evidence/practicerecord/add/", "/accounts/email/", "/accounts/password/change/",
                   "/accounts/2fa/", "/me/data/", "/evidence/practicerecord/{draft_record}/file/"]
REVIEWER_PAGES = ["/vetting/", "/vetting/?state=in_review", "/vetting/{application}/", "/vetting/statistics/",
                  "/evidence/practicerecord/{record}/file/"]
COORDINATOR_PAGES = ["/admin/", "/admin/credentialing/application/", "/admin/credentialing/application/{application}/"
                     "change/", "/admin/credentialing/application/import/", "/admin/credentialing/application/export/",
                     "/admin/common/auditentry/", "/admin/credentialing/practicerecord/{record}/change/"]
# Inline code a policy without 'unsafe-inline' blocks: <script> with a body, <style>, style= and on…= attributes.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S|<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def world():
    application = verified_application("in_review")
    draft = complete_application()
    applicant_client, reviewer_client, coordinator_client = Client(), Client(), Client()
    applicant_client.force_login(draft.applicant)
    reviewer_client.force_login(staff_member(StaffRole.VETTING))
    coordinator_client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    ids = {"application": application.pk, "record": application.practicerecord_set.get().pk,
           "draft_record": draft.practicerecord_set.get().pk}
    return [(client, path.format(**ids)) for client, paths in (
        (Client(), ANONYMOUS_PAGES), (applicant_client, APPLICANT_PAGES), (reviewer_client, REVIEWER_PAGES),
        (coordinator_client, COORDINATOR_PAGES)) for path in paths], {applicant_client, reviewer_client,
                                                                       coordinator_client}


def test_every_page_has_a_content_security_policy_without_unsafe_inline(world):
    pages, _signed_in = world
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], path
        for name in ("script-src", "style-src"):
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(directives[name]), (path, name)
        assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_our_pages_need_no_inline_script_or_style(world):
    pages, _signed_in = world
    for client, path in pages:
        response = client.get(path)
        if "text/html" not in response["Content-Type"] or path.startswith("/admin/"):
            continue  # the admin's pages are Django's and django-import-export's
        found = INLINE.findall(response.content.decode())
        assert not found, (path, found)


def test_the_two_factor_setup_page_works_under_the_policy():
    client = Client()
    staff = UserFactory(roles=[StaffRole.VETTING])  # staff without an authenticator yet
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # allauth asks again before 2FA changes
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert "data:" in policy(response)["img-src"]
    assert 'src="data:image/svg+xml' in response.content.decode()
    assert not INLINE.findall(response.content.decode())


def test_every_page_a_signed_in_person_sees_is_private_and_not_stored(world):
    pages, signed_in = world
    checked = 0
    for client, path in pages:
        if client in signed_in:
            response = client.get(path)
            assert response["Cache-Control"] == "private, no-store", path
            checked += 1
    assert checked == len(APPLICANT_PAGES) + len(REVIEWER_PAGES) + len(COORDINATOR_PAGES)


def test_redirects_and_refusals_to_signed_in_people_are_not_stored_either():
    client = Client()
    client.force_login(complete_application().applicant)
    for method, path in (("get", "/vetting/"), ("post", "/application/submit/"), ("get", "/nowhere/")):
        response = getattr(client, method)(path)
        assert response.status_code in (302, 403, 404)
        assert response["Cache-Control"] == "private, no-store", path
