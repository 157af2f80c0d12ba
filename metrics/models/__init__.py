"""Models of the metrics app, one module per topic, imported from here: `models.Indicator`."""

from .alerts import AlertRule, AlertSubscription
from .indicators import CODE_VALIDATOR, Indicator, Observation
from .runs import RecomputeItem, RecomputeRun
from .series import Alert, Annotation, Driver, LimitSegment, Snapshot

__all__ = [
    "CODE_VALIDATOR",
    "Alert",
    "AlertRule",
    "AlertSubscription",
    "Annotation",
    "Driver",
    "Indicator",
    "LimitSegment",
    "Observation",
    "RecomputeItem",
    "RecomputeRun",
    "Snapshot",
]
