"""Reads of the SLA policies per severity and of the frontline limit.

Migration 0002 writes a policy row for every severity, and nothing deletes them; a database
emptied since (a test flushing its tables) reads the default targets instead, written only when
a quality manager saves them.
"""

from ..constants import DEFAULT_SEVERITY_POLICIES
from ..models import Severity, SeverityPolicy


def default_policy(severity: int) -> SeverityPolicy:
    """Return the starting SLA policy of a severity, unsaved."""
    hours, days, working_days, frontline = DEFAULT_SEVERITY_POLICIES[severity]
    return SeverityPolicy(
        severity=severity,
        acknowledge_within_hours=hours,
        resolve_within_days=days,
        working_days_only=working_days,
        frontline_may_resolve=frontline,
    )


def policy_for(severity: int) -> SeverityPolicy:
    """Return the SLA policy of a severity."""
    return SeverityPolicy.objects.filter(severity=severity).first() or default_policy(severity)


def all_policies() -> list[SeverityPolicy]:
    """Return the policies of every severity, in severity order."""
    stored = {policy.severity: policy for policy in SeverityPolicy.objects.all()}
    return [stored.get(severity) or default_policy(severity) for severity in Severity.values]


def frontline_limit() -> int | None:
    """Return the highest severity frontline staff may resolve, or None."""
    allowed = [policy.severity for policy in all_policies() if policy.frontline_may_resolve]
    return max(allowed, default=None)
