"""Reads of the system-health dashboard, one module per panel, each a fixed number of queries.

`scope` says which filters each panel reads; `periods` which periods stand for the chosen month.
"""

from .attention import AttentionList, needs_attention
from .balance import GroupHealth, balance, kind_panels, strongest_drivers
from .heat import DEFAULT_MEASURE, MEASURES, JourneyHeat, journey_heat
from .matrix import DEFAULT_SORT, MatrixRow, matrix_indicators, matrix_rows, sort_choices
from .periods import last_complete_month
from .scope import DashboardFilters

__all__ = [
    "DEFAULT_MEASURE",
    "DEFAULT_SORT",
    "MEASURES",
    "AttentionList",
    "DashboardFilters",
    "GroupHealth",
    "JourneyHeat",
    "MatrixRow",
    "balance",
    "journey_heat",
    "kind_panels",
    "last_complete_month",
    "matrix_indicators",
    "matrix_rows",
    "needs_attention",
    "sort_choices",
    "strongest_drivers",
]
