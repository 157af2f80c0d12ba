"""The report's opening section: what became of the last management review's actions.

The last review signed off on an earlier month's report (normally the previous month's) and
where each of its actions stands when this report is composed: done, in a PDCA cycle (its phase),
overdue or open (ISO 9001 §9.3.2 a: the status of actions from previous reviews).
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...models import ManagementReview, ReviewAction
from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "actions"
TITLE = _("What became of last review's actions")


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def build(month: ReportMonth, today: date | None = None) -> dict[str, Any]:
    """Return the last signed-off review before this month's and its actions' states on
    `today` (the day the report is composed)."""
    review = (
        ManagementReview.objects.filter(
            report__month__lt=month.first, status=ManagementReview.Status.SIGNED_OFF
        )
        .select_related("report")
        .order_by("-report__month")
        .first()
    )
    if review is None:
        return {"review_month": None, "actions": [], "decisions": [], "counts": {}}
    today = today or timezone.localdate()
    actions = []
    counts = {state.value: 0 for state in ReviewAction.State}
    for action in review.actions.select_related("owner", "cycle", "decision").order_by(
        "due_on", "pk"
    ):
        state = action.state(today)
        counts[state.value] += 1
        cycle = action.cycle
        actions.append(
            {
                "title": action.title,
                "owner": _person(action.owner),
                "due_on": action.due_on.isoformat(),
                "done_on": action.done_on.isoformat() if action.done_on else None,
                "state": state.value,
                "state_label": str(state.label),
                "cycle_reference": cycle.reference if cycle else None,
                "cycle_phase": str(cycle.get_phase_display()) if cycle else None,
                "cycle_outcome": (
                    str(cycle.get_outcome_display()) if cycle and cycle.outcome else None
                ),
            }
        )
    return {
        "review_month": review.report.label,
        "review_slug": review.report.slug,
        "held_on": review.held_on.isoformat(),
        "decisions": [decision.text for decision in review.decisions.order_by("created_at", "pk")],
        "actions": actions,
        "counts": counts,
        "as_of": today.isoformat(),
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """The actions' states read best as a table: no figure."""
    return []
