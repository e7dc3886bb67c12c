"""Who may reach each URL of the service: one row per URL name, checked by ``test_permission_matrix``.

A URL that appears (a new page, a new admin model) and is not classified here fails the test: whoever adds a
page decides who reaches it.

How a refusal looks:
- an anonymous visitor is sent to sign in (the admin's sign-in for the admin), except where the URL itself
  is the key (the calendar feed): a wrong key is plainly not found (404);
- a signed-in person without the right gets **403** where the page is a role's page (the vetting queue, the
  roster, the training programme): that the page exists is no secret;
- **404** where the URL names one person's record and the record's existence is itself private: evidence
  files and certificates (another's answers exactly like one that does not exist), the working profile of
  somebody who is no volunteer, another volunteer's shift or offer;
- "as missing": the applicant's own-records pages look a record up among the person's own only, so
  another's record answers exactly as one that is not there (the friendly message of a double click);
- people without Django's staff flag never get past the admin's door (sent to its sign-in, which refuses).
A GET of a page that only takes POST answers 405 to everyone: it shows nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from tests.security.world import ROLES

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
VOLUNTEERS = frozenset({"owner", "owner_supervisor", "counselor", "supervisor", "trainer"})
COUNSELORS = frozenset({"owner", "counselor"})
SUPERVISORS = frozenset({"owner_supervisor", "supervisor", "trainer"})
STAFF = frozenset({"vetting", "scheduler", "coordinator", "training", "monitoring"})
VETTING = frozenset({"vetting", "coordinator"})
ROSTERING = frozenset({"scheduler", "coordinator"})
TRAINING_MANAGERS = frozenset({"training", "coordinator"})
TRAINERS = frozenset({"owner_supervisor", "trainer"})  # supervisors who teach a session
COORDINATOR = frozenset({"coordinator"})
MONITORING = frozenset({"monitoring", "coordinator"})
NOBODY = frozenset()

MISSING = "as missing"


@dataclass(frozen=True)
class Rule:
    get: frozenset            # who may open it
    post: frozenset | None = None  # whose POST may change something (None: the same people; NOBODY: read only)
    refused: tuple = (403,)   # how a signed-in person without the right is answered
    anonymous: str = "login"  # "login", or "public" when the URL is the key
    own_only: bool = False    # people act on their own records only: the owners' records never change
    changes: bool = False     # the first POST-er's valid form does change something (proves the form valid)
    control: str = ""         # who sends that POST (default: the first in the POST set)
    none_yet: bool = False    # 404 to a rightful visitor means "you have none yet" (allauth's recovery codes)
    why: str = ""

    @property
    def posters(self) -> frozenset:
        return self.get if self.post is None else self.post


def public(why: str = "", **kwargs) -> Rule:
    return Rule(EVERYONE, anonymous="public", why=why, **kwargs)


def signed_in(why: str = "the person's own data; no record of anybody else is named in the URL", **kwargs) -> Rule:
    return Rule(SIGNED_IN, own_only=True, why=why, **kwargs)


def only(roles, *, why: str = "", **kwargs) -> Rule:
    return Rule(frozenset(roles), why=why, **kwargs)


ACCESS: dict[str, Rule] = {
    # --- sign-in, sign-up and the account (allauth) ---------------------------------------------------
    "set_language": public("the language cookie of the visitor"),
    "account_login": public(), "account_signup": public(), "account_reset_password": public(),
    "account_reset_password_done": public(), "account_reset_password_from_key": public("the key is checked"),
    "account_reset_password_from_key_done": public(), "account_confirm_email": public("the key is checked"),
    "account_email_verification_sent": public(), "account_inactive": public(),
    "account_confirm_login_code": public("a sign-in in progress, in the visitor's session"),
    "account_logout": public("ends the visitor's own session"),
    "mfa_authenticate": public("the second step of a sign-in in progress, in the visitor's session"),
    "socialaccount_login_cancelled": public(), "socialaccount_login_error": public(),
    "socialaccount_signup": public("a WeChat sign-up in progress, in the visitor's session"),
    "accounts/social/login/cancelled/": public("allauth's old address: a redirect"),
    "accounts/social/login/error/": public("allauth's old address: a redirect"),
    "accounts/social/signup/": public("allauth's old address: a redirect"),
    "accounts/social/connections/": public("allauth's old address: a redirect"),
    "account_reauthenticate": signed_in(), "account_email": signed_in(), "account_change_password": signed_in(),
    "account_set_password": signed_in(), "mfa_index": signed_in(), "mfa_reauthenticate": signed_in(),
    "mfa_activate_totp": signed_in(), "mfa_deactivate_totp": signed_in(none_yet=True),
    "mfa_view_recovery_codes": signed_in(none_yet=True), "mfa_generate_recovery_codes": signed_in(),
    "mfa_download_recovery_codes": signed_in(none_yet=True),
    "socialaccount_connections": signed_in(),
    # --- people -------------------------------------------------------------------------------------------
    "people:my_data": signed_in(), "people:profile_settings": signed_in(), "people:calendar": signed_in(),
    "people:calendar_renew": signed_in(),
    "people:working_profile": only(VOLUNTEERS, refused=(404,), own_only=True,
                                   why="a volunteer's own working profile; others are no volunteer"),
    "people:calendar_feed": public("the secret address is the key; a wrong or replaced one is not found"),
    # --- credentialing ------------------------------------------------------------------------------------
    "home": public("the landing page, or the signed-in person's own dashboard (the site's name for it)"),
    "health": public("the load balancer's check of the database and the queue: no personal data"),
    "credentialing:home": public("the landing page, or the signed-in person's own dashboard"),
    "credentialing:privacy": public(),
    "credentialing:application_start": signed_in(), "credentialing:application_edit": signed_in(),
    "credentialing:application_apply": signed_in(),
    "credentialing:evidence_add": signed_in(), "credentialing:application_submit": signed_in(),
    "credentialing:application_withdraw": signed_in(), "credentialing:application_history": signed_in(),
    "credentialing:evidence_remove": only({"owner_applicant"}, refused=(MISSING,),
                                          why="looked up among the person's own records only"),
    "credentialing:evidence_download": only({"owner_applicant"} | VETTING, refused=(404,),
                                            why="the owner and the vetting team; another's file is not found"),
    "credentialing:queue": only(VETTING), "credentialing:statistics": only(VETTING),
    "credentialing:queue_assign": only(VETTING, changes=True), "credentialing:review": only(VETTING),
    "credentialing:review_action": only(VETTING, changes=True), "credentialing:review_next": only(VETTING),
    "credentialing:verify_all": only(VETTING, changes=True),
    "credentialing:qualification_renew": only(VETTING, changes=True),
    "credentialing:evidence_preview": only(VETTING), "credentialing:evidence_check": only(VETTING, changes=True),
    # --- certificates -------------------------------------------------------------------------------------
    "certificates:mine": signed_in(), "certificates:download_own": signed_in(),
    "certificates:download": only({"owner"} | COORDINATOR, refused=(404,),
                                  why="the holder's own; another's answers like one that does not exist"),
    "certificates:verify": public("anyone checks a certificate by its code (rate-limited)"),
    "certificates:manage": only(COORDINATOR), "certificates:issue": only(COORDINATOR),
    "certificates:revoke": only(COORDINATOR, changes=True), "certificates:batch_new": only(COORDINATOR, changes=True),
    "certificates:batch": only(COORDINATOR), "certificates:batch_progress": only(COORDINATOR),
    "certificates:batch_download": only(COORDINATOR), "certificates:batch_retry": only(COORDINATOR),
    # --- training -----------------------------------------------------------------------------------------
    "training:home": only(COUNSELORS | TRAINERS | TRAINING_MANAGERS, post=NOBODY),
    "training:sessions": only(TRAINERS | TRAINING_MANAGERS, post=NOBODY),
    "training:series_new": only(TRAINING_MANAGERS, changes=True),
    "training:session": only(TRAINERS | TRAINING_MANAGERS, post=TRAINING_MANAGERS, changes=True),
    "training:session_cancel": only(TRAINING_MANAGERS, changes=True),
    "training:attendance": only({"owner_supervisor"} | TRAINING_MANAGERS, changes=True,
                                why="the session's own trainers and the team"),
    "training:enrol": only(COUNSELORS, own_only=True, control="counselor",
                           why="a counselor enrols themselves (in a session that has begun: refused, no change)"),
    "training:withdraw": signed_in("a person withdraws their own enrolment"),
    "training:counselors": only(TRAINERS | TRAINING_MANAGERS, post=NOBODY),
    "training:counselor": only({"owner"} | TRAINERS | TRAINING_MANAGERS, post=TRAINERS | TRAINING_MANAGERS,
                               changes=True, why="the counselor's own record, the trainers and the team; "
                                                 "trainers assess the areas they teach"),
    "training:behind": only(TRAINING_MANAGERS),
    "training:report": only(TRAINERS | TRAINING_MANAGERS, post=NOBODY),
    "training:curriculum": only(TRAINERS | TRAINING_MANAGERS, post=TRAINING_MANAGERS, changes=True),
    # --- rostering ----------------------------------------------------------------------------------------
    "rostering:shifts": only(VOLUNTEERS, post=NOBODY), "rostering:availability": only(VOLUNTEERS, own_only=True),
    "rostering:availability_exception": only(VOLUNTEERS, own_only=True,
                                             why="removes a date of the person's own list only"),
    "rostering:offer_create": only({"owner"}, refused=(403, 404), changes=True,
                                   why="one's own shift; another's is not found"),
    "rostering:offer_take": only(VOLUNTEERS, why="any volunteer on the roster may take an offered shift"),
    "rostering:offer_withdraw": only({"owner"}, refused=(403, 404), changes=True,
                                     why="one's own offer; another's is not found"),
    "rostering:runs": only(ROSTERING, changes=True), "rostering:run": only(ROSTERING, post=NOBODY),
    "rostering:run_progress": only(ROSTERING), "rostering:run_stop": only(ROSTERING),
    "rostering:run_retry": only(ROSTERING), "rostering:run_publish": only(ROSTERING, changes=True),
    "rostering:run_replan": only(ROSTERING), "rostering:assignment_add": only(ROSTERING),
    "rostering:assignment_remove": only(ROSTERING, changes=True), "rostering:run_export": only(ROSTERING),
    "rostering:hours": only(ROSTERING, changes=True), "rostering:offer_decide": only(ROSTERING, changes=True),
    "rostering:rules": only(ROSTERING, changes=True),
    # --- reports --------------------------------------------------------------------------------------------
    "reports:index": only(ROSTERING | MONITORING, post=NOBODY),
    "reports:daily": only(ROSTERING | MONITORING, post=NOBODY),
    "reports:daily_download": only(ROSTERING | MONITORING, post=NOBODY),
    "reports:monthly": only(ROSTERING | MONITORING, post=NOBODY),
    "reports:monthly_download": only(ROSTERING | MONITORING, post=NOBODY,
                                     why="the management team: coordinators, the monitoring team, schedulers"),
    # --- supervision --------------------------------------------------------------------------------------
    "supervision:feedback": only(VOLUNTEERS | MONITORING, post=SUPERVISORS | MONITORING, changes=True,
                                 why="each reads the feedback that concerns them; supervisors evaluate, the "
                                     "monitoring team imports"),
    "supervision:individual_list": only(VOLUNTEERS | COORDINATOR, changes=True),
    "supervision:individual": only({"owner", "owner_supervisor"} | COORDINATOR, changes=True,
                                   control="owner_supervisor",
                                   why="the counselor, their supervisor and the team lead only"),
    "supervision:on_duty": only(VOLUNTEERS | MONITORING | ROSTERING, post=NOBODY),
    "supervision:escalations": only(SUPERVISORS | MONITORING, post=NOBODY),
    "supervision:escalation_new": only(COUNSELORS, changes=True),
    "supervision:escalation": only({"owner", "owner_supervisor"} | MONITORING, post=NOBODY,
                                   why="who raised it, who claimed it or was told of it, the monitoring team; "
                                       "any supervisor while it waits for one"),
    "supervision:escalation_claim": only(SUPERVISORS, why="any supervisor claims an open escalation"),
    "supervision:escalation_close": only({"owner_supervisor"} | COORDINATOR, changes=True),
    "supervision:groups": only(VOLUNTEERS | MONITORING | ROSTERING, post=ROSTERING, changes=True),
    "supervision:groups_place": only(ROSTERING, changes=True),
    "supervision:session": only({"owner_supervisor"} | ROSTERING, changes=True,
                                why="the group's supervisor and the planners"),
    "supervision:handover": only(VOLUNTEERS | MONITORING | ROSTERING, post=VOLUNTEERS, changes=True,
                                 why="notes for the next shift: read by those on duty and the service team"),
}

# --- the admin --------------------------------------------------------------------------------------------
# Every model the admin shows, with who may do what there (the rules <app>.<action>_<model>). The admin's
# door (Django's staff flag) is open to every staff role in these tests, so the rules inside are what decide.
ADMIN_MODELS: dict[str, dict[str, frozenset]] = {
    "common.auditentry": {"view": COORDINATOR},
    "people.user": {"view": COORDINATOR, "change": COORDINATOR},
    "people.volunteer": {"view": COORDINATOR | {"scheduler", "training"}, "change": COORDINATOR},
    "account.emailaddress": {},
    "socialaccount.socialapp": {}, "socialaccount.socialtoken": {}, "socialaccount.socialaccount": {},
    "mfa.authenticator": {},
    "django_tasks_database.dbtaskresult": {},
    "credentialing.institution": {"view": COORDINATOR, "change": COORDINATOR, "add": COORDINATOR,
                                  "delete": COORDINATOR},
    "credentialing.qualificationkind": {"view": COORDINATOR, "change": COORDINATOR, "add": COORDINATOR,
                                        "delete": COORDINATOR},
    # (the set opened is the active one: never deleted, like one that applications used)
    "credentialing.criteriaset": {"view": COORDINATOR, "change": COORDINATOR, "add": COORDINATOR},
    "credentialing.application": {"view": COORDINATOR, "change": COORDINATOR, "import": COORDINATOR,
                                  "export": COORDINATOR},
    "credentialing.qualification": {"view": COORDINATOR, "change": COORDINATOR},
    "credentialing.ethicstraining": {"view": COORDINATOR, "change": COORDINATOR},
    "credentialing.specialtraining": {"view": COORDINATOR, "change": COORDINATOR},
    "credentialing.practicerecord": {"view": COORDINATOR, "change": COORDINATOR},
    "credentialing.retentionpolicy": {"view": COORDINATOR, "change": COORDINATOR},  # one row: none to add
    "credentialing.credentialnotice": {"view": COORDINATOR},
    "certificates.certificate": {"view": COORDINATOR},
    "certificates.certificatebatch": {"view": COORDINATOR},
    "training.curriculum": {"view": COORDINATOR},
    "training.session": {"view": COORDINATOR},
    "training.trainee": {"view": COORDINATOR},
    "training.enrolment": {"view": COORDINATOR},
    "training.assessment": {"view": COORDINATOR},
    "supervision.coordinatoroncall": {"view": COORDINATOR, "change": COORDINATOR, "add": COORDINATOR,
                                      "delete": COORDINATOR},
    "supervision.escalation": {"view": MONITORING},
    # the background machinery: read by the coordinators (mail they can send again from the list's action)
    "common.outgoingmail": {"view": COORDINATOR}, "common.periodicrun": {"view": COORDINATOR},
    "common.workerprocess": {"view": COORDINATOR}, "credentialing.applicationimport": {"view": COORDINATOR},
    "reports.dailyreportmailing": {"view": COORDINATOR},
}
ADMIN_STAFF = STAFF  # the people with Django's staff flag in these tests
ADMIN_PAGES = {
    "admin:index": "the admin's front page: each staff member sees the models their rules open",
    "admin:login": "the admin's sign-in: allauth's, with the second factor",
    "admin:logout": "ends the visitor's own session",
    "admin:password_change": "the staff member's own password", "admin:password_change_done": "",
    "admin:autocomplete": "asks the rules of the model it searches",
    "admin:jsi18n": "the admin's translations", "admin:view_on_site": "a redirect to the record's own page",
    "admin:app_list": "an app's models the staff member may see", "admin/(?P<url>.*)$": "not found, for staff",
}
