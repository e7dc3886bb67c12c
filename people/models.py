"""Who someone is: the user (everyone who signs in), the volunteer's working profile, the calendar feed."""
from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, Group
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from common.versioning import Versioned
from people.enums import Channel, StaffRole, VolunteerRole, VolunteerStatus

PLATFORM_TIMEZONE = "Asia/Shanghai"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


# Each staff role's bit in ``UserQuerySet.as_signed_in``'s mask.
_ROLE_BITS = {role: 1 << n for n, role in enumerate(StaffRole.values)}


class UserQuerySet(models.QuerySet):
    def as_signed_in(self) -> UserQuerySet:
        """The person as every page of theirs asks about them, in the one query that loads them: the volunteer
        record joined, and the staff roles held as one small correlated subquery (a bit per role), so that the
        rules, the menu and the two-factor check ask the database nothing more. Loaded afresh for each request
        (``people.backends``): a role granted or revoked counts from the next request on.

        Plain SQL for the subquery: the ORM's own subqueries cost milliseconds of Python to build and compile on
        every request, more than the query they save."""
        quote = connections[self.db].ops.quote_name
        user_table = quote(self.model._meta.db_table)
        through = self.model.groups.through._meta
        group = Group._meta
        member, of_group = quote(through.get_field("user").column), quote(through.get_field("group").column)
        cases = " ".join(f"WHEN %s THEN {bit}" for bit in _ROLE_BITS.values())
        mask = RawSQL(
            f"SELECT COALESCE(SUM(CASE g.{quote(group.get_field('name').column)} {cases} ELSE 0 END), 0) "
            f"FROM {quote(through.db_table)} ug "
            f"JOIN {quote(group.db_table)} g ON g.{quote(group.pk.column)} = ug.{of_group} "
            f"WHERE ug.{member} = {user_table}.{quote(self.model._meta.pk.column)}",
            list(_ROLE_BITS))
        return self.select_related("volunteer").annotate(staff_role_mask=mask)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """Everyone who signs in: applicants, counselors, supervisors and staff. E-mail is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("real name"), max_length=100, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default=PLATFORM_TIMEZONE, validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email

    def staff_roles(self) -> set[str]:
        """The staff roles this user holds (cached for the request; loaded with the user for a signed-in
        request, ``UserQuerySet.as_signed_in``)."""
        if not hasattr(self, "_staff_roles"):
            if "staff_role_mask" in self.__dict__:  # loaded with the person (UserQuerySet.as_signed_in)
                names = {role for role, bit in _ROLE_BITS.items() if self.staff_role_mask & bit}
            else:
                names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._staff_roles = names & set(StaffRole.values)
            if self.is_superuser:
                self._staff_roles.add(StaffRole.COORDINATOR)
        return self._staff_roles

    def forget_staff_roles(self) -> None:
        """After granting or revoking a role: the next question reads the groups again."""
        self.__dict__.pop("_staff_roles", None)
        self.__dict__.pop("staff_role_mask", None)

    def volunteer_or_none(self) -> Volunteer | None:
        """The person's volunteer record (cached by Django after the first look, found or not)."""
        if not self.pk:
            return None
        try:
            return self.volunteer
        except Volunteer.DoesNotExist:
            return None


class Volunteer(Versioned):
    """An approved counselor or supervisor, with the working profile training and rostering use.

    The profile is copied from the application at approval (``people.services.volunteer_create``) and kept
    up to date afterwards by the person and the team; the application stays as it was decided.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer",
                                verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=20, choices=VolunteerRole.choices)
    status = models.CharField(_("status"), max_length=20, choices=VolunteerStatus.choices,
                              default=VolunteerStatus.AWAITING_TRAINING, db_index=True)
    since = models.DateTimeField(_("approved on"), default=now)
    # the working profile
    timezone = models.CharField(_("time zone"), max_length=64, default=PLATFORM_TIMEZONE,
                                validators=[validate_timezone])
    serves_voice = models.BooleanField(_("voice"), default=False)
    serves_text = models.BooleanField(_("text"), default=False)
    languages = models.CharField(_("languages"), max_length=200, blank=True,
                                 help_text=_("Languages you can counsel in, separated by commas."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    share_contact = models.BooleanField(
        _("share my phone number with my team"), default=False,
        help_text=_("Your supervisor and the people on shift with you may then call you."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=VolunteerRole.values), name="volunteer_role_known"),
            models.CheckConstraint(condition=models.Q(status__in=VolunteerStatus.values),
                                   name="volunteer_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.VOICE, self.serves_voice), (Channel.TEXT, self.serves_text)) if on]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address: whoever knows the token reads the feed, so it can be replaced."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"
