"""Certificate test data through the real models: people whose application was approved."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from credentialing.enums import ApplicationState, EvidenceCheck, RoleApplied
from tests.credentialing.factories import (
    ApplicationFactory,
    EthicsTrainingFactory,
    PracticeRecordFactory,
    QualificationFactory,
    SpecialTrainingFactory,
    kind,
)
from tests.people.factories import UserFactory, VolunteerFactory

APPROVED_AT = datetime(2026, 2, 3, 22, 30, tzinfo=ZoneInfo("UTC"))  # 4 February in Beijing


def approved(*, full_name: str = "王小明", language: str = "zh-hans", role: str = RoleApplied.COUNSELOR,
             practice_hours: str = "620.5", email: str | None = None):
    """A person whose application was approved on evidence a reviewer verified; returns the user."""
    extra = {"email": email} if email else {}
    user = UserFactory(full_name=full_name, language=language, **extra)
    application = ApplicationFactory(applicant=user, role=role, state=ApplicationState.APPROVED,
                                     decided_at=APPROVED_AT, institution__name="华中师范大学")
    verified = {"application": application, "check_state": EvidenceCheck.VERIFIED}
    if role == RoleApplied.SUPERVISOR:
        QualificationFactory(**verified, qualification_kind=kind("registered-supervisor"), number="D-0042")
    else:
        QualificationFactory(**verified, number="X-000123")
        EthicsTrainingFactory(**verified, hours=Decimal("16"))
        SpecialTrainingFactory(**verified)
        PracticeRecordFactory(**verified, hours=Decimal(practice_hours))
    VolunteerFactory(user=user, role=role, since=APPROVED_AT)  # as approval makes one
    return user


ISSUED = date(2026, 3, 1)


