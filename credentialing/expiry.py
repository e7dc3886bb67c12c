"""Credentials that stay current: notices before a volunteer's qualification expires, a pause when it has.

The volunteer stands on the verified qualifications of their approved application that qualify for their
role; the latest expiry date among them is the one that counts (a qualification without one never expires).
``credentials_sweep`` is run once a day (cron or a systemd timer: ``manage.py credentials_sweep``). It is
idempotent: every notice and pause is remembered in ``CredentialNotice``, so running it twice, or after a
restart, sends nothing twice; a sweep that missed days sends only the most urgent notice due.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_log
from credentialing import tasks
from credentialing.audit import CredentialingAction
from credentialing.enums import ApplicationState, EvidenceCheck
from credentialing.exceptions import CredentialingError
from credentialing.models import NOTICE_DAYS, Application, CredentialNotice, NoticeKind, Qualification
from credentialing.rules import is_vetting_staff
from people.enums import VolunteerStatus
from people.models import User, Volunteer
from people.services import volunteer_set_status

# --- pure rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldQualification:
    pk: int
    expires_on: date | None
    verified: bool
    qualifies_for_role: bool


def standing_qualification(held: list[HeldQualification]) -> HeldQualification | None:
    """The qualification a volunteer stands on: verified, qualifying, the one that expires last (one with no
    expiry date wins). None when there is none at all."""
    valid = [q for q in held if q.verified and q.qualifies_for_role]
    if not valid:
        return None
    return max(valid, key=lambda q: (q.expires_on is None, q.expires_on or date.min, q.pk))


def notice_due(expires_on: date | None, today: date, already: set[str]) -> str | None:
    """The notice to act on today for an expiry date, or None: the most urgent kind that is due and not done."""
    if expires_on is None:
        return None
    for kind in (NoticeKind.EXPIRED, NoticeKind.DAYS_14, NoticeKind.DAYS_60):
        if today >= expires_on - timedelta(days=NOTICE_DAYS[kind]):
            return None if kind in already else kind
    return None


# --- the sweep -------------------------------------------------------------------------------------------------


@dataclass
class SweepReport:
    notices: list[int] = field(default_factory=list)
    paused: list[int] = field(default_factory=list)
    restored: list[int] = field(default_factory=list)


def _held(application: Application, role: str) -> list[HeldQualification]:
    return [HeldQualification(pk=q.pk, expires_on=q.expires_on, verified=q.check_state == EvidenceCheck.VERIFIED,
                              qualifies_for_role=q.qualification_kind.qualifies_for(role))
            for q in application.qualification_set.all()]


def _volunteers_with_standing():
    """Every live volunteer with their approved application's qualifications and their notices (4 queries)."""
    volunteers = list(Volunteer.objects.filter(status__in=VolunteerStatus.live()).select_related("user")
                      .prefetch_related(Prefetch("credential_notices", to_attr="notices")))
    applications = (Application.objects.filter(state=ApplicationState.APPROVED,
                                               applicant_id__in=[v.user_id for v in volunteers])
                    .order_by("applicant_id", "-decided_at", "-pk")
                    .prefetch_related(Prefetch("qualification_set",
                                               queryset=Qualification.objects.select_related("qualification_kind"))))
    latest: dict[int, Application] = {}
    for application in applications:
        latest.setdefault(application.applicant_id, application)
    return [(volunteer, latest.get(volunteer.user_id)) for volunteer in volunteers]


def _restore(volunteer: Volunteer, pause: CredentialNotice, *, actor: User | None, now) -> bool:
    """Give a volunteer paused for an expired qualification their status back; True if it changed."""
    pause.restored_at = now
    pause.save(update_fields=["restored_at"])
    if volunteer.status != VolunteerStatus.PAUSED or pause.previous_status in ("", VolunteerStatus.PAUSED):
        return False
    volunteer_set_status(volunteer_id=volunteer.pk, status=pause.previous_status, actor=actor,
                         reason=_("A new qualification was verified."))
    return True


