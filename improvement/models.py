"""Models of the improvement app (added by the issue that builds it)."""
