"""The help-seeker feedback import (django-import-export): all or nothing, every bad row named.

Columns of the counseling platform's export: session, date, counselor_email, understands, helpful, satisfied,
comment. Any other column (the export may carry the help-seeker's name or phone) is ignored, never stored.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from people.models import User
from supervision.models import HelpSeekerFeedback

SCORES = ("understands", "helpful", "satisfied")
COLUMNS = ("session", "date", "counselor_email", *SCORES, "comment")


class CounselorWidget(widgets.ForeignKeyWidget):
    """A counselor by e-mail address (case-insensitive); anyone else is an error in the row."""

    def clean(self, value, row=None, **kwargs):
        email = str(value or "").strip().lower()
        if not email:
            raise ValueError(_("The counselor's e-mail address is missing."))
        user = User.objects.filter(email__iexact=email, volunteer__role="counselor").first()
        if user is None:
            raise ValueError(_("No counselor has the e-mail address %(email)s.") % {"email": email})
        return user


class ScoreWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row=row, **kwargs)
        if number is None or not 1 <= number <= 5:
            raise ValueError(_("A score is a whole number from 1 to 5."))
        return number


class FeedbackResource(resources.ModelResource):
    session_ref = fields.Field(attribute="session_ref", column_name="session")
    session_date = fields.Field(attribute="session_date", column_name="date", widget=widgets.DateWidget("%Y-%m-%d"))
    counselor = fields.Field(attribute="counselor", column_name="counselor_email",
                             widget=CounselorWidget(User, "email"))
    understands = fields.Field(attribute="understands", column_name="understands", widget=ScoreWidget())
    helpful = fields.Field(attribute="helpful", column_name="helpful", widget=ScoreWidget())
    satisfied = fields.Field(attribute="satisfied", column_name="satisfied", widget=ScoreWidget())
    comment = fields.Field(attribute="comment", column_name="comment")

    class Meta:
        model = HelpSeekerFeedback
        fields = ("session_ref", "session_date", "counselor", *SCORES, "comment")
        import_id_fields = ("session_ref",)
        clean_model_instances = True  # lengths and the unique session reference, as the database will check
        skip_unchanged = True
        use_transactions = True
        skip_admin_log = True

    def before_import(self, dataset, **kwargs):
        missing = [c for c in COLUMNS if c not in (dataset.headers or ())]
        if missing:
            raise ValidationError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing: one bad row rolls the whole file back.
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                                   collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True,
                                   **kwargs)
