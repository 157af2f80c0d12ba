"""Reads of the improvement app shared by pages, exports and the API.

Who sees what: every staff member with `improvement.view_pdcacycle` reads every cycle (cycles
hold no customer data: complaints show through their own visibility rule); no one else reads
any. `cycles_visible_to` is that rule, used by every page, export and API route.
"""

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from feedback.models import ImprovementIdea
from feedback.selectors import roadmap_ideas

from .lifecycle import OPEN_PHASES
from .models import OPEN_ACTION, CycleAction, PDCACycle, Suggestion


def cycles_visible_to(user: Any) -> QuerySet[PDCACycle]:
    """Return the cycles a user may read, with what lists and cards show."""
    if not user.is_authenticated or not user.has_perm("improvement.view_pdcacycle"):
        return PDCACycle.objects.none()
    return PDCACycle.objects.select_related(
        "owner", "journey", "touchpoint", "partner", "target_indicator", "parent"
    ).annotate(
        open_action_count=Count(
            "actions", filter=Q(actions__done_on__isnull=True, actions__deferred_reason="")
        )
    )


def actions_visible_to(user: Any) -> QuerySet[CycleAction]:
    """Return the actions a user may read (those of the cycles they may read)."""
    if not user.is_authenticated or not user.has_perm("improvement.view_cycleaction"):
        return CycleAction.objects.none()
    return CycleAction.objects.select_related("cycle", "owner")


def my_open_actions(user: Any) -> QuerySet[CycleAction]:
    """Return the open actions a person owns in cycles that are still running, soonest first."""
    return (
        actions_visible_to(user)
        .filter(OPEN_ACTION, owner=user, cycle__phase__in=OPEN_PHASES)
        .order_by("due_on", "id")
    )


def cycle_detail(user: Any, reference: str) -> PDCACycle:
    """Return one visible cycle with its actions, team, complaints and ideas loaded."""
    return (
        cycles_visible_to(user)
        .prefetch_related(
            Prefetch("actions", queryset=CycleAction.objects.select_related("owner")),
            "team",
            "complaints",
            "ideas",
            "follow_ups",
        )
        .get(reference=reference)
    )


def suggestions_visible_to(user: Any) -> QuerySet[Suggestion]:
    """Return the suggested cycles a user may read."""
    if not user.is_authenticated or not user.has_perm("improvement.view_suggestion"):
        return Suggestion.objects.none()
    return Suggestion.objects.select_related("touchpoint", "indicator", "audit", "partner", "cycle")


def published_changes() -> QuerySet[PDCACycle]:
    """Return the adopted changes someone chose to publish on "You said, we did", newest first.

    The public page shows only the title-free public summary and the month: no names, no
    personal data.
    """
    return (
        PDCACycle.objects.filter(outcome=PDCACycle.Outcome.ADOPT, publish=True)
        .exclude(public_summary="")
        .only("public_summary", "acted_on", "touchpoint__name")
        .select_related("touchpoint")
        .order_by("-acted_on", "-id")
    )


def roadmap(status: str = "") -> QuerySet[ImprovementIdea]:
    """Return the ideas on the public roadmap (`feedback.selectors.roadmap_ideas`), each done
    one with the public summary of the published change that implemented it, if any.

    Published changes say in customers' words what changed; an idea's own outcome is the
    fallback.
    """
    published = (
        PDCACycle.objects.filter(
            ideas=OuterRef("pk"), outcome=PDCACycle.Outcome.ADOPT, publish=True
        )
        .exclude(public_summary="")
        .order_by("-acted_on", "-id")
        .values("public_summary")[:1]
    )
    return roadmap_ideas(status).annotate(public_summary=Subquery(published))


def checks_due(today: Any = None) -> QuerySet[PDCACycle]:
    """Return cycles in Do whose planned check date has come, and Checks still waiting."""
    day = today or timezone.localdate()
    return PDCACycle.objects.filter(
        Q(phase=PDCACycle.Phase.DO, planned_check_on__lte=day)
        | Q(phase=PDCACycle.Phase.CHECK, verdict=PDCACycle.Verdict.INCONCLUSIVE)
    ).select_related("owner", "target_indicator")
