"""Forms of the vetting team: they parse input only; the services decide."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.versioning import VersionField
from common.widgets import DatePicker
from credentialing.enums import ApplicationAction, EvidenceCheck
from credentialing.limits import MAX_NOTE_LENGTH, MAX_REASON_LENGTH, validate_plausible_date
from people.models import User

ME = "me"
MAX_ID = 2**63 - 1
MAX_IDS = 500  # one bulk action; the queue shows 50 rows a page
NOBODY = "nobody"
# The decisions taken on the vetting screen (the applicant's own actions are not offered here).
VETTING_ACTIONS = (
    ApplicationAction.START_REVIEW,
    ApplicationAction.APPROVE,
    ApplicationAction.REQUEST_CHANGES,
    ApplicationAction.REJECT,
)


def reviewer_choices(staff, *, blank_label: str | None = None) -> list[tuple[str, str]]:
    """“me” first, then every member of the vetting team, by id."""
    choices = [(ME, _("Me"))] + [(str(person.pk), str(person)) for person in staff]
    return [("", blank_label)] + choices if blank_label is not None else choices


class IdListField(forms.Field):
    """Several ids posted under one name (the ticked rows of the queue)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Select applications by their number.")}

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if any(not 0 < pk <= MAX_ID for pk in ids):  # beyond a database id, e.g. 10**30
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(ids) > MAX_IDS:
            raise ValidationError(_("Select at most %(limit)d applications at once."), code="too_many",
                                  params={"limit": MAX_IDS})
        return ids


class AssignForm(forms.Form):
    application_ids = IdListField(label=_("Applications"), error_messages={
        "required": _("Tick at least one application first.")})
    reviewer = forms.ChoiceField(label=_("Reviewer"))
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(person.pk): person for person in staff}
        self.fields["reviewer"].choices = reviewer_choices(staff) + [(NOBODY, _("Nobody (unassign)"))]

    def reviewer_for(self, user: User) -> User | None:
        value = self.cleaned_data["reviewer"]
        if value == ME:
            return user
        return None if value == NOBODY else self.staff[value]

    def query_string(self) -> str:
        """The queue's filters to go back to; only a query string, never a URL of somebody else's."""
        value = (self.cleaned_data.get("next") or "").lstrip("?")
        return "" if any(char in value for char in "\r\n/\\") else value


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action.value, action.label) for action in VETTING_ACTIONS])
    reason = forms.CharField(
        label=_("Reason given to the applicant"), required=False, max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to request changes or to reject; the applicant reads it."),
    )
    # The version of the application the reviewer saw; a change by somebody else since then is refused.
    version = VersionField()


class EvidenceCheckForm(forms.Form):
    check_state = forms.ChoiceField(
        label=_("Check"), widget=forms.RadioSelect,
        choices=[(EvidenceCheck.VERIFIED.value, EvidenceCheck.VERIFIED.label),
                 (EvidenceCheck.NOT_ACCEPTABLE.value, EvidenceCheck.NOT_ACCEPTABLE.label)],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required if not acceptable; the applicant reads it."))


class RenewalForm(forms.Form):
    """A renewed qualification the vetting team has seen: its new expiry date (empty: it no longer expires)."""

    expires_on = forms.DateField(label=_("New expiry date"), required=False,
                                 widget=DatePicker(),
                                 validators=[validate_plausible_date],
                                 help_text=_("Leave empty if the renewed qualification does not expire."))
