"""Supervision's part of a person's own data export.

What the service holds about the person here: the escalations they raised or claimed, their group placements,
the handover notes they wrote, their individual supervision (with the supervisor's notes: the person has the
right to a copy of what is recorded about them), the feedback and evaluations about their counseling, and
their on-call periods. Help-seekers appear in none of it: feedback rows carry no identity of theirs.
"""
from __future__ import annotations

from django.db.models import Q

from people.personal_data import register_export_section


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def supervision_of(person) -> dict:
    """Everything supervision holds about the person (7 queries)."""
    from supervision.models import (
        CoordinatorOnCall,
        CounselingEvaluation,
        Escalation,
        GroupPlacement,
        HandoverNote,
        HelpSeekerFeedback,
        IndividualSupervision,
    )

    escalations = Escalation.objects.filter(Q(raised_by=person) | Q(claimed_by=person)).order_by("raised_at")
    return {
        "escalations": [{
            "raised_by_me": e.raised_by_id == person.pk, "claimed_by_me": e.claimed_by_id == person.pk,
            "raised_at": _iso(e.raised_at), "channel": e.channel, "risk": e.risk, "state": e.state,
            "claimed_at": _iso(e.claimed_at), "action_taken": e.action_taken, "closed_at": _iso(e.closed_at),
        } for e in escalations],
        "group_supervision": [{
            "date": _iso(p.date), "starts_at": _iso(p.session.starts_at), "ends_at": _iso(p.session.ends_at),
            "attendance": p.attendance,
        } for p in GroupPlacement.objects.filter(counselor=person).select_related("session").order_by("date")],
        "handover_notes": [{
            "shift_start": _iso(n.shift_start), "shift_end": _iso(n.shift_end), "channel": n.channel,
            "happened": n.happened, "watch": n.watch,
        } for n in HandoverNote.objects.filter(author=person).order_by("shift_end")],
        "individual_supervision": [{
            "origin": s.origin, "reason": s.reason, "state": s.state, "scheduled_at": _iso(s.scheduled_at),
            "held_at": _iso(s.held_at), "notes": s.notes, "requested": _iso(s.created_at),
        } for s in IndividualSupervision.objects.filter(counselor=person).order_by("created_at")],
        "help_seeker_feedback": [{
            "session_date": _iso(f.session_date), "understands": f.understands, "helpful": f.helpful,
            "satisfied": f.satisfied, "comment": f.comment,
        } for f in HelpSeekerFeedback.objects.filter(counselor=person).order_by("session_date")],
        "evaluations": [{
            "session_date": _iso(e.session_date), "rapport": e.rapport, "assessment": e.assessment,
            "intervention": e.intervention, "ethics": e.ethics, "strengths": e.strengths,
            "to_improve": e.to_improve,
        } for e in CounselingEvaluation.objects.filter(counselor=person).order_by("session_date")],
        "on_call": [{"from": _iso(c.starts_at), "until": _iso(c.ends_at), "phone": c.phone}
                    for c in CoordinatorOnCall.objects.filter(user=person).order_by("starts_at")],
    }


register_export_section("supervision", supervision_of)
