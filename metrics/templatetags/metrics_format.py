"""How the metrics pages write numbers: values with units, p-values, slopes, periods, durations."""

import math
from datetime import date

from django import template
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from core.charts.numbers import MINUS, measure, number

register = template.Library()

# The pages print numbers as the charts' hover labels do: one rule, in core.charts.numbers.
register.filter("number", number)
register.filter("measure", measure)


@register.filter
def signed(value: float | None) -> str:
    """Return a change with its sign ("+0.42", "-1.3" with a typographic minus)."""
    if value is None:
        return "—"
    text = number(value)
    return text if text.startswith(MINUS) or text == "0" else f"+{text}"


@register.filter
def slope_unit(unit: str) -> str:
    """Return the unit of a change per period: percentages change by percentage points."""
    return _("percentage points") if unit == "%" else unit


@register.filter
def p_value(value: float | None) -> str:
    """Return a p-value as papers print it ("p = 0.034", "p < 0.001")."""
    if value is None or not math.isfinite(value):
        return ""
    if value < 0.001:
        return "p < 0.001"
    return f"p = {value:.3f}" if value < 0.1 else f"p = {value:.2f}"


@register.filter
def period_label(day: date | None, grain: str) -> str:
    """Return a period as people name it: "Mar 2026", "week of 2 Mar 2026", "2 Mar 2026"."""
    if day is None:
        return "—"
    month = str(MONTHS_3[day.month]).capitalize()
    if grain == "month":
        return f"{month} {day.year}"
    if grain == "week":
        return _("week of %(day)s") % {"day": f"{day.day} {month} {day.year}"}
    return f"{day.day} {month} {day.year}"


@register.filter
def seconds(duration: float | None) -> str:
    """Return a run's length as "0.4 s", "3 min 05 s" or "1 h 02 min"."""
    if duration is None:
        return "—"
    if duration < 60:
        return f"{duration:.1f} s"
    whole = round(duration)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


@register.filter
def last_line(text: str) -> str:
    """Return the last non-empty line of a text (a traceback's exception)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


@register.filter
def first_line(text: str) -> str:
    """Return the first non-empty line of a text (what stopped an interrupted run)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else ""
