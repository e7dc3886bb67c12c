from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.validators import plain_text
from common.widgets import DatePicker
from rostering.enums import CellKind, OfferKind
from rostering.models import (
    MAX_DAYS_IN_A_ROW,
    MAX_EXPERIENCED_AFTER_HOURS,
    MAX_NIGHTS_PER_WEEK,
    OFFER_NOTE_MAX,
    AvailabilityProfile,
)


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
                  "reminder_hours_before", "max_night_shifts_per_week"]
        widgets = {
            "max_hours_per_week": forms.NumberInput(attrs={"min": 0, "max": 84}),
            "target_hours_per_week": forms.NumberInput(attrs={"min": 0, "max": 84}),
            "reminder_hours_before": forms.NumberInput(attrs={"min": 0, "max": 72}),
            "max_night_shifts_per_week": forms.NumberInput(attrs={"min": 0, "max": MAX_NIGHTS_PER_WEEK}),
        }

    def __init__(self, *args, rules=None, **kwargs):
        """`rules` (RosterSettings): the service's night and its limit, told beside the person's own limit."""
        super().__init__(*args, **kwargs)
        field = self.fields["max_night_shifts_per_week"]
        if rules is not None and rules.night is None:
            field.help_text = _("The service has no night shifts at the moment.")
        elif rules is not None:
            start, end = (t.strftime("%H:%M") for t in rules.night)
            values = {"start": start, "end": end, "zone": settings.TIME_ZONE,
                      "limit": rules.max_night_shifts_per_week}
            if rules.max_night_shifts_per_week is None:
                field.help_text = _("Night shifts overlap %(start)s–%(end)s platform time (%(zone)s). The service "
                                    "sets no limit; leave it empty for none, or give your own.") % values
            else:
                field.help_text = _("Night shifts overlap %(start)s–%(end)s platform time (%(zone)s). The service "
                                    "allows %(limit)s a week; leave it empty for that, or give a lower number "
                                    "(0: no night shifts).") % values

    def clean(self):
        data = super().clean()
        if data.get("max_hours_per_week") is not None and data["max_hours_per_week"] > 84:
            self.add_error("max_hours_per_week", _("At most 84 hours a week."))
        if (data.get("target_hours_per_week") is not None and data.get("max_hours_per_week") is not None
                and data["target_hours_per_week"] > data["max_hours_per_week"]):
            self.add_error("target_hours_per_week", _("The hours you would like cannot exceed your maximum."))
        if data.get("reminder_hours_before") is not None and data["reminder_hours_before"] > 72:
            self.add_error("reminder_hours_before", _("Reminders at most 72 hours before."))
        nights = data.get("max_night_shifts_per_week")
        if nights is not None and not 0 <= nights <= MAX_NIGHTS_PER_WEEK:
            self.add_error("max_night_shifts_per_week", _("At most 14 night shifts a week."))
        return data


