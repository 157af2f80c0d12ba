"""Builders of the improvement tests: a target indicator with a year of data, cycles in a phase.

Cycles are made through the services, as people make them.
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User

from improvement.models import PDCACycle
from improvement.services import actions, cycles, phases
from metrics.models import Indicator
from tests.metrics.factories import IndicatorFactory
from tests.metrics.snapshots import months, write_xmr

# A year of an observed monthly indicator before a change, six months after it: the values
# rise by about 8 points after the change (an effective change by any test).
BEFORE = [70.0, 72.0, 69.0, 71.0, 70.0, 73.0, 68.0, 71.0, 70.0, 72.0, 69.0, 71.0]
AFTER = [79.0, 78.0, 80.0, 77.0, 79.0, 78.0]
FIRST = date(2025, 1, 1)
CHANGE_ON = date(2026, 1, 1)  # the first day of the 13th month: the after window starts there


def indicator_with_data(
    before: list[float] = BEFORE, after: list[float] = AFTER, **fields: Any
) -> Indicator:
    """Return an observed monthly indicator with its snapshots written (no recompute needed)."""
    indicator = IndicatorFactory.create(**fields)
    write_xmr(indicator, before + after, first=FIRST)
    return indicator


def planned_cycle(owner: User, indicator: Indicator | None = None, **fields: Any) -> PDCACycle:
    """Return a cycle in Plan whose Plan is complete (problem, root cause, indicator, target)."""
    indicator = indicator or indicator_with_data()
    values: dict[str, Any] = {
        "by": owner,
        "title": "Call customers back at a time they choose",
        "owner": owner,
        "problem_statement": "Customers wait on hold for support.",
        "root_cause_category": "method",
        "five_whys": ["Customers wait", "Every call is answered live", "No call-back option"],
        "hypothesis": "A call-back at a chosen time removes the wait.",
        "target_indicator": indicator,
        "target_value": 78.0,
        "started_on": FIRST + timedelta(days=340),
        **fields,
    }
    cycle = cycles.cycle_create(**values)
    # The baseline: the year before the change.
    return cycles.cycle_update(
        cycle=cycle, by=owner, baseline_from=FIRST, baseline_to=months(FIRST, 12)[-1]
    )


def cycle_in_check(owner: User, indicator: Indicator | None = None, **fields: Any) -> PDCACycle:
    """Return a cycle whose Check has run on the data (the change live on CHANGE_ON)."""
    cycle = planned_cycle(owner, indicator, **fields)
    action = actions.action_add(
        cycle=cycle, by=owner, title="Offer call-back slots", owner=owner, due_on=CHANGE_ON
    )
    phases.cycle_start_do(cycle=cycle, by=owner, at=CHANGE_ON - timedelta(days=20))
    actions.action_complete(action=action, by=owner, done_on=CHANGE_ON - timedelta(days=2))
    return phases.cycle_start_check(cycle=cycle, by=owner, change_on=CHANGE_ON)
