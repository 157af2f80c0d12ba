"""The recompute's benchmark (`manage.py bench`): bench indicators over the synthetic
organisation (answers, complaints, customer activity), their floor, and the comparison of two
recomputes' snapshots.

The floor is what the database itself needs for the same numbers: one hand-written SQL query per
indicator over the same rows, with the aggregate computed in SQL. It is written from the
README's definitions, not from the product's queries, so that the bench's check (the floor
gives every snapshot's value) also checks the product. PostgreSQL only (`FILTER`, `date_trunc`,
`AT TIME ZONE`, windows), as the bench is.
"""

import importlib
import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection

from feedback.models import Complaint, Survey, SurveyResponse
from feedback.selectors.surveys import ANONYMITY_THRESHOLD
from journeys.models import Journey
from stakeholders.models import CustomerActivity

from .computations.definitions import CUSTOMER_COMPUTATIONS, charts_for
from .models import Indicator, RecomputeRun, Snapshot
from .recompute import recompute_start
from .services import indicator_create

PREFIX = "bench-"
GRAINS = ("day", "week", "month")
Computation = Indicator.Computation
# Every computation over the synthetic organisation's answers, complaints and customer activity
# (mystery shopping, ideas and observed values read a few rows per period at any scale).
COMPUTATIONS = (
    Computation.NPS,
    Computation.CSAT,
    Computation.CES,
    Computation.ENPS,
    Computation.COMPLAINT_COUNT,
    Computation.COMPLAINT_RATE,
    Computation.TIME_TO_ACKNOWLEDGE,
    Computation.TIME_TO_RESOLVE,
    Computation.SLA_COMPLIANCE,
    Computation.FIRST_CONTACT_RESOLUTION,
    Computation.COMPLAINT_SATISFACTION,
    Computation.RETENTION,
    Computation.CHURN,
    Computation.REPEAT_PURCHASE,
    Computation.REFERRAL_RATE,
)
# Two values agree when they differ by less than this (floats summed in another order).
TOLERANCE = 1e-9


def _chart(computation: str) -> str:
    """Return the chart of the computation's own statistic (p, c or u), else XmR."""
    for chart in ("p", "c", "u"):
        if chart in charts_for(computation):
            return chart
    return "xmr"


def bench_indicators_create(*, count: int, journeys: Sequence[Journey]) -> list[Indicator]:
    """Create `count` bench indicators: every computation at every grain, for the whole
    organisation and then for each journey in turn (customer activity has no journey: those
    computations are the organisation's only)."""
    combos = [
        (journey, grain, computation)
        for journey in (None, *journeys)
        for grain in GRAINS
        for computation in COMPUTATIONS
        if journey is None or computation not in CUSTOMER_COMPUTATIONS
    ]
    created = []
    for number, (journey, grain, computation) in enumerate(
        itertools.islice(itertools.cycle(combos), count)
    ):
        created.append(
            indicator_create(
                code=f"{PREFIX}{number:03d}-{computation}-{grain}",
                name=f"Bench {number} {computation} by {grain}"
                + (f" ({journey.name})" if journey else ""),
                kind="lagging",
                stakeholder_group="customers",
                computation=computation,
                grain=grain,
                chart_type=_chart(computation),
                journey=journey,
            )
        )
    return created


def bench_indicators() -> list[Indicator]:
    """Return the bench indicators, in code order."""
    return list(Indicator.objects.filter(code__startswith=PREFIX).order_by("code"))


@dataclass(frozen=True)
class Timed:
    """A measured step: seconds taken and what it did, in words."""

    seconds: float
    detail: str


def warm_up() -> None:
    """Load what a recompute worker loads with its first task only (pandas, numpy, scipy's
    statistics: a few seconds, once per process), so that the bench times the runs' own work."""
    importlib.import_module("pandas")
    importlib.import_module("scipy.stats")


def recompute_time(mode: str) -> Timed:
    """Run a recompute of `mode` in this process (eager tasks) and return its time."""
    started = time.perf_counter()
    run = recompute_start(mode=mode, trigger=RecomputeRun.Trigger.COMMAND)
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    if run.status != RecomputeRun.Status.SUCCEEDED:
        raise RuntimeError(f"The {mode} recompute ended {run.status}: {run.error}")
    return Timed(
        seconds,
        f"{run.indicators} indicators, {run.cells} cells, {run.rows_scanned:,} rows read",
    )


