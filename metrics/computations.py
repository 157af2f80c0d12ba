"""How each computation turns source rows into per-period cells, aggregated inside the database.

`compute_cells(indicator, periods)` runs one grouped query per source (a few for the customer
activity ratios, which need distinct customers per period) over the requested periods only, or
over all history when `periods` is None. pandas never sees source rows, only these cells.

Retention, churn, repeat purchase and referral rate count customers, and who counts as an active
customer is part of the indicator's definition (`Indicator.active_customer`):
- previous period: bought, renewed or referred in the period before (frequent buyers);
- contract: the latest purchase or renewal before the moment is at most the customer's contract
  term ago (`Customer.contract_term_months`, else the indicator's window), not cancelled since;
- trailing window: a purchase, renewal or referral in the window before, not cancelled since.
For the last two, `active_customers` is the condition (correlated EXISTS subqueries) of being
active at a moment, and a period [start, after) compares who is active at `start` and `after`.
"""

import functools
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from core.changes import Source, local_day
from feedback.models import Audit, Complaint, ImprovementIdea, Survey, SurveyResponse
from stakeholders.contracts import add_months
from stakeholders.models import Customer, CustomerActivity

from . import periods as clock
from .models import Indicator, Observation
from .nps import nps_from_counts
from .periods import (
    in_ranges,
    local_midnight,
    next_period,
    open_period,
    period_start,
    periods_between,
    previous_period,
    ranges_of,
    truncate,
)

Computation = Indicator.Computation
ChartType = Indicator.ChartType
ActiveCustomer = Indicator.ActiveCustomer

# Percentages are stored as percent (0-100); complaint rates per 1,000 activities.
PERCENT = 100.0
PER_THOUSAND = 1000.0

# The charts that fit each computation's statistic (XmR fits every series of single values).
PROPORTIONS = {
    Computation.CSAT,
    Computation.SLA_COMPLIANCE,
    Computation.FIRST_CONTACT_RESOLUTION,
    Computation.RETENTION,
    Computation.REPEAT_PURCHASE,
    Computation.REFERRAL_RATE,
    Computation.CHURN,
}
COUNTS = {Computation.COMPLAINT_COUNT, Computation.IDEAS_IMPLEMENTED}
RATES = {Computation.COMPLAINT_RATE}


def charts_for(computation: str) -> set[str]:
    """Return the chart types whose statistic a computation produces."""
    if computation == Computation.OBSERVED:
        return set(ChartType.values)
    charts = {ChartType.XMR.value}
    if computation in PROPORTIONS:
        charts.add(ChartType.P)
    if computation in COUNTS:
        charts.add(ChartType.C)
    if computation in RATES:
        charts.add(ChartType.U)
    return charts


# The source tables each computation reads: a logged change of one of them dirties the cells.
SOURCES: dict[str, tuple[str, ...]] = {
    Computation.NPS: (Source.SURVEY_RESPONSE,),
    Computation.CSAT: (Source.SURVEY_RESPONSE,),
    Computation.CES: (Source.SURVEY_RESPONSE,),
    Computation.ENPS: (Source.SURVEY_RESPONSE,),
    Computation.COMPLAINT_COUNT: (Source.COMPLAINT,),
    Computation.COMPLAINT_RATE: (Source.COMPLAINT, Source.CUSTOMER_ACTIVITY),
    Computation.TIME_TO_ACKNOWLEDGE: (Source.COMPLAINT,),
    Computation.TIME_TO_RESOLVE: (Source.COMPLAINT,),
    Computation.SLA_COMPLIANCE: (Source.COMPLAINT,),
    Computation.FIRST_CONTACT_RESOLUTION: (Source.COMPLAINT,),
    Computation.MYSTERY_SHOP_SCORE: (Source.AUDIT,),
    Computation.IDEAS_IMPLEMENTED: (Source.IDEA,),
    Computation.RETENTION: (Source.CUSTOMER_ACTIVITY,),
    Computation.REPEAT_PURCHASE: (Source.CUSTOMER_ACTIVITY,),
    Computation.REFERRAL_RATE: (Source.CUSTOMER_ACTIVITY,),
    Computation.CHURN: (Source.CUSTOMER_ACTIVITY,),
    Computation.OBSERVED: (Source.OBSERVATION,),
}
# The computations that count customers; `Indicator.active_customer` says who is active.
CUSTOMER_COMPUTATIONS = {
    Computation.RETENTION,
    Computation.CHURN,
    Computation.REPEAT_PURCHASE,
    Computation.REFERRAL_RATE,
}
# Computations whose value in a period also reads the period before (previous-period definition
# of an active customer): a change there moves the next period too. The contract and trailing
# definitions read further back: see `periods_affected`.
READS_PREVIOUS_PERIOD = {Computation.RETENTION, Computation.CHURN}
# Computations whose first period depends on the earliest source row: a change at or before the
# first stored period can add or remove periods anywhere before it, so it redoes them all. (The
# customer ratios by contract or trailing window start once the records show every active
# customer, a term after the first record; by the previous period the rule only costs time.)
STARTS_AT_FIRST_ROW = {Computation.COMPLAINT_RATE, *CUSTOMER_COMPUTATIONS}