def parse_grid(text: str) -> dict[tuple[int, int], str]:
    """The painted week from the page: 168 characters, Monday 00:00 first; '.' off, 'a' available, 'u' rather not."""
    if len(text) != 168 or set(text) - {".", "a", "u"}:
        raise forms.ValidationError(_("The week grid did not arrive whole; please paint it again."))
    kinds = {"a": CellKind.AVAILABLE, "u": CellKind.UNPREFERRED}
    return {(i // 24, i % 24): kinds[c] for i, c in enumerate(text) if c != "."}


class RosterSettingsForm(forms.ModelForm):
    """The rules every roster follows. Every number has the limits below, here and in the database."""

    class Meta:
        from rostering.models import RosterSettings

        model = RosterSettings
        fields = ["supervisor_ratio", "min_rest_hours", "peak_counselors", "overstaff_percent",
                  "max_consecutive_days", "night_start", "night_end", "max_night_shifts_per_week",
                  "night_fair_share_per_week", "experienced_after_hours",
                  "weight_uncovered", "weight_unpreferred", "weight_target", "weight_change",
                  "weight_inexperienced", "weight_night_fairness"]
        widgets = {"night_start": forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M"),
                   "night_end": forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M")}

    LIMITS = {"supervisor_ratio": (1, 100), "min_rest_hours": (0, 48), "peak_counselors": (1, 5000),
              "overstaff_percent": (0, 200), "weight_uncovered": (0, 1_000_000), "weight_unpreferred": (0, 1_000_000),
              "weight_target": (0, 1_000_000), "weight_change": (0, 1_000_000),
              "max_consecutive_days": (1, MAX_DAYS_IN_A_ROW), "max_night_shifts_per_week": (0, MAX_NIGHTS_PER_WEEK),
              "night_fair_share_per_week": (0, MAX_NIGHTS_PER_WEEK),
              "experienced_after_hours": (0, MAX_EXPERIENCED_AFTER_HOURS),
              "weight_inexperienced": (0, 1_000_000), "weight_night_fairness": (0, 1_000_000)}
    # the page shows the rules in these groups
    GROUPS = (
        (_("Coverage and rest"), ("supervisor_ratio", "min_rest_hours", "peak_counselors", "overstaff_percent",
                                  "max_consecutive_days")),
        (_("Nights"), ("night_start", "night_end", "max_night_shifts_per_week", "night_fair_share_per_week")),
        (_("Experienced people"), ("experienced_after_hours",)),
        (_("Penalty weights: what the roster trades off"), (
            "weight_uncovered", "weight_unpreferred", "weight_target", "weight_change", "weight_inexperienced",
            "weight_night_fairness")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.LIMITS.items():
            self.fields[name].min_value = low
            self.fields[name].max_value = high
            self.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]
            self.fields[name].widget.attrs.update(min=low, max=high)
        for name in ("night_start", "night_end"):
            self.fields[name].input_formats = ["%H:%M", "%H:%M:%S"]

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self):
        data = super().clean()
        start, end = data.get("night_start"), data.get("night_end")
        if "night_start" in data and "night_end" in data:
            if (start is None) != (end is None):
                self.add_error("night_end" if end is None else "night_start",
                               _("Give the night's beginning and end, two different times, or neither."))
            elif start is not None:
                start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
                data["night_start"], data["night_end"] = start, end
                if start == end:
                    self.add_error("night_end", _("The night cannot end when it begins."))
        return data


class ShiftTemplateForm(forms.ModelForm):
    class Meta:
        from rostering.models import ShiftTemplate

        model = ShiftTemplate
        fields = ["role", "channel", "start_hour", "hours", "experienced_percent"]
        widgets = {"start_hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
                   "hours": forms.NumberInput(attrs={"min": 1, "max": 12}),
                   "experienced_percent": forms.NumberInput(attrs={"min": 0, "max": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experienced_percent"].required = False  # empty: none wanted

    def clean_experienced_percent(self):
        return self.cleaned_data.get("experienced_percent") or 0

    def clean(self):
        data = super().clean()
        if data.get("start_hour") is not None and data["start_hour"] > 23:
            self.add_error("start_hour", _("A shift starts between 0 and 23 h."))
        if data.get("hours") is not None and not 1 <= data["hours"] <= 12:
            self.add_error("hours", _("A shift lasts 1 to 12 hours."))
        if data.get("experienced_percent") is not None and data["experienced_percent"] > 100:
            self.add_error("experienced_percent", _("The experienced share is 0 to 100 percent."))
        if data.get("role") == "counselor" and not data.get("channel"):
            self.add_error("channel", _("Counselor shifts have a channel; supervisor shifts none."))
        if data.get("role") == "supervisor":
            data["channel"] = ""
        return data


class TemplateExperiencedForm(forms.Form):
    """The experienced share of one shift template, from its row on the rules page."""

    template = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    percent = forms.IntegerField(label=_("Experienced (percent)"), min_value=0, max_value=100)


class ExperienceMarkForm(forms.Form):
    email = forms.EmailField(label=_("Mark a volunteer experienced (e-mail)"), max_length=254)


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


class OfferForm(forms.Form):
    """I cannot work one of my shifts: a colleague may take it, or I drop it, with a note for them or the
    scheduler. A note longer than the database keeps is refused with a message, never cut."""

    kind = forms.ChoiceField(
        label=_("I cannot work this shift"), choices=OfferKind.choices,
        error_messages={"required": _("Choose whether a colleague may take the shift or you drop it."),
                        "invalid_choice": _("Choose whether a colleague may take the shift or you drop it.")})
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=OFFER_NOTE_MAX,
        error_messages={"max_length": _("The note is at most %(limit_value)d characters (it has %(show_value)d); "
                                        "please shorten it.")})

    def clean_note(self) -> str:
        return plain_text(self.cleaned_data["note"])  # no control characters (the length is checked above)
