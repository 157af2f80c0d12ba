"""How each computation turns source rows into per-period cells, aggregated inside the database.

`compute_cells(indicator, periods)` runs one grouped query per source (a few for the customer
activity ratios, which need distinct customers per period) over the requested periods only, or
over all history when `periods` is None. pandas never sees source rows, only these cells. What
each computation reads is in `definitions`, the cells and grouped queries in `cells`, the
computations over feedback records and observations in `records`, those counting customers in
`customers`. The survey computations that no customer segment narrows sum feedback's per-day
answer counts instead of reading the answers (`answers`).

Retention, churn, repeat purchase and referral rate count customers, and who counts as an active
customer is part of the indicator's definition (`Indicator.active_customer`):
- previous period: bought, renewed or referred in the period before (frequent buyers);
- contract: the latest purchase or renewal before the moment is at most the customer's contract
  term ago (`Customer.contract_term_months`, else the indicator's window), not cancelled since;
- trailing window: a purchase, renewal or referral in the window before, not cancelled since.
For the last two, `active_customers` is the condition (correlated EXISTS subqueries) of being
active at a moment, and a period [start, after) compares who is active at `start` and `after`.
"""

from datetime import date

from django.db.models import Q

from feedback.models import Audit, ImprovementIdea, Survey

from ..models import Indicator
from .answers import reads_survey_days, survey_cells
from .cells import Cell, Result
from .customers import (
    ActiveRule,
    _churn,
    _customer_ratio,
    _held_ratio,
    _referral_rate,
    _repeat_purchase,
    _retention,
    active_customers,
    active_rule,
    periods_affected,
)
from .definitions import (
    CUSTOMER_COMPUTATIONS,
    SOURCES,
    STARTS_AT_FIRST_ROW,
    charts_for,
)
from .records import (
    _by_touchpoint,
    _complaint_rate,
    _complaints,
    _count,
    _mean,
    _median_hours,
    _net_promoter,
    _observed,
    _responses,
    _share,
)

__all__ = [
    "CUSTOMER_COMPUTATIONS",
    "SOURCES",
    "STARTS_AT_FIRST_ROW",
    "ActiveRule",
    "Cell",
    "Result",
    "active_customers",
    "active_rule",
    "charts_for",
    "compute_cells",
    "periods_affected",
    "reads_survey_days",
]

Computation = Indicator.Computation
ChartType = Indicator.ChartType
ActiveCustomer = Indicator.ActiveCustomer


def compute_cells(indicator: Indicator, periods: list[date] | None) -> Result:
    """Return the indicator's cells for the requested periods (None: every period with data)."""
    computation = indicator.computation
    if reads_survey_days(indicator):
        return survey_cells(indicator, periods)
    if computation in (Computation.NPS, Computation.ENPS):
        kind = Survey.Kind.NPS if computation == Computation.NPS else Survey.Kind.ENPS
        return _net_promoter(indicator, periods, kind)
    if computation == Computation.CSAT:
        return _share(
            _responses(indicator, Survey.Kind.CSAT),
            "responded_at",
            indicator,
            periods,
            counted=Q(score__gte=4),
            base=Q(),
        )
    if computation == Computation.CES:
        return _mean(
            _responses(indicator, Survey.Kind.CES), "responded_at", "score", indicator, periods
        )
    if computation == Computation.COMPLAINT_COUNT:
        return _count(_complaints(indicator), "received_at", indicator, periods)
    if computation == Computation.COMPLAINT_RATE:
        return _complaint_rate(indicator, periods)
    if computation == Computation.TIME_TO_ACKNOWLEDGE:
        return _median_hours(indicator, periods, start="received_at", end="acknowledged_at")
    if computation == Computation.TIME_TO_RESOLVE:
        return _median_hours(indicator, periods, start="received_at", end="responded_at")
    if computation == Computation.SLA_COMPLIANCE:
        return _share(
            _complaints(indicator),
            "received_at",
            indicator,
            periods,
            counted=Q(resolved_within_sla=True),
            base=Q(resolved_within_sla__isnull=False),
        )
    if computation == Computation.FIRST_CONTACT_RESOLUTION:
        return _share(
            _complaints(indicator),
            "received_at",
            indicator,
            periods,
            counted=Q(resolved_at_first_contact=True),
            base=Q(),
        )
    if computation == Computation.COMPLAINT_SATISFACTION:
        # Of the complaints the customer rated (1-5, at closure or in the post-complaint
        # survey), the share rating 4 or 5, by the day the complaint was received.
        return _share(
            _complaints(indicator),
            "received_at",
            indicator,
            periods,
            counted=Q(customer_satisfaction__gte=4),
            base=Q(customer_satisfaction__isnull=False),
        )
    if computation == Computation.MYSTERY_SHOP_SCORE:
        return _mean(
            _by_touchpoint(Audit.objects.all(), indicator),
            "visited_on",
            "score",
            indicator,
            periods,
            is_datetime=False,
        )
    if computation == Computation.IDEAS_IMPLEMENTED:
        ideas = _by_touchpoint(
            ImprovementIdea.objects.filter(
                status=ImprovementIdea.Status.IMPLEMENTED, implemented_at__isnull=False
            ),
            indicator,
        )
        return _count(ideas, "implemented_at", indicator, periods)
    if (
        computation in CUSTOMER_COMPUTATIONS
        and indicator.active_customer != ActiveCustomer.PREVIOUS_PERIOD
    ):
        return _held_ratio(indicator, periods)
    if computation == Computation.RETENTION:
        return _customer_ratio(indicator, periods, _retention)
    if computation == Computation.CHURN:
        return _customer_ratio(indicator, periods, _churn)
    if computation == Computation.REPEAT_PURCHASE:
        return _customer_ratio(indicator, periods, _repeat_purchase)
    if computation == Computation.REFERRAL_RATE:
        return _customer_ratio(indicator, periods, _referral_rate)
    if computation == Computation.OBSERVED:
        return _observed(indicator, periods)
    raise ValueError(f"Unknown computation {computation!r}.")
