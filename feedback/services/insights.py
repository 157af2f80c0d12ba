"""Insights: every comment customers leave becomes taggable, and staff can type in notes."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.saving import validated_save
from journeys.models import Touchpoint

from ..models import Complaint, Insight, SurveyResponse, Theme


def _text_of_response(response: SurveyResponse) -> str:
    parts = [response.comment.strip(), response.improvement_suggestion.strip()]
    return "\n\n".join(part for part in parts if part)


@transaction.atomic
def insight_from_response(*, response: SurveyResponse) -> Insight | None:
    """Keep the response's comments as an insight (update it if the answer changed).

    Called by every service that saves a response; a response without words has no insight.
    Neither has an eNPS answer: insights are read one by one, and an employee's own words can
    point to them however many answers the pulse has, so eNPS comments never feed insights;
    they stay with the anonymous answer.
    """
    text = _text_of_response(response)
    existing = Insight.objects.filter(response=response).first()
    if not text or response.survey.is_employee_survey:
        if existing is not None:
            existing.delete()
        return None
    insight = existing or Insight(source=Insight.Source.SURVEY, response=response)
    return validated_save(
        insight, text=text, touchpoint_id=response.touchpoint_id, occurred_at=response.responded_at
    )


@transaction.atomic
def insight_from_complaint(*, complaint: Complaint) -> Insight:
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
    author: User,
    text: str,
    touchpoint: Touchpoint | None = None,
    themes: list[Theme] | None = None,
) -> Insight:
    """Record what a customer said to a member of staff, as a note (themes need a tagger)."""
    if not author.has_perm("feedback.add_insight"):
        raise PermissionDenied(_("Frontline staff and quality managers add notes."))
    if themes and not author.has_perm("feedback.change_insight"):
        raise PermissionDenied(_("Quality managers tag insights with themes."))
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
        insight.themes.set(_taggable(insight, themes))
    return insight


# Themes and tagging -----------------------------------------------------------------------------


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("Quality managers keep the list of themes and tag insights."))


@transaction.atomic
def theme_create(*, by: User, name: str, description: str = "", is_active: bool = True) -> Theme:
    """Add a theme to the list insights are tagged from."""
    _require(by, "feedback.add_theme")
    return validated_save(
        Theme(), name=name.strip(), description=description.strip(), is_active=is_active
    )


@transaction.atomic
def theme_update(
    *,
    theme: Theme,
    by: User,
    name: str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Theme:
    """Rename, describe, deactivate or reactivate a theme (its tags stay either way)."""
    _require(by, "feedback.change_theme")
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name.strip()
    if description is not None:
        changes["description"] = description.strip()
    if is_active is not None:
        changes["is_active"] = is_active
    return validated_save(theme, **changes)


@transaction.atomic
def theme_delete(*, theme: Theme, by: User) -> None:
    """Delete a theme and remove its tags (deactivating keeps the history instead)."""
    _require(by, "feedback.delete_theme")
    theme.delete()


def _taggable(insight: Insight, themes: Iterable[Theme]) -> list[Theme]:
    """Return the themes, refusing inactive ones the insight does not carry already."""
    chosen = list(dict.fromkeys(themes))
    current = set(insight.themes.values_list("pk", flat=True)) if insight.pk else set()
    retired = [theme.name for theme in chosen if not theme.is_active and theme.pk not in current]
    if retired:
        raise ValidationError(
            {
                "themes": _("These themes are no longer in use: %(names)s.")
                % {"names": ", ".join(retired)}
            }
        )
    return chosen


@transaction.atomic
def insight_tag(*, insight: Insight, themes: Iterable[Theme], by: User) -> Insight:
    """Set the themes of an insight (the list given replaces the one it had)."""
    _require(by, "feedback.change_insight")
    insight.themes.set(_taggable(insight, themes))
    return insight
