"""What the shared machinery runs in the background by itself: its periodic jobs (``common.periodic``)."""
from datetime import time, timedelta

from common.mail import deliver_mail
from common.periodic import register_periodic
from common.tasks import prune_bookkeeping, sweep_stale_jobs

register_periodic("common.sweep_stale_jobs", sweep_stale_jobs, every=timedelta(minutes=1))
# messages whose retry's task was lost (a worker killed while it waited) still go out
register_periodic("common.deliver_due_mail", deliver_mail, every=timedelta(minutes=1))
register_periodic("common.prune_bookkeeping", prune_bookkeeping, daily_at=time(4, 30))
