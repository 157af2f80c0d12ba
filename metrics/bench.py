"""The recompute's benchmark (`manage.py bench`): bench indicators over the synthetic answers,
their floor, and the comparison of two recomputes' snapshots.

The floor is what the database itself needs for the same numbers: one hand-written SQL
`GROUP BY` per indicator over the same answers, with the aggregate computed in SQL. The bench
checks that it gives every snapshot's value, so the two sides measure the same work.
PostgreSQL only (`FILTER`, `date_trunc`, `AT TIME ZONE`), as the bench is.
"""

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection

from feedback.models import Survey, SurveyResponse
from journeys.models import Journey

from .models import Indicator, RecomputeRun, Snapshot
from .recompute import recompute_start
from .services import indicator_create

PREFIX = "bench-"
KINDS = ("nps", "csat", "ces")
GRAINS = ("day", "week", "month")
# Two values agree when they differ by less than this (floats summed in another order).
TOLERANCE = 1e-9

# The value of each computation as one SQL aggregate over the answers `r` of a period.
VALUE_SQL = {
    "nps": "100.0 * (count(*) FILTER (WHERE r.score >= 9) - count(*) FILTER (WHERE r.score <= 6))"
    " / count(*)",
    "csat": "100.0 * count(*) FILTER (WHERE r.score >= 4) / count(*)",
    "ces": "avg(r.score)",
}


def bench_indicators_create(*, count: int, journeys: Sequence[Journey]) -> list[Indicator]:
    """Create `count` bench indicators over the answers: every survey computation at every
    grain, for the whole organisation and for each journey in turn."""
    scopes: list[Journey | None] = [None, *journeys]
    combos = itertools.cycle(itertools.product(scopes, GRAINS, KINDS))
    created = []
    for number in range(count):
        journey, grain, kind = next(combos)
        created.append(
            indicator_create(
                code=f"{PREFIX}{number:03d}-{kind}-{grain}",
                name=f"Bench {number} {kind} by {grain}"
                + (f" ({journey.name})" if journey else ""),
                kind="lagging",
                stakeholder_group="customers",
                computation=kind,
                grain=grain,
                chart_type="p" if kind == "csat" else "xmr",
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


def _floor_query(indicator: Indicator) -> tuple[str, list[str | int]]:
    survey = Survey._meta.db_table
    response = SurveyResponse._meta.db_table
    params: list[str | int] = [indicator.grain, settings.TIME_ZONE, indicator.computation]
    journey = ""
    if indicator.journey_id:
        journey = " AND r.journey_id = %s"
        params.append(indicator.journey_id)
    sql = (
        "SELECT date_trunc(%s, r.responded_at AT TIME ZONE %s)::date AS period, "  # noqa: S608
        f"({VALUE_SQL[indicator.computation]})::float AS value "
        f"FROM {response} r JOIN {survey} s ON s.id = r.survey_id "
        f"WHERE s.kind = %s{journey} GROUP BY 1"
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
