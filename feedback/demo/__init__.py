"""Demo data of the feedback app: a year of Brightline's complaints, ideas and recognition.

About 2,000 complaints over the last twelve months, spread over the demo touchpoints with the
rhythm of a home-energy business: more in the heating season, a pre-Christmas delivery peak,
quiet weekends. The courier SwiftParcel has a visible bad spell in the middle of the year: its
complaints climb for a few months, more of them serious, traced to the supplier, then ease.

Each complaint's life is planned as timeline steps, cut off at the present moment and replayed
onto the row the way the services set the fields, so that status, timestamps, SLA flags and the
timeline always agree: old complaints are closed, recent ones are still in the queue, some of them
overdue. Rows are bulk-inserted: going through the services would take minutes for a year of data.
"""

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.references import next_references
from core.roles import Role
from feedback import services, sla
from feedback.models import (
    Complaint,
    ComplaintEvent,
    IdeaEvent,
    IdeaVote,
    ImprovementIdea,
    Recognition,
    Severity,
)
from journeys.models import Touchpoint
from stakeholders.models import Customer

from .texts import (
    ACCEPT_REASONS,
    ACKNOWLEDGEMENT_NOTES,
    AMOUNTS,
    CHANNEL_THEMES,
    COMPLAINT_KUDOS,
    DECLINE_REASONS,
    DUPLICATE_REASON,
    ESCALATION_NOTES,
    FIELD,
    IDEA_KUDOS_ACCEPTED,
    IDEA_KUDOS_IMPLEMENTED,
    IMPLEMENT_NOTES,
    NO_REACTION_COMMENT,
    OTHER_TOUCHPOINT_SHARE,
    PARTNER_DECLINE_REASON,
    PARTS,
    PRODUCTS,
    REOPEN_REASONS,
    SHARED_COMMENTS,
    SHARED_DETAILS,
    THEME_KUDOS,
    THEMES,
    TOUCHPOINT_THEMES,
    TROUBLE_ACCEPT_REASONS,
    TROUBLE_COMMENTS,
    TROUBLE_PARTNER,
    TROUBLE_ROOT_CAUSES,
    UNKNOWN_TOUCHPOINT_SHARE,
    WAITING_MINUTES,
    WEEKDAYS,
    WINTER_DETAILS,
    Case,
    IdeaText,
    Theme,
    idea_texts,
)

# Volumes and rhythms -----------------------------------------------------------------------------

COMPLAINT_COUNT = 2_000  # about eight a working day: a mid-sized installer's year
IDEA_COUNT = 150
RECOGNITION_COUNTS = {"complaint": 20, "idea": 10}
DAYS = 365
CUSTOMER_SHARE = 0.6  # the rest come from people the CRM does not know, or who stayed anonymous
BATCH_SIZE = 500  # rows per INSERT: well under SQLite's limit on query parameters

# SwiftParcel's bad spell, in days before today (May to August when the demo was written):
# its complaints climb to four times the usual, more of them serious, then ease.
TROUBLE_STARTS_DAYS_AGO = 200
TROUBLE_ENDS_DAYS_AGO = 90
TROUBLE_EXTRA_VOLUME = 3.0

SEASON_AMPLITUDE = 0.3  # heating season: +30% in mid-January, -30% in mid-July
WEEKDAY_FACTORS = [1.25, 1.1, 1.0, 1.0, 0.95, 0.45, 0.3]  # Monday's backlog, quiet weekends
HOUR_WEIGHTS = [
    1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 7, 10, 10, 9, 7, 8, 9, 9, 8, 6, 4, 4, 3, 3, 2, 1.5
]  # fmt: skip
SEVERITY_WEIGHTS = {Severity.LOW: 45, Severity.MEDIUM: 35, Severity.HIGH: 15, Severity.CRITICAL: 5}
TROUBLE_SEVERITY_WEIGHTS = {
    Severity.LOW: 15,
    Severity.MEDIUM: 35,
    Severity.HIGH: 40,
    Severity.CRITICAL: 10,
}
DAY_CHANNELS = {
    Complaint.Channel.PHONE: 36,
    Complaint.Channel.EMAIL: 19,
    Complaint.Channel.CHAT: 14,
    Complaint.Channel.WEB_FORM: 14,
    Complaint.Channel.SOCIAL: 5,
    Complaint.Channel.IN_PERSON: 7,
    Complaint.Channel.LETTER: 5,
}
NIGHT_CHANNELS = {
    Complaint.Channel.EMAIL: 40,
    Complaint.Channel.WEB_FORM: 40,
    Complaint.Channel.SOCIAL: 15,
    Complaint.Channel.CHAT: 5,
}
# A touchpoint's own channel is the likeliest way to complain about it.
CHANNEL_OF_TOUCHPOINT = {
    "phone": Complaint.Channel.PHONE,
    "chat": Complaint.Channel.CHAT,
    "web": Complaint.Channel.WEB_FORM,
    "email": Complaint.Channel.EMAIL,
}

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
MANAGER_LOGGED_SHARE = 0.15
QUALITY_LOGIN_SHARE = 0.45  # the demo's quality manager handles the biggest share
SATISFACTION_IN_TIME = [0, 2, 10, 45, 43]
SATISFACTION_LATE = [8, 20, 37, 25, 10]

