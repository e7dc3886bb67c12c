"""Writes about people: volunteers, their working profile and status, staff roles, the calendar address.

Every change is recorded in the audit trail with the person as its subject.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_entry, audit_log, audit_log_bulk
from common.versioning import is_stale, save_new_version
from people.audit import PeopleAction
from people.enums import VOLUNTEER_TRANSITIONS, StaffRole, VolunteerStatus
from people.models import CalendarFeed, User, Volunteer, new_feed_token


class PeopleError(Exception):
    """An expected refusal whose message is shown to the person who tried."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WorkingProfile:
    """What training and rostering need to know about a volunteer; copied from the application at approval."""

    timezone: str
    serves_voice: bool
    serves_text: bool
    languages: str = ""
    phone: str = ""
    share_contact: bool = False

    def as_fields(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


PROFILE_FIELDS = tuple(f.name for f in fields(WorkingProfile))


@dataclass(frozen=True)
class NewVolunteer:
    """One volunteer to create in bulk (the demo data)."""

    user: User
    role: str
    profile: WorkingProfile
    since: datetime
    status: str = VolunteerStatus.AWAITING_TRAINING
    actor: User | None = None
    data: dict | None = None


def users_create_bulk(users: list[User], *, email_verified: bool) -> list[User]:
    """Accounts made for people who did not sign up themselves (the applicant import, the demo data): each gets
    its e-mail address recorded for allauth (verified only when the caller vouches for it) and, without a
    password, an unusable one, so the person sets their own through "forgot password". One INSERT per table,
    inside the caller's transaction."""
    for user in users:
        if not user.password:
            user.set_unusable_password()
    created = User.objects.bulk_create(users, batch_size=2000)
    EmailAddress.objects.bulk_create([EmailAddress(user=user, email=user.email, verified=email_verified,
                                                   primary=True) for user in created], batch_size=2000)
    return created


def volunteer_create(*, user: User, role: str, profile: WorkingProfile, actor: User | None,
                     since: datetime | None = None, data: dict | None = None) -> Volunteer:
    """Make the person a volunteer awaiting training (approval calls this inside its transaction).

    A person approved again (after leaving, say) keeps their one volunteer record, renewed.
    """
    since = since or timezone.now()
    with transaction.atomic():
        volunteer, created = Volunteer.objects.update_or_create(
            user=user,
            defaults={"role": role, "since": since, "status": VolunteerStatus.AWAITING_TRAINING,
                      **profile.as_fields()},
        )
        audit_log(actor=actor, action=PeopleAction.VOLUNTEER_CREATED, target=volunteer, subject=user,
                  to_state=volunteer.status, data={"role": role, "renewed": not created, **(data or {})})
    return volunteer


def volunteers_create_bulk(new: Iterable[NewVolunteer]) -> list[Volunteer]:
    """Many new volunteers at once, each with the audit entry ``volunteer_create`` would write."""
    new = list(new)
    volunteers = Volunteer.objects.bulk_create([
        Volunteer(user=item.user, role=item.role, since=item.since, status=item.status, **item.profile.as_fields())
        for item in new
    ], batch_size=2000)
    audit_log_bulk([
        audit_entry(actor=item.actor, action=PeopleAction.VOLUNTEER_CREATED, target=volunteer, subject=item.user,
                    to_state=volunteer.status, data={"role": item.role, "renewed": False, **(item.data or {})},
                    created_at=item.since)
        for item, volunteer in zip(new, volunteers, strict=True)
    ])
    return volunteers


def _locked_volunteer(volunteer_id: int) -> Volunteer:
    return Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer_id)


@transaction.atomic
def volunteer_update_profile(*, volunteer_id: int, actor: User, profile: WorkingProfile,
                             expected_version: int | None = None) -> Volunteer:
    volunteer = _locked_volunteer(volunteer_id)
    if not actor.has_perm("people.edit_volunteer_profile", volunteer):
        raise PeopleError(_("You may not change this working profile."))
    if is_stale(volunteer, expected_version):
        raise PeopleError(_("Somebody else changed this profile since you opened it. Nothing was saved; "
                            "reload the page to see the change."))
    changed = sorted(name for name, value in profile.as_fields().items() if getattr(volunteer, name) != value)
    if changed:
        for name in changed:
            setattr(volunteer, name, getattr(profile, name))
        save_new_version(volunteer, *changed)
        # personal data is not copied into the trail, only which fields changed
        audit_log(actor=actor, action=PeopleAction.VOLUNTEER_PROFILE_UPDATED, target=volunteer,
                  subject=volunteer.user, data={"fields": changed})
    return volunteer


