"""The applicant's pages: landing page and dashboard, profile and evidence, submit and withdraw, own data.

Thin views: parse the request, check a named permission, call a service or selector, render.
An applicant only ever reaches their own application (there is no application id in these URLs);
evidence and files of other people answer 404.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.versioning import posted_version
from credentialing import services
from credentialing.criteria import CriterionResult, Evaluation, criteria_for_role, list_in_words
from credentialing.display import evidence_details
from credentialing.enums import ApplicationAction, ApplicationState, Criterion, EvidenceCheck, SpecialTopic, Verdict
from credentialing.exceptions import (
    CredentialingError,
    EvidenceInvalid,
    StaleApplication,
    UploadRefused,
    UploadsRefused,
)
from credentialing.forms.applicant import (
    ApplicationProfileForm,
    OnePageApplication,
    WithdrawForm,
    evidence_form_class,
)
from credentialing.models import EVIDENCE_MODELS, Application, Evidence
from credentialing.next_steps import after_approval_links
from credentialing.personal_data import applicant_history
from credentialing.selectors import (
    active_criteria_set,
    application_with_evidence,
    current_application_of,
    current_application_with_evidence,
    evaluate_application,
    thresholds_from,
)
from credentialing.uploads import EXTENSIONS, download_name

# --- helpers shared by the pages ------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """One line of the live checklist."""

    criterion: str
    title: str
    verdict: str
    verdict_label: str
    reasons: tuple[str, ...]

    @classmethod
    def of(cls, result: CriterionResult) -> CriterionRow:
        return cls(result.criterion, str(Criterion(result.criterion).label), result.verdict,
                   str(Verdict(result.verdict).label), result.reasons)


@dataclass(frozen=True)
class Checklist:
    rows: list[CriterionRow]
    verdict: str
    verdict_label: str

    @classmethod
    def of(cls, evaluation: Evaluation) -> Checklist:
        return cls([CriterionRow.of(result) for result in evaluation.results], evaluation.verdict,
                   str(Verdict(evaluation.verdict).label))

    def row(self, criterion: str) -> CriterionRow | None:
        return next((row for row in self.rows if row.criterion == criterion), None)


@dataclass(frozen=True)
class EvidenceItem:
    record: Evidence
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class EvidenceSection:
    """One criterion on the application page: its verdict and the evidence given for it."""

    kind: str
    criterion: str
    title: str
    verdict: CriterionRow | None
    items: list[EvidenceItem]


def _evidence_item(record: Evidence) -> EvidenceItem:
    return EvidenceItem(record, evidence_details(record))


def _evidence_sections(application: Application, checklist: Checklist) -> list[EvidenceSection]:
    """A section per criterion of the role, and for any other kind the applicant has already given."""
    criteria = set(criteria_for_role(application.role))
    sections = []
    for kind, model in EVIDENCE_MODELS.items():
        records = list(getattr(application, f"{kind}_set").all())
        if model.criterion in criteria or records:
            sections.append(EvidenceSection(
                kind=kind,
                criterion=model.criterion,
                title=str(Criterion(model.criterion).label),
                verdict=checklist.row(model.criterion),
                items=[_evidence_item(record) for record in records],
            ))
    return sections


def _application_context(request: HttpRequest, application: Application) -> dict:
    """What the dashboard and the application page both show: checklist, evidence, next step."""
    checklist = Checklist.of(evaluate_application(application))
    sections = _evidence_sections(application, checklist)
    reviewed = [item for section in sections for item in section.items
                if item.record.check_state != EvidenceCheck.PENDING or item.record.check_note]
    return {
        "application": application,
        "checklist": checklist,
        "sections": sections,
        "reviewed_items": reviewed,
        "can_edit": request.user.has_perm("credentialing.edit_application", application),
        "can_withdraw": request.user.has_perm("credentialing.withdraw_application", application),
        "submit_action": _submit_action(application),
        "after_approval": after_approval_links() if application.state == ApplicationState.APPROVED else [],
    }


def _submit_action(application: Application) -> str:
    if application.state == ApplicationState.CHANGES_REQUESTED:
        return ApplicationAction.RESUBMIT
    return ApplicationAction.SUBMIT


def _own_application(request: HttpRequest) -> Application | None:
    return current_application_with_evidence(request.user)


def _evidence_model(kind: str) -> type[Evidence]:
    try:
        return EVIDENCE_MODELS[kind]
    except KeyError:
        raise Http404(_("Unknown kind of evidence."))


def _no_application(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("You have no application yet. Start one here."))
    return redirect("credentialing:home")


# --- landing page and dashboard -------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        thresholds = thresholds_from(active_criteria_set())
        return render(request, "credentialing/applicant/landing.html", {
            "thresholds": thresholds,
            "required_topics": list_in_words(
                topic.label for topic in SpecialTopic if topic in thresholds.required_topics),
        })
    application = _own_application(request)
    context = _application_context(request, application) if application else {}
    can_start = application is None or application.state in ApplicationState.ended()
    return render(request, "credentialing/applicant/dashboard.html", {**context, "can_start": can_start})


@login_required
@require_POST
def application_start(request: HttpRequest) -> HttpResponse:
    services.application_start(applicant=request.user)
    return redirect("credentialing:application_edit")


# --- the application: profile, evidence, submit, withdraw -----------------------------------


def _submitted_message() -> str:
    return _("Your application was sent to the vetting team. We will write to you when there is news.")


def _has_live_application(user) -> bool:
    current = current_application_of(user)
    return current is not None and current.state in ApplicationState.live()


@login_required
def application_apply(request: HttpRequest) -> HttpResponse:
    """The whole application on one page, submitted at once (a draft to come back to is the other way)."""
    if _has_live_application(request.user):
        messages.info(request, _("You already have an application: here it is."))
        return redirect("credentialing:home")
    if request.method == "POST":
        application = OnePageApplication(request.POST, request.FILES)
        if application.is_valid():
            try:
                services.application_submit_complete(
                    applicant=request.user, data=application.profile.profile_data(),
                    institution_name=application.profile.cleaned_data["institution_name"],
                    evidence=application.evidence())
            except UploadsRefused as error:
                application.refuse_uploads(error.by_kind)
            except EvidenceInvalid as error:
                application.section(error.kind).form.add_error(None, error.messages)
            except ValidationError as error:
                application.profile.add_error(None, error.messages)
            except CredentialingError as error:
                if _has_live_application(request.user):  # the second click of a double click
                    messages.info(request, _("Your application was already sent; here it is."))
                    return redirect("credentialing:home")
                application.profile.add_error(None, error.message)
            else:
                messages.success(request, _submitted_message())
                return redirect("credentialing:home")
        status = 400
    else:
        application = OnePageApplication(applicant=request.user)
        status = 200
    return render(request, "credentialing/applicant/apply.html", {
        "application_form": application, "thresholds": thresholds_from(active_criteria_set()),
    }, status=status)


@login_required
def application_edit(request: HttpRequest) -> HttpResponse:
    application = _own_application(request)
    if application is None:
        return _no_application(request)
    form = ApplicationProfileForm(initial=ApplicationProfileForm.initial_for(application))
    if request.method == "POST":
        if not request.user.has_perm("credentialing.edit_application", application):
            messages.error(request, _("This application cannot be edited now (it is “%(state)s”).")
                           % {"state": application.get_state_display()})
            return redirect("credentialing:application_edit")
        form = ApplicationProfileForm(request.POST)
        if form.is_valid():
            try:
                services.application_update_profile(
                    application_id=application.pk, actor=request.user, data=form.profile_data(),
                    institution_name=form.cleaned_data["institution_name"],
                    expected_version=form.cleaned_data["version"],
                )
            except StaleApplication as error:
                messages.error(request, error.message)
                messages.info(request, _("Your input is kept below: check it and save again."))
                application = application_with_evidence(application.pk)
                form = ApplicationProfileForm({**request.POST.dict(), "version": application.version})
            except CredentialingError as error:
                messages.error(request, error.message)
                return redirect("credentialing:application_edit")
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("credentialing:application_edit")
    return render(request, "credentialing/applicant/application_edit.html", {
        **_application_context(request, application), "form": form,
    })


@login_required
def evidence_add(request: HttpRequest, kind: str) -> HttpResponse:
    model = _evidence_model(kind)
    application = current_application_of(request.user)
    if application is None:
        return _no_application(request)
    if not request.user.has_perm("credentialing.edit_application", application):
        messages.error(request, _("Evidence can only be added while the application is a draft "
                                  "or changes were requested."))
        return redirect("credentialing:application_edit")
    form_class = evidence_form_class(kind)
    form = form_class()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_add(application_id=application.pk, actor=request.user,
                                      evidence=form.save(commit=False), upload=form.cleaned_data["upload"])
            except UploadRefused as error:
                form.add_error("upload", error.message)
            except CredentialingError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Your evidence was added."))
                return redirect(reverse("credentialing:application_edit") + f"#{kind}")
    return render(request, "credentialing/applicant/evidence_form.html", {
        "form": form, "kind": kind, "criterion": Criterion(model.criterion).label,
        "title": model._meta.verbose_name, "application": application,
    })


@login_required
@require_POST
def evidence_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _evidence_model(kind)
    # Only the person's own records are looked up, so the message below tells nothing about other people's.
    evidence = model.objects.filter(pk=pk, application__applicant=request.user).first()
    if evidence is None:  # typically the second click of a double click
        messages.info(request, _("This evidence is not there any more; perhaps it was already removed."))
        return redirect(reverse("credentialing:application_edit") + f"#{kind}")
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except CredentialingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The evidence “%(name)s” was removed.") % {"name": evidence.original_name})
    return redirect(reverse("credentialing:application_edit") + f"#{kind}")


def _transition(request: HttpRequest, application: Application, action: str, success: str,
                reason: str = "") -> None:
    """Run the applicant's own action; a refused one (a double click, say) becomes a message."""
    try:
        services.application_transition(application_id=application.pk, action=action, actor=request.user,
                                         reason=reason, expected_version=posted_version(request.POST))
    except CredentialingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def application_submit(request: HttpRequest) -> HttpResponse:
    application = current_application_of(request.user)
    if application is None:
        return _no_application(request)
    action = _submit_action(application)
    _transition(request, application, action, _submitted_message())
    return redirect("credentialing:home")