# Complaints placed so that today's queue shows rows under "overdue" and "at risk" whatever the
# seed and the day: (clock, its state now, severity). Near a weekend a working-day clock of a
# high or medium complaint cannot be at risk; a low complaint then takes its place.
QUEUE_SCENARIOS = [
    ("resolve", "overdue", Severity.HIGH),
    ("resolve", "overdue", Severity.MEDIUM),
    ("resolve", "overdue", Severity.LOW),
    ("resolve", "at_risk", Severity.HIGH),
    ("resolve", "at_risk", Severity.MEDIUM),
    ("resolve", "at_risk", Severity.LOW),
    ("acknowledge", "at_risk", Severity.HIGH),
    ("acknowledge", "at_risk", Severity.MEDIUM),
    ("acknowledge", "overdue", Severity.LOW),
]
FRONTLINE_LOGIN_COMPLAINTS = (10, 5)  # (over the year, in the last three weeks)
FRONTLINE_LOGIN_ASSIGNED = (2, 3)  # (older, in the last two weeks)
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
COUNT_NAMES = ["complaints", "complaint events", "ideas", "idea votes", "recognitions"]
MONTHS = [
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
HOUR_CUMULATIVE = list(itertools.accumulate(HOUR_WEIGHTS))

Kind = ComplaintEvent.Kind
Status = Complaint.Status
IdeaStatus = ImprovementIdea.Status

# The status each timeline entry leaves the complaint in (entries missing here keep it).
STATUS_AFTER: dict[str, str] = {
    Kind.LOGGED: Status.RECEIVED,
    Kind.ACKNOWLEDGED: Status.ACKNOWLEDGED,
    Kind.INVESTIGATING: Status.INVESTIGATING,
    Kind.RESPONDED: Status.RESPONDED,
    Kind.CLOSED: Status.CLOSED,
    Kind.REOPENED: Status.INVESTIGATING,
}


def trouble_level(days_ago: float) -> float:
    """Return how bad SwiftParcel's spell was `days_ago` days before today, from 0 to 1."""
    span = TROUBLE_STARTS_DAYS_AGO - TROUBLE_ENDS_DAYS_AGO
    progress = (TROUBLE_STARTS_DAYS_AGO - days_ago) / span
    if not 0 <= progress <= 1:
        return 0.0
    # Climbs over the first quarter of the spell, holds, and eases over the last third.
    return min(1.0, progress / 0.25, (1 - progress) / 0.35)


def trouble_window(now: datetime) -> tuple[datetime, datetime]:
    """Return when SwiftParcel's bad spell started and ended, for a demo loaded at `now`."""
    return (
        now - timedelta(days=TROUBLE_STARTS_DAYS_AGO),
        now - timedelta(days=TROUBLE_ENDS_DAYS_AGO),
    )


def season(day: date) -> float:
    """Return the heating season's effect on the number of complaints of a day (1 on average)."""
    return 1 + SEASON_AMPLITUDE * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)


def peak(theme_key: str, day: date) -> float:
    """Return the extra volume of the pre-Christmas and Black Friday peaks on a day."""
    if theme_key in ("delivery", "picking") and day.month == 12 and day.day <= 22:
        return 1.5
    if theme_key in ("delivery", "picking", "web") and day.month == 11 and day.day >= 24:
        return 1.3
    return 1.0


def theme_of(touchpoint: Touchpoint | None) -> tuple[str, float]:
    """Return the theme of a touchpoint's complaints and its yearly share of them."""
    if touchpoint is None:
        return "general", UNKNOWN_TOUCHPOINT_SHARE
    if touchpoint.name in TOUCHPOINT_THEMES:
        return TOUCHPOINT_THEMES[touchpoint.name]
    return CHANNEL_THEMES.get(touchpoint.channel, "general"), OTHER_TOUCHPOINT_SHARE


def owner_name(touchpoint: Touchpoint | None) -> str:
    """Return the name of the department or partner owning a touchpoint."""
    if touchpoint is not None and touchpoint.owner_department is not None:
        return touchpoint.owner_department.name
    if touchpoint is not None and touchpoint.owner_partner is not None:
        return touchpoint.owner_partner.name
    return "the team"


def in_sentence(touchpoint: Touchpoint | None) -> str:
    """Return a touchpoint's name as written inside a sentence."""
    if touchpoint is None:
        return "this part of the journey"
    return touchpoint.name[:1].lower() + touchpoint.name[1:]


