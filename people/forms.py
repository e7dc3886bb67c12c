"""Forms of a person's own account: time zone and language, the volunteer's working profile."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.versioning import VersionField
from people.models import User, Volunteer, validate_timezone
from people.services import WorkingProfile

# The platform's zone first, then where overseas volunteers mostly live.
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Tokyo",
)
OTHER_TIMEZONE = "other"


class TimezoneFieldsMixin(forms.Form):
    """A select of the common zones plus a free field for any other zone; ``cleaned_data["timezone"]`` is the zone."""

    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(zone, zone) for zone in COMMON_TIMEZONES]
        + [(OTHER_TIMEZONE, _("Another time zone (type it below)"))],
    )
    timezone_other = forms.CharField(
        label=_("Other time zone (if yours is not in the list)"), required=False, max_length=64,
        help_text=_("For example Europe/Paris or America/Toronto."),
    )

    @staticmethod
    def timezone_initial(zone: str) -> dict:
        if zone in COMMON_TIMEZONES:
            return {"timezone": zone}
        return {"timezone": OTHER_TIMEZONE, "timezone_other": zone}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("timezone") == OTHER_TIMEZONE:
            other = (cleaned.get("timezone_other") or "").strip()
            if not other:
                self.add_error("timezone_other", _("Please name your time zone."))
            else:
                try:
                    validate_timezone(other)
                except ValidationError as error:
                    self.add_error("timezone_other", error)
                else:
                    cleaned["timezone"] = other
        return cleaned


class ProfileSettingsForm(TimezoneFieldsMixin, forms.ModelForm):
    """A person's own time zone and language."""

    field_order = ["language", "timezone", "timezone_other"]

    class Meta:
        model = User
        fields = ["language"]

    def __init__(self, *args, instance: User, **kwargs):
        kwargs.setdefault("initial", self.timezone_initial(instance.timezone))
        super().__init__(*args, instance=instance, **kwargs)

    def save(self, commit: bool = True) -> User:
        self.instance.timezone = self.cleaned_data["timezone"]
        return super().save(commit=commit)


class WorkingProfileForm(TimezoneFieldsMixin, forms.ModelForm):
    """A volunteer's working profile. Never saved by itself: ``profile()`` goes to the profile service."""

    version = VersionField()
    field_order = ["timezone", "timezone_other", "serves_voice", "serves_text", "languages", "phone",
                   "share_contact"]

    class Meta:
        model = Volunteer
        fields = ["serves_voice", "serves_text", "languages", "phone", "share_contact"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, instance: Volunteer, **kwargs):
        kwargs.setdefault("initial", {**self.timezone_initial(instance.timezone), "version": instance.version})
        super().__init__(*args, instance=instance, **kwargs)

    def profile(self) -> WorkingProfile:
        return WorkingProfile(timezone=self.cleaned_data["timezone"],
                              **{name: self.cleaned_data[name] for name in self._meta.fields})
