"""The value of an adopted cycle, derived from its measured effect (never typed in).

- Complaints (count or rate): complaints avoided per year times the cost of a complaint
  (`IMPROVEMENT_COST_PER_COMPLAINT`).
- Retention, churn, repeat purchase: the change in share times the customers the indicator counts
  times the average yearly revenue per customer from the last year of activity.
- Other measures (NPS, CSAT, effort, times): the effect is recorded, with no money estimate.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from metrics.models import Indicator
from stakeholders.models import CustomerActivity

from .models import PDCACycle

Computation = Indicator.Computation
PERIODS_PER_YEAR = {"day": 365, "week": 52, "month": 12}
CUSTOMER_SHARES = {Computation.RETENTION, Computation.REPEAT_PURCHASE, Computation.CHURN}


def _money(value: float) -> str:
    return f"{value:,.0f}"


def estimate(cycle: PDCACycle) -> tuple[float | None, float | None, str]:
    """Return the measured effect, its estimated yearly value and how the value was derived."""
    result = cycle.check_result or {}
    effect = result.get("difference")
    indicator = cycle.target_indicator
    if effect is None or indicator is None:
        return None, None, _("No measured effect to value.")
    per_year = PERIODS_PER_YEAR[indicator.grain]
    cost = settings.IMPROVEMENT_COST_PER_COMPLAINT
    if indicator.computation == Computation.COMPLAINT_COUNT:
        avoided = -effect * per_year
        return (
            effect,
            avoided * cost,
            _("%(avoided)s complaints avoided a year at %(cost)s per complaint")
            % {"avoided": f"{avoided:,.0f}", "cost": _money(cost)},
        )
    if indicator.computation == Computation.COMPLAINT_RATE:
        # The rate is per 1,000 activities: the last year's activities give the exposure.
        activities = _activities_last_year()
        avoided = -effect / 1000 * activities
        return (
            effect,
            avoided * cost,
            _(
                "%(avoided)s complaints avoided a year (%(rate)s fewer per 1,000 of %(activities)s "
                "activities) at %(cost)s per complaint"
            )
            % {
                "avoided": f"{avoided:,.0f}",
                "rate": f"{-effect:.2f}",
                "activities": f"{activities:,}",
                "cost": _money(cost),
            },
        )
    if indicator.computation in CUSTOMER_SHARES:
        customers = float(result.get("after_n") or 0) / max(
            int(result.get("after_periods") or 1), 1
        )
        revenue, payers = _revenue_last_year()
        per_customer = revenue / payers if payers else 0.0
        share = effect / 100 * (-1 if indicator.computation == Computation.CHURN else 1)
        kept = share * customers
        return (
            effect,
            kept * per_customer,
            _(
                "%(kept)s more customers kept (%(share)s points of %(customers)s) at %(revenue)s "
                "average yearly revenue per customer"
            )
            % {
                "kept": f"{kept:,.0f}",
                "share": f"{share * 100:+.1f}",
                "customers": f"{customers:,.0f}",
                "revenue": _money(per_customer),
            },
        )
    return effect, None, _("The effect is recorded; this kind of indicator has no money estimate.")


def _activities_last_year() -> int:
    since = timezone.now() - timedelta(days=365)
    return CustomerActivity.objects.filter(occurred_at__gte=since).count()


def _revenue_last_year() -> tuple[float, int]:
    since = timezone.now() - timedelta(days=365)
    totals = CustomerActivity.objects.filter(
        occurred_at__gte=since, amount__isnull=False
    ).aggregate(revenue=Sum("amount"), payers=Count("customer", distinct=True))
    return float(totals["revenue"] or Decimal(0)), int(totals["payers"] or 0)
