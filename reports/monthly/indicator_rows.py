"""The indicators' rows of the monthly report (lagging and leading sections, signals): the
period that stands for the month, the values and changes, the verdicts and whether it moved.

The period that stands for the month: a monthly indicator's month; a weekly or daily one's last
period that ends within the month (the dashboard's rule, `dashboard.periods.window_for`).

The verdicts are the month's own, worked out from its snapshot with the recompute's rules
(`metrics.series.status_of`, `variation_of`, `assurance_of`): for the latest ended month they are
the ones stored on the indicator; for an older month they stay that month's. A period that has
not ended gets no verdict.

An indicator MOVED in the month when
1. its period carries a special-cause signal (any rule of its rule set), or
2. its change from the previous period is larger than the upper limit of its moving-range chart,
   3.267 times the average moving range, which is 3.267 x 1.128 = 3.69 sigma of its control chart.
Which way it moved: for a signal, the side of the centre line the value lies on (as the control
chart colours it); for a jump, the sign of the change; either read against the indicator's
direction as "improving" or "concerning".
"""

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.charts.numbers import MINUS, measure, number
from metrics import periods as metric_periods
from metrics.models import Indicator, Snapshot
from metrics.periods import DAY, MONTH, WEEK
from metrics.rules import RULE_LABELS
from metrics.selectors import GROUP_ORDER
from metrics.series import PointChart, assurance_of, status_of, variation_of
from stakeholders.constants import StakeholderGroup

from ..selectors.dashboard.periods import Window, periods_back, window_for
from .months import ReportMonth

if TYPE_CHECKING:
    pass


HISTORY_PERIODS = 13  # a year and the month itself: the same month last year is on the chart
CHARTED = 4  # charts of key indicators: more would crowd the section
# The moving-range chart's upper limit in sigmas of the individuals chart: D4 x d2.
JUMP_SIGMAS = 3.267 * 1.128

NO_SYMBOL = "\u2013"  # an en dash: no verdict to show
STATUS_SYMBOLS = {
    Indicator.Status.MEETS_TARGET: "✓",
    Indicator.Status.WITHIN_TOLERANCE: "≈",
    Indicator.Status.AMBER: "!",
    Indicator.Status.RED: "✗",
    Indicator.Status.NO_TARGET: NO_SYMBOL,
    Indicator.Status.NO_DATA: NO_SYMBOL,
}
STATUS_STATES = {
    Indicator.Status.MEETS_TARGET: "good",
    Indicator.Status.AMBER: "bad",
    Indicator.Status.RED: "bad",
}
# Worst first: the order key indicators are picked in.
STATUS_RANK = [
    Indicator.Status.RED,
    Indicator.Status.AMBER,
    Indicator.Status.WITHIN_TOLERANCE,
    Indicator.Status.MEETS_TARGET,
    Indicator.Status.NO_TARGET,
    Indicator.Status.NO_DATA,
]
VARIATION_STATES = {
    Indicator.Variation.SPECIAL_IMPROVING: "good",
    Indicator.Variation.SPECIAL_DETERIORATING: "bad",
}
ASSURANCE_SYMBOLS = {
    Indicator.Assurance.PASSING: "P",
    Indicator.Assurance.FAILING: "F",
    Indicator.Assurance.HIT_AND_MISS: "?",
}
ASSURANCE_STATES = {
    Indicator.Assurance.PASSING: "good",
    Indicator.Assurance.FAILING: "bad",
}
MOVEMENT_STATES = {"improving": "good", "concerning": "bad"}


def period_label(period: date, grain: str) -> str:
    """Return a period in words: "November 2026", "week of 23 Nov 2026", "23 Nov 2026"."""
    if grain == MONTH:
        return date_format(period, "F Y")
    if grain == WEEK:
        return gettext("week of %(day)s") % {"day": date_format(period, "j M Y")}
    return date_format(period, "j M Y")