# A customer counts as active in a period when they bought, renewed or referred in it.
ACTIVE_KINDS = (
    CustomerActivity.Kind.PURCHASE,
    CustomerActivity.Kind.RENEWAL,
    CustomerActivity.Kind.REFERRAL,
)
# What starts or extends a contract, and what a customer buys in a period (repeat purchase).
CONTRACT_KINDS = (CustomerActivity.Kind.PURCHASE, CustomerActivity.Kind.RENEWAL)


@dataclass
class Cell:
    """One indicator's aggregate for one period, as the snapshot stores it."""

    period: date
    value: float | None
    n: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    spread: float | None = None
    margin_of_error: float | None = None
    low: float | None = None
    high: float | None = None
    rows: int = 0


@dataclass
class Result:
    """The cells of the requested periods that have data, and how many source rows were read."""

    cells: list[Cell] = field(default_factory=list)
    rows_scanned: int = 0


class Median(Aggregate):
    """The median of an expression (PostgreSQL's percentile_cont; SQLite has none)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class HoursBetween(Func):
    """The hours from one timestamp to a later one, as a float (SQLite's form by default)."""

    output_field = FloatField()
    arity = 2
    template = "(julianday(%(expressions)s)) * 24.0"
    arg_joiner = ") - julianday("

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0",
            arg_joiner=" - ",
            **extra_context,
        )


def _ratio(numerator: float, denominator: float, scale: float) -> float | None:
    return numerator / denominator * scale if denominator else None


def _grouped(
    queryset: QuerySet[Any],
    date_field: str,
    grain: str,
    periods: list[date] | None,
    *,
    is_datetime: bool = True,
    **aggregates: Any,
) -> list[dict[str, Any]]:
    """Aggregate rows per period of the grain, over the requested periods (None: all)."""
    if periods is not None:
        if not periods:
            return []
        queryset = queryset.filter(
            in_ranges(date_field, ranges_of(periods, grain), is_datetime=is_datetime)
        )
    # "bucket", not "period": observations have a field of that name.
    rows = (
        queryset.annotate(bucket=truncate(date_field, grain, is_datetime=is_datetime))
        .values("bucket")
        .annotate(**aggregates)
        .order_by("bucket")
    )
    return [{**row, "period": row["bucket"]} for row in rows]


def _responses(indicator: Indicator, kind: str) -> QuerySet[SurveyResponse]:
    queryset = SurveyResponse.objects.filter(survey__kind=kind)
    if indicator.journey_id:
        queryset = queryset.filter(journey_id=indicator.journey_id)
    if indicator.touchpoint_id:
        queryset = queryset.filter(touchpoint_id=indicator.touchpoint_id)
    if indicator.partner_id:
        queryset = queryset.filter(touchpoint__owner_partner_id=indicator.partner_id)
    if indicator.segment_id:
        queryset = queryset.filter(customer__segment_id=indicator.segment_id)
    return queryset


