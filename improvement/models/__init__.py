"""PDCA improvement cycles, their actions, the suggestions (CAPA) and the reminder digests."""

from .cycles import OPEN_ACTION, CycleAction, PDCACycle
from .suggestions import ReminderDigest, Suggestion

__all__ = ["OPEN_ACTION", "CycleAction", "PDCACycle", "ReminderDigest", "Suggestion"]
