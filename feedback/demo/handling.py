"""Plan how each complaint is handled, step by step, and replay the steps onto its row."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User

from feedback.models import Complaint, ComplaintEvent, Severity
from journeys.models import Touchpoint

from .planning import YearPlanner, user_label
from .texts import Case, Theme, handling_wording

# The life cycle: shares of complaints (not resolved at first contact) that go each way.
FIRST_CONTACT_SHARE = 0.45  # of low and medium ones logged by frontline staff by day: ~25%
ACKNOWLEDGE_LATE_SHARE = 0.13
RESOLVE_LATE_SHARE = 0.15
STALLED_SHARE = 0.012  # forgotten for weeks: the old rows of the overdue filter
INVESTIGATE_SHARE: dict[int, float] = {
    Severity.LOW: 0.6,
    Severity.MEDIUM: 0.85,
    Severity.HIGH: 1,
    Severity.CRITICAL: 1,
}
# Of the customers who do not accept a response, some say so before closure, some come back
# after it; a few who accepted come back too. Each sends the complaint back to investigation.
REJECTED_BEFORE_CLOSING = 0.12
REOPEN_REJECTED = 0.13
REOPEN_ACCEPTED = 0.008
ESCALATE_SHARE = 0.7  # of high and critical complaints logged by frontline staff
SATISFACTION_IN_TIME = [0, 2, 10, 45, 43]
SATISFACTION_LATE = [8, 20, 37, 25, 10]

Kind = ComplaintEvent.Kind
Status = Complaint.Status

# The status each timeline entry leaves the complaint in (entries missing here keep it).
STATUS_AFTER: dict[str, str] = {
    Kind.LOGGED: Status.RECEIVED,
    Kind.ACKNOWLEDGED: Status.ACKNOWLEDGED,
    Kind.INVESTIGATING: Status.INVESTIGATING,
    Kind.RESPONDED: Status.RESPONDED,
    Kind.CLOSED: Status.CLOSED,
    Kind.REOPENED: Status.INVESTIGATING,
}


@dataclass
class TimelineStep:
    """One planned entry of a complaint's timeline, with the fields it sets beyond the status."""

    kind: str
    at: datetime
    actor: User
    text: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Version:
    """The complaint's row as one step left it: a row of its change history."""

    at: datetime
    by: User
    fields: dict[str, Any]  # column -> value, all but the id and reference (set after planning)


# Columns a version copies: the id and the reference are only known once the rows are saved.
# The columns the complaint's history keeps (it leaves some out, e.g. the customer's e-mail).
VERSION_COLUMNS = [
    field.attname
    for field in Complaint.history.model._meta.concrete_fields
    if field.name in {own.name for own in Complaint._meta.concrete_fields}
    and field.name not in {"id", "reference"}
]


def replay(
    complaint: Complaint, steps: Sequence[TimelineStep]
) -> tuple[list[ComplaintEvent], list[Version]]:
    """Set the complaint's fields as the services would after these steps; return the events and
    the versions of the row the steps left (steps that change no field, comments, leave none)."""
    status = ""
    events = []
    versions: list[Version] = []
    for step in steps:
        if step.kind == Kind.ACKNOWLEDGED:
            complaint.acknowledged_at = step.at
            complaint.acknowledged_within_sla = step.at <= complaint.acknowledge_due_at
        elif step.kind == Kind.RESPONDED:
            complaint.decision = step.text
            complaint.responded_at = step.at
            complaint.resolved_within_sla = step.at <= complaint.resolve_due_at
        elif step.kind == Kind.CLOSED:
            complaint.closed_at = step.at
        elif step.kind == Kind.REOPENED:
            complaint.responded_at = complaint.closed_at = None
            complaint.resolved_within_sla = complaint.customer_accepted = None
            complaint.customer_satisfaction = None
            complaint.resolved_at_first_contact = False
            complaint.reopen_count += 1
        elif step.kind == Kind.ESCALATED:
            complaint.escalated_at = step.at
        for name, value in step.fields.items():
            setattr(complaint, name, value)
        target = STATUS_AFTER.get(step.kind, "")
        events.append(
            ComplaintEvent(
                complaint=complaint,
                kind=step.kind,
                actor=step.actor,
                at=step.at,
                from_status=status if target else "",
                to_status=target,
                text=step.text,
            )
        )
        status = target or status
        complaint.status = status
        columns = {name: getattr(complaint, name) for name in VERSION_COLUMNS}
        if not versions or versions[-1].fields != columns:
            versions.append(Version(step.at, step.actor, columns))
    return events, versions


