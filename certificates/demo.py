"""Certificates in the demo data: a few of every kind, issued (not rendered: a PDF is made when someone
downloads it), so that *My certificates*, the coordinators' list and the public check have something to show.

The admission and supervisor appointment certificates are issued here (``seed``), right after credentialing's
demo data; training completion and service records by the training and rostering demo extensions once their
records exist, through ``issue_demo_certificates``. The reset here removes every demo person's certificates of
all kinds, and the batches demo staff asked for, with their files (it runs after the apps above have reset:
extensions reset in reverse order).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from certificates import registry
from certificates.enums import CertificateKind
from certificates.models import Certificate, CertificateBatch
from certificates.periods import Period
from certificates.services import commit_issue, plan_issue
from credentialing.demo import DEMO_DOMAIN, register_demo_extension

SHOWCASE = (f"counselor@{DEMO_DOMAIN}", f"supervisor@{DEMO_DOMAIN}")
OTHERS = 5  # besides the demo accounts, this many people get each kind


def _pick(snapshots: dict[int, dict], showcase_ids: Iterable[int], others: int) -> dict[int, dict]:
    """The demo accounts' snapshots first, then the ``others`` lowest ids: a few, the same for a seed."""
    chosen = [pk for pk in showcase_ids if pk in snapshots]
    chosen += sorted(pk for pk in snapshots if pk not in chosen)[:others]
    return {pk: snapshots[pk] for pk in chosen}


def issue_demo_certificates(kind: str, *, period: Period | None = None, others: int = OTHERS) -> int:
    """Issue certificates of ``kind`` (for ``period`` if it covers one) to the demo accounts that qualify and
    a few other people, as a coordinator would; returns how many. Nothing is rendered."""
    from people.models import User

    spec = registry.spec(kind)
    if not spec.available or (spec.periodic and period is None):
        return 0
    showcase_ids = User.objects.filter(email__in=SHOWCASE).order_by("email").values_list("pk", flat=True)
    snapshots = _pick(spec.snapshots(None, None, period), showcase_ids, others)
    plan = commit_issue(plan_issue(kind=kind, snapshots=snapshots, period=period))
    return len(plan.new)


@transaction.atomic
def seed(*, seed: int = 1) -> dict:
    return {"admission certificates": issue_demo_certificates(CertificateKind.ADMISSION),
            "supervisor appointment certificates": issue_demo_certificates(CertificateKind.SUPERVISOR_APPOINTMENT,
                                                                           others=2)}


@transaction.atomic
def reset(users) -> None:
    """Every certificate of a demo person (they are protected: the people could not go otherwise), the
    batches demo staff asked for, their audit entries and their stored files."""
    from common.models import AuditEntry

    certificates = Certificate.objects.filter(holder__in=users)
    batches = CertificateBatch.objects.filter(requested_by__in=users)
    files = [name for name in (*certificates.values_list("file", flat=True), *batches.values_list("file", flat=True))
             if name]
    for model, rows in ((Certificate, certificates), (CertificateBatch, batches)):
        AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(model),
                                  target_id__in=list(rows.values_list("pk", flat=True))).delete()
    certificates.delete()
    batches.delete()
    storage = Certificate._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


register_demo_extension("certificates", seed=seed, reset=reset)