def _complaints(indicator: Indicator) -> QuerySet[Complaint]:
    queryset = Complaint.objects.all()
    if indicator.journey_id:
        queryset = queryset.filter(journey_id=indicator.journey_id)
    if indicator.touchpoint_id:
        queryset = queryset.filter(touchpoint_id=indicator.touchpoint_id)
    if indicator.partner_id:
        queryset = queryset.filter(owner_partner_id=indicator.partner_id)
    if indicator.segment_id:
        queryset = queryset.filter(customer__segment_id=indicator.segment_id)
    return queryset


def _activities(indicator: Indicator) -> QuerySet[CustomerActivity]:
    # Activities carry no journey or touchpoint: only a segment narrows them.
    queryset = CustomerActivity.objects.all()
    if indicator.segment_id:
        queryset = queryset.filter(customer__segment_id=indicator.segment_id)
    return queryset


def _by_touchpoint(queryset: QuerySet[Any], indicator: Indicator) -> QuerySet[Any]:
    if indicator.journey_id:
        queryset = queryset.filter(touchpoint__stage__journey_id=indicator.journey_id)
    if indicator.touchpoint_id:
        queryset = queryset.filter(touchpoint_id=indicator.touchpoint_id)
    if indicator.partner_id:
        queryset = queryset.filter(touchpoint__owner_partner_id=indicator.partner_id)
    return queryset


def _net_promoter(indicator: Indicator, periods: list[date] | None, kind: str) -> Result:
    rows = _grouped(
        _responses(indicator, kind),
        "responded_at",
        indicator.grain,
        periods,
        total=Count("id"),
        promoters=Count("id", filter=Q(score__gte=9)),
        detractors=Count("id", filter=Q(score__lte=6)),
    )
    result = Result()
    for row in rows:
        total, promoters, detractors = row["total"], row["promoters"], row["detractors"]
        summary = nps_from_counts(promoters, total - promoters - detractors, detractors)
        result.cells.append(
            Cell(
                period=row["period"],
                value=summary.score,
                n=total,
                numerator=promoters - detractors,
                denominator=total,
                margin_of_error=summary.margin_of_error,
                low=summary.low,
                high=summary.high,
                rows=total,
            )
        )
        result.rows_scanned += total
    return result


def _share(
    queryset: QuerySet[Any],
    date_field: str,
    indicator: Indicator,
    periods: list[date] | None,
    *,
    counted: Q,
    base: Q,
) -> Result:
    """Percent of the base rows in each period that meet a condition (a p-chart statistic)."""
    rows = _grouped(
        queryset,
        date_field,
        indicator.grain,
        periods,
        total=Count("id"),
        hits=Count("id", filter=base & counted),
        base=Count("id", filter=base),
    )
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        if row["base"]:
            result.cells.append(
                Cell(
                    period=row["period"],
                    value=_ratio(row["hits"], row["base"], PERCENT),
                    n=row["base"],
                    numerator=row["hits"],
                    denominator=row["base"],
                    rows=row["total"],
                )
            )
    return result


def _mean(
    queryset: QuerySet[Any],
    date_field: str,
    expression: Any,
    indicator: Indicator,
    periods: list[date] | None,
    *,
    is_datetime: bool = True,
) -> Result:
    rows = _grouped(
        queryset,
        date_field,
        indicator.grain,
        periods,
        is_datetime=is_datetime,
        total=Count("id"),
        mean=Avg(expression, output_field=FloatField()),
        low=Min(expression),
        high=Max(expression),
    )
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        result.cells.append(
            Cell(
                period=row["period"],
                value=float(row["mean"]),
                n=row["total"],
                spread=float(row["high"]) - float(row["low"]),
                rows=row["total"],
            )
        )
    return result


def _count(
    queryset: QuerySet[Any],
    date_field: str,
    indicator: Indicator,
    periods: list[date] | None,
) -> Result:
    rows = _grouped(queryset, date_field, indicator.grain, periods, total=Count("id"))
    result = Result()
    for row in rows:
        result.rows_scanned += row["total"]
        result.cells.append(
            Cell(
                period=row["period"],
                value=float(row["total"]),
                numerator=row["total"],
                rows=row["total"],
            )
        )
    return result


