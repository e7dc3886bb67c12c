from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rostering.enums import CellKind
from rostering.models import AvailabilityProfile


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


class GenerateForm(forms.Form):
    start = forms.DateField(label=_("First day"), initial=next_monday,
                            widget=forms.DateInput(attrs={"type": "date"}))
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
