"""Plan the year's improvement ideas, their decisions and colleagues' votes."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from feedback.models import IdeaEvent, IdeaVote, ImprovementIdea
from journeys.models import Touchpoint

from .handling import Version
from .planning import (
    DAYS,
    TROUBLE_ENDS_DAYS_AGO,
    TROUBLE_STARTS_DAYS_AGO,
    YearPlanner,
    in_sentence,
    owner_name,
)
from .texts import IdeaText, idea_wording

IDEA_COUNT = 150
# The demo frontline login's ideas: (status today, days ago submitted, about the courier).
FRONTLINE_LOGIN_IDEAS = [
    ("implemented", 300, False),
    ("implemented", 175, True),
    ("declined", 150, False),
    ("accepted", 95, False),
    ("under_review", 24, False),
    ("submitted", 3, False),
]
IDEA_OUTCOMES = {"implemented": 38, "accepted": 16, "declined": 22, "under_review": 24}
VOTES_BY_STATUS = {
    "implemented": (4, 15),
    "accepted": (3, 14),
    "declined": (0, 6),
    "under_review": (1, 10),
    "submitted": (0, 5),
}
MONTHS = [
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip

IdeaStatus = ImprovementIdea.Status


@dataclass
class IdeaStep:
    """One planned entry of an idea's timeline."""

    status: str
    at: datetime
    actor: User
    text: str = ""


@dataclass
class IdeaDraft:
    """An improvement idea being planned."""

    text: IdeaText
    touchpoint: Touchpoint | None
    submitted_at: datetime
    submitted_by: User
    outcome: str  # the status it heads for; the present moment may cut it short
    source: str = ImprovementIdea.Source.STAFF
    duplicate_of: "IdeaDraft | None" = None
    steps: list[IdeaStep] = field(default_factory=list)
    idea: ImprovementIdea = field(init=False)
    versions: list[Version] = field(default_factory=list)  # filled by replay_idea


class IdeaPlanner(YearPlanner):
    """Plan the ideas: who submits them when, their way through review, and their support."""

    def ideas(self) -> list[IdeaDraft]:
        """Plan the year's ideas, oldest first (each idea's way drawn from its own stream, so
        that the hour of the load, which cuts today's ideas short, shifts no other idea)."""
        self.draw_from("ideas")
        rng = self.random
        texts = list(idea_wording().ideas)
        rng.shuffle(texts)
        drafts = []
        for status, age, about_courier in FRONTLINE_LOGIN_IDEAS:
            text = next(text for text in texts if text.about_trouble_partner == about_courier)
            texts.remove(text)
            moment = self.workday_moment(age)
            drafts.append(self.idea_draft(text, moment, self.people.frontline_login, status))
        outcomes, weights = list(IDEA_OUTCOMES), list(IDEA_OUTCOMES.values())
        for text in texts:
            if text.about_trouble_partner:  # while SwiftParcel's trouble was on everyone's mind
                days_ago = rng.uniform(TROUBLE_ENDS_DAYS_AGO - 25, TROUBLE_STARTS_DAYS_AGO - 15)
            else:
                days_ago = rng.uniform(0, DAYS - 1)
            outcome = rng.choices(outcomes, weights=weights)[0]
            drafts.append(
                self.idea_draft(text, self.workday_moment(days_ago), self.idea_submitter(), outcome)
            )
        drafts += self.duplicate_ideas(drafts, IDEA_COUNT - len(drafts))
        drafts.sort(key=lambda draft: draft.submitted_at)
        for draft in drafts:
            self.draw_from(f"idea-{idea_key(draft)}")
            draft.steps = [step for step in self.idea_steps(draft) if step.at <= self.now]
        return drafts

    def idea_draft(
        self, text: IdeaText, submitted_at: datetime, submitted_by: User, outcome: str
    ) -> IdeaDraft:
        """Return an idea being planned."""
        return IdeaDraft(
            text=text,
            touchpoint=self.touchpoints_by_name.get(text.touchpoint),
            submitted_at=submitted_at,
            submitted_by=submitted_by,
            outcome=outcome,
            # Some ideas come from customers, passed on by the colleague who heard them.
            source=(
                ImprovementIdea.Source.CUSTOMER
                if self.random.random() < 0.1
                else ImprovementIdea.Source.STAFF
            ),
        )

    def duplicate_ideas(self, originals: list[IdeaDraft], count: int) -> list[IdeaDraft]:
        """Return ideas that colleagues submit again, declined with a pointer to the first."""
        rng = self.random
        # In whole days: the same candidates and draws at any hour of the day.
        candidates = [draft for draft in originals if self.days_ago(draft.submitted_at) > 30]
        duplicates = []
        for original in rng.sample(candidates, max(0, min(count, len(candidates)))):
            age = self.days_ago(original.submitted_at)
            moment = self.working_moment(
                original.submitted_at + timedelta(days=rng.uniform(7, min(60, age - 2)))
            )
            submitter = self.idea_submitter()
            prefix = rng.choice(idea_wording().duplicate_prefixes)
            if moment >= self.now or submitter.pk == original.submitted_by.pk:
                continue
            text = replace(original.text, problem=f"{prefix} {original.text.problem}")
            duplicate = self.idea_draft(text, moment, submitter, IdeaStatus.DECLINED)
            duplicate.duplicate_of = original
            duplicates.append(duplicate)
        return duplicates

    def idea_steps(self, draft: IdeaDraft) -> list[IdeaStep]:
        """Plan an idea's timeline up to the status it heads for.

        The ages of the frontline login's ideas leave room for the longest timeline, so that the
        present moment does not cut them short.
        """
        rng = self.random
        moment = draft.submitted_at
        steps = [IdeaStep(IdeaStatus.SUBMITTED, moment, draft.submitted_by)]
        if draft.outcome == IdeaStatus.SUBMITTED:
            return steps
        reviewer = self.manager()
        if draft.outcome == IdeaStatus.UNDER_REVIEW or rng.random() < 0.85:
            moment = self.working_moment(moment + timedelta(days=rng.uniform(0.5, 10)))
            steps.append(IdeaStep(IdeaStatus.UNDER_REVIEW, moment, reviewer))
        if draft.outcome == IdeaStatus.UNDER_REVIEW:
            return steps
        wait = rng.uniform(1, 7) if draft.duplicate_of else rng.uniform(2, 30)
        moment = self.working_moment(moment + timedelta(days=wait))
        fills = {"touchpoint": in_sentence(draft.touchpoint), "owner": owner_name(draft.touchpoint)}
        if draft.outcome == IdeaStatus.DECLINED:
            steps.append(
                IdeaStep(IdeaStatus.DECLINED, moment, reviewer, self.decline_reason(draft))
            )
            return steps
        wording = idea_wording()
        reasons = wording.accept_reasons
        if draft.text.about_trouble_partner and rng.random() < 0.6:
            reasons = wording.trouble_accept_reasons
        reason = rng.choice(reasons).format_map(fills)
        steps.append(IdeaStep(IdeaStatus.ACCEPTED, moment, reviewer, reason))
        if draft.outcome == IdeaStatus.IMPLEMENTED:
            moment = self.working_moment(moment + timedelta(days=rng.uniform(14, 110)))
            local = self.local(moment)
            fills["date"] = f"{local.day} {MONTHS[local.month]}"
            note = rng.choice(wording.implement_notes).format_map(fills)
            steps.append(IdeaStep(IdeaStatus.IMPLEMENTED, moment, reviewer, note))
        return steps

    def decline_reason(self, draft: IdeaDraft) -> str:
        """Return why an idea is declined, in words its submitter learns from."""
        wording = idea_wording()
        if draft.duplicate_of is not None:
            return wording.duplicate_reason  # names the first idea once references are known
        touchpoint = draft.touchpoint
        partner = touchpoint.owner_partner if touchpoint is not None else None
        if partner is not None and self.random.random() < 0.3:
            return wording.partner_decline_reason.format(owner=partner.name)
        reason = self.random.choice(wording.decline_reasons)
        return reason.format(touchpoint=in_sentence(touchpoint))

    def votes(self, drafts: list[IdeaDraft]) -> list[IdeaVote]:
        """Return colleagues' support: never the submitter's own, only while the idea is open."""
        votes = []
        everyone = self.people.everyone
        for draft in drafts:
            self.draw_from(f"votes-{idea_key(draft)}")
            idea = draft.idea
            low, high = (0, 2) if draft.duplicate_of else VOTES_BY_STATUS[idea.status]
            voters = [person for person in everyone if person.pk != idea.submitted_by.pk]
            if idea.status == IdeaStatus.DECLINED:
                until = idea.decided_at or self.now
            else:
                until = idea.implemented_at or self.now
            count = min(self.random.randint(low, high), len(voters))
            for voter in self.random.sample(voters, count):
                voted_at = idea.submitted_at + (until - idea.submitted_at) * self.random.uniform(
                    0.02, 0.98
                )
                votes.append(IdeaVote(idea=idea, voter=voter, voted_at=voted_at))
        return votes