def _median_hours(
    indicator: Indicator, periods: list[date] | None, *, start: str, end: str
) -> Result:
    queryset = _complaints(indicator).filter(**{f"{end}__isnull": False})
    hours = HoursBetween(F(end), F(start))
    result = Result()
    if connection.vendor == "postgresql":
        rows = _grouped(
            queryset, start, indicator.grain, periods, total=Count("id"), median=Median(hours)
        )
        for row in rows:
            result.rows_scanned += row["total"]
            result.cells.append(
                Cell(period=row["period"], value=row["median"], n=row["total"], rows=row["total"])
            )
        return result
    # SQLite has no median aggregate: the embedded default reads the hours of each period.
    if periods is not None:
        if not periods:
            return result
        queryset = queryset.filter(
            in_ranges(start, ranges_of(periods, indicator.grain), is_datetime=True)
        )
    per_period: dict[date, list[float]] = defaultdict(list)
    for period, value in queryset.annotate(
        bucket=truncate(start, indicator.grain, is_datetime=True), hours=hours
    ).values_list("bucket", "hours"):
        per_period[period].append(value)
    for period in sorted(per_period):
        values = per_period[period]
        result.rows_scanned += len(values)
        result.cells.append(
            Cell(
                period=period,
                value=statistics.median(values),
                n=len(values),
                rows=len(values),
            )
        )
    return result


def _complaint_rate(indicator: Indicator, periods: list[date] | None) -> Result:
    complaints = {
        row["period"]: row["total"]
        for row in _grouped(
            _complaints(indicator), "received_at", indicator.grain, periods, total=Count("id")
        )
    }
    activities = {
        row["period"]: row["total"]
        for row in _grouped(
            _activities(indicator), "occurred_at", indicator.grain, periods, total=Count("id")
        )
    }
    result = Result(rows_scanned=sum(complaints.values()) + sum(activities.values()))
    # Before the first complaint on record the complaint log did not exist yet: no rate, not 0.
    first = _complaints(indicator).order_by("received_at").values_list("received_at", flat=True)
    started = first.first()
    if started is None:
        return result
    log_began = period_start(local_day(started), indicator.grain)
    for period in sorted(activities):
        if period < log_began:
            continue
        count, base = complaints.get(period, 0), activities[period]
        result.cells.append(
            Cell(
                period=period,
                value=_ratio(count, base, PER_THOUSAND),
                n=base,
                numerator=count,
                denominator=base,
                rows=count + base,
            )
        )
    return result


def _customer_periods(indicator: Indicator, periods: list[date] | None) -> list[date]:
    """Return the periods to compute for a customer-activity ratio (all that have activity)."""
    if periods is not None:
        return sorted(set(periods))
    return [
        row["period"]
        for row in _grouped(
            _activities(indicator), "occurred_at", indicator.grain, None, total=Count("id")
        )
    ]


def _distinct_customers(queryset: QuerySet[CustomerActivity]) -> int:
    return queryset.values("customer_id").distinct().count()


def _window(queryset: QuerySet[CustomerActivity], start: date, after: date) -> Any:
    return queryset.filter(
        occurred_at__gte=local_midnight(start), occurred_at__lt=local_midnight(after)
    )


def _customer_ratio(
    indicator: Indicator,
    periods: list[date] | None,
    ratio: Callable[[QuerySet[CustomerActivity], date, date, date], tuple[int, int, int]],
) -> Result:
    """Apply a per-period customer count (numerator, denominator, rows read) to each period."""
    result = Result()
    activities = _activities(indicator)
    for period in _customer_periods(indicator, periods):
        after = next_period(period, indicator.grain)
        before = previous_period(period, indicator.grain)
        if periods is not None and not _window(activities, period, after).exists():
            continue  # a period without any activity has no ratio (as in a full rebuild)
        numerator, denominator, rows = ratio(activities, before, period, after)
        result.rows_scanned += rows
        if denominator:
            result.cells.append(_customer_cell(period, numerator, denominator, rows))
    return result


