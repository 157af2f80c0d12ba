"""Shared infrastructure: roles, business errors, navigation, health, demo data."""
