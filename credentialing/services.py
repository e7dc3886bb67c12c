"""Writes. Every change to an application or its evidence goes through a function here.

``application_transition`` is the one place a state changes: it checks the
table of allowed transitions in ``enums.TRANSITIONS``, locks the row, records
the change in the audit trail and queues the e-mail once the transaction commits.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.audit import audit_entry, audit_log, audit_log_bulk
from common.jobs import enqueue_now
from common.models import AuditEntry
from common.versioning import is_stale, save_new_version
from credentialing import tasks
from credentialing.audit import CredentialingAction, transition_action
from credentialing.criteria import criteria_for_role, evaluate, list_in_words
from credentialing.enums import (
    ACTIONS_NEEDING_REASON,
    APPLICANT_ACTIONS,
    TRANSITIONS,
    ApplicationAction,
    ApplicationState,
    EvidenceCheck,
    Verdict,
)
from credentialing.exceptions import (
    BulkActionRefused,
    CredentialingError,
    EvidenceInvalid,
    StaleApplication,
    TransitionRefused,
    UploadRefused,
    UploadsRefused,
)
from credentialing.limits import (
    MAX_ETHICS_HOURS_TOTAL,
    MAX_NOTE_LENGTH,
    MAX_PRACTICE_HOURS_TOTAL,
    MAX_REASON_LENGTH,
)
from credentialing.models import (
    EVIDENCE_MODELS,
    REQUIRED_FOR_SUBMISSION,
    VERDICT_FIELDS,
    Application,
    CriteriaSet,
    EthicsTraining,
    Evidence,
    Institution,
    PracticeRecord,
    stored_verdict,
)
from credentialing.rules import is_vetting_staff
from credentialing.selectors import (
    EVIDENCE_PREFETCH,
    active_criteria_set,
    evaluate_application,
    facts_from_records,
    platform_today,
    thresholds_from,
)
from credentialing.uploads import inspect_upload, upload_label
from people.models import User, Volunteer
from people.services import WorkingProfile, volunteer_create

PROFILE_FIELDS = (
    "role", "full_name", "phone", "province", "city", "timezone", "languages", "serves_voice", "serves_text",
)


def application_audit_entry(application: Application, action: str, *, actor: User | None,
                            evidence: Evidence | None = None, **kwargs) -> AuditEntry:
    """An (unsaved) entry of the application's trail: the application is the target, its applicant the subject.

    Evidence events are kept in the application's trail too, naming the item in ``data``. The demo data and
    the import build their entries here as well, so their trails look like those the services write.
    """
    if evidence is not None:
        kwargs["data"] = {"evidence": {"kind": evidence.kind, "id": evidence.pk}, **kwargs.get("data", {})}
    return audit_entry(actor=actor, action=action, target=application, subject_id=application.applicant_id, **kwargs)


def _log(application: Application, action: str, *, actor: User | None, evidence: Evidence | None = None,
         **kwargs) -> AuditEntry:
    entry = application_audit_entry(application, action, actor=actor, evidence=evidence, **kwargs)
    entry.save()
    return entry


def _locked(application_id: int) -> Application:
    return Application.objects.select_for_update().get(pk=application_id)


def _guard_version(application: Application, expected_version: int | None) -> None:
    if is_stale(application, expected_version):
        raise StaleApplication(
            _("Somebody else changed this application since you opened it (it is now “%(state)s”). "
              "Nothing was saved; reload the page to see the change.") % {"state": application.get_state_display()}
        )


def _bump(application: Application, *fields: str) -> None:
    save_new_version(application, *fields)


# --- applicant side -------------------------------------------------------------------------


def application_start(*, applicant: User) -> Application:
    """Open a draft for the person, or return the live application they already have."""
    existing = Application.objects.filter(applicant=applicant, state__in=ApplicationState.live()).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                applicant=applicant, full_name=applicant.full_name, timezone=applicant.timezone
            )
            _log(application, CredentialingAction.APPLICATION_CREATED, actor=applicant, to_state=application.state)
    except IntegrityError:  # a double click created it already
        return Application.objects.get(applicant=applicant, state=ApplicationState.DRAFT)
    application_refresh_verdict(application)
    return application


def institution_for_name(name: str) -> Institution | None:
    name = " ".join(name.split())
    if not name:
        return None
    institution, _created = Institution.objects.get_or_create(name=name)
    return institution


@transaction.atomic
def application_update_profile(*, application_id: int, actor: User, data: dict, institution_name: str,
                               expected_version: int | None = None) -> Application:
    application = _locked(application_id)
    _guard_version(application, expected_version)
    if application.applicant_id != actor.pk or not application.is_editable_by_applicant:
        raise TransitionRefused(_("This application cannot be edited now."))
    changed = {}
    for name in PROFILE_FIELDS:
        if name in data and getattr(application, name) != data[name]:
            changed[name] = [str(getattr(application, name)), str(data[name])]
            setattr(application, name, data[name])
    institution = institution_for_name(institution_name)
    if institution != application.institution:
        changed["institution"] = [str(application.institution or ""), str(institution or "")]
        application.institution = institution
    if changed:
        _bump(application, *PROFILE_FIELDS, "institution")
        # personal data is not copied into the audit trail, only which fields changed
        _log(application, CredentialingAction.PROFILE_UPDATED, actor=actor, data={"fields": sorted(changed)})
        if "full_name" in changed and not actor.full_name:
            actor.full_name = application.full_name
            actor.save(update_fields=["full_name"])
    application_refresh_verdict(application)
    return application


# The kinds of evidence whose hours are summed into a stored total, and the largest total allowed.
HOURS_TOTAL_LIMITS: dict[type[Evidence], object] = {
    EthicsTraining: MAX_ETHICS_HOURS_TOTAL,
    PracticeRecord: MAX_PRACTICE_HOURS_TOTAL,
}


def _guard_hours_total(application: Application, evidence: Evidence, *, given=None) -> None:
    """Refuse a record that would push its kind's total over the limit (call under the application's lock).

    ``given`` is what the application already declares of that kind; looked up when not known (a new
    application declares nothing yet)."""
    limit = HOURS_TOTAL_LIMITS.get(type(evidence))
    if limit is None or evidence.hours is None:
        return
    if given is None:
        given = type(evidence).objects.filter(application=application).aggregate(total=Sum("hours"))["total"] or 0
    if given + evidence.hours > limit:
        raise ValidationError(
            _("With these %(hours)s hours your %(kind)s would add up to %(total)s hours; at most %(limit)s "
              "hours can be declared in all. Nothing was saved.")
            % {"hours": f"{evidence.hours:f}", "kind": evidence._meta.verbose_name_plural,
               "total": f"{given + evidence.hours:f}", "limit": f"{limit:f}"},
            code="total_over_limit",
        )


def evidence_add(*, application_id: int, actor: User, evidence: Evidence, upload=None) -> Evidence:
    """Attach one evidence record (and its file) to a draft. A refused file or record saves nothing at all."""
    content_type = inspect_upload(upload) if upload is not None else ""
    # The record's own checks need no lock: done before the transaction, its constraints are checked without a
    # savepoint each (inside one, every constraint costs three statements).
    evidence.application_id = application_id
    evidence.full_clean(exclude=["application", "file"])
    try:
        with transaction.atomic():
            application = _locked(application_id)
            if application.applicant_id != actor.pk or not application.is_editable_by_applicant:
                raise TransitionRefused(_("Evidence can only be added while the application is a draft "
                                          "or changes were requested."))
            evidence.application = application
            _guard_hours_total(application, evidence)
            if upload is not None:
                evidence.content_type = content_type
                evidence.original_name = upload_label(upload.name)
                evidence.size = upload.size
                evidence.file.save("upload", upload, save=False)
            evidence.save()
            _bump(application)
            _log(application, CredentialingAction.EVIDENCE_ADDED, actor=actor, evidence=evidence,
                 data={"file": evidence.original_name})
    except Exception:
        # the transaction rolled back; the stored file must not outlive it
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    application_refresh_verdict(application)
    return evidence


def application_submit_complete(*, applicant: User, data: dict, institution_name: str,
                                evidence: dict[str, tuple[Evidence, object]]) -> Application:
    """A whole application in one go: the profile and one evidence record with its file for each criterion of
    the role, submitted to the vetting team at once (the one-page form; the step-by-step editor keeps drafts).

    All or nothing: a refused file (``UploadsRefused`` names each), an invalid record, a missing criterion or a
    live application the person already has (a double click) saves nothing, and files stored are removed again.
    The trail reads as if the steps had been taken one by one: started, evidence added, submitted.
    """
    kinds = {kind for kind, model in EVIDENCE_MODELS.items() if model.criterion in criteria_for_role(data["role"])}
    if set(evidence) != kinds:
        raise TransitionRefused(_("Give one piece of evidence for each admission criterion of the role."))
    content_types, refused = {}, {}
    for kind, (_record, upload) in evidence.items():
        try:
            content_types[kind] = inspect_upload(upload)
        except UploadRefused as error:
            refused[kind] = error.message
    if refused:
        raise UploadsRefused(refused)
    now = timezone.now()
    criteria_set = active_criteria_set()
    application = Application(
        applicant=applicant, **{name: data[name] for name in PROFILE_FIELDS},
        state=ApplicationState.SUBMITTED, submitted_at=now, criteria_set=criteria_set,
    )
    records, broken = [], None
    try:
        with transaction.atomic():
            application.institution = institution_for_name(institution_name)
            _guard_action(application, ApplicationAction.SUBMIT, "")
            try:
                # a live application of theirs already there (a second click) breaks its unique constraint
                application.save()
            except IntegrityError:
                broken = "profile"
                raise
            for kind, (record, upload) in evidence.items():
                record.application = application
                # The model's own checks, in Python. Its constraints, and that the chosen kind of qualification
                # exists, are enforced by the database on insert: a breach rolls everything back and is told
                # below. (Asking first would cost a query, or a savepoint and a query, each.)
                record.clean_fields(exclude=["application", "file", *_RELATIONS_THE_INSERT_CHECKS])
                record.clean()
                _guard_hours_total(application, record, given=0)
                record.content_type = content_types[kind]
                record.original_name = upload_label(upload.name)
                record.size = upload.size
                record.file.save("upload", upload, save=False)
                records.append(record)
                try:
                    record.save()
                except IntegrityError:  # a constraint the form left to the insert, or a caller did not check
                    broken = kind
                    raise
            values = stored_verdict(evaluate(facts_from_records(application.role, records),
                                             thresholds_from(criteria_set), platform_today()))
            Application.objects.filter(pk=application.pk).update(**values)
            for name, value in values.items():
                setattr(application, name, value)
            entries = audit_log_bulk([
                application_audit_entry(application, CredentialingAction.APPLICATION_CREATED, actor=applicant,
                                        to_state=ApplicationState.DRAFT, created_at=now),
                *[application_audit_entry(application, CredentialingAction.EVIDENCE_ADDED, actor=applicant,
                                          evidence=record, data={"file": record.original_name}, created_at=now)
                  for record in records],
                application_audit_entry(application, transition_action(ApplicationAction.SUBMIT), actor=applicant,
                                        from_state=ApplicationState.DRAFT, to_state=ApplicationState.SUBMITTED,
                                        created_at=now),
            ])
            if not applicant.full_name:
                applicant.full_name = application.full_name
                applicant.save(update_fields=["full_name"])
            # queued in the transaction: the workers see the tasks when (and only if) it commits
            enqueue_now(tasks.send_application_update, entries[-1].pk)
            enqueue_now(tasks.make_previews, application.pk)
    except Exception as error:
        # the transaction rolled back; no stored file may outlive it
        for record in records:
            if record.file:
                record.file.delete(save=False)
        if isinstance(error, IntegrityError):
            raise _submission_refused(broken, applicant=applicant, evidence=evidence) from None
        raise
    return application


# Evidence's references the one-page submission leaves to the database (the form chose among existing rows).
_RELATIONS_THE_INSERT_CHECKS = ("qualification_kind",)


def _submission_refused(broken: str | None, *, applicant: User, evidence: dict) -> Exception:
    """What a whole application whose transaction a database constraint rolled back is told, asked now that the
    transaction is over. ``broken``: the profile, a kind of evidence, or None (a reference checked at the commit)."""
    if broken == "profile":
        if Application.objects.filter(applicant=applicant, state__in=ApplicationState.live()).exists():
            return TransitionRefused(_("You already have an application; it is on your page."))
        return ValidationError(_("The profile breaks a rule of its own; nothing was saved."), code="constraint")
    if broken is None:  # a choice removed while the page was filled in
        return ValidationError(_("A choice on the page was withdrawn while you filled it in; nothing was saved. "
                                 "Please check the page and send it again."), code="constraint")
    record = evidence[broken][0]
    try:  # its constraints' own messages (the one-page form leaves them to the insert)
        record.validate_constraints(exclude=["application", "file"])
    except ValidationError as error:
        return EvidenceInvalid(broken, error.messages)
    return EvidenceInvalid(broken, [_("The %(kind)s breaks a rule of its own (a number or date out of range); "
                                      "nothing was saved.") % {"kind": record._meta.verbose_name}])


def evidence_remove(*, evidence: Evidence, actor: User) -> None:
    with transaction.atomic():
        application = _locked(evidence.application_id)
        evidence = type(evidence).objects.get(pk=evidence.pk)
        if application.applicant_id != actor.pk or not application.is_editable_by_applicant:
            raise TransitionRefused(_("Evidence can only be removed while the application is a draft "
                                      "or changes were requested."))
        if evidence.check_state == EvidenceCheck.VERIFIED:
            raise TransitionRefused(_("Evidence a reviewer has verified cannot be removed."))
        stored = evidence.file.name if evidence.file else ""
        _log(application, CredentialingAction.EVIDENCE_REMOVED, actor=actor, evidence=evidence,
             data={"file": evidence.original_name})
        evidence.delete()
        _bump(application)
        if stored:
            storage = evidence.file.storage
            transaction.on_commit(lambda: storage.delete(stored))
    application_refresh_verdict(application)


def application_refresh_verdict(application: Application) -> Application:
    """Store the automatic verdict (used by the queue filters and the statistics)."""
    fresh = Application.objects.prefetch_related(*EVIDENCE_PREFETCH).select_related("criteria_set").get(
        pk=application.pk)
    values = stored_verdict(evaluate_application(fresh))
    Application.objects.filter(pk=application.pk).update(**values)
    for name, value in values.items():
        setattr(application, name, value)
    return application


# --- vetting side ---------------------------------------------------------------------------


def _guard_actor(application: Application, action: str, actor: User) -> None:
    if action in APPLICANT_ACTIONS:
        if application.applicant_id != actor.pk:
            raise TransitionRefused(_("Only the applicant can do this."))
        return
    if application.applicant_id == actor.pk:
        raise TransitionRefused(_("You cannot vet your own application."))
    if not actor.has_perm("credentialing.vet_application", application):
        raise TransitionRefused(_("Only the vetting team can do this."))


def _guard_action(application: Application, action: str, reason: str) -> None:
    if action in ACTIONS_NEEDING_REASON and not reason.strip():
        raise TransitionRefused(_("Please give the applicant a reason."))
    if len(reason.strip()) > MAX_REASON_LENGTH:
        raise TransitionRefused(_("The reason may be at most %(limit)d characters long; nothing was changed.")
                                % {"limit": MAX_REASON_LENGTH})
    if action in (ApplicationAction.SUBMIT, ApplicationAction.RESUBMIT):
        missing = [Application._meta.get_field(name).verbose_name for name in REQUIRED_FOR_SUBMISSION
                   if not getattr(application, name)]
        if missing:
            raise TransitionRefused(_("Please fill in: %(fields)s.") % {"fields": list_in_words(missing)})
        if not application.channels and application.role == "counselor":
            raise TransitionRefused(_("Choose at least one channel (voice or text)."))
    if action == ApplicationAction.APPROVE:
        application = Application.objects.prefetch_related(*EVIDENCE_PREFETCH).select_related("criteria_set").get(
            pk=application.pk)
        evaluation = evaluate_application(application, verified_only=True)
        if evaluation.verdict != Verdict.MET:
            reasons = "; ".join(reason for result in evaluation.failing() for reason in result.reasons)
            raise TransitionRefused(
                _("Approval needs every criterion met by verified evidence. Still open: %(reasons)s")
                % {"reasons": reasons}
            )


@transaction.atomic
def application_transition(*, application_id: int, action: str, actor: User, reason: str = "",
                           expected_version: int | None = None) -> Application:
    """Move an application along the workflow, or refuse with a message that says why."""
    if action not in TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    application = _locked(application_id)
    sources, target = TRANSITIONS[action]
    if application.state not in sources:
        if application.state == target:
            raise TransitionRefused(
                _("This application is already “%(state)s”; nothing was changed.")
                % {"state": application.get_state_display()})
        raise TransitionRefused(
            _("An application that is “%(state)s” cannot be given the action “%(action)s”.")
            % {"state": application.get_state_display(), "action": ApplicationAction(action).label})
    _guard_version(application, expected_version)
    _guard_actor(application, action, actor)
    _guard_action(application, action, reason)

    previous = application.state
    now = timezone.now()
    application.state = target
    fields = ["state"]
    if action == ApplicationAction.SUBMIT:
        application.submitted_at = now
        application.criteria_set = active_criteria_set()
        fields += ["submitted_at", "criteria_set"]
    if action == ApplicationAction.START_REVIEW and application.reviewer_id is None:
        application.reviewer = actor
        fields.append("reviewer")
    if action in ACTIONS_NEEDING_REASON or action in (ApplicationAction.APPROVE, ApplicationAction.RESUBMIT):
        application.decision_reason = reason.strip()
        fields.append("decision_reason")
    if target in (ApplicationState.APPROVED, ApplicationState.REJECTED):
        application.decided_at = now
        fields.append("decided_at")
    _bump(application, *fields)
    entry = _log(application, transition_action(action), actor=actor, from_state=previous, to_state=target,
                 reason=reason.strip())
    if target == ApplicationState.APPROVED:
        _make_volunteer(application, now, actor)
    if action != ApplicationAction.START_REVIEW:
        transaction.on_commit(lambda: tasks.send_application_update.enqueue(entry.pk))
    if action in (ApplicationAction.SUBMIT, ApplicationAction.RESUBMIT):
        transaction.on_commit(lambda: tasks.make_previews.enqueue(application.pk))
    application_refresh_verdict(application)
    return application


def working_profile_of(application: Application) -> WorkingProfile:
    """What the volunteer's working profile starts from: the application as it was approved."""
    return WorkingProfile(timezone=application.timezone, serves_voice=application.serves_voice,
                          serves_text=application.serves_text, languages=application.languages,
                          phone=application.phone)


