"""The report's section: Complaints (ISO 9001 §9.3.2 c 1: customer feedback; ISO 10002).

For the month, the previous month and the same month a year before:

- received: complaints received in the month (None before the complaint log began, the month
  of the first complaint on record: no record is not zero complaints);
- rate: complaints per 1,000 customer activities of the month, as the complaint-rate indicator
  computes it (every activity is the base; None without activities);
- SLA: of the clocks that fell due in the month, the share stopped in time, each clock as
  feedback records it when it stops (`acknowledged_within_sla`, `resolved_within_sla`); a clock
  still running past its due time has missed it (as the queue's "overdue" counts it).
  `sla_compliance` is the resolution clock's share, as the SLA-compliance indicator reports;
- escalations: complaints escalated to quality managers in the month;
- regulator cases: the values of the monthly indicators counting ombudsman or regulator cases
  (named so), since complaints record no such case themselves; how many are open at the month's
  end is therefore not known and the section says so.

And for the month alone: its complaints by category (the themes of their insights, as the
Pareto pages rank them) and the themes of every insight of the month against the month before.
"""

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.changes import local_day
from feedback.models import Complaint, Insight
from feedback.selectors import shown_one_by_one
from metrics.models import Indicator, Snapshot

from ...selectors.complaint_counts import activity_count, per_thousand
from ...selectors.dashboard.periods import month_start
from ...selectors.pareto import BY_CATEGORY, rank_complaints
from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "complaints"
TITLE = _("Complaints")

# The categories the chart and table show: beyond these a Pareto's bars are too thin to act on.
TOP_CATEGORIES = 8  # rows of the table
CHARTED_CATEGORIES = 15  # bars of the chart: more would not stay legible on A4
TOP_THEMES = 6
# Complaints record no ombudsman or regulator case: the monthly indicators whose name holds one
# of these words count them (imported observations, e.g. "Ombudsman escalations").
REGULATOR_WORDS = ("ombudsman", "regulator")
PERCENT = 100.0


def _between(field: str, month: ReportMonth) -> Q:
    """Return a filter on a timestamp falling within the month (local days)."""
    return Q(**{f"{field}__gte": month.start_moment, f"{field}__lt": month.end_moment})


def _share(met: int, due: int) -> float | None:
    return met / due if due else None


