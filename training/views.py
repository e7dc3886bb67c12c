"""The training pages. Thin views: parse the request, check a named permission, call a selector or a
service, render. Every page runs a fixed number of queries, whatever the number of rows."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.validators import plain_text
from common.versioning import posted_version
from common.views import permission_required
from credentialing.spreadsheets import escaped_dataset
from training import reports, selectors, services
from training.enums import Area, Attendance, ReadinessState
from training.exceptions import TrainingError
from training.forms import (
    AssessmentForm,
    CancelForm,
    CurriculumForm,
    ImportForm,
    PaceForm,
    RemindForm,
    SeriesForm,
    SessionForm,
    parse_attendance,
)
from training.models import Curriculum, Session, Trainee

app_name = "training"
PAGE_SIZE = 50


def _timezone_name() -> str:
    return timezone.get_current_timezone_name()


# --- the entry page ------------------------------------------------------------------------------


@permission_required("training.open_training")
def home(request):
    if request.user.has_perm("training.view_programme"):
        return overview(request)
    return my_progress(request)


def my_progress(request):
    trainee = selectors.trainee_for_user(request.user)
    curriculum = trainee.curriculum if trainee else selectors.current_curriculum()
    if trainee:
        readiness = selectors.trainee_progress(trainee)
        enrolments = list(selectors.sessions_of_trainee(trainee))
        assessments = list(selectors.assessments_of(trainee))
    else:
        from training.readiness import evaluate

        readiness = evaluate(curriculum.requirements(), []) if curriculum else None
        enrolments, assessments = [], []
    enrolled_ids = {e.session_id for e in enrolments}
    now = timezone.now()
    upcoming = list(selectors.upcoming_sessions(now=now))
    return render(request, "training/my_progress.html", {
        "trainee": trainee, "curriculum": curriculum, "readiness": readiness, "assessments": assessments,
        "past": [e for e in enrolments if e.session.ends_at <= now][::-1],
        "upcoming": upcoming, "enrolled_ids": enrolled_ids, "timezone_name": _timezone_name(),
        "is_counselor": _is_counselor(request.user),
    })


def _is_counselor(user) -> bool:
    return user.has_perm("training.enrol")


def overview(request):
    report = reports.programme()
    upcoming = list(selectors.upcoming_sessions(days=3))
    return render(request, "training/overview.html", {
        "report": report, "upcoming": upcoming, "states": ReadinessState,
        "behind": report.totals[ReadinessState.STALLED],
        "teaches": {s.pk for s in upcoming if any(t.pk == request.user.pk for t in s.trainers.all())},
    })


# --- enrolment -------------------------------------------------------------------------------------


@permission_required("training.enrol")
@require_POST
def enrol(request, pk):
    get_object_or_404(Session, pk=pk)
    try:
        services.enrolment_add(session_id=pk, user=request.user, actor=request.user)
        messages.success(request, _("You are enrolled."))
    except TrainingError as error:
        messages.error(request, error.message)
    return redirect("training:home")


@login_required
@require_POST
def withdraw(request, pk):
    get_object_or_404(Session, pk=pk)
    try:
        services.enrolment_withdraw(session_id=pk, user=request.user, actor=request.user)
        messages.success(request, _("You are no longer enrolled."))
    except TrainingError as error:
        messages.error(request, error.message)
    return redirect("training:home")


# --- sessions --------------------------------------------------------------------------------------


@permission_required("training.view_programme")
def session_list(request):
    past = request.GET.get("when") == "past"
    now = timezone.now()
    sessions = (Session.objects.filter(ends_at__lte=now) if past else Session.objects.filter(ends_at__gt=now))
    sessions = sessions.order_by("-starts_at" if past else "starts_at").prefetch_related("trainers")
    sessions = sessions.annotate(enrolled=Count("enrolments"))
    if past:  # upcoming sessions show enrolled / capacity, as the page says
        sessions = sessions.annotate(attended=Count("enrolments", filter=Q(enrolments__minutes__gt=0)))
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {"page": page, "past": past,
                                                          "timezone_name": _timezone_name()})


@permission_required("training.manage_programme")
def series_new(request):
    form = SeriesForm(request.POST or None, supervisors=selectors.supervisors())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.SeriesPlan(first_day=data["first_day"], last_day=data["last_day"],
                                   days_of_week=tuple(data["days_of_week"]), areas=form.areas(), topic=data["topic"],
                                   trainers=tuple(data["trainers"]), capacity=data["capacity"],
                                   meeting_url=data["meeting_url"])
        try:
            sessions = services.sessions_create_series(actor=request.user, plan=plan)
        except TrainingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, ngettext("%(count)d session created.", "%(count)d sessions created.",
                                               len(sessions)) % {"count": len(sessions)})
            return redirect("training:sessions")
    return render(request, "training/series_form.html", {"form": form})


@permission_required("training.view_programme")
def session_detail(request, pk):
    session = get_object_or_404(Session.objects.prefetch_related("trainers"), pk=pk)
    can_manage = request.user.has_perm("training.manage_programme")
    form = SessionForm(instance=session, supervisors=selectors.supervisors()) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = SessionForm(request.POST, instance=Session.objects.get(pk=pk), supervisors=selectors.supervisors())
        if form.is_valid():
            try:
                services.session_update(session_id=pk, actor=request.user, data=form.cleaned_data,
                                        trainers=form.cleaned_data["trainers"],
                                        expected_version=form.cleaned_data["version"])
            except TrainingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The session was saved."))
                return redirect("training:session", pk=pk)
    return render(request, "training/session_detail.html", {
        "session": session, "form": form, "cancel_form": CancelForm() if can_manage else None,
        "enrolled": session.enrolments.count(), "timezone_name": _timezone_name(),
        "can_mark": request.user.has_perm("training.mark_attendance", session),
    })


@permission_required("training.manage_programme")
@require_POST
def session_cancel(request, pk):
    get_object_or_404(Session, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(session_id=pk, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The session is cancelled; the enrolled are being told by e-mail."))
        except TrainingError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Say why the session is cancelled; the enrolled will read it."))
    return redirect("training:session", pk=pk)


# --- attendance ------------------------------------------------------------------------------------


def _session_with_trainers(request, pk):
    return get_object_or_404(Session.objects.prefetch_related("trainers"), pk=pk)


@permission_required("training.mark_attendance", fn=_session_with_trainers)
def attendance(request, pk):
    session = request.permission_object
    enrolments = selectors.attendance_sheet(session)
    errors, import_result = {}, None
    import_form = ImportForm()
    if request.method == "POST" and "import" in request.POST:
        import_form = ImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                import_result = services.attendance_import(session_id=pk, actor=request.user, content=upload.read(),
                                                           filename=upload.name)
            except TrainingError as error:
                import_form.add_error("file", error.message)
            else:
                messages.success(request, _("%(matched)d participants matched, %(walk_ins)d of them not enrolled "
                                            "before; %(unmatched)d rows matched nobody.") % {
                    "matched": import_result.matched, "walk_ins": import_result.enrolled_walk_ins,
                    "unmatched": len(import_result.unmatched)})
                if not import_result.unmatched:
                    return redirect("training:attendance", pk=pk)
                session = Session.objects.prefetch_related("trainers").get(pk=pk)
                enrolments = selectors.attendance_sheet(session)
    elif request.method == "POST":
        marks, errors = parse_attendance(request.POST, enrolments, session.minutes)
        if not errors:
            try:
                changed = services.attendance_save(session_id=pk, actor=request.user, marks=marks,
                                                   expected_version=posted_version(request.POST))
            except TrainingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, ngettext("Attendance saved: %(count)d change.",
                                                   "Attendance saved: %(count)d changes.", changed)
                                 % {"count": changed})
                return redirect("training:attendance", pk=pk)
        else:
            messages.error(request, _("Nothing was saved: correct the marked rows."))
            for enrolment in enrolments:  # show what was posted, not what is stored
                enrolment.status = request.POST.get(f"status-{enrolment.pk}", enrolment.status)
                enrolment.posted_minutes = request.POST.get(f"minutes-{enrolment.pk}", "")
    counts = {value: 0 for value in Attendance.values}
    for enrolment in enrolments:
        enrolment.error = errors.get(enrolment.pk)
        counts[enrolment.status] = counts.get(enrolment.status, 0) + 1
    return render(request, "training/attendance.html", {
        "session": session, "enrolments": enrolments, "statuses": Attendance.choices[1:],
        "counts": [(label, counts[value]) for value, label in Attendance.choices],
        "import_form": import_form, "import_result": import_result, "timezone_name": _timezone_name(),
        "started": session.starts_at <= timezone.now(),
    })


# --- counselors ------------------------------------------------------------------------------------


@permission_required("training.view_programme")
def counselor_list(request):
    state = request.GET.get("state", "")
    query = plain_text(request.GET.get("q"), limit=100)
    trainees = Trainee.objects.all()
    if query:
        trainees = trainees.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    # the state needs only the stored pace facts; readiness per area is computed for the shown page only
    rows = selectors.trainees_with_state(trainees)
    if state in ReadinessState.values:
        rows = [row for row in rows if row[1] == state]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = selectors.progress_for([trainee for trainee, _state in page])
    page.object_list = [(trainee, progress[trainee.pk], row_state) for trainee, row_state in page]
    return render(request, "training/counselor_list.html", {
        "page": page, "state": state, "q": query, "states": ReadinessState.choices, "areas": Area.choices})


def _trainee(request, pk):
    return get_object_or_404(Trainee.objects.select_related("user", "curriculum"), pk=pk)


@permission_required("training.open_trainee_record", fn=_trainee)
def counselor_detail(request, pk):
    trainee = request.permission_object
    areas = [code for code in Area.values if request.user.has_perm("training.enter_assessment", code)]
    form = AssessmentForm(request.POST or None, areas=areas,
                          initial={"assessed_on": selectors.platform_today()})
    if request.method == "POST":
        if not areas:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.assessment_record(
                    trainee_id=trainee.pk, area=data["area"], score=data["score"], assessed_on=data["assessed_on"],
                    assessor=request.user, note=data["note"])
            except TrainingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, (_("Assessment recorded: passed.") if assessment.passed
                                           else _("Assessment recorded: not passed.")))
                return redirect("training:counselor", pk=pk)
    return render(request, "training/counselor_detail.html", {
        "trainee": trainee, "readiness": selectors.trainee_progress(trainee),
        "assessments": list(selectors.assessments_of(trainee)),
        "enrolments": list(selectors.sessions_of_trainee(trainee)), "form": form if areas else None,
        "timezone_name": _timezone_name(),
    })


@permission_required("training.manage_programme")
def behind(request):
    pace = PaceForm(request.GET or None)
    params = pace.cleaned_data if pace.is_valid() else {}
    idle_days = params.get("idle_days") or PaceForm.base_fields["idle_days"].initial
    missed = params.get("missed") or PaceForm.base_fields["missed"].initial
    rows = selectors.behind_schedule_list(idle_days=idle_days, max_missed=missed)
    form = RemindForm(request.POST or None, trainee_ids=[row.trainee.pk for row in rows])
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.trainees_remind(trainee_ids=form.cleaned_data["trainee_ids"], actor=request.user,
                                                 message=form.cleaned_data["message"])
            except TrainingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, ngettext("%(count)d counselor is being reminded by e-mail.",
                                                   "%(count)d counselors are being reminded by e-mail.", count)
                                 % {"count": count})
                return redirect(request.get_full_path())
        else:
            messages.error(request, _("Nobody was reminded: tick at least one counselor from the list."))
    return render(request, "training/behind.html", {"rows": rows, "pace": pace, "form": form})


# --- reports ---------------------------------------------------------------------------------------


@permission_required("training.view_programme")
def report(request):
    export = request.GET.get("export")
    if export in ("counselors.csv", "counselors.xlsx", "sessions.csv", "sessions.xlsx"):
        name, fmt = export.split(".")
        dataset = (reports.counselors_dataset(reports.programme(with_people=True)) if name == "counselors"
                   else reports.sessions_dataset())
        content = escaped_dataset(dataset).export(fmt)
        content_type = ("text/csv; charset=utf-8" if fmt == "csv"
                        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if fmt == "csv":
            content = "\ufeff" + content  # Excel opens UTF-8 Chinese text correctly with the BOM
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="training-{export}"'
        return response
    programme = reports.programme()
    sessions = list(selectors.session_report(start=timezone.now() - timedelta(days=14),
                                             end=timezone.now()))
    for session in sessions:
        session.rate = session.attended * 100 // session.enrolled if session.enrolled else 0
    return render(request, "training/report.html", {"report": programme, "sessions": sessions[::-1],
                                                    "states": ReadinessState})


# --- curriculum ------------------------------------------------------------------------------------


@permission_required("training.view_programme")
def curriculum(request):
    current = selectors.current_curriculum()
    can_manage = request.user.has_perm("training.manage_programme")
    form = CurriculumForm(request.POST or None, current=current) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = services.curriculum_new_version(actor=request.user, areas=form.area_settings(),
                                                          note=form.cleaned_data["note"])
            except TrainingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Version %(version)d is now the curriculum for counselors who start "
                                            "from today.") % {"version": version.version})
                return redirect("training:curriculum")
    versions = Curriculum.objects.prefetch_related("areas").select_related("created_by")
    versions = versions.annotate(trainees_count=Count("trainees"))
    return render(request, "training/curriculum.html", {"current": current, "versions": versions, "form": form})


urlpatterns = [
    path("", home, name="home"),
    path("sessions/", session_list, name="sessions"),
    path("sessions/new/", series_new, name="series_new"),
    path("sessions/<int:pk>/", session_detail, name="session"),
    path("sessions/<int:pk>/cancel/", session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/attendance/", attendance, name="attendance"),
    path("sessions/<int:pk>/enrol/", enrol, name="enrol"),
    path("sessions/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("counselors/", counselor_list, name="counselors"),
    path("counselors/<int:pk>/", counselor_detail, name="counselor"),
    path("behind/", behind, name="behind"),
    path("reports/", report, name="report"),
    path("curriculum/", curriculum, name="curriculum"),
]
