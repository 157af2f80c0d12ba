"""SLA clocks: when a complaint must be acknowledged and resolved, and when it turns at risk.

Acknowledgement targets are elapsed hours, day or night. Resolution targets are days counted in
the organisation's time zone (settings.TIME_ZONE), optionally working days only (Monday to
Friday), and fall due at the same local time of day as the complaint was received: a complaint
received at 16:30 with "3 working days" is due at 16:30 local time three working days later,
whether or not daylight saving time changed in between.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import AT_RISK_SHARE, SeverityPolicy

SATURDAY = 5


@dataclass(frozen=True)
class SlaClocks:
    """The due times and at-risk thresholds of one complaint."""

    acknowledge_due_at: datetime
    acknowledge_at_risk_from: datetime
    resolve_due_at: datetime
    resolve_at_risk_from: datetime


def add_days(local_day: date, days: int, *, working_days_only: bool) -> date:
    """Return the day `days` days after `local_day`, skipping weekends if asked."""
    if not working_days_only:
        return local_day + timedelta(days=days)
    day = local_day
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            remaining -= 1
    return day


def at_risk_from(start: datetime, due: datetime) -> datetime:
    """Return the moment when less than AT_RISK_SHARE of the window from start to due is left."""
    # In UTC: arithmetic on datetimes of one zone is wall-clock arithmetic, off by an hour
    # when daylight saving time changes within the window.
    start, due = start.astimezone(UTC), due.astimezone(UTC)
    return due - (due - start) * AT_RISK_SHARE


def resolve_due(received_at: datetime, policy: SeverityPolicy) -> datetime:
    """Return the resolution due time: same local wall time, `resolve_within_days` days later."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = received_at.astimezone(zone)
    day = add_days(
        local.date(), policy.resolve_within_days, working_days_only=policy.working_days_only
    )
    # A wall time skipped by a daylight-saving jump resolves to the same instant an hour later.
    wall = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)
    return wall.astimezone(ZoneInfo("UTC")).astimezone(zone)


def clocks_for(received_at: datetime, policy: SeverityPolicy) -> SlaClocks:
    """Return the SLA clocks of a complaint received at `received_at` under `policy`."""
    # Elapsed hours: adding them to a local time (as forms give it) would add wall-clock hours.
    received_at = received_at.astimezone(UTC)
    acknowledge_due_at = received_at + timedelta(hours=policy.acknowledge_within_hours)
    resolve_due_at = resolve_due(received_at, policy)
    return SlaClocks(
        acknowledge_due_at=acknowledge_due_at,
        acknowledge_at_risk_from=at_risk_from(received_at, acknowledge_due_at),
        resolve_due_at=resolve_due_at,
        resolve_at_risk_from=at_risk_from(received_at, resolve_due_at),
    )