def user_label(user: User) -> str:
    """Return a person's name as the timeline shows it."""
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class People:
    """The demo organisation's staff, by role."""

    frontline: list[User]  # frontline staff other than the demo login
    managers: list[User]
    executives: list[User]
    frontline_login: User
    quality_login: User

    @property
    def everyone(self) -> list[User]:
        """Return every member of staff."""
        return [*self.frontline, self.frontline_login, *self.managers, *self.executives]


def demo_people() -> People | None:
    """Return the staff the core demo created, or None when there are too few to work with."""

    def members(role: Role) -> list[User]:
        rows = User.objects.filter(groups__name=role.value, is_active=True)
        return list(rows.order_by("username"))

    frontline = members(Role.FRONTLINE)
    managers = members(Role.QUALITY_MANAGER)
    if len(frontline) < 2 or not managers:
        return None
    frontline_login = next((user for user in frontline if user.username == "frontline"), None)
    quality_login = next((user for user in managers if user.username == "quality"), managers[0])
    frontline_login = frontline_login or frontline[0]
    return People(
        frontline=[user for user in frontline if user.pk != frontline_login.pk],
        managers=managers,
        executives=members(Role.EXECUTIVE),
        frontline_login=frontline_login,
        quality_login=quality_login,
    )


@dataclass
class TimelineStep:
    """One planned entry of a complaint's timeline, with the fields it sets beyond the status."""

    kind: str
    at: datetime
    actor: User
    text: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def replay(complaint: Complaint, steps: Sequence[TimelineStep]) -> list[ComplaintEvent]:
    """Set the complaint's fields as the services would after these steps; return the events."""
    status = ""
    events = []
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
    return events


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
    assignee: User | None = None  # decided up front for the demo logins
    first_contact_allowed: bool = True
    holds: str = ""  # the status it waits in today, for the demo login's recent complaints
    handler: User | None = None
    case: Case = field(init=False)
    complaint: Complaint = field(init=False)
    events: list[ComplaintEvent] = field(init=False)


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