def _make_volunteer(application: Application, now, actor: User) -> Volunteer:
    return volunteer_create(user=application.applicant, role=application.role, profile=working_profile_of(application),
                            actor=actor, since=now, data={"application": application.pk})


def _assign_refusal(application: Application | None, reviewer: User | None) -> str:
    """Why this application cannot be given to the reviewer, or "" when it can."""
    if application is None:
        return _("there is no such application")
    if application.state == ApplicationState.DRAFT:
        return _("it is still a draft")
    if application.state in ApplicationState.final():
        return _("it is already “%(state)s”") % {"state": application.get_state_display()}
    if reviewer is not None and application.applicant_id == reviewer.pk:
        return _("nobody reviews their own application")
    return ""


@transaction.atomic
def applications_assign(*, application_ids: Iterable[int], reviewer: User | None, actor: User) -> int:
    """Give applications to a reviewer; those waiting for review move into review. Returns how many changed.

    All or nothing: every application is checked first, under its lock; if any one cannot be assigned, nothing
    is changed and the refusal names each one and why.
    """
    if reviewer is not None and not is_vetting_staff(reviewer):
        raise CredentialingError(_("%(person)s is not on the vetting team.") % {"person": reviewer})
    if not actor.has_perm("credentialing.assign_reviewers"):
        raise CredentialingError(_("Only the vetting team can assign reviewers."))
    wanted = sorted(set(application_ids))
    locked = {application.pk: application
              for application in Application.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
    refused = [(pk, reason) for pk in wanted if (reason := _assign_refusal(locked.get(pk), reviewer))]
    if refused:
        raise BulkActionRefused(
            _("Nothing was assigned, because %(count)d of the %(total)d applications cannot be: %(list)s.")
            % {"count": len(refused), "total": len(wanted),
               "list": "; ".join(_("no. %(id)s: %(reason)s") % {"id": pk, "reason": reason}
                                 for pk, reason in refused)},
            refused_ids=[pk for pk, _reason in refused],
        )
    changed = 0
    for application_id in wanted:
        application = locked[application_id]
        if application.reviewer_id != (reviewer.pk if reviewer else None):
            previous_reviewer = str(application.reviewer or "")
            application.reviewer = reviewer
            _bump(application, "reviewer")
            _log(application, CredentialingAction.ASSIGNED, actor=actor,
                 data={"from": previous_reviewer, "to": str(reviewer or "")})
            changed += 1
        if reviewer is not None and application.state in ApplicationState.waiting_for_review():
            application_transition(application_id=application_id, action=ApplicationAction.START_REVIEW,
                                   actor=actor)
    return changed


@transaction.atomic
def evidence_check(*, evidence: Evidence, actor: User, check_state: str, note: str = "") -> Evidence:
    """A reviewer's verdict on one evidence item."""
    application = _locked(evidence.application_id)
    evidence = type(evidence).objects.get(pk=evidence.pk)  # as it is now, under the lock
    if application.state != ApplicationState.IN_REVIEW:
        raise TransitionRefused(_("Evidence can be checked only while the application is in review."))
    if application.applicant_id == actor.pk or not actor.has_perm("credentialing.vet_application", application):
        raise TransitionRefused(_("You may not vet this application."))
    if check_state not in EvidenceCheck.values:
        raise TransitionRefused(_("Unknown check."))
    if check_state == EvidenceCheck.NOT_ACCEPTABLE and not note.strip():
        raise TransitionRefused(_("Say why the evidence is not acceptable; the applicant will read it."))
    if len(note.strip()) > MAX_NOTE_LENGTH:
        raise TransitionRefused(_("The note may be at most %(limit)d characters long; nothing was changed.")
                                % {"limit": MAX_NOTE_LENGTH})
    previous = evidence.check_state
    evidence.check_state = check_state
    evidence.check_note = note.strip()
    evidence.checked_by = actor
    evidence.checked_at = timezone.now()
    evidence.save(update_fields=["check_state", "check_note", "checked_by", "checked_at"])
    _bump(application)
    _log(application, CredentialingAction.EVIDENCE_CHECKED, actor=actor, evidence=evidence, from_state=previous,
         to_state=check_state, reason=evidence.check_note)
    application_refresh_verdict(application)
    return evidence


@transaction.atomic
def evidence_verify_all(*, application_id: int, actor: User, expected_version: int | None = None) -> int:
    """Mark every evidence item of an application verified in one step; returns how many changed.

    All or nothing: refused (nothing changed) when the application is not in review, the form is stale, the
    actor may not vet it, or an item was judged not acceptable (that verdict is changed one item at a time,
    deliberately).
    """
    application = _locked(application_id)
    if application.state != ApplicationState.IN_REVIEW:
        raise TransitionRefused(_("Evidence can be checked only while the application is in review."))
    _guard_version(application, expected_version)
    if application.applicant_id == actor.pk or not actor.has_perm("credentialing.vet_application", application):
        raise TransitionRefused(_("You may not vet this application."))
    items = [item for model in EVIDENCE_MODELS.values()
             for item in model.objects.select_for_update().filter(application=application).order_by("pk")]
    refused = [item for item in items if item.check_state == EvidenceCheck.NOT_ACCEPTABLE]
    if refused:
        raise BulkActionRefused(
            ngettext("Nothing was verified, because %(count)d item is marked not acceptable: %(list)s. "
                     "Change it on its own first.",
                     "Nothing was verified, because %(count)d items are marked not acceptable: %(list)s. "
                     "Change them one at a time first.", len(refused))
            % {"count": len(refused), "list": "; ".join(map(str, refused))},
            refused_ids=[item.pk for item in refused],
        )
    now = timezone.now()
    changed = [item for item in items if item.check_state != EvidenceCheck.VERIFIED]
    entries = []
    for item in changed:
        entries.append(application_audit_entry(
            application, CredentialingAction.EVIDENCE_CHECKED, actor=actor, evidence=item,
            from_state=item.check_state, to_state=EvidenceCheck.VERIFIED, data={"all_at_once": True}))
        item.check_state, item.checked_by, item.checked_at = EvidenceCheck.VERIFIED, actor, now
        item.save(update_fields=["check_state", "checked_by", "checked_at"])
    if changed:
        _bump(application)
        audit_log_bulk(entries)
    application_refresh_verdict(application)
    return len(changed)


# --- management -------------------------------------------------------------------------------


@transaction.atomic
def application_correct(*, application: Application, fields, actor: User) -> Application:
    """A coordinator's correction in the administration: saves the changed fields, makes open forms stale and
    records which fields changed (not their values: personal data stay out of the trail)."""
    if not actor.has_perm("credentialing.change_application", application):
        raise CredentialingError(_("Only a coordinator can correct an application."))
    fields = sorted(fields)
    current = _locked(application.pk)
    application.version = current.version
    _bump(application, *fields)
    _log(application, CredentialingAction.EDITED_IN_ADMIN, actor=actor, data={"fields": fields})
    application_refresh_verdict(application)
    return application


def applications_refresh_verdicts(applications, thresholds) -> int:
    """Store the automatic verdict of many applications with a fixed number of queries (one load with the
    evidence prefetched, one bulk update), all judged by the same ``thresholds``."""
    loaded = list(applications.prefetch_related(*EVIDENCE_PREFETCH))
    for application in loaded:
        for name, value in stored_verdict(evaluate_application(application, thresholds=thresholds)).items():
            setattr(application, name, value)
    Application.objects.bulk_update(loaded, fields=list(VERDICT_FIELDS), batch_size=1000)
    return len(loaded)


@transaction.atomic
def criteria_set_activate(*, criteria_set: CriteriaSet, actor: User) -> CriteriaSet:
    """Make a criteria set the one new submissions are judged by; drafts are re-judged by it at once, in the
    same transaction (a submitted application keeps the set it was submitted under)."""
    if not actor.has_perm("credentialing.activate_criteria_set"):
        raise CredentialingError(_("Only a coordinator can change the admission criteria."))
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)  # as stored, locked
    CriteriaSet.objects.filter(is_active=True).exclude(pk=criteria_set.pk).update(is_active=False)
    criteria_set.is_active = True
    criteria_set.save(update_fields=["is_active"])
    audit_log(actor=actor, action=CredentialingAction.CRITERIA_ACTIVATED, target=criteria_set,
              data={"name": criteria_set.name})
    applications_refresh_verdicts(Application.objects.filter(criteria_set__isnull=True), thresholds_from(criteria_set))
    return criteria_set
