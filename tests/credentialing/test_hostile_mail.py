"""Plain-text mail carries what people wrote as they wrote it: no HTML entities."""
from pathlib import Path

import pytest
from django.core import mail

from credentialing.enums import StaffRole
from credentialing.services import application_transition
from tests.credentialing.factories import UserFactory, staff_member
from tests.credentialing.factories_vetting import verified_application

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
HOSTILE_TEXTS = ['Upload <b>all</b> pages & the "stamp" page, it\'s needed',
                 "Hours < 500 > 16; see <https://example.org/?a=1&b=2>",
                 "<script>alert('x')</script> &amp; already escaped &lt;",
                 "李娜说：“证书<第2页>缺失” & ‘盖章’"]
ENTITIES = ("&lt;", "&gt;", "&quot;", "&#x27;", "&#39;", "&amp;amp;")


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_the_reason_and_the_name_reach_the_mail_as_written(django_capture_on_commit_callbacks, text, action):
    applicant = UserFactory(full_name=text[:100])
    application = verified_application("in_review", applicant=applicant, full_name=text[:100])
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application_id=application.pk, action=action, actor=staff_member(StaffRole.VETTING),
                               reason=text)
    [message] = mail.outbox
    assert text in message.body and text[:100] in message.body
    body_without_what_was_typed = message.body.replace(text, "")
    assert not any(entity in body_without_what_was_typed for entity in ENTITIES), message.body
    assert not any(entity in message.subject for entity in ENTITIES)


def test_every_plain_text_template_of_ours_turns_html_escaping_off():
    templates = [path for folder in ("templates", "credentialing/templates") for path in (REPO / folder).rglob("*.txt")]
    assert templates
    for path in templates:
        source = path.read_text()
        assert "{% autoescape off %}" in source or source.lstrip().startswith("{% extends"), path
