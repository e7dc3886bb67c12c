"""The training completion certificate's data: every counselor ready for duty, with the areas of their
programme, the hours they attended in each, the areas they were assessed in, and the day they completed it.

Registered with the certificates app from ``TrainingConfig.ready()``. Who qualifies is decided where
readiness is decided (``training.selectors.trained_for_duty`` over ``training.readiness``); this module
only puts it into the certificate's words.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils import translation

from certificates import registry
from certificates.enums import CertificateKind
from certificates.kinds import PLATFORM_ZONE, certificate_language, training_completion_snapshot
from training.enums import Area
from training.readiness import Readiness
from training.selectors import trained_for_duty


def _area_name(code: str) -> str:
    return str(Area(code).label) if code in Area.values else code


def _snapshot(trainee, readiness: Readiness, language: str) -> dict:
    with translation.override(language):
        areas = [(_area_name(verdict.area), Decimal(verdict.minutes) / 60) for verdict in readiness.areas]
        assessed = [_area_name(verdict.area) for verdict in readiness.areas
                    if verdict.assessment_required and verdict.assessment_met]
    user = trainee.user
    return training_completion_snapshot(
        holder_name=user.full_name or user.email,
        language=language,
        completed_on=trainee.ready_at.astimezone(PLATFORM_ZONE).date(),
        areas=areas,
        assessed=assessed,
    )


def training_completion_source(holder_ids: Iterable[int] | None, language: str | None = None) -> dict[int, dict]:
    """Every counselor who completed the programme and is ready for duty (or those among ``holder_ids``),
    in the same five queries whatever their number."""
    return {trainee.user_id: _snapshot(trainee, readiness, certificate_language(language or trainee.user.language))
            for trainee, readiness in trained_for_duty(holder_ids)}


registry.register_source(CertificateKind.TRAINING_COMPLETION, training_completion_source)
