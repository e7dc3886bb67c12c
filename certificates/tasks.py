"""Background work of the certificates app: tasks take ids and call a service."""
from django_tasks import task


@task()
def run_certificate_batch(batch_id: int) -> None:
    from certificates.services import batch_run

    batch_run(batch_id=batch_id)
