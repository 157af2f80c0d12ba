"""Serializers of the improvement API: what cycles, their Check, actions and suggested cycles
look like to a client, and the bodies of the writes (one per service, its arguments by name)."""

from .actions import (
    ActionCompletionSerializer,
    ActionCreateSerializer,
    ActionUpdateSerializer,
    CycleActionSerializer,
)
from .cycle_writes import (
    CycleCheckStartSerializer,
    CycleCreateSerializer,
    CycleDecisionSerializer,
    CycleFromIdeaSerializer,
    CycleUpdateSerializer,
)
from .cycles import (
    CheckResultSerializer,
    CycleCheckSerializer,
    CycleDetailSerializer,
    CycleSerializer,
    check_result_of,
)
from .fields import ReasonSerializer
from .suggestions import SuggestionDetailSerializer, SuggestionSerializer

__all__ = [
    "ActionCompletionSerializer",
    "ActionCreateSerializer",
    "ActionUpdateSerializer",
    "CheckResultSerializer",
    "CycleActionSerializer",
    "CycleCheckSerializer",
    "CycleCheckStartSerializer",
    "CycleCreateSerializer",
    "CycleDecisionSerializer",
    "CycleDetailSerializer",
    "CycleFromIdeaSerializer",
    "CycleSerializer",
    "CycleUpdateSerializer",
    "ReasonSerializer",
    "SuggestionDetailSerializer",
    "SuggestionSerializer",
    "check_result_of",
]
