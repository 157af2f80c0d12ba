"""Writes of improvement ideas: submission, the review decisions, and colleagues' votes."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.references import next_reference
from core.saving import validated_save
from journeys.models import Touchpoint

from ..models import IdeaEvent, IdeaVote, ImprovementIdea


def _require_reviewer(by: Any) -> None:
    if not by.has_perm("feedback.review_ideas"):
        raise PermissionDenied(_("Only quality managers review ideas."))


@transaction.atomic
def idea_submit(
    *,
    submitted_by: Any,
    title: str,
    problem: str,
    proposal: str,
    expected_benefit: str = "",
    touchpoint: Touchpoint | None = None,
    source: str = ImprovementIdea.Source.STAFF,
    submitted_at: datetime | None = None,
) -> ImprovementIdea:
    """Submit an improvement idea; it gets a reference and waits for review."""
    submitted_at = submitted_at or timezone.now()
    idea = ImprovementIdea(
        title=title.strip(),
        problem=problem.strip(),
        proposal=proposal.strip(),
        expected_benefit=expected_benefit.strip(),
        touchpoint=touchpoint,
        source=source,
        submitted_by=submitted_by,
        submitted_at=submitted_at,
        reference="pending",
    )
    idea.full_clean(exclude=["reference"])
    idea.reference = next_reference("IDEA", year=timezone.localtime(submitted_at).year)
    idea.save()
    IdeaEvent.objects.create(idea=idea, actor=submitted_by, at=submitted_at, to_status="submitted")
    return idea


IDEA_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "review": (frozenset({"submitted"}), "under_review"),
    "accept": (frozenset({"submitted", "under_review"}), "accepted"),
    "decline": (frozenset({"submitted", "under_review"}), "declined"),
    "implement": (frozenset({"accepted"}), "implemented"),
}


def _idea_transition(
    idea: ImprovementIdea, action: str, by: Any, text: str, at: datetime | None, **fields: Any
) -> ImprovementIdea:
    _require_reviewer(by)
    locked = ImprovementIdea.objects.select_for_update().get(pk=idea.pk)
    sources, target = IDEA_TRANSITIONS[action]
    if locked.status not in sources:
        allowed = ", ".join(
            sorted(str(ImprovementIdea.Status(status).label).lower() for status in sources)
        )
        raise ApplicationError(
            _("%(reference)s is %(status)s: only an idea that is %(allowed)s can be %(action)s.")
            % {
                "reference": locked.reference,
                "status": locked.get_status_display().lower(),
                "allowed": allowed,
                "action": {
                    "review": _("taken into review"),
                    "accept": _("accepted"),
                    "decline": _("declined"),
                    "implement": _("marked implemented"),
                }[action],
            },
            extra={"status": locked.status, "action": action},
        )
    at = at or timezone.now()
    validated_save(locked, status=target, **fields)
    IdeaEvent.objects.create(idea=locked, actor=by, at=at, to_status=target, text=text)
    idea.refresh_from_db()
    return idea


@transaction.atomic
def idea_review(*, idea: ImprovementIdea, by: Any, at: datetime | None = None) -> ImprovementIdea:
    """Take an idea into review."""
    return _idea_transition(idea, "review", by, "", at)


@transaction.atomic
def idea_accept(
    *, idea: ImprovementIdea, by: Any, reason: str = "", at: datetime | None = None
) -> ImprovementIdea:
    """Accept an idea: it becomes a candidate for a PDCA cycle."""
    at = at or timezone.now()
    return _idea_transition(
        idea,
        "accept",
        by,
        reason.strip(),
        at,
        decision_reason=reason.strip(),
        decided_by=by,
        decided_at=at,
    )


@transaction.atomic
def idea_decline(
    *, idea: ImprovementIdea, by: Any, reason: str, at: datetime | None = None
) -> ImprovementIdea:
    """Decline an idea with the reason its submitter will read."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the submitter learns from it.")})
    at = at or timezone.now()
    return _idea_transition(
        idea,
        "decline",
        by,
        reason.strip(),
        at,
        decision_reason=reason.strip(),
        decided_by=by,
        decided_at=at,
    )


@transaction.atomic
def idea_implement(
    *, idea: ImprovementIdea, by: Any, note: str = "", at: datetime | None = None
) -> ImprovementIdea:
    """Mark an accepted idea as implemented."""
    at = at or timezone.now()
    return _idea_transition(idea, "implement", by, note.strip(), at, implemented_at=at)


VOTABLE_IDEA_STATUSES = frozenset({"submitted", "under_review", "accepted"})


@transaction.atomic
def idea_vote(*, idea: ImprovementIdea, voter: Any) -> IdeaVote:
    """Support a colleague's idea (once per person; not one's own, not after a decision)."""
    if idea.submitted_by_id == voter.pk:
        raise ApplicationError(_("You cannot support your own idea."))
    if idea.status not in VOTABLE_IDEA_STATUSES:
        raise ApplicationError(
            _("%(reference)s is %(status)s: it no longer collects support.")
            % {"reference": idea.reference, "status": idea.get_status_display().lower()}
        )
    vote = IdeaVote(idea=idea, voter=voter)
    try:
        vote.full_clean()
    except ValidationError:
        raise ApplicationError(_("You already support this idea.")) from None
    vote.save()
    return vote


@transaction.atomic
def idea_unvote(*, idea: ImprovementIdea, voter: Any) -> None:
    """Withdraw one's support for an idea (nothing happens if there was none)."""
    IdeaVote.objects.filter(idea=idea, voter=voter).delete()
