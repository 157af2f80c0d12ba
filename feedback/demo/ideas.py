"""Plan the year's improvement ideas, their decisions and colleagues' votes; then the ideas'
conversations, the news their submitters and supporters were told, and the public roadmap."""

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone

from core.models import Notification
from feedback import emails
from feedback.models import IdeaComment, IdeaEvent, IdeaVote, ImprovementIdea
from journeys.models import Touchpoint

from .handling import Version
from .planning import (
    DAYS,
    QUALITY_LOGIN_SHARE,
    TROUBLE_ENDS_DAYS_AGO,
    TROUBLE_STARTS_DAYS_AGO,
    People,
    YearPlanner,
    in_sentence,
    owner_name,
)
from .texts import IdeaText, idea_wording, read_wording, record

BATCH_SIZE = 500  # rows per INSERT: well under SQLite's limit on query parameters

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


# Conversations, news and the public roadmap --------------------------------------------------

# The share of ideas colleagues talk about, by status today: open and accepted ideas draw the
# most comments, ideas nobody has looked at yet the fewest.
CONVERSATION_SHARE = {
    "submitted": 0.2,
    "under_review": 0.45,
    "accepted": 0.6,
    "implemented": 0.5,
    "declined": 0.35,
}
COMMENTS_BEFORE_DECISION = (1, 1, 2, 2, 3, 3, 4, 5)
AFTER_DECISION_SHARE = 0.5  # decided ideas whose conversation goes on after the decision
AFTER_DECISION_DAYS = 21
# What the public roadmap shows: accepted ideas (planned) and implemented ones (done).
ROADMAP_PLANNED = 5
ROADMAP_DONE = 7
# Draws for a comment's moment that look for office hours (a short window may have none).
OFFICE_HOUR_DRAWS = 8
NOTIFICATIONS_READ_AFTER = timedelta(hours=5)  # older news was read the same day
UNREAD_DAYS = 7  # the last week's news is still unread


@dataclass(frozen=True)
class IdeaConversationWording:
    """What colleagues, quality managers and submitters write in ideas' conversations, and
    which ideas are fit for the public roadmap."""

    roadmap_titles: tuple[str, ...]
    colleague: tuple[str, ...]
    manager_question: tuple[str, ...]
    submitter_reply: tuple[str, ...]
    manager_accepted: tuple[str, ...]
    colleague_accepted: tuple[str, ...]
    manager_declined: tuple[str, ...]
    colleague_declined: tuple[str, ...]
    colleague_implemented: tuple[str, ...]
    manager_implemented: tuple[str, ...]


@cache
def conversation_wording() -> IdeaConversationWording:
    """Return the wording of the demo's idea conversations."""
    table = read_wording("idea_comments.toml")
    return record(IdeaConversationWording, table, "idea_comments.toml")


