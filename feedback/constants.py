"""Constants of the feedback app."""

# The starting SLA targets per severity (quality managers edit them on the SLA page):
# severity: (acknowledge within hours, resolve within days, working days only, frontline resolves)
DEFAULT_SEVERITY_POLICIES: dict[int, tuple[int, int, bool, bool]] = {
    1: (48, 10, True, True),  # low
    2: (24, 5, True, True),  # medium
    3: (8, 3, True, False),  # high
    4: (2, 1, False, False),  # critical: calendar days, weekends included
}
