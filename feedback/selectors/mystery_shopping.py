"""Reads of mystery shopping shared by its pages and the API."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import TruncQuarter

from journeys.models import Touchpoint

from ..models import Audit, AuditItemScore, ChecklistItem, ChecklistTemplate

QUARTERS_SHOWN = 8  # two years of quarter columns on the overview


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


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, named by its first day."""

    start: date

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"

    def previous(self) -> "Quarter":
        month = self.start.month - 3
        if month < 1:
            return Quarter(date(self.start.year - 1, month + 12, 1))
        return Quarter(date(self.start.year, month, 1))


@dataclass(frozen=True)
class QuarterCell:
    """A row's cell in a quarter column: the average score of its audits and how many (none:
    no average)."""

    quarter: Quarter
    average: Decimal | None = None
    count: int = 0


@dataclass
class TouchpointScores:
    """A touchpoint's latest audit and its average score in each quarter the overview shows."""

    touchpoint: Touchpoint
    latest: Audit | None = None
    quarters: list[QuarterCell] = field(default_factory=list)  # one per column, same order


@dataclass
class ScoreOverview:
    """The score-per-touchpoint table: its quarter columns, oldest first, and its rows."""

    quarters: list[Quarter]
    rows: list[TouchpointScores]


def scores_by_touchpoint() -> ScoreOverview:
    """Return, per audited touchpoint, the latest audit and the average score per quarter.

    The quarters are columns shared by every row: the newest QUARTERS_SHOWN quarters up to the
    latest one audited, without gaps, so that a quarter sits in the same column on every row.
    Two queries whatever the number of audits: the quarterly averages are aggregated in SQL,
    and the latest audit of each touchpoint is picked by a correlated subquery.
    """
    quarterly = (
        Audit.objects.annotate(quarter=TruncQuarter("visited_on"))
        .values("touchpoint_id", "quarter")
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by("touchpoint_id", "quarter")
    )
    by_touchpoint: dict[int, dict[Quarter, QuarterCell]] = {}
    for row in quarterly:
        quarter = Quarter(row["quarter"])
        by_touchpoint.setdefault(row["touchpoint_id"], {})[quarter] = QuarterCell(
            quarter, Decimal(str(row["average"])).quantize(Decimal("0.1")), row["count"]
        )
    audited = {quarter for scores in by_touchpoint.values() for quarter in scores}
    columns: list[Quarter] = []
    if audited:
        earliest, quarter = min(audited), max(audited)
        while len(columns) < QUARTERS_SHOWN and quarter >= earliest:
            columns.insert(0, quarter)
            quarter = quarter.previous()
    newest = Audit.objects.filter(touchpoint=OuterRef("touchpoint")).order_by("-visited_on", "-id")
    latest = {
        audit.touchpoint_id: audit
        for audit in audit_list().filter(pk=Subquery(newest.values("pk")[:1]))
    }
    rows = [
        TouchpointScores(
            touchpoint=latest[touchpoint_id].touchpoint,
            latest=latest[touchpoint_id],
            quarters=[scores.get(quarter) or QuarterCell(quarter) for quarter in columns],
        )
        for touchpoint_id, scores in by_touchpoint.items()
    ]
    rows.sort(key=lambda row: (row.touchpoint.stage.journey.name, row.touchpoint.name))
    return ScoreOverview(quarters=columns, rows=rows)
