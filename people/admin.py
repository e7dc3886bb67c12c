"""People in the coordinators' admin. Staff roles change through the services, so every change is audited."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from common.admin import RulesModelAdmin
from people import services
from people.enums import StaffRole
from people.models import User, Volunteer

# Staff roles are groups managed here and by the services; Django's own group and permission tables would be
# a second way to grant rights, beside the named rules.
admin.site.unregister(Group)


class UserAdminForm(forms.ModelForm):
    staff_roles = forms.MultipleChoiceField(label=_("staff roles"), choices=StaffRole.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ("email", "full_name", "timezone", "language", "is_active", "is_staff", "is_superuser")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["staff_roles"].initial = sorted(
                self.instance.groups.filter(name__in=StaffRole.values).values_list("name", flat=True))


@admin.register(User)
class UserAdmin(RulesModelAdmin):
    form = UserAdminForm
    list_display = ("email", "full_name", "roles", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    # Passwords (and their hashes) are never shown: people reset their own.
    fields = ("email", "full_name", "timezone", "language", "is_active", "is_staff", "is_superuser", "staff_roles",
              "last_login", "date_joined")
    readonly_fields = ("last_login", "date_joined")
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        # Superuser powers pass every rule: only a superuser hands them out (a coordinator who could tick the box
        # would make themselves one).
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "is_superuser")

    @admin.display(description=_("staff roles"))
    def roles(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def save_model(self, request, obj: User, form, change):
        if not change:
            obj.set_unusable_password()  # the person sets a password through "forgot password"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.staff_roles_set(user=form.instance, roles=form.cleaned_data["staff_roles"], actor=request.user)


@admin.register(Volunteer)
class VolunteerAdmin(RulesModelAdmin):
    list_display = ("user", "role", "status", "serves_voice", "serves_text", "timezone", "since")
    list_filter = ("role", "status", "serves_voice", "serves_text")
    search_fields = ("user__email", "user__full_name", "phone")
    list_select_related = ("user",)
    # status changes go through volunteer_set_status (guarded and audited), not through this form
    readonly_fields = ("user", "role", "status", "since", "version", "updated_at")

    def has_add_permission(self, request, *args):
        return False  # a volunteer is made by approving an application

    def save_model(self, request, obj: Volunteer, form, change):
        # the team keeps the working profile up to date through the same service as the volunteer (audited)
        profile = services.WorkingProfile(**{name: getattr(obj, name) for name in services.PROFILE_FIELDS})
        services.volunteer_update_profile(volunteer_id=obj.pk, actor=request.user, profile=profile)
