"""Rostering pages: the scheduler's runs (generate, watch, adjust, publish, export) and everyone's shifts.

Thin views: parse the request, check a named permission, call a selector or a service, render.
"""
from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rostering import exports, selectors, services
from rostering.enums import RunState
from rostering.exceptions import RosterError
from rostering.forms import AssignForm, AvailabilityProfileForm, GenerateForm, parse_grid
from rostering.models import AvailabilityProfile, RosterRun, WeeklyAvailability

app_name = "rostering"


def permission_required(perm: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


manage = permission_required("rostering.manage_rosters")


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
    return render(request, "rostering/runs.html", {"form": form, "runs": selectors.recent_runs()})


def _run(run_id: int) -> RosterRun:
    run = get_object_or_404(RosterRun, pk=run_id)
    if services.run_is_dead(run):
        run = services.run_fail_if_dead(run_id=run.pk)
    return run


@manage
def run_page(request, run_id: int):
    run = _run(run_id)
    context = {"run": run, "assign_form": AssignForm()}
    if run.state != RunState.SOLVING:
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
    version = request.POST.get("version")
    return _act(request, run_id, lambda: services.run_publish(
        run_id=run_id, actor=request.user, version=int(version) if version and version.isdigit() else None),
        _("Published. Everyone on the roster is being told their shifts."))


@manage
@require_POST
def run_replan(request, run_id: int):
    run = get_object_or_404(RosterRun, pk=run_id)
    seconds = min(max(int(request.POST.get("seconds") or 60), 5), 3600) if (request.POST.get("seconds") or
                                                                            "60").isdigit() else 60
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
    moment = timezone.now()
    local = timezone.localtime(moment)
    shifts = selectors.my_shifts(request.user, moment=moment)
    hours = selectors.hours_in_month(request.user, year=local.year, month=local.month,
                                     zone=timezone.get_current_timezone())
    return render(request, "rostering/shifts.html", {"shifts": shifts, "hours_this_month": hours,
                                                     "month": local, "platform_tz": settings.TIME_ZONE})


@login_required
def availability(request):
    profile = AvailabilityProfile.objects.filter(user=request.user).first() or AvailabilityProfile(user=request.user)
    form = AvailabilityProfileForm(request.POST or None, instance=profile)
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
    return render(request, "rostering/availability.html", {
        "form": form, "grid": request.POST.get("grid", grid) if request.method == "POST" else grid,
        "days": selectors.weekday_names(), "rows": list(zip(range(24), platform or [None] * 24, strict=True)),
        "platform_offsets": platform,
        "own_zone": str(timezone.get_current_timezone()), "platform_tz": settings.TIME_ZONE,
    })


urlpatterns = [
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
    path("shifts/", my_shifts, name="shifts"),
    path("availability/", availability, name="availability"),
]