@login_required
def application_withdraw(request: HttpRequest) -> HttpResponse:
    application = current_application_of(request.user)
    if application is None:
        return _no_application(request)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            _transition(request, application, ApplicationAction.WITHDRAW,
                        _("Your application was withdrawn. You may apply again at any time."),
                        form.cleaned_data["reason"])
            return redirect("credentialing:home")
        # An invalid form changes nothing: the page comes back with the errors and what was typed.
        return render(request, "credentialing/applicant/withdraw_confirm.html",
                      {"form": form, "application": application}, status=400)
    if not request.user.has_perm("credentialing.withdraw_application", application):
        messages.info(request, _("An application that is “%(state)s” cannot be withdrawn.")
                      % {"state": application.get_state_display()})
        return redirect("credentialing:home")
    form = WithdrawForm(initial={"version": application.version})
    return render(request, "credentialing/applicant/withdraw_confirm.html",
                  {"form": form, "application": application})


@login_required
@require_GET
def application_history(request: HttpRequest) -> HttpResponse:
    application = current_application_of(request.user)
    if application is None:
        return _no_application(request)
    return render(request, "credentialing/applicant/history.html", {
        "application": application, "lines": applicant_history(application, request.user),
    })


# --- files and personal data ----------------------------------------------------------------


@login_required
@require_GET
def evidence_download(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """The only way an evidence file leaves the server."""
    model = _evidence_model(kind)
    evidence = model.objects.select_related("application").filter(pk=pk).first()
    if evidence is None or not evidence.file or not request.user.has_perm("credentialing.view_evidence_file", evidence):
        raise Http404(_("No such file."))
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file."))
    # Saved under a name whose extension says what the content is, whatever the uploader called the file.
    content_type = evidence.content_type if evidence.content_type in EXTENSIONS else "application/octet-stream"
    name = download_name(evidence.original_name, content_type, fallback=f"{kind}-{evidence.pk}")
    response = FileResponse(stored, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("", home, name="home"),
    path("application/start/", application_start, name="application_start"),
    path("application/apply/", application_apply, name="application_apply"),
    path("application/", application_edit, name="application_edit"),
    path("application/evidence/<str:kind>/add/", evidence_add, name="evidence_add"),
    path("application/evidence/<str:kind>/<int:pk>/remove/", evidence_remove, name="evidence_remove"),
    path("application/submit/", application_submit, name="application_submit"),
    path("application/withdraw/", application_withdraw, name="application_withdraw"),
    path("application/history/", application_history, name="application_history"),
    path("evidence/<str:kind>/<int:pk>/file/", evidence_download, name="evidence_download"),
]
