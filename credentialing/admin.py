"""The coordinators' admin. Application states change only on the vetting screens, so they are read-only here."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.results import Result

from common.admin import RulesAdminMixin, RulesModelAdmin
from common.audit import audit_log
from credentialing import services
from credentialing.audit import CredentialingAction
from credentialing.exceptions import CredentialingError
from credentialing.import_jobs import import_request, import_retry
from credentialing.importing import read_failure_message
from credentialing.models import (
    REQUIRED_TOPIC_COLUMNS,
    TOPIC_COLUMNS,
    Application,
    ApplicationImport,
    CredentialNotice,
    CriteriaSet,
    EthicsTraining,
    Institution,
    PracticeRecord,
    Qualification,
    QualificationKind,
    RetentionPolicy,
    SpecialTraining,
)
from credentialing.resources import ApplicationResource
from credentialing.spreadsheets import SPREADSHEET_FORMATS

# Imports larger than this run in the background worker once confirmed; the dry run stays in the request.
BACKGROUND_IMPORT_ROWS = 500


@admin.register(Institution)
class InstitutionAdmin(RulesModelAdmin):
    list_display = ("name", "kind", "province", "city", "application_count")
    list_filter = ("kind", "province")
    search_fields = ("name", "city")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(application_count=Count("applications"))

    @admin.display(description=_("applications"), ordering="application_count")
    def application_count(self, institution) -> int:
        return institution.application_count


@admin.register(QualificationKind)
class QualificationKindAdmin(RulesModelAdmin):
    list_display = ("code", "name_en", "name_zh", "qualifies_counselor", "qualifies_supervisor",
                    "recognised_automatically", "active")
    list_filter = ("active", "qualifies_supervisor", "recognised_automatically")
    search_fields = ("code", "name_en", "name_zh")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(RulesModelAdmin):
    list_display = ("name", "min_ethics_hours", "min_practice_hours", *REQUIRED_TOPIC_COLUMNS.values(), "is_active",
                    "created_at")
    readonly_fields = ("is_active", "created_at")
    actions = ("make_active",)

    def get_readonly_fields(self, request, obj=None):
        # Submitted applications keep the set they were judged by: a set in use is never edited, only replaced.
        if obj is not None and (obj.is_active or obj.application_set.exists()):
            return [f.name for f in CriteriaSet._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_active or obj.application_set.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Make the selected criteria set the active one"))
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one criteria set."), messages.ERROR)
            return
        try:
            criteria_set = services.criteria_set_activate(criteria_set=queryset.get(), actor=request.user)
        except CredentialingError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("“%(name)s” is now the active criteria set.") % {"name": criteria_set.name})


class EvidenceInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class QualificationInline(EvidenceInline):
    model = Qualification
    fields = ("qualification_kind", "number", "issuing_body", "issued_on", "expires_on", "original_name",
              "check_state")


class EthicsTrainingInline(EvidenceInline):
    model = EthicsTraining
    fields = ("provider", "hours", "approved_by_registry", "completed_on", "original_name", "check_state")


class SpecialTrainingInline(EvidenceInline):
    model = SpecialTraining
    fields = ("title", "provider", "hours", *TOPIC_COLUMNS.values(), "original_name",
              "check_state")


class PracticeRecordInline(EvidenceInline):
    model = PracticeRecord
    fields = ("hours", "evidence_kind", "description", "original_name", "check_state")


@admin.register(Application)
class ApplicationAdmin(RulesAdminMixin, ImportExportModelAdmin):
    resource_classes = [ApplicationResource]
    # Only formats that can import (no HTML), and exports escaped against formula injection.
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    # The library's page shows a Python traceback under a problem with the whole file; ours shows the message.
    import_template_name = "admin/credentialing/application/import.html"
    list_display = ("__str__", "state", "verdict", "role", "institution", "province", "reviewer", "submitted_at")
    list_filter = ("state", "verdict", "role", "serves_voice", "serves_text", "verdict_qualification",
                   "verdict_ethics", "verdict_special_training", "verdict_practice")
    search_fields = ("full_name", "applicant__email", "phone", "institution__name", "city")
    list_select_related = ("applicant", "institution", "reviewer")
    raw_id_fields = ("applicant", "institution", "reviewer")
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    readonly_fields = ("applicant", "state", "version", "criteria_set", "verdict", "verdict_qualification",
                       "verdict_ethics", "verdict_special_training", "verdict_practice", "ethics_hours",
                       "practice_hours", "decision_reason", "created_at", "updated_at", "submitted_at", "decided_at")
    inlines = (QualificationInline, EthicsTrainingInline, SpecialTrainingInline, PracticeRecordInline)

    def has_add_permission(self, request):
        return False  # applications come from applicants themselves or from an import

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would take the audit trail with it; withdraw or reject instead

    def save_model(self, request, obj: Application, form, change):
        # Profile corrections by a coordinator: through the service (stale forms, audit), not a bare save().
        services.application_correct(application=obj, fields=form.changed_data, actor=request.user)

    def add_data_read_fail_error_to_form(self, form, error):
        form.add_error("import_file", read_failure_message(error))

    def process_dataset(self, dataset, form, request, **kwargs):
        """The confirmed import: small files at once, large ones in the background worker."""
        if len(dataset) <= BACKGROUND_IMPORT_ROWS:
            return super().process_dataset(dataset, form, request, **kwargs)
        job = import_request(dataset=dataset, actor=request.user)
        result = Result()
        result.queued_import = job
        return result

    def add_success_message(self, result, request):
        job = getattr(result, "queued_import", None)
        if job is not None:
            self.message_user(request, format_html(
                "{} <a href=\"{}\">{}</a>",
                ngettext("%(count)d row is being imported in the background.",
                         "%(count)d rows are being imported in the background.", job.rows) % {"count": job.rows},
                reverse("admin:credentialing_applicationimport_change", args=[job.pk]),
                _("Follow the import")))
            return
        super().add_success_message(result, request)


class EvidenceAdmin(RulesModelAdmin):
    """Evidence is the applicant's; the reviewer's check is made on the vetting screen, not here."""

    list_display = ("__str__", "application", "check_state", "checked_by", "checked_at")
    list_filter = ("check_state",)
    list_select_related = ("application", "checked_by")
    search_fields = ("application__full_name", "application__applicant__email")
    raw_id_fields = ("application",)
    readonly_fields = ("application", "file", "original_name", "content_type", "size", "check_state", "check_note",
                       "checked_by", "checked_at", "created_at")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Hours count towards the application's stored totals, whose limits only the evidence service guards.
        hours = ("hours",) if obj is not None and hasattr(obj, "hours") else ()
        return (*self.readonly_fields, *hours)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removing evidence (one or a ticked batch) would skip the audit trail, the verdict and the stored file;
        # the applicant removes their own through the evidence service.
        return False


admin.site.register(Qualification, EvidenceAdmin, list_select_related=("application", "checked_by",
                                                                       "qualification_kind"))
admin.site.register(EthicsTraining, EvidenceAdmin)
admin.site.register(SpecialTraining, EvidenceAdmin)
admin.site.register(PracticeRecord, EvidenceAdmin)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(RulesModelAdmin):
    """One row: how long evidence files of rejected and withdrawn applications are kept. Changes are audited."""

    fields = ("evidence_months", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        RetentionPolicy.current()  # the row exists from the first visit on, with the default
        return super().changelist_view(request, extra_context)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        previous = RetentionPolicy.objects.filter(pk=obj.pk).values_list("evidence_months", flat=True).first()
        super().save_model(request, obj, form, change)
        audit_log(actor=request.user, action=CredentialingAction.RETENTION_CHANGED, target=obj,
                  data={"from": previous, "to": obj.evidence_months})


@admin.register(CredentialNotice)
class CredentialNoticeAdmin(RulesModelAdmin):
    """What the daily sweep sent and paused (read-only: the sweep writes it)."""

    list_display = ("created_at", "volunteer", "kind", "expires_on", "restored_at")
    list_filter = ("kind",)
    list_select_related = ("volunteer__user",)
    readonly_fields = ("qualification", "volunteer", "kind", "expires_on", "created_at", "previous_status",
                       "restored_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApplicationImport)
class ApplicationImportAdmin(RulesModelAdmin):
    """Large imports run by the worker: their state, what they imported or why they failed; a failed one can be
    tried again from its stored file (audited)."""

    list_display = ("created_at", "state", "rows", "imported", "requested_by", "finished_at")
    list_filter = ("state",)
    list_select_related = ("requested_by",)
    fields = ("state", "rows", "imported", "requested_by", "created_at", "started_at", "finished_at", "error",
              "problem_lines")
    readonly_fields = fields
    actions = ("try_again",)
    show_full_result_count = False

    @admin.display(description=_("problems in the file"))
    def problem_lines(self, job: ApplicationImport) -> str:
        return "\n".join(job.problems) or "–"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_try_again_permission(self, request) -> bool:
        return request.user.has_perm("credentialing.import_application")

    @admin.action(description=_("Try the selected failed imports again"), permissions=["try_again"])
    def try_again(self, request, queryset):
        queued = 0
        for job in queryset.order_by("pk"):
            try:
                import_retry(import_id=job.pk, actor=request.user)
            except CredentialingError as error:
                self.message_user(request, f"#{job.pk}: {error}", messages.WARNING)
            else:
                queued += 1
        if queued:
            self.message_user(request, ngettext("%(count)d import is queued again.",
                                                "%(count)d imports are queued again.", queued) % {"count": queued})
