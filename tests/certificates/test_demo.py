"""The demo data hold a few certificates of every kind, the demo accounts' among them. (Their reset is exercised
by every demo test that reseeds: a demo person's certificate would otherwise keep them from being deleted.)"""
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from certificates.enums import CertificateKind, Standing
from certificates.models import Certificate
from people.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_issues_every_kind_and_the_demo_accounts_see_theirs(client):
    call_command("seed_demo", "--applications", "200", stdout=io.StringIO())

    valid = Certificate.objects.filter(standing=Standing.VALID)
    assert set(valid.values_list("kind", flat=True)) == set(CertificateKind.values)
    assert 3 <= valid.filter(kind=CertificateKind.TRAINING_COMPLETION).count() <= 6
    counselor = User.objects.get(email="counselor@demo.example")
    supervisor = User.objects.get(email="supervisor@demo.example")
    assert {CertificateKind.ADMISSION, CertificateKind.TRAINING_COMPLETION, CertificateKind.SERVICE_RECORD} == set(
        valid.filter(holder=counselor).values_list("kind", flat=True))
    assert {CertificateKind.SUPERVISOR_APPOINTMENT, CertificateKind.SERVICE_RECORD} == set(
        valid.filter(holder=supervisor).values_list("kind", flat=True))
    assert not Certificate.objects.exclude(file="").exists()  # issued, not rendered: seeding stays quick

    client.force_login(counselor)
    page = client.get(reverse("certificates:mine")).content.decode()
    for certificate in valid.filter(holder=counselor):
        assert certificate.display_code in page