def short_period_label(period: date, grain: str) -> str:
    """Return a period as a chart's axis names it: "Nov 2026", "23 Nov"."""
    return date_format(period, "M Y" if grain == MONTH else "j M")


def lag_label(lag: int, grain: str) -> str:
    """Return a driver's lag in words: "same month", "2 weeks before"."""
    unit = {MONTH: (_("month"), _("months")), WEEK: (_("week"), _("weeks"))}.get(
        grain, (_("day"), _("days"))
    )
    if lag == 0:
        return gettext("same %(unit)s") % {"unit": unit[0]}
    return gettext("%(count)d %(unit)s before") % {
        "count": lag,
        "unit": unit[0] if lag == 1 else unit[1],
    }


def change_text(difference: float | None, unit: str) -> str:
    """Return a signed change with its unit ("+3.2 points"; a fall starts with a minus sign);
    percentages change by percentage points ("pp")."""
    if difference is None:
        return ""
    if difference == 0:
        return gettext("no change")
    sign = "+" if difference > 0 else MINUS
    text = f"{sign}{number(abs(difference))}"
    if unit == "%":
        return f"{text} pp"
    return f"{text} {unit}" if unit else text


def _change(
    value: float | None, earlier: float | None, indicator: Indicator
) -> dict[str, Any] | None:
    if value is None or earlier is None:
        return None
    difference = value - earlier
    better = None if difference == 0 else (difference > 0) == indicator.higher_is_better
    return {
        "difference": difference,
        "text": change_text(difference, indicator.unit),
        "better": better,
        "verdict": "" if better is None else gettext("better") if better else gettext("worse"),
        "state": "neutral" if better is None else "good" if better else "bad",
    }


def _side(point: dict[str, Any] | None) -> int:
    """Return the side of the centre line a point lies on (+1 above, -1 below, 0 on it)."""
    if not point or point["value"] is None or point["center"] is None:
        return 0
    return (point["value"] > point["center"]) - (point["value"] < point["center"])


