"""Reads of improvement ideas: who may see them, the list and its search, the conversation, and
the public roadmap."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core.roles import Role

from ..models import IdeaComment, IdeaEvent, IdeaVote, ImprovementIdea

# What the idea search looks in: the reference and every text colleagues and reviewers write
# that says what the idea is about (not the decision's reason, which is about the decision).
SEARCH_FIELDS = ("reference", "title", "problem", "proposal", "outcome")
SEARCH_MAX_LENGTH = 100
# Words beyond these are ignored: each word adds a condition on every field (a bounded query).
SEARCH_MAX_WORDS = 8
ROADMAP_STATUSES = (ImprovementIdea.Status.ACCEPTED, ImprovementIdea.Status.IMPLEMENTED)


def ideas_visible_to(user: Any) -> QuerySet[ImprovementIdea]:
    """Return the ideas the user may see, and so support and comment on.

    Ideas are shared across the organisation: every holder of the role table's permission to
    view ideas (every staff role) sees them all; partner contacts and anonymous visitors none.
    """
    if not user.has_perm("feedback.view_improvementidea"):
        return ImprovementIdea.objects.none()
    return ImprovementIdea.objects.all()


def may_see_idea(user: Any, idea: ImprovementIdea) -> bool:
    """Return whether the user may see the idea (and so take part in its conversation)."""
    return ideas_visible_to(user).filter(pk=idea.pk).exists()


def idea_search(ideas: QuerySet[ImprovementIdea], search: str) -> QuerySet[ImprovementIdea]:
    """Return the ideas containing every word of the search (in any case) in their reference,
    title, problem, proposal or outcome."""
    for word in search[:SEARCH_MAX_LENGTH].split()[:SEARCH_MAX_WORDS]:
        anywhere = Q()
        for name in SEARCH_FIELDS:
            anywhere |= Q(**{f"{name}__icontains": word})
        ideas = ideas.filter(anywhere)
    return ideas


def _comment_count() -> Coalesce:
    # A subquery rather than a second Count join: votes times comments rows would be grouped.
    counted = (
        IdeaComment.objects.filter(idea=OuterRef("pk"))
        .order_by()
        .values("idea")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def idea_list(user: Any, *, search: str = "") -> QuerySet[ImprovementIdea]:
    """Return the ideas the user may see (matching the search, if any) with their support
    count, their comment count and whether the user supports each."""
    ideas = idea_search(ideas_visible_to(user), search)
    return ideas.select_related("touchpoint__stage__journey", "submitted_by").annotate(
        vote_count=Count("votes", distinct=True),
        comment_count=_comment_count(),
        supported=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), voter=user.pk)),
    )


def idea_status_counts(user: Any, *, search: str = "") -> dict[str, int]:
    """Return how many of the ideas the user may see (matching the search) are in each status."""
    ideas = idea_search(ideas_visible_to(user), search)
    return dict(ideas.order_by().values_list("status").annotate(count=Count("id")))


def idea_timeline(idea: ImprovementIdea) -> QuerySet[IdeaEvent]:
    """Return the idea's events, oldest first, with who took them."""
    return idea.events.select_related("actor").order_by("at", "id")


def idea_comments(idea: ImprovementIdea) -> QuerySet[IdeaComment]:
    """Return the idea's conversation, oldest first, with who wrote each comment."""
    return idea.comments.select_related("author").order_by("created_at", "id")


def quality_managers_among(user_ids: Iterable[int | None]) -> set[int]:
    """Return which of the people are quality managers (a conversation marks their comments)."""
    wanted = [pk for pk in user_ids if pk is not None]
    if not wanted:
        return set()
    managers = User.objects.filter(pk__in=wanted, groups__name=Role.QUALITY_MANAGER.value)
    return set(managers.values_list("pk", flat=True))


def my_ideas(user: Any) -> QuerySet[ImprovementIdea]:
    """Return the ideas the user submitted, newest first, with support counts."""
    return idea_list(user).filter(submitted_by=user).order_by("-submitted_at", "-id")


def ideas_awaiting_review_count() -> int:
    """Return how many ideas are submitted or under review, waiting for a decision."""
    waiting = [ImprovementIdea.Status.SUBMITTED, ImprovementIdea.Status.UNDER_REVIEW]
    return ImprovementIdea.objects.filter(status__in=waiting).count()


def roadmap_ideas(status: str = "") -> QuerySet[ImprovementIdea]:
    """Return the ideas on the public roadmap: accepted (planned) or implemented (done) ones a
    reviewer chose to show, planned first, the latest news first.

    Only what the public page shows is read (title, status, dates, outcome, the touchpoint's and
    journey's names): never who submitted the idea, nor its problem, proposal or reasons.
    `status` narrows it to "accepted" or "implemented".
    """
    statuses = [status] if status in ROADMAP_STATUSES else list(ROADMAP_STATUSES)
    return (
        ImprovementIdea.objects.filter(on_roadmap=True, status__in=statuses)
        .select_related("touchpoint__stage__journey")
        .only(
            "title",
            "status",
            "decided_at",
            "implemented_at",
            "outcome",
            "touchpoint__name",
            "touchpoint__stage__journey__name",
        )
        .annotate(news_at=Coalesce("implemented_at", "decided_at", "submitted_at"))
        .order_by("status", "-news_at", "-id")
    )
