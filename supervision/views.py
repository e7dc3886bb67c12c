"""Supervision pages: the supervisor on duty, escalations, group supervision, handover.

Thin views: parse the request, check a named rule, call a selector or a service, render.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.validators import EARLIEST_MOMENT_DAY, LATEST_MOMENT_DAY, plain_text
from common.views import objectgetter, permission_required
from supervision import selectors, services
from supervision.enums import UNPLACED_REASONS, Attendance
from supervision.exceptions import SupervisionError
from supervision.forms import (
    CloseForm,
    EscalationForm,
    EvaluationForm,
    FeedbackImportForm,
    HandoverForm,
    IndividualAssignForm,
    IndividualOpenForm,
    IndividualRecordForm,
    IndividualScheduleForm,
    PlaceForm,
    SessionForm,
    SessionRecordForm,
)
from supervision.models import Escalation, GroupSession, IndividualSupervision

app_name = "supervision"
# Counselors who worked without supervision for longer than this are flagged on the planners' page.
UNSUPERVISED_DAYS = 7


@permission_required("supervision.view_on_duty")
def on_duty(request):
    page = selectors.on_duty_page(request.user, at=timezone.now())
    # a counselor who serves one channel has it chosen already: one field less in a crisis
    initial = {"channel": page.duties[0].channel} if len(page.duties) == 1 else {}
    return render(request, "supervision/on_duty.html", {"page": page, "form": EscalationForm(initial=initial),
                                                        "can_raise": request.user.has_perm(
                                                            "supervision.raise_escalation")})


@permission_required("supervision.raise_escalation")
def escalation_new(request):
    form = EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_raise(actor=request.user, **form.cleaned_data)
        except SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The supervisor on duty has been notified."))
            return redirect("supervision:escalation", escalation.pk)
    return render(request, "supervision/escalation_new.html", {"form": form})


@permission_required("supervision.handle_escalations")
def escalations(request):
    monitoring = request.user.has_perm("supervision.monitor_escalations")
    rows = selectors.escalation_list(request.user, monitoring=monitoring)
    return render(request, "supervision/escalations.html", {
        "rows": rows, "monitoring": monitoring, "figures": selectors.escalation_figures(rows),
        "notices": selectors.unread_notices(request.user)})


@permission_required("supervision.open_escalation", fn=objectgetter(Escalation, "pk"))
def escalation(request, pk: int):
    item = request.permission_object
    return render(request, "supervision/escalation.html", {"item": item, "close_form": CloseForm()})


@require_POST
@permission_required("supervision.claim_escalation")
def escalation_claim(request, pk: int):
    try:
        services.escalation_claim(escalation_id=get_object_or_404(Escalation, pk=pk).pk, actor=request.user)
    except SupervisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have claimed this escalation: call the counselor now."))
    return redirect("supervision:escalation", pk)


@require_POST
@permission_required("supervision.close_escalation", fn=objectgetter(Escalation, "pk"))
def escalation_close(request, pk: int):
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_close(escalation_id=pk, actor=request.user, **form.cleaned_data)
        except SupervisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The escalation is closed."))
            return redirect("supervision:escalation", pk)
    return render(request, "supervision/escalation.html", {"item": request.permission_object, "close_form": form},
                  status=400)


def _day(request) -> date:
    """The date asked for, or today: also for a date a day before or after which is off the calendar (year 1)."""
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()
    return day if EARLIEST_MOMENT_DAY <= day <= LATEST_MOMENT_DAY else timezone.localdate()


@permission_required("supervision.view_groups")
def groups(request):
    day = _day(request)
    planner = request.user.has_perm("supervision.plan_groups")
    context = {"day": day, "planner": planner, "previous": day - timedelta(days=1), "next": day + timedelta(days=1)}
    if planner:
        session_form = SessionForm(request.POST or None, prefix="session")
        if request.method == "POST" and session_form.is_valid():
            data = session_form.cleaned_data
            try:
                services.group_session_create(actor=request.user, supervisor=data["supervisor"],
                                              starts_at=data["starts_at"], minutes=data["minutes"],
                                              capacity=data["capacity"], meeting_link=data["meeting_link"])
            except SupervisionError as error:
                session_form.add_error(None, str(error))
            else:
                messages.success(request, _("The group session is planned."))
                return redirect(f"{request.path}?date={data['starts_at'].date()}")
        latest = selectors.latest_round(day)
        context.update(session_form=session_form, place_form=PlaceForm(), sessions=selectors.sessions_on(day),
                       round=latest, unplaced=_unplaced_rows(latest), unsupervised_days=UNSUPERVISED_DAYS,
                       unsupervised=selectors.unsupervised_counselors(days=UNSUPERVISED_DAYS, at=timezone.now()))
    else:
        since = timezone.localdate() - timedelta(days=1)
        context.update(mine=selectors.my_group_sessions(request.user, since=since),
                       leading=selectors.sessions_led_by(request.user, since=since))
    return render(request, "supervision/groups.html", context)


def _unplaced_rows(latest) -> list[dict]:
    if latest is None or not latest.unplaced:
        return []
    from people.models import User

    names = {u.pk: u for u in User.objects.filter(pk__in=[int(k) for k in latest.unplaced])}
    return [{"person": names.get(int(k)), "reason": UNPLACED_REASONS.get(v, v)} for k, v in latest.unplaced.items()]


@require_POST
@permission_required("supervision.plan_groups")
def groups_place(request):
    day = _day(request)
    form = PlaceForm(request.POST)
    if form.is_valid():
        try:
            services.groups_place_request(day=day, actor=request.user, days_back=form.cleaned_data["days_back"])
        except SupervisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The counselors are being placed; the result appears below."))
    return redirect(f"{reverse('supervision:groups')}?date={day}")


@permission_required("supervision.record_session", fn=objectgetter(GroupSession, "pk"))
def session(request, pk: int):
    item = request.permission_object
    form = SessionRecordForm(request.POST or None, initial={"note": item.note})
    placements = list(item.placements.select_related("counselor").order_by("counselor__full_name"))
    if request.method == "POST" and form.is_valid():
        attendance = {p.counselor_id: request.POST.get(f"attendance-{p.counselor_id}", p.attendance)
                      for p in placements}
        try:
            services.session_record(session_id=item.pk, actor=request.user, attendance=attendance,
                                    note=form.cleaned_data["note"])
        except SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance and note saved."))
            return redirect("supervision:session", item.pk)
    return render(request, "supervision/session.html", {"item": item, "form": form, "placements": placements,
                                                        "choices": Attendance.choices})


@permission_required("supervision.handover")
def handover(request):
    now = timezone.now()
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_write(actor=request.user, at=now, **form.cleaned_data)
        except SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your handover note is saved for the next shift."))
            return redirect("supervision:handover")
    query = plain_text(request.GET.get("q"), limit=100)
    shift = selectors.current_shift(request.user, at=now)
    previous = selectors.handover_notes(around=shift.shift.start) if shift and not query else []
    return render(request, "supervision/handover.html", {
        "form": form, "query": query, "shift": shift, "previous": previous,
        "notes": selectors.handover_notes(query=query), "can_write": request.user.has_perm(
            "supervision.write_handover")})


@permission_required("supervision.view_individual_list")
def individual_list(request):
    referring = request.user.has_perm("supervision.refer_individual")
    can_open = referring or request.user.has_perm("supervision.request_individual")
    form = IndividualOpenForm(request.POST or None, referring=referring) if can_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            item = services.individual_open(actor=request.user, reason=form.cleaned_data["reason"],
                                            counselor=form.cleaned_data.get("counselor"))
        except SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The request for individual supervision is recorded."))
            return redirect("supervision:individual", item.pk)
    return render(request, "supervision/individual_list.html", {
        "rows": selectors.individual_list(request.user), "form": form, "referring": referring})


_INDIVIDUAL_STEPS = {
    "assign": (IndividualAssignForm, lambda item, user, data: services.individual_assign(
        item_id=item.pk, actor=user, supervisor=data["supervisor"], expected_version=item.version)),
    "decline": (None, lambda item, user, data: services.individual_decline(item_id=item.pk, actor=user)),
    "schedule": (IndividualScheduleForm, lambda item, user, data: services.individual_schedule(
        item_id=item.pk, actor=user, at=data["at"])),
    "record": (IndividualRecordForm, lambda item, user, data: services.individual_record(
        item_id=item.pk, actor=user, notes=data["notes"])),
}


@permission_required("supervision.view_individual", fn=objectgetter(IndividualSupervision, "pk"))
def individual(request, pk: int):
    item = request.permission_object
    forms_ = {name: (form_class() if form_class else None) for name, (form_class, _step) in _INDIVIDUAL_STEPS.items()}
    if item.scheduled_at is not None:  # rescheduling starts from the time set (shown in the reader's own zone)
        forms_["schedule"] = IndividualScheduleForm(initial={"at": item.scheduled_at})
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in _INDIVIDUAL_STEPS:
            return redirect("supervision:individual", item.pk)
        form_class, run = _INDIVIDUAL_STEPS[step]
        form = form_class(request.POST) if form_class else None
        if form is None or form.is_valid():
            try:
                run(item, request.user, form.cleaned_data if form else {})
            except SupervisionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Saved."))
            return redirect("supervision:individual", item.pk)
        forms_[step] = form
    return render(request, "supervision/individual.html", {"item": item, "forms": forms_})


@permission_required("supervision.view_feedback")
def feedback(request):
    can_import = request.user.has_perm("supervision.import_feedback")
    posting_file = request.method == "POST" and "upload" in request.FILES
    form = (FeedbackImportForm(request.POST if posting_file else None, request.FILES if posting_file else None)
            if can_import else None)
    errors = []
    if posting_file and form is not None and form.is_valid():
        upload = form.cleaned_data["upload"]
        imported, errors = services.feedback_import(actor=request.user, content=upload.read(), file_name=upload.name)
        if not errors:
            messages.success(request, _("%(count)d feedback rows imported.") % {"count": imported})
            return redirect("supervision:feedback")
    can_evaluate = request.user.has_perm("supervision.evaluate_counseling")
    evaluation_form = EvaluationForm(request.POST or None, prefix="evaluation") if can_evaluate else None
    if request.method == "POST" and evaluation_form is not None and "evaluation-counselor" in request.POST:
        if evaluation_form.is_valid():
            try:
                services.evaluation_record(actor=request.user, **evaluation_form.cleaned_data)
            except SupervisionError as error:
                evaluation_form.add_error(None, str(error))
            else:
                messages.success(request, _("The evaluation is saved."))
                return redirect("supervision:feedback")
    monitoring = request.user.has_perm("supervision.monitor_escalations")
    summary = selectors.feedback_summary(request.user, monitoring=monitoring)
    return render(request, "supervision/feedback.html", {
        "form": form, "errors": errors, "summary": summary, "evaluation_form": evaluation_form,
        "evaluations": selectors.evaluations_for(request.user, monitoring=monitoring)},
        status=400 if errors else 200)


urlpatterns = [
    path("supervision/feedback/", feedback, name="feedback"),
    path("supervision/individual/", individual_list, name="individual_list"),
    path("supervision/individual/<int:pk>/", individual, name="individual"),
    path("supervision/on-duty/", on_duty, name="on_duty"),
    path("supervision/escalations/", escalations, name="escalations"),
    path("supervision/escalations/new/", escalation_new, name="escalation_new"),
    path("supervision/escalations/<int:pk>/", escalation, name="escalation"),
    path("supervision/escalations/<int:pk>/claim/", escalation_claim, name="escalation_claim"),
    path("supervision/escalations/<int:pk>/close/", escalation_close, name="escalation_close"),
    path("supervision/groups/", groups, name="groups"),
    path("supervision/groups/place/", groups_place, name="groups_place"),
    path("supervision/groups/<int:pk>/", session, name="session"),
    path("supervision/handover/", handover, name="handover"),
]
