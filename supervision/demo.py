"""Supervision demo data: the coordinator on call, a week of group sessions with placements, escalations in
every state, handover notes. Deterministic for a seed; runs after the rostering demo (published rosters)."""
from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from credentialing.demo import register_demo_extension

MEETING = "https://meeting.example/supervision/{}"
RISKS = ("Says they have a plan to end their life tonight", "Self-harm in the last hour, still bleeding",
         "Threatens to hurt a family member", "Alone, drinking, talks of not waking up",
         "Minor in danger at home")
ACTIONS = ("Called the counselor; safety plan agreed; emergency contact reached.",
           "Joined the conversation; referred to local emergency services; follow-up booked.",
           "Guided the counselor through the risk assessment; the help-seeker agreed to see a doctor.")


def _monday(day):
    return day - timedelta(days=day.weekday())


@transaction.atomic
def seed(*, seed: int = 1) -> dict:
    from people.enums import StaffRole
    from people.models import User, Volunteer
    from rostering.availability import wall_clock
    from rostering.models import Assignment
    from rostering.selectors import rosterable_supervisors
    from supervision import selectors, services
    from supervision.models import CoordinatorOnCall, Escalation, HandoverNote

    rng = random.Random(f"supervision:{seed}")
    zone = timezone.get_default_timezone()
    now = timezone.now()
    monday = _monday(timezone.localdate())
    # supervisors share their phone with the counselors on shift (the demo's choice for them)
    Volunteer.objects.filter(role="supervisor").exclude(phone="").update(share_contact=True)
    coordinator = User.objects.filter(groups__name=StaffRole.COORDINATOR).order_by("pk").first()
    if coordinator is not None:
        CoordinatorOnCall.objects.create(user=coordinator, phone="13700000000",
                                         starts_at=wall_clock(monday, 0, zone),
                                         ends_at=wall_clock(monday + timedelta(days=14), 0, zone))
    # a week of daily groups: about one supervisor in seven leads a group each day, at 10:00 or 19:00
    planner = coordinator
    supervisors = list(User.objects.filter(volunteer__in=rosterable_supervisors()).order_by("pk"))
    sessions = 0
    placed = 0
    for offset in range(7):
        day = monday + timedelta(days=offset)
        leaders = rng.sample(supervisors, max(1, min(len(supervisors), len(supervisors) // 7 or 1)))
        for i, leader in enumerate(leaders):
            services.group_session_create(actor=planner, supervisor=leader,
                                          starts_at=wall_clock(day, 10 if i % 2 else 19, zone),
                                          meeting_link=MEETING.format(f"{day:%Y%m%d}-{i}"))
            sessions += 1
        placed += services.groups_place(day=day, actor=planner, days_back=3, seconds=10).placed
    # escalations over the past days, raised by counselors on shift then, handled by the supervisor on duty
    worked = list(Assignment.objects.filter(run__state="published", shift__role="counselor", shift__start__lt=now,
                                            shift__start__gte=now - timedelta(days=6))
                  .select_related("shift", "person").order_by("shift__start", "pk"))
    # (person, channel, when): from the shifts worked so far; early in the demo's first week there are few, so
    # other counselors fill in over the last hours (the supervisor on duty then, or any, handles them)
    moments = [(a.person, a.shift.channel,
                min(a.shift.start + timedelta(minutes=rng.randrange(5, 200)), now - timedelta(minutes=30)))
               for a in rng.sample(worked, min(12, len(worked)))]
    counselors = list(User.objects.filter(volunteer__role="counselor", volunteer__status__in=["ready", "active"])
                      .order_by("pk")[:50])
    while len(moments) < 12 and counselors:
        moments.append((rng.choice(counselors), rng.choice(["voice", "text"]),
                        now - timedelta(minutes=rng.randrange(30, 72 * 60))))
    moments.append((moments[0][0], moments[0][1], now - timedelta(minutes=2)) if moments else None)  # still open
    raised = []
    for index, (person, channel, at) in enumerate(m for m in moments if m):
        if not person.has_perm("supervision.raise_escalation"):
            continue
        escalation = services.escalation_raise(actor=person, channel=channel, risk=rng.choice(RISKS),
                                               conversation_ref=f"C-{rng.randrange(10**6)}", at=at)
        raised.append(escalation.pk)
        if index == len(moments) - 1 or not supervisors:
            continue
        duty = selectors.duty_now(channel=channel, at=at)
        supervisor = (User.objects.get(pk=duty.on_duty[0].supervisor_id) if duty.on_duty
                      else rng.choice(supervisors))
        claimed = at + timedelta(minutes=rng.choice([1, 2, 3, 5, 12]))
        services.escalation_claim(escalation_id=escalation.pk, actor=supervisor, at=claimed)
        if rng.random() < 0.8:
            services.escalation_close(escalation_id=escalation.pk, actor=supervisor, action_taken=rng.choice(ACTIONS),
                                      at=min(claimed + timedelta(minutes=rng.randrange(15, 90)), now))
    services.escalations_flag_unclaimed(at=now)
    # handover notes of the last days' shifts
    # handover notes of the last days' shifts (before the demo's first roster: 4-hour blocks of the last day)
    spans = [(a.person, a.shift.start, a.shift.end, a.shift.channel) for a in worked if a.shift.end <= now]
    block_end = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=now.hour % 4)
    while len(spans) < 24 and counselors:
        end = block_end - timedelta(hours=4 * rng.randrange(0, 6))
        spans.append((rng.choice(counselors), end - timedelta(hours=4), end, rng.choice(["voice", "text"])))
    notes = []
    for person, start, end, channel in rng.sample(spans, min(40, len(spans))):
        notes.append(HandoverNote(
            author=person, shift_start=start, shift_end=end, channel=channel, created_at=end,
            happened=rng.choice(["Busy evening; two long conversations about exam stress.",
                                 "Quiet shift. One help-seeker called back twice.",
                                 "A crisis escalated and handled with the supervisor on duty."]),
            watch=rng.choice(["", "A returning help-seeker may call again around midnight.",
                              "The text queue was slow to load; tell technical service if it recurs."])))
    HandoverNote.objects.bulk_create(notes)
    # help-seeker feedback, imported from a file shaped like the platform's export (names in it are dropped)
    lines = ["session,date,counselor_email,understands,helpful,satisfied,comment,help_seeker_name"]
    comments = ["", "", "Felt heard.", "Helped me calm down.", "Too short.", "I will call again."]
    for n in range(200 if counselors else 0):
        person = rng.choice(counselors)
        score = rng.choices([5, 4, 3, 2, 1], [40, 30, 15, 10, 5])[0]
        lines.append(f"DEMO-{seed}-{n},{(now - timedelta(days=rng.randrange(7))).date()},{person.email},{score},"
                     f"{max(1, score - rng.randrange(2))},{max(1, score - rng.randrange(2))},"
                     f"{rng.choice(comments)},Help-seeker {n}")
    imported, errors = services.feedback_import(actor=coordinator, content="\n".join(lines).encode(),
                                                file_name="demo-feedback.csv")
    if errors:
        raise RuntimeError(f"demo feedback: {errors[:3]}")
    # individual supervision in each state, and a few evaluations
    lead = coordinator
    for index, person in enumerate(counselors[:4]):
        if not supervisors or lead is None:
            break
        item = services.individual_open(actor=person, reason="A hard conversation I keep thinking about")
        if index >= 1:
            item = services.individual_assign(item_id=item.pk, actor=lead,
                                              supervisor=supervisors[index % len(supervisors)])
        if index >= 2:
            item = services.individual_schedule(item_id=item.pk, actor=item.supervisor, at=now + timedelta(days=1))
        if index >= 3:
            services.individual_record(item_id=item.pk, actor=item.supervisor, held_at=now,
                                       notes="Talked through the call; agreed on self-care after night shifts.")
        if supervisors:
            services.evaluation_record(actor=supervisors[index % len(supervisors)], counselor=person,
                                       session_date=(now - timedelta(days=index + 1)).date(), rapport=4,
                                       assessment=3 + index % 2, intervention=4, ethics=5,
                                       strengths="Warm, clear summaries", to_improve="Ask about means earlier")
    return {"imported feedback": imported, "group sessions": sessions, "group placements": placed,
            "escalations": len(raised),
            "open escalations": Escalation.objects.filter(state="open").count(), "handover notes": len(notes)}


def reset(users) -> None:
    """Delete what names demo people (before the people themselves)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from common.models import AuditEntry
    from supervision.audit import SupervisionAction
    from supervision.models import (
        CoordinatorOnCall,
        CounselingEvaluation,
        Escalation,
        GroupPlacement,
        GroupSession,
        HandoverNote,
        HelpSeekerFeedback,
        IndividualSupervision,
        PlacementRound,
    )

    doomed = {
        GroupSession: GroupSession.objects.filter(supervisor__in=users),
        PlacementRound: PlacementRound.objects.filter(created_by__in=users),
        Escalation: Escalation.objects.filter(Q(raised_by__in=users) | Q(claimed_by__in=users)),
        HandoverNote: HandoverNote.objects.filter(author__in=users),
        CoordinatorOnCall: CoordinatorOnCall.objects.filter(user__in=users),
        CounselingEvaluation: CounselingEvaluation.objects.filter(Q(counselor__in=users) | Q(supervisor__in=users)),
        IndividualSupervision: IndividualSupervision.objects.filter(
            Q(counselor__in=users) | Q(supervisor__in=users) | Q(requested_by__in=users)),
    }
    # the trail of what is deleted goes with it (as rostering forgets its runs), so a reset leaves no orphans
    for model, rows in doomed.items():
        AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(model),
                                  target_id__in=list(rows.values_list("pk", flat=True))).delete()
    AuditEntry.objects.filter(action=SupervisionAction.FEEDBACK_IMPORTED, actor__in=users).delete()
    GroupPlacement.objects.filter(Q(counselor__in=users) | Q(session__supervisor__in=users)).delete()
    HelpSeekerFeedback.objects.filter(counselor__in=users).delete()
    for rows in doomed.values():
        rows.delete()


register_demo_extension("supervision", seed=seed, reset=reset)
