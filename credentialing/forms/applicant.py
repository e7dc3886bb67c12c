"""Forms of the applicant's pages. They parse and validate input; the services decide and save."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.models import check_constraints_left_to_the_insert
from common.versioning import VersionField
from common.widgets import DatePicker
from credentialing.criteria import criteria_for_role
from credentialing.enums import Criterion, RoleApplied
from credentialing.limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_NOTE_LENGTH,
    validate_not_in_future,
)
from credentialing.models import (
    EVIDENCE_MODELS,
    EXPIRES_BEFORE_ISSUE,
    REQUIRED_FOR_SUBMISSION,
    TOPIC_COLUMNS,
    Application,
    Evidence,
    PracticeRecord,
    Qualification,
    QualificationKind,
    SpecialTraining,
    expires_before_issue,
)
from people.forms import TimezoneFieldsMixin

ACCEPTED_UPLOAD_SUFFIXES = ".pdf,.jpg,.jpeg,.png"
# What every evidence record has besides its own facts: filled in by the services, never by the applicant.
EVIDENCE_BOOKKEEPING_FIELDS = tuple(field.name for field in Evidence._meta.get_fields())


class ApplicationProfileForm(TimezoneFieldsMixin, forms.ModelForm):
    """The applicant's profile. Never saved by itself: ``profile_data()`` goes to the profile service."""

    institution_name = forms.CharField(
        label=_("Institution"), required=False, max_length=200,
        help_text=_("The university, hospital or other institution where you work or study."),
    )
    version = VersionField()

    field_order = ["role", "full_name", "phone", "institution_name", "province", "city", "timezone",
                   "timezone_other", "languages", "serves_voice", "serves_text"]

    class Meta:
        model = Application
        fields = ["role", "full_name", "phone", "province", "city", "languages", "serves_voice", "serves_text"]
        widgets = {
            "role": forms.RadioSelect,
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = {name: getattr(application, name) for name in cls._meta.fields}
        initial["institution_name"] = application.institution.name if application.institution else ""
        initial["version"] = application.version
        return initial | cls.timezone_initial(application.timezone)

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*self._meta.fields, "timezone"]}


