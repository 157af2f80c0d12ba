"""Pareto of complaints: which categories (themes) and which root causes account for most.

A complaint's categories are the themes its insight is tagged with (feedback's insights): a
complaint tagged with two themes counts under both, so the bars add up to tags, not complaints.
Its root cause is the fishbone (6M) category recorded during investigation.

Complaints without a theme or a root cause yet are counted apart (`Pareto.unclassified`) and
shown beside the chart, not as a bar: a Pareto ranks causes to act on, and "not yet analysed"
is no cause; as a bar it would often rank first and push the cumulative line past the real
causes.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from feedback.models import Complaint
from journeys.models import Journey, Touchpoint
from stakeholders.models import Partner

from .complaint_counts import complaints_received

BY_CATEGORY = "category"
BY_ROOT_CAUSE = "root_cause"

TITLES = {
    BY_CATEGORY: _("Complaints by category"),
    BY_ROOT_CAUSE: _("Complaints by root cause"),
}
UNCLASSIFIED = {
    BY_CATEGORY: _("not yet categorised (no theme)"),
    BY_ROOT_CAUSE: _("not yet analysed (no root cause)"),
}


@dataclass(frozen=True)
class ParetoBar:
    """One bar: a category or root cause, its count, its share and the cumulative share (%)."""

    key: str  # the theme's id or the root cause's value
    label: str
    count: int
    share: float
    cumulative: float


@dataclass(frozen=True)
class Pareto:
    """The bars, largest first, and how many complaints are not classified yet."""

    by: str
    bars: list[ParetoBar]
    unclassified: int

    @property
    def total(self) -> int:
        """Return the sum of the bars."""
        return sum(bar.count for bar in self.bars)

    @property
    def title(self) -> str:
        return str(TITLES[self.by])

    @property
    def unclassified_label(self) -> str:
        return str(UNCLASSIFIED[self.by])


def ranked(by: str, counts: list[tuple[str, str, int]], unclassified: int) -> Pareto:
    """Return the Pareto of (key, label, count) rows: largest first (ties by label), with each
    bar's share of the bars' total and the running cumulative share, in percent."""
    rows = sorted((row for row in counts if row[2] > 0), key=lambda row: (-row[2], row[1]))
    total = sum(count for _key, _label, count in rows)
    bars, running = [], 0
    for key, label, count in rows:
        running += count
        bars.append(
            ParetoBar(
                key=key,
                label=label,
                count=count,
                share=100.0 * count / total,
                cumulative=100.0 * running / total,
            )
        )
    return Pareto(by=by, bars=bars, unclassified=unclassified)


def complaint_pareto(
    *,
    by: str,
    date_from: date,
    date_to: date,
    user: Any,
    journey: Journey | int | None = None,
    touchpoint: Touchpoint | int | None = None,
    partner: Partner | int | None = None,
) -> Pareto:
    """Rank the complaints the user may read, received in the window, by category or root cause.

    One grouped query. The journey and touchpoint are the complaint's; the partner is the one it
    was attributed to when logged (as the partner-scoped indicators count them).
    """
    complaints = complaints_received(user, date_from, date_to)
    if journey:
        complaints = complaints.filter(journey=journey)
    if touchpoint:
        complaints = complaints.filter(touchpoint=touchpoint)
    if partner:
        complaints = complaints.filter(owner_partner=partner)
    return rank_complaints(complaints, by)


def rank_complaints(complaints: QuerySet[Complaint], by: str) -> Pareto:
    """Rank a set of complaints by category or root cause, in one grouped query."""
    if by == BY_ROOT_CAUSE:
        labels = dict(Complaint.RootCause.choices)
        grouped = {
            row["root_cause_category"]: row["count"]
            for row in complaints.values("root_cause_category")
            .annotate(count=Count("id"))
            .order_by()
        }
        unclassified = grouped.pop("", 0)
        counts = [(key, str(labels.get(key, key)), count) for key, count in grouped.items()]
        return ranked(by, counts, unclassified)
    if by == BY_CATEGORY:
        # Through the insight's tags: a left join keeps the complaints without any (theme null).
        rows = (
            complaints.values("insight__themes__id", "insight__themes__name")
            .annotate(count=Count("id"))
            .order_by()
        )
        unclassified, counts = 0, []
        for row in rows:
            if row["insight__themes__id"] is None:
                unclassified += row["count"]
            else:
                counts.append(
                    (str(row["insight__themes__id"]), row["insight__themes__name"], row["count"])
                )
        return ranked(by, counts, unclassified)
    raise ValueError(f"Unknown Pareto measure {by!r}.")
