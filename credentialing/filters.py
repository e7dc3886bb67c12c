"""Filters of the vetting queue (django-filter). Every filter is a WHERE clause: no extra query per row."""
import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from credentialing.enums import ApplicationState, RoleApplied, Verdict
from credentialing.forms.vetting import ME, reviewer_choices

UNASSIGNED = "unassigned"
OLDEST, NEWEST = "oldest", "newest"
QUEUE_STATES = [(value, label) for value, label in ApplicationState.choices if value != ApplicationState.DRAFT]
# What the team still has to act on; the queue opens on it.
OPEN = "open"
OPEN_STATES = [state for state in ApplicationState.open() if state != ApplicationState.DRAFT]


class ApplicationQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or e-mail"), method="filter_search")
    state = django_filters.ChoiceFilter(label=_("State"), method="filter_state", empty_label=_("Any state"),
                                        choices=[(OPEN, _("Still open (not decided)")), *QUEUE_STATES])
    verdict = django_filters.ChoiceFilter(label=_("Automatic verdict"), choices=Verdict.choices,
                                          empty_label=_("Any verdict"))
    role = django_filters.ChoiceFilter(label=_("Role"), choices=RoleApplied.choices, empty_label=_("Any role"))
    institution = django_filters.CharFilter(label=_("Institution"), field_name="institution__name",
                                            lookup_expr="icontains")
    province = django_filters.CharFilter(label=_("Province"), lookup_expr="icontains")
    reviewer = django_filters.ChoiceFilter(label=_("Reviewer"), method="filter_reviewer", empty_label=_("Anybody"))
    sort = django_filters.ChoiceFilter(label=_("Order"), method="filter_sort", empty_label=None,
                                       choices=[(OLDEST, _("Oldest first")), (NEWEST, _("Newest first"))])

    def __init__(self, data=None, *args, staff, user, **kwargs):
        if data is None or "state" not in data:
            data = data.copy() if data is not None else {}
            data["state"] = OPEN
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["reviewer"].extra["choices"] = [(UNASSIGNED, _("Unassigned"))] + reviewer_choices(staff)

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value) if value else queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(applicant__email__icontains=value))

    def filter_reviewer(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(reviewer__isnull=True)
        return queryset.filter(reviewer_id=self.user.pk if value == ME else value)

    def filter_sort(self, queryset, name, value):
        # the number breaks ties so that pages never overlap
        # applications never submitted (withdrawn drafts) have no date: they go last either way
        if value == NEWEST:
            return queryset.order_by(F("submitted_at").desc(nulls_last=True), "-pk")
        return queryset.order_by(F("submitted_at").asc(nulls_last=True), "pk")
