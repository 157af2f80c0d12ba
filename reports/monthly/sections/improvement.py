"""The report's section: Improvement (ISO 9001 §9.3.2 c and §10.3: the PDCA cycles of the month).

- opened: cycles started in the month (`started_on`);
- checked: cycles given a Check verdict in the month, read from the cycle's history: a version
  saved in the month whose verdict or result differs from the version before. (A Check waiting
  for data is looked at again each day without a new version, so its `checked_at` moves on
  while its verdict stays the one given when it was computed.) Each with the verdict and the
  result as computed then;
- adopted, adapted, abandoned: decisions taken in the month (`acted_on`), an adopted cycle with
  its measured effect and estimated yearly value (`impact_effect`, `impact_value`);
- open at the month's end by phase: cycles started by then and not closed by then, each in the
  phase its dates put it in on the month's last day (phases only move forward, each entered on
  its date: Do on `do_on`, Check on `check_on`, Act on `acted_on`).

The previous month's counts come alongside for comparison.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from improvement.lifecycle import OPEN_PHASES
from improvement.models import PDCACycle

from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "improvement"
TITLE = _("Improvement (PDCA cycles)")

Phase = PDCACycle.Phase
Outcome = PDCACycle.Outcome
# The open phases in the order a cycle goes through them.
PHASE_ORDER = [phase for phase in Phase if phase in OPEN_PHASES]


def _change_unit(cycle: PDCACycle, result: dict[str, Any]) -> str:
    """Return the unit of a difference: percentages and NPS scores change by points."""
    unit = cycle.target_indicator.unit if cycle.target_indicator else ""
    return str(_("points")) if unit == "%" or result.get("measure") == "nps" else unit


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _verdicts_given(month: ReportMonth) -> dict[int, dict[str, Any]]:
    """Return, per cycle given a Check verdict in the month, the last version giving one."""
    history = PDCACycle.history.model.objects
    in_month = Q(history_date__gte=month.start_moment, history_date__lt=month.end_moment)
    touched = history.filter(in_month).exclude(verdict="").values("id")
    versions = (
        history.filter(id__in=touched, history_date__lt=month.end_moment)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", "verdict", "check_result")
    )
    given: dict[int, dict[str, Any]] = {}
    before: dict[int, tuple[str, Any]] = {}
    for version in versions:
        state = (version["verdict"], version["check_result"])
        if (
            version["verdict"]
            and version["history_date"] >= month.start_moment
            and state != before.get(version["id"])
        ):
            given[version["id"]] = version
        before[version["id"]] = state
    return given


def _checked(month: ReportMonth) -> list[dict[str, Any]]:
    given = _verdicts_given(month)
    cycles = PDCACycle.objects.filter(pk__in=given).select_related("target_indicator")
    rows = []
    for cycle in cycles.order_by("reference"):
        version = given[cycle.pk]
        result = version["check_result"] or {}
        rows.append(
            {
                "reference": cycle.reference,
                "title": cycle.title,
                "indicator": cycle.target_indicator.name if cycle.target_indicator else "",
                "verdict": version["verdict"],
                "verdict_label": _label(PDCACycle.Verdict, version["verdict"]),
                "difference": result.get("difference"),
                "change_unit": _change_unit(cycle, result),
                "summary": result.get("summary", ""),
            }
        )
    return rows


def _decided(month: ReportMonth) -> list[dict[str, Any]]:
    cycles = (
        PDCACycle.objects.filter(acted_on__gte=month.first, acted_on__lte=month.last)
        .exclude(outcome="")
        .select_related("target_indicator")
        .order_by("acted_on", "reference")
    )
    return [
        {
            "reference": cycle.reference,
            "title": cycle.title,
            "acted_on": cycle.acted_on.isoformat() if cycle.acted_on else None,
            "outcome": cycle.outcome,
            "outcome_label": _label(Outcome, cycle.outcome),
            "verdict": cycle.verdict,
            "verdict_label": _label(PDCACycle.Verdict, cycle.verdict) if cycle.verdict else "",
            "reason": cycle.outcome_reason,
            "impact_effect": cycle.impact_effect,
            "impact_value": cycle.impact_value,
            "impact_basis": cycle.impact_basis,
            "change_unit": _change_unit(cycle, cycle.check_result or {}),
            "indicator": cycle.target_indicator.name if cycle.target_indicator else "",
        }
        for cycle in cycles
    ]


def _opened(month: ReportMonth) -> list[dict[str, Any]]:
    cycles = PDCACycle.objects.filter(
        started_on__gte=month.first, started_on__lte=month.last
    ).order_by("started_on", "reference")
    return [
        {
            "reference": cycle.reference,
            "title": cycle.title,
            "started_on": cycle.started_on.isoformat(),
            "origin_label": _label(PDCACycle.Origin, cycle.origin),
            "type_label": _label(PDCACycle.Type, cycle.type),
        }
        for cycle in cycles
    ]


def phase_on(day: date, *, do_on: Any, check_on: Any, acted_on: Any, closed_on: Any) -> str:
    """Return the phase a cycle started by `day` was in on that day, from its phases' dates."""
    for phase, entered in (
        (Phase.CLOSED, closed_on),
        (Phase.ACT, acted_on),
        (Phase.CHECK, check_on),
        (Phase.DO, do_on),
    ):
        if entered is not None and entered <= day:
            return str(phase)
    return str(Phase.PLAN)


