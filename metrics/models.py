"""Models of the metrics app (added by the issue that builds it)."""
