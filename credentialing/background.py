"""What the credentialing app runs in the background by itself: its periodic jobs (``common.periodic``) and the
sweep of its imports left running by a worker that stopped (``common.jobs``)."""
from datetime import time

from django_tasks import task

from common.jobs import register_job_sweep
from common.periodic import register_periodic
from credentialing.import_jobs import imports_fail_lost


@task()
def run_credentials_sweep() -> dict:
    """The daily sweep (README, *Daily sweep*): expiry notices, pauses and restorations, then the retention purge
    of evidence files. Idempotent: a run repeated or caught up after downtime sends and pauses nothing twice."""
    from django.utils import timezone

    from credentialing.expiry import credentials_sweep
    from credentialing.retention import evidence_files_purge

    report = credentials_sweep(today=timezone.localdate())
    purge = evidence_files_purge(now=timezone.now())
    return {"notices": len(report.notices), "paused": len(report.paused), "restored": len(report.restored),
            "files_deleted": purge.files}


# once a day in the quiet hours, platform time (``manage.py credentials_sweep`` does the same by hand)
register_periodic("credentialing.credentials_sweep", run_credentials_sweep, daily_at=time(3, 15))

register_job_sweep("credentialing.imports", imports_fail_lost)