class ConversationPlanner:
    """Plan what colleagues and quality managers wrote under the ideas, in office hours."""

    def __init__(self, *, seed: int, now: datetime, people: People) -> None:
        self.seed = seed
        self.now = now
        self.people = people
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.wording = conversation_wording()
        self.random = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets

    def draw_from(self, key: str) -> None:
        """Draw what follows from its own stream of the seed (one per idea)."""
        self.random = random.Random(f"{self.seed}:{key}")  # noqa: S311 - demo data

    def office_moment(self, start: datetime, end: datetime) -> datetime | None:
        """Return a moment between two in office hours on a weekday if a few draws find one, else
        any moment between them (None when the window is too short to write in)."""
        end = min(end, self.now - timedelta(minutes=30))
        start = start + timedelta(minutes=40)
        if end <= start:
            return None
        moment = start
        for _draw in range(OFFICE_HOUR_DRAWS):
            moment = start + (end - start) * self.random.random()
            local = timezone.localtime(moment, self.zone)
            if local.weekday() < 5 and 8 <= local.hour < 18:
                break
        return moment

    def manager(self) -> User:
        """Return a quality manager, the demo login most often."""
        if self.random.random() < QUALITY_LOGIN_SHARE:
            return self.people.quality_login
        return self.random.choice(self.people.managers)

    def colleague(self, idea: ImprovementIdea, supporters: list[User]) -> User:
        """Return a colleague who writes under the idea: a supporter most often."""
        if supporters and self.random.random() < 0.7:
            return self.random.choice(supporters)
        others = [person for person in self.people.everyone if person.pk != idea.submitted_by_id]
        return self.random.choice(others)

    def text(self, choices: tuple[str, ...], idea: ImprovementIdea, used: set[str]) -> str:
        """Return one of the texts not yet used in the idea's conversation (any when all are),
        its placeholders filled for the idea."""
        fresh = [text for text in choices if text not in used] or list(choices)
        chosen = self.random.choice(fresh)
        used.add(chosen)
        submitter = idea.submitted_by
        return chosen.format(
            touchpoint=in_sentence(idea.touchpoint),
            owner=owner_name(idea.touchpoint),
            submitter=submitter.first_name or submitter.username,
        )

    def conversation(self, idea: ImprovementIdea, supporters: list[User]) -> list[IdeaComment]:
        """Return the comments written under an idea, oldest first (none for most ideas)."""
        self.draw_from(f"conversation-{idea.reference}")
        rng = self.random
        if rng.random() >= CONVERSATION_SHARE[idea.status]:
            return []
        wording = self.wording
        decided_at = idea.decided_at
        comments: list[IdeaComment] = []
        used: set[str] = set()
        last_kind = ""
        for _number in range(rng.choice(COMMENTS_BEFORE_DECISION)):
            start = comments[-1].created_at if comments else idea.submitted_at
            at = self.office_moment(start, decided_at or self.now)
            if at is None:
                break
            # The submitter answers a quality manager's question, most often.
            if last_kind == "manager_question" and rng.random() < 0.7:
                kind, author = "submitter_reply", idea.submitted_by
            elif rng.random() < 0.35:
                kind, author = "manager_question", self.manager()
            else:
                kind, author = "colleague", self.colleague(idea, supporters)
            if author.pk == idea.submitted_by_id and kind != "submitter_reply":
                continue
            text = self.text(getattr(wording, kind), idea, used)
            comments.append(IdeaComment(idea=idea, author=author, text=text, created_at=at))
            last_kind = kind
        if decided_at is not None and rng.random() < AFTER_DECISION_SHARE:
            comments += self.after_decision(idea, supporters, comments[-1:])
        return comments

    def after_decision(
        self, idea: ImprovementIdea, supporters: list[User], before: list[IdeaComment]
    ) -> list[IdeaComment]:
        """Return what was written after the idea's decision (or after it went live), after the
        comments `before` (the last one written before the decision, if any)."""
        wording = self.wording
        status = idea.status
        start: datetime | None
        if status == IdeaStatus.IMPLEMENTED and idea.implemented_at is not None:
            start = idea.implemented_at
            steps = [
                (wording.manager_implemented, True),
                (wording.colleague_implemented, False),
            ][self.random.randrange(2) :]
        elif status == IdeaStatus.DECLINED:
            start = idea.decided_at
            steps = [(wording.manager_declined, True), (wording.colleague_declined, False)]
        else:
            start = idea.decided_at
            steps = [(wording.manager_accepted, True), (wording.colleague_accepted, False)]
        assert start is not None  # decided ideas have their decision's moment
        comments: list[IdeaComment] = []
        used: set[str] = set()
        for choices, by_manager in steps:
            begin = max([start, *(comment.created_at for comment in before + comments)])
            at = self.office_moment(begin, start + timedelta(days=AFTER_DECISION_DAYS))
            if at is None:
                break
            author = self.manager() if by_manager else self.colleague(idea, supporters)
            comments.append(
                IdeaComment(
                    idea=idea, author=author, text=self.text(choices, idea, used), created_at=at
                )
            )
        return comments

    def roadmap(self, ideas: list[ImprovementIdea]) -> list[ImprovementIdea]:
        """Return the ideas a reviewer put on the public roadmap: some planned, more done, each
        a change customers notice (the wording's list of titles) about a touchpoint."""
        self.draw_from("roadmap")
        fit = set(self.wording.roadmap_titles)
        chosen = []
        for status, count in (
            (IdeaStatus.ACCEPTED, ROADMAP_PLANNED),
            (IdeaStatus.IMPLEMENTED, ROADMAP_DONE),
        ):
            candidates = [
                idea
                for idea in ideas
                if idea.status == status and idea.touchpoint_id is not None and idea.title in fit
            ]
            chosen += self.random.sample(candidates, min(count, len(candidates)))
        return chosen


def _news_rows(
    idea: ImprovementIdea,
    event: IdeaEvent,
    votes: list[IdeaVote],
    now: datetime,
) -> list[Notification]:
    """Return the notifications an idea's status change wrote, as the services would have."""
    news = event.to_status
    people = [person for person in emails.idea_submitters_to_tell(idea) if person.is_active]
    supporters = [
        vote.voter
        for vote in votes
        if vote.voted_at <= event.at
        and vote.voter.is_active
        and vote.voter_id != idea.submitted_by_id
    ]
    rows = []
    for supporter, audience in ((False, people), (True, supporters)):
        audience = [person for person in audience if person.pk != event.actor_id]
        if not audience:
            continue
        body = emails.idea_status_body(idea, news, event.text, supporter=supporter)
        for person in audience:
            rows.append(
                _told(
                    person,
                    event.at,
                    now,
                    kind=Notification.Kind.OUTCOME,
                    title=emails.idea_status_title(idea, news),
                    body=body,
                    link=idea.get_absolute_url(),
                    key=emails.idea_status_key(idea, news, event.text),
                    email=news in emails.IDEA_NEWS_EMAILED,
                )
            )
    return rows


