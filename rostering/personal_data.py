"""Rostering's part of a person's own data export: availability, limits, shifts, offers, hour corrections."""
from __future__ import annotations

from people.personal_data import register_export_section


def rostering_of(person) -> dict:
    """Everything rostering holds about the person (6 queries)."""
    from rostering.models import (
        Assignment,
        AvailabilityException,
        AvailabilityProfile,
        ExperienceMark,
        HoursCorrection,
        ShiftOffer,
        WeeklyAvailability,
    )

    profile = AvailabilityProfile.objects.filter(user=person).first()
    return {
        "availability_profile": None if profile is None else {
            "voice": profile.serves_voice, "text": profile.serves_text,
            "max_hours_per_week": profile.max_hours_per_week, "target_hours_per_week": profile.target_hours_per_week,
            "reminder_hours_before": profile.reminder_hours_before,
            "max_night_shifts_per_week": profile.max_night_shifts_per_week},
        "marked_experienced": ExperienceMark.objects.filter(user=person).exists(),
        "weekly_availability": [{"weekday": d, "hour": h, "kind": k} for d, h, k in WeeklyAvailability.objects.filter(
            user=person).order_by("weekday", "hour").values_list("weekday", "hour", "kind")],
        "availability_exceptions": [{"date": e.date.isoformat(), "from": e.start_hour, "until": e.end_hour,
                                     "kind": e.kind} for e in AvailabilityException.objects.filter(user=person)],
        "shifts": [{"start": a.shift.start.isoformat(), "end": a.shift.end.isoformat(), "role": a.shift.role,
                    "channel": a.shift.channel, "roster": a.run_id, "roster_state": a.run.state}
                   for a in Assignment.objects.filter(person=person).select_related("shift", "run")
                   .order_by("shift__start")],
        "shift_offers": [{"kind": o.kind, "state": o.state, "created": o.created_at.isoformat(),
                          "shift_start": o.shift.start.isoformat() if o.shift else None, "note": o.note}
                         for o in ShiftOffer.objects.filter(offered_by=person).select_related("shift")],
        "hours_corrections": [{"month": c.month.isoformat()[:7], "hours": str(c.hours), "reason": c.reason}
                              for c in HoursCorrection.objects.filter(person=person)],
    }


register_export_section("rostering", rostering_of)