def idea_key(draft: IdeaDraft) -> str:
    """Return what names an idea's random streams: its title, and whether it is a duplicate."""
    return f"{draft.text.title}{' (again)' if draft.duplicate_of else ''}"


def idea_row(draft: IdeaDraft) -> ImprovementIdea:
    """Return the unsaved row of a planned idea, in its submitted state."""
    text = draft.text
    return ImprovementIdea(
        title=text.title,
        problem=text.problem,
        proposal=text.proposal,
        expected_benefit=text.benefit,
        touchpoint=draft.touchpoint,
        source=draft.source,
        submitted_by=draft.submitted_by,
        submitted_at=draft.submitted_at,
    )


def _columns(idea: ImprovementIdea) -> dict[str, Any]:
    """Return the idea's columns as a version of its history keeps them (all but the id)."""
    return {
        field.attname: getattr(idea, field.attname)
        for field in ImprovementIdea._meta.concrete_fields
        if not field.primary_key
    }


def replay_idea(draft: IdeaDraft) -> list[IdeaEvent]:
    """Set the idea's fields as the services would after its steps; return the events.

    The draft's versions are the rows its history keeps: submitted by its author, then one per
    step that changed the row, signed and dated like the timeline.
    """
    idea = draft.idea
    events = []
    draft.versions = [Version(draft.submitted_at, draft.submitted_by, _columns(idea))]
    for step in draft.steps:
        text = step.text
        if draft.duplicate_of is not None and step.status == IdeaStatus.DECLINED:
            text = text.format(original=draft.duplicate_of.idea.reference)
        idea.status = step.status
        if step.status in (IdeaStatus.ACCEPTED, IdeaStatus.DECLINED):
            idea.decision_reason = text
            idea.decided_by = step.actor
            idea.decided_at = step.at
        elif step.status == IdeaStatus.IMPLEMENTED:
            idea.implemented_at = step.at
        events.append(
            IdeaEvent(idea=idea, actor=step.actor, at=step.at, to_status=step.status, text=text)
        )
        columns = _columns(idea)
        if columns != draft.versions[-1].fields:
            draft.versions.append(Version(step.at, step.actor, columns))
    return events
