"""Models of the journeys app (added by the issue that builds it)."""