@dataclass
class ComplaintDraft:
    """A complaint being planned: where and when it arrived, and who deals with it."""

    received_at: datetime
    touchpoint: Touchpoint | None
    theme_key: str
    severity: int
    logged_by: User
    trouble: float  # how bad the courier's spell was that day, for the courier's touchpoints
    day_trouble: float  # the same for every complaint of the day: the whole team is busier
    scenario: tuple[str, str] | None = None  # (clock, its state now) of a queue scenario
    key: str = ""  # names its own random stream (`YearPlanner.draw_from`)
    assignee: User | None = None  # decided up front for the demo logins
    first_contact_allowed: bool = True
    holds: str = ""  # the status it waits in today, for the demo login's recent complaints
    handler: User | None = None
    case: Case = field(init=False)
    complaint: Complaint = field(init=False)
    events: list[ComplaintEvent] = field(init=False)
    versions: list[Version] = field(init=False)


class ComplaintHandling(YearPlanner):
    """Plan a complaint's handling: escalation, assignment, the clocks, response and closure."""

    def late_share(self, base: float, courier_extra: float, draft: ComplaintDraft) -> float:
        """Return the chance that a clock is missed: worse in the courier's spell and in winter."""
        share = base + courier_extra * draft.trouble + 0.05 * draft.day_trouble
        if self.local(draft.received_at).month in (12, 1):
            share += 0.03
        return share

    def resolves_at_first_contact(self, draft: ComplaintDraft) -> bool:
        """Return whether frontline staff settle the complaint while the customer is there."""
        return (
            draft.first_contact_allowed
            and 8 <= self.local(draft.received_at).hour < 20  # someone is there to settle it
            and draft.severity <= Severity.MEDIUM
            and draft.logged_by.pk not in self.manager_ids
            and self.random.random() < FIRST_CONTACT_SHARE
        )

    def first_contact_steps(self, draft: ComplaintDraft, decision: str) -> list[TimelineStep]:
        """Return the steps complaint_log takes for a complaint resolved at first contact."""
        at, by = draft.received_at, draft.logged_by
        draft.handler = by
        closing = {
            "customer_accepted": True,
            "customer_satisfaction": None,
            "resolved_at_first_contact": True,
        }
        return [
            TimelineStep(Kind.ACKNOWLEDGED, at, by),
            TimelineStep(Kind.RESPONDED, at, by, decision),
            TimelineStep(Kind.CLOSED, at, by, "Customer accepted the response.", closing),
        ]

    def assignee_for(self, draft: ComplaintDraft) -> User | None:
        """Return who the complaint is assigned to (None: whoever logged it handles it)."""
        if draft.severity >= Severity.HIGH:
            return self.manager()
        draw = self.random.random()
        if draft.logged_by.pk in self.manager_ids:
            return None if draw < 0.6 else self.manager()
        if draw < 0.45:
            return self.manager()
        if draw < 0.7:
            colleague = self.colleague()
            return colleague if colleague.pk != draft.logged_by.pk else None
        return None

    def handling_steps(
        self,
        draft: ComplaintDraft,
        complaint: Complaint,
        theme: Theme,
        fills: dict[str, Any],
        decision: str,
    ) -> list[TimelineStep]:
        """Plan escalation, assignment, acknowledgement, investigation, response and closure."""
        rng = self.random
        received, logger = draft.received_at, draft.logged_by
        critical = draft.severity == Severity.CRITICAL
        acknowledge_due, resolve_due = complaint.acknowledge_due_at, complaint.resolve_due_at
        clock = draft.scenario[0] if draft.scenario else ""
        steps = []
        moment = received
        if (
            draft.severity >= Severity.HIGH
            and logger.pk not in self.manager_ids
            and rng.random() < ESCALATE_SHARE
        ):
            moment = received + timedelta(minutes=rng.uniform(2, 25))
            note = rng.choice(handling_wording().escalation_notes)
            steps.append(TimelineStep(Kind.ESCALATED, moment, logger, note))
        assignee = draft.assignee or self.assignee_for(draft)
        handler = assignee or logger
        draft.handler = handler
        window = acknowledge_due - received
        if assignee is not None:
            moment = self.office_hours(
                moment + window * rng.uniform(0.02, 0.3), latest=acknowledge_due, critical=critical
            )
            triager = assignee if assignee.pk in self.manager_ids and rng.random() < 0.5 else None
            steps.append(
                TimelineStep(
                    Kind.ASSIGNED,
                    moment,
                    triager or self.manager(),
                    user_label(assignee),
                    {"assignee": assignee},
                )
            )

        if clock == "acknowledge":  # acknowledged later than now: waiting in the queue
            acknowledged = self.now + max(acknowledge_due - self.now, window * 0.2) * 0.5
        elif rng.random() < self.late_share(ACKNOWLEDGE_LATE_SHARE, 0.25, draft):
            overdue = acknowledge_due + window * rng.uniform(0.05, 1.5)
            acknowledged = self.office_hours(overdue, critical=critical)
        else:
            in_time = received + window * rng.triangular(0.03, 0.95, 0.3)
            acknowledged = self.office_hours(in_time, latest=acknowledge_due, critical=critical)
        acknowledged = max(acknowledged, moment + timedelta(minutes=rng.uniform(3, 30)))
        note = rng.choice(handling_wording().acknowledgement_notes) if rng.random() < 0.35 else ""
        steps.append(TimelineStep(Kind.ACKNOWLEDGED, acknowledged, handler, note))
        moment = acknowledged

        if clock == "resolve":  # the low one waits acknowledged, the others under investigation
            investigated = draft.severity != Severity.LOW
        else:
            investigated = (
                rng.random() < INVESTIGATE_SHARE[draft.severity] or draft.holds == "investigating"
            )
        if investigated:
            start = moment + max(
                timedelta(minutes=10), (resolve_due - moment) * rng.uniform(0.02, 0.2)
            )
            moment = self.office_hours(start, latest=resolve_due, critical=critical)
            steps.append(TimelineStep(Kind.INVESTIGATING, moment, handler))

        late = rng.random() < self.late_share(RESOLVE_LATE_SHARE, 0.3, draft)
        if clock == "resolve":  # responded later than now: still open today
            if resolve_due > self.now:
                responded = self.now + (resolve_due - self.now) * rng.uniform(0.3, 0.8)
            else:
                responded = self.now + timedelta(hours=rng.uniform(6, 48))
        elif clock != "acknowledge" and rng.random() < STALLED_SHARE:
            forgotten = resolve_due + timedelta(days=rng.uniform(20, 70))
            responded = self.office_hours(forgotten, critical=critical)
        elif late and clock != "acknowledge":
            overrun = (resolve_due - received) * rng.uniform(0.05, 0.9)
            responded = self.office_hours(resolve_due + overrun, critical=critical)
        else:
            planned = moment + (resolve_due - moment) * rng.triangular(0.15, 0.98, 0.75)
            responded = self.office_hours(planned, latest=resolve_due, critical=critical)
        responded = max(responded, moment + timedelta(minutes=rng.uniform(20, 90)))

        if investigated:
            found = moment + (responded - moment) * rng.uniform(0.3, 0.85)
            steps.append(self.root_cause_step(draft, fills, found, handler))
        wording = handling_wording()
        comments = [*theme.comments, *wording.comments]
        if draft.trouble > 0.2:
            comments += wording.trouble.comments
        count = rng.choices([0, 1, 2, 3], weights=[40, 32, 20, 8])[0]
        for text in rng.sample(comments, count):
            at = acknowledged + (responded - acknowledged) * rng.uniform(0.05, 0.95)
            author = logger if logger.pk != handler.pk and rng.random() < 0.3 else handler
            at = self.office_hours(at, latest=responded, critical=critical)
            steps.append(TimelineStep(Kind.COMMENT, at, author, text.format_map(fills)))
        steps.append(TimelineStep(Kind.RESPONDED, responded, handler, decision))
        steps += self.closing_steps(draft, complaint, fills, responded, handler)
        return steps

    def root_cause_step(
        self,
        draft: ComplaintDraft,
        fills: dict[str, Any],
        at: datetime,
        by: User,
    ) -> TimelineStep:
        """Return the step recording the root cause: the supplier's, in the courier's spell."""
        if draft.trouble > 0.2 and self.random.random() < 0.85:
            category, text = "material", self.random.choice(handling_wording().trouble.root_causes)
        else:
            category, text = self.random.choice(draft.case.root_causes)
            text = text.format_map(fills)
        label = Complaint.RootCause(category).label
        return TimelineStep(
            Kind.ROOT_CAUSE,
            at,
            by,
            f"{label}: {text}",
            {"root_cause_category": category, "root_cause": text},
        )

    def closing_steps(
        self,
        draft: ComplaintDraft,
        complaint: Complaint,
        fills: dict[str, Any],
        responded: datetime,
        handler: User,
    ) -> list[TimelineStep]:
        """Plan the closure after a response, and now and then a reopening."""
        rng = self.random
        in_time = responded <= complaint.resolve_due_at
        accepted = rng.random() < (0.9 if in_time else 0.7)
        if (
            not accepted and rng.random() < REJECTED_BEFORE_CLOSING
        ):  # the customer rejects it before it is closed
            reopened = self.office_hours(responded + timedelta(days=rng.uniform(0.5, 5)))
            return self.reopen_steps(draft, complaint, fills, reopened, handler)
        steps = self.close_steps(responded, handler, in_time=in_time, accepted=accepted)
        if rng.random() < (REOPEN_ACCEPTED if accepted else REOPEN_REJECTED):
            reopened = self.office_hours(steps[-1].at + timedelta(days=rng.uniform(1, 12)))
            steps += self.reopen_steps(draft, complaint, fills, reopened, handler)
        return steps

    def close_steps(
        self, responded: datetime, closer: User, *, in_time: bool, accepted: bool
    ) -> list[TimelineStep]:
        """Return the closure after a response, with what the customer said."""
        rng = self.random
        draw = rng.random()
        steps = []
        if draw < 0.05:  # the customer never answered
            closed = self.office_hours(responded + timedelta(days=rng.uniform(14, 24)))
            steps.append(
                TimelineStep(
                    Kind.COMMENT,
                    closed - timedelta(minutes=5),
                    closer,
                    handling_wording().no_reaction_comment,
                )
            )
            accepted, score = True, None
        else:
            days = rng.uniform(0.3, 3) if draw < 0.75 else rng.uniform(3, 12)
            closed = self.office_hours(responded + timedelta(days=days))
            score = self.satisfaction(in_time=in_time, accepted=accepted)
        text = (
            "Customer accepted the response."
            if accepted
            else "Customer did not accept the response."
        )
        if score is not None:
            text += f" Satisfaction {score}/5."
        fields = {"customer_accepted": accepted, "customer_satisfaction": score}
        steps.append(TimelineStep(Kind.CLOSED, closed, closer, text, fields))
        return steps

    def reopen_steps(
        self,
        draft: ComplaintDraft,
        complaint: Complaint,
        fills: dict[str, Any],
        reopened: datetime,
        handler: User,
    ) -> list[TimelineStep]:
        """Return a reopening by a quality manager, a second look, response and closure."""
        rng = self.random
        reason = rng.choice(handling_wording().reopen_reasons).format_map(fills)
        steps = [TimelineStep(Kind.REOPENED, reopened, self.manager(), reason)]
        responded = self.office_hours(reopened + timedelta(days=rng.uniform(1, 6)))
        if rng.random() < 0.5:
            found = reopened + (responded - reopened) * rng.uniform(0.3, 0.8)
            steps.append(self.root_cause_step(draft, fills, found, handler))
        decision = rng.choice(draft.case.decisions).format_map(fills)
        decision = f"After another look: {decision[:1].lower()}{decision[1:]}"
        steps.append(TimelineStep(Kind.RESPONDED, responded, handler, decision))
        in_time = responded <= complaint.resolve_due_at
        accepted = rng.random() < 0.8
        return steps + self.close_steps(responded, handler, in_time=in_time, accepted=accepted)

    def satisfaction(self, *, in_time: bool, accepted: bool) -> int | None:
        """Return the customer's score: higher when the answer came in time."""
        if self.random.random() < 0.15:
            return None  # did not answer the survey
        if not accepted:
            return self.random.choice([1, 1, 2, 2, 3])
        weights = SATISFACTION_IN_TIME if in_time else SATISFACTION_LATE
        return self.random.choices(range(1, 6), weights=weights)[0]
