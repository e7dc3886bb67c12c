"""Who reads the reports: the management team (coordinators, the monitoring team) and the schedulers, whose
coverage the reports show."""
import rules

from people.rules import is_coordinator, is_monitoring_team, is_scheduler

is_management = is_coordinator | is_monitoring_team | is_scheduler

rules.add_perm("reports.view_reports", is_management)
# the admin (common.admin asks <app>.<action>_<model>): the mailing log is read by coordinators
rules.add_perm("reports.view_dailyreportmailing", is_coordinator)
