"""Applications ready for a vetting decision, and the person who may take each action on them."""
from credentialing.enums import APPLICANT_ACTIONS, ApplicationState, EvidenceCheck
from credentialing.models import Application
from credentialing.selectors import active_criteria_set
from credentialing.services import application_refresh_verdict
from people.models import User
from tests.credentialing.factories import (
    ApplicationFactory,
    EthicsTrainingFactory,
    PracticeRecordFactory,
    QualificationFactory,
    SpecialTrainingFactory,
    vetting_member,
)


def verified_application(state: str = ApplicationState.IN_REVIEW, check_state: str = EvidenceCheck.VERIFIED,
                         **kwargs) -> Application:
    """A counselor application in ``state`` whose four pieces of evidence all meet the criteria."""
    if state != ApplicationState.DRAFT:
        kwargs.setdefault("criteria_set", active_criteria_set())
    application = ApplicationFactory(state=state, **kwargs)
    for factory in (QualificationFactory, EthicsTrainingFactory, SpecialTrainingFactory, PracticeRecordFactory):
        factory(application=application, check_state=check_state)
    application_refresh_verdict(application)
    application.refresh_from_db()
    return application


def actor_for(action: str, application: Application) -> User:
    """The applicant for their own actions, a (new) vetting team member for the others."""
    return application.applicant if action in APPLICANT_ACTIONS else vetting_member()