def _percent(share: float | None) -> float | None:
    return None if share is None else share * PERCENT


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _changes(current: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Return the month's changes on an earlier month (None where either has no value)."""
    received = _difference(current["received"], before["received"])
    return {
        "received": received,
        "received_percent": (
            received / before["received"] * PERCENT
            if received is not None and before["received"]
            else None
        ),
        "rate": _difference(current["rate"], before["rate"]),
        "acknowledge_points": _difference(
            current["acknowledge_percent"], before["acknowledge_percent"]
        ),
        "resolve_points": _difference(current["resolve_percent"], before["resolve_percent"]),
        "escalations": _difference(current["escalations"], before["escalations"]),
    }


def _clock(month: ReportMonth, due: str, within: str) -> tuple[Q, Q]:
    """Return the filters of a clock that fell due in the month and of one stopped in time.

    A clock counts once it has stopped or its due time has passed (an ended month's always has):
    one still running past its due time has missed it.
    """
    due_in_month = _between(due, month) & (
        Q(**{f"{within}__isnull": False}) | Q(**{f"{due}__lt": timezone.now()})
    )
    return due_in_month, due_in_month & Q(**{within: True})


def _month_counts(month: ReportMonth, log_began: Any) -> dict[str, Any]:
    """Return the month's received, escalated and SLA counts, and its complaint rate."""
    acknowledge_due, acknowledge_met = _clock(
        month, "acknowledge_due_at", "acknowledged_within_sla"
    )
    resolve_due, resolve_met = _clock(month, "resolve_due_at", "resolved_within_sla")
    counts = Complaint.objects.aggregate(
        received=Count("id", filter=_between("received_at", month)),
        escalations=Count("id", filter=_between("escalated_at", month)),
        acknowledge_due=Count("id", filter=acknowledge_due),
        acknowledge_met=Count("id", filter=acknowledge_met),
        resolve_due=Count("id", filter=resolve_due),
        resolve_met=Count("id", filter=resolve_met),
    )
    recorded = log_began is not None and month.first >= log_began
    activities = activity_count(month.first, month.last)
    received = counts["received"] if recorded else None
    acknowledge_share = _share(counts["acknowledge_met"], counts["acknowledge_due"])
    resolve_share = _share(counts["resolve_met"], counts["resolve_due"])
    return {
        "month": month.slug,
        "label": month.label,
        "short_label": date_format(month.first, "M Y"),
        "recorded": recorded,
        "received": received,
        "activities": activities,
        "rate": per_thousand(received, activities) if received is not None else None,
        "escalations": counts["escalations"] if recorded else None,
        "acknowledge_due": counts["acknowledge_due"],
        "acknowledge_met": counts["acknowledge_met"],
        "acknowledge_share": acknowledge_share,
        "acknowledge_percent": _percent(acknowledge_share),
        "resolve_due": counts["resolve_due"],
        "resolve_met": counts["resolve_met"],
        "resolve_share": resolve_share,
        "resolve_percent": _percent(resolve_share),
    }


def _categories(month: ReportMonth) -> dict[str, Any]:
    """Return the month's complaints ranked by category (their insight's themes)."""
    pareto = rank_complaints(Complaint.objects.filter(_between("received_at", month)), BY_CATEGORY)
    rest = pareto.bars[TOP_CATEGORIES:]
    return {
        "top": TOP_CATEGORIES,
        "others": len(rest),
        "others_tags": sum(bar.count for bar in rest),
        "bars": [
            {
                "label": bar.label,
                "count": bar.count,
                "share": bar.share,
                "cumulative": bar.cumulative,
            }
            for bar in pareto.bars
        ],
        "tags": pareto.total,
        "unclassified": pareto.unclassified,
    }


def _insights(month: ReportMonth) -> QuerySet[Insight]:
    """Return the month's insights that may be read one by one (never employees' answers)."""
    return Insight.objects.filter(_between("occurred_at", month)).filter(
        ~Q(source=Insight.Source.SURVEY) | shown_one_by_one("response__")
    )


def _theme_counts(month: ReportMonth) -> dict[int, tuple[str, int]]:
    tags: QuerySet[Any] = Insight.themes.through.objects.filter(
        insight__in=_insights(month).values("pk")
    )
    return {
        row["theme_id"]: (row["theme__name"], row["count"])
        for row in tags.values("theme_id", "theme__name").annotate(count=Count("id")).order_by()
    }


def _themes(month: ReportMonth) -> dict[str, Any]:
    """Return the themes most insights of the month carry, with the month before's count."""
    now, before = _theme_counts(month), _theme_counts(month.previous)
    rows = sorted(now.items(), key=lambda item: (-item[1][1], item[1][0]))[:TOP_THEMES]
    return {
        "insights": _insights(month).count(),
        "untagged": _insights(month).filter(themes__isnull=True).count(),
        "rows": [
            {"name": name, "count": count, "previous": before.get(theme_id, ("", 0))[1]}
            for theme_id, (name, count) in rows
        ],
    }


def _regulator(months: list[ReportMonth]) -> dict[str, Any]:
    """Return the ombudsman or regulator cases of each month from the indicators counting them."""
    named = Q()
    for word in REGULATOR_WORDS:
        named |= Q(name__icontains=word)
    indicators = list(
        Indicator.objects.filter(named, is_active=True, grain=Indicator.Grain.MONTH).order_by(
            "name"
        )
    )
    values = {
        (row["indicator_id"], row["period"]): row["value"]
        for row in Snapshot.objects.filter(
            indicator__in=indicators, period__in=[month.first for month in months]
        ).values("indicator_id", "period", "value")
    }
    per_month: list[float | None] = []
    for month in months:
        found = [
            value
            for indicator in indicators
            if (value := values.get((indicator.pk, month.first))) is not None
        ]
        per_month.append(sum(found) if found else None)
    return {
        "sources": [indicator.name for indicator in indicators],
        "values": per_month,
    }


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the month's complaints against the month before and the same month a year ago."""
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    log_began = month_start(local_day(first)) if first is not None else None
    compared = [month, month.previous, month.year_ago]
    current, previous, year_ago = (_month_counts(each, log_began) for each in compared)
    regulator = _regulator(compared)
    categories = _categories(month)
    categories["categorised"] = (current["received"] or 0) - categories["unclassified"]
    return {
        "months": [current, previous, year_ago],
        "change_previous": _changes(current, previous),
        "log_began": log_began.isoformat() if log_began else None,
        "received": current["received"],
        "received_previous": previous["received"],
        "received_year_ago": year_ago["received"],
        "rate": current["rate"],
        "rate_previous": previous["rate"],
        "rate_year_ago": year_ago["rate"],
        "sla_compliance": current["resolve_share"],
        "sla_compliance_previous": previous["resolve_share"],
        "acknowledge_compliance": current["acknowledge_share"],
        "escalations": current["escalations"],
        "escalations_previous": previous["escalations"],
        "categories": categories,
        "themes": _themes(month),
        "regulator_sources": regulator["sources"],
        "regulator_cases": regulator["values"][0],
        "regulator_cases_previous": regulator["values"][1],
        "regulator_cases_year_ago": regulator["values"][2],
        "regulator_open": None,  # complaints record no regulator case, so none is known open
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """Return the Pareto of the month's complaints by category (when any is categorised)."""
    from core.charts import Chart, figure_table, pareto

    bars = data.get("categories", {}).get("bars", [])[:CHARTED_CATEGORIES]
    if not bars:
        return []
    figure = pareto([(bar["label"], bar["count"]) for bar in bars], value_label="Complaints")
    return [
        Chart(
            key="complaints_pareto",
            title=str(
                _("Categories of %(month)s, largest first, with the cumulative share")
                % {"month": month.label}
            ),
            figure=figure,
            table=figure_table(figure, category=str(_("Category"))),
            description=str(
                _(
                    "Bars: complaints per category, largest first; line: cumulative share of "
                    "the categorised complaints."
                )
            ),
        )
    ]
