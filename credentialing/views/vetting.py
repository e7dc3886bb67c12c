"""The vetting team's pages: the queue, the vetting screen of one application, the statistics.

Thin views: parse the request, check a named permission, call a selector or a service, render.
Every page runs a fixed number of queries, whatever the number of rows.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from common.versioning import posted_version
from common.views import objectgetter, permission_required
from credentialing import expiry, selectors, services
from credentialing.criteria import criteria_for_role
from credentialing.display import evidence_details
from credentialing.enums import TRANSITIONS, ApplicationAction, ApplicationState, Criterion, EvidenceCheck, Verdict
from credentialing.exceptions import CredentialingError, StaleApplication
from credentialing.filters import QUEUE_STATES, ApplicationQueueFilter
from credentialing.forms.vetting import VETTING_ACTIONS, AssignForm, DecisionForm, EvidenceCheckForm, RenewalForm
from credentialing.models import EVIDENCE_MODELS, Application, Qualification
from credentialing.previews import preview_of, preview_page_name

QUEUE_PAGE_SIZE = 50
# Short names for the four small verdict badges of a queue row; the full label is the badge's title.
CRITERION_SHORT_NAMES = {
    Criterion.QUALIFICATION: gettext_lazy("Qualification"),
    Criterion.ETHICS: gettext_lazy("Ethics"),
    Criterion.SPECIAL_TRAINING: gettext_lazy("Crisis training"),
    Criterion.PRACTICE: gettext_lazy("Practice"),
}
# The audit trail records application states and evidence checks; both are shown by their labels.
STATE_LABELS = {**dict(ApplicationState.choices), **dict(EvidenceCheck.choices)}


# --- the queue ------------------------------------------------------------------------------


@permission_required("credentialing.view_queue")
def queue(request):
    staff = list(selectors.vetting_staff())
    applications = selectors.review_queue()
    queue_filter = ApplicationQueueFilter(request.GET or None, queryset=applications, staff=staff,
                                          user=request.user)
    page = Paginator(queue_filter.qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page:
        application.criterion_badges = [
            (CRITERION_SHORT_NAMES[criterion], Criterion(criterion).label, verdict)
            for criterion, verdict in application.criterion_verdicts().items() if verdict
        ]
    filters_query = request.GET.copy()
    filters_query.pop("page", None)
    return render(request, "credentialing/vetting/queue.html", {
        "filter": queue_filter,
        "page": page,
        "state_counts": _state_counts(applications),
        "filters_query": filters_query.urlencode(),
        # the filters have a reviewer field too: the assign form's own ids keep each label on its field
        "assign_form": AssignForm(staff=staff, initial={"next": request.GET.urlencode()}, auto_id="assign-%s"),
        "final_states": ApplicationState.final(),
    })


def _state_counts(applications) -> list[dict]:
    """How many applications are in each state of the queue, in one aggregate query."""
    counts = applications.order_by().aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state, _label in QUEUE_STATES}
    )
    return [{"state": state, "label": label, "count": counts[state]} for state, label in QUEUE_STATES]


@require_POST
@permission_required("credentialing.assign_reviewers")
def queue_assign(request):
    form = AssignForm(request.POST, staff=list(selectors.vetting_staff()))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_queue(form)
    try:
        changed = services.applications_assign(
            application_ids=form.cleaned_data["application_ids"],
            reviewer=form.reviewer_for(request.user),
            actor=request.user,
        )
    except CredentialingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ngettext("%(count)d application was assigned.",
                                           "%(count)d applications were assigned.", changed) % {"count": changed})
    return _back_to_queue(form)


def _back_to_queue(form: AssignForm):
    query = form.query_string()
    return redirect(reverse("credentialing:queue") + (f"?{query}" if query else ""))


# --- the vetting screen of one application --------------------------------------------------


def _application_or_404(pk: int) -> Application:
    try:
        return selectors.application_with_evidence(pk)
    except Application.DoesNotExist:
        raise Http404


def _application_to_review(request, pk: int, **kwargs) -> Application:
    """The object the review rules are asked about, loaded once with everything the page shows."""
    return _application_or_404(pk)


def _check_form_ids(kind: str, pk: int) -> str:
    """Each item's check form has its own ids: its note's label names its own note."""
    return f"check-{kind}-{pk}-%s"


def _criterion_sections(application: Application, declared, verified, check_forms: dict) -> list[dict]:
    """Per criterion: both verdicts and the evidence items with their check forms and previews.

    Previews are read from the storage (made there on the first visit), never from the database: the page's
    query count does not depend on them.
    """
    items_by_criterion: dict[str, list] = {}
    for kind, model in EVIDENCE_MODELS.items():
        for item in getattr(application, f"{kind}_set").all():
            preview = preview_of(item)
            items_by_criterion.setdefault(model.criterion, []).append({
                "item": item,
                "details": evidence_details(item),
                "preview": preview,
                "preview_pages": range(1, (preview or {}).get("pages", 0) + 1),
                "check_form": check_forms.get((kind, item.pk)) or EvidenceCheckForm(
                    initial={"check_state": item.check_state, "note": item.check_note},
                    auto_id=_check_form_ids(kind, item.pk)),
            })
    return [
        {
            "criterion": criterion,
            "label": Criterion(criterion).label,
            "declared": declared.result(criterion),
            "declared_label": Verdict(declared.result(criterion).verdict).label,
            "verified": verified.result(criterion),
            "verified_label": Verdict(verified.result(criterion).verdict).label,
            "items": items_by_criterion.get(criterion, []),
        }
        for criterion in criteria_for_role(application.role)
    ]


def _render_review(request, application: Application, *, decision_form: DecisionForm | None = None,
                   check_forms: dict | None = None, stale_notice: str = "", status: int = 200):
    thresholds = selectors.thresholds_for_application(application)
    declared = selectors.evaluate_application(application, thresholds=thresholds)
    verified = selectors.evaluate_application(application, verified_only=True, thresholds=thresholds)
    offered = [action for action in VETTING_ACTIONS if application.state in TRANSITIONS[action][0]]
    sections = _criterion_sections(application, declared, verified, check_forms or {})
    return render(request, "credentialing/vetting/review.html", {
        "application": application,
        "declared": declared,
        "verified": verified,
        "sections": sections,
        "can_vet": request.user.has_perm("credentialing.vet_application", application),
        "offered_actions": offered,
        "can_approve": verified.verdict == Verdict.MET,
        "open_reasons": [reason for result in verified.failing() for reason in result.reasons],
        "decision_form": decision_form or DecisionForm(initial={"version": application.version}),
        "stale_notice": stale_notice,
        "audit_trail": [
            (entry, STATE_LABELS.get(entry.from_state, entry.from_state),
             STATE_LABELS.get(entry.to_state, entry.to_state))
            for entry in selectors.audit_trail(application)
        ],
        "evidence_count": sum(len(section["items"]) for section in sections),
        "unverified_count": sum(entry["item"].check_state != EvidenceCheck.VERIFIED
                                for section in sections for entry in section["items"]),
        "renewal_form": RenewalForm() if application.state == ApplicationState.APPROVED else None,
        "ACTION": ApplicationAction,
        "STATE": ApplicationState,
    }, status=status)


@permission_required("credentialing.review_application", fn=_application_to_review)
def review(request, pk: int):
    return _render_review(request, request.permission_object)


@require_POST
@permission_required("credentialing.review_application", fn=objectgetter(Application, "pk"))
def review_action(request, pk: int):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # Nothing is changed; the page comes back with the errors and the reviewer's text.
        messages.error(request, _("Nothing was changed: please correct the form below."))
        return _render_review(request, _application_or_404(pk), decision_form=form, status=400)
    expected_version = form.cleaned_data["version"]
    try:
        application = services.application_transition(
            application_id=pk, action=form.cleaned_data["action"], actor=request.user,
            reason=form.cleaned_data["reason"], expected_version=expected_version,
        )
    except Application.DoesNotExist:
        raise Http404
    except CredentialingError as error:
        # Show the page again as it is now, with what the reviewer typed still in the form.
        messages.error(request, error.message)
        application = _application_or_404(pk)
        fresh = DecisionForm(initial={"version": application.version, "reason": form.cleaned_data["reason"]})
        return _render_review(request, application, decision_form=fresh,
                              stale_notice=_stale_notice(request, application, expected_version, error))
    messages.success(request, _("Done: the application is now “%(state)s”.")
                     % {"state": application.get_state_display()})
    if request.POST.get("then") == "next" and form.cleaned_data["action"] != ApplicationAction.START_REVIEW:
        return _to_next_application(request, application)
    return redirect("credentialing:review", pk=pk)


def _to_next_application(request, application: Application):
    following = selectors.next_in_queue(request.user, after=application)
    if following is None:
        messages.info(request, _("Your queue is empty: no other application in review is assigned to you."))
        return redirect(reverse("credentialing:queue") + "?reviewer=me")
    return redirect("credentialing:review", pk=following.pk)


@permission_required("credentialing.review_application", fn=objectgetter(Application, "pk"))
def review_next(request, pk: int):
    """Open the next application of the reviewer's queue without deciding this one (the “n” key)."""
    return _to_next_application(request, request.permission_object)


