"""django-import-export resource: applicants with their application and flattened evidence, in and out.

Import is all or nothing (one bad row and nothing is written) and runs in bulk: rows are parsed and judged in
memory, then each batch writes its users, new institutions, applications, e-mail addresses, evidence and audit
entries with one ``bulk_create`` per table.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from common.audit import audit_entry, audit_log_bulk
from credentialing.audit import CredentialingAction
from credentialing.criteria import evaluate
from credentialing.enums import ApplicationState, EvidenceCheck, SpecialTopic
from credentialing.importing import (
    COLUMNS,
    ImportedApplicant,
    ImportFileError,
    RowParser,
    check_columns,
    institution_kind,
    unusable_password,
)
from credentialing.models import (
    EVIDENCE_MODELS,
    TOPIC_COLUMNS,
    Application,
    EthicsTraining,
    Evidence,
    Institution,
    PracticeRecord,
    Qualification,
    SpecialTraining,
    stored_verdict,
)
from credentialing.selectors import active_criteria_set, facts_from_records, platform_today, thresholds_from
from people.models import User
from people.services import users_create_bulk

# Only what a row shows: an export of the full intake loads some 27,000 evidence records.
_EXPORTED = ("application_id", "check_state")
EXPORT_PREFETCH = (
    Prefetch("qualification_set", queryset=Qualification.objects.select_related("qualification_kind").only(
        *_EXPORTED, "qualification_kind__code", "number", "issuing_body", "issued_on", "expires_on")),
    Prefetch("ethicstraining_set", queryset=EthicsTraining.objects.only(*_EXPORTED, "hours",
                                                                          "approved_by_registry")),
    Prefetch("specialtraining_set", queryset=SpecialTraining.objects.only(
        *_EXPORTED, *TOPIC_COLUMNS.values())),
    Prefetch("practicerecord_set", queryset=PracticeRecord.objects.only(*_EXPORTED, "hours")),
)


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


class ApplicationResource(resources.ModelResource):
    """One row = one applicant (see ``credentialing.importing.COLUMNS``)."""

    # Columns map to several models, so parsing and exporting are done row-wise below, not per field;
    # the fields only name the columns (a class body's locals() is its namespace).
    locals().update({column: Field(column_name=column) for column in COLUMNS})

    class Meta:
        model = Application
        fields = COLUMNS
        import_id_fields = ["email"]
        # Every row is a new applicant: no per-row lookup of existing records (e-mails are checked once per file).
        force_init_instance = True
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        chunk_size = 1000  # export: rows fetched (with their evidence prefetched) per page
        skip_html_diff = True
        clean_model_instances = False  # the row parser validates; full_clean would query per row
        use_transactions = True
        skip_admin_log = True  # every application gets an audit entry of its own

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        # All or nothing, whoever calls: one invalid row rolls the whole file back.
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True,
                                   collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True,
                                   **kwargs)

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user")
        self.actor = user if user is not None and user.pk else None
        emails = dataset["email"] if "email" in (dataset.headers or ()) else []
        self.parser = RowParser(emails_in_file=[str(e or "") for e in emails])
        self.criteria_set = active_criteria_set()
        self.thresholds = thresholds_from(self.criteria_set)
        self.today = platform_today()
        self.now = timezone.now()
        names = {" ".join(str(n or "").split()) for n in dataset["institution"]} if "institution" in (
            dataset.headers or ()) else set()
        self.institutions = {i.name: i for i in Institution.objects.filter(name__in=names - {""})}
        self.records: dict[int, list[Evidence]] = {}  # each application's evidence, by id() of the application
        try:
            check_columns(dataset.headers)
        except ImportFileError:
            del dataset[0:len(dataset)]  # one message for the file, not one per row
            raise

    def import_instance(self, instance: Application, row, **kwargs):
        applicant = self.parser.parse(row, kwargs.get("row_number", 0))
        records = applicant.declaration.evidence_records()
        evaluation = evaluate(facts_from_records(applicant.role, records), self.thresholds, self.today)
        for name in ("full_name", "phone", "province", "city", "timezone", "languages", "serves_voice",
                     "serves_text", "state"):
            setattr(instance, name, getattr(applicant, name))
        instance.role = applicant.role
        for name, value in stored_verdict(evaluation).items():
            setattr(instance, name, value)
        instance.created_at = self.now
        if applicant.state != ApplicationState.DRAFT:
            instance.submitted_at = self.now
            instance.criteria_set = self.criteria_set
        instance.applicant = User(email=applicant.email, full_name=applicant.full_name,
                                  timezone=applicant.timezone, password=unusable_password())
        instance.institution = self._institution(applicant)
        self.records[id(instance)] = records

    def _institution(self, applicant: ImportedApplicant) -> Institution | None:
        if not applicant.institution:
            return None
        if applicant.institution not in self.institutions:
            self.institutions[applicant.institution] = Institution(
                name=applicant.institution, kind=institution_kind(applicant.institution),
                province=applicant.province, city=applicant.city)
        return self.institutions[applicant.institution]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        applications = list(self.create_instances)
        if not applications or not using_transactions:
            return super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        try:
            new_institutions = {a.institution.name: a.institution for a in applications
                                if a.institution is not None and a.institution.pk is None}
            Institution.objects.bulk_create(new_institutions.values())
            users_create_bulk([a.applicant for a in applications], email_verified=False)
        except Exception as error:
            self.create_instances.clear()
            return self.handle_import_error(result, error, raise_errors)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        if any(a.pk is None for a in applications):
            return None  # the library recorded the error; the whole import rolls back
        try:
            self._save_related(applications)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)

    def _save_related(self, applications: list[Application]) -> None:
        by_model: dict[type, list] = {}
        for application in applications:
            for record in self.records.pop(id(application)):
                record.application = application
                record.created_at = self.now
                by_model.setdefault(type(record), []).append(record)
        for model, records in by_model.items():
            model.objects.bulk_create(records)
        audit_log_bulk([
            audit_entry(actor=self.actor, action=CredentialingAction.IMPORTED, target=a, subject=a.applicant,
                        to_state=a.state, created_at=self.now, data={"verdict": a.verdict})
            for a in applications
        ])

    def after_import(self, dataset, result, **kwargs):
        # Nothing to do: the library's own after_import resets id sequences, needed only when ids are imported.
        self.records = {}

    # --- export ---------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("applicant", "institution").prefetch_related(*EXPORT_PREFETCH)

    def export_field(self, field, instance, **kwargs):
        if getattr(instance, "_exported_row", None) is None:
            instance._exported_row = self.row_for(instance)
        return instance._exported_row[field.column_name]

    @staticmethod
    def row_for(application: Application) -> dict[str, str]:
        """The application as one row; evidence found not acceptable is left out.

        Only draft and submitted rows can be imported again: later states are reached on the vetting screens.
        """
        usable = [record for model in EVIDENCE_MODELS.values()
                  for record in getattr(application, f"{model._meta.model_name}_set").all()
                  if record.check_state != EvidenceCheck.NOT_ACCEPTABLE]

        def hours(kind: str, **flags) -> str:
            total = sum((r.hours for r in usable if r.kind == kind
                         and all(getattr(r, name) == value for name, value in flags.items())), Decimal(0))
            return _hours(total)

        qualification = next((r for r in usable if r.kind == "qualification"), None)
        topics = frozenset().union(*(r.topics() for r in usable if r.kind == "specialtraining"))
        return {
            "email": application.applicant.email,
            "full_name": application.full_name,
            "phone": application.phone,
            "institution": application.institution.name if application.institution else "",
            "province": application.province,
            "city": application.city,
            "timezone": application.timezone,
            "languages": application.languages,
            "role": application.role,
            "channels": ",".join(application.channels),
            "qualification_kind": qualification.qualification_kind.code if qualification else "",
            "qualification_number": qualification.number if qualification else "",
            "qualification_issuer": qualification.issuing_body if qualification else "",
            "qualification_issued_on": qualification.issued_on.isoformat() if qualification else "",
            "qualification_expires_on": qualification.expires_on.isoformat()
            if qualification and qualification.expires_on else "",
            "ethics_hours_approved": hours("ethicstraining", approved_by_registry=True),
            "ethics_hours_other": hours("ethicstraining", approved_by_registry=False),
            "special_topics": ",".join(t for t in SpecialTopic.values if t in topics),
            "practice_hours": hours("practicerecord"),
            "state": application.state,
        }


def run_import(dataset, *, actor: User | None = None, dry_run: bool = False):
    """Import a dataset all or nothing, through the same resource the admin uses; returns the library's Result."""
    return ApplicationResource().import_data(dataset, dry_run=dry_run, user=actor)
