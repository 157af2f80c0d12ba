"""The customer evidence of each scorecard criterion, per partner and month, from grouped SQL.

Each criterion is one grouped query (plus a small lookup or two) over every partner and the
requested months together, never a query per partner; what comes back is a `Measure` per
(partner id, month start) that has data. What each criterion counts:

- complaint rate: complaints attributed to the partner (`Complaint.owner_partner`, its owner when
  logged) per 1,000 customer activities of the month, as metrics computes the complaint rate.
  Activities carry no touchpoint, so the base is every activity of the month. A partner owning
  touchpoints has a rate (possibly 0) in every month with activities once the complaint log had
  begun (the month of the first complaint on record): before that, no rate, not 0.
- SLA compliance: % of its complaints with a stopped resolution clock resolved within the SLA.
- failed cross-owner handoffs: nothing records a failed handoff as such, so a complaint at the
  receiving touchpoint of a handoff between two owners where the partner is on either side
  counts as one; per 1,000 activities of the month, like the complaint rate (volumes grow), and
  from the same first month.
- mystery shop: the mean audit score (%) at its touchpoints.
- survey score: CSAT and NPS answers to surveys of its touchpoints, each put on a 0-100 scale
  (CSAT 1-5: (score - 1) x 25; NPS 0-10: score x 10), averaged; read from the daily counts
  (`SurveyDay`), a row per survey and day rather than every answer.
- its indicators on target: % of the complete periods of the indicators scoped to the partner
  (with a target) falling in the month whose value is at or better than the target, from the
  stored snapshots.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, Min, Q, QuerySet, Sum

from core.changes import local_day
from feedback.models import Audit, Complaint, Survey, SurveyDay
from journeys.models import Handoff, Touchpoint
from metrics.models import Indicator, Snapshot
from metrics.periods import MONTH, in_ranges, period_start, ranges_of, truncate
from stakeholders.models import CustomerActivity

from ..models import Criterion

PER_THOUSAND = 1000.0
PERCENT = 100.0
# Survey answers on one 0-100 scale: CSAT 1-5 steps by 25 from 0, NPS 0-10 by 10.
CSAT_STEP, NPS_STEP = 25.0, 10.0

Key = tuple[int, date]  # (partner id, month start)
Base = tuple[dict[date, int], date | None]  # activities per month, the complaint log's first month


@dataclass(frozen=True)
class Measure:
    """A criterion's value for one partner and month, how many records it rests on, its base."""

    value: float
    n: int
    base: int | None = None  # the denominator of a rate (activities), when there is one


def _monthly(
    queryset: QuerySet[Any],
    date_field: str,
    months: Sequence[date],
    *,
    is_datetime: bool,
    **groups: Any,
) -> QuerySet[Any]:
    """Return the rows of the months grouped by month and by the named expressions."""
    return (
        queryset.filter(in_ranges(date_field, ranges_of(months, MONTH), is_datetime=is_datetime))
        .annotate(month=truncate(date_field, MONTH, is_datetime=is_datetime), **groups)
        .values("month", *groups)
        .order_by()
    )


def _log_began() -> date | None:
    """Return the month of the first complaint on record (None before any)."""
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    return None if first is None else period_start(local_day(first), MONTH)


def _activities(months: Sequence[date]) -> dict[date, int]:
    """Return the customer activities of each month (the base of the rates)."""
    rows = _monthly(CustomerActivity.objects.all(), "occurred_at", months, is_datetime=True)
    return {row["month"]: row["total"] for row in rows.annotate(total=Count("id"))}


def _rates(
    counts: dict[Key, int], partners: set[int], months: Sequence[date], base: Base
) -> dict[Key, Measure]:
    """Return each partner's count per 1,000 activities in the months the rate exists."""
    activities, began = base
    return {
        (partner, month): Measure(
            counts.get((partner, month), 0) / activities[month] * PER_THOUSAND,
            counts.get((partner, month), 0),
            activities[month],
        )
        for month in months
        if began is not None and month >= began and activities.get(month)
        for partner in partners
    }


def complaint_rate(months: Sequence[date], base: Base) -> dict[Key, Measure]:
    """Return complaints per 1,000 activities of each partner owning touchpoints."""
    counts = {
        (row["partner"], row["month"]): row["total"]
        for row in _monthly(
            Complaint.objects.filter(owner_partner__isnull=False),
            "received_at",
            months,
            is_datetime=True,
            partner=F("owner_partner"),
        ).annotate(total=Count("id"))
    }
    owners = set(
        Touchpoint.objects.filter(owner_partner__isnull=False).values_list(
            "owner_partner", flat=True
        )
    ) | {partner for partner, _month in counts}
    return _rates(counts, owners, months, base)


def sla_compliance(months: Sequence[date]) -> dict[Key, Measure]:
    """Return the % of each partner's complaints resolved within the SLA (clock stopped)."""
    rows = _monthly(
        Complaint.objects.filter(owner_partner__isnull=False, resolved_within_sla__isnull=False),
        "received_at",
        months,
        is_datetime=True,
        partner=F("owner_partner"),
    ).annotate(total=Count("id"), within=Count("id", filter=Q(resolved_within_sla=True)))
    return {
        (row["partner"], row["month"]): Measure(
            row["within"] / row["total"] * PERCENT, row["total"]
        )
        for row in rows
        if row["total"]
    }


