"""Certificate pages: the holder's own, the coordinators' management and batches, the public verification.

Thin views: check a named permission, call a service or selector, render.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates import batches, ratelimit, selectors, services
from certificates.enums import BatchState, CertificateKind
from certificates.exceptions import CertificateRefused
from certificates.forms import BatchForm, FilterForm, IssueForm, LanguageForm, RevokeForm
from certificates.models import Certificate, CertificateBatch
from common.views import permission_required


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(certificate: Certificate) -> str:
    period = f"-{certificate.period.replace('..', '-to-')}" if certificate.period else ""
    return f"certificate-{certificate.kind.replace('_', '-')}{period}-{certificate.code}.pdf"


def _form_errors(form) -> str:
    """A form's errors in one message, each after its field's label (these forms are small)."""
    return " ".join(f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
                    for name, errors in form.errors.items() for error in errors)


# --- the holder ----------------------------------------------------------------------------------


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    return render(request, "certificates/mine.html", {
        "offers": selectors.offers_for(request.user),
        "certificates": selectors.certificates_of(request.user),
        "language_form": LanguageForm(initial={"language": request.user.language}),
    })


@login_required
@require_POST
def download_own(request: HttpRequest, kind: str) -> HttpResponse:
    """Issue (or find again) the person's own certificate of a kind, then download it."""
    form = LanguageForm(request.POST)
    if kind not in CertificateKind.values:
        raise Http404(_("No such certificate."))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("certificates:mine")
    try:
        certificate = services.certificate_issue(holder=request.user, kind=kind, actor=request.user,
                                                 language=form.cleaned_data["language"],
                                                 period=form.cleaned_data["period"])
    except CertificateRefused as error:
        messages.error(request, str(error))
        return redirect("certificates:mine")
    return redirect("certificates:download", pk=certificate.pk)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = Certificate.objects.filter(pk=pk).first()
    # Someone else's certificate answers exactly like one that does not exist.
    if certificate is None or not request.user.has_perm("certificates.download_certificate", certificate):
        raise Http404(_("No such certificate."))
    return _pdf_response(services.certificate_pdf(certificate=certificate), _filename(certificate))


# --- public verification -------------------------------------------------------------------------


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    limit, seconds = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    if not ratelimit.allow("certificate-verify", ratelimit.client_address(request), limit=limit, seconds=seconds):
        response = render(request, "certificates/verify_limited.html", status=429)
        response["Retry-After"] = str(seconds)
        return response
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "certificates/verify_not_found.html", status=404)
    return render(request, "certificates/verify.html", {"certificate": certificate})


# --- coordinators ----------------------------------------------------------------------------------


@permission_required("certificates.manage_certificates")
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    certificates = selectors.certificates_for_management(
        kind=criteria.get("kind", ""), standing=criteria.get("standing", ""), search=criteria.get("q", ""))
    page = Paginator(certificates, 50).get_page(request.GET.get("page"))
    return render(request, "certificates/manage.html", {
        "filters": filters or FilterForm(),
        "page": page,
        # three forms with a kind of certificate: their own ids keep each label on its field
        "issue_form": IssueForm(auto_id="issue-%s"),
        "batch_form": BatchForm(auto_id="batch-%s"),
        "batches": selectors.recent_batches(),
    })


@permission_required("certificates.issue_certificate")
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("certificates:manage")
    holder = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if holder is None:
        messages.error(request, _("Nobody has the e-mail address %(email)s.") % {"email": form.cleaned_data["email"]})
        return redirect("certificates:manage")
    try:
        certificate = services.certificate_issue(holder=holder, kind=form.cleaned_data["kind"], actor=request.user,
                                                 language=form.cleaned_data["language"] or None,
                                                 period=form.cleaned_data["period"])
    except CertificateRefused as error:
        messages.error(request, str(error))
        return redirect("certificates:manage")
    messages.success(request, _("Certificate %(code)s is issued to %(person)s.")
                     % {"code": certificate.display_code, "person": certificate.holder_name})
    return redirect(f"{reverse('certificates:manage')}?q={certificate.code}")


@permission_required("certificates.revoke_certificate")
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate_id=certificate.pk, actor=request.user,
                                        reason=form.cleaned_data["reason"])
        except CertificateRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Certificate %(code)s is revoked.") % {"code": certificate.display_code})
        return redirect(f"{reverse('certificates:manage')}?q={certificate.code}")
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})


@permission_required("certificates.issue_certificate")
@require_POST
def batch_new(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("certificates:manage")
    try:
        batch = batches.batch_request(kind=form.cleaned_data["kind"], output_format=form.cleaned_data["output_format"],
                                       actor=request.user, only_missing=form.cleaned_data["only_missing"],
                                       period=form.cleaned_data["period"])
    except CertificateRefused as error:
        messages.error(request, str(error))
        return redirect("certificates:manage")
    return redirect("certificates:batch", pk=batch.pk)


@permission_required("certificates.manage_certificates")
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(CertificateBatch, pk=pk)
    return render(request, "certificates/batch.html", {"batch": batch, "finished": _finished(batch)})


def _finished(batch: CertificateBatch) -> bool:
    return batch.state in (BatchState.DONE, BatchState.FAILED)


@permission_required("certificates.issue_certificate")
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        batches.batch_retry(batch_id=pk, actor=request.user)
    except CertificateBatch.DoesNotExist:
        raise Http404
    except CertificateRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The batch is queued again."))
    return redirect("certificates:batch", pk=pk)


@permission_required("certificates.manage_certificates")
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> JsonResponse:
    batch = get_object_or_404(CertificateBatch, pk=pk)
    return JsonResponse({"state": batch.state, "state_label": batch.get_state_display(), "done": batch.done,
                         "total": batch.total, "percent": batch.percent, "finished": _finished(batch)},
                        headers={"Cache-Control": "no-store"})


@permission_required("certificates.manage_certificates")
@require_GET
def batch_download(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(CertificateBatch, pk=pk, state=BatchState.DONE)
    if not batch.file:
        raise Http404(_("This batch has no file: nobody needed a certificate."))
    extension = "zip" if batch.output_format == "zip" else "pdf"
    try:
        stored = batch.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The batch's file is gone."))
    period = f"-{batch.period.replace('..', '-to-')}" if batch.period else ""
    response = FileResponse(stored, as_attachment=True,
                            filename=f"certificates-{batch.kind}{period}-{batch.pk}.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response
