"""Stakeholder groups, departments, partners, customer segments and customers."""
