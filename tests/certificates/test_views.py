"""The pages: public verification, the holder's downloads, the coordinators' actions; who may do what."""
import pytest
from django.urls import reverse

from certificates import services
from certificates.enums import CertificateKind, Standing
from certificates.models import Certificate
from people.enums import StaffRole
from tests.certificates.factories import approved
from tests.certificates.helpers import pdf_text
from tests.people.factories import UserFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return staff_member(StaffRole.COORDINATOR)


def issue(holder, **kwargs) -> Certificate:
    return services.certificate_issue(holder=holder, kind=CertificateKind.ADMISSION, actor=holder, **kwargs)


def verify(client, code):
    return client.get(reverse("certificates:verify", args=[code]))


# --- verification ----------------------------------------------------------------------------------


def test_a_valid_certificate_shows_name_kind_date_and_standing_and_nothing_else_personal(client):
    holder = approved(full_name="王小明", email="wang@example.org")
    certificate = issue(holder)

    response = verify(client, certificate.code)

    page = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in page and "Admission" in page and "Valid" in page
    assert certificate.issued_at.strftime("%Y") in page
    for private in ("wang@example.org", "华中师范大学", "X-000123", "620.5", "13800000000"):
        assert private not in page


def test_the_code_may_be_typed_with_hyphens_and_in_lower_case(client):
    certificate = issue(approved())
    assert verify(client, certificate.display_code.lower()).status_code == 200


def test_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(client, coordinator):
    certificate = issue(approved())
    services.certificate_revoke(certificate_id=certificate.pk, actor=coordinator, reason="Forged evidence")

    page = verify(client, certificate.code).content.decode()

    assert "Revoked" in page and "revoked on" in page
    assert "Forged evidence" not in page
    assert "Valid</span>" not in page


def test_a_superseded_certificate_says_a_newer_one_exists(client):
    holder = approved(language="zh-hans")
    old = issue(holder)
    issue(holder, language="en")

    page = verify(client, old.code).content.decode()

    assert "Superseded" in page and "replaced by a newer certificate" in page


def test_an_unknown_code_is_plainly_not_found(client):
    issue(approved())
    response = verify(client, "ZZZZZZZZZZZZZZZZZZZZ")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert verify(client, "not a code!").status_code == 404