def _open_by_phase(month: ReportMonth) -> list[dict[str, Any]]:
    """Return how many cycles were open on the month's last day, per phase in cycle order."""
    counts = dict.fromkeys(PHASE_ORDER, 0)
    started = PDCACycle.objects.filter(started_on__lte=month.last).exclude(
        closed_on__lte=month.last
    )
    for dates in started.values("do_on", "check_on", "acted_on", "closed_on"):
        phase = phase_on(month.last, **dates)
        if phase in counts:
            counts[Phase(phase)] += 1
    return [
        {"phase": str(phase), "label": str(phase.label), "count": count}
        for phase, count in counts.items()
    ]


def _counts(month: ReportMonth) -> dict[str, int]:
    """Return the month's numbers of cycles opened, checked, adopted, adapted and abandoned."""
    decided = PDCACycle.objects.filter(acted_on__gte=month.first, acted_on__lte=month.last)
    return {
        "opened": PDCACycle.objects.filter(
            started_on__gte=month.first, started_on__lte=month.last
        ).count(),
        "checked": len(_verdicts_given(month)),
        "adopted": decided.filter(outcome=Outcome.ADOPT).count(),
        "adapted": decided.filter(outcome=Outcome.ADAPT).count(),
        "abandoned": decided.filter(outcome=Outcome.ABANDON).count(),
    }


def _value_total(decided: list[dict[str, Any]]) -> float | None:
    """Return the estimated yearly value of the month's adoptions (None when none has one)."""
    values = [
        row["impact_value"]
        for row in decided
        if row["outcome"] == Outcome.ADOPT and row["impact_value"] is not None
    ]
    return sum(values) if values else None


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the month's cycles opened, checked and decided, and those open at its end."""
    opened, checked, decided = _opened(month), _checked(month), _decided(month)
    open_by_phase = _open_by_phase(month)
    return {
        "label": month.label,
        "last": month.last.isoformat(),
        "previous_label": month.previous.label,
        "opened": len(opened),
        "checked": len(checked),
        "adopted": sum(1 for row in decided if row["outcome"] == Outcome.ADOPT),
        "adapted": sum(1 for row in decided if row["outcome"] == Outcome.ADAPT),
        "abandoned": sum(1 for row in decided if row["outcome"] == Outcome.ABANDON),
        "previous": _counts(month.previous),
        "opened_cycles": opened,
        "checked_cycles": checked,
        "decided_cycles": decided,
        "open_by_phase": open_by_phase,
        "open_total": sum(row["count"] for row in open_by_phase),
        "value_total": _value_total(decided),
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """Return no figure: a handful of counts reads better as the section's table."""
    return []
