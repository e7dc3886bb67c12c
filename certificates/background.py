"""What the certificates app runs in the background by itself: the sweep of batches left rendering by a worker
that stopped (``common.jobs``)."""
from certificates.batches import batches_fail_lost
from common.jobs import register_job_sweep

register_job_sweep("certificates.batches", batches_fail_lost)