def credentials_sweep(*, today: date | None = None) -> SweepReport:
    """Send the notices due, pause volunteers whose qualification expired, restore those renewed."""
    today = today or timezone.localdate()
    now = timezone.now()
    report = SweepReport()
    for volunteer, application in _volunteers_with_standing():
        if application is None:
            continue
        standing = standing_qualification(_held(application, volunteer.role))
        open_pauses = [n for n in volunteer.notices if n.kind == NoticeKind.EXPIRED and n.restored_at is None]
        if open_pauses and (standing is None or standing.expires_on is None or standing.expires_on > today):
            # renewed (or the team corrected the date): the pause ends
            if standing is not None:
                with transaction.atomic():
                    for pause in open_pauses:
                        if _restore(volunteer, pause, actor=None, now=now):
                            report.restored.append(volunteer.pk)
            continue
        if standing is None:
            continue
        already = {n.kind for n in volunteer.notices
                   if n.qualification_id == standing.pk and n.expires_on == standing.expires_on}
        kind = notice_due(standing.expires_on, today, already)
        if kind is None:
            continue
        notice = _act(volunteer, standing, kind, now=now)
        report.notices.append(notice.pk)
        if kind == NoticeKind.EXPIRED:
            report.paused.append(volunteer.pk)
    return report


@transaction.atomic
def _act(volunteer: Volunteer, standing: HeldQualification, kind: str, *, now) -> CredentialNotice:
    volunteer = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
    notice = CredentialNotice.objects.create(
        qualification_id=standing.pk, volunteer=volunteer, kind=kind, expires_on=standing.expires_on,
        created_at=now, previous_status=volunteer.status if kind == NoticeKind.EXPIRED else "")
    audit_log(actor=None, action=CredentialingAction.EXPIRY_NOTICE, target=notice, subject=volunteer.user,
              data={"kind": kind, "expires_on": standing.expires_on.isoformat(), "qualification": standing.pk})
    if kind == NoticeKind.EXPIRED and volunteer.status != VolunteerStatus.PAUSED:
        volunteer_set_status(volunteer_id=volunteer.pk, status=VolunteerStatus.PAUSED, actor=None,
                             reason=_("The qualification that admitted this volunteer expired on %(date)s.")
                             % {"date": standing.expires_on.isoformat()})
    transaction.on_commit(lambda: tasks.send_credential_notice.enqueue(notice.pk))
    return notice


# --- renewal ---------------------------------------------------------------------------------------------------


@transaction.atomic
def qualification_renew(*, qualification_id: int, expires_on: date | None, actor: User,
                        today: date | None = None) -> Qualification:
    """The vetting team has seen a renewed qualification: record its new expiry date as verified and, if the
    volunteer was paused for the old one, give them their status back at once."""
    today = today or timezone.localdate()
    qualification = Qualification.objects.select_for_update().select_related("application").get(pk=qualification_id)
    application = qualification.application
    if application.state != ApplicationState.APPROVED:
        raise CredentialingError(_("Only a qualification of an approved volunteer can be renewed here."))
    if application.applicant_id == actor.pk or not is_vetting_staff(actor):
        raise CredentialingError(_("Only another member of the vetting team can verify a renewal."))
    if expires_on is not None and expires_on <= today:
        raise CredentialingError(_("The new expiry date must be in the future."))
    if expires_on is not None and qualification.issued_on and expires_on < qualification.issued_on:
        raise CredentialingError(_("The expiry date cannot be before the date of issue."))
    previous = qualification.expires_on
    qualification.expires_on = expires_on
    qualification.check_state = EvidenceCheck.VERIFIED
    qualification.checked_by = actor
    qualification.checked_at = timezone.now()
    qualification.save(update_fields=["expires_on", "check_state", "checked_by", "checked_at"])
    audit_log(actor=actor, action=CredentialingAction.QUALIFICATION_RENEWED, target=application,
              subject_id=application.applicant_id,
              data={"evidence": {"kind": qualification.kind, "id": qualification.pk},
                    "from": previous.isoformat() if previous else "",
                    "to": expires_on.isoformat() if expires_on else ""})
    volunteer = Volunteer.objects.filter(user_id=application.applicant_id).first()
    if volunteer is not None:
        for pause in CredentialNotice.objects.filter(volunteer=volunteer, kind=NoticeKind.EXPIRED,
                                                     restored_at__isnull=True):
            _restore(volunteer, pause, actor=None, now=timezone.now())  # the renewal entry names the actor
    return qualification