def _customer_cell(period: date, numerator: float, denominator: float, rows: int) -> Cell:
    """Return a customer ratio's cell, in percent of its base (n is the base)."""
    return Cell(
        period=period,
        value=_ratio(numerator, denominator, PERCENT),
        n=denominator,
        numerator=numerator,
        denominator=denominator,
        rows=rows,
    )


def _retention(
    activities: QuerySet[CustomerActivity], before: date, start: date, after: date
) -> tuple[int, int, int]:
    active = activities.filter(kind__in=ACTIVE_KINDS)
    previous = _window(active, before, start)
    again = Exists(_window(active, start, after).filter(customer_id=OuterRef("customer_id")))
    denominator = _distinct_customers(previous)
    numerator = _distinct_customers(previous.filter(again)) if denominator else 0
    return numerator, denominator, previous.count()


def _churn(
    activities: QuerySet[CustomerActivity], before: date, start: date, after: date
) -> tuple[int, int, int]:
    previous = _window(activities.filter(kind__in=ACTIVE_KINDS), before, start)
    cancelled = _window(activities.filter(kind=CustomerActivity.Kind.CANCELLATION), start, after)
    return (
        _distinct_customers(cancelled),
        _distinct_customers(previous),
        previous.count() + cancelled.count(),
    )


def _repeat_purchase(
    activities: QuerySet[CustomerActivity], before: date, start: date, after: date
) -> tuple[int, int, int]:
    purchases = _window(activities.filter(kind=CustomerActivity.Kind.PURCHASE), start, after)
    per_customer = purchases.values("customer_id").annotate(purchases=Count("id"))
    totals = per_customer.aggregate(
        buyers=Count("customer_id"),
        repeaters=Count("customer_id", filter=Q(purchases__gte=2)),
        rows=Sum("purchases"),
    )
    return totals["repeaters"], totals["buyers"], totals["rows"] or 0


def _referral_rate(
    activities: QuerySet[CustomerActivity], before: date, start: date, after: date
) -> tuple[int, int, int]:
    active = _window(activities.filter(kind__in=ACTIVE_KINDS), start, after)
    referrers = _distinct_customers(active.filter(kind=CustomerActivity.Kind.REFERRAL))
    return referrers, _distinct_customers(active), active.count()


# Contract and trailing-window definitions of an active customer ------------------------------


@dataclass(frozen=True)
class ActiveRule:
    """Who is active for an indicator: what keeps a customer active, and for how long.

    `terms` are the distinct contract terms (months) of the customers in scope, None standing
    for customers without one, who keep the `window_days`; a trailing window has only None.
    """

    definition: str
    kinds: tuple[str, ...]
    terms: tuple[int | None, ...]
    window_days: int

    def cutoff(self, day: date, term: int | None) -> date:
        """Return the earliest day whose activity still keeps a customer active on `day`."""
        if term is None:
            return day - timedelta(days=self.window_days)
        return add_months(day, -term)

    def reach(self, day: date) -> date:
        """Return the last day an activity on `day` can still keep a customer active."""
        months = max((term for term in self.terms if term is not None), default=0)
        return max(add_months(day, months), day + timedelta(days=self.window_days))

    def of_term(self, term: int | None, prefix: str = "") -> Q:
        """Return the condition on customers (or, with a prefix, related rows) of one term."""
        if self.definition != ActiveCustomer.CONTRACT:
            return Q()
        if term is None:
            return Q(**{f"{prefix}contract_term_months__isnull": True})
        return Q(**{f"{prefix}contract_term_months": term})


def _customers(indicator: Indicator) -> QuerySet[Customer]:
    queryset = Customer.objects.all()
    if indicator.segment_id:
        queryset = queryset.filter(segment_id=indicator.segment_id)
    return queryset