def _handoff_partners() -> dict[int, set[int]]:
    """Return, per receiving touchpoint of a cross-owner handoff, the partners on either side."""
    sides: dict[int, set[int]] = defaultdict(set)
    handoffs = Handoff.objects.values_list(
        "to_touchpoint",
        "from_touchpoint__owner_partner",
        "from_touchpoint__owner_department",
        "to_touchpoint__owner_partner",
        "to_touchpoint__owner_department",
    )
    for receiver, from_partner, from_department, to_partner, to_department in handoffs:
        if (from_partner, from_department) == (to_partner, to_department):
            continue  # the same owner on both sides: not a cross-owner handoff
        sides[receiver] |= {partner for partner in (from_partner, to_partner) if partner}
    return {receiver: partners for receiver, partners in sides.items() if partners}


def failed_handoffs(months: Sequence[date], base: Base) -> dict[Key, Measure]:
    """Return complaints at the receiving side of a partner's cross-owner handoffs per 1,000."""
    receivers = _handoff_partners()
    if not receivers:
        return {}
    counts: dict[Key, int] = defaultdict(int)
    rows = _monthly(
        Complaint.objects.filter(touchpoint__in=list(receivers)),
        "received_at",
        months,
        is_datetime=True,
        receiver=F("touchpoint"),
    ).annotate(total=Count("id"))
    for row in rows:
        for partner in receivers[row["receiver"]]:
            counts[partner, row["month"]] += row["total"]
    return _rates(counts, set().union(*receivers.values()), months, base)


def mystery_shop(months: Sequence[date]) -> dict[Key, Measure]:
    """Return the mean mystery-shop audit score (%) at each partner's touchpoints."""
    rows = _monthly(
        Audit.objects.filter(touchpoint__owner_partner__isnull=False),
        "visited_on",
        months,
        is_datetime=False,
        partner=F("touchpoint__owner_partner"),
    ).annotate(total=Count("id"), mean=Avg("score"))
    return {
        (row["partner"], row["month"]): Measure(float(row["mean"]), row["total"]) for row in rows
    }


def survey_score(months: Sequence[date]) -> dict[Key, Measure]:
    """Return the mean CSAT and NPS answer (0-100 scale) at each partner's touchpoints."""
    rows = _monthly(
        SurveyDay.objects.filter(
            survey__touchpoint__owner_partner__isnull=False,
            survey__kind__in=[Survey.Kind.CSAT, Survey.Kind.NPS],
        ),
        "day",
        months,
        is_datetime=False,
        partner=F("survey__touchpoint__owner_partner"),
        kind=F("survey__kind"),
    ).annotate(answers=Sum("answers"), total=Sum("score_total"))
    points: dict[Key, float] = defaultdict(float)
    answers: dict[Key, int] = defaultdict(int)
    for row in rows:
        key = (row["partner"], row["month"])
        if row["kind"] == Survey.Kind.CSAT:
            points[key] += (row["total"] - row["answers"]) * CSAT_STEP
        else:
            points[key] += row["total"] * NPS_STEP
        answers[key] += row["answers"]
    return {key: Measure(points[key] / count, count) for key, count in answers.items() if count}


def observed_indicators(months: Sequence[date]) -> dict[Key, Measure]:
    """Return the % of complete periods of each partner's indicators that met their target."""
    met = Q(
        indicator__direction=Indicator.Direction.HIGHER_IS_BETTER, value__gte=F("indicator__target")
    ) | Q(
        indicator__direction=Indicator.Direction.LOWER_IS_BETTER, value__lte=F("indicator__target")
    )
    rows = _monthly(
        Snapshot.objects.filter(
            indicator__partner__isnull=False,
            indicator__target__isnull=False,
            value__isnull=False,
            # A period still in progress when the verdicts were computed meets nothing yet.
            period__lt=F("indicator__complete_before"),
        ),
        "period",
        months,
        is_datetime=False,
        partner=F("indicator__partner"),
    ).annotate(total=Count("id"), met=Count("id", filter=met))
    return {
        (row["partner"], row["month"]): Measure(row["met"] / row["total"] * PERCENT, row["total"])
        for row in rows
        if row["total"]
    }


def evidence_of(months: Sequence[date]) -> dict[str, dict[Key, Measure]]:
    """Return every criterion's measures for every partner in the given month starts."""
    if not months:
        return {key: {} for key in Criterion.values}
    base = (_activities(months), _log_began())
    return {
        Criterion.COMPLAINT_RATE: complaint_rate(months, base),
        Criterion.SLA_COMPLIANCE: sla_compliance(months),
        Criterion.FAILED_HANDOFFS: failed_handoffs(months, base),
        Criterion.MYSTERY_SHOP: mystery_shop(months),
        Criterion.SURVEY_SCORE: survey_score(months),
        Criterion.OBSERVED_INDICATORS: observed_indicators(months),
    }
