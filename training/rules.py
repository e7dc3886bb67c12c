"""Who may do what in the training programme: named predicates, combined once.

The training team (a staff group) manages the programme; a trainer is a supervisor assigned to a
session and marks that session's attendance and enters assessments in the areas they teach; a
counselor sees their own record only.
"""
import rules

from training.models import Session, Trainee

TRAINING_TEAM = "training"


def _group_names(user) -> set[str]:
    if not hasattr(user, "_training_groups"):
        user._training_groups = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    return user._training_groups


@rules.predicate
def is_training_team(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool({TRAINING_TEAM, "coordinator"} & _group_names(user)))


@rules.predicate
def is_trainer(user) -> bool:
    """Teaches at least one session (cached for the request)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_teaches_areas"):
        user._teaches_areas = set(Session.trainers.through.objects.filter(user_id=user.pk)
                                  .values_list("session__area", flat=True).distinct())
    return bool(user._teaches_areas)


@rules.predicate
def teaches_session(user, session) -> bool:
    if session is None or not user.is_authenticated:
        return False
    # the attendance page prefetches the trainers; elsewhere one query
    cache = getattr(session, "_prefetched_objects_cache", {})
    if "trainers" in cache:
        return any(t.pk == user.pk for t in cache["trainers"])
    return session.trainers.filter(pk=user.pk).exists()


@rules.predicate
def teaches_area(user, area) -> bool:
    return area is not None and is_trainer(user) and str(area) in user._teaches_areas


@rules.predicate
def is_own_record(user, trainee) -> bool:
    return isinstance(trainee, Trainee) and user.is_authenticated and trainee.user_id == user.pk


rules.add_perm("training.manage_programme", is_training_team)
rules.add_perm("training.view_programme", is_training_team | is_trainer)
rules.add_perm("training.mark_attendance", is_training_team | teaches_session)
rules.add_perm("training.enter_assessment", is_training_team | teaches_area)
rules.add_perm("training.view_trainee", is_own_record | is_training_team | is_trainer)
