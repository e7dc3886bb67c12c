"""What the supervision app runs in the background by itself: its periodic jobs (``common.periodic``) and the
sweep of placement rounds left waiting by a worker that stopped (``common.jobs``)."""
from datetime import timedelta

from django_tasks import task

from common.jobs import register_job_sweep
from common.periodic import register_periodic
from supervision.placing import placement_rounds_fail_lost


@task()
def flag_unclaimed_escalations() -> list[int]:
    """Flag the escalations nobody claimed within 10 minutes (every minute, from the periodic schedule)."""
    from supervision.services import escalations_flag_unclaimed

    return escalations_flag_unclaimed()


# an escalation unclaimed for 10 minutes is flagged within the minute after
register_periodic("supervision.escalation_sweep", flag_unclaimed_escalations, every=timedelta(minutes=1))

# placement rounds whose worker stopped end failed with the reason; the planner places the date again
register_job_sweep("supervision.placements", placement_rounds_fail_lost)
