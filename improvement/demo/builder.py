"""Build one demo cycle through the services, phase by phase, on the days of its story.

Every service call is signed by the person who made it, at an office-hours moment of the story
(`core.history.recorded_as`); what the services stamp with the present moment (creation times,
the Check's time, the outcome events on complaints and ideas, new limits and annotations) is
moved to that moment right after the call (`Builder.settle`).
"""

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone

from core.demo import backdate, office_moment
from core.history import recorded_as
from core.models import Notification
from feedback.demo.planning import People
from feedback.models import Complaint, ComplaintEvent, IdeaEvent, ImprovementIdea, Recognition
from feedback.services.ideas import idea_accept, idea_submit
from journeys.models import Journey, Touchpoint
from metrics.models import Annotation, Indicator, LimitSegment
from metrics.periods import next_period, period_start, previous_period
from stakeholders.models import Partner

from .. import evidence
from ..models import CycleAction, PDCACycle
from ..services.actions import action_add, action_complete, action_defer
from ..services.cycles import cycle_create, cycle_recognise, cycle_update
from ..services.phases import (
    cycle_check_run,
    cycle_close,
    cycle_decide,
    cycle_start_check,
    cycle_start_do,
    decide_missing,
)
from .stories import COMPLAINT_DAYS, MOST_COMPLAINTS, Story
from .wording import ActionText, CycleText, cycle_wording

Phase = PDCACycle.Phase
Outcome = PDCACycle.Outcome
Verdict = PDCACycle.Verdict
REACHED = {
    Phase.PLAN: 0,
    Phase.DO: 1,
    Phase.CHECK: 2,
    Phase.ACT: 3,
    Phase.CLOSED: 4,
}
PLAN_DAYS = 90  # a cycle in Plan expects its Check about three months after it started
DO_DAYS = 60  # a cycle in Do, about two months from now


@dataclass(frozen=True)
class Timeline:
    """The days a cycle started, moved and was decided (None: not reached)."""

    start: date
    do: date | None = None
    change: date | None = None
    check: date | None = None
    decide: date | None = None
    close: date | None = None
    planned_check: date | None = None


