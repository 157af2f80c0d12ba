"""Models of the metrics app, one module per topic, imported from here: `models.Indicator`."""

from .indicators import CODE_VALIDATOR, Indicator, Observation
from .runs import RecomputeItem, RecomputeRun
from .series import Alert, Annotation, Driver, LimitSegment, Snapshot

__all__ = [
    "CODE_VALIDATOR",
    "Alert",
    "Annotation",
    "Driver",
    "Indicator",
    "LimitSegment",
    "Observation",
    "RecomputeItem",
    "RecomputeRun",
    "Snapshot",
]
