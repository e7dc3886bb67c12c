"""Credentialing test data through the real models. Factories, not fixtures: each test says what it needs."""
import io
from datetime import date
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentialing.enums import ApplicationState
from credentialing.models import (
    Application,
    EthicsTraining,
    Institution,
    PracticeRecord,
    Qualification,
    QualificationKind,
    SpecialTraining,
)
from tests.people.factories import (  # noqa: F401  (the tests of credentialing use both apps' factories)
    PASSWORD,
    TOTP_SECRET,
    UserFactory,
    staff_member,
    totp_now,
    vetting_member,
    with_totp,
)


def pdf_bytes(text: str = "evidence") -> bytes:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"% " + text.encode() + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return body


def scan_pdf(*lines: str) -> bytes:
    """A one-page PDF as a scanner makes it (a picture of the page), with a few lines of text to read."""
    from PIL import ImageDraw

    page = Image.new("RGB", (595, 420), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((12, 12, 582, 407), outline="navy", width=4)
    for number, line in enumerate(lines):
        draw.text((48, 60 + 36 * number), line, fill="black", font_size=22)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"University No. {n}")
    kind = "university"
    province = "Hubei"
    city = "Wuhan"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda a: a.applicant.full_name)
    phone = "13800000000"
    institution = factory.SubFactory(InstitutionFactory)
    province = "Hubei"
    city = "Wuhan"
    state = ApplicationState.DRAFT


def kind(code: str) -> QualificationKind:
    return QualificationKind.objects.get(code=code)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    application = factory.SubFactory(ApplicationFactory)
    qualification_kind = factory.LazyFunction(lambda: kind("registered-psychologist"))
    number = factory.Sequence(lambda n: f"X-{n:06d}")
    issuing_body = "Clinical and Counseling Psychology Registration System"
    issued_on = date(2020, 1, 1)
    file = factory.django.FileField(filename="registration.pdf", data=pdf_bytes())
    original_name = "registration.pdf"
    content_type = "application/pdf"


class EthicsTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EthicsTraining

    application = factory.SubFactory(ApplicationFactory)
    provider = "Registration system ethics course"
    hours = Decimal("16")
    approved_by_registry = True
    completed_on = date(2021, 5, 1)
    file = factory.django.FileField(filename="ethics.pdf", data=pdf_bytes())
    original_name = "ethics.pdf"
    content_type = "application/pdf"


class SpecialTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialTraining

    application = factory.SubFactory(ApplicationFactory)
    title = "Crisis intervention and psychological first aid"
    provider = "Red Cross"
    hours = Decimal("24")
    completed_on = date(2022, 3, 1)
    covers_trauma = True
    covers_first_aid = True
    covers_crisis = True
    file = factory.django.FileField(filename="training.pdf", data=pdf_bytes())
    original_name = "training.pdf"
    content_type = "application/pdf"


class PracticeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeRecord

    application = factory.SubFactory(ApplicationFactory)
    hours = Decimal("600")
    evidence_kind = "log"
    description = "University counseling centre"
    file = factory.django.FileField(filename="log.pdf", data=pdf_bytes())
    original_name = "log.pdf"
    content_type = "application/pdf"


def complete_application(**kwargs) -> Application:
    """A counselor application whose declared evidence meets all four criteria (nothing verified yet)."""
    from credentialing.services import application_refresh_verdict

    application = ApplicationFactory(**kwargs)
    QualificationFactory(application=application)
    EthicsTrainingFactory(application=application)
    SpecialTrainingFactory(application=application)
    PracticeRecordFactory(application=application)
    application_refresh_verdict(application)
    return application