class EvidenceForm(forms.ModelForm):
    """The facts of one evidence record and its file; the upload service checks the file's content."""

    # Optional in the model only for imported records; an applicant states them.
    REQUIRED_FROM_APPLICANTS = ("provider", "hours", "completed_on")
    # Dates of what already happened (the model keeps every date in a plausible range as well).
    PAST_DATE_FIELDS = ("issued_on", "completed_on", "period_start", "period_end")

    upload = forms.FileField(
        label=_("Evidence file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_UPLOAD_SUFFIXES}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in per form, in the language of the request ("%" on a lazy text translates it at once: at class
        # definition it would be in whatever language was active when the module was first imported).
        self.fields["upload"].help_text = gettext("A PDF, JPEG or PNG scan or export, at most %(limit)d MB.") % {
            "limit": settings.MAX_UPLOAD_BYTES // 1024 // 1024}
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DatePicker(attrs={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()})
        for name in self.REQUIRED_FROM_APPLICANTS:
            if name in self.fields:
                self.fields[name].required = True
        if "qualification_kind" in self.fields:
            self.fields["qualification_kind"].queryset = QualificationKind.objects.filter(active=True)

    def clean(self):
        from credentialing.selectors import platform_today

        cleaned = super().clean()
        today = platform_today()
        for name in self.PAST_DATE_FIELDS:
            if cleaned.get(name) is not None:
                try:
                    validate_not_in_future(cleaned[name], today)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


# The database constraints say the same; an error on a field spares the applicant the constraint's raw message.
class QualificationForm(EvidenceForm):
    def clean(self):
        cleaned = super().clean()
        issued_on, expires_on = cleaned.get("issued_on"), cleaned.get("expires_on")
        if expires_before_issue(issued_on, expires_on):
            self.add_error("expires_on", EXPIRES_BEFORE_ISSUE)
        return cleaned


class SpecialTrainingForm(EvidenceForm):
    TOPIC_FIELDS = tuple(TOPIC_COLUMNS.values())

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.TOPIC_FIELDS):
            self.add_error(self.TOPIC_FIELDS[0], _("Tick at least one topic the training covered."))
        return cleaned


class PracticeRecordForm(EvidenceForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


FORM_BASES: dict[type[Evidence], type[EvidenceForm]] = {
    Qualification: QualificationForm,
    SpecialTraining: SpecialTrainingForm,
    PracticeRecord: PracticeRecordForm,
}


@functools.cache
def evidence_form_class(kind: str) -> type[EvidenceForm]:
    model = EVIDENCE_MODELS[kind]
    return forms.modelform_factory(model, form=FORM_BASES.get(model, EvidenceForm),
                                   exclude=EVIDENCE_BOOKKEEPING_FIELDS)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"), required=False, max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()


class OnePageProfileForm(ApplicationProfileForm):
    """The profile part of the one-page application (no draft yet, so no version to post). What a submission
    needs is required here, so that a gap is marked on its field rather than refused as a whole."""

    version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in REQUIRED_FOR_SUBMISSION:
            self.fields["institution_name" if name == "institution" else name].required = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == RoleApplied.COUNSELOR and not (cleaned.get("serves_voice")
                                                                  or cleaned.get("serves_text")):
            self.add_error("serves_voice", _("Choose at least one channel (voice or text)."))
        return cleaned


@dataclass
class EvidenceSectionForm:
    kind: str
    title: str
    form: EvidenceForm

    @property
    def counselors_only(self) -> bool:
        return self.form._meta.model.criterion not in criteria_for_role(RoleApplied.SUPERVISOR)


class OnePageApplication:
    """The whole application on one page: the profile and, per criterion, one evidence record with its file.

    Which evidence is needed depends on the role chosen in the same form: a supervisor gives only the
    registration, so the other sections are then ignored (not validated, not saved).
    """

    def __init__(self, data=None, files=None, *, applicant=None):
        initial = {}
        if applicant is not None:
            initial = {"role": RoleApplied.COUNSELOR, "full_name": applicant.full_name,
                       **OnePageProfileForm.timezone_initial(applicant.timezone)}
        self.profile = OnePageProfileForm(data, initial=initial)
        self.sections = [
            EvidenceSectionForm(kind, str(Criterion(model.criterion).label),
                                evidence_form_class(kind)(data, files, prefix=kind))
            for kind, model in EVIDENCE_MODELS.items()
        ]

    @property
    def is_bound(self) -> bool:
        return self.profile.is_bound

    @property
    def initial_key(self) -> str:
        """What an unbound form's HTML depends on besides the language: the initial values (for its cache key)."""
        return hashlib.sha256(repr(sorted(self.profile.initial.items())).encode()).hexdigest()[:32]

    def needed_sections(self) -> list[EvidenceSectionForm]:
        """The sections of the chosen role (all of them while no valid role is chosen)."""
        role = self.profile.data.get("role") if self.profile.is_bound else None
        criteria = criteria_for_role(role if role in RoleApplied.values else RoleApplied.COUNSELOR)
        return [section for section in self.sections if section.form._meta.model.criterion in criteria]

    def is_valid(self) -> bool:
        # The records' check constraints are left to their insert (the service turns a breach into the same
        # messages); when the page goes back anyway, they are asked now, so that it shows every mistake at once.
        with check_constraints_left_to_the_insert():
            valid = self.profile.is_valid()
            for section in self.needed_sections():
                valid = section.form.is_valid() and valid
        if not valid:
            for section in self.needed_sections():
                section.form.full_clean()
        return valid

    def section(self, kind: str) -> EvidenceSectionForm:
        return next(section for section in self.sections if section.kind == kind)

    @property
    def has_errors(self) -> bool:
        return self.is_bound and (bool(self.profile.errors)
                                  or any(section.form.errors for section in self.needed_sections()))

    def evidence(self) -> dict:
        """kind -> (unsaved record, uploaded file), for the services."""
        return {section.kind: (section.form.save(commit=False), section.form.cleaned_data["upload"])
                for section in self.needed_sections()}

    def refuse_uploads(self, by_kind: dict[str, str]) -> None:
        for kind, message in by_kind.items():
            self.section(kind).form.add_error("upload", message)
