from django import template

from training.readiness import hours as _hours

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours: 90 -> 1.5 (rounded down: hours done are never shown as more than they are)."""
    return _hours(int(minutes or 0), round_down=True)


@register.simple_tag
def attendance_rows(enrolments, statuses, session_minutes):
    """The rows of the attendance sheet. Hundreds of rows of five radios each take the template engine
    about a second; the same markup joined here takes milliseconds. Every value is escaped."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    minutes_label = escape(gettext("Minutes attended"))
    minutes_short = escape(gettext("Minutes"))
    labels = [(escape(value), escape(label)) for value, label in statuses]
    partial = {"late", "left_early"}
    rows = []
    for e in enrolments:
        name = escape(e.trainee.user.get_full_name())
        error = getattr(e, "error", None)
        row_class = ' class="row-error"' if error else ""
        cells = [f'<tr{row_class} data-enrolment="{e.pk}">'
                 f'<th scope="row" id="who-{e.pk}"><span class="name">{name}</span>'
                 f'<span class="small email">{escape(e.trainee.user.email)}</span>'
                 + (f'<span class="errorlist">{escape(error)}</span>' if error else "") + "</th>"]
        for value, label in labels:
            checked = " checked" if e.status == value else ""
            cells.append(f'<td class="status-col"><label class="radio" title="{label}"><input type="radio" '
                         f'name="status-{e.pk}" value="{value}" aria-label="{label}: {name}"{checked}>'
                         f'<span class="radio-label">{label}</span></label></td>')
        posted = getattr(e, "posted_minutes", None)
        minutes = posted if posted is not None else (e.minutes if e.status in partial else "")
        cells.append(f'<td><input type="number" class="minutes" name="minutes-{e.pk}" min="0" '
                     f'max="{int(session_minutes)}" inputmode="numeric" placeholder="{minutes_short}" '
                     f'aria-label="{minutes_label}: {name}" '
                     f'value="{escape(minutes)}"></td></tr>')
        rows.append("".join(cells))
    return mark_safe("".join(rows))  # noqa: S308 - built from escaped values only