def test_guessing_codes_is_rate_limited_per_address(client, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (3, 60)
    certificate = issue(approved())

    answers = [verify(client, f"GUESS{index:015d}").status_code for index in range(3)]
    limited = verify(client, certificate.code)  # even a right code waits once the limit is reached

    assert answers == [404, 404, 404]
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    other_address = client.get(reverse("certificates:verify", args=[certificate.code]), REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_the_verification_page_shows_in_chinese_for_chinese_readers(client):
    certificate = issue(approved())
    page = client.get(reverse("certificates:verify", args=[certificate.code]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "证书查验" in page and "有效" in page


# --- the holder --------------------------------------------------------------------------------------


def test_an_approved_counselor_downloads_their_own_certificate_in_the_language_chosen(client):
    holder = approved(full_name="王小明", language="zh-hans")
    client.force_login(holder)

    assert "Certificate of Admission" not in client.get(reverse("certificates:mine")).content.decode()
    response = client.post(reverse("certificates:download_own", args=["admission"]), {"language": "en"}, follow=True)

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Certificate of Admission" in text and "王小明" in text
    certificate = Certificate.objects.get(holder=holder)
    assert certificate.language == "en"
    assert certificate.code in response["Content-Disposition"]


def test_nobody_downloads_another_persons_certificate(client):
    certificate = issue(approved())
    client.force_login(approved(full_name="李娜"))
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    certificate = issue(approved())
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_holder_cannot_download_a_revoked_certificate_but_a_coordinator_can(client, coordinator):
    holder = approved()
    certificate = issue(holder)
    services.certificate_revoke(certificate_id=certificate.pk, actor=coordinator, reason="Issued by mistake")
    client.force_login(holder)
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 404
    client.force_login(coordinator)
    assert client.get(reverse("certificates:download", args=[certificate.pk])).status_code == 200


def test_someone_not_approved_is_told_and_gets_nothing(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("certificates:download_own", args=["admission"]), {"language": "en"},
                           follow=True)
    assert response.status_code == 200
    assert "does not qualify" in response.content.decode()
    assert not Certificate.objects.exists()


# --- coordinators --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["manage"])
def test_management_pages_are_for_coordinators_only(client, name):
    client.force_login(staff_member(StaffRole.VETTING))
    assert client.get(reverse(f"certificates:{name}")).status_code == 403
    client.force_login(approved())
    assert client.get(reverse(f"certificates:{name}")).status_code == 403


def test_holders_cannot_issue_or_revoke(client):
    holder = approved()
    certificate = issue(holder)
    client.force_login(holder)
    assert client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("certificates:issue"), {"email": holder.email, "kind": "admission"}).status_code == 403
    assert client.post(reverse("certificates:batch_new"), {"kind": "admission", "output_format": "pdf"}
                       ).status_code == 403
    certificate.refresh_from_db()
    assert certificate.standing == Standing.VALID


def _login(client, user):
    client.force_login(user)


def test_a_coordinator_issues_finds_and_revokes(client, coordinator):
    holder = approved(full_name="王小明", email="wang@example.org")
    _login(client, coordinator)

    response = client.post(reverse("certificates:issue"), {"email": "WANG@example.org", "kind": "admission",
                                                           "language": ""}, follow=True)
    certificate = Certificate.objects.get(holder=holder)
    assert certificate.display_code in response.content.decode()

    listed = client.get(reverse("certificates:manage"), {"q": "王小明", "standing": "valid"}).content.decode()
    assert certificate.display_code in listed

    client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": ""})
    certificate.refresh_from_db()
    assert certificate.standing == Standing.VALID  # no reason, no revocation
    client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "Issued by mistake"})
    certificate.refresh_from_db()
    assert certificate.standing == Standing.REVOKED


def test_a_coordinator_is_told_when_the_person_does_not_qualify(client, coordinator):
    UserFactory(email="nobody@example.org")
    _login(client, coordinator)
    response = client.post(reverse("certificates:issue"), {"email": "nobody@example.org", "kind": "admission"},
                           follow=True)
    assert "does not qualify" in response.content.decode()
    response = client.post(reverse("certificates:issue"), {"email": "ghost@example.org", "kind": "admission"},
                           follow=True)
    assert "Nobody has the e-mail address" in response.content.decode()


def test_the_approved_applicant_page_and_the_menu_lead_to_the_certificates(client, coordinator):
    client.force_login(approved())
    home = client.get(reverse("credentialing:home")).content.decode()
    assert home.count(f'href="{reverse("certificates:mine")}"') == 2  # the menu and the next step
    client.force_login(coordinator)
    assert f'href="{reverse("certificates:manage")}"' in client.get(reverse("certificates:mine")).content.decode()
    client.force_login(UserFactory())
    page = client.get(reverse("credentialing:home")).content.decode()
    assert reverse("certificates:manage") not in page and f'href="{reverse("certificates:mine")}"' not in page


def test_an_approved_applicants_home_links_to_their_certificate(client):
    """Credentialing shows the link without naming the certificates app's page (registered from above)."""
    from tests.certificates.factories import approved as approved_holder

    holder = approved_holder(full_name="Wang Xiaoming", language="en")
    client.force_login(holder)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("certificates:mine")}"' in html and "Download your certificate" in html


def test_a_supervisor_downloads_their_appointment_and_a_counselor_is_not_offered_one(client):
    supervisor = approved(full_name="张伟", role="supervisor", language="en")
    client.force_login(supervisor)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert "Supervisor appointment" in page and "Admission" not in page
    response = client.post(reverse("certificates:download_own", args=["supervisor_appointment"]),
                           {"language": "zh-hans"}, follow=True)
    assert response["Content-Type"] == "application/pdf" and "张伟" in pdf_text(response.content)
    assert Certificate.objects.get(holder=supervisor).kind == CertificateKind.SUPERVISOR_APPOINTMENT

    client.force_login(approved(full_name="王小明"))
    assert "Supervisor appointment" not in client.get(reverse("certificates:mine")).content.decode()