class DemoYear:
    """Plan a year of Brightline's feedback for one seed, as seen at one moment."""

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        people: People,
        touchpoints: list[Touchpoint],
        customers: list[Customer],
    ) -> None:
        self.random = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets
        self.now = now
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localtime(now, self.zone).date()
        self.people = people
        self.manager_ids = {user.pk for user in people.managers}
        self.touchpoints = touchpoints
        self.touchpoints_by_name = {touchpoint.name: touchpoint for touchpoint in touchpoints}
        self.journey_ids = sorted({touchpoint.stage.journey_id for touchpoint in touchpoints})
        self.customers = sorted(customers, key=lambda customer: (customer.first_seen, customer.pk))
        self.customer_days = [customer.first_seen for customer in self.customers]
        self.policies = {severity: services.policy_for(severity) for severity in Severity.values}
        # Some colleagues log far more than others: the contact-centre regulars.
        self.logger_weights = [self.random.lognormvariate(0, 0.6) for _ in people.frontline]

    # People ---------------------------------------------------------------------------------

    def manager(self) -> User:
        """Return a quality manager, the demo login most often."""
        others = [user for user in self.people.managers if user.pk != self.people.quality_login.pk]
        if not others or self.random.random() < QUALITY_LOGIN_SHARE:
            return self.people.quality_login
        return self.random.choice(others)

    def colleague(self) -> User:
        """Return a frontline colleague other than the demo login, the regulars most often."""
        return self.random.choices(self.people.frontline, weights=self.logger_weights)[0]

    def idea_submitter(self) -> User:
        """Return who submits an idea: mostly frontline staff, sometimes managers."""
        draw = self.random.random()
        if draw < 0.75:
            return self.colleague()
        if draw < 0.9 or not self.people.executives:
            return self.random.choice(self.people.managers)
        return self.random.choice(self.people.executives)

    def recogniser(self) -> User:
        """Return who gives kudos: quality managers, and executives now and then."""
        if self.people.executives and self.random.random() < 0.3:
            return self.random.choice(self.people.executives)
        return self.manager()

    # Time -----------------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """Return a moment in the organisation's time zone."""
        return timezone.localtime(moment, self.zone)

    def office_hours(
        self, moment: datetime, *, latest: datetime | None = None, critical: bool = False
    ) -> datetime:
        """Move a staff action planned at night to the next morning, unless that misses `latest`.

        Critical complaints are handled around the clock by whoever is on call.
        """
        local = self.local(moment)
        if critical or 7 <= local.hour < 21:
            return moment
        day = local.date() + timedelta(days=1) if local.hour >= 21 else local.date()
        morning = datetime.combine(day, time(7, 30), tzinfo=self.zone)
        morning += timedelta(minutes=self.random.uniform(0, 120))
        if latest is not None and morning > latest:
            return moment
        return morning

    def working_moment(self, moment: datetime) -> datetime:
        """Move a moment into working hours on a weekday (ideas and kudos wait for Monday)."""
        local = self.local(moment)
        day = local.date() + timedelta(days=1) if local.hour >= 18 else local.date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day == local.date() and 8 <= local.hour < 18:
            return moment
        return datetime.combine(day, time(8), tzinfo=self.zone) + timedelta(
            minutes=self.random.uniform(0, 90)
        )

    def workday_moment(self, days_ago: float) -> datetime:
        """Return a moment in working hours on the weekday `days_ago` days before today."""
        day = self.today - timedelta(days=int(days_ago))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        moment = datetime.combine(day, time(8), tzinfo=self.zone)
        moment += timedelta(minutes=self.random.uniform(0, 600))
        if moment >= self.now:
            moment = self.now - timedelta(minutes=self.random.uniform(20, 120))
        return moment

    def received_on(self, days_ago: int) -> datetime:
        """Return a moment of the day `days_ago` days before today, at a likely hour."""
        day = self.today - timedelta(days=days_ago)
        for _attempt in range(20):
            hour = self.random.choices(range(24), cum_weights=HOUR_CUMULATIVE)[0]
            clock = time(hour, self.random.randrange(60), self.random.randrange(60))
            moment = datetime.combine(day, clock, tzinfo=self.zone)
            if moment < self.now:
                return moment
        return self.now - timedelta(minutes=self.random.uniform(5, 60))

    def received_for(self, severity: int, clock: str, state: str) -> datetime | None:
        """Return a receipt time that puts the clock in `state` now, or None if none can."""
        policy = self.policies[severity]
        candidates = []
        received = self.now
        for _step in range(60 * 24 * 3):  # 60 days back, 20 minutes at a time
            received -= timedelta(minutes=20)
            clocks = sla.clocks_for(received, policy)
            if clock == "acknowledge":
                at_risk_from, due = clocks.acknowledge_at_risk_from, clocks.acknowledge_due_at
            else:
                at_risk_from, due = clocks.resolve_at_risk_from, clocks.resolve_due_at
            if state == "overdue" and self.now - due >= (due - received) * 0.2:
                return received  # clearly overdue, not by a minute
            if state == "at_risk" and at_risk_from <= self.now < due:
                candidates.append(received)
            elif candidates:
                break
        return self.random.choice(candidates) if candidates else None

    # Complaints -----------------------------------------------------------------------------

    def complaints(self) -> list[ComplaintDraft]:
        """Plan the year's complaints, oldest first."""
        drafts = self.arrivals() + self.queue_scenarios()
        drafts.sort(key=lambda draft: draft.received_at)
        self.involve_demo_logins(drafts)
        for draft in drafts:
            self.plan(draft)
        return drafts

    def troubled(self, touchpoint: Touchpoint | None) -> bool:
        """Return whether the touchpoint belongs to the courier with the bad spell."""
        return (
            touchpoint is not None
            and touchpoint.owner_partner is not None
            and touchpoint.owner_partner.name == TROUBLE_PARTNER
        )

    def arrivals(self) -> list[ComplaintDraft]:
        """Draw the complaints' days and touchpoints from the year's rhythms."""
        sources: list[Touchpoint | None] = [*self.touchpoints, None]
        themes = [theme_of(touchpoint) for touchpoint in sources]
        local_now = self.local(self.now)
        today_share = HOUR_CUMULATIVE[local_now.hour] / HOUR_CUMULATIVE[-1]
        slots: list[tuple[int, Touchpoint | None]] = []
        weights: list[float] = []
        for days_ago in range(DAYS):
            day = self.today - timedelta(days=days_ago)
            base = WEEKDAY_FACTORS[day.weekday()] * (today_share if days_ago == 0 else 1)
            level = trouble_level(days_ago)
            for touchpoint, (theme_key, share) in zip(sources, themes, strict=True):
                weight = base * share * season(day) ** THEMES[theme_key].heating
                weight *= peak(theme_key, day)
                if self.troubled(touchpoint):
                    weight *= 1 + TROUBLE_EXTRA_VOLUME * level
                slots.append((days_ago, touchpoint))
                weights.append(weight)
        count = COMPLAINT_COUNT + self.random.randint(-40, 40)
        return [
            self.draft(self.received_on(days_ago), touchpoint)
            for days_ago, touchpoint in self.random.choices(slots, weights=weights, k=count)
        ]

    def queue_scenarios(self) -> list[ComplaintDraft]:
        """Return complaints placed so that today's queue has overdue and at-risk rows."""
        drafts = []
        for clock, state, wanted in QUEUE_SCENARIOS:
            touchpoint = self.random.choice(self.touchpoints)
            severity = wanted
            received = self.received_for(severity, clock, state)
            if received is None:
                severity = Severity.LOW
                received = self.received_for(severity, clock, state) or self.now
            draft = self.draft(received, touchpoint, severity=severity)
            draft.scenario = (clock, state)
            draft.first_contact_allowed = False
            drafts.append(draft)
        return drafts

    def draft(
        self, received: datetime, touchpoint: Touchpoint | None, *, severity: int | None = None
    ) -> ComplaintDraft:
        """Return a complaint arriving at `received`, with its severity and who logged it."""
        day_trouble = trouble_level((self.now - received).total_seconds() / 86400)
        trouble = day_trouble if self.troubled(touchpoint) else 0.0
        if severity is None:
            weights = [
                usual * (1 - trouble) + troubled * trouble
                for usual, troubled in zip(
                    SEVERITY_WEIGHTS.values(), TROUBLE_SEVERITY_WEIGHTS.values(), strict=True
                )
            ]
            severity = self.random.choices(list(SEVERITY_WEIGHTS), weights=weights)[0]
        if self.random.random() < MANAGER_LOGGED_SHARE:
            logged_by = self.manager()
        else:
            logged_by = self.colleague()
        return ComplaintDraft(
            received_at=received,
            touchpoint=touchpoint,
            theme_key=theme_of(touchpoint)[0],
            severity=severity,
            logged_by=logged_by,
            trouble=trouble,
            day_trouble=day_trouble,
        )

    def involve_demo_logins(self, drafts: list[ComplaintDraft]) -> None:
        """Give the frontline demo login complaints it logged and complaints it handles."""
        login = self.people.frontline_login
        ordinary = [draft for draft in drafts if draft.scenario is None]
        three_weeks_ago = self.now - timedelta(days=21)
        year_count, recent_count = FRONTLINE_LOGIN_COMPLAINTS
        older = [draft for draft in ordinary if draft.received_at < three_weeks_ago]
        recent = [draft for draft in ordinary if draft.received_at >= three_weeks_ago]
        for draft in self.random.sample(older, min(year_count, len(older))):
            draft.logged_by = login
        mine = self.random.sample(recent, min(recent_count, len(recent)))
        mine.sort(key=lambda draft: draft.received_at, reverse=True)
        # "My submissions" shows open complaints in each status, the newest least advanced.
        holds = ["received", "acknowledged", "investigating", "responded"]
        for index, draft in enumerate(mine):
            draft.logged_by = login
            draft.first_contact_allowed = False
            draft.holds = holds[index] if index < len(holds) else ""
        two_weeks_ago = self.now - timedelta(days=14)
        handled = [
            draft
            for draft in ordinary
            if draft.logged_by.pk != login.pk and draft.severity <= Severity.MEDIUM
        ]
        older_count, recent_count = FRONTLINE_LOGIN_ASSIGNED
        older = [draft for draft in handled if draft.received_at < two_weeks_ago]
        recent = [draft for draft in handled if draft.received_at >= two_weeks_ago]
        assigned = self.random.sample(older, min(older_count, len(older)))
        assigned += self.random.sample(recent, min(recent_count, len(recent)))
        for draft in assigned:
            draft.assignee = login
            draft.first_contact_allowed = False

    def plan(self, draft: ComplaintDraft) -> None:
        """Plan the complaint's life, cut it off at the present and build its row and events."""
        theme = THEMES[draft.theme_key]
        touchpoint = draft.touchpoint
        clocks = sla.clocks_for(draft.received_at, self.policies[draft.severity])
        draft.case = self.case_for(theme, draft)
        customer = self.customer_on(self.local(draft.received_at).date())
        fills = self.fills(draft, customer)
        complaint = Complaint(
            description=self.description(draft, theme, fills),
            channel=self.channel(draft),
            journey_id=self.journey_of(touchpoint),
            touchpoint=touchpoint,
            owner_department_id=touchpoint.owner_department_id if touchpoint else None,
            owner_partner_id=touchpoint.owner_partner_id if touchpoint else None,
            severity=draft.severity,
            remedy_requested=(
                self.random.choice(draft.case.remedies).format_map(fills)
                if self.random.random() < 0.75
                else ""
            ),
            customer=customer,
            customer_reference=customer.external_reference if customer else "",
            logged_by=draft.logged_by,
            received_at=draft.received_at,
            acknowledge_due_at=clocks.acknowledge_due_at,
            acknowledge_at_risk_from=clocks.acknowledge_at_risk_from,
            resolve_due_at=clocks.resolve_due_at,
            resolve_at_risk_from=clocks.resolve_at_risk_from,
        )
        decision = self.random.choice(draft.case.decisions).format_map(fills)
        steps = [TimelineStep(Kind.LOGGED, draft.received_at, draft.logged_by)]
        if self.resolves_at_first_contact(draft):
            steps += self.first_contact_steps(draft, decision)
        else:
            steps += self.handling_steps(draft, complaint, theme, fills, decision)
        steps.sort(key=lambda step: step.at)  # stable: same-moment steps keep their order
        if draft.holds:
            steps = self.held(draft, steps)
        draft.events = replay(complaint, [step for step in steps if step.at <= self.now])
        draft.complaint = complaint

    def held(self, draft: ComplaintDraft, steps: list[TimelineStep]) -> list[TimelineStep]:
        """Return the steps up to the status the complaint waits in today, fitted before now."""
        target = next(
            (
                index
                for index, step in enumerate(steps)
                if STATUS_AFTER.get(step.kind) == draft.holds
            ),
            None,
        )
        if target is None:
            return steps
        following = next(
            (
                index
                for index, step in enumerate(steps)
                if index > target and step.kind in STATUS_AFTER
            ),
            len(steps),
        )
        kept = steps[:following]
        if kept[-1].at > self.now:  # squeeze them into the time between receipt and now
            scale = (self.now - draft.received_at) * 0.9 / (kept[-1].at - draft.received_at)
            for step in kept:
                step.at = draft.received_at + (step.at - draft.received_at) * scale
        return kept

    def case_for(self, theme: Theme, draft: ComplaintDraft) -> Case:
        """Return what went wrong: a case of the touchpoint's theme that happens there."""
        name = draft.touchpoint.name if draft.touchpoint else ""
        bands = [theme.serious, theme.minor] if draft.severity >= Severity.HIGH else [theme.minor]
        for band in bands:
            fitting = [case for case in band if not case.touchpoints or name in case.touchpoints]
            if fitting:
                return self.random.choice(fitting)
        return self.random.choice(theme.minor)

    def customer_on(self, day: date) -> Customer | None:
        """Return a customer known on that day, or None for an unknown or anonymous one."""
        known = bisect.bisect_right(self.customer_days, day)
        if not known or self.random.random() >= CUSTOMER_SHARE:
            return None
        return self.customers[self.random.randrange(known)]

    def journey_of(self, touchpoint: Touchpoint | None) -> int | None:
        """Return the touchpoint's journey; sometimes a journey without its touchpoint."""
        if touchpoint is not None:
            return touchpoint.stage.journey_id
        if self.journey_ids and self.random.random() < 0.4:
            return self.random.choice(self.journey_ids)
        return None

    def fills(self, draft: ComplaintDraft, customer: Customer | None) -> dict[str, Any]:
        """Return the values of the text placeholders for one complaint."""
        rng = self.random
        later = self.local(draft.received_at).date() + timedelta(days=rng.randint(1, 4))
        while later.weekday() >= 5:  # the day something is promised for is a working day
            later += timedelta(days=1)
        return {
            "product": rng.choice(PRODUCTS),
            "part": rng.choice(PARTS),
            "days": rng.randint(2, 9),
            "minutes": rng.choice(WAITING_MINUTES),
            "hours": rng.randint(2, 4),
            "amount": rng.choice(AMOUNTS),
            "weekday": WEEKDAYS[later.weekday()],
            "order": f"ORD-{rng.randint(240000, 299999)}",
            "owner": owner_name(draft.touchpoint),
            "since": customer.first_seen.year if customer else rng.randint(2019, 2025),
        }

    def description(self, draft: ComplaintDraft, theme: Theme, fills: dict[str, Any]) -> str:
        """Return what happened: the main complaint, sometimes with a detail or two."""
        rng = self.random
        sentences = [draft.case.description]
        details = [
            detail
            for detail in [*theme.details, *SHARED_DETAILS]
            if "{order}" not in detail or "{order}" not in draft.case.description
        ]
        if rng.random() < 0.55:
            sentences.append(rng.choice(details))
        winter = self.local(draft.received_at).month in (11, 12, 1, 2)
        cold = "heating" in draft.case.description or (
            theme is FIELD and draft.severity >= Severity.HIGH
        )
        if cold and winter and rng.random() < 0.5:
            sentences.append(rng.choice(WINTER_DETAILS))
        text = " ".join(sentence.format_map(fills) for sentence in sentences)
        return text[:1].upper() + text[1:]

    def channel(self, draft: ComplaintDraft) -> str:
        """Return how the complaint came in: phones ring in the day, e-mails arrive at night."""
        hour = self.local(draft.received_at).hour
        weights = dict(DAY_CHANNELS if 8 <= hour < 20 else NIGHT_CHANNELS)
        own = CHANNEL_OF_TOUCHPOINT.get(draft.touchpoint.channel) if draft.touchpoint else None
        if own in weights:
            weights[own] *= 3
        return self.random.choices(list(weights), weights=list(weights.values()))[0]

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
            steps.append(TimelineStep(Kind.ESCALATED, moment, logger, rng.choice(ESCALATION_NOTES)))
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
        note = rng.choice(ACKNOWLEDGEMENT_NOTES) if rng.random() < 0.35 else ""
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
        comments = [*theme.comments, *SHARED_COMMENTS]
        if draft.trouble > 0.2:
            comments += TROUBLE_COMMENTS
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
            category, text = "material", self.random.choice(TROUBLE_ROOT_CAUSES)
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
                    Kind.COMMENT, closed - timedelta(minutes=5), closer, NO_REACTION_COMMENT
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
        reason = rng.choice(REOPEN_REASONS).format_map(fills)
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

    # Ideas ----------------------------------------------------------------------------------

    def ideas(self) -> list[IdeaDraft]:
        """Plan the year's ideas, oldest first."""
        rng = self.random
        texts = idea_texts()
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
        month_ago = self.now - timedelta(days=30)
        candidates = [draft for draft in originals if draft.submitted_at < month_ago]
        duplicates = []
        for original in rng.sample(candidates, max(0, min(count, len(candidates)))):
            age = (self.now - original.submitted_at).days
            moment = self.working_moment(
                original.submitted_at + timedelta(days=rng.uniform(7, min(60, age - 2)))
            )
            submitter = self.idea_submitter()
            if moment >= self.now or submitter.pk == original.submitted_by.pk:
                continue
            prefix = rng.choice(
                [
                    "Customers keep telling me this. ",
                    "Seen it again this week. ",
                    "Came up in our team meeting. ",
                ]
            )
            text = IdeaText(
                original.text.touchpoint,
                original.text.title,
                prefix + original.text.problem,
                original.text.proposal,
                original.text.benefit,
            )
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
        reasons = ACCEPT_REASONS
        if draft.text.about_trouble_partner and rng.random() < 0.6:
            reasons = TROUBLE_ACCEPT_REASONS
        reason = rng.choice(reasons).format_map(fills)
        steps.append(IdeaStep(IdeaStatus.ACCEPTED, moment, reviewer, reason))
        if draft.outcome == IdeaStatus.IMPLEMENTED:
            moment = self.working_moment(moment + timedelta(days=rng.uniform(14, 110)))
            local = self.local(moment)
            fills["date"] = f"{local.day} {MONTHS[local.month]}"
            note = rng.choice(IMPLEMENT_NOTES).format_map(fills)
            steps.append(IdeaStep(IdeaStatus.IMPLEMENTED, moment, reviewer, note))
        return steps

    def decline_reason(self, draft: IdeaDraft) -> str:
        """Return why an idea is declined, in words its submitter learns from."""
        if draft.duplicate_of is not None:
            return DUPLICATE_REASON  # names the first idea once references are known
        touchpoint = draft.touchpoint
        partner = touchpoint.owner_partner if touchpoint is not None else None
        if partner is not None and self.random.random() < 0.3:
            return PARTNER_DECLINE_REASON.format(owner=partner.name)
        return self.random.choice(DECLINE_REASONS).format(touchpoint=in_sentence(touchpoint))

    def votes(self, drafts: list[IdeaDraft]) -> list[IdeaVote]:
        """Return colleagues' support: never the submitter's own, only while the idea is open."""
        votes = []
        everyone = self.people.everyone
        for draft in drafts:
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

    # Recognition ----------------------------------------------------------------------------

    def recognitions(
        self, complaints: list[ComplaintDraft], ideas: list[IdeaDraft]
    ) -> list[Recognition]:
        """Return kudos for frontline staff, for complaints handled well and ideas that worked."""
        rng = self.random
        login = self.people.frontline_login
        frontline_ids = {user.pk for user in self.people.frontline} | {login.pk}

        def praised(draft: ComplaintDraft) -> bool:
            complaint = draft.complaint
            return (
                complaint.status == Status.CLOSED
                and draft.handler is not None
                and draft.handler.pk in frontline_ids
                and (
                    complaint.resolved_at_first_contact
                    or (complaint.customer_satisfaction or 0) >= 4
                )
            )

        handled = [draft for draft in complaints if praised(draft)]
        mine = [draft for draft in handled if draft.handler and draft.handler.pk == login.pk]
        others = [draft for draft in handled if draft not in mine]
        count = RECOGNITION_COUNTS["complaint"]
        chosen = rng.sample(mine, min(2, len(mine)))
        login_wanted = 3 - len(chosen)  # the demo login's page shows at least three
        chosen += rng.sample(others, min(count - len(chosen), len(others)))
        recognitions = [self.complaint_kudos(draft, index) for index, draft in enumerate(chosen)]

        worked = [
            draft
            for draft in ideas
            if draft.duplicate_of is None
            and draft.idea.status in (IdeaStatus.ACCEPTED, IdeaStatus.IMPLEMENTED)
            and draft.submitted_by.pk in frontline_ids
        ]
        mine_ideas = [draft for draft in worked if draft.submitted_by.pk == login.pk]
        other_ideas = [draft for draft in worked if draft.submitted_by.pk != login.pk]
        count = RECOGNITION_COUNTS["idea"]
        chosen_ideas = rng.sample(mine_ideas, min(login_wanted, len(mine_ideas)))
        chosen_ideas += rng.sample(other_ideas, min(count - len(chosen_ideas), len(other_ideas)))
        recognitions += [self.idea_kudos(draft) for draft in chosen_ideas]
        return recognitions

    def given_after(self, moment: datetime) -> datetime:
        """Return when kudos are given for something that happened at `moment`."""
        given = self.working_moment(moment + timedelta(days=self.random.uniform(0.5, 10)))
        return given if given <= self.now else moment + (self.now - moment) / 2

    def complaint_kudos(self, draft: ComplaintDraft, index: int) -> Recognition:
        """Return kudos for a complaint handled well."""
        complaint = draft.complaint
        recipient = draft.handler or draft.logged_by
        specific = THEME_KUDOS.get(draft.theme_key, [])
        if specific and self.random.random() < 0.5:
            template = self.random.choice(specific)
        else:
            template = COMPLAINT_KUDOS[index % len(COMPLAINT_KUDOS)]
        behaviour = template.format(
            first_name=recipient.first_name or recipient.get_username(),
            reference=complaint.reference,
            touchpoint=in_sentence(draft.touchpoint),
        )
        return Recognition(
            recipient=recipient,
            given_by=self.recogniser(),
            behaviour=behaviour,
            complaint=complaint,
            given_at=self.given_after(complaint.closed_at or complaint.received_at),
        )

    def idea_kudos(self, draft: IdeaDraft) -> Recognition:
        """Return kudos for an idea that was accepted or implemented."""
        idea = draft.idea
        implemented = idea.status == IdeaStatus.IMPLEMENTED
        template = self.random.choice(
            IDEA_KUDOS_IMPLEMENTED if implemented else IDEA_KUDOS_ACCEPTED
        )
        recipient = draft.submitted_by
        behaviour = template.format(
            first_name=recipient.first_name or recipient.get_username(),
            reference=idea.reference,
            title=idea.title,
        )
        return Recognition(
            recipient=recipient,
            given_by=self.recogniser(),
            behaviour=behaviour,
            idea=idea,
            given_at=self.given_after(idea.implemented_at or idea.decided_at or idea.submitted_at),
        )


