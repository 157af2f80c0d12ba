"""Computations that count customers (retention, churn, repeat purchase, referral rate) and
who counts as an active customer."""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from core.changes import local_day
from stakeholders.contracts import add_months
from stakeholders.models import Customer, CustomerActivity

from .. import periods as clock
from ..models import Indicator
from ..periods import (
    local_midnight,
    next_period,
    open_period,
    period_start,
    periods_between,
    previous_period,
)
from .cells import Cell, Result, _grouped, _ratio
from .definitions import (
    ACTIVE_KINDS,
    CONTRACT_KINDS,
    CUSTOMER_COMPUTATIONS,
    PERCENT,
    READS_PREVIOUS_PERIOD,
)
from .records import _activities

Computation = Indicator.Computation
ChartType = Indicator.ChartType
ActiveCustomer = Indicator.ActiveCustomer


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
    """Return a previous-period customer ratio's cells: in one grouped query on PostgreSQL,
    else by `ratio`'s per-period counts."""
    if connection.vendor == "postgresql":
        return _customer_ratio_grouped(indicator, periods)
    return _customer_ratio_each(indicator, periods, ratio)


def _customer_ratio_each(
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


# The previous-period ratios as grouped SQL over the rows' periods (PostgreSQL): `rows` are
# the activities in scope with their local period `p`; each query gives, per period, the
# numerator, the denominator and the rows the per-period definitions below read.
_ACTIVE = "(" + ", ".join(f"'{kind}'" for kind in ACTIVE_KINDS) + ")"  # fixed choices
_PERIODS = f""",
  periods AS (
    SELECT p, (p - {{step}})::date AS before,
           count(*) FILTER (WHERE kind IN {_ACTIVE}) AS active_rows,
           count(*) FILTER (WHERE kind = 'cancellation') AS gone_rows
    FROM rows GROUP BY p),
  active AS (SELECT DISTINCT customer_id, p FROM rows WHERE kind IN {_ACTIVE})"""  # noqa: S608 - fixed choices
_STEP = {
    clock.DAY: "interval '1 day'",
    clock.WEEK: "interval '1 week'",
    clock.MONTH: "interval '1 month'",
}
_GROUPED: dict[str, str] = {
    # A customer active in a period is kept in the next when their active periods, in order,
    # have that one next (a window over each customer's periods: no join of the pairs).
    Computation.RETENTION: f"""
{_PERIODS},
  kept AS (
    SELECT p, count(*) AS n FROM (
      SELECT p, lag(p) OVER (PARTITION BY customer_id ORDER BY p) AS last FROM active) runs
    WHERE last = (p - {{step}})::date GROUP BY p),
  customers AS (SELECT p, count(*) AS n FROM active GROUP BY p)
  SELECT periods.p, coalesce(kept.n, 0), coalesce(customers.n, 0),
         coalesce(previous.active_rows, 0)
  FROM periods LEFT JOIN kept ON kept.p = periods.p
  LEFT JOIN customers ON customers.p = periods.before
  LEFT JOIN periods previous ON previous.p = periods.before""",  # noqa: S608 - fixed choices
    Computation.CHURN: f"""
{_PERIODS},
  customers AS (SELECT p, count(*) AS n FROM active GROUP BY p),
  gone AS (SELECT gone.p, count(DISTINCT gone.customer_id) AS n FROM rows gone
           JOIN active ON active.customer_id = gone.customer_id
                      AND active.p = (gone.p - {{step}})::date
           WHERE gone.kind = 'cancellation' GROUP BY gone.p)
  SELECT periods.p, coalesce(gone.n, 0), coalesce(customers.n, 0),
         coalesce(previous.active_rows, 0) + periods.gone_rows
  FROM periods LEFT JOIN customers ON customers.p = periods.before
  LEFT JOIN periods previous ON previous.p = periods.before
  LEFT JOIN gone ON gone.p = periods.p""",  # noqa: S608 - fixed choices
    Computation.REPEAT_PURCHASE: """
  SELECT p, count(*) FILTER (WHERE times >= 2), count(*), sum(times)
  FROM (SELECT p, customer_id, count(*) AS times FROM rows
        WHERE kind = 'purchase' GROUP BY p, customer_id) buyers
  GROUP BY p""",
    Computation.REFERRAL_RATE: f"""
  SELECT p, count(*) FILTER (WHERE referred), count(*), sum(times)
  FROM (SELECT p, customer_id, bool_or(kind = 'referral') AS referred, count(*) AS times
        FROM rows WHERE kind IN {_ACTIVE} GROUP BY p, customer_id) customers
  GROUP BY p""",  # noqa: S608 - fixed choices
}


def _customer_ratio_grouped(indicator: Indicator, periods: list[date] | None) -> Result:
    """The previous-period customer ratio of every period in one grouped query (PostgreSQL):
    the same numbers as the per-period queries, without a round trip per period."""
    activities = _activities(indicator)
    grain = indicator.grain
    wanted = None if periods is None else set(periods)
    if wanted is not None:
        if not wanted:
            return Result()
        # Each period also reads the period before it.
        read = wanted | {previous_period(period, grain) for period in wanted}
        activities = activities.filter(
            clock.in_ranges("occurred_at", clock.ranges_of(read, grain), is_datetime=True)
        )
    rows = (
        activities.order_by()
        .annotate(p=clock.truncate("occurred_at", grain, is_datetime=True))
        .values("customer_id", "kind", "p")
    )
    rows_sql, parameters = rows.query.sql_with_params()
    grouped = _GROUPED[indicator.computation].replace("{step}", _STEP[grain])
    result = Result()
    with connection.cursor() as cursor:
        cursor.execute(
            # The truncated moment is a timestamp in SQL (Django makes it a date in Python).
            f"WITH rows AS (SELECT customer_id, kind, p::date AS p FROM ({rows_sql}) AS r)"  # noqa: S608
            f"{grouped}",
            parameters,
        )
        found = cursor.fetchall()
    for period, numerator, denominator, rows_read in sorted(found):
        if wanted is not None and period not in wanted:
            continue  # a period read only as the one before a wanted period
        result.rows_scanned += rows_read or 0
        if denominator:
            result.cells.append(_customer_cell(period, numerator, denominator, rows_read))
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
    # Those of the base who cancelled: a churn rate is a share of the customers at risk.
    leavers = cancelled.filter(customer_id__in=previous.values("customer_id"))
    return (
        _distinct_customers(leavers),
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
    """One period to compute: the customers each of its counts counts."""

    customers: QuerySet[Customer]
    activities: QuerySet[CustomerActivity]
    rule: ActiveRule
    start: date
    until: date
    active: Callable[[date], Q]

    def held(self) -> QuerySet[Customer]:
        """Return the customers active at the start."""
        return self.customers.filter(self.active(self.start))

    def new(self, kinds: Iterable[str]) -> QuerySet[Customer]:
        """Return the customers who acted (these kinds) in the period, inactive at its start."""
        acted = self.customers.filter(_who(_acted(kinds, self.start, self.until)))
        return acted.filter(_maybe_inactive(self.rule, self.start)).exclude(self.active(self.start))

    def acted(self) -> QuerySet[Customer]:
        """Return the customers inactive at the start who acted in the period."""
        return self.new(self.rule.kinds)

    def stayed(self) -> QuerySet[Customer]:
        """Return those of them who are active at the end."""
        return self.acted().filter(self.active(self.until))

    def left(self) -> QuerySet[Customer]:
        """Return the customers active at the start and not at the end."""
        return (
            self.customers.filter(_leaving(self.rule, self.start, self.until))
            .filter(self.active(self.start))
            .exclude(self.active(self.until))
        )

    def buyers(self) -> QuerySet[Customer]:
        """Return the customers who bought or renewed in the period."""
        return self.customers.filter(_who(_acted(CONTRACT_KINDS, self.start, self.until)))

    def new_buyers(self) -> QuerySet[Customer]:
        """Return the buyers who were not active at the period's start."""
        return self.new(CONTRACT_KINDS)

    def referrers(self) -> QuerySet[Customer]:
        """Return the referrers among the customers active at some time in the period (active at
        its start or acting during it)."""
        acted = _who(_acted(self.rule.kinds, self.start, self.until))
        referred = _who(_acted((CustomerActivity.Kind.REFERRAL,), self.start, self.until))
        return self.customers.filter(referred).filter(self.active(self.start) | acted)

    def rows(self) -> QuerySet[CustomerActivity]:
        """Return the activities of the period (the rows a cell reads)."""
        return _window(self.activities, self.start, self.until)


# Stand-in days for compiling a period's queries once (see `_PeriodCounts`): centuries from
# any record and from each other, in months of every length and leap years, so that at least
# two of them keep every moment of a period apart whatever the terms and the window.
_STAND_INS = tuple(
    (date(year, month, day), date(year + 300, month, day))
    for year, month, day in (
        (1101, 3, 1),
        (1104, 3, 10),
        (1203, 8, 19),
        (1306, 11, 7),
        (1409, 5, 23),
        (1512, 2, 29),
    )
)


def _distinct(values: list[Any]) -> bool:
    return len(set(values)) == len(values)


@dataclass
class _Compiled:
    """One count query's SQL and parameters, and which parameters are a period's moments."""

    sql: str
    parameters: list[Any]
    moments: dict[int, int]  # parameter position -> position in `_PeriodCounts.moments`


class _PeriodCounts:
    """The counts of a period, each query compiled once per indicator and run for each period
    with that period's moments.

    Building these nested `Exists` queries costs Django about ten times what running them
    costs the database at the demo's size (about 70 ms a period, profiled). Each kind of count
    is built for two sets of stand-in days; the parameters that differ between the two must be
    the moments `moments` lists (each period's start and end, and the term's or window's cut-off
    before each), which each period replaces with its own. A query whose SQL or parameters do
    not follow that rule is built for every period instead, as before.
    """

    def __init__(
        self,
        customers: QuerySet[Customer],
        activities: QuerySet[CustomerActivity],
        rule: ActiveRule,
    ) -> None:
        self.customers = customers
        self.activities = activities
        self.rule = rule
        # Each day ends one period and starts the next: its condition is built once.
        self.active = functools.lru_cache(maxsize=4)(functools.partial(active_customers, rule))
        self.compiled: dict[str, _Compiled | None] = {}
        self.field = CustomerActivity._meta.get_field("occurred_at")

    def span(self, start: date, until: date) -> _Period:
        return _Period(self.customers, self.activities, self.rule, start, until, self.active)

    def moments(self, start: date, until: date) -> list[Any]:
        """Return the period's moments as the database receives them."""
        days = []
        for day in (start, until):
            days.append(day)
            days.extend(self.rule.cutoff(day, term) for term in self.rule.terms)
        return [self.field.get_db_prep_value(local_midnight(day), connection) for day in days]

    def count(self, name: str, start: date, until: date) -> int:
        """Return how many rows the period's query `name` (a `_Period` method) counts."""
        if name not in self.compiled:
            self.compiled[name] = self._compile(name)
        compiled = self.compiled[name]
        if compiled is None:
            return int(getattr(self.span(start, until), name)().count())
        moments = self.moments(start, until)
        parameters = list(compiled.parameters)
        for position, moment in compiled.moments.items():
            parameters[position] = moments[moment]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, parameters)
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def _compile(self, name: str) -> _Compiled | None:
        # Two sets of stand-in days whose moments all differ (a 30-day window and a one-month
        # term end on the same day after a month of 30 days): their parameters tell them apart.
        usable = [days for days in _STAND_INS if _distinct(self.moments(*days))]
        built = []
        for start, until in usable[:2]:
            queryset = getattr(self.span(start, until), name)().order_by()
            try:
                sql, parameters = queryset.values("pk").query.sql_with_params()
            except EmptyResultSet:
                return None
            built.append((sql, list(parameters), self.moments(start, until)))
        if len(built) < 2:
            return None
        (sql, first, moments), (other_sql, second, other_moments) = built
        if sql != other_sql or len(first) != len(second):
            return None
        positions = {}
        for position, (one, two) in enumerate(zip(first, second, strict=True)):
            if one == two:
                continue  # not a moment: the same whatever the days
            if one not in moments or two not in other_moments:
                return None  # a parameter that moves with the days but is not a moment
            if moments.index(one) != other_moments.index(two):
                return None
            positions[position] = moments.index(one)
        counted = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608 - Django's own SQL
        return _Compiled(counted, first, positions)


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
    counts = _PeriodCounts(_customers(indicator), _activities(indicator), rule)
    today = clock.local_today()
    computation = indicator.computation
    held, held_on = 0, None  # customers active on `held_on`, carried from period to period
    for period in sorted(set(periods)):
        if period < complete_from or period > today:
            continue
        until = min(next_period(period, indicator.grain), today + timedelta(days=1))

        def count(name: str, start: date = period, end: date = until) -> int:
            return counts.count(name, start, end)

        if computation == Computation.REPEAT_PURCHASE:
            # Of the customers who bought or renewed, those active at the period's start.
            denominator = count("buyers")
            numerator = denominator - count("new_buyers")
        else:
            if held_on != period:  # the first of consecutive periods counts everyone
                held = count("held")
            left, stayed = count("left"), count("stayed")
            numerator, denominator = left, held
            if computation == Computation.RETENTION:
                numerator = held - left
            elif computation == Computation.REFERRAL_RATE:
                # Of the customers active at some time in the period, those who referred.
                numerator, denominator = count("referrers"), held + count("acted")
            held, held_on = held - left + stayed, until
        rows = count("rows")
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