def _sigmas(point: dict[str, Any] | None) -> float | None:
    """Return how many sigmas a point lies from its centre line (None without limits)."""
    if not point or point["value"] is None or point["center"] is None or not point["sigma"]:
        return None
    return float((point["value"] - point["center"]) / point["sigma"])


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def movement(
    indicator: Indicator, point: dict[str, Any] | None, earlier: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Return how an indicator moved in its period (see the module's docstring), or None."""
    if not point or point["value"] is None:
        return None
    if point["signals"]:
        side = _side(point)
        way = (
            "neutral"
            if not side
            else "improving"
            if (side > 0) == indicator.higher_is_better
            else "concerning"
        )
        return {
            "because": "signal",
            "way": way,
            "rules": list(point["signals"]),
            "sigmas": _rounded(_sigmas(point)),
        }
    if earlier and earlier["value"] is not None and point["sigma"]:
        difference = point["value"] - earlier["value"]
        if abs(difference) > JUMP_SIGMAS * point["sigma"]:
            improving = (difference > 0) == indicator.higher_is_better
            return {
                "because": "jump",
                "way": "improving" if improving else "concerning",
                "rules": [],
                "sigmas": _rounded(difference / point["sigma"]),
            }
    return None


def _verdicts(
    indicator: Indicator, point: dict[str, Any] | None, in_progress: bool
) -> dict[str, Any]:
    """Return the month's status, variation and assurance as words, symbols and states."""
    if in_progress:
        return {
            "status": "in_progress",
            "status_label": gettext("Period not ended: no verdict"),
            "status_symbol": "…",
            "status_state": "neutral",
            "variation": "in_progress",
            "variation_label": gettext("Period not ended"),
            "variation_symbol": "…",
            "variation_state": "neutral",
            "assurance": "in_progress",
            "assurance_label": gettext("Period not ended"),
            "assurance_symbol": "…",
            "assurance_state": "neutral",
        }
    value = point["value"] if point else None
    chart = None
    if point and point["value"] is not None:
        side = _side(point)
        chart = PointChart(
            segment=0,
            center=point["center"],
            ucl=point["ucl"],
            lcl=point["lcl"],
            sigma=point["sigma"],
            signals=list(point["signals"]),
            sides=[side for _rule in point["signals"]],
        )
    status = Indicator.Status(status_of(indicator, value))
    variation = Indicator.Variation(variation_of(indicator, chart))
    assurance = Indicator.Assurance(assurance_of(indicator, chart))
    return {
        "status": status.value,
        "status_label": str(status.label),
        "status_symbol": STATUS_SYMBOLS.get(status, NO_SYMBOL),
        "status_state": STATUS_STATES.get(status, "neutral"),
        "variation": variation.value,
        "variation_label": str(variation.label),
        "variation_symbol": _variation_symbol(variation, indicator.higher_is_better),
        "variation_state": VARIATION_STATES.get(variation, "neutral"),
        "assurance": assurance.value,
        "assurance_label": str(assurance.label),
        "assurance_symbol": ASSURANCE_SYMBOLS.get(assurance, NO_SYMBOL),
        "assurance_state": ASSURANCE_STATES.get(assurance, "neutral"),
    }


def _variation_symbol(variation: str, higher_is_better: bool) -> str:
    """Return an arrow the way the value went for a special cause, "~" for common cause."""
    if variation == Indicator.Variation.COMMON_CAUSE:
        return "~"
    if variation == Indicator.Variation.SPECIAL_NEUTRAL:
        return "◆"
    if variation == Indicator.Variation.SPECIAL_IMPROVING:
        return "▲" if higher_is_better else "▼"
    if variation == Indicator.Variation.SPECIAL_DETERIORATING:
        return "▼" if higher_is_better else "▲"
    return "?"


def active_indicators(kind: str) -> list[Indicator]:
    """Return the active indicators of a kind, by stakeholder group, then name."""
    return list(
        Indicator.objects.filter(is_active=True, kind=kind)
        .select_related("journey", "touchpoint", "partner", "segment")
        .annotate(group_order=GROUP_ORDER)
        .order_by("group_order", "name", "code")
    )


def _points(
    indicators: list[Indicator], windows: dict[str, Window]
) -> dict[int, dict[date, dict[str, Any]]]:
    """Return every indicator's snapshots from its history's first period to its month's
    period, and its period a year before, in one query."""
    condition = Q(pk__in=[])
    for indicator in indicators:
        window = windows[indicator.grain]
        first = periods_back(window.period, indicator.grain, HISTORY_PERIODS - 1)
        condition |= Q(indicator=indicator) & (
            Q(period__gte=first, period__lte=window.period) | Q(period=window.last_year)
        )
    points: dict[int, dict[date, dict[str, Any]]] = defaultdict(dict)
    if not indicators:
        return points
    for row in (
        Snapshot.objects.filter(condition)
        .order_by()
        .values("indicator_id", "period", "value", "center", "ucl", "lcl", "sigma", "signals")
    ):
        points[row["indicator_id"]][row["period"]] = dict(row)
    return points


def indicator_rows(
    indicators: list[Indicator], month: ReportMonth, *, today: date | None = None
) -> list[dict[str, Any]]:
    """Return each indicator's line for the month, as plain JSON (see the module's docstring)."""
    today = today or metric_periods.local_today()
    windows = {grain: window_for(grain, month.first, today) for grain in (DAY, WEEK, MONTH)}
    points = _points(indicators, windows)
    groups = dict(StakeholderGroup.choices)
    rows = []
    for indicator in indicators:
        grain = indicator.grain
        window = windows[grain]
        own = points[indicator.pk]
        point = own.get(window.period)
        previous = own.get(window.previous)
        last_year = own.get(window.last_year)
        in_progress = window.in_progress or indicator.is_in_progress(window.period)
        value = point["value"] if point else None
        history_periods = [
            period
            for period in _history_periods(window.period, grain)
            if not indicator.is_in_progress(period)
            and not (window.in_progress and period == window.period)
        ]
        moved = None if in_progress else movement(indicator, point, previous)
        unit = indicator.unit
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "kind": indicator.kind,
                "group": indicator.stakeholder_group,
                "group_label": str(groups.get(indicator.stakeholder_group, "")),
                "scope": indicator.scope_label,
                "unit": unit,
                "grain": grain,
                "higher_is_better": indicator.higher_is_better,
                "direction_label": str(indicator.get_direction_display()),
                "period": window.period.isoformat(),
                "period_label": period_label(window.period, grain),
                "previous_label": period_label(window.previous, grain),
                "last_year_label": period_label(window.last_year, grain),
                "in_progress": in_progress,
                "value": value,
                "value_text": measure(value, unit),
                "target": indicator.target,
                "target_text": measure(indicator.target, unit)
                if indicator.target is not None
                else "",
                "previous": previous["value"] if previous else None,
                "previous_text": measure(previous["value"] if previous else None, unit),
                "last_year": last_year["value"] if last_year else None,
                "last_year_text": measure(last_year["value"] if last_year else None, unit),
                "change_previous": _change(
                    value, previous["value"] if previous else None, indicator
                ),
                "change_last_year": _change(
                    value, last_year["value"] if last_year else None, indicator
                ),
                "signals": [] if in_progress or not point else list(point["signals"]),
                "sigmas": None if in_progress else _rounded(_sigmas(point)),
                "moved": moved,
                **_verdicts(indicator, point, in_progress),
                "history": {
                    "labels": [short_period_label(period, grain) for period in history_periods],
                    "values": [(own.get(period) or {}).get("value") for period in history_periods],
                },
            }
        )
    return rows


