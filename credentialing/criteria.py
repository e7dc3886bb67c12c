"""The four admission criteria, as pure functions over plain data.

Every screen that judges an application — the applicant's live checklist, the
vetting screen, the import and the statistics — calls ``evaluate``; nothing
else decides whether a criterion is met. No database access happens here:
``credentialing.selectors.facts_for_application`` turns records into facts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from credentialing.enums import Criterion, EvidenceCheck, RoleApplied, SpecialTopic, Verdict

DEFAULT_MIN_ETHICS_HOURS = Decimal("16")
DEFAULT_MIN_PRACTICE_HOURS = Decimal("500")
ALL_TOPICS = frozenset(str(t) for t in SpecialTopic.values)


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_ethics_hours: Decimal = DEFAULT_MIN_ETHICS_HOURS
    min_practice_hours: Decimal = DEFAULT_MIN_PRACTICE_HOURS
    required_topics: frozenset[str] = ALL_TOPICS


@dataclass(frozen=True, slots=True)
class QualificationFact:
    kind_name: str
    qualifies_for_role: bool
    recognised_automatically: bool
    expires_on: date | None = None
    check: str = EvidenceCheck.PENDING
    has_file: bool = True


@dataclass(frozen=True, slots=True)
class EthicsFact:
    hours: Decimal
    approved_by_registry: bool
    check: str = EvidenceCheck.PENDING
    has_file: bool = True


@dataclass(frozen=True, slots=True)
class SpecialTrainingFact:
    topics: frozenset[str]
    check: str = EvidenceCheck.PENDING
    has_file: bool = True


@dataclass(frozen=True, slots=True)
class PracticeFact:
    hours: Decimal
    check: str = EvidenceCheck.PENDING
    has_file: bool = True


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    role: str
    qualifications: tuple[QualificationFact, ...] = ()
    ethics: tuple[EthicsFact, ...] = ()
    special_trainings: tuple[SpecialTrainingFact, ...] = ()
    practice: tuple[PracticeFact, ...] = ()


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion: str
    verdict: str
    reasons: tuple[str, ...]
    hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    results: tuple[CriterionResult, ...]
    verdict: str = field(init=False)

    def __post_init__(self):
        verdicts = {r.verdict for r in self.results}
        overall = (
            Verdict.NOT_MET if Verdict.NOT_MET in verdicts
            else Verdict.NEEDS_REVIEW if Verdict.NEEDS_REVIEW in verdicts
            else Verdict.MET
        )
        object.__setattr__(self, "verdict", str(overall))

    def result(self, criterion: str) -> CriterionResult | None:
        return next((r for r in self.results if r.criterion == criterion), None)

    def failing(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.verdict != Verdict.MET)


def criteria_for_role(role: str) -> tuple[str, ...]:
    """Supervisors are admitted on their registration as supervisor alone."""
    if role == RoleApplied.SUPERVISOR:
        return (Criterion.QUALIFICATION,)
    return (Criterion.QUALIFICATION, Criterion.ETHICS, Criterion.SPECIAL_TRAINING, Criterion.PRACTICE)


def _counts(check: str, verified_only: bool) -> bool:
    if check == EvidenceCheck.NOT_ACCEPTABLE:
        return False
    return check == EvidenceCheck.VERIFIED if verified_only else True


def list_in_words(names) -> str:
    """Names joined the way the active language lists them ("a, b, c" / "甲、乙、丙")."""
    # Translators: the separator between the items of a list.
    return _(", ").join(str(name) for name in names)


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _is_firm(item) -> bool:
    # An item with no file (an imported record, say) counts for sure only once a reviewer has verified it.
    return item.has_file or item.check == EvidenceCheck.VERIFIED


def check_qualification(facts: ApplicationFacts, today: date, *, verified_only: bool = False) -> CriterionResult:
    role_name = _("supervisor") if facts.role == RoleApplied.SUPERVISOR else _("counselor")
    usable = [q for q in facts.qualifications if _counts(q.check, verified_only)]
    current = [q for q in usable if q.expires_on is None or q.expires_on >= today]
    for_role = [q for q in current if q.qualifies_for_role]
    automatic = [q for q in for_role if q.recognised_automatically and _is_firm(q)]
    if automatic:
        return CriterionResult(Criterion.QUALIFICATION, Verdict.MET,
                               (_("%(kind)s qualifies for the %(role)s role.") % {"kind": automatic[0].kind_name,
                                                                                    "role": role_name},))
    accepted = [q for q in for_role if q.check == EvidenceCheck.VERIFIED]
    if accepted:
        return CriterionResult(Criterion.QUALIFICATION, Verdict.MET,
                               (_("%(kind)s was accepted by a reviewer.") % {"kind": accepted[0].kind_name},))
    if for_role:
        q = for_role[0]
        reason = (
            _("%(kind)s has no evidence file; a reviewer must confirm it another way.")
            if q.recognised_automatically
            else _("%(kind)s is not recognised automatically; a reviewer must judge it.")
        )
        return CriterionResult(Criterion.QUALIFICATION, Verdict.NEEDS_REVIEW, (reason % {"kind": q.kind_name},))
    reasons = []
    for q in usable:
        if q.expires_on is not None and q.expires_on < today:
            reasons.append(_("%(kind)s expired on %(date)s.") % {"kind": q.kind_name,
                                                                 "date": q.expires_on.isoformat()})
    for q in current:
        reasons.append(_("%(kind)s does not qualify for the %(role)s role.") % {"kind": q.kind_name,
                                                                                "role": role_name})
    if not reasons:
        if verified_only and any(q.check != EvidenceCheck.NOT_ACCEPTABLE for q in facts.qualifications):
            reasons.append(_("No qualification has been verified yet."))
        elif any(q.check == EvidenceCheck.NOT_ACCEPTABLE for q in facts.qualifications):
            reasons.append(_("Every qualification given was found not acceptable."))
        else:
            reasons.append(_("No professional qualification has been given."))
    if facts.role == RoleApplied.SUPERVISOR:
        reasons.append(_("Supervisors need a registration as supervisor."))
    return CriterionResult(Criterion.QUALIFICATION, Verdict.NOT_MET, tuple(reasons))


def _threshold_verdict(firm_enough: bool, all_enough: bool) -> str:
    """Met on firm evidence; needs review when only items without a file make it up; else not met."""
    if firm_enough:
        return Verdict.MET
    return Verdict.NEEDS_REVIEW if all_enough else Verdict.NOT_MET


def check_ethics(facts: ApplicationFacts, thresholds: Thresholds, *, verified_only: bool = False) -> CriterionResult:
    usable = [e for e in facts.ethics if _counts(e.check, verified_only)]
    approved = sum((e.hours for e in usable if e.approved_by_registry), Decimal(0))
    firm = sum((e.hours for e in usable if e.approved_by_registry and _is_firm(e)), Decimal(0))
    other = sum((e.hours for e in usable if not e.approved_by_registry), Decimal(0))
    needed = thresholds.min_ethics_hours
    params = {"hours": _hours(approved), "needed": _hours(needed), "other": _hours(other)}
    verdict = _threshold_verdict(firm >= needed, approved >= needed)
    if verdict == Verdict.MET:
        reasons = [_("%(hours)s approved hours of ethics training (at least %(needed)s).") % params]
    elif verdict == Verdict.NEEDS_REVIEW:
        reasons = [_("Some approved ethics hours have no evidence file; a reviewer must confirm them.")]
    else:
        reasons = [_("%(hours)s approved hours of ethics training; at least %(needed)s are required.") % params]
        if other:
            reasons.append(_("%(other)s more hours were not approved by the registration system and do not count.")
                           % params)
    return CriterionResult(Criterion.ETHICS, verdict, tuple(reasons), approved)


TOPIC_NAMES = {
    SpecialTopic.TRAUMA: SpecialTopic.TRAUMA.label,
    SpecialTopic.FIRST_AID: SpecialTopic.FIRST_AID.label,
    SpecialTopic.CRISIS: SpecialTopic.CRISIS.label,
}


def _topics(items) -> frozenset[str]:
    return frozenset().union(*(item.topics for item in items)) if items else frozenset()


def check_special_training(facts: ApplicationFacts, thresholds: Thresholds, *,
                           verified_only: bool = False) -> CriterionResult:
    usable = [s for s in facts.special_trainings if _counts(s.check, verified_only)]
    required = thresholds.required_topics
    missing = [t for t in SpecialTopic.values if t in required and t not in _topics(usable)]
    firm_missing = [t for t in SpecialTopic.values if t in required and t not in _topics(
        [s for s in usable if _is_firm(s)])]
    verdict = _threshold_verdict(not firm_missing, not missing)
    if verdict == Verdict.MET:
        reason = _("Training in every required topic is recorded.")
    elif verdict == Verdict.NEEDS_REVIEW:
        reason = _("Some training records have no evidence file; a reviewer must confirm them.")
    else:
        reason = _("Missing training in: %(topics)s.") % {"topics": list_in_words(TOPIC_NAMES[t] for t in missing)}
    return CriterionResult(Criterion.SPECIAL_TRAINING, verdict, (reason,))


def check_practice(facts: ApplicationFacts, thresholds: Thresholds, *, verified_only: bool = False) -> CriterionResult:
    usable = [p for p in facts.practice if _counts(p.check, verified_only)]
    hours = sum((p.hours for p in usable), Decimal(0))
    firm = sum((p.hours for p in usable if _is_firm(p)), Decimal(0))
    params = {"hours": _hours(hours), "needed": _hours(thresholds.min_practice_hours)}
    verdict = _threshold_verdict(firm >= thresholds.min_practice_hours, hours >= thresholds.min_practice_hours)
    if verdict == Verdict.MET:
        reason = _("%(hours)s hours of individual counseling (at least %(needed)s).") % params
    elif verdict == Verdict.NEEDS_REVIEW:
        reason = _("Some counseling hours have no evidence file; a reviewer must confirm them.")
    else:
        reason = _("%(hours)s hours of individual counseling; at least %(needed)s are required.") % params
    return CriterionResult(Criterion.PRACTICE, verdict, (reason,), hours)


def evaluate(facts: ApplicationFacts, thresholds: Thresholds, today: date, *,
             verified_only: bool = False) -> Evaluation:
    """Judge every criterion that applies to the role.

    ``verified_only=False`` is the automatic verdict on what the applicant declared
    (items found not acceptable never count). ``verified_only=True`` counts only
    evidence a reviewer verified: approval needs that verdict to be met.
    """
    checks = {
        Criterion.QUALIFICATION: lambda: check_qualification(facts, today, verified_only=verified_only),
        Criterion.ETHICS: lambda: check_ethics(facts, thresholds, verified_only=verified_only),
        Criterion.SPECIAL_TRAINING: lambda: check_special_training(facts, thresholds, verified_only=verified_only),
        Criterion.PRACTICE: lambda: check_practice(facts, thresholds, verified_only=verified_only),
    }
    return Evaluation(tuple(checks[c]() for c in criteria_for_role(facts.role)))
