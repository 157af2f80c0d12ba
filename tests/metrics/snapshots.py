"""Write an indicator's snapshots directly, with XmR limits, so page tests need no recompute."""

import itertools
from datetime import date
from typing import Any

from metrics.models import Indicator, Snapshot
from metrics.periods import next_period

MOVING_RANGE_FACTOR = 2.66  # 3 / d2 with d2 = 1.128 for moving ranges of two
MOVING_RANGE_UCL = 3.267  # D4 for moving ranges of two


def months(first: date, count: int, grain: str = "month") -> list[date]:
    """Return `count` consecutive period starts from `first`."""
    periods = [first]
    while len(periods) < count:
        periods.append(next_period(periods[-1], grain))
    return periods


def _signals(values: list[float], center: float, sigma: float) -> list[list[str]]:
    """Flag WE1 (beyond 3 sigma) and WE4 (8 in a row on one side), as the series pass would."""
    flags: list[list[str]] = [[] for _value in values]
    run_side, run_length = 0, 0
    for index, value in enumerate(values):
        if abs(value - center) > 3 * sigma:
            flags[index].append("WE1")
        side = (value > center) - (value < center)
        run_length = run_length + 1 if side and side == run_side else (1 if side else 0)
        run_side = side
        if run_length >= 8:
            flags[index].append("WE4")
    return flags


def write_xmr(
    indicator: Indicator,
    values: list[float],
    *,
    first: date = date(2024, 1, 1),
    restart_at: int | None = None,
    extra: dict[int, dict[str, Any]] | None = None,
) -> list[Snapshot]:
    """Store one snapshot per value with XmR limits (restarting at an index), and the summary."""
    periods = months(first, len(values), indicator.grain)
    cuts = [0, restart_at, len(values)] if restart_at else [0, len(values)]
    snapshots: list[Snapshot] = []
    segments: list[dict[str, Any]] = []
    for number, (start, end) in enumerate(itertools.pairwise(cuts)):
        piece = values[start:end]
        center = sum(piece) / len(piece)
        ranges = [abs(b - a) for a, b in itertools.pairwise(piece)]
        moving_range = sum(ranges) / len(ranges) if ranges else 0.0
        sigma = moving_range / 1.128
        ucl, lcl = (
            center + MOVING_RANGE_FACTOR * moving_range,
            center - MOVING_RANGE_FACTOR * moving_range,
        )
        flags = _signals(piece, center, sigma)
        for offset, value in enumerate(piece):
            index = start + offset
            fields = {
                "period": periods[index],
                "value": value,
                "n": 1,
                "segment": number,
                "center": center,
                "ucl": ucl,
                "lcl": lcl,
                "sigma": sigma,
                "signals": flags[offset],
            }
            fields.update((extra or {}).get(index, {}))
            snapshots.append(Snapshot(indicator=indicator, **fields))
        segments.append(
            {
                "starts_on": periods[start].isoformat(),
                "center": center,
                "ucl": ucl,
                "lcl": lcl,
                "sigma": sigma,
                "secondary": {
                    "center": moving_range,
                    "ucl": MOVING_RANGE_UCL * moving_range,
                    "lcl": 0.0,
                },
                "secondary_values": [None, *ranges],
                "periods": [period.isoformat() for period in periods[start:end]],
            }
        )
    Snapshot.objects.bulk_create(snapshots)
    last = segments[-1]
    Indicator.objects.filter(pk=indicator.pk).update(
        latest_period=periods[-1],
        latest_value=values[-1],
        chart_summary={
            "segments": segments,
            **{key: last[key] for key in ("center", "ucl", "lcl", "sigma", "secondary")},
        },
    )
    indicator.refresh_from_db()
    return snapshots