def _history_periods(period: date, grain: str) -> list[date]:
    """Return the HISTORY_PERIODS periods ending with `period`, oldest first."""
    return [periods_back(period, grain, count) for count in range(HISTORY_PERIODS - 1, -1, -1)]


def rule_words(rules: list[str]) -> list[dict[str, str]]:
    """Return special-cause rules with their meaning in words."""
    return [{"rule": rule, "label": RULE_LABELS.get(rule, rule)} for rule in rules]


def moved_words(row: dict[str, Any]) -> str:
    """Return why a row counts as moved, in words."""
    moved = row.get("moved") or {}
    if moved.get("because") == "signal":
        return gettext("special cause (%(rules)s)") % {"rules": ", ".join(moved["rules"])}
    if moved.get("because") == "jump":
        return gettext("a jump beyond its moving-range limit")
    return ""


def key_rows(rows: list[dict[str, Any]], count: int = CHARTED) -> list[dict[str, Any]]:
    """Return the rows worth a chart: those that moved (concerning first), then the worst
    against target, each with two values or more in its history."""

    def rank(item: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
        position, row = item
        moved = row.get("moved") or {}
        way = {"concerning": 0, "neutral": 1, "improving": 2}.get(moved.get("way", ""), 3)
        status = STATUS_RANK.index(row["status"]) if row["status"] in STATUS_RANK else 9
        return (way, status, position)

    drawable = [
        (position, row)
        for position, row in enumerate(rows)
        if sum(value is not None for value in row["history"]["values"]) >= 2
    ]
    return [row for _position, row in sorted(drawable, key=rank)[:count]]


def section_period(month: ReportMonth) -> str:
    """Return the line stating the period and comparisons of an indicator section."""
    return gettext(
        "%(month)s, against %(previous)s and %(year_ago)s. Weekly and daily indicators: their "
        "last week or day that ends within the month, against the one before and the same one "
        "a year before."
    ) % {
        "month": month.label,
        "previous": month.previous.label,
        "year_ago": month.year_ago.label,
    }


def column_labels(month: ReportMonth) -> dict[str, str]:
    """Return the month names the indicator tables head their columns with."""
    return {
        "month": date_format(month.first, "M Y"),
        "previous": date_format(month.previous.first, "M Y"),
        "year_ago": date_format(month.year_ago.first, "M Y"),
    }
