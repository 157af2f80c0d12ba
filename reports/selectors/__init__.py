"""Reads of the reports app, one module per area: every page, export and API route uses them."""
