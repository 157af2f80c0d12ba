"""Reads of the journeys app shared by pages and the API.

The journey map is read in a fixed number of queries whatever the journey's size: the journey,
its stages, its touchpoints (owners joined, failure points prefetched), its handoffs and its
objectives.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.queries import SubqueryCount
from stakeholders.models import Department, Partner

from .models import FailurePoint, Handoff, Journey, QualityObjective, Stage, Touchpoint

# A handoff whose two touchpoints share their owner, as a database filter (the Python twin is
# Handoff.is_cross_owner; tests/journeys/test_selectors.py keeps the two in step).
SAME_OWNER = Q(
    from_touchpoint__owner_department__isnull=False,
    from_touchpoint__owner_department=F("to_touchpoint__owner_department"),
) | Q(
    from_touchpoint__owner_partner__isnull=False,
    from_touchpoint__owner_partner=F("to_touchpoint__owner_partner"),
)


def journey_list() -> QuerySet[Journey]:
    """Return journeys with their segment, owner and the counts the journey list shows."""
    touchpoints = Touchpoint.objects.filter(stage__journey=OuterRef("pk"))
    handoffs = Handoff.objects.filter(from_touchpoint__stage__journey=OuterRef("pk"))
    cross_owner = handoffs.exclude(SAME_OWNER)
    failure_points = FailurePoint.objects.filter(touchpoint__stage__journey=OuterRef("pk"))
    return Journey.objects.select_related("segment", "owner").annotate(
        stage_count=SubqueryCount(Stage.objects.filter(journey=OuterRef("pk")).values("pk")),
        touchpoint_count=SubqueryCount(touchpoints.values("pk")),
        handoff_count=SubqueryCount(handoffs.values("pk")),
        cross_owner_handoff_count=SubqueryCount(cross_owner.values("pk")),
        failure_point_count=SubqueryCount(failure_points.values("pk")),
        highest_rpn=Subquery(failure_points.order_by("-rpn").values("rpn")[:1]),
    )


@dataclass
class Lane:
    """One swimlane of the map: a department or a partner, with its touchpoints per stage."""

    key: str
    owner: Department | Partner
    is_partner: bool
    columns: list[list[Touchpoint]] = field(default_factory=list)  # one list per stage, in order


@dataclass
class JourneyMap:
    """Everything the journey map page shows, read in a constant number of queries."""

    journey: Journey
    stages: list[Stage]
    lanes: list[Lane]
    touchpoints: list[Touchpoint]
    handoffs: list[Handoff]
    objectives: list[QualityObjective]

    @property
    def cross_owner_handoffs(self) -> list[Handoff]:
        """Return the handoffs whose two sides have different owners."""
        return [handoff for handoff in self.handoffs if handoff.is_cross_owner]

    @property
    def failure_points(self) -> list[FailurePoint]:
        """Return every failure point of the journey, highest risk first."""
        points = [
            point for touchpoint in self.touchpoints for point in touchpoint.failure_points.all()
        ]
        return sorted(points, key=lambda point: (-point.rpn, point.description))


def journey_touchpoints(journey_id: int) -> QuerySet[Touchpoint]:
    """Return a journey's touchpoints in map order with owners and failure points loaded."""
    return (
        Touchpoint.objects.filter(stage__journey=journey_id)
        .select_related("stage", "owner_department", "owner_partner")
        .prefetch_related(Prefetch("failure_points", queryset=FailurePoint.objects.all()))
        .order_by("stage__order", "order")
    )


def journey_map(journey: Journey) -> JourneyMap:
    """Return the journey map: stages as columns, one lane per owner, handoffs, objectives."""
    stages = list(journey.stages.order_by("order"))
    touchpoints = list(journey_touchpoints(journey.pk))
    by_id = {touchpoint.pk: touchpoint for touchpoint in touchpoints}
    handoffs = list(
        Handoff.objects.filter(from_touchpoint__stage__journey=journey.pk).order_by(
            "from_touchpoint__stage__order", "from_touchpoint__order", "to_touchpoint__order"
        )
    )
    for handoff in handoffs:
        # Reuse the touchpoints already loaded instead of joining them again.
        handoff.from_touchpoint = by_id[handoff.from_touchpoint_id]
        handoff.to_touchpoint = by_id[handoff.to_touchpoint_id]
    objectives = list(
        QualityObjective.objects.filter(
            Q(journey=journey.pk) | Q(touchpoint__stage__journey=journey.pk)
        ).select_related("touchpoint", "owner")
    )

    lanes: dict[str, Lane] = {}
    cells: dict[str, dict[int, list[Touchpoint]]] = defaultdict(lambda: defaultdict(list))
    for touchpoint in touchpoints:
        owner = touchpoint.owner
        assert owner is not None  # a database constraint guarantees one
        if touchpoint.owner_key not in lanes:
            lanes[touchpoint.owner_key] = Lane(
                key=touchpoint.owner_key, owner=owner, is_partner=isinstance(owner, Partner)
            )
        cells[touchpoint.owner_key][touchpoint.stage_id].append(touchpoint)
    # Departments first, then partners: the organisation's own lanes above its partners'.
    ordered = sorted(lanes.values(), key=lambda lane: lane.is_partner)
    for lane in ordered:
        lane.columns = [cells[lane.key].get(stage.pk, []) for stage in stages]
    return JourneyMap(
        journey=journey,
        stages=stages,
        lanes=ordered,
        touchpoints=touchpoints,
        handoffs=handoffs,
        objectives=objectives,
    )


def touchpoint_handoffs(touchpoint: Touchpoint) -> QuerySet[Handoff]:
    """Return the handoffs into and out of a touchpoint, with both ends and their owners."""
    return Handoff.objects.filter(
        Q(from_touchpoint=touchpoint) | Q(to_touchpoint=touchpoint)
    ).select_related(
        "from_touchpoint__owner_department",
        "from_touchpoint__owner_partner",
        "to_touchpoint__owner_department",
        "to_touchpoint__owner_partner",
    )
