"""Every URL of the service, found by walking the URL resolver, each with the records of person A it names and
the form a rightful visitor would post to it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.security.access import (
    ACCESS,
    ADMIN_MODELS,
    ADMIN_STAFF,
    COORDINATOR,
    EVERYONE,
    NOBODY,
    Rule,
    only,
)

ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change", "import", "export", "process_import")
ADMIN_MODEL_NAME = re.compile(rf"^admin:(?P<label>[a-z_]+?)_(?P<model>[a-z]+)_(?P<view>{'|'.join(ADMIN_VIEWS)})$")
ADMIN_REDIRECT = re.compile(r"^admin/(?P<app>[a-z_]+)/(?P<model>[a-z]+)/<path:object_id>/$")
MISSING_ID = 987_654_321
# URL parts that are keys (the calendar address, a certificate's code): a made-up one finds nothing
SECRET_ARGS = {"token": "made-up-calendar-address-0123456789abcdef", "code": "MADEUPCODE0000000000"}


@dataclass(frozen=True)
class Url:
    key: str     # the URL name ("app:name"), or the route of an unnamed pattern
    name: str    # "" for an unnamed pattern
    route: str
    admin: bool

    def __str__(self) -> str:
        return self.key


def all_urls() -> list[Url]:
    """Every pattern of every app, admin and allauth included, in the resolver's order."""
    found = []

    def walk(resolver: URLResolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
                found.append(Url(key=name or route, name=name, route=route, admin=route.startswith("admin/")))

    walk(get_resolver(), "", "")
    return found


# --- who reaches each URL: the table, and the admin's rows derived from ADMIN_MODELS --------------------

def admin_model(url: Url):
    """(app_label.model, view) of an admin page of one model, or None."""
    match = ADMIN_MODEL_NAME.match(url.name) if url.name else None
    if match:
        return f"{match['label']}.{match['model']}", match["view"]
    match = ADMIN_REDIRECT.match(url.route)
    return (f"{match['app']}.{match['model']}", "redirect") if match else None


def rule_for(url: Url) -> Rule | None:
    if not url.admin:
        return ACCESS.get(url.key)
    page = ADMIN_PAGE_RULES.get(url.key)
    if page is not None:
        return page
    found = admin_model(url)
    if found is None or found[0] not in ADMIN_MODELS:
        return None
    label, view = found
    rights = ADMIN_MODELS[label]
    viewers = rights.get("view", NOBODY) | rights.get("change", NOBODY)
    return {
        "changelist": Rule(viewers, post=rights.get("delete", NOBODY)),  # the POST: delete the ticked rows
        "history": Rule(viewers, post=NOBODY),
        "change": Rule(viewers, post=rights.get("change", NOBODY)),
        "add": Rule(rights.get("add", NOBODY)),
        "delete": Rule(rights.get("delete", NOBODY)),
        "import": Rule(rights.get("import", NOBODY)),
        "process_import": Rule(rights.get("import", NOBODY)),
        "export": Rule(rights.get("export", NOBODY), post=NOBODY),
        "redirect": Rule(ADMIN_STAFF, post=NOBODY, why="a redirect to the change page, which asks the rules"),
    }[view]


ADMIN_PAGE_RULES: dict[str, Rule] = {
    "admin:index": only(ADMIN_STAFF, post=NOBODY, why="each staff member sees the models their rules open"),
    "admin:login": only(ADMIN_STAFF, post=NOBODY, why="allauth's sign-in, with the second factor"),
    "admin:logout": Rule(EVERYONE, anonymous="public",
                         why="ends the visitor's own session; others are sent to the admin's front page"),
    "admin:password_change": only(ADMIN_STAFF, own_only=True, why="the staff member's own password"),
    "admin:password_change_done": only(ADMIN_STAFF, post=NOBODY),
    "admin:autocomplete": only(COORDINATOR, post=NOBODY, why="asks the rules of the model it lists (people)"),
    "admin:jsi18n": only(ADMIN_STAFF, post=NOBODY),
    "admin:view_on_site": only(NOBODY, refused=(404,), why="no record has a page of its own to be sent to"),
    "admin:app_list": only(COORDINATOR, refused=(403, 404), post=NOBODY,
                           why="an app none of whose models the rules open is not found"),
    "admin/(?P<url>.*)$": only(NOBODY, refused=(404,), why="not found, for staff"),
}


# --- the records of person A that each URL names ------------------------------------------------------

def _first_pk(label: str, world) -> str:
    model = apps.get_model(label)
    pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None, f"the world has no {label} for the admin to open"
    return str(pk)


ARGS = {
    "account_confirm_email": lambda w: {"key": "not-a-real-key"},
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "set-password"},
    "people:calendar_feed": lambda w: {"token": w.calendar_token},
    "credentialing:evidence_add": lambda w: {"kind": "practicerecord"},
    "credentialing:evidence_remove": lambda w: {"kind": "practicerecord", "pk": w.objects["review_practice"].pk},
    "credentialing:evidence_download": lambda w: {"kind": "practicerecord", "pk": w.objects["review_practice"].pk},
    "credentialing:review": lambda w: {"pk": w.objects["review_application"].pk},
    "credentialing:review_action": lambda w: {"pk": w.objects["review_application"].pk},
    "credentialing:review_next": lambda w: {"pk": w.objects["review_application"].pk},
    "credentialing:verify_all": lambda w: {"pk": w.objects["review_application"].pk},
    "credentialing:qualification_renew": lambda w: {"pk": w.objects["owner_application"].pk,
                                                    "evidence_pk": w.objects["owner_qualification"].pk},
    "credentialing:evidence_preview": lambda w: {"pk": w.objects["review_application"].pk, "kind": "qualification",
                                                 "evidence_pk": w.objects["review_qualification"].pk, "page": 1},
    "credentialing:evidence_check": lambda w: {"pk": w.objects["review_application"].pk, "kind": "practicerecord",
                                               "evidence_pk": w.objects["review_practice"].pk},
    "certificates:download_own": lambda w: {"kind": "admission"},
    "certificates:download": lambda w: {"pk": w.objects["certificate"].pk},
    "certificates:verify": lambda w: {"code": w.certificate_code},
    "certificates:revoke": lambda w: {"pk": w.objects["certificate"].pk},
    "certificates:batch": lambda w: {"pk": w.objects["batch"].pk},
    "certificates:batch_progress": lambda w: {"pk": w.objects["batch"].pk},
    "certificates:batch_download": lambda w: {"pk": w.objects["batch"].pk},
    "certificates:batch_retry": lambda w: {"pk": w.objects["batch"].pk},
    "reports:daily": lambda w: {"day": "2026-03-02"},
    "reports:daily_download": lambda w: {"day": "2026-03-02", "fmt": "csv"},
    "reports:monthly": lambda w: {"first": "2026-03"},
    "reports:monthly_download": lambda w: {"first": "2026-03", "fmt": "csv"},
    "training:session": lambda w: {"pk": w.objects["training_session"].pk},
    "training:session_cancel": lambda w: {"pk": w.objects["training_session"].pk},
    "training:attendance": lambda w: {"pk": w.objects["training_session"].pk},
    "training:enrol": lambda w: {"pk": w.objects["training_session"].pk},
    "training:withdraw": lambda w: {"pk": w.objects["training_session"].pk},
    "training:counselor": lambda w: {"pk": w.objects["trainee"].pk},
    "rostering:run": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:run_progress": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:run_stop": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:run_retry": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:run_publish": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:run_replan": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:assignment_add": lambda w: {"run_id": w.objects["run"].pk},
    "rostering:assignment_remove": lambda w: {"run_id": w.objects["run"].pk,
                                              "assignment_id": w.objects["run_assignment"].pk},
    "rostering:run_export": lambda w: {"run_id": w.objects["run"].pk, "kind": "csv"},
    "rostering:offer_decide": lambda w: {"offer_id": w.objects["drop_offer"].pk},
    "rostering:offer_create": lambda w: {"assignment_id": w.objects["free_assignment"].pk},
    "rostering:offer_take": lambda w: {"offer_id": w.objects["offer"].pk},
    "rostering:offer_withdraw": lambda w: {"offer_id": w.objects["offer"].pk},
    "supervision:individual": lambda w: {"pk": w.objects["individual"].pk},
    "supervision:escalation": lambda w: {"pk": w.objects["escalation"].pk},
    "supervision:escalation_claim": lambda w: {"pk": w.objects["escalation"].pk},
    "supervision:escalation_close": lambda w: {"pk": w.objects["escalation"].pk},
    "supervision:session": lambda w: {"pk": w.objects["group_session"].pk},
    "admin:view_on_site": lambda w: {"content_type_id": "1", "object_id": "1"},
    "admin:app_list": lambda w: {"app_label": "credentialing"},
    "admin/(?P<url>.*)$": lambda w: {},
}
QUERIES = {
    "admin:autocomplete": "?app_label=supervision&model_name=coordinatoroncall&field_name=user&term=own",
}


