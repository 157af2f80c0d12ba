"""PDCA cycles and corrective / preventive actions."""
