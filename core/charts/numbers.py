"""How charts write numbers: values with as many decimals as their size deserves, with units.

The metrics pages' `number` and `measure` template filters are these functions, so that a hover
label and the page around the chart print a value alike.
"""

import math

MINUS = "\u2212"  # the typographic minus: a hyphen is narrower and wraps at line ends
NO_VALUE = "—"


def number(value: float | None) -> str:
    """Return a value with as many decimals as its size deserves ("1,234", "34.6", "0.042")."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    size = abs(value)
    if size >= 100:
        text = f"{value:,.0f}"
    elif size >= 10:
        text = f"{value:.1f}"
    elif size >= 1:
        text = f"{value:.2f}"
    elif size == 0:
        text = "0"
    else:
        text = f"{value:.3g}"
    if value == int(value) and "e" not in text:
        # Whole numbers (counts) without decimals; others keep theirs, so columns line up.
        text = text.split(".")[0]
    return "0" if text == "-0" else text.replace("-", MINUS)


def measure(value: float | None, unit: str = "") -> str:
    """Return a value with its unit ("42.5%", "12 hours"); a dash when there is none."""
    text = number(value)
    if text == NO_VALUE or not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
