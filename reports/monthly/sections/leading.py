"""The report's section: Leading indicators and drivers.

Every active leading indicator with the same columns as the outcomes (`lagging`): its value for
the month, target, previous period, same period last year, the changes and the month's verdicts.

Then, for each lagging indicator that MOVED in the month, its drivers: the stored leading →
lagging lagged correlations (`metrics.models.Driver`, strongest first), each leading indicator
with its strongest lag and correlation and where it stands this month. "Moved" is the outcomes'
rule (see `lagging`): a special-cause signal in the month, or a change from the month before
larger than the upper limit of the moving-range chart (3.267 average moving ranges, 3.69 sigma).

A correlation is read in words by its size: |r| of 0.7 or more is strong, of 0.4 or more
moderate, less is weak; with a p-value of 0.05 or more it is "not significant".
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.db.models.functions import Abs
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metrics.models import Driver, Indicator

from ..indicator_rows import (
    active_indicators,
    column_labels,
    indicator_rows,
    lag_label,
    moved_words,
    rule_words,
    section_period,
)
from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "leading"
TITLE = _("Leading indicators and drivers")

STRONG = 0.7
MODERATE = 0.4
SIGNIFICANCE = 0.05
WAY_LABELS = {
    "improving": _("improving"),
    "concerning": _("concerning"),
    "neutral": _("neither better nor worse"),
}


def strength_words(r: float, p_value: float | None) -> str:
    """Return a correlation in words ("strong, moves with it", "weak, not significant")."""
    size = abs(r)
    strength = (
        gettext("strong")
        if size >= STRONG
        else gettext("moderate")
        if size >= MODERATE
        else gettext("weak")
    )
    relation = gettext("moves with it") if r > 0 else gettext("moves against it")
    words = f"{strength}, {relation}"
    if p_value is None or p_value >= SIGNIFICANCE:
        words += ", " + gettext("not significant")
    return words


def _pair(driver: Driver, indicator: Indicator, row: dict[str, Any] | None) -> dict[str, Any]:
    """Return one side of a driver pair (the other indicator) with its correlation."""
    r = driver.best_r or 0.0
    return {
        "code": indicator.code,
        "name": indicator.name,
        "kind": indicator.kind,
        "lag": driver.best_lag or 0,
        "lag_label": lag_label(driver.best_lag or 0, driver.leading.grain),
        "r": driver.best_r,
        "r_text": f"{r:+.2f}".replace("-", "\u2212"),
        "p_value": driver.best_p_value,
        "n": driver.best_n,
        "declared": driver.declared,
        "words": strength_words(r, driver.best_p_value),
        "significant": driver.best_p_value is not None and driver.best_p_value < SIGNIFICANCE,
        # Where the other indicator stands this month (empty when it is not active).
        "value_text": row["value_text"] if row else "",
        "status_label": row["status_label"] if row else "",
        "status_symbol": row["status_symbol"] if row else "",
        "status_state": row["status_state"] if row else "neutral",
        "variation_label": row["variation_label"] if row else "",
    }


def _correlated(pairs: QuerySet[Driver]) -> list[Driver]:
    """Return the pairs with a correlation, strongest first (pairs without one are left out)."""
    return list(pairs.exclude(best_r=None).order_by(Abs("best_r").desc(), "pk"))


def drivers_by_outcome(
    codes: Iterable[str], rows_by_code: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Return the drivers of each lagging indicator (by code), strongest correlation first."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pairs = Driver.objects.filter(lagging__code__in=list(codes)).select_related(
        "leading", "lagging"
    )
    for driver in _correlated(pairs):
        found[driver.lagging.code].append(
            _pair(driver, driver.leading, rows_by_code.get(driver.leading.code))
        )
    return found


def outcomes_by_driver(
    codes: Iterable[str], rows_by_code: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Return the outcomes each leading indicator (by code) is paired with, strongest first."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pairs = Driver.objects.filter(leading__code__in=list(codes)).select_related(
        "leading", "lagging"
    )
    for driver in _correlated(pairs):
        found[driver.leading.code].append(
            _pair(driver, driver.lagging, rows_by_code.get(driver.lagging.code))
        )
    return found


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the section's data for the month, as plain JSON."""
    rows = indicator_rows(active_indicators(Indicator.Kind.LEADING), month)
    for row in rows:
        row["moved_words"] = moved_words(row)
        row["rules"] = rule_words(row["signals"])
    outcomes = indicator_rows(active_indicators(Indicator.Kind.LAGGING), month)
    moved = [row for row in outcomes if row["moved"]]
    drivers = drivers_by_outcome([row["code"] for row in moved], {row["code"]: row for row in rows})
    # Concerning moves first: they are the ones a review acts on.
    order = {"concerning": 0, "neutral": 1, "improving": 2}
    moved.sort(key=lambda row: order.get(row["moved"]["way"], 3))
    return {
        "period_line": section_period(month),
        "columns": column_labels(month),
        "rows": rows,
        "counts": {
            "indicators": len(rows),
            "moved": sum(1 for row in rows if row["moved"]),
        },
        "moved_outcomes": [
            {
                "code": row["code"],
                "name": row["name"],
                "unit": row["unit"],
                "value_text": row["value_text"],
                "change_text": (row["change_previous"] or {}).get("text", ""),
                "way": row["moved"]["way"],
                "way_label": str(WAY_LABELS.get(row["moved"]["way"], "")),
                "moved_words": moved_words(row),
                "status_label": row["status_label"],
                "status_symbol": row["status_symbol"],
                "drivers": drivers.get(row["code"], []),
            }
            for row in moved
        ],
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """The section has no figures: its drivers read best as a table."""
    return []