# Each computation's value in a period as SQL aggregates over its rows `r` (answers or
# complaints), and the condition a period needs to have a value at all.
ANSWER_SQL = {
    "nps": "100.0 * (count(*) FILTER (WHERE r.score >= 9) - count(*) FILTER (WHERE r.score <= 6))"
    " / count(*)",
    "csat": "100.0 * count(*) FILTER (WHERE r.score >= 4) / count(*)",
    "ces": "avg(r.score)",
}
ANSWER_SQL["enps"] = ANSWER_SQL["nps"]
HOURS = (
    "percentile_cont(0.5) WITHIN GROUP "
    "(ORDER BY extract(epoch FROM (r.{end} - r.received_at)) / 3600.0)"
)
COMPLAINT_SQL = {
    "complaint_count": ("count(*)", "true"),
    "time_to_acknowledge": (HOURS.format(end="acknowledged_at"), "true"),
    "time_to_resolve": (HOURS.format(end="responded_at"), "true"),
    "sla_compliance": (
        "100.0 * count(*) FILTER (WHERE r.resolved_within_sla)"
        " / count(*) FILTER (WHERE r.resolved_within_sla IS NOT NULL)",
        "count(*) FILTER (WHERE r.resolved_within_sla IS NOT NULL) > 0",
    ),
    "first_contact_resolution": (
        "100.0 * count(*) FILTER (WHERE r.resolved_at_first_contact) / count(*)",
        "true",
    ),
    "complaint_satisfaction": (
        "100.0 * count(*) FILTER (WHERE r.customer_satisfaction >= 4)"
        " / count(*) FILTER (WHERE r.customer_satisfaction IS NOT NULL)",
        "count(*) FILTER (WHERE r.customer_satisfaction IS NOT NULL) > 0",
    ),
}
# The rows each median reads: those whose clock has stopped.
COMPLAINT_ROWS = {
    "time_to_acknowledge": "r.acknowledged_at IS NOT NULL",
    "time_to_resolve": "r.responded_at IS NOT NULL",
}
ACTIVE = "('purchase', 'renewal', 'referral')"  # the kinds that make a customer active
# The customer ratios by the previous-period definition of an active customer, in the periods
# that have any activity: {period} is a row's period, {previous} the period before `p`.
CUSTOMER_SQL = {
    "retention": """
        WITH r AS (SELECT a.customer_id, a.kind, {period} AS p FROM {activity} a),
             pairs AS (SELECT DISTINCT customer_id, p FROM r WHERE kind IN {active}),
             active AS (SELECT p, count(*) AS n FROM pairs GROUP BY p),
             kept AS (SELECT p, count(*) AS n FROM (
                        SELECT p, lag(p) OVER (PARTITION BY customer_id ORDER BY p) AS last
                        FROM pairs) runs
                      WHERE last = (p - %(step)s::interval)::date GROUP BY p),
             periods AS (SELECT DISTINCT p FROM r)
        SELECT periods.p, 100.0 * coalesce(kept.n, 0) / before.n
        FROM periods JOIN active before ON before.p = {previous}
        LEFT JOIN kept ON kept.p = periods.p""",
    "churn": """
        WITH r AS (SELECT a.customer_id, a.kind, {period} AS p FROM {activity} a),
             pairs AS (SELECT DISTINCT customer_id, p FROM r WHERE kind IN {active}),
             active AS (SELECT p, count(*) AS n FROM pairs GROUP BY p),
             gone AS (SELECT r.p, count(DISTINCT r.customer_id) AS n
                      FROM r JOIN pairs ON pairs.customer_id = r.customer_id
                        AND pairs.p = (r.p - %(step)s::interval)::date
                      WHERE r.kind = 'cancellation' GROUP BY 1),
             periods AS (SELECT DISTINCT p FROM r)
        SELECT periods.p, 100.0 * coalesce(gone.n, 0) / before.n
        FROM periods JOIN active before ON before.p = {previous}
        LEFT JOIN gone ON gone.p = periods.p""",
    "repeat_purchase": """
        SELECT p, 100.0 * count(*) FILTER (WHERE purchases >= 2) / count(*)
        FROM (SELECT {period} AS p, a.customer_id, count(*) AS purchases FROM {activity} a
              WHERE a.kind = 'purchase' GROUP BY 1, 2) buyers
        GROUP BY p""",
    "referral_rate": """
        SELECT p, 100.0 * count(*) FILTER (WHERE referred) / count(*)
        FROM (SELECT {period} AS p, a.customer_id, bool_or(a.kind = 'referral') AS referred
              FROM {activity} a WHERE a.kind IN {active} GROUP BY 1, 2) customers
        GROUP BY p""",
}


