"""Reads of improvement ideas."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from ..models import IdeaEvent, IdeaVote, ImprovementIdea


def idea_list(user: Any) -> QuerySet[ImprovementIdea]:
    """Return ideas with their support count and whether the user supports each."""
    return ImprovementIdea.objects.select_related(
        "touchpoint__stage__journey", "submitted_by"
    ).annotate(
        vote_count=Count("votes", distinct=True),
        supported=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), voter=user.pk)),
    )


def idea_timeline(idea: ImprovementIdea) -> QuerySet[IdeaEvent]:
    """Return the idea's events, oldest first, with who took them."""
    return idea.events.select_related("actor").order_by("at", "id")


def my_ideas(user: Any) -> QuerySet[ImprovementIdea]:
    """Return the ideas the user submitted, newest first, with support counts."""
    return idea_list(user).filter(submitted_by=user).order_by("-submitted_at", "-id")


def ideas_awaiting_review_count() -> int:
    """Return how many ideas are submitted or under review, waiting for a decision."""
    waiting = [ImprovementIdea.Status.SUBMITTED, ImprovementIdea.Status.UNDER_REVIEW]
    return ImprovementIdea.objects.filter(status__in=waiting).count()
