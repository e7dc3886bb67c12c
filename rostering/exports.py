"""A run as files: the engine's problem and solution (SPEC), and the roster as CSV or XLSX rows."""
from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from credentialing.spreadsheets import escape_formula
from rostering.models import Assignment, RosterRun
from rostering.services import evaluate_pairs, run_pairs

SOLUTION_FORMAT = "roster-solution/1"


def solution_document(run: RosterRun) -> dict:
    """The run's roster as it stands (manual changes included), with the engine's penalty of it."""
    pairs = run_pairs(run)
    evaluation = evaluate_pairs(run.problem, pairs)
    return {
        "format": SOLUTION_FORMAT,
        "problem": run.problem["name"],
        "assignments": [{"shift": s, "person": p} for s, p in pairs],
        "penalty": evaluation.penalty,
        "bound": run.bound,
        "parts": evaluation.parts(),
    }


def roster_header() -> list[str]:
    return [_("start (platform time)"), _("end (platform time)"), _("role"), _("channel"), _("shift"),
            _("person"), _("e-mail"), _("hours")]


def roster_rows(run: RosterRun) -> list[list]:
    zone = timezone.get_default_timezone()
    rows = []
    for a in (Assignment.objects.filter(run=run).select_related("shift", "person")
              .order_by("shift__start", "shift__role", "shift__channel", "person__email")):
        shift = a.shift
        # names and addresses are typed by people: a spreadsheet must show them, never run them
        rows.append([shift.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                     shift.end.astimezone(zone).strftime("%Y-%m-%d %H:%M"), shift.get_role_display(),
                     shift.get_channel_display() if shift.channel else "", shift.key,
                     escape_formula(str(a.person)), escape_formula(a.person.email), round(shift.hours, 2)])
    return rows


def roster_csv(run: RosterRun) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(roster_header())
    writer.writerows(roster_rows(run))
    return buffer.getvalue()


def roster_xlsx(run: RosterRun) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Roster"))
    sheet.append(roster_header())
    for row in roster_rows(run):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hours_csv(rows: list[dict]) -> str:
    """Hours per person in a month: rostered, corrections, total (the basis of the allowance)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("person"), _("e-mail"), _("shifts"), _("rostered hours"), _("corrections"), _("total hours")])
    for row in rows:
        writer.writerow([escape_formula(str(row["user"])), escape_formula(row["user"].email), row["shifts"],
                         row["rostered"], row["corrected"],
                         row["total"]])
    return buffer.getvalue()
