"""PDCA improvement cycles, their actions, the suggestions (CAPA) and the reminder digests."""

from .cycles import CycleAction, PDCACycle
from .suggestions import ReminderDigest, Suggestion

__all__ = ["CycleAction", "PDCACycle", "ReminderDigest", "Suggestion"]
