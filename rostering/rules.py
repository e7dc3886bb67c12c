"""Who may do what in rostering: named predicates, asked by views and templates alike."""
import rules

from people.rules import is_coordinator, is_scheduler, is_volunteer

is_rostering_staff = is_scheduler | is_coordinator

rules.add_perm("rostering.manage_rosters", is_rostering_staff)
# shifts, offers and availability are for volunteers (counselors and supervisors who have not left)
rules.add_perm("rostering.view_own_shifts", is_volunteer)
