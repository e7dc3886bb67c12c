"""Choices of the credentialing app. States and their allowed transitions live here, in one place."""
from django.db import models
from django.utils.translation import gettext_lazy as _

# The people app owns who someone is; credentialing names the role a person applies for.
from people.enums import Channel, StaffRole, VolunteerStatus  # noqa: F401  (re-exported)
from people.enums import VolunteerRole as RoleApplied  # noqa: F401


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("Hospital or clinic")
    OTHER = "other", _("Other institution")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def waiting_for_review(cls) -> set[str]:
        return {cls.SUBMITTED, cls.RESUBMITTED}

    @classmethod
    def editable_by_applicant(cls) -> set[str]:
        return {cls.DRAFT, cls.CHANGES_REQUESTED}

    @classmethod
    def final(cls) -> set[str]:
        return {cls.APPROVED, cls.REJECTED, cls.WITHDRAWN}

    @classmethod
    def ended(cls) -> set[str]:
        """An application that ended without approval: its applicant may apply again."""
        return {cls.REJECTED, cls.WITHDRAWN}

    @classmethod
    def live(cls) -> set[str]:
        """Open or approved: a person has at most one such application."""
        return {state for state in cls.values if state not in cls.ended()}

    @classmethod
    def open(cls) -> set[str]:
        return {state for state in cls.values if state not in cls.final()}


class ApplicationAction(models.TextChoices):
    """What a person does to an application; each action is one allowed set of transitions."""

    SUBMIT = "submit", _("Submit")
    START_REVIEW = "start_review", _("Start review")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    RESUBMIT = "resubmit", _("Resubmit")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    WITHDRAW = "withdraw", _("Withdraw")


S = ApplicationState
A = ApplicationAction

# The whole vetting workflow: action -> (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.START_REVIEW: (frozenset({S.SUBMITTED, S.RESUBMITTED}), S.IN_REVIEW),
    A.REQUEST_CHANGES: (frozenset({S.IN_REVIEW}), S.CHANGES_REQUESTED),
    A.RESUBMIT: (frozenset({S.CHANGES_REQUESTED}), S.RESUBMITTED),
    A.APPROVE: (frozenset({S.IN_REVIEW}), S.APPROVED),
    A.REJECT: (frozenset({S.IN_REVIEW}), S.REJECTED),
    A.WITHDRAW: (frozenset(S.open()), S.WITHDRAWN),
}
# Actions whose reason is shown to the applicant and therefore may not be empty.
ACTIONS_NEEDING_REASON = frozenset({A.REQUEST_CHANGES, A.REJECT})
# Actions the applicant takes; the others are the vetting team's.
APPLICANT_ACTIONS = frozenset({A.SUBMIT, A.RESUBMIT, A.WITHDRAW})


class Verdict(models.TextChoices):
    """The automatic verdict of a criterion, or of an application (all four criteria)."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class Criterion(models.TextChoices):
    QUALIFICATION = "qualification", _("Professional qualification")
    ETHICS = "ethics", _("Ethics training")
    SPECIAL_TRAINING = "special_training", _("Trauma, first-aid and crisis training")
    PRACTICE = "practice", _("Individual counseling practice")


class SpecialTopic(models.TextChoices):
    TRAUMA = "trauma", _("Trauma treatment")
    FIRST_AID = "first_aid", _("Psychological first aid")
    CRISIS = "crisis", _("Crisis intervention")


class PracticeEvidenceKind(models.TextChoices):
    LOG = "log", _("Counseling log")
    ATTESTATION = "attestation", _("Attestation from a supervisor or employer")


class EvidenceCheck(models.TextChoices):
    PENDING = "pending", _("Not yet verified")
    VERIFIED = "verified", _("Verified")
    NOT_ACCEPTABLE = "not_acceptable", _("Not acceptable")


class ImportState(models.TextChoices):
    """A large import run by the worker."""

    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
