"""Links an approved applicant is shown next, contributed by the apps above credentialing.

Credentialing cannot name their pages (apps depend downward only, templates included), so each upper app
registers its link here from its ``ready()``: ``register_after_approval("certificate", _("Download your
certificate"), "certificates:mine")``.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NextStep:
    key: str
    label: Promise | str
    url_name: str
    order: int = 100


_AFTER_APPROVAL: dict[str, NextStep] = {}


def register_after_approval(key: str, label: Promise | str, url_name: str, *, order: int = 100) -> None:
    """Idempotent per key."""
    _AFTER_APPROVAL[key] = NextStep(key, label, url_name, order)


def after_approval_links() -> list[dict]:
    return [{"label": str(step.label), "url": reverse(step.url_name)}
            for step in sorted(_AFTER_APPROVAL.values(), key=lambda step: (step.order, step.key))]
