"""Reads of mystery shopping shared by its pages and the API."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import TruncQuarter

from journeys.models import Touchpoint

from .models import Audit, AuditItemScore, ChecklistItem, ChecklistTemplate

QUARTERS_SHOWN = 8  # two years of quarters per touchpoint on the overview


def checklist_list() -> QuerySet[ChecklistTemplate]:
    """Return the checklists with their touchpoint, items and how many audits used them."""
    return (
        ChecklistTemplate.objects.select_related("touchpoint__stage__journey")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order")))
        .annotate(audit_count=Count("audits"))
        .order_by("-is_active", "touchpoint__stage__journey__name", "touchpoint__name", "name")
    )


def audit_list(
    *,
    touchpoint: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Audit]:
    """Return the audits, latest visit first, filtered by touchpoint and visit dates."""
    rows = Audit.objects.select_related(
        "template", "touchpoint__stage__journey", "auditor"
    ).order_by("-visited_on", "-id")
    if touchpoint:
        rows = rows.filter(touchpoint=touchpoint)
    if date_from:
        rows = rows.filter(visited_on__gte=date_from)
    if date_to:
        rows = rows.filter(visited_on__lte=date_to)
    return rows


def audit_detail(pk: int) -> Audit:
    """Return one audit with its item scores in checklist order."""
    return (
        Audit.objects.select_related("template", "touchpoint__stage__journey", "auditor")
        .prefetch_related(
            Prefetch(
                "item_scores",
                queryset=AuditItemScore.objects.select_related("item").order_by("item__order"),
            )
        )
        .get(pk=pk)
    )


@dataclass
class TouchpointScores:
    """A touchpoint's latest audit and its average score per quarter, oldest first."""

    touchpoint: Touchpoint
    latest: Audit | None = None
    quarters: list[tuple[date, Decimal, int]] = field(default_factory=list)


def scores_by_touchpoint() -> list[TouchpointScores]:
    """Return, per audited touchpoint, the latest audit and the quarterly average score.

    Two queries whatever the number of audits: the quarterly averages are aggregated in SQL,
    and the latest audit of each touchpoint is picked by a correlated subquery.
    """
    quarterly = (
        Audit.objects.annotate(quarter=TruncQuarter("visited_on"))
        .values("touchpoint_id", "quarter")
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by("touchpoint_id", "quarter")
    )
    by_touchpoint: dict[int, list[tuple[date, Decimal, int]]] = {}
    for row in quarterly:
        by_touchpoint.setdefault(row["touchpoint_id"], []).append(
            (row["quarter"], Decimal(str(row["average"])).quantize(Decimal("0.1")), row["count"])
        )
    newest = Audit.objects.filter(touchpoint=OuterRef("touchpoint")).order_by("-visited_on", "-id")
    latest = {
        audit.touchpoint_id: audit
        for audit in audit_list().filter(pk=Subquery(newest.values("pk")[:1]))
    }
    result = [
        TouchpointScores(
            touchpoint=latest[touchpoint_id].touchpoint,
            latest=latest[touchpoint_id],
            quarters=quarters[-QUARTERS_SHOWN:],
        )
        for touchpoint_id, quarters in by_touchpoint.items()
    ]
    result.sort(key=lambda row: (row.touchpoint.stage.journey.name, row.touchpoint.name))
    return result
