"""What the dashboard's filters choose: the month, and which indicators and journeys each panel
reads.

The matrix reads every filter; the balance reads the journey and the segment (its tiles are the
groups); the leading and lagging panels read the journey, the segment and the group (the two
kinds stand side by side); the journey heat reads the journey and the segment; "needs attention"
reads none: it lists everything waiting, as far as the user may see it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from journeys.models import Journey
from metrics.models import Indicator
from stakeholders.models import CustomerSegment


@dataclass(frozen=True)
class DashboardFilters:
    """The dashboard's choices; empty values do not filter."""

    month: date  # the first day of the chosen month
    journey: Journey | None = None
    segment: CustomerSegment | None = None
    group: str = ""  # a stakeholder group
    kind: str = ""  # leading or lagging


def indicators_in_scope(
    filters: DashboardFilters, *, group: bool = True, kind: bool = True
) -> QuerySet[Indicator]:
    """Return the active indicators the filters keep (the group and the kind when asked)."""
    rows = Indicator.objects.filter(is_active=True)
    if filters.journey is not None:
        # A journey's indicators include those scoped to one of its touchpoints.
        rows = rows.filter(
            Q(journey=filters.journey) | Q(touchpoint__stage__journey=filters.journey)
        )
    if filters.segment is not None:
        # An indicator serves a segment when it is scoped to it or to a journey designed for it.
        rows = rows.filter(
            Q(segment=filters.segment)
            | Q(journey__segment=filters.segment)
            | Q(touchpoint__stage__journey__segment=filters.segment)
        )
    if group and filters.group:
        rows = rows.filter(stakeholder_group=filters.group)
    if kind and filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows


def journeys_in_scope(filters: DashboardFilters) -> QuerySet[Journey]:
    """Return the journeys in use that the filters keep, by name."""
    rows = Journey.objects.exclude(status=Journey.Status.RETIRED)
    if filters.journey is not None:
        rows = rows.filter(pk=filters.journey.pk)
    if filters.segment is not None:
        rows = rows.filter(segment=filters.segment)
    return rows.order_by("name")
