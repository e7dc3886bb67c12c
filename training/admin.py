"""Read-only views of the training records for coordinators; the training pages make every change."""
from django.contrib import admin

from common.admin import RulesModelAdmin
from training.models import Assessment, Curriculum, CurriculumArea, Enrolment, Session, Trainee


class CurriculumAreaInline(admin.TabularInline):
    model = CurriculumArea
    extra = 0


@admin.register(Curriculum)
class CurriculumAdmin(RulesModelAdmin):
    list_display = ("version", "is_current", "note", "created_at")
    inlines = [CurriculumAreaInline]


@admin.register(Session)
class SessionAdmin(RulesModelAdmin):
    list_display = ("starts_at", "area", "topic", "capacity", "state")
    list_filter = ("area", "state")
    date_hierarchy = "starts_at"


@admin.register(Trainee)
class TraineeAdmin(RulesModelAdmin):
    list_display = ("user", "curriculum", "started_on", "ready_at", "last_progress_on")
    list_select_related = ("user", "curriculum")
    search_fields = ("user__email", "user__full_name")
    raw_id_fields = ("user",)


@admin.register(Enrolment)
class EnrolmentAdmin(RulesModelAdmin):
    list_display = ("session", "trainee", "status", "minutes", "source")
    list_select_related = ("session", "trainee__user")
    list_filter = ("status",)
    raw_id_fields = ("session", "trainee", "marked_by")


@admin.register(Assessment)
class AssessmentAdmin(RulesModelAdmin):
    list_display = ("trainee", "area", "attempt", "score", "passed", "assessed_on")
    list_select_related = ("trainee__user",)
    list_filter = ("area", "passed")
    raw_id_fields = ("trainee", "assessor")
