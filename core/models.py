"""Core has no domain models of its own (see DESIGN.md): only infrastructure."""