def active_rule(indicator: Indicator) -> ActiveRule:
    """Return the indicator's definition of an active customer (one query for the terms)."""
    window = indicator.active_window_days or 0
    if indicator.active_customer == ActiveCustomer.TRAILING_WINDOW:
        return ActiveRule(indicator.active_customer, ACTIVE_KINDS, (None,), window)
    if indicator.active_customer != ActiveCustomer.CONTRACT:
        raise ValueError(f"{indicator.active_customer!r} is not a definition at a moment.")
    # Few distinct terms (1, 12, 24 months...): one condition each keeps the query portable.
    terms_of = _customers(indicator).order_by().values_list("contract_term_months", flat=True)
    found = terms_of.distinct()
    terms = sorted(set(found), key=lambda term: (term is None, term or 0)) or [None]
    return ActiveRule(indicator.active_customer, CONTRACT_KINDS, tuple(terms), window)


def active_customers(rule: ActiveRule, day: date) -> Q:
    """Return the condition a customer meets when active as a local day begins.

    Active: an activity of the rule's kinds before that moment, at most one term (or window)
    old, with no cancellation at or after it. At most, not less than: a contract bought on
    1 March for a month and renewed on 1 April is in force at the first moment of 1 April, as
    dated billing records put it. The cut-off of each distinct term is computed here, in the
    organisation's calendar; the database only compares timestamps (SQLite and PostgreSQL).
    """
    moment = local_midnight(day)
    cancelled = CustomerActivity.objects.filter(
        customer_id=OuterRef("customer_id"),
        kind=CustomerActivity.Kind.CANCELLATION,
        occurred_at__gte=OuterRef("occurred_at"),
        occurred_at__lt=moment,
    )
    condition = Q(pk__in=[])
    for term in rule.terms:
        held = CustomerActivity.objects.filter(
            customer_id=OuterRef("pk"),
            kind__in=rule.kinds,
            occurred_at__gte=local_midnight(rule.cutoff(day, term)),
            occurred_at__lt=moment,
        ).exclude(Exists(cancelled))
        condition |= rule.of_term(term) & Q(Exists(held))
    return condition


def _acted(kinds: Iterable[str], start: date, until: date) -> QuerySet[CustomerActivity]:
    return CustomerActivity.objects.filter(
        kind__in=list(kinds),
        occurred_at__gte=local_midnight(start),
        occurred_at__lt=local_midnight(until),
    )


def _who(activities: QuerySet[CustomerActivity]) -> Q:
    """Return the condition on customers of having one of these activities."""
    return Q(pk__in=activities.values("customer_id"))


def _of_customer(kinds: Iterable[str], since: date, until: date) -> Exists:
    """Return whether the customer (the outer row) has an activity of these kinds in a span."""
    return Exists(_acted(kinds, since, until).filter(customer_id=OuterRef("pk")))


# The three narrowings below only keep the customers worth the exact test: each is proven to
# hold everyone the exact test (`active_customers` at both ends) can count, so a period costs
# what happened in it rather than the size of the customer base.


def _maybe_inactive(rule: ActiveRule, day: date) -> Q:
    """Return customers who may be inactive on a day: nothing to keep them active in their term
    (or window) before it, or a cancellation in it."""
    condition = Q(pk__in=[])
    for term in rule.terms:
        since = rule.cutoff(day, term)
        cancelled = _of_customer((CustomerActivity.Kind.CANCELLATION,), since, day)
        condition |= rule.of_term(term) & (~_of_customer(rule.kinds, since, day) | cancelled)
    return condition


def _leaving(rule: ActiveRule, start: date, until: date) -> Q:
    """Return customers who may be active at `start` and not at `until`: those who cancelled in
    between, and those whose latest activity before `start` falls out of their term meanwhile
    with nothing newer."""
    lapsing = Q(pk__in=[])
    for term in rule.terms:
        renewed = _acted(rule.kinds, rule.cutoff(until, term), until).filter(
            customer_id=OuterRef("customer_id")
        )
        lapsing |= (
            rule.of_term(term, "customer__")
            & Q(
                occurred_at__gte=local_midnight(rule.cutoff(start, term)),
                occurred_at__lt=local_midnight(rule.cutoff(until, term)),
            )
            & ~Q(Exists(renewed))
        )
    cancelled = _acted((CustomerActivity.Kind.CANCELLATION,), start, until)
    return _who(cancelled) | _who(CustomerActivity.objects.filter(lapsing, kind__in=rule.kinds))


