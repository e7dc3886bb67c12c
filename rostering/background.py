"""What the rostering app runs in the background by itself: its periodic jobs (``common.periodic``) and the
sweep of roster runs left solving by a worker that stopped (``common.jobs``)."""
from datetime import timedelta

from common.jobs import register_job_sweep
from common.periodic import register_periodic
from rostering.services import runs_fail_lost
from rostering.tasks import queue_due_reminders

register_periodic("rostering.shift_reminders", queue_due_reminders, every=timedelta(minutes=15))

register_job_sweep("rostering.runs", runs_fail_lost)