@require_POST
@permission_required("credentialing.review_application", fn=objectgetter(Application, "pk"))
def verify_all(request, pk: int):
    try:
        changed = services.evidence_verify_all(application_id=pk, actor=request.user,
                                               expected_version=posted_version(request.POST))
    except CredentialingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ngettext("%(count)d item was marked verified.",
                                           "%(count)d items were marked verified.", changed) % {"count": changed})
    return redirect(reverse("credentialing:review", kwargs={"pk": pk}) + "#decision")


@require_POST
@permission_required("credentialing.review_application", fn=objectgetter(Application, "pk"))
def qualification_renew(request, pk: int, evidence_pk: int):
    """The vetting team verifies a renewed qualification of a volunteer: a new expiry date; a volunteer paused
    because the old one expired gets their status back at once."""
    form = RenewalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            get_object_or_404(Qualification, pk=evidence_pk, application_id=pk)
            expiry.qualification_renew(qualification_id=evidence_pk, expires_on=form.cleaned_data["expires_on"],
                                       actor=request.user)
        except CredentialingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The renewal was verified and recorded."))
    return redirect(reverse("credentialing:review", kwargs={"pk": pk}) + f"#evidence-qualification-{evidence_pk}")


@permission_required("credentialing.review_application", fn=objectgetter(Application, "pk"))
def evidence_preview(request, pk: int, kind: str, evidence_pk: int, page: int):
    """One page of an evidence file as a picture, shown inline on the review screen."""
    model = EVIDENCE_MODELS.get(kind)
    if model is None:
        raise Http404
    evidence = get_object_or_404(model, pk=evidence_pk, application_id=pk)
    preview = preview_of(evidence)
    if not preview or not 1 <= page <= preview["pages"]:
        raise Http404
    try:
        stored = default_storage.open(preview_page_name(evidence, page), "rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(stored, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _stale_notice(request, application: Application, expected_version: int, error: CredentialingError) -> str:
    """Say plainly that somebody else got there first (the service names a state conflict before a stale form)."""
    if isinstance(error, StaleApplication) or application.version == expected_version:
        return ""
    latest = selectors.audit_trail(application).first()
    if latest is None or latest.actor_id == request.user.pk:
        return ""
    return _("%(person)s changed this application since you opened this page; it is now “%(state)s”. "
             "Nothing of yours was saved: your text is kept below.") % {
        "person": latest.actor or _("Somebody else"), "state": application.get_state_display()}


@require_POST
@permission_required("credentialing.review_application", fn=objectgetter(Application, "pk"))
def evidence_check(request, pk: int, kind: str, evidence_pk: int):
    model = EVIDENCE_MODELS.get(kind)
    if model is None:
        raise Http404
    evidence = get_object_or_404(model, pk=evidence_pk, application_id=pk)
    form = EvidenceCheckForm(request.POST, auto_id=_check_form_ids(kind, evidence.pk))
    if form.is_valid():
        try:
            services.evidence_check(evidence=evidence, actor=request.user, check_state=form.cleaned_data["check_state"],
                                    note=form.cleaned_data["note"])
        except CredentialingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("“%(item)s” is now marked “%(check)s”.")
                             % {"item": evidence, "check": evidence.get_check_state_display()})
            return redirect(reverse("credentialing:review", kwargs={"pk": pk}) + f"#evidence-{kind}-{evidence_pk}")
    return _render_review(request, _application_or_404(pk), check_forms={(kind, evidence.pk): form})