class Builder:
    """Build the demo cycles of one load: the people, today, and the moment the load began."""

    def __init__(self, *, seed: int, people: People, managers: list[User]) -> None:
        self.random = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets
        self.people = people
        self.managers = managers
        self.today = timezone.localdate()
        # Whatever a service stamps from here on is the story's, and is moved into it.
        self.began = timezone.now()
        self.wording = cycle_wording()

    # Time -------------------------------------------------------------------------------------

    def moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Return a moment of the story in office hours, never after the load began."""
        at = office_moment((self.today - day).days, hour=hour, minute=minute)
        return min(at, self.began - timedelta(minutes=1))

    def workday(self, day: date) -> date:
        """Return the first weekday on or after a day, or today when that is later."""
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return min(day, self.today)

    def weekday_before(self, day: date) -> date:
        """Return the last weekday on or before a day."""
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def timeline(self, story: Story, indicator: Indicator) -> Timeline:
        """Return the days of a story's cycle, from its change and its indicator's periods."""
        today = self.today
        grain = indicator.grain
        change = None
        if story.change_days_ago is not None:
            change = today - timedelta(days=story.change_days_ago)
        elif story.change_periods_ago is not None:
            first_after = period_start(today, grain)
            for _period in range(story.change_periods_ago):
                first_after = previous_period(first_after, grain)
            change = first_after - timedelta(days=1)
        if change is None:
            if story.started_weeks_ago is not None:
                week = period_start(today, "week") - timedelta(weeks=story.started_weeks_ago)
                start = week + timedelta(days=3)
            else:
                start = self.weekday_before(today - timedelta(days=story.started_days_ago))
            do = None
            if story.do_days_ago is not None:
                do = self.weekday_before(today - timedelta(days=story.do_days_ago))
            planned = today + timedelta(days=DO_DAYS) if do else start + timedelta(days=PLAN_DAYS)
            return Timeline(start=start, do=do, planned_check=planned)
        do = self.weekday_before(change - timedelta(days=story.lead_days[1]))
        start = self.weekday_before(do - timedelta(days=story.lead_days[0]))
        # The Check is due once the planned periods after the change have ended.
        due = evidence.after_window_start(indicator, change)
        for _period in range(story.check_periods):
            due = next_period(due, grain)
        if story.check_days_ago is not None:
            check = self.weekday_before(today - timedelta(days=story.check_days_ago))
        else:
            check = self.workday(due)
        decide = self.workday(check + timedelta(days=story.decide_after))
        close = self.workday(decide + timedelta(days=story.close_after))
        return Timeline(start, do, change, check, decide, close, planned_check=due)

    # Settling what the services stamped with the present moment --------------------------------

    def settle(self, at: datetime) -> None:
        """Move what the last service calls stamped with the present moment to `at`."""
        began = self.began
        rows: list[Model] = [
            *PDCACycle.objects.filter(created_at__gte=began),
            *CycleAction.objects.filter(created_at__gte=began),
            *LimitSegment.objects.filter(created_at__gte=began),
        ]
        for row in rows:
            backdate(row, field="created_at", moment=at)
        for field in ("checked_at", "impact_frozen_at"):
            stamped = {f"{field}__gte": began}
            PDCACycle.objects.filter(**stamped).update(**{field: at})
            PDCACycle.history.filter(**stamped).update(**{field: at})
        Annotation.objects.filter(created_at__gte=began).update(created_at=at)
        ComplaintEvent.objects.filter(at__gte=began).update(at=at)
        IdeaEvent.objects.filter(at__gte=began).update(at=at)
        ImprovementIdea.objects.filter(implemented_at__gte=began).update(implemented_at=at)
        ImprovementIdea.history.filter(implemented_at__gte=began).update(implemented_at=at)
        Recognition.objects.filter(given_at__gte=began).update(given_at=at)
        # What the bell told people then (outcomes, recognition); read within the day when old.
        read_at = at + timedelta(hours=4) if (self.began - at).days > 7 else None
        Notification.objects.filter(created_at__gte=began).update(created_at=at, read_at=read_at)

    # People and evidence ----------------------------------------------------------------------

    def action_owner(self, kind: str, cycle_owner: User) -> User:
        """Return who owns an action of the kind the wording names."""
        if kind == "frontline":
            return self.people.frontline_login
        if kind == "owner":
            return cycle_owner
        if kind == "manager":
            others = [user for user in self.managers if user.pk != cycle_owner.pk]
            return self.random.choice(others or self.managers)
        return self.random.choice(self.people.frontline)

    def idea(
        self, story: Story, text: CycleText, before: datetime, owner: User
    ) -> ImprovementIdea | None:
        """Return the idea the cycle starts from: a frontline colleague submits it three weeks
        before, and the cycle's owner accepts it the week before."""
        if not text.idea:
            return None
        # Its own random stream: the rest of the demo draws the same with or without ideas.
        submitter = random.Random(story.key).choice(self.people.frontline)  # noqa: S311 - demo data
        submitted_at = before - timedelta(days=21)
        with recorded_as(submitter, at=submitted_at):
            idea = idea_submit(
                submitted_by=submitter,
                title=text.idea,
                problem=text.problem,
                proposal=text.hypothesis,
                touchpoint=(
                    Touchpoint.objects.get(name=story.touchpoint) if story.touchpoint else None
                ),
                submitted_at=submitted_at,
            )
        accepted_at = before - timedelta(days=6)
        with recorded_as(owner, at=accepted_at):
            return idea_accept(
                idea=idea, by=owner, reason=self.wording.fallback["idea_accepted"], at=accepted_at
            )

    def complaints(self, story: Story, before: datetime) -> list[Complaint]:
        """Return the latest complaints of the story's touchpoint and root cause before it began."""
        if story.complaints is None:
            return []
        touchpoint, category = story.complaints
        return list(
            Complaint.objects.filter(
                touchpoint__name=touchpoint,
                root_cause_category=category,
                received_at__lt=before,
                received_at__gte=before - timedelta(days=COMPLAINT_DAYS),
                cycles__isnull=True,
            ).order_by("-received_at", "-pk")[:MOST_COMPLAINTS]
        )

    # The cycle --------------------------------------------------------------------------------

    def build(self, story: Story) -> PDCACycle:
        """Create a story's cycle and take it as far as the story goes, on the story's days."""
        text = self.wording.cycles[story.key]
        owner = self.managers[story.owner % len(self.managers)]
        indicator = Indicator.objects.get(code=story.indicator)
        days = self.timeline(story, indicator)
        latest = days.do - timedelta(days=3) if days.do else days.start
        idea = self.idea(story, text, self.moment(latest, 9), owner)
        if idea is not None and idea.decided_at is not None:
            # The cycle starts from the idea: on the first workday after it was accepted.
            accepted = timezone.localdate(idea.decided_at) + timedelta(days=1)
            days = replace(days, start=max(days.start, self.workday(accepted)))
        started = self.moment(days.start, 9, 30)
        origin = story.origin
        if origin == PDCACycle.Origin.IDEA and idea is None:
            origin = story.fallback_origin
        team = [idea.submitted_by] if idea and idea.submitted_by.is_active else []
        team.append(self.random.choice(self.people.frontline))
        with recorded_as(owner, at=started):
            cycle = cycle_create(
                by=owner,
                title=text.title,
                owner=owner,
                type=story.type,
                origin=origin,
                journey=Journey.objects.get(name=story.journey) if story.journey else None,
                touchpoint=(
                    Touchpoint.objects.get(name=story.touchpoint) if story.touchpoint else None
                ),
                partner=Partner.objects.get(name=story.partner) if story.partner else None,
                team=list(dict.fromkeys(team)),
                complaints=self.complaints(story, started),
                ideas=[idea] if idea else [],
                problem_statement=text.problem,
                root_cause_category=text.root_cause,
                five_whys=list(text.whys),
                hypothesis=text.hypothesis,
                target_indicator=indicator,
                target_value=story.target,
                planned_check_on=days.planned_check,
                started_on=days.start,
            )
            if story.check_periods != cycle.check_periods:
                cycle = cycle_update(cycle=cycle, by=owner, check_periods=story.check_periods)
        self.settle(started)
        self.containment(cycle, text, days.start)
        return self.advance(cycle, story, text, days)

    def containment(self, cycle: PDCACycle, text: CycleText, start: date) -> None:
        """Log the containment actions taken the day the cycle started, before any analysis."""
        for action in text.actions:
            if action.containment:
                self.action(cycle, action, start, added=self.moment(start, 10))

    def advance(self, cycle: PDCACycle, story: Story, text: CycleText, days: Timeline) -> PDCACycle:
        """Take a cycle from Plan as far as its story goes."""
        owner = cycle.owner
        reached = REACHED[Phase(story.phase)]
        if reached < REACHED[Phase.DO] or days.do is None:
            return cycle
        planned = self.moment(days.do, 9)
        for action in text.actions:
            if not action.containment:
                self.action(cycle, action, days.do, added=planned)
        at = self.moment(days.do, 10)
        with recorded_as(owner, at=at):
            cycle = cycle_start_do(cycle=cycle, by=owner, at=days.do)
        self.settle(at)
        self.finish_actions(cycle, text, days.do)
        if reached < REACHED[Phase.CHECK] or days.check is None:
            return cycle
        at = self.moment(days.check, 11)
        with recorded_as(owner, at=at):
            cycle = cycle_start_check(cycle=cycle, by=owner, change_on=days.change, at=days.check)
        self.settle(at)
        if reached < REACHED[Phase.ACT] or days.decide is None:
            # The daily round has run the waiting Check again this morning.
            at = self.moment(self.today, 6)
            with recorded_as(None, at=at):
                cycle = cycle_check_run(cycle=cycle)
            self.settle(at)
            return cycle
        cycle = self.decide(cycle, story, text, days.decide)
        if reached < REACHED[Phase.CLOSED] or days.close is None:
            return cycle
        at = self.moment(days.close, 15)
        with recorded_as(owner, at=at):
            cycle = cycle_close(cycle=cycle, by=owner, at=days.close)
            if cycle.outcome == Outcome.ADOPT and text.recognition:
                self.recognise(cycle, text)
        self.settle(at)
        return cycle

    def decide(self, cycle: PDCACycle, story: Story, text: CycleText, day: date) -> PDCACycle:
        """Take the story's decision, or the one the verdict allows when it does not fit."""
        owner = cycle.owner
        outcome, reason = story.outcome, text.reason
        if decide_missing(cycle, outcome, reason, text.new_standard):
            # The data did not give the verdict the story expects (another seed or day).
            outcome = Outcome.ABANDON
            reason = self.wording.fallback[Outcome.ABANDON]
        at = self.moment(day, 14)
        with recorded_as(owner, at=at):
            cycle = cycle_decide(
                cycle=cycle,
                by=owner,
                outcome=outcome,
                reason=reason,
                new_standard=text.new_standard if outcome == Outcome.ADOPT else "",
                at=day,
            )
            if story.publish and outcome == Outcome.ADOPT and text.public_summary:
                cycle = cycle_update(
                    cycle=cycle, by=owner, publish=True, public_summary=text.public_summary
                )
        self.settle(at)
        return cycle

    def recognise(self, cycle: PDCACycle, text: CycleText) -> None:
        """Recognise the idea's submitter (or a team member) for the measured outcome."""
        idea = cycle.ideas.select_related("submitted_by").first()
        recipient = idea.submitted_by if idea else cycle.team.order_by("pk").first()
        if recipient is None or recipient.pk == cycle.owner_id or not recipient.is_active:
            return
        cycle_recognise(
            cycle=cycle, by=cycle.owner, recipient=recipient, behaviour=text.recognition
        )

    # Actions ----------------------------------------------------------------------------------

    def action(self, cycle: PDCACycle, text: ActionText, since: date, *, added: datetime) -> None:
        """Plan an action: due so many days after `since`, or from today."""
        owner = self.action_owner(text.owner, cycle.owner)
        if text.due_in is not None:
            due = self.today + timedelta(days=text.due_in)
        else:
            due = since + timedelta(days=text.due or 0)
        with recorded_as(cycle.owner, at=added):
            action = action_add(
                cycle=cycle,
                by=cycle.owner,
                title=text.title,
                owner=owner,
                due_on=due,
                containment=text.containment,
            )
        self.settle(added)
        if text.containment:
            self.finish(action, text, since)

    def finish_actions(self, cycle: PDCACycle, text: CycleText, do: date) -> None:
        """Tick off or defer the Do phase's actions on their days, in the wording's order."""
        planned = [action for action in text.actions if not action.containment]
        rows = list(cycle.actions.filter(containment=False).order_by("pk"))
        for action, row in zip(planned, rows, strict=True):
            self.finish(row, action, do)

    def finish(self, row: CycleAction, text: ActionText, since: date) -> None:
        """Mark an action done (by its owner) or deferred (by the cycle's owner) on its day."""
        if text.done is not None:
            day = min(since + timedelta(days=text.done), self.today)
            at = self.moment(day, 16)
            with recorded_as(row.owner, at=at):
                action_complete(action=row, by=row.owner, done_on=day, note=text.note)
            self.settle(at)
        elif text.deferred:
            day = min(since + timedelta(days=text.due or 0), self.today)
            owner = row.cycle.owner
            at = self.moment(day, 16)
            with recorded_as(owner, at=at):
                action_defer(action=row, by=owner, reason=text.deferred)
            self.settle(at)

    # Follow-ups ---------------------------------------------------------------------------------

    def follow_up(self, story: Story, parent: PDCACycle) -> PDCACycle | None:
        """Plan and start the follow-up the parent's adaptation created, as its story goes."""
        cycle = parent.follow_ups.order_by("pk").first()
        if cycle is None or parent.acted_on is None:
            return None  # the data did not allow adapting the parent
        text = self.wording.cycles[story.key]
        created = parent.acted_on  # the service opened it on the day the parent was decided
        indicator = cycle.target_indicator
        assert indicator is not None
        baseline_from, baseline_to = evidence.default_baseline_window(indicator, created)
        at = self.moment(created, 15, 30)
        with recorded_as(cycle.owner, at=at):
            cycle = cycle_update(
                cycle=cycle,
                by=cycle.owner,
                hypothesis=text.hypothesis,
                baseline_from=baseline_from,
                baseline_to=baseline_to,
                planned_check_on=self.today + timedelta(days=DO_DAYS),
            )
        self.settle(at)
        do = self.workday(created + timedelta(days=story.do_after))
        return self.advance(cycle, story, text, Timeline(start=created, do=do))
