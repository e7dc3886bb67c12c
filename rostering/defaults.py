"""The roster rules, shift templates and demand curve a new installation starts from.

Called by the data migration with the historical models, and by tests after a flush.
"""
from rostering import demand

COUNSELOR_SHIFT_HOURS = 4
SUPERVISOR_SHIFT_HOURS = 8


def load_defaults(ShiftTemplate, DemandLevel, RosterSettings) -> None:  # noqa: N803  model classes
    RosterSettings.objects.get_or_create(pk=1)
    if not ShiftTemplate.objects.exists():
        ShiftTemplate.objects.bulk_create(
            [ShiftTemplate(role="counselor", channel=channel, start_hour=hour, hours=COUNSELOR_SHIFT_HOURS)
             for channel in ("voice", "text") for hour in range(0, 24, COUNSELOR_SHIFT_HOURS)]
            + [ShiftTemplate(role="supervisor", channel="", start_hour=hour, hours=SUPERVISOR_SHIFT_HOURS)
               for hour in range(0, 24, SUPERVISOR_SHIFT_HOURS)])
    if not DemandLevel.objects.exists():
        DemandLevel.objects.bulk_create(
            DemandLevel(channel=channel, weekday=weekday, hour=hour, wanted=wanted)
            for (channel, weekday, hour), wanted in demand.default_curve().items())