def _period(column: str) -> str:
    """Return the SQL of a row's local period at the grain (the first parameter pair)."""
    return f"date_trunc(%(grain)s, {column} AT TIME ZONE %(zone)s)::date"


def _floor_query(indicator: Indicator) -> tuple[str, dict[str, str | int]]:
    """Return the hand-written SQL of the indicator's values by period, and its parameters."""
    computation = indicator.computation
    params: dict[str, str | int] = {
        "grain": indicator.grain,
        "zone": settings.TIME_ZONE,
        "kind": computation,
        "journey": indicator.journey_id or 0,
        "step": f"1 {indicator.grain}",
        # Fewer employees' answers could be told apart: such a period has no eNPS.
        "fewest": ANONYMITY_THRESHOLD if computation == Computation.ENPS else 1,
    }
    journey = " AND r.journey_id = %(journey)s" if indicator.journey_id else ""
    activity = CustomerActivity._meta.db_table
    complaint = Complaint._meta.db_table
    if computation in ANSWER_SQL:
        sql = (
            f"SELECT {_period('r.responded_at')}, ({ANSWER_SQL[computation]})::float "  # noqa: S608 - fixed names
            f"FROM {SurveyResponse._meta.db_table} r "
            f"JOIN {Survey._meta.db_table} s ON s.id = r.survey_id "
            f"WHERE s.kind = %(kind)s{journey} GROUP BY 1 HAVING count(*) >= %(fewest)s"
        )
    elif computation in COMPLAINT_SQL:
        value, having = COMPLAINT_SQL[computation]
        rows = COMPLAINT_ROWS.get(computation, "true")
        sql = (
            f"SELECT {_period('r.received_at')}, ({value})::float FROM {complaint} r "  # noqa: S608 - fixed names
            f"WHERE {rows}{journey} GROUP BY 1 HAVING {having}"
        )
    elif computation == Computation.COMPLAINT_RATE:
        # Per 1,000 activities, from the period of the first complaint on record on.
        sql = (
            f"WITH base AS (SELECT {_period('a.occurred_at')} AS p, count(*) AS n "  # noqa: S608 - fixed names
            f"FROM {activity} a GROUP BY 1), "
            f"counted AS (SELECT {_period('r.received_at')} AS p, count(*) AS n "
            f"FROM {complaint} r WHERE true{journey} GROUP BY 1) "
            "SELECT base.p, (1000.0 * coalesce(counted.n, 0) / base.n)::float "
            "FROM base LEFT JOIN counted ON counted.p = base.p "
            f"WHERE base.p >= (SELECT min({_period('r.received_at')}) FROM {complaint} r "
            f"WHERE true{journey})"
        )
    else:
        template = CUSTOMER_SQL[computation]
        sql = f"SELECT p, value::float FROM ({template}) cells (p, value)".format(  # noqa: S608
            period=_period("a.occurred_at"),
            previous="(periods.p - %(step)s::interval)::date",
            activity=activity,
            active=ACTIVE,
        )
    return sql, params


def floor_values(indicators: Sequence[Indicator]) -> tuple[float, dict[tuple[int, date], float]]:
    """Run each indicator's hand-written `GROUP BY`; return the seconds they took in all and
    the values by (indicator id, period)."""
    values: dict[tuple[int, date], float] = {}
    seconds = 0.0
    with connection.cursor() as cursor:
        for indicator in indicators:
            sql, params = _floor_query(indicator)
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            seconds += time.perf_counter() - started
            values.update({(indicator.pk, period): value for period, value in rows})
    return seconds, values


def snapshot_values(indicators: Sequence[Indicator]) -> dict[tuple[int, date], float | None]:
    """Return the stored value of every snapshot of these indicators."""
    rows = Snapshot.objects.filter(indicator__in=indicators).values_list(
        "indicator_id", "period", "value"
    )
    return {(indicator, period): value for indicator, period, value in rows}


def differences(
    expected: Mapping[tuple[int, date], float | None],
    found: Mapping[tuple[int, date], float | None],
    *,
    limit: int = 5,
) -> list[str]:
    """Describe (up to `limit`) the cells where two sets of values disagree."""
    problems = []
    for key in sorted(expected.keys() | found.keys()):
        want, got = expected.get(key), found.get(key)
        if want is None or got is None:
            same = want is got
        else:
            same = abs(want - got) <= TOLERANCE * max(1.0, abs(want))
        if not same:
            problems.append(f"indicator {key[0]}, period {key[1]}: {want} against {got}")
            if len(problems) == limit:
                break
    return problems
