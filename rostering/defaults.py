"""The roster rules, shift templates and demand curve a new installation starts from.

Called by the data migration with the historical models, and by tests after a flush.
"""
from rostering import demand

COUNSELOR_SHIFT_HOURS = 4
SUPERVISOR_SHIFT_HOURS = 8
# experienced people wanted on counselor shifts that touch the night (00:00-07:00, the rules' default) or the
# evening peak (18:00-23:00): the hours when the hardest calls come and fewest colleagues are about
EXPERIENCED_HOURS = frozenset(range(0, 7)) | frozenset(range(18, 23))
EXPERIENCED_PERCENT = 30


def default_experienced_percent(role: str, start_hour: int, hours: int) -> int:
    """The experienced share a shift template starts with: 30% on counselor shifts at night or the evening peak."""
    if role != "counselor":
        return 0  # supervisors all count as experienced
    spanned = {(start_hour + h) % 24 for h in range(hours)}
    return EXPERIENCED_PERCENT if spanned & EXPERIENCED_HOURS else 0


def load_defaults(ShiftTemplate, DemandLevel, RosterSettings) -> None:  # noqa: N803  model classes
    RosterSettings.objects.get_or_create(pk=1)
    if not ShiftTemplate.objects.exists():
        ShiftTemplate.objects.bulk_create(
            [ShiftTemplate(role="counselor", channel=channel, start_hour=hour, hours=COUNSELOR_SHIFT_HOURS)
             for channel in ("voice", "text") for hour in range(0, 24, COUNSELOR_SHIFT_HOURS)]
            + [ShiftTemplate(role="supervisor", channel="", start_hour=hour, hours=SUPERVISOR_SHIFT_HOURS)
               for hour in range(0, 24, SUPERVISOR_SHIFT_HOURS)])
        if any(field.name == "experienced_percent" for field in ShiftTemplate._meta.fields):  # from migration 0002
            apply_experienced_defaults(ShiftTemplate)
    if not DemandLevel.objects.exists():
        DemandLevel.objects.bulk_create(
            DemandLevel(channel=channel, weekday=weekday, hour=hour, wanted=wanted)
            for (channel, weekday, hour), wanted in demand.default_curve().items())


def apply_experienced_defaults(ShiftTemplate) -> None:  # noqa: N803  a model class
    """Give the templates that want none the default experienced share (migration 0002, new installations)."""
    for template in ShiftTemplate.objects.filter(experienced_percent=0):
        percent = default_experienced_percent(template.role, template.start_hour, template.hours)
        if percent:
            template.experienced_percent = percent
            template.save(update_fields=["experienced_percent"])