def _comment_rows(
    comment: IdeaComment, earlier: list[IdeaComment], votes: list[IdeaVote], now: datetime
) -> list[Notification]:
    """Return the notifications a comment wrote (the bell only), as the service would have."""
    idea = comment.idea
    submitters = [person for person in emails.idea_submitters_to_tell(idea) if person.is_active]
    followers = {vote.voter.pk: vote.voter for vote in votes if vote.voted_at <= comment.created_at}
    followers |= {row.author.pk: row.author for row in earlier if row.author is not None}
    rows = []
    for submitter, audience in (
        (True, submitters),
        (False, [person for pk, person in sorted(followers.items()) if pk != idea.submitted_by_id]),
    ):
        audience = [person for person in audience if person.pk != comment.author_id]
        if not audience:
            continue
        body = emails.idea_comment_body(comment, submitter=submitter)
        for person in audience:
            rows.append(
                _told(
                    person,
                    comment.created_at,
                    now,
                    kind=Notification.Kind.OTHER,
                    title=emails.idea_comment_title(comment),
                    body=body,
                    link=emails.idea_comment_link(comment),
                    key=f"idea-comment:{comment.pk}",
                    email=False,
                )
            )
    return rows


def _told(person: User, at: datetime, now: datetime, *, email: bool, **fields: Any) -> Notification:
    """Return a past notification: read the same day unless it is from the last week; its
    e-mail, if any, sent a minute after."""
    read_at = at + NOTIFICATIONS_READ_AFTER if (now - at).days > UNREAD_DAYS else None
    emailed = email and bool(person.email)
    return Notification(
        recipient=person,
        created_at=at,
        read_at=min(read_at, now) if read_at else None,
        email=emailed,
        sent_at=at + timedelta(minutes=1) if emailed else None,
        **fields,
    )


def load_idea_conversations(*, seed: int, now: datetime, people: People) -> dict[str, int]:
    """Write the ideas' conversations, the news their submitters and supporters were told (and
    the comments' notifications), and put a dozen ideas on the public roadmap; once."""
    counts = {"idea comments": 0, "ideas on the roadmap": 0, "idea notifications": 0}
    if IdeaComment.objects.exists():
        return counts
    ideas = list(
        ImprovementIdea.objects.select_related(
            "submitted_by", "touchpoint__owner_department", "touchpoint__owner_partner"
        )
        .prefetch_related(
            Prefetch("votes", IdeaVote.objects.select_related("voter").order_by("voted_at", "pk")),
            Prefetch("events", IdeaEvent.objects.order_by("at", "pk")),
        )
        .order_by("submitted_at", "pk")
    )
    planner = ConversationPlanner(seed=seed, now=now, people=people)
    conversations = {
        idea.pk: planner.conversation(idea, [vote.voter for vote in idea.votes.all()])
        for idea in ideas
    }
    comments = IdeaComment.objects.bulk_create(
        [comment for rows in conversations.values() for comment in rows], batch_size=BATCH_SIZE
    )
    roadmap = planner.roadmap(ideas)
    for idea in roadmap:
        # Ticked with the decision that put it there: that version of its history on.
        ticked_at = (
            idea.implemented_at if idea.status == IdeaStatus.IMPLEMENTED else idea.decided_at
        )
        ImprovementIdea.objects.filter(pk=idea.pk).update(on_roadmap=True)
        ImprovementIdea.history.filter(id=idea.pk, history_date__gte=ticked_at).update(
            on_roadmap=True
        )
    told = []
    for idea in ideas:
        votes = list(idea.votes.all())
        for event in idea.events.all():
            if event.to_status != IdeaStatus.SUBMITTED:
                told += _news_rows(idea, event, votes, now)
        conversation = conversations[idea.pk]
        for number, comment in enumerate(conversation):
            told += _comment_rows(comment, conversation[:number], votes, now)
    Notification.objects.bulk_create(told, batch_size=BATCH_SIZE)
    counts.update(
        {
            "idea comments": len(comments),
            "ideas on the roadmap": len(roadmap),
            "idea notifications": len(told),
        }
    )
    return counts
