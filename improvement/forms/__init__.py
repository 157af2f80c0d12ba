"""Forms of the improvement pages: cycles and their phases, actions, suggested cycles."""

from .actions import ActionDeferForm, ActionDoneForm, ActionForm
from .cycles import (
    AbandonForm,
    ChangeLiveForm,
    CycleFilterForm,
    CycleForm,
    DecideForm,
    DoForm,
    PlanForm,
    RecogniseForm,
)
from .suggestions import SuggestionDismissForm

__all__ = [
    "AbandonForm",
    "ActionDeferForm",
    "ActionDoneForm",
    "ActionForm",
    "ChangeLiveForm",
    "CycleFilterForm",
    "CycleForm",
    "DecideForm",
    "DoForm",
    "PlanForm",
    "RecogniseForm",
    "SuggestionDismissForm",
]
