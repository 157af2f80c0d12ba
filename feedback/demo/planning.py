"""The ground every part of the demo year stands on: shared rhythms, the staff, time."""

import itertools
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from core.roles import Role
from feedback import selectors, sla
from feedback.models import Severity
from journeys.models import Touchpoint
from stakeholders.models import Customer

# Volumes and rhythms -----------------------------------------------------------------------------

DAYS = 365

# SwiftParcel's bad spell, in days before today (May to August when the demo was written):
# its complaints climb to four times the usual, more of them serious, then ease.
TROUBLE_PARTNER = "SwiftParcel"
TROUBLE_STARTS_DAYS_AGO = 200
TROUBLE_ENDS_DAYS_AGO = 90
TROUBLE_EXTRA_VOLUME = 3.0

HOUR_WEIGHTS = [
    1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 7, 10, 10, 9, 7, 8, 9, 9, 8, 6, 4, 4, 3, 3, 2, 1.5
]  # fmt: skip
HOUR_CUMULATIVE = list(itertools.accumulate(HOUR_WEIGHTS))
QUALITY_LOGIN_SHARE = 0.45  # the demo's quality manager handles the biggest share


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


class YearPlanner:
    """Hold what every part of the year's plan draws on: the seed's randomness, the staff, time."""

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        people: People,
        touchpoints: list[Touchpoint],
        customers: list[Customer],
    ) -> None:
        self.seed = seed
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
        self.policies = {severity: selectors.policy_for(severity) for severity in Severity.values}
        # Some colleagues log far more than others: the contact-centre regulars.
        self.logger_weights = [self.random.lognormvariate(0, 0.6) for _ in people.frontline]

    def draw_from(self, key: str) -> None:
        """Draw what follows from its own stream of the seed.

        The present moment decides how much of today has happened (which of today's complaints
        have arrived, which steps are done): one part of the plan drawing more or less because of
        it must not shift the draws of another, or the demo's story would change with the hour
        it is loaded at.
        """
        self.random = random.Random(f"{self.seed}:{key}")  # noqa: S311 - demo data, not secrets

    def days_ago(self, moment: datetime) -> int:
        """Return how many days before today a moment's local day is (the same all day)."""
        return (self.today - self.local(moment).date()).days

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
        earlier = self.now - timedelta(minutes=self.random.uniform(20, 120))  # drawn at any hour
        if moment < self.now:
            return moment
        # Not yet: earlier today instead (never yesterday, which is the same all day).
        return max(earlier, datetime.combine(self.today, time.min, tzinfo=self.zone))

    def received_on(self, days_ago: int) -> datetime:
        """Return a moment of the day `days_ago` days before today, at a likely hour: today, it
        may be later than now (the caller drops what has not happened yet). The same draws
        whatever the hour."""
        day = self.today - timedelta(days=days_ago)
        hour = self.random.choices(range(24), cum_weights=HOUR_CUMULATIVE)[0]
        clock = time(hour, self.random.randrange(60), self.random.randrange(60))
        return datetime.combine(day, clock, tzinfo=self.zone)

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
