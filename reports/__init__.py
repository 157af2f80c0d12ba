"""System-health dashboard, partner scorecards and executive reports."""
