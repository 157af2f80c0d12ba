"""The Check of a PDCA cycle: the target indicator's before and after windows compared.

Pure statistics over snapshot values (one point per period); the service reads the snapshots and
stores the result. The test suits the measure: a two-proportion test for shares, the NPS
difference with its variance, Welch's t-test for means, the Poisson E-test for counts per
exposure. Whether the after window shows a special cause against the before window's limits,
and where its natural process limits sit against the target, complete the picture.

Only complete periods count: a period that has not ended never drives a verdict.

The package re-exports its public names, so callers import from `improvement.check` alone:
`windows` (measures, points and windows), `effects` (the tests), `process` (shift and
assurance), `summary` (the words), `result` (what is stored) and `compare` (baseline and Check).
"""

from .compare import baseline_of, check
from .result import DATE_FIELDS, CheckResult
from .summary import ASSURANCE_PHRASES, TEST_PHRASES
from .windows import (
    ATTRIBUTE_CHARTS,
    MINIMUM_BEFORE,
    MOST_PERIODS_NEEDED,
    OBSERVED_MEASURES,
    PROPORTIONS,
    SIGNIFICANCE,
    TEST_NAMES,
    Z_95,
    Z_POWER,
    Assurance,
    Baseline,
    ChartType,
    Computation,
    Measure,
    Point,
    Reason,
    Verdict,
    Window,
    measure_of,
    scale_of,
    window_of,
)

__all__ = [
    "ASSURANCE_PHRASES",
    "ATTRIBUTE_CHARTS",
    "DATE_FIELDS",
    "MINIMUM_BEFORE",
    "MOST_PERIODS_NEEDED",
    "OBSERVED_MEASURES",
    "PROPORTIONS",
    "SIGNIFICANCE",
    "TEST_NAMES",
    "TEST_PHRASES",
    "Z_95",
    "Z_POWER",
    "Assurance",
    "Baseline",
    "ChartType",
    "CheckResult",
    "Computation",
    "Measure",
    "Point",
    "Reason",
    "Verdict",
    "Window",
    "baseline_of",
    "check",
    "measure_of",
    "scale_of",
    "window_of",
]
