"""Plan the year's complaints: when and where they arrive, what they say, how they end."""

import bisect
import math
from datetime import date, datetime, time, timedelta
from typing import Any

from feedback import sla
from feedback.models import Complaint, Severity
from journeys.models import Touchpoint
from stakeholders.models import Customer

from .handling import STATUS_AFTER, ComplaintDraft, ComplaintHandling, Kind, TimelineStep, replay
from .planning import (
    DAYS,
    TROUBLE_EXTRA_VOLUME,
    TROUBLE_PARTNER,
    owner_name,
    trouble_level,
)
from .texts import Case, Theme, complaint_wording

# The demo touchpoints (journeys/demo.py): the theme of their complaints (a file in
# wording/complaint_themes/) and their yearly share of complaints.
TOUCHPOINT_THEMES = {
    "Product pages": ("web", 1.5),
    "Home suitability check": ("web", 2),
    "Online checkout": ("web", 4),
    "Card and iDEAL payment": ("payment", 4),
    "Order picking": ("picking", 5),
    "Parcel delivery": ("delivery", 9),
    "Installation visit": ("field", 9),
    "Welcome e-mail": ("email", 1),
    "Help centre": ("web", 2),
    "Phone support": ("phone", 10),
    "Live chat": ("chat", 4),
    "Ticket triage": ("triage", 4),
    "Engineer visit": ("field", 9),
    "Replacement part shipped": ("delivery", 4),
    "Resolution call-back": ("callback", 3),
    "Renewal e-mail": ("email", 3),
    "Account page offer": ("web", 2),
    "Renewal questions": ("phone", 3),
    "Direct debit set-up": ("payment", 4),
    "Renewal confirmation": ("email", 2),
    "Maintenance visit": ("field", 5),
}
# Touchpoints added later get the theme of their channel and this share.
CHANNEL_THEMES = {
    "delivery": "delivery",
    "on_site": "field",
    "phone": "phone",
    "chat": "chat",
    "web": "web",
    "app": "web",
    "payment": "payment",
    "email": "email",
    "mail": "email",
}
OTHER_TOUCHPOINT_SHARE = 3.0
UNKNOWN_TOUCHPOINT_SHARE = 6.0  # the customer or the colleague could not say where it went wrong

COMPLAINT_COUNT = 2_000  # about eight a working day: a mid-sized installer's year
CUSTOMER_SHARE = 0.6  # the rest come from people the CRM does not know, or who stayed anonymous
MANAGER_LOGGED_SHARE = 0.15

SEASON_AMPLITUDE = 0.3  # heating season: +30% in mid-January, -30% in mid-July
WEEKDAY_FACTORS = [1.25, 1.1, 1.0, 1.0, 0.95, 0.45, 0.3]  # Monday's backlog, quiet weekends
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


