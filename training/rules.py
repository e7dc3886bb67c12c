"""Who may do what in the training programme: named predicates, combined once.

The training team (a staff group) and the coordinators manage the programme; a trainer is a registered
supervisor assigned to a session: they mark that session's attendance and enter assessments in the areas
they teach; a counselor sees their own record only.
"""
import rules

from people.rules import is_coordinator, is_counselor, is_supervisor, is_training_team
from training.models import Session, Trainee


def _areas_taught(user) -> set[str]:
    """The areas a person teaches at least one session of (cached for the request)."""
    if not hasattr(user, "_training_areas_taught"):
        user._training_areas_taught = set(
            Session.trainers.through.objects.filter(user_id=user.pk)
            .values_list("session__area", flat=True).distinct()) if user.pk else set()
    return user._training_areas_taught


@rules.predicate
def is_trainer(user) -> bool:
    """A supervisor who teaches at least one session."""
    return is_supervisor(user) and bool(_areas_taught(user))


@rules.predicate
def teaches_session(user, session) -> bool:
    if not isinstance(session, Session) or not user.is_authenticated:
        return False
    # the attendance page prefetches the trainers; elsewhere this is one query
    cache = getattr(session, "_prefetched_objects_cache", {})
    if "trainers" in cache:
        return any(t.pk == user.pk for t in cache["trainers"])
    return session.trainers.filter(pk=user.pk).exists()


@rules.predicate
def teaches_area(user, area) -> bool:
    return isinstance(area, str) and is_trainer(user) and area in _areas_taught(user)


@rules.predicate
def is_own_record(user, trainee) -> bool:
    return isinstance(trainee, Trainee) and user.is_authenticated and trainee.user_id == user.pk


is_programme_manager = is_training_team | is_coordinator

rules.add_perm("training.manage_programme", is_programme_manager)
rules.add_perm("training.view_programme", is_programme_manager | is_trainer)
rules.add_perm("training.open_training", is_programme_manager | is_trainer | is_counselor)
rules.add_perm("training.enrol", is_counselor)
rules.add_perm("training.mark_attendance", is_programme_manager | (is_supervisor & teaches_session))
rules.add_perm("training.enter_assessment", is_programme_manager | teaches_area)
rules.add_perm("training.open_trainee_record", is_own_record | is_programme_manager | is_trainer)

# The administration: coordinators read the training records there; every change goes through the pages.
for model in ("curriculum", "curriculumarea", "trainee", "session", "sessionseries", "enrolment", "assessment"):
    rules.add_perm(f"training.view_{model}", is_coordinator)
