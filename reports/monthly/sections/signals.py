"""The report's section: Special-cause signals.

The special-cause signals the recompute stored on the closed periods of every active indicator
inside the month: a monthly indicator's month, a weekly one's weeks that END in the month (so
every week belongs to one month), a daily one's days. A period that had not ended when the
verdicts were computed (the indicator's `complete_before` on) or that has not ended today is
left out.

Each signal: the indicator, its period, the rules that flagged it, which way it points
(improving or concerning: the side of the centre line the value lies on, read against the
indicator's direction; on the line: neither) and its size (sigmas from the centre line), with
the likely drivers from the stored lagged correlations (for an outcome, the leading indicators
that drive it; for a leading indicator, the outcomes it is paired with).

Order of importance: concerning first, then neither way, then improving; within each, the
largest distance from the centre line first.
"""

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.charts.numbers import measure
from metrics.models import Indicator, Snapshot
from metrics.periods import DAY, MONTH, WEEK, open_period

from ..indicator_rows import period_label, rule_words
from ..months import ReportMonth
from .leading import WAY_LABELS, drivers_by_outcome, outcomes_by_driver

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "signals"
TITLE = _("Special-cause signals")

LISTED = 20  # the table's rows; the rest are counted, so the section stays a page or two
WAY_ORDER = {"concerning": 0, "neutral": 1, "improving": 2}


def _in_month(month: ReportMonth) -> Q:
    """Return the filter of snapshots whose period is inside the month, by grain."""
    week_end = timedelta(days=6)
    return (
        Q(indicator__grain=MONTH, period=month.first)
        | Q(
            indicator__grain=WEEK,
            period__gte=month.first - week_end,
            period__lte=month.last - week_end,
        )
        | Q(indicator__grain=DAY, period__gte=month.first, period__lte=month.last)
    )


def _way(indicator: Indicator, value: float, center: float | None) -> str:
    if center is None or value == center:
        return "neutral"
    return "improving" if (value > center) == indicator.higher_is_better else "concerning"


def size_words(sigmas: float | None) -> str:
    """Return a distance from the centre line in words ("3.2 sigma above the centre line")."""
    if sigmas is None:
        return ""
    if sigmas == 0:
        return gettext("on the centre line")
    words = (
        gettext("%(size)s sigma above the centre line")
        if sigmas > 0
        else gettext("%(size)s sigma below the centre line")
    )
    return words % {"size": f"{abs(sigmas):.1f}"}


def signal_rows(month: ReportMonth) -> list[dict[str, Any]]:
    """Return every signal on a closed period inside the month, most important first."""
    snapshots = (
        Snapshot.objects.filter(_in_month(month), indicator__is_active=True)
        .exclude(signals=[])
        .exclude(value=None)
        .select_related("indicator")
        .order_by("indicator__name", "period")
    )
    open_periods = {grain: open_period(grain) for grain in (DAY, WEEK, MONTH)}
    rows: list[dict[str, Any]] = []
    for snapshot in snapshots:
        indicator = snapshot.indicator
        value = snapshot.value
        if value is None or not snapshot.signals:
            continue
        if indicator.is_in_progress(snapshot.period):
            continue
        if snapshot.period >= open_periods[indicator.grain]:
            continue
        sigmas = (
            (value - snapshot.center) / snapshot.sigma
            if snapshot.center is not None and snapshot.sigma
            else None
        )
        way = _way(indicator, value, snapshot.center)
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "kind": indicator.kind,
                "kind_label": str(indicator.get_kind_display()),
                "grain": indicator.grain,
                "period": snapshot.period.isoformat(),
                "period_label": period_label(snapshot.period, indicator.grain),
                "rules": rule_words(list(snapshot.signals)),
                "way": way,
                "way_label": str(WAY_LABELS[way]),
                "value_text": measure(value, indicator.unit),
                "center_text": measure(snapshot.center, indicator.unit),
                "sigmas": None if sigmas is None else round(sigmas, 2),
                "size_words": size_words(sigmas),
                "direction_label": str(indicator.get_direction_display()),
            }
        )
    rows.sort(
        key=lambda row: (
            WAY_ORDER[row["way"]],
            -abs(row["sigmas"]) if row["sigmas"] is not None else 0.0,
            row["name"],
            row["period"],
        )
    )
    return rows


def _rule_order(rule: str) -> tuple[str, int]:
    """Return a rule's sort key: its set, then its number (WE2 before WE10)."""
    prefix = rule.rstrip("0123456789")
    return prefix, int(rule[len(prefix) :] or 0)


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the section's data for the month, as plain JSON."""
    rows = signal_rows(month)
    outcomes = {row["code"] for row in rows if row["kind"] == Indicator.Kind.LAGGING}
    drivers = drivers_by_outcome(outcomes, {})
    outcomes_of = outcomes_by_driver({row["code"] for row in rows} - outcomes, {})
    for row in rows:
        if row["kind"] == Indicator.Kind.LAGGING:
            row["related_role"] = "drivers"
            row["related"] = drivers.get(row["code"], [])
        else:
            row["related_role"] = "outcomes"
            row["related"] = outcomes_of.get(row["code"], [])
    ways = Counter(row["way"] for row in rows)
    listed = rows[:LISTED]
    used = sorted({rule["rule"] for row in listed for rule in row["rules"]}, key=_rule_order)
    return {
        "period_line": gettext(
            "Signals on the closed periods of %(month)s: the month of monthly indicators, the "
            "weeks ending in it of weekly ones, its days of daily ones."
        )
        % {"month": month.label},
        "signals": listed,
        "rule_legend": rule_words(used),
        "not_listed": max(0, len(rows) - LISTED),
        "counts": {
            "total": len(rows),
            "concerning": ways["concerning"],
            "improving": ways["improving"],
            "neutral": ways["neutral"],
            "indicators": len({row["code"] for row in rows}),
        },
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """The section has no figures: each signal is on its indicator's control chart."""
    return []
