"""What the supervision app runs in the background by itself: its periodic jobs (``common.periodic``)."""
from datetime import timedelta

from common.periodic import register_periodic
from supervision.tasks import flag_unclaimed_escalations

# an escalation unclaimed for 10 minutes is flagged within the minute after
register_periodic("supervision.escalation_sweep", flag_unclaimed_escalations, every=timedelta(minutes=1))