@dataclass
class _Period:
    """One period to compute, and how to tell who is active at a day."""

    customers: QuerySet[Customer]
    rule: ActiveRule
    start: date
    until: date
    active: Callable[[date], Q]

    def new(self, kinds: Iterable[str]) -> QuerySet[Customer]:
        """Return the customers who acted (these kinds) in the period, inactive at its start."""
        acted = self.customers.filter(_who(_acted(kinds, self.start, self.until)))
        return acted.filter(_maybe_inactive(self.rule, self.start)).exclude(self.active(self.start))

    def moves(self) -> tuple[int, int, int]:
        """Return how many customers active at the start are not at the end, how many inactive
        at the start acted in the period, and how many of those are active at the end."""
        left = (
            self.customers.filter(_leaving(self.rule, self.start, self.until))
            .filter(self.active(self.start))
            .exclude(self.active(self.until))
            .count()
        )
        new = self.new(self.rule.kinds).aggregate(
            acted=Count("pk"), stayed=Count("pk", filter=self.active(self.until))
        )
        return left, new["acted"], new["stayed"]

    def buyers(self) -> tuple[int, int]:
        """Return how many of the customers who bought or renewed in the period were active at
        its start, and how many bought or renewed."""
        buyers = self.customers.filter(_who(_acted(CONTRACT_KINDS, self.start, self.until)))
        total = buyers.count()
        return total - self.new(CONTRACT_KINDS).count(), total

    def referrers(self) -> int:
        """Return the referrers among the customers active at some time in the period (active at
        its start or acting during it)."""
        acted = _who(_acted(self.rule.kinds, self.start, self.until))
        referred = _who(_acted((CustomerActivity.Kind.REFERRAL,), self.start, self.until))
        return self.customers.filter(referred).filter(self.active(self.start) | acted).count()


def _history_start(
    rule: ActiveRule, customers: QuerySet[Customer], activities: QuerySet[CustomerActivity]
) -> tuple[date, date] | None:
    """Return the first day the records show every active customer, and the last record's day.

    Records that begin after some customers were first seen (before the month of the first
    record: a CRM export of the last two years, say) do not show the contracts those customers
    held then. Counting starts one term (or window) after the first record, when every contract
    held before it has been renewed on record or has lapsed.
    """
    span = activities.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    if span["first"] is None:
        return None
    first, last = local_day(span["first"]), local_day(span["last"])
    earliest = customers.aggregate(first_seen=Min("first_seen"))["first_seen"]
    if earliest is not None and earliest < first.replace(day=1):
        first = rule.reach(first)
    return first, last


def _held_ratio(indicator: Indicator, periods: list[date] | None) -> Result:
    """Compare who is active at each period's start with who is active at its end.

    The period in progress is measured up to the end of today: a contract running until later
    in the month has not lapsed yet. Periods that have not begun are not computed, nor those
    starting before the records show every active customer.
    """
    rule = active_rule(indicator)
    customers = _customers(indicator)
    activities = _activities(indicator)
    result = Result()
    history = _history_start(rule, customers, activities)
    if history is None:
        return result
    complete_from, last_day = history
    today = clock.local_today()
    if periods is None:
        last = min(period_start(rule.reach(last_day), indicator.grain), today)
        periods = list(periods_between(complete_from, last, indicator.grain))
    with transaction.atomic():
        _without_jit()
        _held_cells(indicator, rule, periods, complete_from, result)
    return result


