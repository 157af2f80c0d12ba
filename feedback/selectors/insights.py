"""Reads of insights shared by the insights page, its export and the API.

Every read starts from `insights_visible_to(user)`, so that lists, searches, exports and counts
only ever hold what the user may read.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.changes import local_midnight

from ..models import Insight, Theme
from .complaints import complaints_visible_to
from .surveys import shown_one_by_one

UNTAGGED = "untagged"
TREND_MONTHS = 12


@dataclass(frozen=True)
class InsightFilters:
    """The insights page's filters; empty values do not filter."""

    search: str = ""
    source: str = ""
    theme: str = ""  # a theme id, or "untagged"
    touchpoint: int | None = None
    journey: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def insights_visible_to(user: Any) -> QuerySet[Insight]:
    """Return the insights the user may read (those holding `view_insight`).

    Staff notes and customers' survey comments: all of them. A complaint's insight: only with
    the complaint (`complaints_visible_to`). eNPS comments: never, to anyone; their words could
    point to the employee (they no longer become insights, and older ones stay hidden).
    """
    if not user.is_authenticated or not user.has_perm("feedback.view_insight"):
        return Insight.objects.none()
    return Insight.objects.filter(
        Q(source=Insight.Source.NOTE)
        | (Q(source=Insight.Source.SURVEY) & shown_one_by_one("response__"))
        | Q(
            source=Insight.Source.COMPLAINT,
            complaint__in=complaints_visible_to(user).values("pk"),
        )
    )


def insights_filtered(user: Any, filters: InsightFilters | None = None) -> QuerySet[Insight]:
    """Return the visible insights matching the filters, without what a row shows (for counts)."""
    filters = filters or InsightFilters()
    rows = insights_visible_to(user)
    if filters.search:
        rows = rows.filter(text__icontains=filters.search)
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.theme == UNTAGGED:
        rows = rows.filter(themes__isnull=True)
    elif filters.theme.isdigit():
        rows = rows.filter(themes=int(filters.theme))
    if filters.touchpoint:
        rows = rows.filter(touchpoint=filters.touchpoint)
    if filters.journey:
        rows = rows.filter(
            Q(touchpoint__stage__journey=filters.journey) | Q(complaint__journey=filters.journey)
        )
    if filters.date_from:
        rows = rows.filter(occurred_at__gte=local_midnight(filters.date_from))
    if filters.date_to:
        rows = rows.filter(occurred_at__lt=local_midnight(filters.date_to + timedelta(days=1)))
    return rows


def insight_list(user: Any, filters: InsightFilters | None = None) -> QuerySet[Insight]:
    """Return the visible matching insights, newest first, with what a row shows fetched."""
    return (
        insights_filtered(user, filters)
        .select_related("touchpoint__stage__journey", "complaint", "response__survey", "author")
        .prefetch_related("themes")
        .order_by("-occurred_at", "-id")
    )


def trend_months(today: date | None = None, count: int = TREND_MONTHS) -> list[date]:
    """Return the first days of the last `count` months, oldest first, this month included."""
    today = today or timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass(frozen=True)
class ThemeTrend:
    """Counts of matching insights per month: all of them, and per theme (busiest first)."""

    months: list[date]
    totals: list[int]
    rows: list[tuple[Theme, list[int]]]
    peak: int


def theme_counts_by_month(
    user: Any, filters: InsightFilters | None = None, *, today: date | None = None
) -> ThemeTrend:
    """Count the visible matching insights per month (organisation time zone) and theme."""
    months = trend_months(today)
    zone = ZoneInfo(settings.TIME_ZONE)
    matching = insights_filtered(user, filters).filter(occurred_at__gte=local_midnight(months[0]))
    totals = {
        row["month"].astimezone(zone).date(): row["count"]
        for row in matching.annotate(month=TruncMonth("occurred_at", tzinfo=zone))
        .values("month")
        .annotate(count=Count("id"))
        .order_by()
    }
    # Count through the tag table so every theme of a matching insight counts, whichever
    # theme the filter picked.
    tags: QuerySet[Any] = Insight.themes.through.objects.filter(insight__in=matching.values("pk"))
    per_theme: dict[int, dict[date, int]] = {}
    for row in (
        tags.annotate(month=TruncMonth("insight__occurred_at", tzinfo=zone))
        .values("month", "theme_id")
        .annotate(count=Count("id"))
        .order_by()
    ):
        per_theme.setdefault(row["theme_id"], {})[row["month"].astimezone(zone).date()] = row[
            "count"
        ]
    themes = Theme.objects.in_bulk(list(per_theme))
    rows = [
        (themes[theme_id], [counts.get(month, 0) for month in months])
        for theme_id, counts in per_theme.items()
    ]
    rows.sort(key=lambda row: (-sum(row[1]), row[0].name))
    total_list = [totals.get(month, 0) for month in months]
    peak = max([count for _theme, counts in rows for count in counts] or [0])
    return ThemeTrend(months=months, totals=total_list, rows=rows, peak=peak)


def active_themes() -> QuerySet[Theme]:
    """Return the themes insights may be tagged with now."""
    return Theme.objects.filter(is_active=True).order_by("name")


def theme_list(user: Any) -> QuerySet[Any]:
    """Return every theme with how many of the insights the user may read carry it."""
    visible = insights_visible_to(user).values("pk")
    return Theme.objects.annotate(
        insight_count=Count("insights", filter=Q(insights__in=visible))
    ).order_by("-is_active", "name")
