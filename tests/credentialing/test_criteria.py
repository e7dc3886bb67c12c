"""The admission criteria as pure functions: facts are built by hand, no database."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from credentialing.criteria import (
    ApplicationFacts,
    EthicsFact,
    PracticeFact,
    QualificationFact,
    SpecialTrainingFact,
    Thresholds,
    check_ethics,
    check_practice,
    check_qualification,
    check_special_training,
    evaluate,
)
from credentialing.enums import Criterion, EvidenceCheck, RoleApplied, SpecialTopic, Verdict

TODAY = date(2026, 3, 1)
PENDING, VERIFIED, NOT_ACCEPTABLE = EvidenceCheck.PENDING, EvidenceCheck.VERIFIED, EvidenceCheck.NOT_ACCEPTABLE
ALL_TOPICS = frozenset(SpecialTopic.values)
# Best first: a verified-only verdict may never rank before the declared one.
RANK = {Verdict.MET: 2, Verdict.NEEDS_REVIEW: 1, Verdict.NOT_MET: 0}

REGISTERED = QualificationFact("Registered psychologist", qualifies_for_role=True, recognised_automatically=True)
OTHER = QualificationFact("Foreign licence", qualifies_for_role=True, recognised_automatically=False)


def qualification(base: QualificationFact = REGISTERED, **changes) -> QualificationFact:
    values = {name: getattr(base, name) for name in base.__slots__}
    return QualificationFact(**{**values, **changes})


def ethics(hours, approved=True, check=PENDING, has_file=True) -> EthicsFact:
    return EthicsFact(hours=Decimal(hours), approved_by_registry=approved, check=check, has_file=has_file)


def practice(hours, check=PENDING, has_file=True) -> PracticeFact:
    return PracticeFact(hours=Decimal(hours), check=check, has_file=has_file)


def training(*topics, check=PENDING, has_file=True) -> SpecialTrainingFact:
    return SpecialTrainingFact(topics=frozenset(topics or ALL_TOPICS), check=check, has_file=has_file)


def counselor(**parts) -> ApplicationFacts:
    """A counselor meeting every criterion, unless a part is replaced."""
    complete = {
        "qualifications": (REGISTERED,),
        "ethics": (ethics("16"),),
        "special_trainings": (training(),),
        "practice": (practice("500"),),
    }
    return ApplicationFacts(role=RoleApplied.COUNSELOR, **{**complete, **parts})


def only_reason(result) -> str:
    assert len(result.reasons) == 1, result.reasons
    return result.reasons[0]


# --- qualification ----------------------------------------------------------------------------


def test_a_recognised_qualification_with_a_file_is_met_and_named():
    result = check_qualification(counselor(), TODAY)
    assert result.verdict == Verdict.MET
    assert only_reason(result) == "Registered psychologist qualifies for the counselor role."


def test_no_qualification_is_not_met():
    result = check_qualification(counselor(qualifications=()), TODAY)
    assert result.verdict == Verdict.NOT_MET
    assert only_reason(result) == "No professional qualification has been given."


def test_a_qualification_expiring_today_still_counts():
    result = check_qualification(counselor(qualifications=(qualification(expires_on=TODAY),)), TODAY)
    assert result.verdict == Verdict.MET


def test_a_qualification_that_expired_yesterday_is_not_met_with_its_date():
    yesterday = TODAY - timedelta(days=1)
    result = check_qualification(counselor(qualifications=(qualification(expires_on=yesterday),)), TODAY)
    assert result.verdict == Verdict.NOT_MET
    assert only_reason(result) == "Registered psychologist expired on 2026-02-28."


def test_an_other_kind_needs_a_reviewers_judgement():
    result = check_qualification(counselor(qualifications=(OTHER,)), TODAY)
    assert result.verdict == Verdict.NEEDS_REVIEW
    assert "Foreign licence" in only_reason(result)
    assert "not recognised automatically" in only_reason(result)


def test_an_other_kind_verified_by_a_reviewer_is_met():
    result = check_qualification(counselor(qualifications=(qualification(OTHER, check=VERIFIED),)), TODAY)
    assert result.verdict == Verdict.MET
    assert only_reason(result) == "Foreign licence was accepted by a reviewer."


def test_a_qualification_without_file_needs_review_until_verified():
    without_file = qualification(has_file=False)
    pending = check_qualification(counselor(qualifications=(without_file,)), TODAY)
    verified = check_qualification(counselor(qualifications=(qualification(without_file, check=VERIFIED),)), TODAY)
    assert pending.verdict == Verdict.NEEDS_REVIEW
    assert "no evidence file" in only_reason(pending)
    assert verified.verdict == Verdict.MET


def test_a_qualification_found_not_acceptable_never_counts():
    result = check_qualification(counselor(qualifications=(qualification(check=NOT_ACCEPTABLE),)), TODAY)
    assert result.verdict == Verdict.NOT_MET
    assert only_reason(result) == "Every qualification given was found not acceptable."


def test_verified_only_ignores_pending_qualifications():
    assert check_qualification(counselor(), TODAY, verified_only=True).verdict == Verdict.NOT_MET
    verified = counselor(qualifications=(qualification(check=VERIFIED),))
    assert check_qualification(verified, TODAY, verified_only=True).verdict == Verdict.MET


def test_verified_only_says_the_qualification_is_not_verified_yet():
    result = check_qualification(counselor(), TODAY, verified_only=True)
    assert only_reason(result) == "No qualification has been verified yet."


def test_a_verified_qualification_counts_whatever_comes_before_it():
    facts = counselor(qualifications=(OTHER, qualification(OTHER, check=VERIFIED)))
    assert check_qualification(facts, TODAY).verdict == Verdict.MET


def test_an_expired_qualification_for_another_role_is_named():
    expired = qualification(qualifies_for_role=False, expires_on=TODAY - timedelta(days=1))
    result = check_qualification(counselor(qualifications=(expired,)), TODAY)
    assert "Registered psychologist" in " ".join(result.reasons)


# --- supervisors ---------------------------------------------------------------------------------


def test_a_supervisor_is_judged_on_the_qualification_alone():
    facts = ApplicationFacts(role=RoleApplied.SUPERVISOR, qualifications=(REGISTERED,))
    evaluation = evaluate(facts, Thresholds(), TODAY)
    assert [r.criterion for r in evaluation.results] == [Criterion.QUALIFICATION]
    assert evaluation.verdict == Verdict.MET


def test_a_counselor_registration_does_not_qualify_a_supervisor():
    counselor_registration = qualification(qualifies_for_role=False)
    facts = ApplicationFacts(role=RoleApplied.SUPERVISOR, qualifications=(counselor_registration,),
                             ethics=(ethics("40"),), special_trainings=(training(),), practice=(practice("900"),))
    evaluation = evaluate(facts, Thresholds(), TODAY)
    assert [r.criterion for r in evaluation.results] == [Criterion.QUALIFICATION]
    assert evaluation.verdict == Verdict.NOT_MET
    assert evaluation.results[0].reasons == (
        "Registered psychologist does not qualify for the supervisor role.",
        "Supervisors need a registration as supervisor.",
    )


# --- ethics -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "verdict"), [("16", Verdict.MET), ("15.5", Verdict.NOT_MET)])
def test_ethics_needs_sixteen_approved_hours(hours, verdict):
    result = check_ethics(counselor(ethics=(ethics(hours),)), Thresholds())
    assert result.verdict == verdict
    assert result.hours == Decimal(hours)
    assert hours in only_reason(result)
    assert "16" in only_reason(result)


def test_ethics_hours_are_added_up():
    result = check_ethics(counselor(ethics=(ethics("10"), ethics("6"))), Thresholds())
    assert result.verdict == Verdict.MET
    assert only_reason(result) == "16 approved hours of ethics training (at least 16)."


def test_unapproved_ethics_hours_do_not_count_and_are_mentioned():
    result = check_ethics(counselor(ethics=(ethics("8"), ethics("30", approved=False))), Thresholds())
    assert result.verdict == Verdict.NOT_MET
    assert result.hours == Decimal("8")
    assert result.reasons == (
        "8 approved hours of ethics training; at least 16 are required.",
        "30 more hours were not approved by the registration system and do not count.",
    )


def test_ethics_hours_found_not_acceptable_never_count():
    result = check_ethics(counselor(ethics=(ethics("16", check=NOT_ACCEPTABLE), ethics("4"))), Thresholds())
    assert result.verdict == Verdict.NOT_MET
    assert result.hours == Decimal("4")


def test_verified_only_counts_verified_ethics_hours_only():
    facts = counselor(ethics=(ethics("10", check=VERIFIED), ethics("6")))
    assert check_ethics(facts, Thresholds()).verdict == Verdict.MET
    result = check_ethics(facts, Thresholds(), verified_only=True)
    assert result.verdict == Verdict.NOT_MET
    assert result.hours == Decimal("10")


def test_approved_ethics_hours_without_file_need_review_until_verified():
    without_file = counselor(ethics=(ethics("16", has_file=False),))
    assert check_ethics(without_file, Thresholds()).verdict == Verdict.NEEDS_REVIEW
    verified = counselor(ethics=(ethics("16", has_file=False, check=VERIFIED),))
    assert check_ethics(verified, Thresholds()).verdict == Verdict.MET


# --- special training -------------------------------------------------------------------------


def test_special_training_spread_over_courses_is_met():
    trainings = (training(SpecialTopic.TRAUMA), training(SpecialTopic.FIRST_AID, SpecialTopic.CRISIS))
    result = check_special_training(counselor(special_trainings=trainings), Thresholds())
    assert result.verdict == Verdict.MET


def test_missing_special_topics_are_named():
    result = check_special_training(counselor(special_trainings=(training(SpecialTopic.FIRST_AID),)), Thresholds())
    assert result.verdict == Verdict.NOT_MET
    assert only_reason(result) == "Missing training in: Trauma treatment, Crisis intervention."


def test_no_special_training_names_every_topic():
    result = check_special_training(counselor(special_trainings=()), Thresholds())
    assert only_reason(result) == ("Missing training in: Trauma treatment, Psychological first aid, "
                                   "Crisis intervention.")


def test_special_training_found_not_acceptable_does_not_cover_its_topics():
    trainings = (training(check=NOT_ACCEPTABLE), training(SpecialTopic.TRAUMA))
    result = check_special_training(counselor(special_trainings=trainings), Thresholds())
    assert result.verdict == Verdict.NOT_MET
    assert "Crisis intervention" in only_reason(result)
    assert "Trauma" not in only_reason(result)


def test_special_training_without_file_needs_review():
    result = check_special_training(counselor(special_trainings=(training(has_file=False),)), Thresholds())
    assert result.verdict == Verdict.NEEDS_REVIEW


# --- practice -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "verdict"), [("500", Verdict.MET), ("499.5", Verdict.NOT_MET)])
def test_practice_needs_five_hundred_hours(hours, verdict):
    result = check_practice(counselor(practice=(practice(hours),)), Thresholds())
    assert result.verdict == verdict
    assert result.hours == Decimal(hours)
    assert hours in only_reason(result)
    assert "500" in only_reason(result)


def test_practice_found_not_acceptable_never_counts_and_verified_only_counts_verified():
    facts = counselor(practice=(practice("300", check=VERIFIED), practice("300", check=NOT_ACCEPTABLE),
                                practice("250")))
    assert check_practice(facts, Thresholds()).hours == Decimal("550")
    assert check_practice(facts, Thresholds()).verdict == Verdict.MET
    assert check_practice(facts, Thresholds(), verified_only=True).hours == Decimal("300")
    assert check_practice(facts, Thresholds(), verified_only=True).verdict == Verdict.NOT_MET


def test_practice_without_file_needs_review():
    result = check_practice(counselor(practice=(practice("600", has_file=False),)), Thresholds())
    assert result.verdict == Verdict.NEEDS_REVIEW


# --- custom thresholds and the overall verdict ---------------------------------------------------


def test_custom_thresholds_are_applied():
    thresholds = Thresholds(min_ethics_hours=Decimal("20"), min_practice_hours=Decimal("100"),
                            required_topics=frozenset({SpecialTopic.CRISIS}))
    facts = counselor(ethics=(ethics("16"),), special_trainings=(training(SpecialTopic.CRISIS),),
                      practice=(practice("100"),))
    evaluation = evaluate(facts, thresholds, TODAY)
    assert evaluation.result(Criterion.ETHICS).verdict == Verdict.NOT_MET
    assert "20" in evaluation.result(Criterion.ETHICS).reasons[0]
    assert evaluation.result(Criterion.SPECIAL_TRAINING).verdict == Verdict.MET
    assert evaluation.result(Criterion.PRACTICE).verdict == Verdict.MET
    missing_crisis = counselor(special_trainings=(training(SpecialTopic.TRAUMA, SpecialTopic.FIRST_AID),))
    result = check_special_training(missing_crisis, thresholds)
    assert only_reason(result) == "Missing training in: Crisis intervention."


def test_a_complete_counselor_is_met_on_all_four_criteria():
    evaluation = evaluate(counselor(), Thresholds(), TODAY)
    assert evaluation.verdict == Verdict.MET
    assert [r.criterion for r in evaluation.results] == [
        Criterion.QUALIFICATION, Criterion.ETHICS, Criterion.SPECIAL_TRAINING, Criterion.PRACTICE]
    assert evaluation.failing() == ()


def test_not_met_beats_needs_review_beats_met():
    needs_review = counselor(qualifications=(OTHER,))
    assert evaluate(needs_review, Thresholds(), TODAY).verdict == Verdict.NEEDS_REVIEW
    both = counselor(qualifications=(OTHER,), practice=(practice("10"),))
    evaluation = evaluate(both, Thresholds(), TODAY)
    assert evaluation.verdict == Verdict.NOT_MET
    assert {r.criterion for r in evaluation.failing()} == {Criterion.QUALIFICATION, Criterion.PRACTICE}


# --- properties ---------------------------------------------------------------------------------

checks = st.sampled_from([PENDING, VERIFIED, NOT_ACCEPTABLE])
half_hours = st.integers(min_value=1, max_value=1200).map(lambda n: Decimal(n) / 2)
qualification_facts = st.builds(
    QualificationFact, kind_name=st.sampled_from(["Registered psychologist", "Level 2", "Other"]),
    qualifies_for_role=st.booleans(), recognised_automatically=st.booleans(),
    expires_on=st.one_of(st.none(), st.dates(TODAY - timedelta(days=3), TODAY + timedelta(days=3))),
    check=checks, has_file=st.booleans(),
)
ethics_facts = st.builds(EthicsFact, hours=half_hours.map(lambda h: h / 20), approved_by_registry=st.booleans(),
                         check=checks, has_file=st.booleans())
training_facts = st.builds(SpecialTrainingFact, topics=st.frozensets(st.sampled_from(SpecialTopic.values), min_size=1),
                           check=checks, has_file=st.booleans())
practice_facts = st.builds(PracticeFact, hours=half_hours, check=checks, has_file=st.booleans())
facts_strategy = st.builds(
    ApplicationFacts, role=st.sampled_from(RoleApplied.values),
    qualifications=st.lists(qualification_facts, max_size=3).map(tuple),
    ethics=st.lists(ethics_facts, max_size=3).map(tuple),
    special_trainings=st.lists(training_facts, max_size=3).map(tuple),
    practice=st.lists(practice_facts, max_size=3).map(tuple),
)


@settings(deadline=None)
@given(facts=facts_strategy, verified_only=st.booleans())
def test_the_overall_verdict_is_met_exactly_when_every_criterion_is_met(facts, verified_only):
    evaluation = evaluate(facts, Thresholds(), TODAY, verified_only=verified_only)
    assert (evaluation.verdict == Verdict.MET) == all(r.verdict == Verdict.MET for r in evaluation.results)
    assert (evaluation.verdict == Verdict.NOT_MET) == any(r.verdict == Verdict.NOT_MET for r in evaluation.results)
    assert all(r.reasons for r in evaluation.results)


@settings(deadline=None)
@given(facts=facts_strategy, extra=ethics_facts.filter(lambda e: e.approved_by_registry and e.check != NOT_ACCEPTABLE))
def test_more_approved_ethics_hours_never_turn_met_into_not_met(facts, extra):
    before = check_ethics(facts, Thresholds())
    after = check_ethics(ApplicationFacts(role=facts.role, ethics=(*facts.ethics, extra)), Thresholds())
    assert after.hours >= before.hours
    if before.verdict == Verdict.MET:
        assert after.verdict != Verdict.NOT_MET


def _with_files(facts: ApplicationFacts) -> ApplicationFacts:
    def filed(items):
        return tuple(type(item)(**{**{n: getattr(item, n) for n in item.__slots__}, "has_file": True})
                     for item in items)

    return ApplicationFacts(role=facts.role, qualifications=tuple(q for q in filed(facts.qualifications)
                                                                  if q.recognised_automatically),
                            ethics=filed(facts.ethics), special_trainings=filed(facts.special_trainings),
                            practice=filed(facts.practice))


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy)
def test_verified_only_is_never_better_than_the_declared_verdict_when_every_item_has_a_file(facts):
    # The special case first; the general case follows.
    facts = _with_files(facts)
    declared = evaluate(facts, Thresholds(), TODAY)
    verified = evaluate(facts, Thresholds(), TODAY, verified_only=True)
    assert RANK[verified.verdict] <= RANK[declared.verdict]
    for mine, theirs in zip(verified.results, declared.results, strict=True):
        assert RANK[mine.verdict] <= RANK[theirs.verdict], (mine, theirs)


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy)
@example(facts=counselor(ethics=(ethics("16", check=VERIFIED), ethics("1", has_file=False))))
@example(facts=counselor(qualifications=(OTHER, qualification(OTHER, check=VERIFIED))))
def test_verified_only_is_never_better_than_the_declared_verdict(facts):
    declared = evaluate(facts, Thresholds(), TODAY)
    verified = evaluate(facts, Thresholds(), TODAY, verified_only=True)
    for mine, theirs in zip(verified.results, declared.results, strict=True):
        assert RANK[mine.verdict] <= RANK[theirs.verdict], (mine, theirs)
