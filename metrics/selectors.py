"""Reads of the metrics pages: indicator lists, the stakeholder balance, runs, drivers, notes.

Each returns a QuerySet (or a small dict) with its joins applied, so a page's query count stays
the same however many indicators, snapshots, annotations and drivers there are.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Abs

from journeys.models import Journey, QualityObjective
from stakeholders.constants import StakeholderGroup

from .models import Annotation, Driver, Indicator, LimitSegment, RecomputeRun, Snapshot

# Stakeholder groups in the vocabulary's order (customers first), not alphabetically.
GROUP_ORDER = Case(
    *[
        When(stakeholder_group=group.value, then=Value(position))
        for position, group in enumerate(StakeholderGroup)
    ],
    default=Value(len(StakeholderGroup)),
    output_field=IntegerField(),
)


def indicators_for_list(
    *,
    kind: str = "",
    stakeholder_group: str = "",
    journey: Journey | None = None,
    status: str = "",
    search: str = "",
) -> QuerySet[Indicator]:
    """Return the indicators matching the filters, by stakeholder group, then name."""
    rows = Indicator.objects.select_related(
        "owner", "journey", "touchpoint", "partner", "segment"
    ).annotate(group_order=GROUP_ORDER)
    if kind:
        rows = rows.filter(kind=kind)
    if stakeholder_group:
        rows = rows.filter(stakeholder_group=stakeholder_group)
    if journey is not None:
        # A journey's indicators include those scoped to one of its touchpoints.
        rows = rows.filter(Q(journey=journey) | Q(touchpoint__stage__journey=journey))
    if status:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(description__icontains=search)
        )
    return rows.order_by("group_order", "name", "code")


@dataclass
class GroupBalance:
    """One stakeholder group's active indicators, counted by status."""

    group: str
    label: str
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def segments(self) -> list[dict[str, Any]]:
        """Return the status mix in RAG order with each status's share in percent."""
        total = self.total
        return [
            {
                "status": status.value,
                "label": status.label,
                "count": self.statuses.get(status.value, 0),
                "percent": round(100 * self.statuses.get(status.value, 0) / total, 1)
                if total
                else 0,
            }
            for status in Indicator.Status
            if self.statuses.get(status.value, 0)
        ]


def stakeholder_balance() -> list[GroupBalance]:
    """Count the active indicators per stakeholder group and status in one grouped query."""
    counts = (
        Indicator.objects.filter(is_active=True)
        .order_by()
        .values("stakeholder_group", "status")
        .annotate(count=Count("pk"))
    )
    balance = {
        group.value: GroupBalance(group=group.value, label=str(group.label))
        for group in StakeholderGroup
    }
    for row in counts:
        if row["stakeholder_group"] in balance:
            balance[row["stakeholder_group"]].statuses[row["status"]] = row["count"]
    return list(balance.values())


def indicator_by_code(code: str) -> QuerySet[Indicator]:
    """Return the indicator with a code (empty if none) with what its page shows joined."""
    return Indicator.objects.select_related(
        "owner", "journey", "touchpoint__stage__journey", "partner", "segment"
    ).filter(code=code)


def runs_recent() -> QuerySet[RecomputeRun]:
    """Return the recompute runs, newest first, with the indicator, the requester and the run
    that took an interrupted one over joined."""
    return RecomputeRun.objects.select_related("indicator", "requested_by", "resumed_by").order_by(
        "-started_at", "-id"
    )


def drivers_of(indicator: Indicator) -> QuerySet[Driver]:
    """Return the drivers of a lagging indicator, strongest correlation first."""
    return (
        Driver.objects.filter(lagging=indicator)
        .select_related("leading")
        .order_by(Abs("best_r").desc(nulls_last=True), "leading__name")
    )


def outcomes_of(indicator: Indicator) -> QuerySet[Driver]:
    """Return the lagging indicators a leading one is paired with, strongest first."""
    return (
        Driver.objects.filter(leading=indicator)
        .select_related("lagging")
        .order_by(Abs("best_r").desc(nulls_last=True), "lagging__name")
    )


def annotations_of(indicator: Indicator) -> QuerySet[Annotation]:
    """Return an indicator's chart annotations in date order."""
    return (
        Annotation.objects.filter(indicator=indicator)
        .select_related("created_by")
        .order_by("starts_on", "id")
    )


def snapshots_of(indicator: Indicator) -> QuerySet[Snapshot]:
    """Return an indicator's snapshots, newest period first (the table under the chart)."""
    return Snapshot.objects.filter(indicator=indicator).order_by("-period")


def latest_complete_snapshot(indicator: Indicator) -> Snapshot | None:
    """Return the snapshot of the latest complete period with a value (the verdicts' period)."""
    rows = snapshots_of(indicator).exclude(value=None)
    if indicator.complete_before is not None:
        rows = rows.filter(period__lt=indicator.complete_before)
    return rows.first()


def limit_segments_of(indicator: Indicator) -> QuerySet[LimitSegment]:
    """Return an indicator's limit recalculations in date order, with who made them."""
    return (
        LimitSegment.objects.filter(indicator=indicator)
        .select_related("created_by")
        .order_by("starts_on")
    )


def objectives_of(indicator: Indicator) -> QuerySet[QualityObjective]:
    """Return the quality objectives an indicator measures, with where they apply."""
    return (
        QualityObjective.objects.filter(indicator=indicator)
        .select_related("journey", "touchpoint__stage__journey")
        .order_by("due_date", "statement")
    )


def periods_of(indicator: Indicator, *, limit: int) -> list[Any]:
    """Return the latest periods with a value, newest first (where limits may restart)."""
    return list(
        Snapshot.objects.filter(indicator=indicator, value__isnull=False)
        .order_by("-period")
        .values_list("period", flat=True)[:limit]
    )


def leading_choices(indicator: Indicator) -> QuerySet[Indicator]:
    """Return the leading indicators that could be declared as drivers of this one."""
    return (
        Indicator.objects.filter(kind=Indicator.Kind.LEADING)
        .exclude(pk=indicator.pk)
        .exclude(pk__in=Driver.objects.filter(lagging=indicator, declared=True).values("leading"))
        .order_by("name")
    )
