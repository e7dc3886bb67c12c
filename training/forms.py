"""Forms of the training pages: they parse input only; the services decide."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.validators import validate_plausible_moment
from common.versioning import VersionField
from common.widgets import DatePicker, DateTimePicker
from training.enums import Area, Attendance
from training.models import MAX_CAPACITY, MAX_REQUIRED_HOURS, MAX_SCORE, MAX_SESSION_MINUTES, Session
from training.participants import MAX_FILE_BYTES
from training.readiness import DEFAULT_IDLE_DAYS, DEFAULT_MAX_MISSED
from training.services import AreaSetting, Mark

# The first version's defaults: about two hours a night for two weeks.
DEFAULT_AREAS = {
    Area.SKILLS: (Decimal("8"), 60), Area.ETHICS: (Decimal("4"), 70), Area.PROCESSES: (Decimal("4"), 60),
    Area.CRISIS: (Decimal("6"), 80), Area.PLATFORM: (Decimal("2"), 60),
}
WEEKDAYS = [(0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")), (6, _("Sun"))]
ROTATE = "rotate"


class CurriculumForm(forms.Form):
    """A new version: hours, pass mark and whether assessed, for each of the five areas."""

    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {a.area: a for a in current.areas.all()} if current else {}
        for code, label in Area.choices:
            hours, mark = DEFAULT_AREAS[code]
            area = existing.get(code)
            self.fields[f"{code}_hours"] = forms.DecimalField(
                label=_("%(area)s: required hours") % {"area": label}, min_value=0, max_value=MAX_REQUIRED_HOURS,
                decimal_places=1, initial=area.required_hours if area else hours)
            self.fields[f"{code}_pass_mark"] = forms.IntegerField(
                label=_("%(area)s: pass mark") % {"area": label}, min_value=1, max_value=MAX_SCORE,
                initial=area.pass_mark if area else mark)
            if code != Area.CRISIS:  # the crisis plan is always assessed
                self.fields[f"{code}_assessed"] = forms.BooleanField(
                    label=_("%(area)s: assessed") % {"area": label}, required=False,
                    initial=area.assessment_required if area else True)
        for field in self.fields.values():  # the form is a table: each input is named by its label
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def area_settings(self) -> list[AreaSetting]:
        data = self.cleaned_data
        return [AreaSetting(code, data[f"{code}_hours"], data[f"{code}_pass_mark"],
                            data.get(f"{code}_assessed", True) if code != Area.CRISIS else True)
                for code in Area.values]

    def rows(self):
        for code, label in Area.choices:
            yield label, self[f"{code}_hours"], self[f"{code}_pass_mark"], (
                self[f"{code}_assessed"] if code != Area.CRISIS else None)


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()

    def _check_values(self, value):
        # A number no database id can be (10**30, say) is refused here: in the query it would overflow SQLite's
        # integers and fail with a server error instead of a message.
        for pk in value:
            if not (str(pk).isascii() and str(pk).isdigit()) or not 0 < int(pk) < 2**63:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk})
        return super()._check_values(value)


class SeriesForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DatePicker())
    last_day = forms.DateField(label=_("Last day"), widget=DatePicker())
    days_of_week = forms.TypedMultipleChoiceField(
        label=_("On"), choices=WEEKDAYS, coerce=int, initial=[d for d, _label in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple)
    area = forms.ChoiceField(label=_("Area"), choices=[(ROTATE, _("The five areas in turn"))] + Area.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False,
                            help_text=_("Left empty, each session is named after its area."))
    trainers = TrainerChoiceField(label=_("Trainers"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 6}))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=MAX_CAPACITY, initial=300)
    meeting_url = forms.URLField(label=_("Meeting link"), max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = supervisors

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day is before the first."))
            elif last - first > timedelta(days=61):
                self.add_error("last_day", _("At most two months at a time."))
        return data

    def areas(self) -> tuple[str, ...]:
        area = self.cleaned_data["area"]
        return tuple(Area.values) if area == ROTATE else (area,)


class SessionForm(forms.ModelForm):
    trainers = TrainerChoiceField(label=_("Trainers"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 6}))
    meeting_url = forms.URLField(label=_("Meeting link"), max_length=500, required=False, assume_scheme="https")
    version = VersionField()

    class Meta:
        model = Session
        fields = ["area", "topic", "starts_at", "ends_at", "capacity", "meeting_url"]
        widgets = {"starts_at": DateTimePicker(),
                   "ends_at": DateTimePicker()}

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = supervisors
        for name in ("starts_at", "ends_at"):
            self.fields[name].validators.append(validate_plausible_moment)
        if self.instance.pk:
            self.fields["trainers"].initial = list(self.instance.trainers.all())
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at"):
            minutes = (data["ends_at"] - data["starts_at"]).total_seconds() / 60
            if not 0 < minutes <= MAX_SESSION_MINUTES:
                self.add_error("ends_at", _("A session ends after it starts and lasts at most eight hours."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the enrolled)"), max_length=300)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Participant list from the meeting tool (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class AssessmentForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=MAX_SCORE, help_text=_("Out of 100."))
    assessed_on = forms.DateField(label=_("Date"), widget=DatePicker())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].choices = [(code, label) for code, label in Area.choices if code in areas]


class PaceForm(forms.Form):
    idle_days = forms.IntegerField(label=_("No progress for (days)"), min_value=1, max_value=90,
                                   initial=DEFAULT_IDLE_DAYS, required=False)
    missed = forms.IntegerField(label=_("Sessions missed"), min_value=1, max_value=60, initial=DEFAULT_MAX_MISSED,
                                required=False)


class RemindForm(forms.Form):
    trainee_ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("Tick at least one counselor first.")})
    message = forms.CharField(label=_("Message (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, trainee_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee_ids"].choices = [(pk, pk) for pk in trainee_ids]


def parse_attendance(data, enrolments, session_minutes: int) -> tuple[dict[int, Mark], dict[int, str]]:
    """The posted marks of an attendance sheet (``status-<id>``, ``minutes-<id>``), and an error per row
    that is wrong. Rows left unmarked are not changed."""
    marks, errors = {}, {}
    for enrolment in enrolments:
        status = data.get(f"status-{enrolment.pk}", enrolment.status)
        raw = (data.get(f"minutes-{enrolment.pk}") or "").strip()
        if status not in Attendance.values:
            errors[enrolment.pk] = str(_("Choose how this person attended."))
            continue
        minutes = None
        if raw:
            try:
                minutes = int(raw)
            except ValueError:
                errors[enrolment.pk] = str(_("Minutes are a whole number."))
                continue
            if not 0 <= minutes <= session_minutes:
                errors[enrolment.pk] = str(_("Between 0 and %(max)d minutes.") % {"max": session_minutes})
                continue
        if status in Attendance.partial() and not minutes:
            errors[enrolment.pk] = str(_("Give the minutes attended."))
            continue
        if status == Attendance.UNMARKED and enrolment.status == Attendance.UNMARKED:
            continue
        marks[enrolment.pk] = Mark(status, minutes)
    return marks, errors
