"""The time axis the control chart and the chart under it share."""

from datetime import date, datetime, timedelta

# Half a period of room before the first point and after the last.
HALF_PERIOD = {"day": timedelta(hours=12), "week": timedelta(days=3.5), "month": timedelta(days=15)}


def x_range(first: date, last: date, grain: str) -> list[str]:
    """Return the x-axis range: half a period before the first point and after the last."""
    half = HALF_PERIOD.get(grain, HALF_PERIOD["month"])
    start = datetime.combine(first, datetime.min.time()) - half
    end = datetime.combine(last, datetime.min.time()) + half
    return [start.strftime("%Y-%m-%d %H:%M"), end.strftime("%Y-%m-%d %H:%M")]


def tick_format(grain: str) -> str | None:
    """Return the x-axis tick format of a grain, None to let plotly choose."""
    # Monthly ticks read "Mar 2026"; for days and weeks plotly picks the ticks and their format.
    return "%b %Y" if grain == "month" else None
