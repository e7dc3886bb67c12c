"""Forms of the supervision app: the limits here repeat the database's, so a person sees them first."""
from django import forms
from django.utils.translation import gettext_lazy as _

from common.validators import validate_plausible_moment
from common.widgets import DatePicker, DateTimePicker
from people.enums import Channel
from supervision.models import ACTION_MAX, NOTE_MAX, REFERENCE_MAX, RISK_MAX


class EscalationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect)
    risk = forms.CharField(label=_("Risk in a few words"), min_length=3, max_length=RISK_MAX,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": RISK_MAX}),
                           help_text=_("What the help-seeker said or plans; no name or contact."))
    conversation_ref = forms.CharField(label=_("Conversation reference (optional)"), max_length=REFERENCE_MAX,
                                       required=False)


class CloseForm(forms.Form):
    action_taken = forms.CharField(label=_("What was done"), max_length=ACTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 4, "maxlength": ACTION_MAX}))


class SessionForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimePicker(),
                                    validators=[validate_plausible_moment])
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=240, initial=60)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=30, initial=12)
    meeting_link = forms.URLField(label=_("Meeting link"), max_length=300, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import User

        self.fields["supervisor"].queryset = User.objects.filter(
            volunteer__role="supervisor", volunteer__status__in=["ready", "active"]).order_by("full_name")


class PlaceForm(forms.Form):
    days_back = forms.IntegerField(label=_("Counselors who worked in the past days"), min_value=1, max_value=60,
                                   initial=3)


class SessionRecordForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}))


class HandoverForm(forms.Form):
    happened = forms.CharField(label=_("What happened"), max_length=NOTE_MAX,
                               widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}))
    watch = forms.CharField(label=_("What to watch"), max_length=NOTE_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}))


class IndividualOpenForm(forms.Form):
    counselor = forms.ModelChoiceField(label=_("Counselor (when referring)"), queryset=None, required=False)
    reason = forms.CharField(label=_("What it is about"), min_length=3, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}))

    def __init__(self, *args, referring: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import User

        if referring:
            self.fields["counselor"].queryset = User.objects.filter(
                volunteer__role="counselor", volunteer__status__in=["ready", "active", "paused"]).order_by("full_name")
            self.fields["counselor"].required = True
        else:
            del self.fields["counselor"]


class IndividualAssignForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import User

        self.fields["supervisor"].queryset = User.objects.filter(
            volunteer__role="supervisor", volunteer__status__in=["ready", "active"]).order_by("full_name")


class IndividualScheduleForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=DateTimePicker(), validators=[validate_plausible_moment])


class IndividualRecordForm(forms.Form):
    notes = forms.CharField(label=_("Supervision notes"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}))


class FeedbackImportForm(forms.Form):
    upload = forms.FileField(label=_("The platform's feedback export (CSV or XLSX)"))

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class EvaluationForm(forms.Form):
    counselor = forms.ModelChoiceField(label=_("Counselor"), queryset=None)
    session_date = forms.DateField(label=_("Date of the conversation"), widget=DatePicker())
    rapport = forms.TypedChoiceField(label=_("Rapport and empathy"), choices=SCORE_CHOICES, coerce=int)
    assessment = forms.TypedChoiceField(label=_("Risk and needs assessment"), choices=SCORE_CHOICES, coerce=int)
    intervention = forms.TypedChoiceField(label=_("Interventions used"), choices=SCORE_CHOICES, coerce=int)
    ethics = forms.TypedChoiceField(label=_("Ethics and boundaries"), choices=SCORE_CHOICES, coerce=int)
    strengths = forms.CharField(label=_("Strengths"), max_length=500, required=False)
    to_improve = forms.CharField(label=_("To improve"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import User

        self.fields["counselor"].queryset = User.objects.filter(
            volunteer__role="counselor", volunteer__status__in=["ready", "active", "paused"]).order_by("full_name")
