"""Writes of the SLA policies per severity and of the frontline limit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.saving import validated_save

from ..models import Severity, SeverityPolicy
from ..selectors.policies import all_policies


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
def frontline_limit_set(*, highest_severity: int | None) -> list[SeverityPolicy]:
    """Let frontline staff resolve their own complaints up to a severity (None: not at all).

    Return the policies of every severity, in severity order, as they now are.
    """
    if highest_severity is not None and highest_severity not in Severity.values:
        raise ValidationError({"highest_severity": _("Choose a severity.")})
    # A severity without its row (see selectors.policies) gets it now, so that it is locked too.
    missing = [policy for policy in all_policies() if policy.pk is None]
    SeverityPolicy.objects.bulk_create(missing, ignore_conflicts=True)
    policies = list(SeverityPolicy.objects.select_for_update().order_by("severity"))
    for policy in policies:
        allowed = highest_severity is not None and policy.severity <= highest_severity
        if policy.frontline_may_resolve != allowed:
            validated_save(policy, frontline_may_resolve=allowed)
    return policies
