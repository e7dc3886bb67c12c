"""Stale forms: a record carries a ``version`` that every change bumps; a form posts the version it showed.

A form loaded before somebody else's change is refused instead of silently overwriting that change.
"""
from __future__ import annotations

from django import forms
from django.db import models


class Versioned(models.Model):
    # Bumped by every change; a form that carries an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


def is_stale(instance: models.Model, expected_version: int | None) -> bool:
    """True when the form showed an older version than the (locked) record has now."""
    return expected_version is not None and instance.version != expected_version


def save_new_version(instance: models.Model, *fields: str) -> None:
    """Save the named fields and a version one higher, so every form showing the old one becomes stale."""
    instance.version += 1
    extra = ["updated_at"] if any(f.name == "updated_at" for f in instance._meta.concrete_fields) else []
    instance.save(update_fields=[*fields, "version", *extra])


class VersionField(forms.IntegerField):
    """The hidden field a form posts its version in."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


def posted_version(data) -> int | None:
    """The version a form posted, or None when it posted none (then nothing is compared)."""
    try:
        return int(data["version"])
    except (KeyError, TypeError, ValueError):
        return None
