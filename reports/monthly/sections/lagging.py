"""The report's section: Loyalty outcomes (lagging indicators).

Every active lagging indicator with its value for the month, its target, the previous period's
and the same period last year's values and the changes, and the month's verdicts: status against
the target, variation and assurance ("Making Data Count"), each as words and a symbol.
"""

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metrics.models import Indicator
from metrics.periods import MONTH, WEEK

from ..indicator_rows import (
    active_indicators,
    column_labels,
    indicator_rows,
    key_rows,
    moved_words,
    rule_words,
    section_period,
)
from ..months import ReportMonth

if TYPE_CHECKING:
    from core.charts import Chart

KEY = "lagging"
TITLE = _("Loyalty outcomes (lagging indicators)")


def build(month: ReportMonth) -> dict[str, Any]:
    """Return the section's data for the month, as plain JSON."""
    rows = indicator_rows(active_indicators(Indicator.Kind.LAGGING), month)
    for row in rows:
        row["moved_words"] = moved_words(row)
        row["rules"] = rule_words(row["signals"])
    statuses: dict[str, int] = defaultdict(int)
    for row in rows:
        statuses[row["status"]] += 1
    moved = [row for row in rows if row["moved"]]
    return {
        "period_line": section_period(month),
        "columns": column_labels(month),
        "rows": rows,
        "counts": {
            "indicators": len(rows),
            "meets_target": statuses[Indicator.Status.MEETS_TARGET],
            "misses_target": sum(
                statuses[status]
                for status in (
                    Indicator.Status.WITHIN_TOLERANCE,
                    Indicator.Status.AMBER,
                    Indicator.Status.RED,
                )
            ),
            "no_target": statuses[Indicator.Status.NO_TARGET],
            "no_data": statuses[Indicator.Status.NO_DATA],
            "moved": len(moved),
            "improving": sum(1 for row in moved if row["moved"]["way"] == "improving"),
            "concerning": sum(1 for row in moved if row["moved"]["way"] == "concerning"),
        },
        "charted": [row["code"] for row in key_rows(rows)],
    }


def chart_key(code: str) -> str:
    """Return a chart key for an indicator code that a template can name (an identifier)."""
    return f"{KEY}_{code.replace('-', '_')}"


def _chart_title(row: dict[str, Any], count: int) -> str:
    periods = {MONTH: gettext("months"), WEEK: gettext("weeks")}.get(row["grain"], gettext("days"))
    if row["target"] is None:
        return gettext("%(name)s: the last %(count)d %(periods)s") % {
            "name": row["name"],
            "count": count,
            "periods": periods,
        }
    return gettext("%(name)s: the last %(count)d %(periods)s, against its target (dashed)") % {
        "name": row["name"],
        "count": count,
        "periods": periods,
    }


def charts(data: dict[str, Any], month: ReportMonth) -> "list[Chart]":
    """Return a line of the last 13 periods of each key indicator, with its target."""
    from core.charts import Chart, figure_table, lines

    by_code = {row["code"]: row for row in data.get("rows", [])}
    figures = []
    for code in data.get("charted", []):
        row = by_code.get(code)
        if row is None:
            continue
        history = row["history"]
        figure = lines(
            x=history["labels"],
            series={row["name"]: history["values"]},
            value_label=row["unit"] or row["name"],
            reference=row["target"],
            reference_label=row["target_text"],
        )
        description = gettext(
            "%(name)s in each of the last %(count)d periods to %(period)s (%(direction)s)"
        ) % {
            "name": row["name"],
            "count": len(history["labels"]),
            "period": row["period_label"],
            "direction": row["direction_label"].lower(),
        }
        if row["target"] is not None:
            description += gettext(", against its target of %(target)s") % {
                "target": row["target_text"]
            }
        figures.append(
            Chart(
                key=chart_key(code),
                title=_chart_title(row, len(history["labels"])),
                figure=figure,
                table=figure_table(figure, category=gettext("Period")),
                description=description + ".",
            )
        )
    return figures