class ComplaintPlanner(ComplaintHandling):
    """Plan the complaints: their arrivals over the year, their rows and their timelines."""

    def complaints(self) -> list[ComplaintDraft]:
        """Plan the year's complaints, oldest first.

        The hour of the load decides only what happens today: how many of today's complaints
        have arrived, where the queue's scenarios fall, which steps are done yet. Each part, and
        each complaint's life, draws from its own stream, so that the rest of the year (and the
        indicators and cycles standing on it) is the same whenever the demo is loaded that day.
        """
        self.draw_from("arrivals")
        arrivals = self.arrivals()
        self.draw_from("queue")
        drafts = arrivals + self.queue_scenarios()
        drafts.sort(key=lambda draft: draft.received_at)
        self.draw_from("demo-logins")
        self.involve_demo_logins(drafts)
        for draft in drafts:
            self.draw_from(f"complaint-{draft.key}")
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
        themes_by_key = complaint_wording().themes
        slots: list[tuple[int, Touchpoint | None]] = []
        weights: list[float] = []
        for days_ago in range(DAYS):
            day = self.today - timedelta(days=days_ago)
            # Today as a whole day: those arriving later than now are dropped below.
            base = WEEKDAY_FACTORS[day.weekday()]
            level = trouble_level(days_ago)
            for touchpoint, (theme_key, share) in zip(sources, themes, strict=True):
                weight = base * share * season(day) ** themes_by_key[theme_key].heating
                weight *= peak(theme_key, day)
                if self.troubled(touchpoint):
                    weight *= 1 + TROUBLE_EXTRA_VOLUME * level
                slots.append((days_ago, touchpoint))
                weights.append(weight)
        count = COMPLAINT_COUNT + self.random.randint(-40, 40)
        drafts = []
        chosen = self.random.choices(slots, weights=weights, k=count)
        for number, (days_ago, touchpoint) in enumerate(chosen):
            draft = self.draft(self.received_on(days_ago), touchpoint)
            draft.key = str(number)
            drafts.append(draft)
        return [draft for draft in drafts if draft.received_at < self.now]

    def queue_scenarios(self) -> list[ComplaintDraft]:
        """Return complaints placed so that today's queue has overdue and at-risk rows."""
        drafts = []
        for number, (clock, state, wanted) in enumerate(QUEUE_SCENARIOS):
            touchpoint = self.random.choice(self.touchpoints)
            severity = wanted
            received = self.received_for(severity, clock, state)
            if received is None:
                severity = Severity.LOW
                received = self.received_for(severity, clock, state) or self.now
            draft = self.draft(received, touchpoint, severity=severity)
            draft.scenario = (clock, state)
            draft.key = f"queue-{number}"
            draft.first_contact_allowed = False
            drafts.append(draft)
        return drafts

    def draft(
        self, received: datetime, touchpoint: Touchpoint | None, *, severity: int | None = None
    ) -> ComplaintDraft:
        """Return a complaint arriving at `received`, with its severity and who logged it."""
        day_trouble = trouble_level(self.days_ago(received))  # the same at any hour
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
        # Counted in whole days, without today's: the same complaints at any hour of the day.
        ordinary = [
            draft for draft in drafts if draft.scenario is None and self.days_ago(draft.received_at)
        ]
        year_count, recent_count = FRONTLINE_LOGIN_COMPLAINTS
        older = [draft for draft in ordinary if self.days_ago(draft.received_at) > 21]
        recent = [draft for draft in ordinary if self.days_ago(draft.received_at) <= 21]
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
        handled = [
            draft
            for draft in ordinary
            if draft.logged_by.pk != login.pk and draft.severity <= Severity.MEDIUM
        ]
        older_count, recent_count = FRONTLINE_LOGIN_ASSIGNED
        older = [draft for draft in handled if self.days_ago(draft.received_at) > 14]
        recent = [draft for draft in handled if self.days_ago(draft.received_at) <= 14]
        assigned = self.random.sample(older, min(older_count, len(older)))
        assigned += self.random.sample(recent, min(recent_count, len(recent)))
        for draft in assigned:
            draft.assignee = login
            draft.first_contact_allowed = False

    def plan(self, draft: ComplaintDraft) -> None:
        """Plan the complaint's life, cut it off at the present and build its row and events."""
        theme = complaint_wording().themes[draft.theme_key]
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
        draft.events, draft.versions = replay(
            complaint, [step for step in steps if step.at <= self.now]
        )
        draft.complaint = complaint

    def held(self, draft: ComplaintDraft, steps: list[TimelineStep]) -> list[TimelineStep]:
        """Return the steps up to the status the complaint waits in today, fitted before today."""
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
        # Squeeze them into the days between receipt and today: fitted before now instead, they
        # would move with the hour the demo loads at (the held complaints arrived before today).
        today = datetime.combine(self.today, time.min, tzinfo=self.zone)
        if kept[-1].at > today:
            scale = (today - draft.received_at) * 0.9 / (kept[-1].at - draft.received_at)
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
        wording = complaint_wording()
        later = self.local(draft.received_at).date() + timedelta(days=rng.randint(1, 4))
        while later.weekday() >= 5:  # the day something is promised for is a working day
            later += timedelta(days=1)
        return {
            "product": rng.choice(wording.products),
            "part": rng.choice(wording.parts),
            "days": rng.randint(2, 9),
            "minutes": rng.choice(wording.waiting_minutes),
            "hours": rng.randint(2, 4),
            "amount": rng.choice(wording.amounts),
            "weekday": wording.weekdays[later.weekday()],
            "order": f"ORD-{rng.randint(240000, 299999)}",
            "owner": owner_name(draft.touchpoint),
            "since": customer.first_seen.year if customer else rng.randint(2019, 2025),
        }

    def description(self, draft: ComplaintDraft, theme: Theme, fills: dict[str, Any]) -> str:
        """Return what happened: the main complaint, sometimes with a detail or two."""
        rng = self.random
        wording = complaint_wording()
        sentences = [draft.case.description]
        details = [
            detail
            for detail in [*theme.details, *wording.shared_details]
            if "{order}" not in detail or "{order}" not in draft.case.description
        ]
        if rng.random() < 0.55:
            sentences.append(rng.choice(details))
        winter = self.local(draft.received_at).month in (11, 12, 1, 2)
        cold = "heating" in draft.case.description or (
            draft.theme_key == "field" and draft.severity >= Severity.HIGH
        )
        if cold and winter and rng.random() < 0.5:
            sentences.append(rng.choice(wording.winter_details))
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
