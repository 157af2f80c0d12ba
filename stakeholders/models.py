"""Models of the stakeholders app (added by the issue that builds it)."""
