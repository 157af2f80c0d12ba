"""Leading and lagging indicators, snapshots, control charts and trends."""