def path_of(url: Url, world, *, missing: bool = False) -> str:
    """The URL's address for person A's records (``missing``: with every number a record that does not exist)."""
    found = admin_model(url) if url.admin else None
    if found is not None:
        label, view = found
        object_id = str(MISSING_ID) if missing else _first_pk(label, world)
        if view == "redirect":
            app, model = label.split(".")
            return f"/admin/{app}/{model}/{object_id}/"
        kwargs = {"object_id": object_id} if view in ("history", "delete", "change") else {}
        return reverse(url.name, kwargs=kwargs)
    if url.key == "admin/(?P<url>.*)$":
        return "/admin/nowhere/"
    if not url.name:  # allauth's old addresses
        return "/" + url.route
    kwargs = ARGS.get(url.key, lambda w: {})(world)
    if missing:
        kwargs = {name: (MISSING_ID if isinstance(value, int) else SECRET_ARGS.get(name, value))
                  for name, value in kwargs.items()}
    return reverse(url.name, kwargs=kwargs) + QUERIES.get(url.key, "")


def names_a_record(url: Url, world) -> bool:
    if url.admin:
        found = admin_model(url)
        return found is not None and found[1] in ("history", "delete", "change", "redirect")
    kwargs = ARGS.get(url.key, lambda w: {})(world)
    return any(isinstance(value, int) for value in kwargs.values()) or bool(SECRET_ARGS.keys() & kwargs.keys())


