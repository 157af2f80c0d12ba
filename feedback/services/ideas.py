"""Writes of improvement ideas: submission, the review decisions, colleagues' votes and comments,
and the public roadmap.

Each status change tells the idea's submitter and supporters (`emails.notify_idea_status`, once
per status); each comment tells the people in the idea's conversation.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.references import next_reference
from core.saving import validated_save
from journeys.models import Touchpoint

from .. import emails
from ..lifecycle import IDEA_TRANSITIONS
from ..models import IdeaComment, IdeaEvent, IdeaVote, ImprovementIdea
from ..selectors.ideas import ROADMAP_STATUSES, may_see_idea


def _require_reviewer(by: User, idea: ImprovementIdea, action: str) -> None:
    if not by.has_perm("feedback.review_ideas"):
        raise PermissionDenied(_("Only quality managers review ideas."))


@transaction.atomic
def idea_submit(
    *,
    submitted_by: User,
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


def _idea_transition(
    idea: ImprovementIdea, action: str, by: Any, text: str, at: datetime | None, **fields: Any
) -> ImprovementIdea:
    move = IDEA_TRANSITIONS.begin(idea, action, by=by, guard=_require_reviewer)
    at = at or timezone.now()
    validated_save(move.row, status=move.target, **fields)
    IdeaEvent.objects.create(idea=move.row, actor=by, at=at, to_status=move.target, text=text)
    emails.notify_idea_status(move.row, move.target, actor=by, text=text)
    idea.refresh_from_db()
    return idea


def _roadmap(on_roadmap: bool | None) -> dict[str, Any]:
    """Return the roadmap field of a decision: unchanged unless the reviewer said."""
    return {} if on_roadmap is None else {"on_roadmap": on_roadmap}


@transaction.atomic
def idea_review(*, idea: ImprovementIdea, by: User, at: datetime | None = None) -> ImprovementIdea:
    """Take an idea into review."""
    return _idea_transition(idea, "review", by, "", at)


@transaction.atomic
def idea_accept(
    *,
    idea: ImprovementIdea,
    by: User,
    reason: str = "",
    at: datetime | None = None,
    on_roadmap: bool | None = None,
) -> ImprovementIdea:
    """Accept an idea: it becomes a candidate for a PDCA cycle (and, when the reviewer says so,
    a planned item of the public roadmap)."""
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
        **_roadmap(on_roadmap),
    )


@transaction.atomic
def idea_decline(
    *, idea: ImprovementIdea, by: User, reason: str, at: datetime | None = None
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
    *,
    idea: ImprovementIdea,
    by: User,
    note: str = "",
    at: datetime | None = None,
    on_roadmap: bool | None = None,
) -> ImprovementIdea:
    """Mark an accepted idea as implemented (shown as done on the public roadmap when the
    reviewer says so)."""
    at = at or timezone.now()
    return _idea_transition(
        idea, "implement", by, note.strip(), at, implemented_at=at, **_roadmap(on_roadmap)
    )


@transaction.atomic
def idea_set_roadmap(*, idea: ImprovementIdea, by: User, on_roadmap: bool) -> ImprovementIdea:
    """Show an accepted or implemented idea on the public roadmap, or take it off."""
    _require_reviewer(by, idea, "roadmap")
    # Locked: a decision taken at the same moment must not put a declined idea on the roadmap.
    locked = ImprovementIdea.objects.select_for_update().get(pk=idea.pk)
    if on_roadmap and locked.status not in ROADMAP_STATUSES:
        raise ValidationError(
            {
                "on_roadmap": _(
                    "Only an accepted or implemented idea can be shown on the public roadmap; "
                    "%(reference)s is %(status)s."
                )
                % {"reference": locked.reference, "status": locked.get_status_display().lower()}
            }
        )
    validated_save(locked, on_roadmap=on_roadmap)
    idea.refresh_from_db()
    return idea


@transaction.atomic
def idea_comment(*, idea: ImprovementIdea, by: User, text: str) -> IdeaComment:
    """Add a comment to the idea's conversation; the people in it are told.

    Whoever may see the idea may comment on it (`selectors.ideas_visible_to`).
    """
    if not may_see_idea(by, idea):
        raise PermissionDenied(_("Only colleagues who may see this idea comment on it."))
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    comment = validated_save(
        IdeaComment(idea=idea, author=by, text=text.strip(), created_at=timezone.now())
    )
    emails.notify_idea_comment(comment)
    return comment


VOTABLE_IDEA_STATUSES = frozenset({"submitted", "under_review", "accepted"})


@transaction.atomic
def idea_vote(*, idea: ImprovementIdea, voter: User) -> IdeaVote:
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
def idea_unvote(*, idea: ImprovementIdea, voter: User) -> None:
    """Withdraw one's support for an idea (nothing happens if there was none)."""
    IdeaVote.objects.filter(idea=idea, voter=voter).delete()


@transaction.atomic
def idea_record_outcome(
    *, idea: ImprovementIdea, outcome: str, implemented_at: datetime | None = None
) -> ImprovementIdea:
    """Record what became of an idea, in words its submitter reads; a date marks it implemented.

    Written by the PDCA cycle the idea started when that cycle is decided: an adopted change
    implements the idea without a second review. The submitter and the supporters are told
    (once for the status, once per new outcome).
    """
    fields: dict[str, Any] = {"outcome": outcome[:300]}
    news = "outcome" if fields["outcome"] and fields["outcome"] != idea.outcome else ""
    if implemented_at is not None and idea.status == ImprovementIdea.Status.ACCEPTED:
        fields.update(status=ImprovementIdea.Status.IMPLEMENTED, implemented_at=implemented_at)
        IdeaEvent.objects.create(
            idea=idea, actor=None, at=implemented_at, to_status=fields["status"], text=outcome
        )
        news = ImprovementIdea.Status.IMPLEMENTED
    saved = validated_save(idea, **fields)
    if news:
        emails.notify_idea_status(saved, news, actor=None, text=saved.outcome)
    return saved
