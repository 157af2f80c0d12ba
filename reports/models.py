"""Models of the reports app (added by the issue that builds it)."""
