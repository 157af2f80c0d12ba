"""Drivers: how strongly each leading indicator moves a lagging one, at lags of 0-3 periods.

The pairs are the declared ones plus every leading x lagging pair on the same journey with the
same grain. Each pair's correlation is computed from the two snapshot series (pandas), never
from source rows.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone

from .models import Driver, Indicator, Snapshot
from .periods import open_period
from .series import rounded

MAX_LAG = 3


def _journey_of(indicator: Indicator) -> int | None:
    if indicator.journey_id:
        return indicator.journey_id
    if indicator.touchpoint is not None:
        return indicator.touchpoint.stage.journey_id
    return None


def journey_pairs(indicators: list[Indicator]) -> set[tuple[int, int]]:
    """Return the (leading, lagging) pairs that share a journey and a grain."""
    by_journey: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        journey = _journey_of(indicator)
        if journey is not None:
            by_journey[journey].append(indicator)
    pairs = set()
    for members in by_journey.values():
        for leading in members:
            for lagging in members:
                if (
                    leading.kind == Indicator.Kind.LEADING
                    and lagging.kind == Indicator.Kind.LAGGING
                    and leading.grain == lagging.grain
                ):
                    pairs.add((leading.pk, lagging.pk))
    return pairs


@transaction.atomic
def drivers_refresh() -> int:
    """Recompute every driver pair's lagged correlations; return how many rows changed."""
    # pandas (and the correlations built on it) load here, not when the site starts.
    import pandas as pd

    from .correlation import lagged, strongest

    indicators = list(Indicator.objects.filter(is_active=True).select_related("touchpoint__stage"))
    found = journey_pairs(indicators)
    declared = set(Driver.objects.filter(declared=True).values_list("leading_id", "lagging_id"))
    pairs = found | declared
    # Pairs no longer on one journey (and not declared) are dropped.
    stale = [
        pk
        for pk, leading_id, lagging_id in Driver.objects.filter(declared=False).values_list(
            "pk", "leading_id", "lagging_id"
        )
        if (leading_id, lagging_id) not in found
    ]
    Driver.objects.filter(pk__in=stale).delete()
    involved = {indicator_id for pair in pairs for indicator_id in pair}
    series: dict[int, pd.Series] = {}
    # A period in progress takes no part: only complete periods are correlated.
    open_periods = {
        pk: open_period(grain)
        for pk, grain in Indicator.objects.filter(pk__in=involved).values_list("pk", "grain")
    }
    rows = Snapshot.objects.filter(indicator_id__in=involved).exclude(value=None)
    frame = pd.DataFrame.from_records(
        rows.values_list("indicator_id", "period", "value"),
        columns=["indicator_id", "period", "value"],
    )
    for indicator_id, group in frame.groupby("indicator_id"):
        group = group[group["period"] < open_periods.get(int(indicator_id), date.max)]
        if group.empty:
            continue
        series[int(indicator_id)] = pd.Series(
            group["value"].to_numpy(dtype="float64"), index=pd.to_datetime(group["period"])
        )
    existing = {
        (driver.leading_id, driver.lagging_id): driver
        for driver in Driver.objects.filter(leading_id__in=involved)
    }
    changed = 0
    now = timezone.now()
    for leading_id, lagging_id in sorted(pairs):
        driver = existing.get((leading_id, lagging_id)) or Driver(
            leading_id=leading_id, lagging_id=lagging_id, declared=False
        )
        results = []
        if leading_id in series and lagging_id in series:
            results = lagged(series[leading_id], series[lagging_id], max_lag=MAX_LAG)
        lags = [
            {
                "lag": result.lag,
                "r": rounded(result.r),
                "p_value": rounded(result.p_value),
                "n": result.n,
            }
            for result in results
        ]
        best = strongest(results)
        fields = {
            "lags": lags,
            "best_lag": best.lag if best else None,
            "best_r": rounded(best.r) if best else None,
            "best_p_value": rounded(best.p_value) if best else None,
            "best_n": best.n if best else None,
        }
        if driver.pk and all(getattr(driver, name) == value for name, value in fields.items()):
            continue
        for name, value in fields.items():
            setattr(driver, name, value)
        driver.computed_at = now
        driver.save()
        changed += 1
    return changed
