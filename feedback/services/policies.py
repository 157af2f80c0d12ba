"""Writes of the SLA policies per severity and of the frontline limit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.saving import validated_save

from ..constants import DEFAULT_SEVERITY_POLICIES
from ..models import Severity, SeverityPolicy


def policy_for(severity: int) -> SeverityPolicy:
    """Return the SLA policy of a severity, recreating the default if the row is missing."""
    hours, days, working_days, frontline = DEFAULT_SEVERITY_POLICIES[severity]
    policy, _created = SeverityPolicy.objects.get_or_create(
        severity=severity,
        defaults={
            "acknowledge_within_hours": hours,
            "resolve_within_days": days,
            "working_days_only": working_days,
            "frontline_may_resolve": frontline,
        },
    )
    return policy


def all_policies() -> list[SeverityPolicy]:
    """Return the policies of every severity, in severity order."""
    return [policy_for(severity) for severity in Severity.values]


@transaction.atomic
def severity_policy_update(
    *,
    policy: SeverityPolicy,
    acknowledge_within_hours: int,
    resolve_within_days: int,
    working_days_only: bool,
) -> SeverityPolicy:
    """Change the SLA targets of one severity; complaints already logged keep their due times."""
    return validated_save(
        policy,
        acknowledge_within_hours=acknowledge_within_hours,
        resolve_within_days=resolve_within_days,
        working_days_only=working_days_only,
    )


@transaction.atomic
def frontline_limit_set(*, highest_severity: int | None) -> None:
    """Let frontline staff resolve their own complaints up to a severity (None: not at all)."""
    if highest_severity is not None and highest_severity not in Severity.values:
        raise ValidationError({"highest_severity": _("Choose a severity.")})
    all_policies()
    for policy in SeverityPolicy.objects.select_for_update():
        allowed = highest_severity is not None and policy.severity <= highest_severity
        if policy.frontline_may_resolve != allowed:
            validated_save(policy, frontline_may_resolve=allowed)


def frontline_limit() -> int | None:
    """Return the highest severity frontline staff may resolve, or None."""
    allowed = SeverityPolicy.objects.filter(frontline_may_resolve=True).order_by("-severity")
    return allowed.values_list("severity", flat=True).first()