def reserve_references(prefix: str, rows: Sequence[Any], moments: Sequence[datetime]) -> None:
    """Give rows, oldest first, the next references of the local year of their moment."""
    by_year: dict[int, list[Any]] = {}
    for row, moment in zip(rows, moments, strict=True):
        by_year.setdefault(timezone.localtime(moment).year, []).append(row)
    for year, year_rows in sorted(by_year.items()):
        references = next_references(prefix, year=year, count=len(year_rows))
        for row, reference in zip(year_rows, references, strict=True):
            row.reference = reference


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


def replay_idea(draft: IdeaDraft) -> list[IdeaEvent]:
    """Set the idea's fields as the services would after its steps; return the events."""
    idea = draft.idea
    events = []
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
    return events


def with_history(
    rows: Sequence[Any], model: Any, users: Sequence[User], dates: Sequence[datetime]
) -> None:
    """Insert rows with their "created" history record, dated and signed by their author."""
    for row, user, moment in zip(rows, users, dates, strict=True):
        # simple_history reads each record's author and date from these attributes.
        row._history_user = user
        row._history_date = moment
    bulk_create_with_history(rows, model, batch_size=BATCH_SIZE)


@transaction.atomic
def load(*, seed: int) -> dict[str, int]:
    """Create a year of complaints, ideas and recognition, unless there are complaints already."""
    counts = dict.fromkeys(COUNT_NAMES, 0)
    if Complaint.objects.exists():
        return counts
    people = demo_people()
    touchpoints = list(
        Touchpoint.objects.select_related("stage", "owner_department", "owner_partner").order_by(
            "pk"
        )
    )
    if people is None or not touchpoints:
        return counts  # the core, stakeholders and journeys demos were not loaded
    customers = list(Customer.objects.only("pk", "external_reference", "first_seen"))
    year = DemoYear(
        seed=seed, now=timezone.now(), people=people, touchpoints=touchpoints, customers=customers
    )

    planned = year.complaints()
    complaints = [draft.complaint for draft in planned]
    reserve_references("CMP", complaints, [draft.received_at for draft in planned])
    with_history(
        complaints,
        Complaint,
        [draft.logged_by for draft in planned],
        [draft.received_at for draft in planned],
    )
    events = [event for draft in planned for event in draft.events]
    ComplaintEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)

    idea_drafts = year.ideas()
    for draft in idea_drafts:
        draft.idea = idea_row(draft)
    ideas = [draft.idea for draft in idea_drafts]
    reserve_references("IDEA", ideas, [draft.submitted_at for draft in idea_drafts])
    idea_events = [event for draft in idea_drafts for event in replay_idea(draft)]
    with_history(
        ideas,
        ImprovementIdea,
        [draft.submitted_by for draft in idea_drafts],
        [draft.submitted_at for draft in idea_drafts],
    )
    IdeaEvent.objects.bulk_create(idea_events, batch_size=BATCH_SIZE)
    votes = IdeaVote.objects.bulk_create(year.votes(idea_drafts), batch_size=BATCH_SIZE)
    recognitions = Recognition.objects.bulk_create(
        year.recognitions(planned, idea_drafts), batch_size=BATCH_SIZE
    )
    return {
        "complaints": len(complaints),
        "complaint events": len(events),
        "ideas": len(ideas),
        "idea votes": len(votes),
        "recognitions": len(recognitions),
    }
