"""What the credentialing app runs in the background by itself: its periodic jobs (``common.periodic``) and the
sweep of its imports left running by a worker that stopped (``common.jobs``)."""
from datetime import time

from common.jobs import register_job_sweep
from common.periodic import register_periodic
from credentialing.import_jobs import imports_fail_lost
from credentialing.tasks import run_credentials_sweep

# once a day in the quiet hours, platform time (``manage.py credentials_sweep`` does the same by hand)
register_periodic("credentialing.credentials_sweep", run_credentials_sweep, daily_at=time(3, 15))

register_job_sweep("credentialing.imports", imports_fail_lost)
