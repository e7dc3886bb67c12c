from datetime import timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.widgets import DatePicker
from rostering.enums import CellKind
from rostering.models import AvailabilityProfile


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


class GenerateForm(forms.Form):
    start = forms.DateField(label=_("First day"), initial=next_monday,
                            widget=DatePicker())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=28, initial=7)
    seconds = forms.IntegerField(label=_("Solver time limit (seconds)"), min_value=5, max_value=3600, initial=60)


class AssignForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label=_("Add a person (e-mail)"))


class AvailabilityProfileForm(forms.ModelForm):
    class Meta:
        model = AvailabilityProfile
        fields = ["serves_voice", "serves_text", "max_hours_per_week", "target_hours_per_week",
                  "reminder_hours_before"]
        widgets = {
            "max_hours_per_week": forms.NumberInput(attrs={"min": 0, "max": 84}),
            "target_hours_per_week": forms.NumberInput(attrs={"min": 0, "max": 84}),
            "reminder_hours_before": forms.NumberInput(attrs={"min": 0, "max": 72}),
        }

    def clean(self):
        data = super().clean()
        if data.get("max_hours_per_week") is not None and data["max_hours_per_week"] > 84:
            self.add_error("max_hours_per_week", _("At most 84 hours a week."))
        if (data.get("target_hours_per_week") is not None and data.get("max_hours_per_week") is not None
                and data["target_hours_per_week"] > data["max_hours_per_week"]):
            self.add_error("target_hours_per_week", _("The hours you would like cannot exceed your maximum."))
        if data.get("reminder_hours_before") is not None and data["reminder_hours_before"] > 72:
            self.add_error("reminder_hours_before", _("Reminders at most 72 hours before."))
        return data


def parse_grid(text: str) -> dict[tuple[int, int], str]:
    """The painted week from the page: 168 characters, Monday 00:00 first; '.' off, 'a' available, 'u' rather not."""
    if len(text) != 168 or set(text) - {".", "a", "u"}:
        raise forms.ValidationError(_("The week grid did not arrive whole; please paint it again."))
    kinds = {"a": CellKind.AVAILABLE, "u": CellKind.UNPREFERRED}
    return {(i // 24, i % 24): kinds[c] for i, c in enumerate(text) if c != "."}


class RosterSettingsForm(forms.ModelForm):
    class Meta:
        from rostering.models import RosterSettings

        model = RosterSettings
        fields = ["supervisor_ratio", "min_rest_hours", "peak_counselors", "overstaff_percent", "weight_uncovered",
                  "weight_unpreferred", "weight_target", "weight_change"]

    LIMITS = {"supervisor_ratio": (1, 100), "min_rest_hours": (0, 48), "peak_counselors": (1, 5000),
              "overstaff_percent": (0, 200), "weight_uncovered": (0, 1_000_000), "weight_unpreferred": (0, 1_000_000),
              "weight_target": (0, 1_000_000), "weight_change": (0, 1_000_000)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.LIMITS.items():
            self.fields[name].min_value = low
            self.fields[name].max_value = high
            self.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]
            self.fields[name].widget.attrs.update(min=low, max=high)


class ShiftTemplateForm(forms.ModelForm):
    class Meta:
        from rostering.models import ShiftTemplate

        model = ShiftTemplate
        fields = ["role", "channel", "start_hour", "hours"]
        widgets = {"start_hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
                   "hours": forms.NumberInput(attrs={"min": 1, "max": 12})}

    def clean(self):
        data = super().clean()
        if data.get("start_hour") is not None and data["start_hour"] > 23:
            self.add_error("start_hour", _("A shift starts between 0 and 23 h."))
        if data.get("hours") is not None and not 1 <= data["hours"] <= 12:
            self.add_error("hours", _("A shift lasts 1 to 12 hours."))
        if data.get("role") == "counselor" and not data.get("channel"):
            self.add_error("channel", _("Counselor shifts have a channel; supervisor shifts none."))
        if data.get("role") == "supervisor":
            data["channel"] = ""
        return data


class DemandOverrideForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=[("voice", _("Voice")), ("text", _("Text"))])
    date = forms.DateField(label=_("Date"), widget=DatePicker())
    start_hour = forms.IntegerField(label=_("From (hour)"), min_value=0, max_value=23)
    end_hour = forms.IntegerField(label=_("Until (hour)"), min_value=1, max_value=24)
    wanted = forms.IntegerField(label=_("Counselors wanted"), min_value=0, max_value=5000)

    def clean(self):
        data = super().clean()
        if data.get("start_hour") is not None and data.get("end_hour") is not None \
                and data["end_hour"] <= data["start_hour"]:
            self.add_error("end_hour", _("The hours must run forward within one day."))
        return data


class AvailabilityExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DatePicker())
    start_hour = forms.IntegerField(label=_("From (hour)"), min_value=0, max_value=23, initial=0)
    end_hour = forms.IntegerField(label=_("Until (hour)"), min_value=1, max_value=24, initial=24)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("unavailable", _("Not available")),
                                                       ("available", _("Available"))])

    def clean(self):
        data = super().clean()
        if data.get("start_hour") is not None and data.get("end_hour") is not None \
                and data["end_hour"] <= data["start_hour"]:
            self.add_error("end_hour", _("The hours must run forward within one day."))
        return data
