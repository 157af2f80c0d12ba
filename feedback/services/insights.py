"""Insights: every comment customers leave becomes taggable, and staff can type in notes."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.saving import validated_save
from journeys.models import Touchpoint

from ..models import Complaint, Insight, SurveyResponse, Theme


def _text_of_response(response: SurveyResponse) -> str:
    parts = [response.comment.strip(), response.improvement_suggestion.strip()]
    return "\n\n".join(part for part in parts if part)


def insight_from_response(response: SurveyResponse) -> Insight | None:
    """Keep the response's comments as an insight (update it if the answer changed).

    Called by every service that saves a response; a response without words has no insight.
    """
    text = _text_of_response(response)
    existing = Insight.objects.filter(response=response).first()
    if not text:
        if existing is not None:
            existing.delete()
        return None
    insight = existing or Insight(source=Insight.Source.SURVEY, response=response)
    return validated_save(
        insight, text=text, touchpoint_id=response.touchpoint_id, occurred_at=response.responded_at
    )


def insight_from_complaint(complaint: Complaint) -> Insight:
    """Keep what the customer complained about as an insight."""
    insight = Insight.objects.filter(complaint=complaint).first() or Insight(
        source=Insight.Source.COMPLAINT, complaint=complaint
    )
    return validated_save(
        insight,
        text=complaint.description,
        touchpoint_id=complaint.touchpoint_id,
        occurred_at=complaint.received_at,
    )


@transaction.atomic
def insight_note(
    *,
    author: Any,
    text: str,
    touchpoint: Touchpoint | None = None,
    themes: list[Theme] | None = None,
) -> Insight:
    """Record what a customer said to a member of staff, as a note."""
    if not text.strip():
        raise ValidationError({"text": _("Write down what the customer said.")})
    insight = validated_save(
        Insight(source=Insight.Source.NOTE),
        text=text.strip(),
        touchpoint=touchpoint,
        author=author,
        occurred_at=timezone.now(),
    )
    if themes:
        insight.themes.set(themes)
    return insight
