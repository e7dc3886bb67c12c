"""Rostering pages: the scheduler's runs (generate, watch, adjust, publish, export) and everyone's shifts.

Thin views: parse the request, check a named permission, call a selector or a service, render.
"""
from __future__ import annotations

import json
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.validators import EARLIEST_MOMENT_DAY, LATEST_MOMENT_DAY, plain_text
from common.versioning import posted_version
from common.views import permission_required
from rostering import exports, selectors, services, shifts_page
from rostering.enums import RunState
from rostering.exceptions import RosterError
from rostering.forms import (
    AssignForm,
    AvailabilityExceptionForm,
    AvailabilityProfileForm,
    DemandOverrideForm,
    ExperienceMarkForm,
    GenerateForm,
    OfferForm,
    RosterSettingsForm,
    ShiftTemplateForm,
    TemplateExperiencedForm,
    parse_grid,
)
from rostering.models import (
    Assignment,
    AvailabilityException,
    AvailabilityProfile,
    RosterRun,
    ShiftOffer,
    WeeklyAvailability,
)

app_name = "rostering"


manage = permission_required("rostering.manage_rosters")


def _posted_number(request, name: str, default: int = 0) -> int:
    """A whole number posted in a plain field, or ``default`` for anything else (text, "²", a 10,000-digit
    number that Python would refuse to read at all)."""
    value = (request.POST.get(name) or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else default


@manage
def runs(request):
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(actor=request.user, start=form.cleaned_data["start"],
                                      days=form.cleaned_data["days"], seconds=form.cleaned_data["seconds"])
        except RosterError as error:
            messages.error(request, str(error))
        else:
            return redirect("rostering:run", run_id=run.pk)
    return render(request, "rostering/runs.html", {"form": form, "runs": selectors.recent_runs(),
                                                   "offers": selectors.offers_needing_scheduler()})


def _run(run_id: int) -> RosterRun:
    run = get_object_or_404(RosterRun, pk=run_id)
    if services.run_is_dead(run):
        run = services.run_fail_if_dead(run_id=run.pk)
    return run


@manage
def run_page(request, run_id: int):
    run = _run(run_id)
    context = {"run": run, "assign_form": AssignForm()}
    if run.state == RunState.FAILED:
        context["pin_conflicts"] = selectors.run_pin_conflicts(run)
        if context["pin_conflicts"] and run.replans_id:
            context["replanned"] = run.replans
    if run.state not in (RunState.SOLVING, RunState.FAILED):  # a failed run has no roster to show
        shifts = selectors.run_shifts_with_counts(run)
        context.update(heatmap=selectors.run_heatmap(run, shifts), shortfalls=selectors.run_shortfalls(run, shifts),
                       hours=selectors.run_hours(run), diff=selectors.run_diff(run), shifts=shifts,
                       hours_total=sum(s.hours * s.assigned for s in shifts))
    return render(request, "rostering/run.html", context)


@manage
@require_GET
def run_progress(request, run_id: int):
    run = _run(run_id)
    return JsonResponse({
        "state": run.state, "state_label": run.get_state_display(), "penalty": run.best_penalty, "bound": run.bound,
        "elapsed": run.elapsed, "seconds": run.seconds, "stop_requested": run.stop_requested, "error": run.error,
        "started": run.started_at is not None,
    })


def _act(request, run_id: int, action, success: str):
    get_object_or_404(RosterRun, pk=run_id)  # a run that does not exist is not found, whatever the action
    try:
        action()
    except RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("rostering:run", run_id=run_id)


@manage
@require_POST
def run_stop(request, run_id: int):
    return _act(request, run_id, lambda: services.run_request_stop(run_id=run_id, actor=request.user),
                _("Stopping: the best roster found so far is kept."))


@manage
@require_POST
def run_retry(request, run_id: int):
    return _act(request, run_id, lambda: services.run_retry(run_id=run_id, actor=request.user),
                _("Solving again."))


@manage
@require_POST
def run_publish(request, run_id: int):
    return _act(request, run_id, lambda: services.run_publish(
        run_id=run_id, actor=request.user, version=posted_version(request.POST)),
        _("Published. Everyone on the roster is being told their shifts."))


@manage
@require_POST
def run_replan(request, run_id: int):
    run = get_object_or_404(RosterRun, pk=run_id)
    seconds = min(max(_posted_number(request, "seconds", 60), 5), 3600)
    try:
        new = services.run_create(actor=request.user, start=run.period_start, days=run.days, seconds=seconds,
                                  replans=run)
    except RosterError as error:
        messages.error(request, str(error))
        return redirect("rostering:run", run_id=run_id)
    return redirect("rostering:run", run_id=new.pk)


@manage
@require_POST
def assignment_add(request, run_id: int):
    get_object_or_404(RosterRun, pk=run_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the shift and a person's e-mail address."))
        return redirect("rostering:run", run_id=run_id)
    user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if user is None:
        messages.error(request, _("Nobody has that e-mail address."))
        return redirect("rostering:run", run_id=run_id)
    return _act(request, run_id, lambda: services.assignment_add(
        run_id=run_id, shift_id=form.cleaned_data["shift"], user=user, actor=request.user), _("Added."))


@manage
@require_POST
def assignment_remove(request, run_id: int, assignment_id: int):
    get_object_or_404(Assignment, pk=assignment_id, run_id=run_id)
    return _act(request, run_id, lambda: services.assignment_remove(
        run_id=run_id, assignment_id=assignment_id, actor=request.user), _("Removed."))


@manage
@require_GET
def run_export(request, run_id: int, kind: str):
    run = get_object_or_404(RosterRun, pk=run_id)
    name = f"roster-{run.pk}-{run.period_start:%Y%m%d}"
    if kind == "problem.json":
        body, content_type, filename = json.dumps(run.problem, ensure_ascii=False, indent=1), "application/json", \
            f"{name}-problem.json"
    elif kind == "solution.json":
        body = json.dumps(exports.solution_document(run), ensure_ascii=False, indent=1)
        content_type, filename = "application/json", f"{name}-solution.json"
    elif kind == "csv":
        body, content_type, filename = exports.roster_csv(run), "text/csv; charset=utf-8", f"{name}.csv"
    elif kind == "xlsx":
        body = exports.roster_xlsx(run)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        filename = f"{name}.xlsx"
    else:
        raise PermissionDenied
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- everyone ------------------------------------------------------------------------------------------------

@permission_required("rostering.view_own_shifts")
def my_shifts(request):
    # the content comes from the cache while nothing it shows has changed (rostering/shifts_page.py)
    return render(request, "rostering/shifts.html",
                  {"section": shifts_page.shifts_section(request, moment=timezone.now())})


def _back_to_shifts(request, action, success: str):
    try:
        action()
    except RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("rostering:shifts")


@permission_required("rostering.view_own_shifts")
@require_POST
def offer_create(request, assignment_id: int):
    # Only one's own shift: another person's answers as one that does not exist.
    get_object_or_404(Assignment, pk=assignment_id, person=request.user)
    form = OfferForm(request.POST)
    if not form.is_valid():  # a note too long is refused with the reason, never cut
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("rostering:shifts")
    return _back_to_shifts(request, lambda: services.offer_create(
        assignment_id=assignment_id, actor=request.user, kind=form.cleaned_data["kind"],
        note=form.cleaned_data["note"]), _("Your offer is recorded."))


@permission_required("rostering.view_own_shifts")
@require_POST
def offer_take(request, offer_id: int):
    get_object_or_404(ShiftOffer, pk=offer_id)
    return _back_to_shifts(request, lambda: services.offer_take(offer_id=offer_id, actor=request.user),
                           _("The shift is yours."))


@permission_required("rostering.view_own_shifts")
@require_POST
def offer_withdraw(request, offer_id: int):
    get_object_or_404(ShiftOffer, pk=offer_id, offered_by=request.user)  # another person's offer is not found
    return _back_to_shifts(request, lambda: services.offer_withdraw(offer_id=offer_id, actor=request.user),
                           _("Your offer is withdrawn."))


@manage
@require_POST
def offer_decide(request, offer_id: int):
    get_object_or_404(ShiftOffer, pk=offer_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.offer_decide(offer_id=offer_id, actor=request.user, approve=approve)
    except RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Dropped.") if approve else _("Refused."))
    return redirect("rostering:runs")


def _month(request):
    """The month asked for (``2026-03``), or this month: also for one whose neighbours are off the calendar."""
    text = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = None
    if first is None or not EARLIEST_MOMENT_DAY <= first <= LATEST_MOMENT_DAY:
        return timezone.localdate().replace(day=1)
    return first


@manage
def hours(request):
    month = _month(request)
    if request.method == "POST":
        email = plain_text(request.POST.get("email"), limit=254)
        person = get_user_model().objects.filter(email__iexact=email).first() if email else None
        if person is None:
            messages.error(request, _("Nobody has that e-mail address."))
        else:
            try:
                services.hours_correct(person=person, month=month, hours=plain_text(request.POST.get("hours")),
                                       reason=plain_text(request.POST.get("reason")), actor=request.user)
            except RosterError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The correction is recorded."))
                return redirect(f"{request.path}?month={month:%Y-%m}")
    rows = selectors.hours_by_person(month.year, month.month)
    if request.GET.get("format") == "csv":
        response = HttpResponse(exports.hours_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="hours-{month:%Y-%m}.csv"'
        return response
    return render(request, "rostering/hours.html", {"rows": rows, "month": month,
                                                    "total": round(sum(r["total"] for r in rows), 2)})


@permission_required("rostering.view_own_shifts")
def availability(request):
    profile = AvailabilityProfile.objects.filter(user=request.user).first() or AvailabilityProfile(user=request.user)
    from rostering.models import RosterSettings

    form = AvailabilityProfileForm(request.POST or None, instance=profile, rules=RosterSettings.current())
    if request.method == "POST":
        try:
            cells = parse_grid(request.POST.get("grid", ""))
        except Exception as error:  # a ValidationError: the grid did not arrive whole
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            cells = None
        if cells is not None and form.is_valid():
            services.availability_save(user=request.user, cells=cells, profile_form=form)
            messages.success(request, _("Your availability is saved."))
            return redirect("rostering:availability")
    kinds = {(d, h): k for d, h, k in WeeklyAvailability.objects.filter(user=request.user)
             .values_list("weekday", "hour", "kind")}
    platform = selectors.platform_hour_labels(timezone.get_current_timezone())
    grid = "".join({"available": "a", "unpreferred": "u"}.get(kinds.get((i // 24, i % 24)), ".") for i in range(168))
    exceptions = AvailabilityException.objects.filter(user=request.user, date__gte=timezone.localdate())
    return render(request, "rostering/availability.html", {
        "exception_form": AvailabilityExceptionForm(), "exceptions": exceptions,
        "form": form, "grid": request.POST.get("grid", grid) if request.method == "POST" else grid,
        "days": selectors.weekday_names(), "rows": list(zip(range(24), platform or [None] * 24, strict=True)),
        "platform_offsets": platform,
        "own_zone": str(timezone.get_current_timezone()), "platform_tz": settings.TIME_ZONE,
    })


@manage
def rules_page(request):
    from rostering.models import DemandLevel, DemandOverride, ExperienceMark, RosterSettings, ShiftTemplate

    rules = RosterSettings.current()
    posted = request.POST.get("form")
    settings_form = RosterSettingsForm(request.POST if posted == "rules" else None, instance=rules)
    # both forms have a channel and a start hour: their own ids, so that each label names its own field
    template_form = ShiftTemplateForm(request.POST if posted == "template" else None, auto_id="template-%s")
    override_form = DemandOverrideForm(request.POST if posted == "override" else None, auto_id="override-%s")
    experienced_form = TemplateExperiencedForm(request.POST if posted == "experienced" else None)
    mark_form = ExperienceMarkForm(request.POST if posted == "mark" else None)
    if request.method == "POST":
        action = posted
        try:
            if action == "rules" and settings_form.is_valid():
                services.roster_rules_update(form=settings_form, actor=request.user)
            elif action == "template" and template_form.is_valid():
                services.shift_template_add(form=template_form, actor=request.user)
            elif action == "toggle":
                services.shift_template_toggle(template_id=_posted_number(request, "template"), actor=request.user)
            elif action == "experienced" and experienced_form.is_valid():
                services.shift_template_set_experienced(template_id=experienced_form.cleaned_data["template"],
                                                        percent=experienced_form.cleaned_data["percent"],
                                                        actor=request.user)
            elif action == "mark" and mark_form.is_valid():
                person = get_user_model().objects.filter(email__iexact=mark_form.cleaned_data["email"]).first()
                if person is None:
                    raise RosterError(_("Nobody has that e-mail address."))
                services.experience_mark(user=person, actor=request.user)
            elif action == "unmark" and request.POST.get("user", "").isdigit():
                services.experience_unmark(user_id=_posted_number(request, "user"), actor=request.user)
            elif action == "override" and override_form.is_valid():
                data = override_form.cleaned_data
                services.demand_override_set(channel=data["channel"], day=data["date"], start_hour=data["start_hour"],
                                             end_hour=data["end_hour"], wanted=data["wanted"], actor=request.user)
            elif action == "curve":
                services.demand_reset_curve(peak=_posted_number(request, "peak"), actor=request.user)
            else:
                if action == "experienced":  # the row's own form is not shown again: say what was wrong
                    messages.error(request, _("The experienced share is 0 to 100 percent."))
                else:
                    messages.error(request, _("Please correct the errors below."))
                raise _Invalid
        except RosterError as error:
            messages.error(request, str(error))
        except _Invalid:
            pass
        except ShiftTemplate.DoesNotExist:
            messages.error(request, _("No such shift template."))
        else:
            messages.success(request, _("Saved."))
            return redirect("rostering:rules")
    levels = {(d.channel, d.weekday, d.hour): d.wanted for d in DemandLevel.objects.all()}
    curve = [{"hour": h, "cells": [(levels.get(("voice", d, h), "–"), levels.get(("text", d, h), "–"))
                                   for d in range(7)]} for h in range(24)]
    experienced, counselors = selectors.experienced_counselors()
    return render(request, "rostering/rules.html", {
        "settings_form": settings_form, "template_form": template_form, "override_form": override_form,
        "mark_form": mark_form, "templates": ShiftTemplate.objects.all(), "curve": curve,
        "days": selectors.weekday_names(),
        "overrides": DemandOverride.objects.filter(date__gte=timezone.localdate()).order_by("date", "channel", "hour")
        [:200], "rules": rules, "experienced": experienced, "counselors": counselors,
        "marks": ExperienceMark.objects.select_related("user").order_by("user__email")[:200],
        "marks_count": ExperienceMark.objects.count(), "platform_tz": settings.TIME_ZONE})


class _Invalid(Exception):
    pass


@permission_required("rostering.view_own_shifts")
@require_POST
def availability_exception(request):
    if request.POST.get("remove"):
        action = lambda: services.availability_exception_remove(  # noqa: E731
            user=request.user, exception_id=_posted_number(request, "remove"))
    else:
        form = AvailabilityExceptionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("rostering:availability")
        data = form.cleaned_data
        action = lambda: services.availability_exception_add(  # noqa: E731
            user=request.user, day=data["date"], start_hour=data["start_hour"], end_hour=data["end_hour"],
            kind=data["kind"])
    try:
        action()
    except RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your availability is saved."))
    return redirect("rostering:availability")


urlpatterns = [
    path("availability/dates/", availability_exception, name="availability_exception"),
    path("roster/rules/", rules_page, name="rules"),
    path("roster/", runs, name="runs"),
    path("roster/runs/<int:run_id>/", run_page, name="run"),
    path("roster/runs/<int:run_id>/progress.json", run_progress, name="run_progress"),
    path("roster/runs/<int:run_id>/stop/", run_stop, name="run_stop"),
    path("roster/runs/<int:run_id>/retry/", run_retry, name="run_retry"),
    path("roster/runs/<int:run_id>/publish/", run_publish, name="run_publish"),
    path("roster/runs/<int:run_id>/replan/", run_replan, name="run_replan"),
    path("roster/runs/<int:run_id>/assign/", assignment_add, name="assignment_add"),
    path("roster/runs/<int:run_id>/assignments/<int:assignment_id>/remove/", assignment_remove,
         name="assignment_remove"),
    path("roster/runs/<int:run_id>/export/<str:kind>", run_export, name="run_export"),
    path("roster/hours/", hours, name="hours"),
    path("roster/offers/<int:offer_id>/decide/", offer_decide, name="offer_decide"),
    path("shifts/", my_shifts, name="shifts"),
    path("shifts/<int:assignment_id>/offer/", offer_create, name="offer_create"),
    path("shifts/offers/<int:offer_id>/take/", offer_take, name="offer_take"),
    path("shifts/offers/<int:offer_id>/withdraw/", offer_withdraw, name="offer_withdraw"),
    path("availability/", availability, name="availability"),
]
