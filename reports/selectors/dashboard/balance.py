"""The stakeholder balance, and the leading and lagging panels with the strongest drivers.

The balance extends metrics' stakeholder balance with what is moving: per group, how many
indicators improve and how many concern (special-cause variation or a significant trend, as the
recompute stored them), so that a gain bought at another group's expense shows side by side.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Abs

from metrics.models import Driver, Indicator
from metrics.selectors import GroupBalance
from stakeholders.constants import StakeholderGroup

from .matrix import STATUS_ORDER, ranked
from .scope import DashboardFilters, indicators_in_scope

Status = Indicator.Status
Variation = Indicator.Variation
Trend = Indicator.TrendVerdict

IMPROVING, CONCERNING, STEADY = "improving", "concerning", "steady"
# A special cause or a significant trend the wrong way concerns, whatever else moves well.
MOVEMENT = Case(
    When(
        Q(variation=Variation.SPECIAL_DETERIORATING) | Q(trend=Trend.DETERIORATING),
        then=Value(CONCERNING),
    ),
    When(
        Q(variation=Variation.SPECIAL_IMPROVING) | Q(trend=Trend.IMPROVING), then=Value(IMPROVING)
    ),
    default=Value(STEADY),
    output_field=CharField(),
)
KIND_LIST_SIZE = 8  # indicators each of the leading and lagging panels lists, worst first
TOP_DRIVERS = 5


@dataclass
class GroupHealth(GroupBalance):
    """One stakeholder group's indicators in scope: counted by status and by movement."""

    improving: int = 0
    concerning: int = 0

    def _count(self, *statuses: str) -> int:
        return sum(self.statuses.get(status, 0) for status in statuses)

    @property
    def on_target(self) -> int:
        return self._count(Status.MEETS_TARGET)

    @property
    def off_target(self) -> int:
        """Return how many miss their target, within tolerance or amber (red counts apart)."""
        return self._count(Status.WITHIN_TOLERANCE, Status.AMBER)

    @property
    def red(self) -> int:
        return self._count(Status.RED)

    @property
    def unjudged(self) -> int:
        """Return how many have no target, or no complete period yet."""
        return self._count(Status.NO_TARGET, Status.NO_DATA)

    @property
    def state(self) -> str:
        """Return the group's state in one word: "unmeasured" (no indicator), "red" (one is
        red), "amber" (one misses its target or concerns), "green" (the judged ones meet their
        targets) or "unjudged" (none has a target and a complete period)."""
        if not self.total:
            return "unmeasured"
        if self.red:
            return "red"
        if self.off_target or self.concerning:
            return "amber"
        return "green" if self.on_target else "unjudged"


def balance(filters: DashboardFilters) -> list[GroupHealth]:
    """Count the indicators in scope per stakeholder group, status and movement in one query."""
    counts = (
        indicators_in_scope(filters, group=False, kind=False)
        .annotate(movement=MOVEMENT)
        .order_by()
        .values("stakeholder_group", "status", "movement")
        .annotate(count=Count("pk"))
    )
    groups = {
        group.value: GroupHealth(group=group.value, label=str(group.label))
        for group in StakeholderGroup
    }
    for row in counts:
        health = groups.get(row["stakeholder_group"])
        if health is None:
            continue
        health.statuses[row["status"]] = health.statuses.get(row["status"], 0) + row["count"]
        if row["movement"] == IMPROVING:
            health.improving += row["count"]
        elif row["movement"] == CONCERNING:
            health.concerning += row["count"]
    return list(groups.values())


def kind_panels(filters: DashboardFilters) -> dict[str, Any]:
    """Return the leading and the lagging indicators in scope, worst status first, and how many
    there are of each (three queries)."""
    rows = indicators_in_scope(filters, kind=False)
    totals = dict(rows.order_by().values_list("kind").annotate(count=Count("pk")))
    listed = rows.select_related("journey", "touchpoint", "partner").order_by(
        ranked("status", STATUS_ORDER), "name", "code"
    )
    return {
        kind.value: {
            "label": kind.label,
            "indicators": list(listed.filter(kind=kind)[:KIND_LIST_SIZE]),
            "total": totals.get(kind.value, 0),
        }
        for kind in Indicator.Kind
    }


def strongest_drivers(filters: DashboardFilters, *, limit: int = TOP_DRIVERS) -> QuerySet[Driver]:
    """Return the stored leading → lagging pairs with the strongest correlation, the lagging
    indicator in scope (its best lag, r and p-value as the recompute stored them)."""
    lagging = indicators_in_scope(filters, kind=False).values("pk")
    return (
        Driver.objects.filter(lagging__in=lagging, leading__is_active=True, best_r__isnull=False)
        .select_related("leading", "lagging")
        .order_by(Abs("best_r").desc(), "lagging__name", "leading__name")[:limit]
    )
