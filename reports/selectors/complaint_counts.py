"""Complaint counts the evidence pages share: who sees which, in a window, and SLA breaches.

Every count starts from feedback's `complaints_visible_to(user)`: a frontline member of staff's
Pareto, heat and evidence count only the complaints they logged or hold, the same rows their queue
shows; quality managers and executives count every complaint.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from feedback.models import Complaint
from feedback.selectors import RUNNING_RESOLUTION, complaints_visible_to
from stakeholders.models import CustomerActivity

from ..periods import moments_between

PER_THOUSAND = 1000.0


def complaints_received(user: Any, date_from: date, date_to: date) -> QuerySet[Complaint]:
    """Return the complaints the user may read received on the local days of the window."""
    return complaints_visible_to(user).filter(moments_between("received_at", date_from, date_to))


def sla_breached(now: datetime) -> Q:
    """Return the filter of complaints that missed an SLA clock: acknowledged or resolved late,
    or still waiting for either past its due time."""
    return (
        Q(acknowledged_within_sla=False)
        | Q(resolved_within_sla=False)
        | Q(status=Complaint.Status.RECEIVED, acknowledge_due_at__lt=now)
        | Q(status__in=RUNNING_RESOLUTION, resolve_due_at__lt=now)
    )


def activity_count(date_from: date, date_to: date) -> int:
    """Return the customer activities (purchases, renewals, ...) of the window.

    Activities carry no journey or touchpoint, so a touchpoint's complaint rate is its complaints
    per 1,000 of the organisation's activities, as the complaint-rate indicators compute it.
    """
    return CustomerActivity.objects.filter(
        moments_between("occurred_at", date_from, date_to)
    ).count()


def per_thousand(count: int, base: int) -> float | None:
    """Return count per 1,000 of base (None without a base)."""
    return PER_THOUSAND * count / base if base else None
