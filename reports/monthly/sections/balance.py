"""The report's section: the stakeholder balance of the ended month (ISO 9001 §9.3.2 b: the
needs of interested parties), and of the month before.

The dashboard's balance (`reports.selectors.dashboard.balance`) counts the indicators' verdicts
as the last recompute stored them, i.e. for their latest period, whatever month is chosen. A
report covers one ended month, so this section judges each active indicator on the period that
stands for the month on the dashboard (`periods.window_for`: the month itself, or the last week
or day ending in it), with the same rules and the same tally:

- its status is `metrics.series.status_of` applied to that period's stored value (no value, or a
  period the recompute had not yet closed: not judged);
- it improves or concerns when that period raised a special-cause signal, on the better or the
  worse side of the centre line (as the dashboard's sparklines read stored signals); the
  significant-trend verdict is stored for the latest period only, so it is not used here;
- each group's counts and state are the dashboard's `GroupHealth` (red: one indicator red;
  amber: one misses its target or concerns; green: the judged ones meet their targets).

The dashboard draws no chart from the balance (its tiles are words and counts), so neither does
this section: a table prints it.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrics.models import Indicator, Snapshot
from metrics.series import status_of
from stakeholders.constants import StakeholderGroup

from ...selectors.dashboard import DashboardFilters, GroupHealth
from ...selectors.dashboard.balance import CONCERNING, IMPROVING, STEADY
from ...selectors.dashboard.periods import windows_for
from ...selectors.dashboard.scope import indicators_in_scope
from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "balance"
TITLE = _("Stakeholder balance")

ATTENTION_SHOWN = 5  # indicators named per group as needing attention (red, off target, concerning)
# A group's state in words, as the dashboard's tiles write it.
STATE_LABELS = {
    "red": _("Needs action"),
    "amber": _("Watch"),
    "green": _("Healthy"),
    "unjudged": _("Not judged"),
    "unmeasured": _("Not measured"),
}
Status = Indicator.Status
# Worst first: the order in which a group's indicators needing attention are named.
ATTENTION_ORDER: list[str] = [Status.RED, Status.AMBER, Status.WITHIN_TOLERANCE]


def _judged(indicators: list[Indicator], month: ReportMonth) -> dict[int, tuple[str, str]]:
    """Return each indicator's (status, movement) on the period standing for the month."""
    # The day after the month: its periods have all ended (a report covers an ended month).
    windows = windows_for(month.first, month.last + timedelta(days=1))
    condition = Q(pk__in=[])
    for grain, window in windows.items():
        condition |= Q(indicator__grain=grain, period=window.period)
    snapshots: dict[tuple[int, date], tuple[float | None, list[Any], float | None]] = {
        (indicator_id, period): (value, signals, center)
        for indicator_id, period, value, signals, center in Snapshot.objects.filter(
            condition, indicator__in=indicators
        ).values_list("indicator_id", "period", "value", "signals", "center")
    }
    judged = {}
    for indicator in indicators:
        window = windows[indicator.grain]
        value, signals, center = snapshots.get((indicator.pk, window.period), (None, [], None))
        if indicator.is_in_progress(window.period):
            # The recompute had not closed the period: its value is partial and judges nothing.
            value, signals = None, []
        movement = STEADY
        if signals and value is not None and center is not None and value != center:
            better = (value > center) == indicator.higher_is_better
            movement = IMPROVING if better else CONCERNING
        judged[indicator.pk] = (status_of(indicator, value), movement)
    return judged


def _health(
    indicators: list[Indicator], judged: dict[int, tuple[str, str]]
) -> dict[str, GroupHealth]:
    groups = {
        group.value: GroupHealth(group=group.value, label=str(group.label))
        for group in StakeholderGroup
    }
    for indicator in indicators:
        health = groups.get(indicator.stakeholder_group)
        if health is None:
            continue
        status, movement = judged[indicator.pk]
        health.statuses[status] = health.statuses.get(status, 0) + 1
        if movement == IMPROVING:
            health.improving += 1
        elif movement == CONCERNING:
            health.concerning += 1
    return groups


def _attention(
    indicators: list[Indicator], judged: dict[int, tuple[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    """Return, per group, its indicators that are off target or concerning, worst first."""
    listed: dict[str, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
    for indicator in indicators:
        status, movement = judged[indicator.pk]
        if status not in ATTENTION_ORDER and movement != CONCERNING:
            continue
        rank = ATTENTION_ORDER.index(status) if status in ATTENTION_ORDER else len(ATTENTION_ORDER)
        listed[indicator.stakeholder_group].append(
            (
                rank,
                indicator.name,
                {
                    "name": indicator.name,
                    "status": status,
                    "status_label": str(Status(status).label),
                    "concerning": movement == CONCERNING,
                },
            )
        )
    return {
        group: [entry for _rank, _name, entry in sorted(rows, key=lambda row: row[:2])][
            :ATTENTION_SHOWN
        ]
        for group, rows in listed.items()
    }


def build(month: ReportMonth) -> dict[str, Any]:
    """Return each stakeholder group's indicators counted by status and movement, and its state,
    for the month and the month before."""
    indicators = list(
        indicators_in_scope(DashboardFilters(month=month.first), group=False, kind=False)
    )
    judged = _judged(indicators, month)
    current = _health(indicators, judged)
    previous = _health(indicators, _judged(indicators, month.previous))
    attention = _attention(indicators, judged)
    groups = []
    for key, health in current.items():
        before = previous[key]
        groups.append(
            {
                "group": key,
                "label": health.label,
                "total": health.total,
                "on_target": health.on_target,
                "off_target": health.off_target,
                "red": health.red,
                "unjudged": health.unjudged,
                "improving": health.improving,
                "concerning": health.concerning,
                "state": health.state,
                "state_label": str(STATE_LABELS[health.state]),
                "previous_state": before.state,
                "previous_state_label": str(STATE_LABELS[before.state]),
                "attention": attention.get(key, []),
            }
        )
    return {
        "month_label": month.label,
        "previous_label": month.previous.label,
        "groups": groups,
        "indicators": len(indicators),
        "attention": sum(len(rows) for rows in attention.values()),
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """The dashboard draws no figure from the balance; its table says it all."""
    return []