# --- statistics -----------------------------------------------------------------------------


def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@permission_required("credentialing.view_statistics")
def statistics(request):
    numbers = selectors.funnel_statistics()
    counts = numbers["counts"]
    applied = counts["applied"]
    funnel = [
        {"label": _("Applied"), "count": applied, "percent": 100 if applied else 0},
        {"label": _("Met the criteria"), "count": counts["met"], "percent": _share(counts["met"], applied)},
        {"label": _("Approved"), "count": counts["approved"], "percent": _share(counts["approved"], applied)},
    ]
    states = [
        {"state": state, "label": label, "count": counts[key], "percent": _share(counts[key], applied)}
        for state, label, key in (
            (ApplicationState.SUBMITTED, _("Waiting for review"), "waiting"),
            (ApplicationState.IN_REVIEW, ApplicationState.IN_REVIEW.label, "in_review"),
            (ApplicationState.CHANGES_REQUESTED, ApplicationState.CHANGES_REQUESTED.label, "changes_requested"),
            (ApplicationState.APPROVED, ApplicationState.APPROVED.label, "approved"),
            (ApplicationState.REJECTED, ApplicationState.REJECTED.label, "rejected"),
            (ApplicationState.WITHDRAWN, ApplicationState.WITHDRAWN.label, "withdrawn"),
        )
    ]
    by_criterion = [
        {**row, "not_met_percent": _share(row["not_met"], applied),
         "needs_review_percent": _share(row["needs_review"], applied)}
        for row in numbers["by_criterion"]
    ]
    return render(request, "credentialing/vetting/statistics.html", {
        "counts": counts, "funnel": funnel, "states": states, "by_criterion": by_criterion,
    })


urlpatterns = [
    path("vetting/", queue, name="queue"),
    path("vetting/assign/", queue_assign, name="queue_assign"),
    path("vetting/statistics/", statistics, name="statistics"),
    path("vetting/<int:pk>/", review, name="review"),
    path("vetting/<int:pk>/action/", review_action, name="review_action"),
    path("vetting/<int:pk>/next/", review_next, name="review_next"),
    path("vetting/<int:pk>/verify-all/", verify_all, name="verify_all"),
    path("vetting/<int:pk>/evidence/qualification/<int:evidence_pk>/renew/", qualification_renew,
         name="qualification_renew"),
    path("vetting/<int:pk>/evidence/<str:kind>/<int:evidence_pk>/preview/<int:page>.jpg", evidence_preview,
         name="evidence_preview"),
    path("vetting/<int:pk>/evidence/<str:kind>/<int:evidence_pk>/check/", evidence_check, name="evidence_check"),
]