# --- what a rightful visitor posts ------------------------------------------------------------------

def _soon(days: int = 40, hour: int = 9) -> str:
    moment = timezone.localtime() + timezone.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def _day(days: int = 0) -> str:
    return (timezone.localdate() + timezone.timedelta(days=days)).isoformat()


PAYLOADS = {
    "set_language": lambda w: {"language": "en", "next": "/"},
    "credentialing:queue_assign": lambda w: {"application_ids": [w.objects["review_application"].pk],
                                             "reviewer": "me"},
    "credentialing:review_action": lambda w: {"action": "request_changes", "reason": "Please add your log.",
                                              "version": w.objects["review_application"].version},
    "credentialing:verify_all": lambda w: {"version": w.objects["review_application"].version},
    "credentialing:qualification_renew": lambda w: {"expires_on": _day(800)},
    "credentialing:evidence_check": lambda w: {"check_state": "verified", "note": "Seen the original."},
    "certificates:issue": lambda w: {"email": w.people["counselor"].email, "kind": "admission", "language": ""},
    "certificates:revoke": lambda w: {"reason": "Issued by mistake."},
    "certificates:batch_new": lambda w: {"kind": "admission", "output_format": "pdf", "only_missing": ""},
    "certificates:download_own": lambda w: {"language": "en"},
    "training:series_new": lambda w: {
        "first_day": _day(20), "last_day": _day(22), "days_of_week": ["0", "1", "2", "3", "4", "5", "6"],
        "area": "rotate", "topic": "", "trainers": [w.people["trainer"].pk], "capacity": "100", "meeting_url": ""},
    "training:session": lambda w: {
        "area": "crisis", "topic": "Crisis plan, again", "starts_at": timezone.localtime(
            w.objects["training_session"].starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(w.objects["training_session"].ends_at).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "300", "meeting_url": "", "trainers": [w.people["owner_supervisor"].pk],
        "version": w.objects["training_session"].version},
    "training:session_cancel": lambda w: {"reason": "The trainer is ill."},
    "training:attendance": lambda w: {f"status-{w.objects['enrolment'].pk}": "present",
                                      f"minutes-{w.objects['enrolment'].pk}": "120",
                                      "version": w.objects["training_session"].version},
    "training:counselor": lambda w: {"area": "crisis", "score": "90", "assessed_on": _day(),
                                     "note": "Well done."},
    "training:behind": lambda w: {"trainee_ids": [w.objects["trainee"].pk], "message": "Come back soon."},
    "training:curriculum": lambda w: {
        "note": "More crisis hours", **{f"{code}_hours": "9" for code in
                                        ("skills", "ethics", "processes", "crisis", "platform")},
        **{f"{code}_pass_mark": "70" for code in ("skills", "ethics", "processes", "crisis", "platform")}},
    "rostering:availability": lambda w: {"grid": "a" * 168, "serves_voice": "on", "serves_text": "on",
                                         "max_hours_per_week": "20", "target_hours_per_week": "10",
                                         "reminder_hours_before": "12"},
    "rostering:availability_exception": lambda w: {"remove": str(w.objects["availability_exception"].pk)},
    "rostering:offer_create": lambda w: {"kind": "handover", "note": "Family matters."},
    "rostering:runs": lambda w: {"start": _day(60), "days": "1", "seconds": "5"},
    "rostering:run_publish": lambda w: {"version": w.objects["run"].version},
    "rostering:run_replan": lambda w: {"seconds": "5"},
    "rostering:assignment_add": lambda w: {"shift": w.objects["run_shift"].pk, "email": w.people["counselor"].email},
    "rostering:hours": lambda w: {"email": w.people["owner"].email, "hours": "2", "reason": "Stayed late."},
    "rostering:offer_decide": lambda w: {"decision": "refuse"},
    "rostering:rules": lambda w: {"form": "curve", "peak": "7"},
    "supervision:feedback": lambda w: {
        "evaluation-counselor": w.people["owner"].pk, "evaluation-session_date": _day(-1), "evaluation-rapport": "4",
        "evaluation-assessment": "4", "evaluation-intervention": "4", "evaluation-ethics": "4",
        "evaluation-strengths": "Calm.", "evaluation-to_improve": ""},
    "supervision:individual_list": lambda w: {"reason": "A hard call last night", "counselor": w.people["owner"].pk},
    "supervision:individual": lambda w: {"step": "record", "notes": "We talked it through."},
    "supervision:escalation_new": lambda w: {"channel": "voice", "risk": "Talks of ending their life",
                                             "conversation_ref": "C-42"},
    "supervision:escalation_close": lambda w: {"action_taken": "Called the emergency line with the counselor."},
    "supervision:groups": lambda w: {"session-supervisor": w.people["supervisor"].pk,
                                     "session-starts_at": _soon(3, 19), "session-minutes": "60",
                                     "session-capacity": "10", "session-meeting_link": "https://meet.example.org/x"},
    "supervision:groups_place": lambda w: {"days_back": "3"},
    "supervision:session": lambda w: {"note": "Talked about boundaries.",
                                      f"attendance-{w.people['owner'].pk}": "present"},
    "supervision:handover": lambda w: {"happened": "A quiet night.", "watch": ""},
}


def payload_for(url: Url, world) -> dict:
    if url.admin:
        found = admin_model(url)
        if found is not None and found[1] == "changelist":
            return {"action": "delete_selected", "_selected_action": [_first_pk(found[0], world)], "post": "yes"}
        if found is not None and found[1] == "delete":
            return {"post": "yes"}
        return {}
    return PAYLOADS.get(url.key, lambda w: {})(world)

