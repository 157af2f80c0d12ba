"""Writes of the improvement app: cycles and their phases, actions, suggestions, reminders."""