def _without_jit() -> None:
    """Turn PostgreSQL's JIT compilation off until the transaction ends.

    The correlated subqueries make the planner's cost estimates large, so PostgreSQL compiles
    each of these short queries first: half a second each, ten times what running it takes.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _held_cells(
    indicator: Indicator,
    rule: ActiveRule,
    periods: list[date],
    complete_from: date,
    result: Result,
) -> None:
    """Add the cells of the periods to the result, carrying who is active from one to the next."""
    # Each day ends one period and starts the next: its condition is built once.
    active = functools.lru_cache(maxsize=4)(functools.partial(active_customers, rule))
    customers = _customers(indicator)
    activities = _activities(indicator)
    today = clock.local_today()
    computation = indicator.computation
    held, held_on = 0, None  # customers active on `held_on`, carried from period to period
    for period in sorted(set(periods)):
        if period < complete_from or period > today:
            continue
        until = min(next_period(period, indicator.grain), today + timedelta(days=1))
        span = _Period(customers, rule, period, until, active)
        if computation == Computation.REPEAT_PURCHASE:
            numerator, denominator = span.buyers()
        else:
            if held_on != period:  # the first of consecutive periods counts everyone
                held = customers.filter(active(period)).count()
            left, new, joined = span.moves()
            numerator, denominator = left, held
            if computation == Computation.RETENTION:
                numerator = held - left
            elif computation == Computation.REFERRAL_RATE:
                # Of the customers active at some time in the period, those who referred.
                numerator, denominator = span.referrers(), held + new
            held, held_on = held - left + joined, until
        rows = _window(activities, period, until).count()
        result.rows_scanned += rows
        if denominator:
            result.cells.append(_customer_cell(period, numerator, denominator, rows))


def periods_affected(indicator: Indicator, changed: set[date]) -> set[date]:
    """Return the periods whose cells a change of source rows in `changed` periods can move.

    Retention and churn by the previous period read the period before: the next one moves too.
    By contract or trailing window an activity keeps a customer active up to a term (or window)
    later: every period up to that far ahead moves, never past the period in progress. The
    period in progress at the last run was measured up to that day: once it has closed it is
    redone, with or without changes.
    """
    grain = indicator.grain
    if (
        indicator.computation not in CUSTOMER_COMPUTATIONS
        or indicator.active_customer == ActiveCustomer.PREVIOUS_PERIOD
    ):
        if indicator.computation in READS_PREVIOUS_PERIOD:
            return changed | {next_period(period, grain) for period in changed}
        return set(changed)
    rule = active_rule(indicator)
    current = open_period(grain)
    affected: set[date] = set()
    for period in changed:
        reach = period_start(rule.reach(next_period(period, grain)), grain)
        affected.update(periods_between(period, min(reach, current), grain))
    closed = indicator.complete_before
    if closed is not None and closed < current:
        affected.update(periods_between(closed, current, grain))
    return affected


def _observed(indicator: Indicator, periods: list[date] | None) -> Result:
    rows = _grouped(
        Observation.objects.filter(indicator=indicator),
        "period",
        indicator.grain,
        periods,
        is_datetime=False,
        total=Count("id"),
        mean=Avg("value"),
        total_value=Sum("value"),
        total_n=Sum("n"),
        low=Min("value"),
        high=Max("value"),
    )
    chart = indicator.chart_type
    result = Result()
    for row in rows:
        total = row["total"]
        result.rows_scanned += total
        cell = Cell(period=row["period"], value=row["mean"], n=total, rows=total)
        if chart in (ChartType.P, ChartType.U):
            cell.numerator, cell.denominator = row["total_value"], row["total_n"] or 0.0
            cell.n = cell.denominator
            scale = PERCENT if chart == ChartType.P else 1.0
            cell.value = _ratio(cell.numerator, cell.denominator, scale)
        elif chart == ChartType.C:
            cell.value = cell.numerator = row["total_value"]
        elif chart == ChartType.XBAR_R:
            cell.spread = row["high"] - row["low"]
        if cell.value is not None and math.isfinite(cell.value):
            result.cells.append(cell)
    return result


def compute_cells(indicator: Indicator, periods: list[date] | None) -> Result:
    """Return the indicator's cells for the requested periods (None: every period with data)."""
    computation = indicator.computation
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
