from django import template

from training.readiness import hours as _hours

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours: 90 -> 1.5."""
    return _hours(int(minutes or 0))
