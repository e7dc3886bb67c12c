"""What the supervision app runs in the background by itself: its periodic jobs (``common.periodic``)."""
from datetime import timedelta

from django_tasks import task

from common.periodic import register_periodic


@task()
def flag_unclaimed_escalations() -> list[int]:
    """Flag the escalations nobody claimed within 10 minutes (every minute, from the periodic schedule)."""
    from supervision.services import escalations_flag_unclaimed

    return escalations_flag_unclaimed()


# an escalation unclaimed for 10 minutes is flagged within the minute after
register_periodic("supervision.escalation_sweep", flag_unclaimed_escalations, every=timedelta(minutes=1))