@transaction.atomic
def volunteer_set_status(*, volunteer_id: int, status: str, actor: User | None, reason: str = "",
                         expected_version: int | None = None) -> Volunteer:
    """Move a volunteer along ``VOLUNTEER_TRANSITIONS`` (training done, paused, left...)."""
    volunteer = _locked_volunteer(volunteer_id)
    if actor is not None and not actor.has_perm("people.change_volunteer_status", volunteer):
        raise PeopleError(_("You may not change this volunteer's status."))
    if is_stale(volunteer, expected_version):
        raise PeopleError(_("Somebody else changed this volunteer since you opened the page. Nothing was saved."))
    if status not in VOLUNTEER_TRANSITIONS.get(volunteer.status, ()):
        raise PeopleError(_("A volunteer who is “%(from)s” cannot become “%(to)s”.") % {
            "from": volunteer.get_status_display(),
            "to": VolunteerStatus(status).label if status in VolunteerStatus.values else status})
    previous = volunteer.status
    volunteer.status = status
    save_new_version(volunteer, "status")
    audit_log(actor=actor, action=PeopleAction.VOLUNTEER_STATUS_CHANGED, target=volunteer, subject=volunteer.user,
              from_state=previous, to_state=status, reason=reason.strip())
    return volunteer


# --- staff roles ---------------------------------------------------------------------------------


def _group(role: str) -> Group:
    if role not in StaffRole.values:
        raise PeopleError(_("Unknown staff role “%(role)s”.") % {"role": role})
    return Group.objects.get_or_create(name=role)[0]


def _guard_role_manager(actor: User | None) -> None:
    # actor None: the system itself (a management command, the demo data)
    if actor is not None and not actor.has_perm("people.manage_staff_roles"):
        raise PeopleError(_("Only a coordinator can grant or revoke staff roles."))


@transaction.atomic
def staff_role_grant(*, user: User, role: str, actor: User | None) -> bool:
    """Give the person a staff role; False if they held it already (nothing recorded then)."""
    _guard_role_manager(actor)
    group = _group(role)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    user.forget_staff_roles()
    audit_log(actor=actor, action=PeopleAction.STAFF_ROLE_GRANTED, target=user, subject=user, data={"role": role})
    return True


@transaction.atomic
def staff_role_revoke(*, user: User, role: str, actor: User | None) -> bool:
    """Take a staff role away; False if the person did not hold it."""
    _guard_role_manager(actor)
    group = _group(role)
    if not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    user.forget_staff_roles()
    audit_log(actor=actor, action=PeopleAction.STAFF_ROLE_REVOKED, target=user, subject=user, data={"role": role})
    return True


def staff_roles_grant_bulk(*, users: Iterable[User], role: str, actor: User | None) -> None:
    """Many people, one role, in three queries (the demo's reviewers)."""
    _guard_role_manager(actor)
    group = _group(role)
    users = list(users)
    User.groups.through.objects.bulk_create([User.groups.through(user_id=user.pk, group_id=group.pk)
                                             for user in users], ignore_conflicts=True)
    audit_log_bulk([audit_entry(actor=actor, action=PeopleAction.STAFF_ROLE_GRANTED, target=user, subject=user,
                                data={"role": role}) for user in users])
    for user in users:
        user.forget_staff_roles()


@transaction.atomic
def staff_roles_set(*, user: User, roles: Iterable[str], actor: User | None) -> tuple[set[str], set[str]]:
    """Make the person's staff roles exactly ``roles`` (the admin's form); returns (granted, revoked)."""
    wanted = set(roles)
    held = set(user.groups.filter(name__in=StaffRole.values).values_list("name", flat=True))
    for role in sorted(wanted - held):
        staff_role_grant(user=user, role=role, actor=actor)
    for role in sorted(held - wanted):
        staff_role_revoke(user=user, role=role, actor=actor)
    return wanted - held, held - wanted


# --- the calendar address ------------------------------------------------------------------------


def calendar_feed_for(user: User) -> CalendarFeed:
    """The person's private feed address, made on first use."""
    return CalendarFeed.objects.get_or_create(user=user)[0]


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Replace the address (the old one stops working at once), e.g. after it was shared by mistake."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user)
    else:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    audit_log(actor=user, action=PeopleAction.CALENDAR_FEED_RENEWED, target=feed, subject=user)
    return feed
