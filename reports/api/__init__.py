"""REST API of the reports app, one module per area."""
