"""Training's section of a person's data export: their programme, attendance and assessments."""
from people.personal_data import register_export_section
from training.models import Trainee


def training_of(person) -> dict:
    trainee = (Trainee.objects.filter(user=person).select_related("curriculum")
               .prefetch_related("enrolments__session", "assessments").first())
    if trainee is None:
        return {}
    return {
        "curriculum_version": trainee.curriculum.version,
        "started_on": trainee.started_on.isoformat(),
        "ready_at": trainee.ready_at.isoformat() if trainee.ready_at else None,
        "sessions": [{"starts_at": e.session.starts_at.isoformat(), "area": e.session.area, "topic": e.session.topic,
                      "attendance": e.status, "minutes": e.minutes} for e in trainee.enrolments.all()],
        "assessments": [{"area": a.area, "attempt": a.attempt, "score": a.score, "pass_mark": a.pass_mark,
                         "passed": a.passed, "assessed_on": a.assessed_on.isoformat()}
                        for a in trainee.assessments.all()],
    }


register_export_section("training", training_of)
