"""The registry of audit actions: every app's actions with their labels (see ``common.audit``)."""
from __future__ import annotations

from django.db import models
from django.utils.functional import Promise

_LABELS: dict[str, Promise | str] = {}


class UnknownAuditAction(ValueError):
    """An action no app registered: it could not be shown in words, so it is not recorded."""


def register_actions(choices: type[models.TextChoices]) -> type[models.TextChoices]:
    """Class decorator: the enum's values become known audit actions, shown by the enum's labels."""
    for value, label in choices.choices:
        if value in _LABELS and str(_LABELS[value]) != str(label):
            raise ValueError(f"The audit action {value!r} is registered twice with different labels.")
        _LABELS[value] = label
    return choices


def registered_actions() -> dict[str, Promise | str]:
    return dict(_LABELS)


def action_label(action: str) -> str:
    return str(_LABELS.get(action, action))
