"""Who may do what in rostering: named predicates, asked by views and templates alike."""
import rules

from people.rules import is_coordinator, is_scheduler

is_rostering_staff = is_scheduler | is_coordinator

rules.add_perm("rostering.manage_rosters", is_rostering_staff)
rules.add_perm("rostering.view_own_shifts", rules.is_authenticated)
